"""discover -> parse -> validate -> check -> model: the front of every use case.

:func:`load` runs the stages for the settings and each account file, collects
the problems each stage returns, and hands back a :class:`Portfolio` when
there is no error. It words nothing and knows no output: the use cases in
:mod:`kamgen.app` decide what to do with the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kamgen import checks, codes, rules
from kamgen.ids import is_valid_id
from kamgen.limits import Limits
from kamgen.loader import ACCOUNT_SUFFIXES, Document, account_id, discover, load_file
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
    project: Project, path: Path, settings: Settings | None
) -> tuple[AccountRecord | None, list[Problem]]:
    """One account file through every stage; a record only when it has no error."""
    limits = limits_of(settings)
    doc, problems = load_file(path, project.display(path), root=project.root, limits=limits)
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
    positions = {key: (pos.line, pos.col) for key, pos in doc.values.items()}
    account = with_defaults(account, settings.visibility_defaults)
    return AccountRecord(account_id(path), doc.path, account, doc.body, doc.body_line, positions), problems


def limits_of(settings: Settings | None) -> Limits:
    if settings is None:
        return Limits()
    return Limits(**settings.limits.model_dump())


def _checked(doc: Document, settings: Settings, account: Account) -> list[Problem]:
    lists = {c.id: {i.id for i in c.items} for c in all_checklists(settings)}
    ctx = checks.Context(doc, settings, account, lists)
    return checks.problems(checks.ACCOUNT_CHECKS, ctx)


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
    load_one = load_one or load_account
    settings, problems = load_settings(project)
    records: list[AccountRecord] = []
    first_file: dict[str, str] = {}
    files = _account_files(project, paths)
    if not files:
        problems.append(
            Problem(
                project.display(project.accounts_dir),
                1,
                1,
                Level.WARNING,
                codes.NO_ACCOUNTS.code,
                "no account files (*.yaml, *.yml, *.md) found",
            )
        )
    for done, path in enumerate(files, 1):
        record, found = load_one(project, path, settings)
        progress(done, len(files))
        problems.extend(found)
        aid, shown = account_id(path), project.display(path)
        if aid in first_file:
            problems.append(
                Problem(
                    shown,
                    1,
                    1,
                    Level.ERROR,
                    codes.DUPLICATE_ACCOUNT.code,
                    f"account id '{aid}' is also given by {first_file[aid]}",
                )
            )
            continue
        first_file[aid] = shown
        if record is not None:
            records.append(record)
    result = Result(sort_problems(problems))
    if settings is not None and result.ok:
        result.portfolio = Portfolio(settings, tuple(records), tuple(all_checklists(settings)))
    return result
