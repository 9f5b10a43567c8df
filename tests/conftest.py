from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from kamgen.pipeline import Project, load
from kamgen.problems import Problem

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
