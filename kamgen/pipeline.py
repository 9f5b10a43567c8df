"""discover -> parse -> validate -> model: the shared front of every command.

The CLI and the MkDocs adapter both call :func:`load`; neither validates on
its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kamgen import checks, codes, rules
from kamgen.labels import Labels
from kamgen.loader import Document, Pos, account_id, discover, is_valid_id, load_file
from kamgen.model import AccountRecord, Portfolio, all_checklists
from kamgen.problems import Level, Problem, sort_problems
from kamgen.schema import Account, FindingLevel, Language, Settings
from kamgen.validate import to_model

SETTINGS_FILE = "kamgen.yml"
ACCOUNTS_DIR = "accounts"


@dataclass(frozen=True)
class Project:
    """Where a kamgen project's files are."""

    root: Path

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def accounts_dir(self) -> Path:
        return self.root / ACCOUNTS_DIR

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def mkdocs_file(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def work_dir(self) -> Path:
        """Generated files; git-ignored, never committed."""
        return self.root / ".kamgen"

    def method_pages(self, language: Language) -> list[str]:
        """Hand-written method pages for a site language, relative to docs/.

        English pages live in docs/method/, others in docs/<language>/method/.
        """
        base = self.docs_dir / (language.value if language is not Language.EN else "") / "method"
        if not base.is_dir():
            return []
        pages = sorted(base.glob("*.md"), key=lambda p: (p.name != "index.md", p.name))
        return [p.relative_to(self.docs_dir).as_posix() for p in pages]

    def display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    @classmethod
    def find(cls, start: Path) -> Project:
        """The nearest directory at or above ``start`` with a settings file."""
        start = start.resolve()
        for candidate in (start, *start.parents):
            if (candidate / SETTINGS_FILE).is_file():
                return cls(candidate)
        return cls(start)


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    portfolio: Portfolio | None = None

    @property
    def ok(self) -> bool:
        return not any(p.level is Level.ERROR for p in self.problems)


def load_settings(project: Project) -> tuple[Settings | None, Document]:
    path = project.settings_file
    doc = Document(project.display(path))
    if not path.is_file():
        doc.problem(
            Pos(1, 1),
            codes.NO_SETTINGS,
            f"no {SETTINGS_FILE} in {project.root}; create one (see README)",
        )
        return None, doc
    doc = load_file(path, doc.path)
    settings = to_model(doc, Settings)
    if settings is not None:
        ctx = checks.Context(doc, settings, finding_codes=rules.FINDING_CODES)
        doc.problems.extend(checks.problems(checks.SETTINGS_CHECKS, ctx))
    return settings, doc


def _account_files(project: Project, paths: Sequence[Path] | None) -> list[Path]:
    if not paths:
        return list(discover(project.accounts_dir))
    found: list[Path] = []
    for p in paths:
        found.extend(discover(p) if p.is_dir() else [p])
    return found


def load_account(
    project: Project, path: Path, settings: Settings | None
) -> tuple[AccountRecord | None, Document]:
    doc = load_file(path, project.display(path))
    if not is_valid_id(account_id(path)) or path.suffix not in (".yaml", ".yml", ".md"):
        doc.problem(
            Pos(1, 1),
            codes.FILE_NAME,
            f"'{path.name}' is not a valid account file name; use a lowercase slug such as acme-corp.yaml",
        )
    account = to_model(doc, Account, salvage=True)
    if account is None or settings is None:
        return None, doc
    ctx = checks.Context(
        doc, settings, account, {c.id: {i.id for i in c.items} for c in all_checklists(settings)}
    )
    doc.problems.extend(checks.problems(checks.ACCOUNT_CHECKS, ctx))
    if not doc.ok:
        return None, doc
    positions = {key: (pos.line, pos.col) for key, pos in doc.values.items()}
    record = AccountRecord(account_id(path), doc.path, account, doc.body, doc.body_line, positions)
    return record, doc


def load(project: Project, paths: Sequence[Path] | None = None) -> Result:
    """Load and check the settings and the accounts; collect every problem."""
    settings, settings_doc = load_settings(project)
    problems = list(settings_doc.problems)
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
    for path in files:
        record, doc = load_account(project, path, settings)
        problems.extend(doc.problems)
        aid = account_id(path)
        if aid in first_file:
            problems.append(
                Problem(
                    doc.path,
                    1,
                    1,
                    Level.ERROR,
                    codes.DUPLICATE_ACCOUNT.code,
                    f"account id '{aid}' is also given by {first_file[aid]}",
                )
            )
            continue
        first_file[aid] = doc.path
        if record is not None:
            records.append(record)
    result = Result(sort_problems(problems))
    if settings is not None and result.ok:
        result.portfolio = Portfolio(settings, tuple(records), tuple(all_checklists(settings)))
    return result


def validate(
    project: Project, paths: Sequence[Path] | None = None, *, health_on: dt.date | None = None
) -> Result:
    """Everything `kamgen validate` reports: problems in the files and, with
    ``health_on``, the health findings as of that day."""
    result = load(project, paths)
    if health_on is not None and result.portfolio is not None:
        result.problems = sort_problems(result.problems + health_problems(result.portfolio, health_on))
    return result


# Problems are read in CI logs and pull-request annotations: in English.
EN = Labels(Language.EN)
_LEVELS = {
    FindingLevel.ERROR: Level.ERROR,
    FindingLevel.WARNING: Level.WARNING,
    FindingLevel.INFO: Level.INFO,
}


def health_problems(portfolio: Portfolio, today: dt.date) -> list[Problem]:
    """Health findings as problems, at the line they concern, at the level the
    settings give each code (warning by default; `off` leaves it out)."""
    from kamgen.analytics import assess

    levels = portfolio.settings.health.levels
    problems = []
    for record in portfolio.accounts:
        for finding in assess(record, portfolio.settings, today).findings:
            level = levels.get(finding.code, FindingLevel.WARNING)
            if level is FindingLevel.OFF:
                continue
            line, col = record.where(finding.path)
            message = f"{EN.finding(finding)}; next step: {EN.next_step(finding)}"
            problems.append(Problem(record.path, line, col, _LEVELS[level], finding.code, message))
    return sort_problems(problems)
