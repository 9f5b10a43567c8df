"""Validate a portfolio file by file: unchanged outcomes reused, the rest on every core.

`kamgen validate` needs the problems, not the portfolio: each account file
goes through :func:`kamgen.pipeline.load_account` on its own and only its
outcome is kept (its problems, whether it is valid, and what
:class:`PerAccount` found in it), so memory does not grow with the
portfolio. With a :class:`~kamgen.cache.Store`, the outcome of a file whose
content, name, settings, day and kamgen are all unchanged is read back
instead of worked out again; the files left are worked out by forked
processes when there are many. Either way the result is the one
:func:`kamgen.pipeline.load` gives, plus the per-account problems.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kamgen import workers
from kamgen.cache import Store, code_fingerprint, digest
from kamgen.limits import Limits
from kamgen.loader import read_text
from kamgen.model import AccountRecord, all_checklists
from kamgen.pipeline import (
    Project,
    Result,
    account_files,
    collector_paused,
    duplicate_of,
    limits_of,
    load_account,
    load_settings,
    no_accounts,
)
from kamgen.problems import Collector, Level, Problem, sort_problems
from kamgen.schema import Settings

# Below this many files to work out, starting processes costs more than it saves.
PARALLEL_FROM = 48


@dataclass(frozen=True)
class PerAccount:
    """Work on each valid account beside loading it (its health findings):
    ``key`` names all its result depends on besides the account's file, the
    settings and kamgen (such as the day it is judged on)."""

    key: str
    run: Callable[[AccountRecord, Settings], list[Problem]]


@dataclass
class _Checked:
    """One account file's outcome: its problems, whether it is valid, and
    what ``PerAccount`` found in it (kept apart: it counts only when every
    file is valid)."""

    problems: list[Problem]
    valid: bool
    extra: list[Problem]


@dataclass
class _Todo:
    """A file to work out: its content and the key its outcome is stored
    under, or neither when the worker is to read it and name the entry."""

    path: Path
    text: str | None = None
    key: str | None = None
    unread: bool = False


@dataclass
class _Job:
    """The shared part of one run, which forked workers inherit."""

    project: Project
    settings: Settings | None
    per_account: PerAccount | None
    store: Store | None
    scope: str
    limits: Limits
    todo: list[_Todo]

    def work_out(self, i: int) -> tuple[_Checked, str | None]:
        """The outcome of the ``i``-th file, stored under the key returned."""
        todo = self.todo[i]
        text, key = todo.text, todo.key
        if todo.unread:
            text, key = _named(self.project, todo.path, self.limits, self.scope)
        record, problems = load_account(self.project, todo.path, self.settings, text)
        run = self.per_account.run if self.per_account else None
        extra = run(record, self.settings) if record and self.settings and run else []
        outcome = _Checked(problems, record is not None, extra)
        if self.store is not None and key is not None:
            # Stored where it is worked out: the writes share the cores too.
            self.store.put(key, _encoded(outcome))
        return outcome, key


def _named(project: Project, path: Path, limits: Limits, scope: str) -> tuple[str | None, str | None]:
    """A file's content and the key of its entry (None for a file that cannot
    be read: it has no content to name an entry by, and the problems reading
    it are found again when it is worked out)."""
    text = read_text(Collector(""), path, project.root, limits)
    return text, digest(scope, project.display(path), text) if text is not None else None


def check(
    project: Project,
    paths: Sequence[Path] | None = None,
    *,
    per_account: PerAccount | None = None,
    store: Store | None = None,
    jobs: int = 1,
) -> Result:
    """The problems :func:`kamgen.pipeline.load` finds, plus those
    ``per_account`` finds when every file is valid; ``portfolio`` stays None
    and ``accounts`` counts the valid ones. ``jobs`` processes at most."""
    with collector_paused():
        settings, problems = load_settings(project)
        if settings is not None:
            # Read the checklists and their wording (the catalogues) here,
            # once: forked workers inherit them instead of each reading them.
            all_checklists(settings)
        files = account_files(project, paths)
        problems += no_accounts(project, files)
        outcomes, used = _outcomes(project, files, settings, per_account, store, jobs)
        first_file: dict[str, str] = {}
        extra: list[Problem] = []
        valid = 0
        for path, outcome in zip(files, outcomes, strict=True):
            problems += outcome.problems
            duplicate = duplicate_of(project, path, first_file)
            if duplicate is not None:
                problems.append(duplicate)
            elif outcome.valid:
                valid += 1
                extra += outcome.extra
        if store is not None and not paths:
            store.prune(used)
        result = Result(sort_problems(problems), accounts=valid)
        if settings is not None and result.ok:
            result.problems = sort_problems(result.problems + extra)
        return result


def _outcomes(
    project: Project,
    files: list[Path],
    settings: Settings | None,
    per_account: PerAccount | None,
    store: Store | None,
    jobs: int,
) -> tuple[list[_Checked], list[str]]:
    """Each file's outcome, in order, and the keys of the stored ones."""
    scope, limits = _scope(settings, per_account), limits_of(settings)
    job = _Job(project, settings, per_account, store, scope, limits, [])
    if store is None or not store.folder.is_dir():
        # Nothing stored yet (a cold run): every file is worked out, and
        # reading and naming it is part of the work the cores share.
        job.todo = [_Todo(path, unread=store is not None) for path in files]
        worked = _work_out(job, jobs)
        return [outcome for outcome, _ in worked], [key for _, key in worked if key is not None]
    found: list[_Checked | None] = []
    keys: list[str | None] = []
    for path in files:
        text, key = _named(project, path, limits, scope)
        stored = _decoded(store.get(key)) if key is not None else None
        found.append(stored)
        keys.append(key)
        if stored is None:
            job.todo.append(_Todo(path, text, key))
    worked_out = iter(_work_out(job, jobs))
    outcomes = [next(worked_out)[0] if stored is None else stored for stored in found]
    return outcomes, [k for k in keys if k is not None]


