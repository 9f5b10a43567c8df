"""Geometry of the relationship map: boxes, lines and how good their layout is.

Quality is measured on what is drawn, the way a reader meets it: how often
two lines cross, how tall the map is, and how many lines pass under a box
that is not one of their ends. Curves are measured as the short straight
pieces they are flattened into.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]
Extent = tuple[float, float, float, float]  # left, top, right, bottom

MARGIN = 16.0
PAD = 8.0  # inside a box, around its labels
BOX_H = 70.0
MIN_W = 128.0
MAX_W = 216.0  # about 21 Latin or 13 CJK characters of name; longer names are shortened
TITLE_CAP = 180.0  # a title widens the boxes only up to here; a longer one is shortened
GAP = 28.0  # between columns: room for the vertical trunks of formal lines
SIDE = GAP + 4.0  # left and right of the grid: the outer gaps carry trunks too
# Material's content column is about 700-750px wide; a wider map is scaled
# down and its text with it, so the grid wraps rather than growing past this.
# This width alone bounds the columns: with boxes at least MIN_W wide it holds
# at most four, which is why a separate cap on columns never took effect.
MAX_GRID_W = 740.0
LAYER_CHANNEL = 36.0  # between layers
ROW_CHANNEL = 24.0  # between the wrapped rows of one layer
LANE = 6.0  # between two managers' horizontal lines in one channel
SPREAD = 10.0  # between the lines leaving one person for several managers
STUB = 6.0  # a side line's height off the box's middle: left side below it, right side above
GAP_LANE = 6.0  # room between two trunks in one gap, while the gap may grow
MAX_GAP = 44.0
SWEEPS = 4
BALANCE = 0.01
BEND = 18.0  # how far an informal curve bows out, plus a share of its length


@dataclass(frozen=True)
class Box:
    """A person's box (or the legend's area), in SVG user units."""

    id: str
    x: float
    y: float
    w: float
    h: float
    layer: int = 0
    row: int = 0
    col: int = 0

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom
        )


@dataclass(frozen=True)
class Edge:
    """A line between two people. For reports-to, source is the report and
    target the manager, and points is a polyline from the report up to the
    manager; for the informal kinds (``curved``), points is a chain of
    quadratic Bézier curves from source to target: start, then a control
    point and an end point for each curve."""

    kind: str
    source: str
    target: str
    points: tuple[Point, ...]
    curved: bool = False


@dataclass(frozen=True)
class Quality:
    """How readable a map's layout is; lower is better in each."""

    crossings: int  # points where two lines that share no person cross
    height: float
    under_boxes: int  # lines that pass under a box other than their own two


FLAT = 16  # straight pieces per curve when measuring


# The weights of a quadratic curve's three points at each sample, worked out once.
_WEIGHTS = tuple(
    ((1 - i / FLAT) ** 2, 2 * (1 - i / FLAT) * (i / FLAT), (i / FLAT) * (i / FLAT))
    for i in range(1, FLAT + 1)
)


def flatten(edge: Edge) -> list[Point]:
    """The line as a polyline: a curve chain sampled, a polyline as it is."""
    if not edge.curved:
        return list(edge.points)
    points = edge.points
    out = [points[0]]
    for k in range(1, len(points) - 1, 2):
        (x0, y0), (qx, qy), (x1, y1) = points[k - 1], points[k], points[k + 1]
        out += [(a * x0 + b * qx + c * x1, a * y0 + b * qy + c * y1) for a, b, c in _WEIGHTS]
    return out


def hits(p: Point, q: Point, box: Box, margin: float = 0.5) -> bool:
    """Does the segment pq pass inside ``box`` shrunk by ``margin`` (grown, if negative)?"""
    # The two axes written out: this runs for every segment near every box.
    lo, hi = 0.0, 1.0
    for start, delta, low, high in (
        (p[0], q[0] - p[0], box.x + margin, box.x + box.w - margin),
        (p[1], q[1] - p[1], box.y + margin, box.y + box.h - margin),
    ):
        if delta == 0:
            if not low < start < high:
                return False
            continue
        t1, t2 = (low - start) / delta, (high - start) / delta
        if t2 < t1:
            t1, t2 = t2, t1
        if t1 > lo:
            lo = t1
        if t2 < hi:
            hi = t2
        if lo >= hi:
            return False
    return True


