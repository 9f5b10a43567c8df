"""Each semantic check (K2xx): input that triggers it, at the exact place,
and input that does not. Cases run as .yaml and as .md front matter."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kamgen import checks
from kamgen.pipeline import load
from kamgen.problems import Problem
from kamgen.project import Project
from kamgen.rules import RULES
from tests.conftest import MINIMAL, SETTINGS, positions

PEOPLE = """\
stakeholders:
  - {id: ann, name: Ann}
  - {id: bob, name: Bob, reports_to: [ann]}
"""

# Expected problems as (line, token, code): the column is where the token
# starts on that line of the YAML, so each case reads like the file it tests.
CASES: dict[str, tuple[str, list[tuple[int, str, str]]]] = {
    "K201-reports-to": (
        MINIMAL + PEOPLE + "  - {id: cy, name: Cy, reports_to: [ann, zed]}\n",
        [(7, "zed", "K201")],
    ),
    "K201-relationship": (
        MINIMAL + PEOPLE + "relationships:\n  - {kind: influences, from: ann, to: bobb}\n",
        [(8, "bobb", "K201")],
    ),
    "K201-interest-holder": (
        MINIMAL + PEOPLE + "interests:\n  - {id: i, holder: carl, interest: x, threat: y, severity: low}\n",
        [(8, "carl", "K201")],
    ),
    "K201-goal-owner": (
        MINIMAL + PEOPLE + "goals:\n  - {id: g, statement: s, horizon: now, owners: [ann, nobody]}\n",
        [(8, "nobody", "K201")],
    ),
    "K201-action-goal-and-owner": (
        MINIMAL + "actions:\n  - {id: a, title: t, kind: demo, goal: nope, owner: li-wie}\n",
        [(5, "nope", "K201"), (5, "li-wie", "K201")],
    ),
    "K201-account-owner": ("name: Acme\nowner: lee\ntier: key\n", [(2, "lee", "K201")]),
    "K201-coverage": (
        MINIMAL + "stakeholders:\n  - id: ann\n    name: Ann\n    coverage: [{member: bo}]\n",
        [(7, "bo}", "K201")],
    ),
    "K202-stakeholder": (MINIMAL + PEOPLE + "  - {id: ann, name: Ann Two}\n", [(7, "ann", "K202")]),
    "K202-relationship": (
        MINIMAL + PEOPLE + "relationships:\n  - {kind: influences, from: ann, to: bob}\n"
        "  - {kind: influences, from: ann, to: bob}\n",
        [(9, "{kind", "K202")],
    ),
    "K203-cycle": (
        MINIMAL + "stakeholders:\n  - {id: ann, name: Ann, reports_to: [cy]}\n"
        "  - {id: bob, name: Bob, reports_to: [ann]}\n  - {id: cy, name: Cy, reports_to: [bob]}\n",
        [(6, "ann]", "K203")],
    ),
    "K204-self-report": (
        MINIMAL + "stakeholders:\n  - {id: ann, name: Ann, reports_to: [ann]}\n",
        [(5, "ann]", "K204")],
    ),
    "K204-self-relationship": (
        MINIMAL + PEOPLE + "relationships:\n  - {kind: allied-with, from: ann, to: ann}\n",
        [(8, "ann}", "K204")],
    ),
    "K205-checklist": (
        MINIMAL + "checklists:\n  buyin:\n    identified: {done: true}\n",
        [(5, "buyin", "K205")],
    ),
    "K205-item": (
        MINIMAL + "checklists:\n  buy-in:\n    identifed: {done: true}\n",
        [(6, "identifed", "K205")],
    ),
    "K206-whisper-without-ally": (
        MINIMAL
        + PEOPLE
        + "interests:\n  - {id: i, holder: ann, interest: x, threat: y, severity: low, tactic: whisper}\n",
        [(8, "whisper", "K206")],
    ),
    "K206-ally-without-whisper": (
        MINIMAL
        + PEOPLE
        + "interests:\n  - {id: i, holder: ann, interest: x, threat: y, severity: low, ally: bob}\n",
        [(8, "bob}", "K206")],
    ),
    "K204-self-ally-in-tactics": (
        MINIMAL
        + PEOPLE
        + "interests:\n  - id: i\n    holder: ann\n    interest: x\n    threat: y\n    severity: low\n"
        "    tactics:\n      - {tactic: go-around}\n      - {tactic: whisper, ally: ann}\n",
        [(15, "ann}", "K204")],
    ),
    "K206-each-tactic-of-a-list": (
        MINIMAL
        + PEOPLE
        + "interests:\n  - id: i\n    holder: ann\n    interest: x\n    threat: y\n    severity: low\n"
        "    tactics:\n      - tactic: go-around\n        ally: bob\n      - tactic: whisper\n",
        [(15, "bob", "K206"), (16, "whisper", "K206")],
    ),
    "K210-tactic-and-tactics": (
        MINIMAL
        + PEOPLE
        + "interests:\n  - id: i\n    holder: ann\n    interest: x\n    threat: y\n    severity: low\n"
        "    tactic: wait\n    ally: bob\n    tactics: [{tactic: whisper, ally: bob}]\n",
        [(13, "tactic", "K210"), (14, "ally", "K210")],
    ),
    "K211-link-scheme": (
        MINIMAL + "links:\n  - {title: CRM, url: 'https://crm.example.com/a/1'}\n"
        "  - {title: Evil, url: 'javascript:alert(1)'}\n",
        [(6, "'javascript", "K211")],
    ),
    "K211-stakeholder-link": (
        MINIMAL + "stakeholders:\n  - id: ann\n    name: Ann\n    links:\n"
        "      - {title: Share, url: file:///etc/passwd}\n",
        [(8, "file:", "K211")],
    ),
}


@pytest.mark.parametrize("suffix", [".yaml", ".md"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_check_reports_at_exact_position(
    case: str, suffix: str, check_account: Callable[..., list[Problem]]
) -> None:
    text, expected = CASES[case]
    lines = text.splitlines()
    shift = 1 if suffix == ".md" else 0
    want = [(ln + shift, lines[ln - 1].index(token) + 1, code) for ln, token, code in expected]
    assert positions(check_account(text, suffix=suffix)) == want


CLEAN = (
    MINIMAL
    + PEOPLE
    + """\
  - {id: cy, name: Cy, reports_to: [ann, bob], coverage: [{member: anna, level: in-depth}]}
