"""Rendering: golden Markdown of one account, escaping, analytics for pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from markupsafe import Markup

from kamgen import analytics, app, render
from kamgen.escape import md, md_block, xml
from kamgen.narrative import render_narrative
from kamgen.pipeline import load
from kamgen.project import Project
from tests.cli_helpers import assert_golden
from tests.conftest import copy_sample

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, object]:
    # A copy without Git, as a team's files might be: the golden page must not
    # change with every commit to kamgen's own sample accounts, so its History
    # section is the note; tests/test_history.py renders real histories.
    project = copy_sample(tmp_path_factory.mktemp("render") / "project")
    result = load(project)
    assert result.portfolio is not None, result.problems
    return project, result.portfolio


def test_golden_account_markdown(sample: tuple[Project, object]) -> None:
    project, portfolio = sample
    site = app.render(project, portfolio, today=TODAY)  # type: ignore[arg-type]
    pages = {p.path: p.content for p in site.pages}
    page = pages["accounts/guangzhou-yaju-furniture.md"]
    assert_golden("account-guangzhou-yaju-furniture.md", page)
    # The drawings are files of their own beside the page, which embeds them.
    for name in ("map", "timeline"):
        embed = re.search(rf"\]\((guangzhou-yaju-furniture/{name}-[0-9a-f]{{12}}\.svg)\)", page)
        assert embed is not None, name
        assert_golden(f"account-guangzhou-yaju-furniture-{name}.svg", pages[f"accounts/{embed.group(1)}"])


def test_a_drawing_file_is_named_by_its_content(sample: tuple[Project, object]) -> None:
    """A changed drawing changes the page that embeds it: a dirty preview
    build rebuilds that page, and no browser shows a stale copy."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Map: A &amp; [B]"></svg>'
    embed, file = render.drawing_file("accounts/x", "map", svg)
    other, changed = render.drawing_file("accounts/x", "map", svg.replace("A", "C"))
    assert file.content == svg and file.path.startswith("accounts/x/map-") and file.path.endswith(".svg")
    assert changed.path != file.path and other != embed
    # The name is the alt text, escaped for Markdown: no link can form from it.
    assert embed.startswith("![Map: A &#38; &#91;B&#93;](x/map-") and embed.endswith(".svg){ .kg-drawing }")


def test_every_page_is_listed_once(sample: tuple[Project, object]) -> None:
    project, portfolio = sample
    site = app.render(project, portfolio, today=TODAY)  # type: ignore[arg-type]
    paths = [p.path for p in site.pages]
    assert len(paths) == len(set(paths))
    assert {"index.md", "accounts/index.md", "owners/index.md", "tags/index.md"} <= set(paths)
    # No navigation entry lists single accounts: pages stay the same size.
    flat = str(site.nav)
    assert "accounts/guangzhou" not in flat


def test_md_escape_neutralises_markdown_and_html() -> None:
    out = md("*a* [b](javascript:x) <i>|</i> & `c`\nnext")
    assert isinstance(out, Markup)
    first, second = out.split("<br>")
    assert not set(re.sub(r"&#\d+;", "", first)) & set("*[]()<>|&`:")
    assert second == "next"
    assert md(Markup("<b>ok</b>")) == "<b>ok</b>"


def test_md_block_keeps_paragraphs() -> None:
    assert md_block("one\n\n\ntwo") == "one\n\ntwo"


def test_xml_escape() -> None:
    assert xml('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"


def test_narrative_keeps_markdown_and_drops_danger() -> None:
    html = render_narrative(
        "# Plan\n\n**bold** <script>x()</script> [a](javascript:y) [b](https://ok.example)\n\n![i](https://t.example/p.png)"
    )
    assert "<strong>bold</strong>" in html and "<h1>Plan</h1>" in html
    assert "<script" not in html and "javascript:" not in html and "<img" not in html
    assert 'href="https://ok.example"' in html


def test_checklist_progress(sample: tuple[Project, object]) -> None:
    _, portfolio = sample
    record = portfolio.account("guangzhou-yaju-furniture")  # type: ignore[attr-defined]
    views = {v.id: v for v in analytics.checklists(record, portfolio.checklists)}  # type: ignore[attr-defined]
    assert (views["qualification"].done, views["qualification"].total) == (5, 7)
    assert (views["buy-in"].done, views["buy-in"].total) == (3, 4)
    assert views["prioritisation"].done == 0 and not any(r.answered for r in views["prioritisation"].rows)


def test_goals_and_actions_due(sample: tuple[Project, object]) -> None:
    _, portfolio = sample
    due = analytics.goals_due(portfolio, TODAY)  # type: ignore[arg-type]
    targets = [d.goal.target for d in due]
    assert targets == sorted(targets)
    assert all(t is not None and t <= TODAY + dt.timedelta(days=90) for t in targets)
    overdue = [d.goal.id for d in due if d.overdue]
    assert "warranty-claims" in overdue and "cut-unit-cost" not in overdue
    visits = analytics.senior_visits(portfolio, TODAY)  # type: ignore[arg-type]
    assert any(v.action.id == "gm-visit" and v.action.reason for v in visits)


@pytest.mark.parametrize(
    ("tag", "slug"),
    [("furniture", "furniture"), ("Up Market", "up-market-"), ("家具", "tag-"), ("../x", "x-")],
)
def test_tag_slug_is_file_safe(tag: str, slug: str) -> None:
    result = analytics.tag_slug(tag)
    assert result.startswith(slug)
    assert all((c.isalnum() and c.isascii()) or c == "-" for c in result)


def test_findings_say_why_they_matter(sample: tuple[Project, object]) -> None:
    """On the account page with each finding, and on the codes page with each H code;
    the portfolio health page lists findings without it."""
    from kamgen.labels import Labels
    from kamgen.rules import RULES
    from kamgen.schema import Language

    project, portfolio = sample
    pages = {p.path: p.content for p in app.render(project, portfolio, today=TODAY).pages}  # type: ignore[arg-type]
    why = Labels(Language.EN).why
    account = pages["accounts/guangzhou-yaju-furniture.md"]
    rows = [line for line in account.splitlines() if line.startswith("| `H1")]
    assert len(rows) >= 5
    for row in rows:
        code = row[3:7]
        assert f'<span class="kg-why">{why(code)}</span>' in row.replace("&#39;", "'")
    codes = {
        line[line.index("`") + 1 : line.index("`") + 5]: line
        for line in pages["codes.md"].splitlines()
        if "</span>`" in line
    }
    for code, rule in RULES.items():
        assert ("Why it matters:" in codes[code]) is (rule.severity is not None), code
    accounts = {f"accounts/{rec.id}.md" for rec in portfolio.accounts}  # type: ignore[attr-defined]
    assert not [p for p, text in pages.items() if 'class="kg-why"' in text and p not in accounts]
