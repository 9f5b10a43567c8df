"""The output folder is guarded: a build never replaces the project's own files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kamgen.outdir import STAMP, UnsafeSiteDir, check_site_dir
from tests.conftest import MINIMAL, SETTINGS


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "accounts").mkdir(parents=True)
    (project / "kamgen.yml").write_text(SETTINGS, encoding="utf-8")
    (project / "accounts" / "acme.yaml").write_text(MINIMAL, encoding="utf-8")
    (project / ".git").mkdir()
    (project / "docs").mkdir()
    return project


def kamgen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamgen", "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )


@pytest.mark.parametrize(
    ("target", "why"),
    [
        (".", "project folder or a folder above"),
        ("..", "project folder or a folder above"),
        ("accounts", "inside the project's accounts/"),
        ("accounts/site", "inside the project's accounts/"),
        ("docs/site", "inside the project's docs/"),
        (".git", "inside the project's .git/"),
    ],
)
def test_sources_are_refused(root: Path, target: str, why: str) -> None:
    with pytest.raises(UnsafeSiteDir, match=why):
        check_site_dir(root / target, root)


def test_folders_holding_sources_are_refused(root: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-project"
    other.mkdir()
    (other / "kamgen.yml").write_text("", encoding="utf-8")
    with pytest.raises(UnsafeSiteDir, match=r"holds kamgen\.yml"):
        check_site_dir(other, root)
    accounts = tmp_path / "copied-accounts"
    accounts.mkdir()
    (accounts / "acme.yaml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(UnsafeSiteDir, match=r"holds the file acme\.yaml"):
        check_site_dir(accounts, root)


def test_foreign_non_empty_folder_is_refused(root: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "www"
    foreign.mkdir()
    (foreign / "index.html").write_text("someone else's site", encoding="utf-8")
    with pytest.raises(UnsafeSiteDir, match="not built by kamgen"):
        check_site_dir(foreign, root)
    (foreign / STAMP).write_text("", encoding="utf-8")
    assert check_site_dir(foreign, root) == foreign.resolve()


def test_missing_empty_and_old_kamgen_builds_are_fine(root: Path, tmp_path: Path) -> None:
    assert check_site_dir(root / "site", root) == (root / "site").resolve()
    (tmp_path / "empty").mkdir()
    assert check_site_dir(tmp_path / "empty", root) == (tmp_path / "empty").resolve()
    old = root / "site"
    (old / "assets").mkdir(parents=True)
    (old / "assets" / "kamgen.css").write_text("", encoding="utf-8")
    (old / "index.html").write_text("", encoding="utf-8")
    assert check_site_dir(old, root) == old.resolve()


def test_a_file_is_refused(root: Path) -> None:
    with pytest.raises(UnsafeSiteDir, match="not a folder"):
        check_site_dir(root / "kamgen.yml", root)


@pytest.mark.parametrize("target", [".", "accounts", "kamgen.yml", ".git"])
def test_build_refuses_before_touching_anything(root: Path, target: str) -> None:
    (root / "uncommitted.txt").write_text("draft", encoding="utf-8")
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    result = kamgen(root, "build", "--site-dir", target)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith(f"{target}:1:1: error K013 refusing to build into {target}: ")
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before
    assert (root / "accounts" / "acme.yaml").read_text(encoding="utf-8") == MINIMAL


@pytest.mark.site
def test_a_build_is_stamped_and_can_be_replaced(root: Path) -> None:
    first = kamgen(root, "build", "--today", "2026-11-26")
    assert first.returncode == 0, first.stdout + first.stderr
    assert (root / "site" / STAMP).is_file()
    again = kamgen(root, "build", "--today", "2026-11-26")
    assert again.returncode == 0, again.stdout + again.stderr
    assert (root / "site" / "index.html").is_file()