relationships:
  - {kind: influences, from: ann, to: bob}
  - {kind: allied-with, from: ann, to: bob}
interests:
  - {id: i, holder: bob, interest: x, threat: y, severity: low, tactic: whisper, ally: ann}
  - id: j
    holder: cy
    kind: personal-gain
    interest: x
    threat: y
    severity: low
    tactics: [{tactic: go-around}, {tactic: whisper, ally: ann}]
extra: {crm_id: A-1, since: 2020-01-01, sites: [Leeds, York], vip: true, rebate: 2.5}
links: [{title: CRM, url: "https://crm.example.com/a?id=1&x=(2)"}]
goals:
  - {id: g, statement: s, horizon: now, owners: [ann], source: [bob]}
actions:
  - {id: a, title: t, kind: demo, goal: g, owner: anna, stakeholders: [cy]}
checklists:
  buy-in:
    identified: {done: true}
  review:
    shared: {done: false, note: next quarter}
"""
)


@pytest.mark.parametrize("suffix", [".yaml", ".md"])
def test_clean_account_passes_every_check(suffix: str, check_account: Callable[..., list[Problem]]) -> None:
    assert check_account(CLEAN, suffix=suffix) == []


def test_unknown_reference_suggests_a_close_id(check_account: Callable[..., list[Problem]]) -> None:
    problems = check_account(MINIMAL + PEOPLE + "  - {id: cy, name: Cy, reports_to: [bbo]}\n")
    assert problems[0].message == "unknown stakeholder 'bbo'; did you mean 'bob'?"


def test_cycle_message_names_the_loop(check_account: Callable[..., list[Problem]]) -> None:
    text = (
        MINIMAL
        + "stakeholders:\n  - {id: a, name: A, reports_to: [b]}\n  - {id: b, name: B, reports_to: [a]}\n"
    )
    problems = check_account(text)
    assert positions(problems) == [(6, 35, "K203")]
    assert problems[0].message == "reports_to forms a cycle: a -> b -> a"


def _settings_problems(project: Project, text: str) -> list[Problem]:
    project.settings_file.write_text(text, encoding="utf-8")
    (project.accounts_dir / "acme.yaml").write_text(MINIMAL, encoding="utf-8")
    return load(project).problems


def test_duplicate_team_member_in_settings(project: Project) -> None:
    line = "  - {id: extra, title: X, items: [{id: a, text: A}, {id: a, text: B}]}"
    problems = _settings_problems(project, SETTINGS + line + "\n")
    col = line.index("a, text: B") + 1
    assert [(p.path, p.line, p.col, p.code) for p in problems] == [("kamgen.yml", 10, col, "K202")]


@pytest.mark.parametrize(
    ("criterion", "col"),
    [
        ("{id: c, metric: volume, threshold: BBB}", 42),
        ("{id: c, metric: credit-rating, threshold: 5}", 49),
    ],
)
def test_criterion_threshold_must_fit_metric(project: Project, criterion: str, col: int) -> None:
    problems = _settings_problems(project, SETTINGS + f"qualification:\n  criteria:\n    - {criterion}\n")
    assert [(p.line, p.col, p.code) for p in problems] == [(12, col, "K207")]


def test_every_check_is_documented() -> None:
    for check in checks.ACCOUNT_CHECKS + checks.SETTINGS_CHECKS:
        assert len(check.text.split()) > 8, check.code
    assert all(r.doc for r in RULES.values())


EXTRA_SETTINGS = """\
extra:
  accounts:
    closed: true
    fields:
      crm_id: {type: text, required: true}
      since: {type: date}
      tier_code: {type: text, values: [A, B]}
  stakeholders:
    fields:
      wechat: {type: text}
      seats: {type: integer}
