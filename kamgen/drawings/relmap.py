"""The relationship map's layout: an account's people and the lines between them.

The map is laid out in Python at build time, so the site needs no JavaScript
and no diagram service, and the map prints and works offline. Who sits
where is :mod:`ordering`'s; the formal lines are :mod:`routing`'s and the
informal ones :mod:`informal`'s; this module puts them into coordinates and
measures the result (:class:`~kamgen.drawings.geometry.Quality`) when asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from kamgen.drawings import legend
from kamgen.drawings.cards import card
from kamgen.drawings.geometry import (
    BOX_H,
    GAP,
    GAP_LANE,
    LAYER_CHANNEL,
    MARGIN,
    MAX_GAP,
    SIDE,
    Box,
    Edge,
    Quality,
    quality,
)
from kamgen.drawings.informal import informal
from kamgen.drawings.ordering import Grid, grid, managers_of, people
from kamgen.drawings.routing import Formal, Lanes, Router, anchors, formal, lanes, row_tops
from kamgen.drawings.style import REPORTS_TO
from kamgen.drawings.svg import one_line, text_width
from kamgen.labels import Labels
from kamgen.schema import Account, Language

EMPTY_SIZE = 13.0


@dataclass(frozen=True)
class MapLayout:
    width: float
    height: float
    boxes: dict[str, Box]
    edges: tuple[Edge, ...]
    legend: Box

    @cached_property
    def quality(self) -> Quality:
        """Measured when asked (tests, not the build): it compares every pair of lines."""
        if not self.boxes:
            return Quality(0, self.height, 0)
        return quality(self.boxes, self.edges, self.height)


def layout_map(
    account: Account, *, labels: Labels | None = None, team_names: Mapping[str, str] | None = None
) -> MapLayout:
    """Boxes, lines and the legend's area for ``account``, and how good they are.

    ``labels`` and ``team_names`` size the boxes and the legend to what they
    will show; without them the layout is the one for English labels and
    initials made from team member ids.
    """
    labels = labels or Labels(Language.EN)
    persons = people(account)
    if not persons:
        w, h = _empty_size(labels)
        return MapLayout(w, h, {}, (), Box("legend", 0, 0, 0, 0))
    cards = {p.id: card(p, labels, team_names or {}) for p in persons}
    managers = managers_of(persons)
    seats = grid(cards, managers)
    lines = formal(managers, seats)
    router = _coordinates(seats, lanes(lines, seats), legend.min_width(labels) + 2 * MARGIN)
    ends = anchors(lines, router)
    edges = [_formal_edge(router, ends, line) for line in lines]
    bottom = router.tops[-1] + BOX_H
    edges += informal(account, router, edges, (router.width, bottom))
    inner = router.width - 2 * MARGIN
    key = Box("legend", MARGIN, bottom + LAYER_CHANNEL, inner, legend.height(legend.keys(labels, inner)), -1)
    height = key.bottom + MARGIN
    return MapLayout(router.width, height, router.boxes, tuple(edges), key)


def _coordinates(grid: Grid, lanes: Lanes, least_width: float) -> Router:
    """Coordinates: rows as high as their channels need, gaps as wide as their trunks need."""
    tops = row_tops(grid, lanes)
    trunks = max((Lanes.count(gap) for gap in lanes.gaps.values()), default=0)
    gap = min(max(GAP, (trunks + 1) * GAP_LANE), MAX_GAP)
    grid_w = grid.cols * (grid.w + gap) - gap
    width = max(grid_w + 2 * (gap + SIDE - GAP), least_width)
    x0 = (width - grid_w) / 2
    boxes = {
        pid: Box(pid, x0 + c * (grid.w + gap), tops[r], grid.w, BOX_H, grid.layer_of_row[r], r, c)
        for pid, r in grid.row_of.items()
        for c in [grid.col[pid]]
    }
    return Router(grid, lanes, tops, x0, gap, width, boxes)


def _formal_edge(router: Router, anchors: Mapping[tuple[str, str], float], line: Formal) -> Edge:
    points = router.route(line, anchors[(line.upper, line.lower)])
    if line.lower != line.report:  # a cycle drew the manager lower: keep points running from the report
        points.reverse()
    return Edge(REPORTS_TO, line.report, line.manager, tuple(points))


def _empty_size(labels: Labels) -> tuple[float, float]:
    return text_width(empty_text(labels), EMPTY_SIZE) + 2 * MARGIN, EMPTY_SIZE + 2 * MARGIN


def empty_text(labels: Labels) -> str:
    return one_line(labels.label("no_stakeholders"))
