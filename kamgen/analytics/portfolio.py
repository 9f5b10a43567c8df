"""Where each account stands in the portfolio: attractiveness against the
strength of our position, and the development verdict that follows.

Attractiveness is the qualification score (percent of all criteria weights;
a veto does not lower it: a vetoed account can still be worth developing).
Our position blends relationship health, share of wallet and how many key
players we cover in depth, each 0-100, weighted by
``settings.development.weights``. A part that is unknown (no wallet given)
is left out and the others carry its weight, so a missing figure neither
helps nor hurts. Each axis is split at its threshold into the four classes
of the method: invest where both are high, invest to grow where the account
is attractive but our position weak, serve efficiently where our position is
strong but the account less attractive, reconsider where both are low.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from kamgen.analytics.effort import OwnerLoad
from kamgen.analytics.health import Context, Health, Status, key_players, worst_first
from kamgen.analytics.qualification import Qualification
from kamgen.model import AccountRecord
from kamgen.rule import Finding
from kamgen.schema import CoverageLevel, Metric, Settings

HEALTH_POINTS = {Status.GREEN: 100.0, Status.AMBER: 50.0, Status.RED: 0.0}
IN_DEPTH = (CoverageLevel.MULTIPLE, CoverageLevel.IN_DEPTH)


class Verdict(StrEnum):
    KEY = "key"  # invest
    DEVELOP = "develop"  # invest to grow
    MAINTAIN = "maintain"  # serve efficiently
    RECONSIDER = "reconsider"


@dataclass(frozen=True)
class Position:
    health: float  # 0-100, from the status
    share_of_wallet: float | None  # percent of the customer's spend we hold; None: unknown
    share_points: float | None  # 0-100, full at settings.development.full_share_pct
    key_players: int  # current key players
    covered: int  # of them, covered at level multiple or in depth
    coverage: float  # 0-100; no key players known is no coverage
    score: float  # 0-100, the weighted blend of the known parts


@dataclass(frozen=True)
class Development:
    account_id: str
    attractiveness: float  # the qualification score, percent
    position: Position
    attractive: bool
    strong: bool
    verdict: Verdict | None  # None: no qualification criteria, so no attractiveness to judge
    volume: float | None  # latest annual volume in the portfolio currency, to rank points by


def position(
    record: AccountRecord, settings: Settings, qualification: Qualification, status: Status
) -> Position:
    w = settings.development.weights
    share = qualification.facts.values[Metric.SHARE_OF_WALLET]
    share = share if isinstance(share, float) else None
    share_points = None if share is None else min(share / settings.development.full_share_pct, 1.0) * 100
    # Today does not matter to who the key players are.
    players = key_players(Context(record, settings, dt.date.min))
    covered = sum(1 for s in players if any(c.level in IN_DEPTH for c in s.coverage))
    coverage = covered / len(players) * 100 if players else 0.0
    parts = [(HEALTH_POINTS[status], w.health), (coverage, w.coverage)]
    if share_points is not None:
        parts.append((share_points, w.share_of_wallet))
    total = sum(weight for _, weight in parts)
    score = sum(value * weight for value, weight in parts) / total if total else 0.0
    return Position(HEALTH_POINTS[status], share, share_points, len(players), covered, coverage, score)


def classify(attractive: bool, strong: bool) -> Verdict:
    if attractive:
        return Verdict.KEY if strong else Verdict.DEVELOP
    return Verdict.MAINTAIN if strong else Verdict.RECONSIDER


def develop(
    record: AccountRecord, settings: Settings, qualification: Qualification, status: Status
) -> Development:
    """An account's development verdict, from the whole account (as health and
    qualification are: a verdict is never computed from redacted data)."""
    pos = position(record, settings, qualification, status)
    t = settings.development
    attractive = qualification.score >= t.min_attractiveness
    strong = pos.score >= t.min_position
    verdict = classify(attractive, strong) if qualification.results else None
    volume = qualification.facts.volume.amount if qualification.facts.volume else None
    return Development(record.id, qualification.score, pos, attractive, strong, verdict, volume)


def verdict_counts(rows: list[Development]) -> list[tuple[Verdict, int]]:
    """How many accounts have each verdict, in the order of the classes."""
    return [(v, sum(1 for d in rows if d.verdict is v)) for v in Verdict]


@dataclass(frozen=True)
class Attention:
    record: AccountRecord
    status: Status
    reason: Finding  # the most severe finding (as the health's findings are ordered)
    more: int  # the account's other findings


def needing_attention(rows: list[tuple[AccountRecord, Health]], limit: int) -> tuple[list[Attention], int]:
    """The ``limit`` accounts to look at first (red, then amber, most findings
    first) and how many more need attention: accounts with no finding do not."""
    found = [
        Attention(rec, h.status, h.findings[0], len(h.findings) - 1)
        for rec, h in worst_first(rows)
        if h.findings and h.status is not Status.GREEN
    ]
    return found[:limit], max(len(found) - limit, 0)


# The matrix bins every account into a BINS x BINS grid, so that its size
# stays the same however many accounts there are; only a few are points.
BINS = 10


@dataclass(frozen=True)
class Cell:
    column: int  # attractiveness bin, 0 (lowest) to BINS - 1
    row: int  # position bin, 0 (weakest) to BINS - 1
    count: int


@dataclass(frozen=True)
class Point:
    record: AccountRecord
    development: Development
    status: Status


@dataclass(frozen=True)
class Matrix:
    points: tuple[Point, ...]  # drawn and named, at most the limit
    cells: tuple[Cell, ...]  # the accounts not drawn as points, by bin
    counts: tuple[tuple[Verdict, int], ...]  # every account with a verdict
    total: int
    others: int  # accounts counted in cells only
    min_attractiveness: float
    min_position: float


def _bin(value: float) -> int:
    return min(max(int(value // (100 / BINS)), 0), BINS - 1)


def matrix(
    rows: list[tuple[AccountRecord, Development, Status]],
    first: list[str],
    settings: Settings,
    limit: int,
) -> Matrix:
    """The portfolio matrix: the accounts in ``first`` (those needing
    attention, in order) up to half the ``limit``, then the largest by annual
    volume, as points; every other account counted in its bin."""
    judged = [r for r in rows if r[1].verdict is not None]
    by_id = {rec.id: (rec, d, s) for rec, d, s in judged}
    chosen = [aid for aid in first if aid in by_id][: limit // 2]
    volume = {rec.id: d.volume for rec, d, _ in judged}
    rest = sorted((aid for aid in by_id if aid not in chosen), key=lambda a: (-(volume[a] or 0.0), a))
    chosen += rest[: limit - len(chosen)]
    points = tuple(Point(*by_id[aid]) for aid in chosen)
    bins: dict[tuple[int, int], int] = {}
    for rec, d, _ in judged:
        if rec.id not in chosen:
            key = (_bin(d.attractiveness), _bin(d.position.score))
            bins[key] = bins.get(key, 0) + 1
    cells = tuple(Cell(c, r, n) for (c, r), n in sorted(bins.items()))
    counts = tuple(verdict_counts([d for _, d, _ in judged]))
    t = settings.development
    others = len(judged) - len(points)
    return Matrix(points, cells, counts, len(judged), others, t.min_attractiveness, t.min_position)


def busiest_first(loads: list[OwnerLoad], limit: int) -> tuple[list[OwnerLoad], int]:
    """The ``limit`` owners with the highest utilisation (overloaded first) and
    how many more there are."""
    ordered = sorted(
        loads,
        key=lambda o: (not o.overloaded, not o.too_many_accounts, -(o.utilisation_pct or 0.0), o.member.name),
    )
    return ordered[:limit], max(len(ordered) - limit, 0)