"""


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        # A required key missing: at the `extra` key that lacks it.
        ("extra:\n  since: 2020-01-01\n", [(4, "extra", "K212")]),
        ("extra:\n  crm_id: A\n  since: soon\n", [(6, "soon", "K212")]),
        ("extra:\n  crm_id: A\n  tier_code: C\n", [(6, "C", "K212")]),
        ("extra:\n  crm_id: A\n  crm: B\n", [(6, "crm", "K212")]),
        (
            "extra: {crm_id: A}\nstakeholders:\n  - id: ann\n    name: Ann\n    extra: {seats: 2.5, x: 1}\n",
            [(8, "2.5", "K212")],
        ),
        ("extra: {crm_id: A, since: 2020-01-01, tier_code: B}\n", []),
    ],
)
def test_extra_fields_narrowed_in_settings(
    project: Project, account: str, expected: list[tuple[int, str, str]]
) -> None:
    project.settings_file.write_text(SETTINGS + EXTRA_SETTINGS, encoding="utf-8")
    text = MINIMAL + account
    (project.accounts_dir / "acme.yaml").write_text(text, encoding="utf-8")
    lines = text.splitlines()
    want = [(ln, lines[ln - 1].index(token) + 1, code) for ln, token, code in expected]
    assert positions(load(project).problems) == want


def test_a_required_extra_field_missing_from_an_account_without_extra(project: Project) -> None:
    project.settings_file.write_text(SETTINGS + EXTRA_SETTINGS, encoding="utf-8")
    (project.accounts_dir / "acme.yaml").write_text(MINIMAL, encoding="utf-8")
    [problem] = load(project).problems
    assert (problem.code, problem.message) == ("K212", "the account needs the extra field 'crm_id'")


def test_extra_fields_are_free_form_without_settings(check_account: Callable[..., list[Problem]]) -> None:
    text = MINIMAL + "extra:\n  CRM id: 1\n  合約: 甲-7\n  renew: 2027-01-31\n  tags: [a, 2, no]\n"
    assert check_account(text) == []


def test_extra_takes_no_nested_mapping(check_account: Callable[..., list[Problem]]) -> None:
    problems = check_account(MINIMAL + "extra:\n  contract:\n    number: 7\n")
    assert [p.code for p in problems] == ["K103"]
