"""Problems are values: every stage returns them, the CLI reports them once.

A problem always reads ``path:line:col: level code message``. Lines and
columns are 1-based, as editors and GitHub annotations count them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
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


def format_text(problems: list[Problem]) -> str:
    lines = [str(p) for p in problems]
    errors = sum(p.level is Level.ERROR for p in problems)
    warnings = sum(p.level is Level.WARNING for p in problems)
    if problems:
        lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + ("\n" if lines else "")


def format_json(problems: list[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2) + "\n"


def _title(code: str, names: Mapping[str, str] | None) -> str:
    name = (names or {}).get(code)
    return f"{code} {name.replace('-', ' ')}" if name else code


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem], names: Mapping[str, str] | None = None) -> str:
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


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
