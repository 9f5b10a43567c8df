"""Portfolio pages stay bounded as the portfolio grows (issue 10: no page over
100 KB at 1,000 accounts): summaries show the most important entries, full
lists continue on further pages, and every link between them leads to a page.

A realistic generated portfolio (bench/portfolio.py) is rendered; the
Markdown is converted to HTML with the Markdown extensions of kamgen's own
MkDocs configuration. The theme adds about 20 KB to every page (navigation
holds section pages only), which the HTML bound leaves room for. The home
page is the dashboard's (issue 11) and is left out here.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import markdown
import pytest
from mkdocs.utils.yaml import yaml_load

from bench import portfolio
from kamgen.model import Portfolio
from kamgen.project import Project
from kamgen.render import Memo, Page, account_page_path, make_renderer
from kamgen.schema import PageSettings
from tests.conftest import ROOT, copy_sample, kamgen_build

pytestmark = pytest.mark.slow  # a few hundred generated accounts: a scale test

N = 300  # enough for every list to pass one page at the default settings
MARKDOWN_BOUND = 60 * 1024
HTML_BOUND = 75 * 1024  # plus the theme's ~20 KB: under 100 KB
LINK = re.compile(r"\]\(([^)\s]+?\.md)(?:#[^)]*)?\)")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Portfolio:
    from kamgen import app

    root = portfolio.write_portfolio(tmp_path_factory.mktemp("pages"), N)
    loaded = app.load(Project(root)).portfolio
    assert loaded is not None and len(loaded.accounts) == N
    return loaded


def summary_pages(p: Portfolio) -> list[Page]:
    pages = make_renderer(p, None, today=portfolio.TODAY, memo=Memo()).portfolio_pages()
    return [page for page in pages if page.path != "index.md"]


def to_html(page: Page) -> str:
    with (ROOT / "kamgen" / "default_mkdocs.yml").open(encoding="utf-8") as f:
        config = yaml_load(f)
    names, configs = [], {}
    for ext in config["markdown_extensions"]:
        name, options = next(iter(ext.items())) if isinstance(ext, dict) else (ext, {})
        names.append(name)
        configs[name] = options
    body = page.content.split("---\n", 2)[2]
    return str(markdown.Markdown(extensions=names, extension_configs=configs).convert(body))


def kind(path: str) -> str:
    """Pages of one kind: the same template, whichever page of a list."""
    return path.split("/")[0] if "/" in path and not path.endswith("/index.md") else path


def test_every_portfolio_page_stays_under_the_bound(generated: Portfolio) -> None:
    pages = summary_pages(generated)
    assert {
        "health.md",
        "time.md",
        "ranking.md",
        "accounts/index.md",
        "owners/index.md",
        "tags/index.md",
    } <= {p.path for p in pages}
    # The lists are long enough to be split: the bound is not met by a small portfolio.
    assert any(p.path.endswith("/2.md") for p in pages if p.path.startswith("tiers/"))
    assert any(p.path.startswith("health/") and p.path.endswith("/2.md") for p in pages)
    too_big = {
        p.path: (len(p.content.encode()), len(to_html(p).encode()))
        for p in pages
        if len(p.content.encode()) > MARKDOWN_BOUND or len(to_html(p).encode()) > HTML_BOUND
    }
    assert too_big == {}


def sizes(pages: list[Page]) -> dict[str, int]:
    largest: dict[str, int] = defaultdict(int)
    for p in pages:
        largest[kind(p.path)] = max(largest[kind(p.path)], len(p.content.encode()))
    return largest


def test_page_sizes_do_not_grow_with_the_portfolio(generated: Portfolio) -> None:
    # Small lists in the settings, so that every list is cut at both sizes:
    # what grows with the portfolio is the number of pages, never their size.
    few = replace(
        generated, settings=generated.settings.model_copy(update={"pages": PageSettings(top=3, page_size=8)})
    )
    half = replace(few, accounts=few.accounts[: N // 2])
    small, large = summary_pages(half), summary_pages(few)
    assert len(large) > len(small)
    small_sizes, large_sizes = sizes(small), sizes(large)
    grown = {
        k: (small_sizes.get(k), size)
        for k, size in large_sizes.items()
        if size > 1.15 * small_sizes.get(k, 0) + 512
    }
    assert grown == {}


def test_full_lists_hold_every_account_and_every_link_leads_to_a_page(generated: Portfolio) -> None:
    pages = summary_pages(generated)
    paths = {p.path for p in pages} | {account_page_path(rec.id) for rec in generated.accounts}
    broken = []
    for page in pages:
        for target in LINK.findall(page.content):
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.path), target))
            if resolved not in paths:
                broken.append((page.path, target))
    assert broken == []
    for prefix in ("tiers/", "ranking/all", "health/red", "time/value"):
        listed = "".join(p.content for p in pages if p.path.startswith(prefix))
        if prefix == "health/red":
            listed += "".join(p.content for p in pages if p.path.startswith(("health/amber", "health/green")))
        missing = [rec.id for rec in generated.accounts if f"accounts/{rec.id}.md)" not in listed]
        assert missing == [], prefix


def test_split_lists_build_strictly_and_link_every_page(tmp_path: Path) -> None:
    # One row a page: every list of the samples is split, at every depth of
    # folder, and MkDocs checks each link between the pages (--strict).
    project = copy_sample(tmp_path / "project")
    with project.settings_file.open("a", encoding="utf-8") as f:
        f.write("pages:\n  top: 1\n  page_size: 1\n")
    result = kamgen_build(project.root)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project.root / "site"
    pages = ("tiers/key/3/", "owners/index/2/", "health/h111/2/", "ranking/all/4/", "time/visits/3/")
    for page in (*pages, "time/goals/2/", "time/actions/2/", "health/red/"):
        assert (site / page / "index.html").is_file(), page
    # The dashboard shows one row of each list and links to the whole list.
    home = (site / "index.html").read_text(encoding="utf-8")
    for target in ("time/goals/", "time/actions/", "health/red/"):
        assert f'href="{target}"' in home, target
    second = (site / "tiers/key/2/index.html").read_text(encoding="utf-8")
    # The rows sit in a table, the pager in a paragraph of its own.
    assert "<table>" in second and re.search(r"<p>2–2 of 3 · <a href=\"\.\./\">", second)
