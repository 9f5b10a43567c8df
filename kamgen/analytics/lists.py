"""Long lists on portfolio pages: summaries of the most important entries,
and full lists split into pages of bounded size.

A portfolio page must not grow with the portfolio (issue 10: no page over
100 KB at 1,000 accounts). A summary shows counts and the ``top`` entries of
a list in its order of importance, which this module decides; the full list
is split into pages of ``page_size`` rows. Both numbers come from the
settings (``pages:``). Paths and links are the renderer's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from kamgen.analytics.effort import OwnerLoad
from kamgen.analytics.health import Health, Status
from kamgen.analytics.pages import Group
from kamgen.analytics.qualification import Qualification
from kamgen.model import AccountRecord
from kamgen.rule import Finding, Severity

T = TypeVar("T")


@dataclass(frozen=True)
class Slice(Generic[T]):
    """One page of a list: its rows, which page it is, and which rows."""

    items: tuple[T, ...]
    number: int  # 1-based
    count: int  # pages in all
    start: int  # 1-based position of the first row (0 on an empty list)
    end: int  # position of the last row
    total: int  # rows in all pages


def paginate(items: Sequence[T], size: int) -> list[Slice[T]]:
    """``items`` in pages of at most ``size``; an empty list is one empty page."""
    count = max(1, -(-len(items) // size))
    pages = []
    for k in range(count):
        part = tuple(items[k * size : (k + 1) * size])
        start = k * size + 1 if part else 0
        pages.append(Slice(part, k + 1, count, start, k * size + len(part), len(items)))
    return pages


@dataclass(frozen=True)
class Summary(Generic[T]):
    """The first ``top`` entries of an importance-ordered list, and how many
    there are; ``more`` when the summary leaves some out."""

    items: tuple[T, ...]
    total: int
    more: bool

    # A summary reads as the list of what it shows (so a template written for
    # the whole list still works).
    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def left(self) -> int:
        """How many the summary leaves out."""
        return self.total - len(self.items)


def summarise(items: Sequence[T], top: int) -> Summary[T]:
    return Summary(tuple(items[:top]), len(items), len(items) > top)


def largest(groups: Sequence[Group], top: int) -> Summary[Group]:
    """Groups of accounts (regions, owners) as given when they all fit in a
    summary; otherwise the ``top`` largest, largest first."""
    if len(groups) <= top:
        return Summary(tuple(groups), len(groups), False)
    ordered = sorted(groups, key=lambda g: (-g.count, g.label))
    return Summary(tuple(ordered[:top]), len(groups), True)


# ---------------------------------------------------------------- health

_SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


@dataclass(frozen=True)
class FindingGroup:
    """Every finding with one code across the portfolio."""

    code: str
    name: str
    severity: Severity
    accounts: int  # accounts with at least one such finding
    findings: tuple[tuple[AccountRecord, Finding], ...]


def by_finding(rows: Sequence[tuple[AccountRecord, Health]]) -> list[FindingGroup]:
    """Findings grouped by code, in the accounts' order (worst first); the
    most severe codes first, then those found in most accounts."""
    found: dict[str, list[tuple[AccountRecord, Finding]]] = defaultdict(list)
    for rec, health in rows:
        for f in health.findings:
            found[f.code].append((rec, f))
    groups = [
        FindingGroup(
            code, pairs[0][1].name, pairs[0][1].severity, len({rec.id for rec, _ in pairs}), tuple(pairs)
        )
        for code, pairs in found.items()
    ]
    return sorted(groups, key=lambda g: (_SEVERITY_RANK.get(g.severity, 3), -g.accounts, g.code))


@dataclass(frozen=True)
class StatusGroup:
    status: Status
    rows: tuple[tuple[AccountRecord, Health], ...]
    count: int


def by_status(rows: Sequence[tuple[AccountRecord, Health]]) -> list[StatusGroup]:
    """The accounts of each status, in the order given (worst first)."""
    groups = []
    for status in Status:
        mine = tuple(r for r in rows if r[1].status is status)
        groups.append(StatusGroup(status, mine, len(mine)))
    return groups


@dataclass(frozen=True)
class SeverityCount:
    severity: Severity
    count: int


def severity_counts(health: Health) -> tuple[SeverityCount, ...]:
    """How many findings of each severity an account has, most severe first,
    leaving out severities it has none of."""
    counts = Counter(f.severity for f in health.findings)
    return tuple(SeverityCount(s, counts[s]) for s in sorted(counts, key=lambda s: _SEVERITY_RANK.get(s, 3)))


# ---------------------------------------------------------------- time, ranking


def most_loaded_first(loads: Sequence[OwnerLoad]) -> list[OwnerLoad]:
    """Team members by how much of their capacity is planned: the overloaded
    first, then by planned hours; members with no capacity last."""
    return sorted(
        loads,
        key=lambda m: (not m.overloaded, -(m.utilisation_pct or 0.0), -m.planned, m.member.name),
    )


def mismatches(
    ranking: Sequence[tuple[AccountRecord, Qualification]],
) -> list[tuple[AccountRecord, Qualification]]:
    """Accounts whose declared tier and qualification disagree, in ranking order."""
    return [row for row in ranking if row[1].mismatch is not None]


def qualifying(ranking: Sequence[tuple[AccountRecord, Qualification]]) -> int:
    return sum(1 for _, q in ranking if q.qualifies)
