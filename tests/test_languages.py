"""A language is its catalogue file: adding one needs no code.

A small made-up language (`tlh`) lives in a folder of the test's own, named
in KAMGEN_LANGUAGES, as a team keeps a language kamgen does not ship. Real
kamgen processes (the enum of languages is made when kamgen starts) accept it
in the settings, list it in the settings schema, read its enum labels as
aliases, and build a site worded in it, English wherever it says nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kamgen import languages
from kamgen.model import builtin_checklists
from kamgen.schema import Language
from tests.conftest import ROOT, SETTINGS, TODAY, dedent

# Only some keys: everything else must fall back to English, not fail.
FAKE = """\
meta: {name: tlhIngan Hol, theme: en}
label:
  stakeholders: ghotpu'
  stance: QIH
enum:
  stance: {neutral: "neutral'a'", enemy: jagh}
checklist:
  qualification:
    title: "potlh'a' customer?"
"""

ACCOUNT = """\
name: Acme
owner: li-wei
tier: key
stakeholders:
  - {id: kor, name: Kor, influence: high, stance: jagh}
  - {id: kang, name: Kang, stance: "neutral'a'"}
"""


def run(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamgen", "-C", str(root), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


@pytest.fixture
def fake(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A project in the fake language, and the environment that finds it."""
    folder = tmp_path / "languages"
    folder.mkdir()
    (folder / "tlh.yml").write_text(FAKE, encoding="utf-8")
    (folder / "notes.yml").write_text("not: a language tag\n", encoding="utf-8")  # ignored
    root = tmp_path / "project"
    (root / "accounts").mkdir(parents=True)
    (root / "kamgen.yml").write_text(SETTINGS.replace("language: en", "language: tlh"), encoding="utf-8")
    (root / "accounts" / "acme.yaml").write_text(ACCOUNT, encoding="utf-8")
    env = {**os.environ, languages.ENV: str(folder)}
    return root, env


def test_without_its_file_the_language_is_refused(fake: tuple[Path, dict[str, str]]) -> None:
    root, env = fake
    env.pop(languages.ENV)
    result = run(root, env, "validate")
    assert result.returncode == 1
    assert "kamgen.yml:1:11: error K104" in result.stdout, result.stdout
    assert "'zh-Hans'" in result.stdout  # the shipped languages are offered


def test_a_catalogue_file_adds_a_language(fake: tuple[Path, dict[str, str]]) -> None:
    root, env = fake
    schema = json.loads(run(root, env, "schema", "--settings").stdout)
    assert schema["$defs"]["Language"]["enum"] == ["en", "tlh", "zh-Hans", "zh-Hant"]

    # The settings take it; its enum labels are aliases of the English values.
    result = run(root, env, "validate", "--today", TODAY)
    assert result.returncode == 0, result.stdout + result.stderr

    built = run(root, env, "build", "--today", TODAY)
    assert built.returncode == 0, built.stdout + built.stderr
    page = (root / "site" / "accounts" / "acme" / "index.html").read_text(encoding="utf-8")
    assert "ghotpu&#39;" in page or "ghotpu'" in page  # its label
    assert "jagh" in page  # its enum label, for the value read from its alias
    assert "potlh&#39;a&#39; customer?" in page or "potlh'a' customer?" in page  # its checklist title
    # What it does not say is English: a checklist item, another label.
    assert "Buys at least the minimum volume per year or quarter" in page
    assert "Relationship map" in page
    html = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html  # meta.theme: Material's language


def test_checklists_never_fail_for_a_language_without_their_texts() -> None:
    # Every language kamgen finds words every built-in checklist (the prototype
    # raised KeyError: 'zh-Hans' here); a missing text is English's.
    english = builtin_checklists(Language.EN)
    for language in Language:
        lists = builtin_checklists(language)
        assert [c.id for c in lists] == [c.id for c in english]
        assert all(c.title and all(i.text for i in c.items) for c in lists)
    hans = builtin_checklists(Language("zh-Hans"))
    assert hans[0].title == "这是重点客户吗？"


def test_folders_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "xx.yml").write_text(dedent("label: {home: Hjem}\n"), encoding="utf-8")
    monkeypatch.setenv(languages.ENV, f"{tmp_path}{os.pathsep}{tmp_path / 'missing'}")
    languages.files.cache_clear()
    languages.catalogue.cache_clear()
    try:
        assert "xx" in languages.codes()
        assert languages.text("xx", "label", "home") == "Hjem"
        assert languages.text("xx", "label", "stakeholders") == "Stakeholders"  # English's
        assert languages.text("xx", "label", "no-such-key") is None
        # A catalogue that is not YAML speaks English rather than failing.
        (tmp_path / "yy.yml").write_text("label: [unclosed\n", encoding="utf-8")
        languages.files.cache_clear()
        assert "yy" in languages.codes()
        assert languages.text("yy", "label", "home") == "Home"
    finally:
        monkeypatch.delenv(languages.ENV)
        languages.files.cache_clear()
        languages.catalogue.cache_clear()
