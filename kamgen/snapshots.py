"""A project as it was at a Git revision, loaded by the one pipeline.

`kamgen diff` and `kamgen validate --changed-since` compare the project at
two points. Each side is exported from Git into a temporary folder and run
through :func:`kamgen.pipeline.load`, so the settings of that revision apply
to its accounts exactly as a build then would have applied them. The working
tree is loaded where it is.

Only the account files a change touched can differ, so unless the settings
changed only those are exported and loaded: a pull request that edits one
account of hundreds costs one account's work.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from kamgen.loader import ACCOUNT_SUFFIXES, account_id
from kamgen.model import Portfolio, all_checklists
from kamgen.pipeline import Result, load, load_settings
from kamgen.problems import has_errors
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


@dataclass(frozen=True)
class Touched:
    """What a change touched: whether the settings changed (then every
    account may have), the account files it touched on each side (paths
    relative to the project), and the account ids Git saw renamed."""

    settings: bool
    before: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()
    renamed: Mapping[str, str] = field(default_factory=dict)

    @property
    def account_ids(self) -> set[str] | None:
        """Ids after the change of the accounts it touched; None for all."""
        return None if self.settings else {account_id(Path(p)) for p in self.after}


def _under(repo: Repo, project: Project, name: str) -> str:
    prefix = repo.prefix(project.root)
    return f"{prefix}/{name}" if prefix else name


def _in_project(repo: Repo, project: Project, path: str) -> str:
    prefix = repo.prefix(project.root)
    return str(PurePosixPath(path).relative_to(prefix)) if prefix else path


def touched(repo: Repo, project: Project, base: str, head: str = WORKTREE) -> Touched:
    """The account files and settings changed from ``base`` to ``head``."""
    settings = _under(repo, project, SETTINGS_FILE)
    before: set[str] = set()
    after: set[str] = set()
    renamed: dict[str, str] = {}
    for change in repo.changes(base, head, _under(repo, project, ACCOUNTS_DIR)):
        if change.old and _is_account(change.old):
            before.add(_in_project(repo, project, change.old))
        if change.new and _is_account(change.new):
            after.add(_in_project(repo, project, change.new))
        if change.status == "R" and change.old and change.new:
            renamed[account_id(Path(change.old))] = account_id(Path(change.new))
    changed_settings = bool(repo.changes(base, head, settings))
    return Touched(changed_settings, frozenset(before), frozenset(after), renamed)


def at(repo: Repo, project: Project, rev: str, files: Collection[str] | None = None) -> Snapshot:
    """The project at ``rev`` (or :data:`~kamgen.vcs.WORKTREE`), with only
    the account ``files`` given (paths relative to the project), or all;
    raises :class:`~kamgen.vcs.GitUnavailable` when Git cannot give it."""
    if rev == WORKTREE:
        if files is None:
            return Snapshot(rev, None, load(project))
        paths = [project.root / f for f in sorted(files) if (project.root / f).is_file()]
        return Snapshot(rev, None, load(project, paths) if paths else _settings_only(project))
    commit = repo.resolve(rev)
    settings = _under(repo, project, SETTINGS_FILE)
    accounts = repo.files(commit, _under(repo, project, ACCOUNTS_DIR))
    if settings not in repo.files(commit, settings):
        # No project there yet (the pull request that adds it): nothing to compare with.
        return Snapshot(rev, commit, Result([], Portfolio(Settings(), ())))
    with tempfile.TemporaryDirectory(prefix="kamgen-rev-") as tmp:
        root = Path(tmp)
        (root / SETTINGS_FILE).write_bytes(repo.read(commit, settings))
        wanted = [p for p in accounts if files is None or _in_project(repo, project, p) in files]
        for path in wanted:
            target = root / _in_project(repo, project, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(repo.read(commit, path))
        result = load(Project(root)) if wanted or files is None else _settings_only(Project(root))
    # A problem at another revision is not in the file as it is now: say where.
    problems = [replace(p, message=f"at {rev}: {p.message}") for p in result.problems]
    return Snapshot(rev, commit, Result(problems, result.portfolio))


def _settings_only(project: Project) -> Result:
    """The project with its settings and no account: the side of a change
    that touched no account file there (all of them were added or deleted)."""
    settings, problems = load_settings(project)
    if settings is None or has_errors(problems):
        return Result(problems)
    return Result(problems, Portfolio(settings, (), tuple(all_checklists(settings))))


def _is_account(path: str) -> bool:
    return PurePosixPath(path).suffix in ACCOUNT_SUFFIXES
