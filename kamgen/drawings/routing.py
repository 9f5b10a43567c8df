"""Formal lines of the relationship map, routed between the boxes.

Formal lines are orthogonal: a line to the row right above rises into the
channel between the rows; one from further down leaves the box's side into
the gap beside it and runs up that gap. Each manager has a lane of its own
wherever its lines could meet another's, so no line crosses a box or runs
along another. The gaps and channels are the map's streets; informal lines
use them too, between the formal lanes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kamgen.drawings.geometry import BOX_H, LANE, LAYER_CHANNEL, MARGIN, PAD, ROW_CHANNEL, SPREAD, STUB, Box
from kamgen.drawings.ordering import Grid


@dataclass(frozen=True)
class Formal:
    """A formal line; upper is the one drawn higher (the manager, unless a cycle)."""

    report: str
    manager: str
    upper: str
    lower: str
    side: str  # where it leaves the lower box: top (manager in the row right above), left or right


def side_gap(upper_col: int, lower_col: int) -> int:
    # The gap beside the lower box, on the manager's side: the line leaves the
    # box's side straight into it, and a stacked team shares one trunk there.
    return lower_col if upper_col < lower_col else lower_col + 1


def formal(managers: Mapping[str, list[str]], grid: Grid) -> list[Formal]:
    out = []
    for pid, ms in managers.items():
        for m in ms:
            upper, lower = (m, pid) if grid.row_of[m] <= grid.row_of[pid] else (pid, m)
            if grid.row_of[lower] - grid.row_of[upper] == 1:
                side = "top"
            else:
                gap = side_gap(grid.col[upper], grid.col[lower])
                side = "right" if gap > grid.col[lower] else "left"
            out.append(Formal(pid, m, upper, lower, side))
    return out


@dataclass(frozen=True)
class Lanes:
    """The lane of each manager's lines in each channel (above row r) and in
    each gap (left of column c), and how many lanes each one has."""

    channels: dict[int, dict[str, int]]
    gaps: dict[int, dict[str, int]]

    @staticmethod
    def count(lanes: Mapping[str, int]) -> int:
        return max(lanes.values(), default=-1) + 1


def lanes(formal: Sequence[Formal], grid: Grid) -> Lanes:
    # Extents in half-grid units: across, column c's middle is 2c+1 and gap g
    # is 2g; down, row r's middle is 2r and the channel above it 2r-1.
    across: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    down: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for line in formal:
        row, col = grid.row_of[line.upper], grid.col[line.upper]
        bus = across[row + 1][line.upper]
        bus.append(2 * col + 1)
        if line.side == "top":
            bus.append(2 * grid.col[line.lower] + 1)
        else:
            gap = side_gap(col, grid.col[line.lower])
            bus.append(2 * gap)
            down[gap][line.upper] += [2 * row + 1, 2 * grid.row_of[line.lower]]

    def colour(found: dict[int, dict[str, list[int]]]) -> dict[int, dict[str, int]]:
        return {k: _colour({m: (min(v), max(v)) for m, v in users.items()}) for k, users in found.items()}

    return Lanes(colour(across), colour(down))


def _colour(spans: Mapping[str, tuple[int, int]]) -> dict[str, int]:
    """A lane per manager; managers whose lines neither overlap nor touch share one.

    First free lane in order of start: optimal for intervals, and it keeps
    gaps narrow and channels low in a large map.
    """
    ends: list[int] = []
    out: dict[str, int] = {}
    for key, (start, end) in sorted(spans.items(), key=lambda item: (item[1], item[0])):
        lane = next((i for i, last in enumerate(ends) if last + 1 < start), len(ends))
        ends[lane : lane + 1] = [end]
        out[key] = lane
    return out


def row_tops(grid: Grid, lanes: Lanes) -> list[float]:
    """Each row's y: a channel above it as high as its lanes need."""
    tops = [MARGIN]
    for r in range(1, len(grid.layer_of_row)):
        least = LAYER_CHANNEL if grid.layer_of_row[r] != grid.layer_of_row[r - 1] else ROW_CHANNEL
        height = max(least, (Lanes.count(lanes.channels.get(r, {})) + 1) * LANE)
        tops.append(tops[-1] + BOX_H + height)
    return tops


