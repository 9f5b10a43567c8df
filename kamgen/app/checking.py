"""Checking the files: `kamgen validate`, with health findings worded for CI
and, with `--changed-since`, only those a change introduced."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kamgen import changes, codes, languages, messages, snapshots, workers
from kamgen.analytics import assess
from kamgen.cache import CACHE_DIR, Store
from kamgen.incremental import PerAccount, check
from kamgen.labels import Labels
from kamgen.loader import load_file
from kamgen.model import AccountRecord, Portfolio
from kamgen.pipeline import Result, load
from kamgen.problems import Level, Problem, sort_problems
from kamgen.project import Project
from kamgen.rule import Finding
from kamgen.schema import FindingLevel, Language, Settings
from kamgen.vcs import GitUnavailable, Repo

if TYPE_CHECKING:
    # Rendering (Jinja, drawings, Markdown) is imported by the use cases that
    # render: validate, run by a pre-commit hook on every commit, never needs it.
    pass


# ------------------------------------------------------------------ validate


def git_problem(project: Project, exc: GitUnavailable) -> Problem:
    return Problem(project.display(project.root), 1, 1, Level.ERROR, codes.GIT.code, str(exc))


def validate(
    project: Project,
    paths: Sequence[Path] | None = None,
    *,
    health_on: dt.date | None = None,
    changed_since: str | None = None,
    cache: bool = True,
    jobs: int | None = None,
) -> Result:
    """Everything `kamgen validate` reports: problems in the files and, with
    ``health_on``, the health findings as of that day; with ``changed_since``
    (a Git revision), only the findings the change since then introduced.

    The portfolio is not kept (``portfolio`` is None; ``accounts`` counts
    the valid ones) except with ``changed_since``, which compares it. With
    ``cache`` (the default), a file unchanged since the last run, under the
    same settings, day and kamgen, is not worked out again (``.kamgen/cache``);
    the others are worked out by up to ``jobs`` processes (default: a core each)."""
    if changed_since is None:
        health = None
        if health_on is not None:
            day = health_on
            health = PerAccount(f"health {day.isoformat()}", lambda r, s: _record_health(r, s, day))
        planted = committed_cache(project)
        store = Store(project.work_dir / CACHE_DIR) if cache and planted is None else None
        result = check(project, paths, per_account=health, store=store, jobs=jobs or workers.cores())
        if planted is not None:
            result.problems = sort_problems([*result.problems, planted])
        return result
    result = load(project, paths)
    if health_on is not None and result.portfolio is not None:
        found = _introduced_problems(project, result.portfolio, changed_since, health_on)
        result.problems = sort_problems(result.problems + found)
    return result


def committed_cache(project: Project) -> Problem | None:
    """Why kamgen must not read its caches, if it must not: files in
    ``.kamgen/`` that Git tracks came from the repository, so a pull request
    could have planted entries that hide problems or invent history."""
    try:
        repo = Repo.of(project.root)
        committed = repo.tracked(repo.prefix(project.work_dir))
    except (GitUnavailable, ValueError):
        return None  # no repository: the folder is the user's own
    if not committed:
        return None
    shown = project.display(project.work_dir)
    message = (
        f"{len(committed)} file(s) in {shown}/ are committed to Git, such as {committed[0]}; "
        f"kamgen reads no cache from there. Remove them with `git rm -r --cached {shown}`"
    )
    return Problem(shown, 1, 1, Level.WARNING, codes.COMMITTED_WORK_DIR.code, message)


def _introduced_problems(project: Project, portfolio: Portfolio, rev: str, today: dt.date) -> list[Problem]:
    """Health findings in the accounts changed since ``rev`` that were not
    there at ``rev``, both judged on ``today``: a pull request is blamed for
    what it did, not for the calendar."""
    try:
        repo = Repo.of(project.root)
        change = snapshots.touched(repo, project, rev)
        base = snapshots.at(repo, project, rev, None if change.settings else change.before)
    except GitUnavailable as exc:
        return [git_problem(project, exc)]
    touched = change.account_ids
    before = {rec.id: rec for rec in base.result.portfolio.accounts} if base.result.portfolio else {}
    old_id = {new: old for old, new in change.renamed.items()}
    settings = base.result.portfolio.settings if base.result.portfolio else None

    fresh: dict[str, list[Finding]] = {}

    def new(record: AccountRecord, finding: Finding) -> bool:
        if touched is not None and record.id not in touched:
            return False
        if record.id not in fresh:
            prev = before.get(old_id.get(record.id, record.id))
            fresh[record.id] = changes.introduced(prev, record, settings, portfolio.settings, today)
        return finding in fresh[record.id]

    return health_problems(portfolio, today, keep=new)


# Problems are read in CI logs and pull-request annotations: in English.
_EN = Labels(Language.EN)
_LEVELS = {
    FindingLevel.ERROR: Level.ERROR,
    FindingLevel.WARNING: Level.WARNING,
    FindingLevel.INFO: Level.INFO,
}


def health_problems(
    portfolio: Portfolio, today: dt.date, keep: Callable[[AccountRecord, Finding], bool] | None = None
) -> list[Problem]:
    """Health findings as problems, at the line they concern, at the level the
    settings give each code (warning by default; `off` leaves it out); only
    those ``keep`` accepts, if given."""
    problems = []
    for record in portfolio.accounts:
        problems += _record_health(record, portfolio.settings, today, keep)
    return sort_problems(problems)


def _record_health(
    record: AccountRecord,
    settings: Settings,
    today: dt.date,
    keep: Callable[[AccountRecord, Finding], bool] | None = None,
) -> list[Problem]:
    levels = settings.health.levels
    problems = []
    for finding in assess(record, settings, today).findings:
        level = levels.get(finding.code, FindingLevel.WARNING)
        if level is FindingLevel.OFF or (keep is not None and not keep(record, finding)):
            continue
        line, col = record.where(finding.path)
        message = f"{_EN.finding(finding)}; next step: {_EN.next_step(finding)}"
        problems.append(Problem(record.path, line, col, _LEVELS[level], finding.code, message))
    return problems


def problem_language(project: Project) -> str:
    """The language problems are worded in for a person: ``KAMGEN_LANG`` if
    set, else the settings' ``language``; English for one kamgen has no
    catalogue for (the settings' own check reports that)."""
    wanted = os.environ.get(messages.ENV, "").strip()
    if not wanted and project.settings_file.is_file():
        doc, _ = load_file(project.settings_file, project.display(project.settings_file), root=project.root)
        language = doc.data.get("language") if isinstance(doc.data, dict) else None
        wanted = language if isinstance(language, str) else ""
    return wanted if wanted in languages.files() else languages.ENGLISH


def localized(problems: list[Problem], fmt: str, project: Project | None) -> list[Problem]:
    """``problems`` as a format ``fmt`` shows them: in the reader's language
    (``problem_language``) for the formats people read, else as they are."""
    if fmt not in messages.READ_BY_PEOPLE or project is None:
        return problems
    return messages.localize(problems, problem_language(project))
