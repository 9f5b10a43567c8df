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
from kamgen.cache import Store, code_fingerprint, digest
from kamgen.ids import is_valid_id
from kamgen.limits import Limits
from kamgen.loader import ACCOUNT_SUFFIXES, Document, account_id, discover, load_file, parse_text, read_text
from kamgen.model import AccountRecord, Portfolio, all_checklists, with_defaults
from kamgen.problems import Collector, Level, Problem, capped, has_errors, sort_problems
from kamgen.project import SETTINGS_FILE, Project
from kamgen.schema import Account, Settings
from kamgen.validate import to_model

__all__ = ["PerAccount", "Project", "Result", "check", "load"]


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


def _account_files(project: Project, paths: Sequence[Path] | None) -> list[Path]:
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
def _collector_paused() -> Iterator[None]:
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


def load(project: Project, paths: Sequence[Path] | None = None) -> Result:
    """Load and check the settings and the accounts; collect every problem."""
    with _collector_paused():
        return _load(project, paths)


def _load(project: Project, paths: Sequence[Path] | None) -> Result:
    settings, problems = load_settings(project)
    records: list[AccountRecord] = []
    first_file: dict[str, str] = {}
    files = _account_files(project, paths)
    problems += _no_accounts(project, files)
    for path in files:
        record, found = load_account(project, path, settings)
        problems.extend(found)
        duplicate = _duplicate(project, path, first_file)
        if duplicate is not None:
            problems.append(duplicate)
            continue
        if record is not None:
            records.append(record)
    result = Result(sort_problems(problems), accounts=len(records))
    if settings is not None and result.ok:
        result.portfolio = Portfolio(settings, tuple(records), tuple(all_checklists(settings)))
    return result


def _no_accounts(project: Project, files: list[Path]) -> list[Problem]:
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


def _duplicate(project: Project, path: Path, first_file: dict[str, str]) -> Problem | None:
    """The problem when another file gave this account id already; else
    remember this file as the one that gives it."""
    aid, shown = account_id(path), project.display(path)
    if aid not in first_file:
        first_file[aid] = shown
        return None
    also = f"account id '{aid}' is also given by {first_file[aid]}"
    return Problem(shown, 1, 1, Level.ERROR, codes.DUPLICATE_ACCOUNT.code, also)


# ------------------------------------------------------------------ check


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


def check(
    project: Project,
    paths: Sequence[Path] | None = None,
    *,
    per_account: PerAccount | None = None,
    store: Store | None = None,
) -> Result:
    """The problems :func:`load` finds, plus those ``per_account`` finds when
    every file is valid, without keeping the portfolio (``portfolio`` is
    None): each account is checked on its own, and with ``store`` the
    outcome of a file whose content, settings and kamgen are unchanged is
    read back instead of worked out again."""
    with _collector_paused():
        settings, problems = load_settings(project)
        files = _account_files(project, paths)
        problems += _no_accounts(project, files)
        scope = _scope(project, per_account)
        first_file: dict[str, str] = {}
        extra: list[Problem] = []
        used: list[str] = []
        valid = 0
        for path in files:
            outcome, key = _check_account(project, path, settings, per_account, store, scope)
            if key is not None:
                used.append(key)
            problems += outcome.problems
            duplicate = _duplicate(project, path, first_file)
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


def _scope(project: Project, per_account: PerAccount | None) -> str:
    """What every account's outcome depends on besides its own file."""
    try:
        settings = project.settings_file.read_bytes()
    except OSError:
        settings = b"\0unreadable"
    extra = per_account.key if per_account else "\0none"
    return digest(code_fingerprint(), settings, extra)


def _check_account(
    project: Project,
    path: Path,
    settings: Settings | None,
    per_account: PerAccount | None,
    store: Store | None,
    scope: str,
) -> tuple[_Checked, str | None]:
    """One file's outcome, from ``store`` when it holds it; the key it is
    stored under (None when the file cannot be read: nothing to name it by)."""
    limits = limits_of(settings)
    shown = project.display(path)
    unread = Collector(shown, limits)
    text = read_text(unread, path, project.root, limits) if store is not None else None
    if text is None:
        return _work_out(project, path, settings, per_account, None), None
    key = digest(scope, shown, text)
    assert store is not None
    stored = _decoded(store.get(key))
    if stored is not None:
        return stored, key
    outcome = _work_out(project, path, settings, per_account, text)
    store.put(key, _encoded(outcome))
    return outcome, key


def _work_out(
    project: Project,
    path: Path,
    settings: Settings | None,
    per_account: PerAccount | None,
    text: str | None,
) -> _Checked:
    record, problems = load_account(project, path, settings, text)
    extra = per_account.run(record, settings) if record and settings and per_account else []
    return _Checked(problems, record is not None, extra)


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
