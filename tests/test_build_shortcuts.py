"""kamgen's shortcuts through MkDocs change nothing a reader gets.

`kamgen build` hands MkDocs three plugins of its own (kamgen.site): drawings
inlined after the fact, HTML tables passed around Markdown, and the search
plugin reading each page without what it leaves out. Built the plain way
(`mkdocs build --strict` of the same generated folder, no kamgen plugin),
every page must be the same once its drawings are put inline, and the
search index must be the same byte for byte.
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
from kamgen.site import inline_drawings
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
        expected = inline_drawings((plain / rel).read_text(encoding="utf-8"), url, drawings)
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
