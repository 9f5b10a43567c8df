"""The output folder is guarded: a build never replaces the project's own files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kamgen import outdir
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


def modes(tree: Path) -> set[str]:
    return {f"{'d' if p.is_dir() else 'f'}{p.stat().st_mode & 0o777:o}" for p in [tree, *tree.rglob("*")]}


@pytest.mark.site
def test_a_build_is_stamped_publishable_and_replaceable(root: Path) -> None:
    os.umask(0o077)  # a strict umask must not make the site unreadable to a web server
    try:
        first = kamgen(root, "build", "--today", "2026-11-26")
    finally:
        os.umask(0o022)
    assert first.returncode == 0, first.stdout + first.stderr
    site = root / "site"
    assert (site / STAMP).is_file()
    assert modes(site) == {"d755", "f644"}
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<meta name="kamgen-visibility" content="internal">' in index
    assert "Restricted build" not in index
    (root / ".site-old").mkdir()  # not ours: left alone
    leftover = outdir.staging_dir(site)  # as a killed build leaves it
    (leftover / "half.html").write_text("", encoding="utf-8")
    again = kamgen(root, "build", "--today", "2026-11-26")
    assert again.returncode == 0, again.stdout + again.stderr
    assert (site / "index.html").is_file()
    assert not leftover.exists() and (root / ".site-old").is_dir()
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".kamgen-")) == []


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in folder.rglob("*") if p.is_file()}


def test_swap_exchanges_old_and_new_whole(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.html").write_text("old", encoding="utf-8")
    staging = outdir.staging_dir(site)
    (staging / "assets").mkdir()
    (staging / "assets" / "app.js").write_text("new", encoding="utf-8")
    outdir.swap_in(staging, site)
    assert tree(site) == {"assets/app.js": "new", STAMP: tree(site)[STAMP]}
    assert not staging.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_swap_into_a_new_folder(tmp_path: Path) -> None:
    site = tmp_path / "public" / "site"
    staging = outdir.staging_dir(site)
    (staging / "index.html").write_text("new", encoding="utf-8")
    outdir.swap_in(staging, site)
    assert tree(site)["index.html"] == "new" and modes(site) == {"d755", "f644"}


def site_state(site: Path) -> tuple[frozenset[str], frozenset[str]]:
    """The site's file list, and which version of the account its pages show."""
    files = frozenset(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    versions = set()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        versions |= {v for v in ("Acme Old", "Acme New") if v in text}
    return files, frozenset(versions)


@pytest.mark.slow
@pytest.mark.site
def test_killed_builds_leave_the_old_site_whole(root: Path) -> None:
    account = root / "accounts" / "acme.yaml"
    account.write_text(MINIMAL.replace("Acme", "Acme Old"), encoding="utf-8")
    started = time.monotonic()
    assert kamgen(root, "build", "--today", "2026-11-26").returncode == 0
    full = time.monotonic() - started
    old_files, old_version = site_state(root / "site")
    assert old_version == {"Acme Old"}
    account.write_text(MINIMAL.replace("Acme", "Acme New"), encoding="utf-8")
    seen = []
    # Kill points spread over a whole build, denser near its end, where the
    # swap happens.
    for fraction in (0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05):
        proc = subprocess.Popen(
            [sys.executable, "-m", "kamgen", "-C", str(root), "build", "--today", "2026-11-26"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(full * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        files, version = site_state(root / "site")
        assert files == old_files, f"killed at {fraction:.0%}: files differ"
        assert version in ({"Acme Old"}, {"Acme New"}), f"killed at {fraction:.0%}: pages mix {version}"
        seen.append(version)
    assert seen[0] == {"Acme Old"}  # the earliest kill surely came before the swap
    assert kamgen(root, "build", "--today", "2026-11-26").returncode == 0
    assert site_state(root / "site") == (old_files, {"Acme New"})
    assert not [p for p in root.iterdir() if p.name.startswith(".kamgen-")]
