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

import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kamgen.cache import Store, code_fingerprint, digest
from kamgen.loader import read_text
from kamgen.model import AccountRecord
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
class _Job:
    """The shared part of one run, which forked workers inherit: each file
    to work out with the content read and the key to store its outcome under."""

    project: Project
    settings: Settings | None
    per_account: PerAccount | None
    store: Store | None
    todo: list[tuple[Path, str | None, str | None]]

    def work_out(self, i: int) -> _Checked:
        path, text, key = self.todo[i]
        record, problems = load_account(self.project, path, self.settings, text)
        run = self.per_account.run if self.per_account else None
        extra = run(record, self.settings) if record and self.settings and run else []
        outcome = _Checked(problems, record is not None, extra)
        if self.store is not None and key is not None:
            # Stored where it is worked out: the writes share the cores too.
            self.store.put(key, _encoded(outcome))
        return outcome


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
    scope = _scope(settings, per_account)
    limits = limits_of(settings)
    found: list[_Checked | None] = []
    keys: list[str | None] = []
    job = _Job(project, settings, per_account, store, [])
    for path in files:
        text = None
        if store is not None:
            # Problems reading are found again when the file is worked out;
            # a file that cannot be read has no content to name an entry by.
            text = read_text(Collector(""), path, project.root, limits)
        key = digest(scope, project.display(path), text) if text is not None else None
        stored = _decoded(store.get(key)) if store is not None and key is not None else None
        found.append(stored)
        keys.append(key)
        if stored is None:
            job.todo.append((path, text, key))
    worked = iter(_work_out(job, jobs))
    outcomes: list[_Checked] = []
    for key, stored in zip(keys, found, strict=True):
        outcomes.append(next(worked) if stored is None else stored)
    return outcomes, [k for k in keys if k is not None]


def _scope(settings: Settings | None, per_account: PerAccount | None) -> str:
    """What every account's outcome depends on besides its own file: the
    settings as loaded (not the file read again, which may have changed
    since), what ``per_account`` depends on, and kamgen."""
    loaded = settings.model_dump_json() if settings is not None else "\0none"
    extra = per_account.key if per_account else "\0none"
    return digest(code_fingerprint(), loaded, extra)


_FORKED: _Job | None = None  # the job forked workers inherit


def _in_worker(i: int) -> _Checked:
    assert _FORKED is not None
    return _FORKED.work_out(i)


def _work_out(job: _Job, jobs: int) -> list[_Checked]:
    """Every file of ``job`` worked out: by forked processes when there are
    enough files and cores (they inherit the job instead of receiving it),
    else here."""
    count = len(job.todo)
    jobs = min(jobs, count // (PARALLEL_FROM // 2) or 1)
    if jobs < 2 or count < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return [job.work_out(i) for i in range(count)]
    global _FORKED
    _FORKED = job
    try:
        try:
            pool = multiprocessing.get_context("fork").Pool(jobs)
        except OSError:  # no semaphores here (some containers): one process it is
            return [job.work_out(i) for i in range(count)]
        with pool:
            return pool.map(_in_worker, range(count), chunksize=max(1, count // (jobs * 32)))
    finally:
        _FORKED = None


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
