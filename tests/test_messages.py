"""Messages an account manager understands (issue 8, part 7).

Each case is a file and every problem it gives, exactly: (line, col, code,
message). Items are named by name and id, not by data path; a mistyped enum
value gets the nearest allowed one; common YAML slips are explained in plain
words where they were made; no advice leads to another error; enum values may
be written in the site language.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from kamgen import aliases, loader, schema, slips
from kamgen.loader import Document, parse_yaml
from kamgen.nearest import nearest
from kamgen.paths import describe
from kamgen.pipeline import load
from kamgen.problems import Collector, Problem
from kamgen.project import Project
from kamgen.validate import to_model
from tests.conftest import MINIMAL, SETTINGS

Listing = list[tuple[int, int, str, str]]

CASES: dict[str, tuple[str, Listing]] = {
    "item-named": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - id: zhang-wei\n    name: 張偉\n  - id: huang-zhiqiang\n    name: 黃志強\n    stance: supportive\n",
        [
            (
                9,
                13,
                "K104",
                "黃志強 (huang-zhiqiang): stance: 'supportive' is not allowed; use one of 'mentor', 'supporter', 'neutral', 'non-supporter' or 'enemy'; did you mean 'supporter'?",
            )
        ],
    ),
    "item-id-only": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - {id: ann, name: no}\n",
        [(5, 21, "K006", "ann: name: 'no' is read by YAML as a boolean, not text; quote it: 'no'")],
    ),
    "item-no-id": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - {name: Ann, stance: neutral}\n",
        [(5, 5, "K102", "missing required field 'id' in Ann (stakeholders[0])")],
    ),
    "item-nested-no-id": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - id: ann\n    name: Ann\n    coverage:\n      - {member: li-wei, level: deep}\n",
        [
            (
                8,
                33,
                "K104",
                "Ann (ann): coverage[0].level: 'deep' is not allowed; use one of 'none', 'brief', 'multiple' or 'in-depth'",
            )
        ],
    ),
    "item-goal-statement": (
        "name: Acme\nowner: li-wei\ntier: key\ngoals:\n  - {id: grow, statement: Grow volume by half, horizon: next-year}\n",
        [
            (
                5,
                57,
                "K104",
                "Grow volume by half (grow): horizon: 'next-year' is not allowed; use one of 'now', '3-months', '6-months', '12-months' or 'long-term'",
            )
        ],
    ),
    "item-action-title": (
        "name: Acme\nowner: li-wei\ntier: key\nactions:\n  - {id: demo, title: Demo day, kind: demo, effort_hours: lots}\n",
        [
            (5, 5, "K102", "missing required field 'owner' in Demo day (demo)"),
            (5, 59, "K103", "Demo day (demo): effort_hours: expected a number, found str 'lots'"),
        ],
    ),
    "item-interest": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - {id: ann, name: Ann}\ninterests:\n  - {id: kickback, holder: ann, interest: Kickback from the supplier, threat: loses it, severity: hgh}\n",
        [
            (
                7,
                99,
                "K104",
                "Kickback from the supplier (kickback): severity: 'hgh' is not allowed; use one of 'high', 'medium' or 'low'; did you mean 'high'?",
            )
        ],
    ),
    "item-unknown-field": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - id: ann\n    name: Ann\n    influnce: high\n",
        [(7, 5, "K101", "unknown field 'influnce' in Ann (ann); did you mean 'influence'?")],
    ),
    "item-long-statement": (
        "name: Acme\nowner: li-wei\ntier: key\ngoals:\n  - id: long\n    statement: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n    horizon: soon\n",
        [
            (
                7,
                14,
                "K104",
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (long): horizon: 'soon' is not allowed; use one of 'now', '3-months', '6-months', '12-months' or 'long-term'",
            )
        ],
    ),
    "no-index-no-name": (
        "name: Acme\nowner: li-wei\ntier: key\nqualification:\n  purchases:\n    - {period: 2025, amount: lots}\n",
        [(6, 30, "K103", "qualification.purchases[0].amount: expected a number, found str 'lots'")],
    ),
    "enum-nearest": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - {id: ann, name: Ann, stance: supportive}\n",
        [
            (
                5,
                34,
                "K104",
                "Ann (ann): stance: 'supportive' is not allowed; use one of 'mentor', 'supporter', 'neutral', 'non-supporter' or 'enemy'; did you mean 'supporter'?",
            )
        ],
    ),
    "enum-nearest-short": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - {id: ann, name: Ann, influence: hgh}\n",
        [
            (
                5,
                37,
                "K104",
                "Ann (ann): influence: 'hgh' is not allowed; use one of 'high', 'medium' or 'low'; did you mean 'high'?",
            )
        ],
    ),
    "enum-none-near": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - {id: ann, name: Ann, stance: friendly}\n",
        [
            (
                5,
                34,
                "K104",
                "Ann (ann): stance: 'friendly' is not allowed; use one of 'mentor', 'supporter', 'neutral', 'non-supporter' or 'enemy'",
            )
        ],
    ),
    "implicit-int-enum": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - {id: ann, name: Ann, influence: 5}\n",
        [(5, 37, "K104", "Ann (ann): influence: '5' is not allowed; use one of 'high', 'medium' or 'low'")],
    ),
    "implicit-bool-enum": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - {id: ann, name: Ann, stance: yes}\n",
        [
            (
                5,
                34,
                "K104",
                "Ann (ann): stance: 'yes' is not allowed; use one of 'mentor', 'supporter', 'neutral', 'non-supporter' or 'enemy'",
            )
        ],
    ),
    "implicit-int-id": (
        "name: Acme\nowner: li-wei\ntier: key\ngoals:\n  - {id: 2024, statement: x, horizon: now}\n",
        [
            (
                5,
                10,
                "K006",
                "x (goals[0]): id: '2024' is read by YAML as an integer, not text; quote it: '2024'",
            )
        ],
    ),
    "implicit-bool-text": (
        "name: Acme\nowner: li-wei\ntier: key\nindustry: no\n",
        [(4, 11, "K006", "industry: 'no' is read by YAML as a boolean, not text; quote it: 'no'")],
    ),
    "fullwidth-colon": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - id: ann\n    name: Ann\n    stance： neutral\n    role: coach\n",
        [
            (
                7,
                11,
                "K003",
                "'stance：' has a full-width colon '：' (typed with a Chinese input method), which YAML does not read as a colon; write the ASCII colon ':' and a space, as in `stance: neutral`",
            )
        ],
    ),
    "fullwidth-colon-first": (
        "name： Acme\nowner: li-wei\ntier: key\n",
        [
            (
                1,
                5,
                "K003",
                "'name：' has a full-width colon '：' (typed with a Chinese input method), which YAML does not read as a colon; write the ASCII colon ':' and a space, as in `name: Acme`",
            )
        ],
    ),
    "fullwidth-colon-list-item": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - stance： neutral\n",
        [
            (
                5,
                5,
                "K103",
                "stakeholders[0]: expected a mapping, found str 'stance： neutral'; '：' is a full-width colon: write the ASCII colon ':' and a space, as in `stance: neutral`",
            )
        ],
    ),
    "fullwidth-colon-flow": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - {id: ann, name: Ann, stance： neutral}\n",
        [
            (
                5,
                26,
                "K101",
                "unknown field 'stance： neutral' in Ann (ann); '：' is a full-width colon: write the ASCII colon ':' and a space, as in `stance: neutral`",
            )
        ],
    ),
    "tab": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - id: ann\n\tname: Ann\n",
        [
            (
                6,
                1,
                "K003",
                "a tab is used to indent; YAML indents with spaces only: replace the tab with spaces",
            )
        ],
    ),
    "tab-first": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n\t- id: ann\n",
        [
            (
                5,
                1,
                "K003",
                "a tab is used to indent; YAML indents with spaces only: replace the tab with spaces",
            )
        ],
    ),
    "colon-in-text": (
        "name: Acme\nowner: li-wei\ntier: key\nwhy_key: Reason: they buy a lot\n",
        [
            (
                4,
                16,
                "K003",
                "the text of 'why_key' holds ': ' (a colon and a space), which YAML reads as the start of another field; put the text in quotes, as in `why_key: 'Reason: they buy a lot'`",
            )
        ],
    ),
    "colon-in-text-flow": (
        "name: Acme\nowner: li-wei\ntier: key\ngoals:\n  - {id: g, statement: Grow: 50% more, horizon: now}\n",
        [
            (
                5,
                28,
                "K003",
                "the text of 'statement' holds ': ' (a colon and a space), which YAML reads as the start of another field; put the text in quotes",
            )
        ],
    ),
    "colon-in-list-text": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - id: a\n    name: A\n    aliases:\n      - Mr. Huang: the boss\n",
        [
            (
                8,
                9,
                "K103",
                "A (a): aliases[0]: expected text, found a mapping; ': ' (a colon and a space) in unquoted text "
                "starts a field: put the text in quotes",
            )
        ],
    ),
    "commas-block": (
        "name: Acme\nowner: li-wei\ntier: key\nqualification:\n  purchases:\n    - period: 2025\n      amount: 2,900,000\n",
        [
            (
                7,
                15,
                "K103",
                "qualification.purchases[0].amount: expected a number, found str '2,900,000'; write 2900000 without commas",
            )
        ],
    ),
    "commas-flow": (
        "name: Acme\nowner: li-wei\ntier: key\nqualification:\n  purchases:\n    - {period: 2025, amount: 2,900,000.5}\n",
        [
            (
                6,
                30,
                "K103",
                "qualification.purchases[0].amount: 2,900,000.5 is read by YAML as 2 followed by the fields "
                "'900', '000.5' (in { } a comma separates fields); write 2900000.5 without commas",
            )
        ],
    ),
    # Where the field takes text, the number was text: quoting keeps it.
    "commas-flow-text": (
        "name: Acme\nowner: li-wei\ntier: key\nstakeholders:\n  - {id: a, name: A, title: 1,000}\n",
        [
            (
                5,
                29,
                "K103",
                "A (a): title: 1,000 is read by YAML as 1 followed by the fields '000' (in { } a comma "
                "separates fields); quote it: '1,000'",
            )
        ],
    ),
}


def listing(problems: Iterable[Problem]) -> Listing:
    return [(p.line, p.col, p.code, p.message) for p in problems]


@pytest.mark.parametrize("suffix", [".yaml", ".md"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_message(case: str, suffix: str, check_account: Callable[..., list[Problem]]) -> None:
    text, expected = CASES[case]
    shift = 1 if suffix == ".md" else 0  # the opening '---' of the front matter
    assert listing(check_account(text, suffix=suffix)) == [
        (line + shift, col, code, message) for line, col, code, message in expected
    ]


def test_every_fixed_message_still_reads_path_line_col(check_account: Callable[..., list[Problem]]) -> None:
    problems = check_account(CASES["item-named"][0])
    assert [str(p) for p in problems] == [
        "accounts/acme.yaml:9:13: error K104 黃志強 (huang-zhiqiang): stance: 'supportive' is not "
        "allowed; use one of 'mentor', 'supporter', 'neutral', 'non-supporter' or 'enemy'; "
        "did you mean 'supporter'?"
    ]


# ------------------------------------------------------------ advice that works


# Messages that show what to write instead.
ADVICE = ("as in `", "quote it: ", "did you mean '", "without commas")
ADVISED = sorted(c for c, (_, expected) in CASES.items() if any(a in m for *_, m in expected for a in ADVICE))


@pytest.mark.parametrize("case", ADVISED)
def test_following_the_advice_fixes_the_problem(
    case: str, check_account: Callable[..., list[Problem]]
) -> None:
    """Where a message shows what to write (`as in ...`, `quote it: ...`,
    `did you mean ...`, `write N without commas`), writing it leaves no
    problem at that line but fields still to be added (K102)."""
    text, expected = CASES[case]
    fixed = text
    for line, _col, _code, message in expected:
        fixed = _follow(fixed, line, message)
    assert fixed != text
    lines = {line for line, *_ in expected}
    assert {p.code for p in check_account(fixed) if p.line in lines} <= {"K102"}


def _follow(text: str, line: int, message: str) -> str:
    lines = text.split("\n")
    old = lines[line - 1]
    if "as in `" in message:
        example = message.split("as in `")[1].rstrip("`")
        key = example.split(":")[0]
        start = old.index(key)
        if "{" in old:  # inside { }: only the field itself changes
            end = old.index(",", start) if "," in old[start:] else old.index("}", start)
            lines[line - 1] = old[:start] + example + old[end:]
        else:
            lines[line - 1] = old[:start] + example
    elif "quote it: " in message:
        written = message.split("quote it: ")[1]
        bare = yaml.safe_load(written)
        lines[line - 1] = old.replace(f": {bare}", f": {written}", 1)
    elif "did you mean '" in message:
        wrong = message.split("unknown field '" if "unknown field" in message else ": '")[1].split("'")[0]
        lines[line - 1] = old.replace(wrong, message.split("did you mean '")[1].split("'")[0], 1)
    elif "without commas" in message:
        number = message.split("write ")[-1].split(" ")[0]
        grouped = f"{int(float(number)):,}" + (number[number.index(".") :] if "." in number else "")
        lines[line - 1] = old.replace(grouped, number)
    return "\n".join(lines)


def test_an_implicit_number_in_an_enum_is_told_the_allowed_values(
    check_account: Callable[..., list[Problem]],
) -> None:
    """`influence: 5` was told to quote the 5, and '5' is not allowed either."""
    problems = check_account(MINIMAL + "stakeholders:\n  - {id: ann, name: Ann, influence: 5}\n")
    assert listing(problems) == [
        (5, 37, "K104", "Ann (ann): influence: '5' is not allowed; use one of 'high', 'medium' or 'low'")
    ]
    quoted = check_account(MINIMAL + "stakeholders:\n  - {id: ann, name: Ann, influence: '5'}\n")
    assert listing(quoted) == listing(problems)


def test_quoting_is_advised_where_the_quoted_text_is_valid(
    check_account: Callable[..., list[Problem]],
) -> None:
    # The reference 2024 is a valid id once quoted: quoting is the fix.
    text = MINIMAL + "stakeholders:\n  - {id: a, name: A, reports_to: [2024]}\n  - {id: '2024', name: B}\n"
    assert listing(check_account(text)) == [
        (
            5,
            35,
            "K006",
            "A (a): reports_to[0]: '2024' is read by YAML as an integer, not text; quote it: '2024'",
        )
    ]


def test_a_free_key_read_as_a_boolean_is_told_to_quote_it(project: Project) -> None:
    project.settings_file.write_text(SETTINGS + "      - {id: 'no', text: No objection}\n", encoding="utf-8")
    text = MINIMAL + "checklists:\n  review:\n    no: {done: true}\n"
    (project.accounts_dir / "acme.yaml").write_text(text, encoding="utf-8")
    assert listing(load(project).problems) == [
        (6, 5, "K006", "key 'no' is read by YAML as a boolean; quote it: 'no'")
    ]
    (project.accounts_dir / "acme.yaml").write_text(text.replace("no:", "'no':"), encoding="utf-8")
    assert load(project).problems == []


def test_a_field_name_read_as_a_boolean_is_an_unknown_field_only(
    check_account: Callable[..., list[Problem]],
) -> None:
    """Quoting `no:` would not make it a field: no advice to quote it."""
    assert listing(check_account(MINIMAL + "no: Retail\nindusty: {yes: 1}\n")) == [
        (4, 1, "K101", "unknown field 'no'"),
        (5, 1, "K101", "unknown field 'industy'; did you mean 'industry'?"),
    ]


# ------------------------------------------------------------ YAML slips


SLIPS = {
    "full-width colon": ("name: Acme\nstance： neutral\nowner: x\n", (1, 6)),
    "full-width colon, first key": ("name： Acme\nowner: x\n", (0, 4)),
    "full-width colon, last line": ("stakeholders:\n  - id: a\n    stance： neutral\n", (2, 10)),
    "tab": ("stakeholders:\n  - id: a\n\tname: A\n", (2, 0)),
    "tab after spaces": ("stakeholders:\n  - id: a\n  \tname: A\n", (2, 2)),
    "tab first": ("\tname: Acme\n", (0, 0)),
    "colon in text": ("why_key: Reason: they buy\n", (0, 15)),
    "colon in Chinese text": ("why_key: 原因: 量大\n", (0, 11)),
    "colon in flow": ("goals:\n  - {id: g, statement: Grow: more, horizon: now}\n", (1, 27)),
}


@pytest.mark.parametrize("yaml_loader", [yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)])
@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_slips_are_explained_whichever_parser(slip: str, yaml_loader: type[yaml.SafeLoader]) -> None:
    """PyYAML and libyaml word these errors differently and sometimes point
    at another place; both lead to the same explanation at the slip."""
    text, (line, col) = SLIPS[slip]
    with pytest.raises(yaml.YAMLError) as raised:
        yaml.compose(text, Loader=yaml_loader)
    explained = slips.explain(raised.value, text.split("\n"))
    assert explained is not None and explained[:2] == (line, col)


def test_pure_python_parser_gives_the_same_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "Loader", yaml.SafeLoader)
    doc, out = Document("t.yaml"), Collector("t.yaml")
    parse_yaml(doc, out, "name: Acme\nwhy_key: Reason: they buy\n")
    assert listing(out.problems) == [
        (
            2,
            16,
            "K003",
            "the text of 'why_key' holds ': ' (a colon and a space), which YAML reads as the start of "
            "another field; put the text in quotes, as in `why_key: 'Reason: they buy'`",
        )
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A full-width colon in a value is text; the slip is elsewhere.
        ("name: 港口：物流\nowner: [x\n", "while parsing a flow sequence"),
        ("name: a\n  bad: indent\n", "mapping values are not allowed"),
    ],
)
def test_other_syntax_errors_keep_the_parser_words(text: str, expected: str) -> None:
    doc, out = Document("t.yaml"), Collector("t.yaml")
    parse_yaml(doc, out, text)
    assert len(out.problems) == 1 and out.problems[0].message.startswith(expected)


def test_a_key_with_both_colons_is_told_to_drop_the_full_width_one(
    check_account: Callable[..., list[Problem]],
) -> None:
    assert listing(check_account(MINIMAL + "industry：: Retail\n")) == [
        (4, 1, "K101", "unknown field 'industry：'; '：' is a full-width colon: remove it")
    ]


def test_a_key_alone_with_a_full_width_colon(check_account: Callable[..., list[Problem]]) -> None:
    text = MINIMAL + "stakeholders：\n  - {id: a, name: A}\n"
    assert listing(check_account(text)) == [
        (
            4,
            13,
            "K003",
            "'stakeholders：' has a full-width colon '：' (typed with a Chinese input method), which YAML "
            "does not read as a colon; write the ASCII colon ':' instead, as in `stakeholders:`",
        )
    ]


def test_a_quoted_colon_in_text_is_no_slip(check_account: Callable[..., list[Problem]]) -> None:
    assert check_account(MINIMAL + "why_key: 'Reason: they buy'\nregion: 華南：廣州\n") == []


def test_a_number_in_braces_with_an_ordinary_field_after_it_is_not_regrouped() -> None:
    doc, out = Document("t.yaml"), Collector("t.yaml")
    parse_yaml(doc, out, "p: {amount: 2, 900: x}\nq: [2,900,000]\n")
    assert out.problems == []
    assert doc.data == {"p": {"amount": 2, "900": "x"}, "q": [2, 900, 0]}


# ------------------------------------------------------------ item names


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), "the top level"),
        (("tier",), "tier"),
        (("stakeholders", 0), "黃志強 (huang-zhiqiang)"),
        (("stakeholders", 0, "coverage", 0, "level"), "黃志強 (huang-zhiqiang): coverage[0].level"),
        (("stakeholders", 1, "stance"), "b: stance"),  # no usable name: the id
        (("stakeholders", 2, "stance"), "C (stakeholders[2]): stance"),  # no id: where it is
        (("stakeholders", 3, "stance"), "stakeholders[3].stance"),
        (("stakeholders", 9, "stance"), "stakeholders[9].stance"),  # past the end
        (("checklists", 0, "items", 0, "text"), "Review (review) > Plan shared (shared): text"),
    ],
)
def test_describe_names_items(path: tuple[str | int, ...], expected: str) -> None:
    data = {
        "stakeholders": [
            {"id": "huang-zhiqiang", "name": "黃志強", "coverage": [{"member": "x"}]},
            {"id": "b", "name": False},
            {"name": "C"},
            {"stance": "x"},
        ],
        "checklists": [
            {"id": "review", "title": "Review", "items": [{"id": "shared", "text": "Plan shared"}]}
        ],
    }
    assert describe(data, path) == expected


def test_settings_items_are_named_too(project: Project) -> None:
    project.settings_file.write_text(
        "team:\n  - {id: li-wei, name: Li Wei, hours_per_month: lots}\n", encoding="utf-8"
    )
    assert listing(p for p in load(project).problems if p.path == "kamgen.yml") == [
        (2, 49, "K103", "Li Wei (li-wei): hours_per_month: expected a number, found str 'lots'")
    ]


# ------------------------------------------------------------ nearest values


@pytest.mark.parametrize(
    ("value", "choices", "expected"),
    [
        ("supportive", ["mentor", "supporter", "neutral", "non-supporter", "enemy"], "supporter"),
        ("hgh", ["high", "medium", "low"], "high"),
        ("grwo", ["grow", "expand"], "grow"),
        ("lw", ["high", "medium", "low"], "low"),
        ("xy", ["high", "medium", "low"], None),
        ("E", ["A", "B", "C"], None),
        ("friendly", ["mentor", "supporter", "neutral", "non-supporter", "enemy"], None),
    ],
)
def test_nearest(value: str, choices: list[str], expected: str | None) -> None:
    assert nearest(value, choices) == expected


# Where each enum is written: a document template with {} for the value.
ENUM_FIELDS: dict[type[StrEnum], str] = {
    schema.Tier: "name: A\nowner: li-wei\ntier: {}\n",
    schema.Stage: MINIMAL + "stage: {}\n",
    schema.Stance: MINIMAL + "stakeholders:\n  - {{id: a, name: A, stance: {}}}\n",
    schema.BuyingRole: MINIMAL + "stakeholders:\n  - {{id: a, name: A, role: {}}}\n",
    schema.Mode: MINIMAL + "stakeholders:\n  - {{id: a, name: A, mode: {}}}\n",
    schema.RelationshipLevel: MINIMAL + "stakeholders:\n  - {{id: a, name: A, relationship_level: {}}}\n",
    schema.PoliticalStatus: MINIMAL + "stakeholders:\n  - {{id: a, name: A, political_status: {}}}\n",
    schema.Level3: MINIMAL + "stakeholders:\n  - {{id: a, name: A, influence: {}}}\n",
    schema.Horizon: MINIMAL + "goals:\n  - {{id: g, statement: G, horizon: {}}}\n",
    schema.GoalStatus: MINIMAL + "goals:\n  - {{id: g, statement: G, horizon: now, status: {}}}\n",
    schema.ActionKind: MINIMAL + "actions:\n  - {{id: x, title: X, owner: li-wei, kind: {}}}\n",
}


def _validate(text: str, language: str | None = None) -> list[Problem]:
    doc, out = Document("t.yaml"), Collector("t.yaml")
    parse_yaml(doc, out, text)
    _, problems = to_model(doc, schema.Account, language=language)
    return out.problems + problems


@st.composite
def typos(draw: st.DrawFn) -> tuple[type[StrEnum], str, str]:
    """An enum value with as many edits as a suggestion allows for its length."""
    enum = draw(st.sampled_from(sorted(ENUM_FIELDS, key=lambda e: e.__name__)))
    value = draw(st.sampled_from([m.value for m in enum if len(m.value) >= 3]))
    typo = value
    for _ in range(draw(st.integers(1, 1 if len(value) <= 4 else 2))):
        at = draw(st.integers(0, len(typo)))
        letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz-"))
        edit = draw(st.sampled_from(["insert", "delete", "replace"]))
        if edit == "insert" or at == len(typo):
            typo = typo[:at] + letter + typo[at:]
        elif edit == "delete":
            typo = typo[:at] + typo[at + 1 :]
        else:
            typo = typo[:at] + letter + typo[at + 1 :]
    return enum, value, typo


@given(typos())
def test_any_near_typo_gets_a_suggestion_that_validates(case: tuple[type[StrEnum], str, str]) -> None:
    enum, _value, typo = case
    assume(typo not in {m.value for m in enum})
    template = ENUM_FIELDS[enum]
    problems = _validate(template.format(json.dumps(typo)))
    assert [p.code for p in problems] == ["K104"]
    assert "did you mean '" in problems[0].message
    suggestion = problems[0].message.split("did you mean '")[1].split("'")[0]
    assert suggestion in {m.value for m in enum}
    assert _validate(template.format(json.dumps(suggestion))) == []


# ------------------------------------------------------------ the site language


def test_each_label_is_one_value() -> None:
    """A label names one value of its enum and is no other value's English
    spelling, so reading it is never a guess."""
    for language in schema.Language:
        for enum, labels in aliases.table(language.value).items():
            values = {m.value for m in enum}
            assert set(labels.values()) == values, (language, enum)
            assert len(labels) == len(values), (language, enum)
            assert not set(labels) & values, (language, enum)


@pytest.mark.parametrize("language", ["zh-Hant", "zh-Hans"])
@pytest.mark.parametrize("enum", sorted(ENUM_FIELDS, key=lambda e: e.__name__))
def test_every_label_reads_as_its_value(enum: type[StrEnum], language: str) -> None:
    doc, out = Document("t.yaml"), Collector("t.yaml")
    for label, value in aliases.table(language)[enum].items():
        parse_yaml(doc, out, ENUM_FIELDS[enum].format(json.dumps(label, ensure_ascii=False)))
        account, problems = to_model(doc, schema.Account, language=language)
        assert problems == [] and account is not None
        assert value in json.dumps(account.model_dump(mode="json"))
    assert out.problems == []


def _zh_project(project: Project) -> Project:
    project.settings_file.write_text(SETTINGS.replace("language: en", "language: zh-Hant"), encoding="utf-8")
    return project


def test_site_language_values_read_as_english(project: Project) -> None:
    _zh_project(project)
    text = (
        "name: 測試\nowner: li-wei\ntier: 重點客戶\n"
        "stakeholders:\n  - {id: a, name: 甲, stance: 中立, influence: 高, influence_trend: 上升, role: 教練}\n"
    )
    (project.accounts_dir / "acme.yaml").write_text(text, encoding="utf-8")
    result = load(project)
    assert result.problems == [] and result.portfolio is not None
    account = result.portfolio.accounts[0].data
    assert account.tier is schema.Tier.KEY
    person = account.stakeholders[0]
    assert (person.stance, person.influence, person.influence_trend, person.role) == (
        schema.Stance.NEUTRAL,
        schema.Level3.HIGH,
        schema.Trend.RISING,
        schema.BuyingRole.COACH,
    )


def test_a_near_label_is_suggested_on_a_site_in_that_language(project: Project) -> None:
    _zh_project(project)
    (project.accounts_dir / "acme.yaml").write_text(
        MINIMAL + "stakeholders:\n  - {id: a, name: 甲, stance: 支持}\n", encoding="utf-8"
    )
    assert listing(load(project).problems) == [
        (
            5,
            30,
            "K104",
            "甲 (a): stance: '支持' is not allowed; use one of 'mentor', 'supporter', 'neutral', "
            "'non-supporter' or 'enemy'; did you mean '支持者'?",
        )
    ]


def test_labels_are_not_values_on_an_english_site(check_account: Callable[..., list[Problem]]) -> None:
    problems = check_account(MINIMAL + "stakeholders:\n  - {id: a, name: A, stance: 中立}\n")
    assert [p.code for p in problems] == ["K104"]


def test_settings_enums_read_in_their_own_language(project: Project) -> None:
    project.settings_file.write_text(
        "language: zh-Hant\nqualification:\n  criteria:\n    - {id: open, metric: 開放程度, threshold: 中}\n",
        encoding="utf-8",
    )
    (project.accounts_dir / "acme.yaml").write_text(MINIMAL.replace("li-wei", "x"), encoding="utf-8")
    problems = [p for p in load(project).problems if p.path == "kamgen.yml"]
    assert problems == []


@pytest.mark.parametrize("language", ["zh-Hant", "zh-Hans"])
def test_readme_lists_every_localized_value(language: str) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for labels in aliases.table(language).values():
        for label, value in labels.items():
            assert f"{value} = {label}" in readme
