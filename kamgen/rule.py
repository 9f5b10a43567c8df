"""The rule framework: what a rule is and the typed results it yields.

A rule has a code, a name, a default level and a docstring that is its
documentation. Semantic checks (K2xx) and health findings (H1xx) are rules
with a function that yields :class:`Result` values; loader and schema codes
(K0xx, K1xx) are rules without one, reported where the files are read.
Decorating a function with :func:`rule` registers nothing: each module
lists its rules in a plain tuple next to them, and :mod:`kamgen.rules` is the
one registry that joins those lists and looks codes up.

Results carry values, not words: a date stays a date and an unknown value
stays None, so the JSON report can publish them as they are. Wording them is
the presentation layers' job (``labels.py`` and ``i18n/`` for pages).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from kamgen.problems import Level

Key = tuple[str | int, ...]
# What a result's parameters may hold: JSON-ready values, plus dates.
Param = str | int | float | bool | dt.date | None
C = TypeVar("C")
R = TypeVar("R", bound="Result")


class Severity(StrEnum):
    """How much a health finding weighs in an account's status."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class Result:
    """One thing a rule found: which rule, where, and the values that say why.

    ``path`` is the data path of the offending value in its file (``at_key``
    points at its key instead). A check words its own ``message``, because
    problems are read in CI logs in English; a health finding leaves it empty
    and is worded from its ``params`` in the reader's language.
    """

    code: str
    path: Key = ()
    params: Mapping[str, Param] = field(default_factory=dict)
    message: str = ""
    at_key: bool = False


@dataclass(frozen=True)
class Finding(Result):
    """A health finding: a result about people, with a suggested next step."""

    name: str = ""
    severity: Severity = Severity.LOW
    stakeholders: tuple[str, ...] = ()
    user_step: str | None = None  # a next step written in the account file, if any


@dataclass(frozen=True)
class Rule(Generic[C, R]):
    """A code with its name, default level and documentation, and (for checks
    and findings) the function that yields its results ``R`` from a context ``C``."""

    code: str
    name: str
    level: Level
    text: str  # the documentation, whitespace folded
    run: Callable[[C], Iterator[R]] | None = None
    severity: Severity | None = None

    @property
    def doc(self) -> str:
        """The documentation as `kamgen codes` and the codes page show it."""
        if self.severity is None:
            return self.text
        return f"({self.severity.value} severity) {self.text}"

    def results(self, context: C) -> Iterator[R]:
        """Every result of this rule in ``context``; none for a rule that the
        loader or the schema reports."""
        if self.run is None:
            return
        for result in self.run(context):
            if result.code != self.code:
                raise ValueError(f"rule {self.code} yielded a result of {result.code}")
            yield result


def fold(text: str | None) -> str:
    return " ".join((text or "").split())


def code(code: str, name: str, doc: str, level: Level = Level.ERROR) -> Rule[Any, Any]:
    """A rule that the loader or the schema reports; ``doc`` is its documentation."""
    return Rule(code, name, level, fold(doc))


def rule(
    code: str, name: str, level: Level = Level.ERROR, severity: Severity | None = None
) -> Callable[[Callable[[C], Iterator[R]]], Rule[C, R]]:
    """Make a function a rule, documented by its docstring. This only builds
    the :class:`Rule`; it runs once it is in its module's list of rules."""

    def make(func: Callable[[C], Iterator[R]]) -> Rule[C, R]:
        return Rule(code, name, level, fold(func.__doc__), func, severity)

    return make
