"""discover -> parse -> validate -> check -> model: the front of every use case.

:func:`load` runs the stages for the settings and each account file, collects
the problems each stage returns, and hands back a :class:`Portfolio` when
there is no error. It words nothing and knows no output: the use cases in
:mod:`kamgen.app` decide what to do with the result.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kamgen import checks, codes, rules
from kamgen.ids import is_valid_id
from kamgen.limits import Limits
from kamgen.loader import ACCOUNT_SUFFIXES, Document, account_id, discover, load_file, parse_text
from kamgen.model import AccountRecord, Portfolio, all_checklists, with_defaults
from kamgen.problems import Level, Problem, capped, has_errors, sort_problems
from kamgen.progress import Tick, no_tick
from kamgen.project import SETTINGS_FILE, Project
from kamgen.schema import Account, Settings
from kamgen.validate import to_model

__all__ = ["Project", "Result", "load"]


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    portfolio: Portfolio | None = None
    accounts: int = 0  # valid accounts, also when the portfolio was not kept

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def load_settings(project: Project) -> tuple[Settings | None, list[Problem]]:
    path = project.settings_file
    shown = project.display(path)
    if not path.is_file():
        missing = f"no {SETTINGS_FILE} in {project.root}; run `kamgen init` there to start a project"
        return None, [Problem(shown, 1, 1, Level.ERROR, codes.NO_SETTINGS.code, missing)]
    # Every setting has a default, so an empty kamgen.yml is a valid start.
    doc, problems = load_file(path, shown, root=project.root, empty_ok=True)
    # Enum values in the settings may be written in the language they set.
    language = doc.data.get("language") if isinstance(doc.data, dict) else None
    settings, invalid = to_model(doc, Settings, language=language if isinstance(language, str) else None)
    problems += invalid
    if settings is not None:
        ctx = checks.Context(doc, settings, finding_codes=rules.FINDING_CODES)
        problems += checks.problems(checks.SETTINGS_CHECKS, ctx)
    return settings, capped(problems)


def account_files(project: Project, paths: Sequence[Path] | None) -> list[Path]:
    if not paths:
        return list(discover(project.accounts_dir))
    found: list[Path] = []
    for p in paths:
        found.extend(discover(p) if p.is_dir() else [p])
    return found


def load_account(
    project: Project, path: Path, settings: Settings | None, text: str | None = None
) -> tuple[AccountRecord | None, list[Problem]]:
    """One account file through every stage; a record only when it has no error.
    ``text`` is the file's content when it was read already."""
    limits = limits_of(settings)
    if text is None:
        doc, problems = load_file(path, project.display(path), root=project.root, limits=limits)
    else:
        doc, problems = parse_text(path, project.display(path), text, limits=limits)
    if not is_valid_id(account_id(path)) or path.suffix not in ACCOUNT_SUFFIXES:
        bad_name = (
            f"'{path.name}' is not a valid account file name; use a lowercase slug such as acme-corp.yaml"
        )
        problems.append(Problem(doc.path, 1, 1, Level.ERROR, codes.FILE_NAME.code, bad_name))
    language = settings.language.value if settings is not None else None
    account, invalid = to_model(doc, Account, salvage=True, limits=limits, language=language)
    problems += invalid
    if account is None or settings is None:
        return None, capped(problems, limits)
    problems += _checked(doc, settings, account)
    if has_errors(problems):
        return None, capped(problems, limits)
    account = with_defaults(account, settings.visibility_defaults)
    # A Pos is a (line, col) tuple already: the table is the record's as it is.
    return AccountRecord(account_id(path), doc.path, account, doc.body, doc.body_line, doc.values), problems


def limits_of(settings: Settings | None) -> Limits:
    if settings is None:
        return Limits()
    return Limits(**settings.limits.model_dump())


def _checked(doc: Document, settings: Settings, account: Account) -> list[Problem]:
    lists = {c.id: {i.id for i in c.items} for c in all_checklists(settings)}
    ctx = checks.Context(doc, settings, account, lists)
    return checks.problems(checks.ACCOUNT_CHECKS, ctx)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading makes millions of objects and almost no cyclic garbage; the
    cyclic collector would walk every live one again and again (half the
    time of a large portfolio), so it waits until loading is done."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


LoadAccount = Callable[[Project, Path, Settings | None], tuple[AccountRecord | None, list[Problem]]]


def load(
    project: Project,
    paths: Sequence[Path] | None = None,
    *,
    progress: Tick = no_tick,
    load_one: LoadAccount | None = None,
) -> Result:
    """Load and check the settings and the accounts; collect every problem.

    ``progress`` is told ``(done, total)`` after each account file;
    ``load_one`` (default :func:`load_account`) loads one account file, so
    that the live preview can keep the files that did not change."""
    with collector_paused():
        return _load(project, paths, progress, load_one or load_account)


def _load(project: Project, paths: Sequence[Path] | None, progress: Tick, load_one: LoadAccount) -> Result:
    settings, problems = load_settings(project)
    records: list[AccountRecord] = []
    first_file: dict[str, str] = {}
    files = account_files(project, paths)
    problems += no_accounts(project, files)
    for done, path in enumerate(files, 1):
        record, found = load_one(project, path, settings)
        progress(done, len(files))
        problems.extend(found)
        duplicate = duplicate_of(project, path, first_file)
        if duplicate is not None:
            problems.append(duplicate)
            continue
        if record is not None:
            records.append(record)
    result = Result(sort_problems(problems), accounts=len(records))
    if settings is not None and result.ok:
        result.portfolio = Portfolio(settings, tuple(records), tuple(all_checklists(settings)))
    return result


def no_accounts(project: Project, files: list[Path]) -> list[Problem]:
    if files:
        return []
    return [
        Problem(
            project.display(project.accounts_dir),
            1,
            1,
            Level.WARNING,
            codes.NO_ACCOUNTS.code,
            "no account files (*.yaml, *.yml, *.md) found",
        )
    ]


def duplicate_of(project: Project, path: Path, first_file: dict[str, str]) -> Problem | None:
    """The problem when another file gave this account id already; else
    remember this file as the one that gives it."""
    aid, shown = account_id(path), project.display(path)
    if aid not in first_file:
        first_file[aid] = shown
        return None
    also = f"account id '{aid}' is also given by {first_file[aid]}"
    return Problem(shown, 1, 1, Level.ERROR, codes.DUPLICATE_ACCOUNT.code, also)