def extent(line: Sequence[Point]) -> Extent:
    xs, ys = [p[0] for p in line], [p[1] for p in line]
    return min(xs), min(ys), max(xs), max(ys)


def _meet(a: Extent, b: Extent) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def under(line: Sequence[Point], box: Box, margin: float = 0.5, reach: Extent | None = None) -> bool:
    """Does the line pass inside ``box`` shrunk by ``margin``? ``reach`` is
    the line's extent, when known."""
    x0, y0, x1, y1 = box.x + margin, box.y + margin, box.x + box.w - margin, box.y + box.h - margin
    if not _meet(reach or extent(line), (x0, y0, x1, y1)):
        return False
    # Only segments whose extent meets the box can pass inside it.
    for p, q in itertools.pairwise(line):
        if (p[0] if p[0] > q[0] else q[0]) < x0 or (p[0] if p[0] < q[0] else q[0]) > x1:
            continue
        if (p[1] if p[1] > q[1] else q[1]) < y0 or (p[1] if p[1] < q[1] else q[1]) > y1:
            continue
        if hits(p, q, box, margin):
            return True
    return False


def _turn(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    """Do the segments cross properly (not merely touch or run along each other)?"""
    return _turn(r, s, p) * _turn(r, s, q) < 0 and _turn(p, q, r) * _turn(p, q, s) < 0


Piece = tuple[Point, Point, Extent]  # a segment of a line and its extent


def pieces(line: Sequence[Point]) -> list[Piece]:
    """The line's segments with their extents: worked out once for a line
    measured against many others."""
    out = []
    for p, q in itertools.pairwise(line):
        (px, py), (qx, qy) = p, q
        x0, x1 = (px, qx) if px <= qx else (qx, px)
        y0, y1 = (py, qy) if py <= qy else (qy, py)
        out.append((p, q, (x0, y0, x1, y1)))
    return out


def _within(line: list[Piece], area: Extent) -> list[Piece]:
    wx0, wy0, wx1, wy1 = area
    return [pc for pc in line if pc[2][0] <= wx1 and wx0 <= pc[2][2] and pc[2][1] <= wy1 and wy0 <= pc[2][3]]


def crossings_of(one: list[Piece], a: Extent, other: list[Piece], b: Extent) -> int:
    """:func:`crossings` of two lines given as their :func:`pieces` and extents."""
    if not _meet(a, b):
        return 0
    theirs = _within(other, a)
    if not theirs:
        return 0
    count = 0
    for p, q, (x0, y0, x1, y1) in _within(one, b):
        for r, s, f in theirs:
            if x0 <= f[2] and f[0] <= x1 and y0 <= f[3] and f[1] <= y1 and _cross(p, q, r, s):
                count += 1
    return count


def crossings(
    one: Sequence[Point], other: Sequence[Point], a: Extent | None = None, b: Extent | None = None
) -> int:
    """How many times two lines cross; ``a`` and ``b`` are their extents, when known."""
    a, b = a or extent(one), b or extent(other)
    if not _meet(a, b):
        return 0
    return crossings_of(pieces(one), a, pieces(other), b)


def quality(boxes: dict[str, Box], edges: Sequence[Edge], height: float) -> Quality:
    """The layout's quality, measured on the lines as drawn."""
    lines = [flatten(e) for e in edges]
    extents = [extent(line) for line in lines]
    hidden = sum(
        any(under(line, box, reach=reach) for box in boxes.values() if box.id not in (e.source, e.target))
        for e, line, reach in zip(edges, lines, extents, strict=True)
    )
    cut = [pieces(line) for line in lines]
    crossed = sum(
        crossings_of(cut[i], extents[i], cut[j], extents[j])
        for i, j in itertools.combinations(range(len(edges)), 2)
        if not {edges[i].source, edges[i].target} & {edges[j].source, edges[j].target}
    )
    return Quality(crossed, height, hidden)