def _scope(settings: Settings | None, per_account: PerAccount | None) -> str:
    """What every account's outcome depends on besides its own file: the
    settings as loaded (not the file read again, which may have changed
    since), what ``per_account`` depends on, and kamgen."""
    loaded = settings.model_dump_json() if settings is not None else "\0none"
    extra = per_account.key if per_account else "\0none"
    return digest(code_fingerprint(), loaded, extra)


def _work_out(job: _Job, jobs: int) -> list[tuple[_Checked, str | None]]:
    """Every file of ``job`` worked out: by forked processes when there are
    enough files and cores (they inherit the job instead of receiving it),
    else here. A file a worker failed on is worked out here, where its error
    is raised as it would be without workers."""
    count = len(job.todo)
    jobs = min(jobs, count // (PARALLEL_FROM // 2) or 1)
    done = workers.fork_map(job.work_out, range(count), processes=jobs, least=PARALLEL_FROM, chunks=32)
    return [outcome if outcome is not None else job.work_out(i) for i, outcome in enumerate(done)]


def _encoded(outcome: _Checked) -> dict[str, object]:
    def rows(problems: list[Problem]) -> list[list[object]]:
        return [[p.path, p.line, p.col, p.level.value, p.code, p.message] for p in problems]

    return {"problems": rows(outcome.problems), "valid": outcome.valid, "extra": rows(outcome.extra)}


def _decoded(entry: object) -> _Checked | None:
    """A stored outcome, or None when the entry is not one (a miss)."""
    if not isinstance(entry, dict):
        return None
    try:
        problems = [_problem(row) for row in entry["problems"]]
        extra = [_problem(row) for row in entry["extra"]]
        valid = entry["valid"]
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(valid, bool):
        return None
    return _Checked(problems, valid, extra)


def _problem(row: object) -> Problem:
    if not isinstance(row, list) or len(row) != 6:
        raise ValueError("not a problem")
    path, line, col, level, code, message = row
    if not (
        isinstance(path, str)
        and type(line) is int
        and type(col) is int
        and isinstance(code, str)
        and isinstance(message, str)
    ):
        raise ValueError("not a problem")
    return Problem(path, line, col, Level(level), code, message)