@dataclass(frozen=True)
class Router:
    """The grid in coordinates, and the routes of formal lines through it."""

    grid: Grid
    lanes: Lanes
    tops: list[float]
    x0: float
    gap: float
    width: float
    boxes: dict[str, Box]

    def lane_y(self, row: int, manager: str) -> float:
        lanes = self.lanes.channels[row]
        top = self.tops[row - 1] + BOX_H
        return top + (lanes[manager] + 1) * (self.tops[row] - top) / (Lanes.count(lanes) + 1)

    def gap_x(self, gap: int, manager: str) -> float:
        lanes = self.lanes.gaps[gap]
        left = self.x0 + gap * (self.grid.w + self.gap) - self.gap
        return left + (lanes[manager] + 1) * self.gap / (Lanes.count(lanes) + 1)

    def street_x(self, gap: int, shift: float = 0.0) -> float:
        """An x in gap ``gap`` that no formal line runs along: between two
        of its lanes (or its middle), moved by ``shift`` at most a lane's share."""
        lanes = Lanes.count(self.lanes.gaps.get(gap, {}))
        room = self.gap / (lanes + 1)
        left = self.x0 + gap * (self.grid.w + self.gap) - self.gap
        return left + (lanes // 2 + 0.5) * room + _within(shift, room / 2 - 1)

    def street_y(self, channel: int, shift: float = 0.0) -> float:
        """A y in the channel above row ``channel`` (below the last row, for
        the count of rows) that no formal line runs along."""
        rows = len(self.tops)
        top = self.tops[channel - 1] + BOX_H if channel > 0 else 0.0
        bottom = self.tops[channel] if channel < rows else top + LAYER_CHANNEL
        lanes = Lanes.count(self.lanes.channels.get(channel, {})) if 0 < channel < rows else 0
        room = (bottom - top) / (lanes + 1)
        return top + (lanes // 2 + 0.5) * room + _within(shift, room / 2 - 1)

    def route(self, line: Formal, anchor: float) -> list[tuple[float, float]]:
        """From the lower box up to the upper box's bottom, never through a box:
        vertical runs only in gaps and channels, horizontal ones only in channels
        (or a stub from a box's side into its gap)."""
        hi, lo = self.boxes[line.upper], self.boxes[line.lower]
        y = self.lane_y(hi.row + 1, line.upper)
        if line.side == "top":
            points = [(anchor, lo.y), (anchor, y), (hi.cx, y), (hi.cx, hi.bottom)]
        else:
            gx = self.gap_x(side_gap(hi.col, lo.col), line.upper)
            side_x = lo.right if line.side == "right" else lo.x
            points = [(side_x, anchor), (gx, anchor), (gx, y), (hi.cx, y), (hi.cx, hi.bottom)]
        return [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]


def anchors(formal: Sequence[Formal], router: Router) -> dict[tuple[str, str], float]:
    """Where each line leaves its lower box: x along the top, y along a side.

    Several lines leaving one side are spread apart. Stubs into a gap from its
    left and from its right are at different heights, so they never line up.
    """
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for line in formal:
        groups[(line.lower, line.side)].append(line.upper)
    grid, out = router.grid, {}
    for (lower, side), uppers in groups.items():
        box = router.boxes[lower]
        uppers.sort(key=lambda u: (grid.col[u], grid.row_of[u], u))
        room = (box.w if side == "top" else box.h - 2 * STUB) - 2 * PAD
        step = min(SPREAD, room / max(len(uppers) - 1, 1))
        spread = [(j - (len(uppers) - 1) / 2) * step for j in range(len(uppers))]
        if side == "top":
            base = box.cx
            if 0.0 in spread and _drops_above(box, uppers, router):
                base += SPREAD / 2
        else:
            base = box.cy + (-STUB if side == "right" else STUB)
        out.update({(u, lower): base + o for u, o in zip(uppers, spread, strict=True)})
    return out


def _drops_above(box: Box, uppers: Sequence[str], router: Router) -> bool:
    """Does the box right above drop lines of its own team down the same x?"""
    above = router.grid.at(box.row - 1, box.col)
    return above is not None and above not in uppers and above in router.lanes.channels.get(box.row, ())


def _within(value: float, limit: float) -> float:
    return min(max(value, -limit), limit)
