"""Interest kinds, tactics in combination, and a team's own fields (issue 12,
parts 1, 2 and 7): restricted by kind, the older `tactic:` still read, and
custom fields and links escaped on the page."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from kamgen import analytics, app
from kamgen.pipeline import load
from kamgen.problems import Level
from kamgen.project import Project
from kamgen.render import _weblink
from kamgen.schema import InterestKind, Link, Tactic, TacticStep, Visibility
from tests.conftest import MINIMAL, SETTINGS, copy_sample
from tests.test_escape import _MARKDOWN, HOSTILE

TODAY = dt.date(2026, 11, 26)
GUANGZHOU = "guangzhou-yaju-furniture"

PEOPLE = """\
stakeholders:
  - {id: ann, name: Ann}
  - {id: bob, name: Bob}
"""


def interest(fields: str) -> str:
    return f"interests:\n  - {{id: i, holder: ann, interest: x, threat: y, severity: low{fields}}}\n"


def visibility_of(project: Project, text: str, settings: str = "") -> Visibility:
    project.settings_file.write_text(SETTINGS + settings, encoding="utf-8")
    (project.accounts_dir / "acme.yaml").write_text(MINIMAL + PEOPLE + text, encoding="utf-8")
    result = load(project)
    assert result.portfolio is not None and result.problems == [], result.problems
    [v] = result.portfolio.accounts[0].data.interests
    return v.visibility


# ------------------------------------------------------------ restricted by kind


@pytest.mark.parametrize(
    ("fields", "settings", "expected"),
    [
        (", kind: personal-gain", "", Visibility.RESTRICTED),
        (", kind: personal-gain, visibility: internal", "", Visibility.INTERNAL),
        (", kind: personal-gain, visibility: public", "", Visibility.PUBLIC),
        (", kind: loss-of-value", "", Visibility.INTERNAL),
        ("", "", Visibility.INTERNAL),
        (
            ", kind: personal-gain",
            "visibility_defaults: {interest_kinds: {personal-gain: internal}}\n",
            "internal",
        ),
        (", kind: habit", "visibility_defaults: {interest_kinds: {habit: restricted}}\n", "restricted"),
        # The stricter of the kind's and the section's default.
        (", kind: personal-gain", "visibility_defaults: {interests: public}\n", "restricted"),
        (
            ", kind: habit",
            "visibility_defaults: {interests: restricted, interest_kinds: {habit: public}}\n",
            "restricted",
        ),
        # Setting one kind keeps personal-gain's default.
        (", kind: personal-gain", "visibility_defaults: {interest_kinds: {habit: internal}}\n", "restricted"),
    ],
)
def test_default_visibility_by_kind(project: Project, fields: str, settings: str, expected: str) -> None:
    assert visibility_of(project, interest(fields), settings) == Visibility(expected)


def test_the_sample_kickback_stays_restricted(tmp_path: Path) -> None:
    result = load(copy_sample(tmp_path / "p"))
    assert result.portfolio is not None
    rec = result.portfolio.account(GUANGZHOU)
    kickback = rec.items["interest"]["shunde-supplier"]
    assert kickback.kind is InterestKind.PERSONAL_GAIN
    assert ("interests", 0, "visibility") not in rec.positions  # the file gives none
    assert kickback.visibility is Visibility.RESTRICTED
    assert [(s.tactic, s.ally) for s in kickback.plan] == [
        (Tactic.GO_AROUND, None),
        (Tactic.WHISPER, "zhou-min"),
    ]
    internal = result.portfolio.visible(Visibility.INTERNAL).account(GUANGZHOU)
    assert "shunde-supplier" not in internal.items["interest"]


# ------------------------------------------------------------ tactics


@pytest.mark.parametrize(
    ("fields", "plan"),
    [
        ("", []),
        (", tactic: wait", [TacticStep(tactic=Tactic.WAIT)]),
        (", tactic: whisper, ally: bob", [TacticStep(tactic=Tactic.WHISPER, ally="bob")]),
        (", tactic: none", [TacticStep(tactic=Tactic.NONE)]),
        (", tactics: []", []),
        (
            ", tactics: [{tactic: go-around}, {tactic: whisper, ally: bob}]",
            [TacticStep(tactic=Tactic.GO_AROUND), TacticStep(tactic=Tactic.WHISPER, ally="bob")],
        ),
    ],
)
def test_tactic_is_read_as_a_one_item_list(project: Project, fields: str, plan: list[TacticStep]) -> None:
    (project.accounts_dir / "acme.yaml").write_text(MINIMAL + PEOPLE + interest(fields), encoding="utf-8")
    result = load(project)
    assert result.portfolio is not None and result.problems == [], result.problems
    [v] = result.portfolio.accounts[0].data.interests
    assert v.plan == plan
    assert v.has_tactic == any(step.tactic is not Tactic.NONE for step in plan)


def old_shape(data: dict[str, Any]) -> dict[str, Any]:
    """An account as it was written before kinds, tactics lists, extra and
    links: a one-tactic `tactic:` (and `ally:`), the first of several."""
    data = {k: v for k, v in data.items() if k not in ("extra", "links")}
    for s in data.get("stakeholders", []):
        s.pop("extra", None)
        s.pop("links", None)
    for v in data.get("interests", []):
        v.pop("kind", None)
        steps = v.pop("tactics", None)
        if steps:
            v["tactic"] = steps[0]["tactic"]
            if "ally" in steps[0]:
                v["ally"] = steps[0]["ally"]
    return data


def test_every_sample_account_in_the_old_shape_still_validates(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    new = load(project)
    assert new.portfolio is not None
    written = 0
    for path in sorted(project.accounts_dir.iterdir()):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            _, front, body = text.split("---\n", 2)
            data = old_shape(yaml.safe_load(front))
            path.write_text(f"---\n{yaml.safe_dump(data, allow_unicode=True)}---\n{body}", encoding="utf-8")
        else:
            path.write_text(
                yaml.safe_dump(old_shape(yaml.safe_load(text)), allow_unicode=True), encoding="utf-8"
            )
        written += "tactics:" in text
    assert written >= 3  # the samples do use the new shape
    old = load(project)
    assert [p for p in old.problems if p.level is Level.ERROR] == []
    assert old.portfolio is not None
    for before, after in zip(new.portfolio.accounts, old.portfolio.accounts, strict=True):
        for a, b in zip(before.data.interests, after.data.interests, strict=True):
            # One step reads the same in both shapes; of several, the old keeps the first.
            assert b.plan == a.plan[:1], (before.id, a.id)
            assert b.tactics == [] and "tactics" not in b.model_fields_set


def test_the_samples_as_they_were_validate_unchanged(tmp_path: Path) -> None:
    """The accounts of the released samples (old shape, written by hand) load
    with the same tactics they always had."""
    project = copy_sample(tmp_path / "p")
    account = project.accounts_dir / "megamart-retail.yaml"
    text = account.read_text(encoding="utf-8")
    text = text.replace(
        "    tactics:\n      - {tactic: whisper, ally: daniel-hughes}\n",
        "    tactic: whisper\n    ally: daniel-hughes\n",
    )
    account.write_text(text, encoding="utf-8")
    result = load(project)
    assert result.problems == []
    assert result.portfolio is not None
    bonus = result.portfolio.account("megamart-retail").items["interest"]["buyer-bonus"]
    assert bonus.plan == [TacticStep(tactic=Tactic.WHISPER, ally="daniel-hughes")]


def test_the_account_page_shows_the_tactics_in_order(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    portfolio = load(project).portfolio
    assert portfolio is not None
    site = app.render(project, portfolio, today=TODAY, visibility=Visibility.RESTRICTED, history=False)
    page = {p.path: p.content for p in site.pages}[f"accounts/{GUANGZHOU}.md"]
    # Kind and tactics are in the interests' second table (folded so the page
    # fits the screen), whose row repeats the interest without the row anchor.
    interest = portfolio.account(GUANGZHOU).items["interest"]["shunde-supplier"]
    [row] = [
        line
        for line in page.splitlines()
        if line.startswith("|") and interest.interest in line and 'id="interest-' not in line
    ]
    assert "| Personal gain |" in row
    assert "| Go around → Whisper through an ally ([周敏](#person-zhou-min)) |" in row


# ------------------------------------------------------------ counted by kind


def test_interests_counted_by_kind_as_the_build_may_show_them(tmp_path: Path) -> None:
    portfolio = load(copy_sample(tmp_path / "p")).portfolio
    assert portfolio is not None

    def counts(level: Visibility) -> dict[str | None, int]:
        rows = analytics.interest_kinds(portfolio.visible(level))
        return {(r.kind.value if r.kind else None): r.interests for r in rows}

    restricted, internal = counts(Visibility.RESTRICTED), counts(Visibility.INTERNAL)
    every = [v for rec in portfolio.accounts for v in rec.data.interests]
    assert sum(restricted.values()) == len(every)
    assert restricted["personal-gain"] == 3 and internal["personal-gain"] == 0
    assert list(restricted) == [k.value for k in InterestKind]  # every kind, none unset


def test_the_health_page_has_the_count_table(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    portfolio = load(project).portfolio
    assert portfolio is not None
    site = app.render(project, portfolio, today=TODAY, history=False)
    health = {p.path: p.content for p in site.pages}["health.md"]
    table = health.split("## Vested interests by kind", 1)[1].split("\n\n")[1]
    assert "| Loss of influence | 5 | 5 |" in table and "| Personal gain | 0 | 0 |" in table


# ------------------------------------------------------------ custom fields and links


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


SAFE_URLS = [
    "https://crm.example.com/a?id=1&x=2#top",
    "https://evil.example/x)*em*_u_(y",
    "http://[::1]:8080/~me/%41",
]
UNSAFE_URLS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    'https://a.example/" onmouseover="x',
    "https://a.example/<script>",
    "//evil.example/x",
    "file:///etc/passwd",
    "https://a.example/ x",
]


def test_hostile_custom_fields_and_links_are_escaped(project: Project) -> None:
    values = [v for v in HOSTILE if "\x02" not in v and v.strip() == v and v.strip()]
    extra = {f"k{i} {v}": v for i, v in enumerate(values)}
    links = [{"title": f"t{i} {v}", "url": SAFE_URLS[i % len(SAFE_URLS)]} for i, v in enumerate(values)]
    data = {
        "name": "Acme",
        "owner": "li-wei",
        "tier": "key",
        "extra": extra,
        "links": links,
        "stakeholders": [{"id": "ann", "name": "Ann", "extra": {"<b>x</b>": "<img src=x onerror=alert(1)>"}}],
    }
    (project.accounts_dir / "acme.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    result = load(project)
    assert result.portfolio is not None and result.problems == []
    site = app.render(project, result.portfolio, today=TODAY, history=False)
    page = {p.path: p.content for p in site.pages}["accounts/acme.md"]
    section = page.split("## More details", 1)[1].split("\n## ", 1)[0]
    html = _MARKDOWN.reset().convert(section)
    parsed = _Html()
    parsed.feed(html)
    assert parsed.tags <= {"table", "thead", "tbody", "tr", "th", "td", "a", "p", "span"}, parsed.tags
    # Only the http(s) links are links, and they go where they said.
    assert len(parsed.hrefs) == len(values) + 1  # plus the link to Ann's row
    for href in parsed.hrefs:
        assert href == "#person-ann" or re.match(r"https?://", href), href
        assert not re.search(r"[\s\"'<>]", href)
    assert {href.split("/")[2] for href in parsed.hrefs if "://" in href} == {
        "crm.example.com",
        "evil.example",
        "[::1]:8080",
    }
    shown = " ".join("".join(parsed.text).split())
    for key, value in extra.items():
        assert " ".join(f"{key} {value}".split()) in shown
    assert "<b>x</b> <img src=x onerror=alert(1)>" in shown


def test_an_unsafe_link_is_a_problem_and_never_a_link(project: Project) -> None:
    links = [{"title": f"bad {i}", "url": u} for i, u in enumerate(UNSAFE_URLS)]
    data = {"name": "Acme", "owner": "li-wei", "tier": "key", "links": links}
    (project.accounts_dir / "acme.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    assert [p.code for p in load(project).problems] == ["K211"] * len(UNSAFE_URLS)
    # Should such a link reach a page all the same, it is text.
    for u in UNSAFE_URLS:
        html = _MARKDOWN.reset().convert(str(_weblink(Link(title="x", url=u))))
        parsed = _Html()
        parsed.feed(html)
        assert parsed.hrefs == [] and " ".join(u.split()) in " ".join("".join(parsed.text).split())


@pytest.mark.parametrize(
    ("fields", "settings", "shown"),
    [
        ("visibility: public\n", "", {"internal", "restricted"}),
        ("visibility: public\nextra_visibility: public\n", "", {"public", "internal", "restricted"}),
        ("extra_visibility: restricted\n", "", {"restricted"}),
        ("", "visibility_defaults: {extra: restricted}\n", {"restricted"}),
    ],
)
def test_the_accounts_own_fields_and_links_have_their_visibility(
    project: Project, fields: str, settings: str, shown: set[str]
) -> None:
    project.settings_file.write_text(SETTINGS + settings, encoding="utf-8")
    text = (
        MINIMAL + fields + "extra: {crm_id: X-1}\nlinks: [{title: CRM, url: 'https://crm.example.com/1'}]\n"
    )
    (project.accounts_dir / "acme.yaml").write_text(text, encoding="utf-8")
    result = load(project)
    assert result.portfolio is not None and result.problems == []
    for level in Visibility:
        accounts = result.portfolio.visible(level).accounts
        if accounts:
            data = accounts[0].data
            assert (data.extra == {"crm_id": "X-1"}) == (level.value in shown) == bool(data.links)


def test_extra_values_are_shown_as_written(project: Project) -> None:
    text = MINIMAL + "extra:\n  crm_id: 120045\n  since: 2024-02-29\n  vip: true\n  sites: [Leeds, 7, no]\n"
    (project.accounts_dir / "acme.yaml").write_text(text, encoding="utf-8")
    result = load(project)
    assert result.portfolio is not None
    page = {
        p.path: p.content for p in app.render(project, result.portfolio, today=TODAY, history=False).pages
    }
    body = page["accounts/acme.md"]
    for row in (
        "| crm&#95;id | 120045 |",
        "| since | 2024-02-29 |",
        "| vip | yes |",
        "| sites | Leeds, 7, no |",
    ):
        assert row in body, body
