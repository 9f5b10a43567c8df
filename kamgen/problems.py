"""Problems are values: every stage returns them, the CLI reports them once.

A problem always reads ``path:line:col: level code message``. Lines and
columns are 1-based, as editors and GitHub annotations count them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from kamgen.limits import DEFAULT, Limits


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_LEVEL_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}
# The code of the line that counts unlisted problems; defined (with its
# documentation) in kamgen.codes, which builds on this module.
TOO_MANY = "K015"

# Messages quote what the user wrote (keys, file names). A line break or other
# control character there would split a problem over two lines, or forge one.
_ESCAPES = {
    code: (
        "\\n" if code == 10 else "\\r" if code == 13 else f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"
    )
    for code in [*range(0, 9), *range(10, 32), *range(0x7F, 0xA0), 0x2028, 0x2029]
}


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    level: Level
    code: str
    message: str

    def __str__(self) -> str:
        path, message = self.path.translate(_ESCAPES), self.message.translate(_ESCAPES)
        return f"{path}:{self.line}:{self.col}: {self.level} {self.code} {message}"


class _Where(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def col(self) -> int: ...


class _Coded(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def level(self) -> Level: ...


@dataclass
class Collector:
    """The problems one stage finds in one file; the stage returns ``problems``."""

    path: str
    limits: Limits = DEFAULT
    problems: list[Problem] = field(default_factory=list)

    @property
    def full(self) -> bool:
        """True once the file has as many problems as will be listed: work
        that only improves a message (suggestions) can be skipped."""
        return len(self.problems) >= self.limits.problems_per_file

    def add(self, where: _Where, code: _Coded, message: str, level: Level | None = None) -> None:
        level = level or code.level
        self.problems.append(Problem(self.path, where.line, where.col, level, code.code, message))


def capped(problems: list[Problem], limits: Limits = DEFAULT) -> list[Problem]:
    """A file's problems, the first ``problems_per_file`` of them in order and
    one line that counts the rest at the level of the worst of them."""
    ordered = sort_problems(problems)
    if len(ordered) <= limits.problems_per_file:
        return ordered
    kept, rest = ordered[: limits.problems_per_file], ordered[limits.problems_per_file :]
    worst = min((p.level for p in rest), key=_LEVEL_ORDER.__getitem__)
    first_unlisted = rest[0]
    more = (
        f"and {len(rest):,} more problem(s) in this file, not listed "
        f"(limits.problems_per_file: {limits.problems_per_file})"
    )
    where = first_unlisted
    return [*kept, Problem(where.path, where.line, where.col, worst, TOO_MANY, more)]


def rebased(problems: Iterable[Problem], prefix: str) -> list[Problem]:
    """Problems with ``prefix/`` before every path: a project's paths as seen
    from a folder above it (a monorepo's root, where annotations land)."""
    if prefix in ("", "."):
        return list(problems)
    return [replace(p, path=f"{prefix.rstrip('/')}/{p.path}") for p in problems]


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.level is Level.ERROR for p in problems)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sort by file, position, then severity, and drop exact duplicates."""
    unique = set(problems)
    return sorted(unique, key=lambda p: (p.path, p.line, p.col, _LEVEL_ORDER[p.level], p.code, p.message))


def exit_code(problems: Iterable[Problem], *, strict: bool = False) -> int:
    """The one place where problems become a process exit status.

    0: clean (or only warnings without ``--strict``), 1: errors,
    2: warnings under ``--strict``.
    """
    levels = {p.level for p in problems}
    if Level.ERROR in levels:
        return 1
    if strict and Level.WARNING in levels:
        return 2
    return 0


# A rule's name by its code (``K104`` -> ``enum-value``): the formatters that a
# reviewer reads put it beside the code.
Names = Mapping[str, str]
Formatter = Callable[[list[Problem], Names | None], str]


def _counts(problems: list[Problem]) -> str:
    errors = sum(p.level is Level.ERROR for p in problems)
    warnings = sum(p.level is Level.WARNING for p in problems)
    return f"{errors} error(s), {warnings} warning(s)"


def format_text(problems: list[Problem], names: Names | None = None) -> str:
    lines = [str(p) for p in problems]
    if problems:
        lines.append(_counts(problems))
    return "\n".join(lines) + ("\n" if lines else "")


def format_json(problems: list[Problem], names: Names | None = None) -> str:
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2) + "\n"


def _title(code: str, names: Names | None) -> str:
    name = (names or {}).get(code)
    return f"{code} {name.replace('-', ' ')}" if name else code


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem], names: Names | None = None) -> str:
    """GitHub Actions workflow commands, escaped as the runner expects. The
    annotation's title is the code and, given ``names``, the rule's name in
    words (``K104 enum value``), since a reviewer reads it on the diff."""
    kind = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}
    out = []
    for p in problems:
        props = ",".join(
            [
                f"file={_gh_property(p.path)}",
                f"line={p.line}",
                f"col={p.col}",
                f"title={_gh_property(_title(p.code, names))}",
            ]
        )
        out.append(f"::{kind[p.level]} {props}::{_gh_data(p.message)}")
    return "\n".join(out) + ("\n" if out else "")


# A CI job summary holds at most 1 MiB per step (GitHub drops a larger one
# whole); the table stops short of it and counts what it leaves out.
SUMMARY_BYTES = 1_000_000
# Every ASCII punctuation character as a numeric reference, as kamgen.escape.md
# does (a layer above, and with markup types the core must not import): no
# link, image, emphasis, HTML or cell break can be smuggled through a message.
_MD_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")


def _md(text: str) -> str:
    return _MD_PUNCT.sub(lambda m: f"&#{ord(m.group())};", text.translate(_ESCAPES))


def format_markdown(problems: list[Problem], names: Names | None = None) -> str:
    """Every problem as a Markdown table, errors first, for a CI job summary:
    GitHub shows only ten annotations per step, the summary shows them all.
    Messages quote what the user wrote, so every cell is escaped."""
    if not problems:
        return "### kamgen: no problems\n"
    head = [
        f"### kamgen: {_counts(problems)}",
        "",
        "| level | where | problem | code |",
        "|---|---|---|---|",
    ]
    size = sum(len(line.encode()) + 1 for line in head)
    rows: list[str] = []
    for p in sorted(problems, key=lambda p: _LEVEL_ORDER[p.level]):
        where = _md(f"{p.path}:{p.line}:{p.col}")
        row = f"| {p.level} | {where} | {_md(p.message)} | {_md(_title(p.code, names))} |"
        size += len(row.encode()) + 1
        if size > SUMMARY_BYTES - 200:  # room for the line that counts the rest
            rest = len(problems) - len(rows)
            rows += ["", f"and {rest:,} more problem(s), not listed: a job summary holds 1 MiB"]
            break
        rows.append(row)
    return "\n".join(head + rows) + "\n"


# Errors fail the pipeline; GitLab ranks "major" above "minor" in its widget.
_GITLAB_SEVERITY = {Level.ERROR: "major", Level.WARNING: "minor", Level.INFO: "info"}
# Numbers in a message drift on their own (days since the last contact, a
# date): they are left out of the fingerprint with the line and column.
_DIGITS = re.compile(r"[0-9]+")


def format_gitlab(problems: list[Problem], names: Names | None = None) -> str:
    """GitLab Code Quality JSON (the subset of the Code Climate spec GitLab
    reads), so a merge request lists the problems it introduces and resolves.

    GitLab matches a problem between the two branches by its fingerprint. It
    is made of the file, the code and the message without its numbers, so a
    problem keeps it when lines above it move or a day passes; identical
    problems in one file are told apart by their order."""
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for p in problems:
        key = (p.path, p.code, _DIGITS.sub("#", p.message))
        seen[key] += 1
        identity = "\0".join([*key, str(seen[key])])
        issues.append(
            {
                "description": f"{_title(p.code, names)}: {p.message}",
                "check_name": p.code,
                "fingerprint": hashlib.sha256(identity.encode()).hexdigest(),
                "severity": _GITLAB_SEVERITY[p.level],
                "location": {"path": p.path, "lines": {"begin": p.line}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


# The one registry of output formats: `kamgen validate --format` and `--write`
# offer exactly these.
FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "markdown": format_markdown,
    "gitlab": format_gitlab,
}
# The formats CI reads: their paths start from the repository's root, where
# annotations and reports land.
CI_FORMATS = frozenset({"github", "gitlab", "markdown"})
