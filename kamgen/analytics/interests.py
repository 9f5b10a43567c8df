"""Vested interests across the portfolio, counted by kind."""

from __future__ import annotations

from dataclasses import dataclass

from kamgen.model import Portfolio
from kamgen.schema import InterestKind, InterestStatus


@dataclass(frozen=True)
class KindCount:
    kind: InterestKind | None  # None: the interest does not say
    interests: int
    open: int  # not defused yet


def interest_kinds(portfolio: Portfolio) -> list[KindCount]:
    """Every kind in the method's order, then interests that give no kind
    (only if there are any). Count the portfolio as the page may show it:
    an interest left out of the build is not counted."""
    total: dict[InterestKind | None, list[int]] = {kind: [0, 0] for kind in InterestKind}
    for rec in portfolio.accounts:
        for v in rec.data.interests:
            counts = total.setdefault(v.kind, [0, 0])
            counts[0] += 1
            counts[1] += v.status is not InterestStatus.DEFUSED
    return [KindCount(kind, n, o) for kind, (n, o) in total.items() if kind is not None or n]
