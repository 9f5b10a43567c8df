from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kamgen.pipeline import load
from kamgen.problems import Problem
from tests.browser import LAUNCH_ARGS, find_chromium, unavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # reported by the `chromium_path` fixture, under the CI policy
    sync_playwright = None  # type: ignore[assignment]
from kamgen.project import Project

ROOT = Path(__file__).resolve().parent.parent

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


@pytest.fixture
def sample_project(tmp_path: Path) -> Project:
    """A copy of the repository's sample portfolio, safe to build in."""
    for name in ("kamgen.yml", "mkdocs.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("accounts", "docs", "templates"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tmp_path / name)
    return Project(tmp_path)


# --- one headless Chromium for every browser test (Debian's, never a download) ---


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
