"""kamgen's shortcuts through MkDocs change nothing a reader gets.

`kamgen build` hands MkDocs three plugins of its own (kamgen.site): drawings
inlined after the fact, HTML tables passed around Markdown, and the search
plugin reading each page without what it leaves out. Built the plain way
(`mkdocs build --strict` of the same generated folder, no kamgen plugin),
every page must be the same once its drawings are put inline, its search
marks taken out and its whitespace compacted, and the search index must be
the same byte for byte.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kamgen import workers
from kamgen.project import Project
from kamgen.searchable import unmarked
from kamgen.site import compact, inline_drawings
from tests import synth
from tests.conftest import ROOT
from tests.conftest import kamgen_build as build
from tests.test_site import HOSTILE, NARRATIVE

pytestmark = pytest.mark.site


def plain_build(project: Project, dest: Path) -> Path:
    """The generated folder built by MkDocs alone, with the config kamgen wrote."""
    config = str(project.work_dir / "mkdocs.yml")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", config, "-d", str(dest)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return dest


def assert_same_site(project: Project, plain: Path) -> None:
    site = project.root / "site"
    docs = project.work_dir / "docs"
    drawings = {p.relative_to(docs).as_posix(): p for p in docs.rglob("*.svg")}
    ours = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    theirs = json.loads((plain / "search/search_index.json").read_text(encoding="utf-8"))
    assert ours == theirs
    pages = sorted(p.relative_to(site) for p in site.rglob("*.html"))
    assert pages == sorted(p.relative_to(plain) for p in plain.rglob("*.html"))
    for rel in pages:
        url = "" if rel.as_posix() == "index.html" else rel.parent.as_posix() + "/"
        if rel.name != "index.html":
            url = rel.as_posix()
        # What kamgen's build does differently: drawings inline, no search
        # marks left once the index is built, and whitespace compacted.
        plain_page = (plain / rel).read_text(encoding="utf-8")
        expected = compact(unmarked(inline_drawings(plain_page, url, drawings)))
        assert (site / rel).read_text(encoding="utf-8") == expected, rel


def test_sample_site_is_what_mkdocs_alone_builds(built_sample: Project, tmp_path: Path) -> None:
    generated = built_sample.work_dir / "docs" / "accounts"
    # The shortcuts have something to do here: HTML tables and excluded parts.
    assert any("\n<table" in p.read_text(encoding="utf-8") for p in generated.glob("*.md"))
    assert_same_site(built_sample, plain_build(built_sample, tmp_path / "plain"))


def test_hostile_site_is_what_mkdocs_alone_builds(tmp_path: Path) -> None:
    synth.write_portfolio(tmp_path, 3)
    settings = tmp_path / "kamgen.yml"
    written = yaml.safe_load(settings.read_text(encoding="utf-8")) if settings.exists() else {}
    written = written or {}
    written["team"] = [*written.get("team", []), {"id": "li-wei", "name": "Li Wei"}]
    settings.write_text(yaml.safe_dump(written, allow_unicode=True), encoding="utf-8")
    front = yaml.safe_dump(HOSTILE, allow_unicode=True)
    (tmp_path / "accounts" / "evil.md").write_text(f"---\n{front}---\n{NARRATIVE}", encoding="utf-8")
    result = build(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    project = Project(tmp_path)
    assert_same_site(project, plain_build(project, tmp_path / "plain"))


def test_a_broken_link_found_on_another_core_fails_the_build_as_on_one(
    sample_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = sample_project.root / "templates"
    templates.mkdir(exist_ok=True)
    packaged = (ROOT / "kamgen" / "templates" / "account.md.j2").read_text(encoding="utf-8")
    (templates / "account.md.j2").write_text(packaged + "\n[gone](nowhere-at-all.md)\n", encoding="utf-8")

    def warnings(count: str) -> list[str]:
        monkeypatch.setenv(workers.ENV, count)
        result = build(sample_project.root)
        output = result.stdout + result.stderr
        assert result.returncode != 0, output
        assert ("MkDocs: converting" in output) == (count != "1"), output
        return [line for line in output.splitlines() if "nowhere-at-all.md" in line]

    on_two, on_one = warnings("2"), warnings("1")
    # Said once for each account page, by the parent, in the same order.
    assert len(on_two) == len(list((sample_project.root / "accounts").iterdir()))
    assert on_two == on_one


HOOK = """
import pathlib

def on_page_content(html, page, config, files):
    if page.file.src_uri.startswith("accounts/") and page.file.src_uri != "accounts/index.md":
        seen = pathlib.Path(config.config_file_path).parent / "tables-seen.txt"
        with seen.open("a", encoding="utf-8") as out:
            out.write(f"{page.file.src_uri} {html.count('<table')} {html.count('kamgentable')}\\n")
    return html
"""


def test_another_plugin_sees_the_tables_in_the_html(sample_project: Project) -> None:
    root = sample_project.root
    (root / "count_tables.py").write_text(HOOK, encoding="utf-8")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config + f"\nhooks:\n  - {root / 'count_tables.py'}\n", encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "MkDocs: converting" not in result.stdout + result.stderr  # a hook reads pages: no workers
    seen = (sample_project.work_dir / "tables-seen.txt").read_text(encoding="utf-8").split("\n")
    rows = [line.split() for line in seen if line]
    assert len(rows) == len(list((root / "accounts").iterdir()))
    for page, tables, placeholders in rows:
        assert int(tables) >= 3 and placeholders == "0", (page, tables, placeholders)


def test_compact_keeps_what_a_browser_shows() -> None:
    page = (
        "<div>\n    <p>a\n\n   b <em>c</em>\n</p>\n"
        "<pre><code>x\n    y\n\n</code></pre>\n  <textarea>\n  t\n</textarea>  \n <PRE>\n  k</PRE>\n end"
    )
    assert compact(page) == (
        "<div>\n<p>a\nb <em>c</em>\n</p>\n<pre><code>x\n    y\n\n</code></pre>\n"
        "<textarea>\n  t\n</textarea>\n<PRE>\n  k</PRE>\nend"
    )
