"""Starting: `kamgen init` and `kamgen new`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kamgen import codes, newfiles, scaffold
from kamgen.problems import Level, Problem
from kamgen.project import Project

if TYPE_CHECKING:
    # Rendering (Jinja, drawings, Markdown) is imported by the use cases that
    # render: validate, run by a pre-commit hook on every commit, never needs it.
    pass


# ------------------------------------------------------------------ init


def init(root: Path, ci: str = "github") -> tuple[list[str], list[Problem]]:
    """A new project in ``root`` with the CI configuration for ``ci``: the
    files written, or why none were."""
    files = scaffold.starter_files(ci)
    there = scaffold.existing(root, files)
    if there:
        why = "exists already; kamgen init never overwrites a file"
        return [], [Problem(path, 1, 1, Level.ERROR, codes.INIT_EXISTS.code, why) for path in there]
    return scaffold.write(root, files), []


# ------------------------------------------------------------------ new


def new_account(project: Project, new_id: str, name: str | None = None) -> tuple[str | None, list[Problem]]:
    """`kamgen new account`: the file written, or why none was."""
    return newfiles.new_account(project, new_id, name)


def new_item(
    project: Project, kind: str, account: str, new_id: str, name: str | None = None
) -> tuple[str | None, list[Problem]]:
    """`kamgen new stakeholder|interest|goal|action`: the file changed, or why it was not."""
    return newfiles.new_item(project, kind, account, new_id, name)
