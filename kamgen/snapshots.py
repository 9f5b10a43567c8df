"""A project as it was at a Git revision, loaded by the one pipeline.

`kamgen diff` and `kamgen validate --changed-since` compare the project at
two points. Each side is exported from Git into a temporary folder and run
through :func:`kamgen.pipeline.load`, so the settings of that revision apply
to its accounts exactly as a build then would have applied them. The working
tree is loaded where it is.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from kamgen.loader import ACCOUNT_SUFFIXES, account_id
from kamgen.model import Portfolio
from kamgen.pipeline import Result, load
from kamgen.project import ACCOUNTS_DIR, SETTINGS_FILE, Project
from kamgen.schema import Settings
from kamgen.vcs import WORKTREE, Repo


@dataclass(frozen=True)
class Snapshot:
    """The project at one revision: what the user called it, the commit
    (None for the working tree), and what loading it gave."""

    rev: str
    commit: str | None
    result: Result

    @property
    def name(self) -> str:
        return "the working tree" if self.commit is None else f"{self.rev} ({self.commit[:10]})"


def _under(repo: Repo, project: Project, name: str) -> str:
    prefix = repo.prefix(project.root)
    return f"{prefix}/{name}" if prefix else name


def at(repo: Repo, project: Project, rev: str) -> Snapshot:
    """The project at ``rev`` (or :data:`~kamgen.vcs.WORKTREE`); raises
    :class:`~kamgen.vcs.GitUnavailable` when Git cannot give it."""
    if rev == WORKTREE:
        return Snapshot(rev, None, load(project))
    commit = repo.resolve(rev)
    settings = _under(repo, project, SETTINGS_FILE)
    if settings not in repo.files(commit, settings):
        # No project there yet (the pull request that adds it): nothing to compare with.
        return Snapshot(rev, commit, Result([], Portfolio(Settings(), ())))
    with tempfile.TemporaryDirectory(prefix="kamgen-rev-") as tmp:
        root = Path(tmp)
        (root / SETTINGS_FILE).write_bytes(repo.read(commit, settings))
        repo.export(commit, _under(repo, project, ACCOUNTS_DIR), root / ACCOUNTS_DIR)
        result = load(Project(root))
    # A problem at another revision is not in the file as it is now: say where.
    problems = [replace(p, message=f"at {rev}: {p.message}") for p in result.problems]
    return Snapshot(rev, commit, Result(problems, result.portfolio))


def renamed_accounts(repo: Repo, project: Project, base: str, head: str = WORKTREE) -> dict[str, str]:
    """Account ids at ``base`` whose file Git sees renamed by ``head``, to
    their id there."""
    found: dict[str, str] = {}
    for change in repo.changes(base, head, _under(repo, project, ACCOUNTS_DIR)):
        if change.status == "R" and change.old and change.new and _is_account(change.old):
            found[account_id(Path(change.old))] = account_id(Path(change.new))
    return found


def touched_accounts(repo: Repo, project: Project, base: str, head: str = WORKTREE) -> set[str] | None:
    """Ids at ``head`` of the accounts whose files changed since ``base``;
    None when the settings changed, which can change every account."""
    settings = _under(repo, project, SETTINGS_FILE)
    if any(c.new == settings or c.old == settings for c in repo.changes(base, head, settings)):
        return None
    return {
        account_id(Path(c.new))
        for c in repo.changes(base, head, _under(repo, project, ACCOUNTS_DIR))
        if c.new and _is_account(c.new)
    }


def _is_account(path: str) -> bool:
    return PurePosixPath(path).suffix in ACCOUNT_SUFFIXES
