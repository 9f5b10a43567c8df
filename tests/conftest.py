"""Fixtures shared by the whole suite.

The sample portfolio is built once per session (``built_sample``) and the
browser is started once (``browser``); a test that changes a project works on
its own copy (``sample_project``, or ``copy_project`` of the built one).
Hypothesis runs under a bounded profile; in CI it is also deterministic.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from kamgen.pipeline import load
from kamgen.problems import Problem
from tests.browser import LAUNCH_ARGS, find_chromium, in_ci, unavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # reported by the `chromium_path` fixture, under the CI policy
    sync_playwright = None  # type: ignore[assignment]
from kamgen.project import Project

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-26"

# The suite starts about a hundred kamgen processes. Where PYTHONDONTWRITEBYTECODE
# is set (some sandboxes and CI images set it), none may cache compiled modules,
# so each compiles all of kamgen again: about 0.3 s of CPU a process on a fresh
# clone. Caches go to the git-ignored __pycache__ folders.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# Project files `kamgen build` needs.
PROJECT_FILES = ("kamgen.yml", "mkdocs.yml")
PROJECT_DIRS = ("accounts", "docs", "templates")

# Hypothesis: a fixed number of examples keeps `make test` in budget. In CI
# the examples are derived from the test itself (derandomize), so a run is
# repeatable and a failure there fails again on a developer's machine; locally
# each run explores new examples and keeps failing ones in .hypothesis/.
# Deadlines are off: other work shares the CPU, and speed is the benchmark's job.
_BOUNDED = {"max_examples": 60, "deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, **_BOUNDED)
settings.register_profile("dev", **_BOUNDED)
settings.register_profile("deep", **{**_BOUNDED, "max_examples": 2000})  # for bug hunts, by hand
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if in_ci() else "dev"))

SETTINGS = """\
language: en
team:
  - {id: li-wei, name: Li Wei, hours_per_month: 60}
  - {id: anna, name: Anna, hours_per_month: 40}
checklists:
  - id: review
    title: Review
    items:
      - {id: shared, text: Plan shared}
"""

# The smallest valid account; tests append the fields they exercise.
MINIMAL = """\
name: Acme
owner: li-wei
tier: key
"""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "kamgen.yml").write_text(SETTINGS, encoding="utf-8")
    (tmp_path / "accounts").mkdir()
    return Project(tmp_path)


Finder = Callable[..., list[tuple[int, int, str]]]


def positions(problems: list[Problem]) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.code) for p in problems]


@pytest.fixture
def check_account(project: Project) -> Callable[..., list[Problem]]:
    """Write one account (YAML text, or front matter plus body for .md) and load it."""

    def run(text: str, *, suffix: str = ".yaml", name: str = "acme", body: str = "") -> list[Problem]:
        text = dedent(text)
        if suffix == ".md":
            text = f"---\n{text}---\n{body}"
        (project.accounts_dir / f"{name}{suffix}").write_text(text, encoding="utf-8")
        return load(project).problems

    return run


def copy_sample(dest: Path) -> Project:
    """Copy the repository's sample portfolio (the files a build reads) to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, dest / name)
    for name in PROJECT_DIRS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name)
    return Project(dest)


def kamgen_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`kamgen -C root build --today TODAY ARGS`, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "kamgen", "-C", str(root), "build", "--today", TODAY, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def copy_project(source: Project, dest: Path) -> Project:
    """A copy of a whole project, with its built site and work folder, to change."""
    shutil.copytree(source.root, dest, symlinks=True)
    return Project(dest)


@pytest.fixture
def sample_project(tmp_path: Path) -> Project:
    """A copy of the repository's sample portfolio, safe to build in."""
    return copy_sample(tmp_path / "project")


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The sample portfolio built once for the whole run, at the default visibility.

    Shared by every test that only reads the site: never change it; take a
    ``copy_project`` instead.
    """
    project = copy_sample(tmp_path_factory.mktemp("built-sample") / "project")
    result = kamgen_build(project.root)
    assert result.returncode == 0, (
        f"`kamgen build` exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    assert (project.root / "site" / "index.html").is_file(), "the build wrote no site/index.html"
    return project


# --- one headless Chromium for every browser test (Debian's, never a download) ---
# Without Chromium these fixtures skip, except in CI (CI=true), where they fail.


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if sync_playwright is None:
        unavailable("the Python package `playwright` is not installed (pip install -e '.[test]')")
    return find_chromium()


@pytest.fixture(scope="session")
def playwright_driver(chromium_path: str) -> Iterator[Playwright]:
    assert sync_playwright is not None
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright, chromium_path: str) -> Iterator[Browser]:
    try:
        instance = playwright_driver.chromium.launch(
            executable_path=chromium_path, headless=True, args=LAUNCH_ARGS
        )
    except Exception as exc:  # a broken install must not pass silently in CI either
        unavailable(f"{chromium_path} did not start: {exc}")
        raise
    yield instance
    instance.close()
