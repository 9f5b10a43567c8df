"""Informal lines of the relationship map (influences, alliances, conflicts).

A line between two people is a curve bowing out from the straight line
between them, so that it does not hide under the formal lines. When every
such curve would pass under a third person's box, the line takes the map's
streets instead (the gaps between columns and the channels between rows,
between the formal lines' lanes) with rounded corners: no informal line runs
under a box.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence

from kamgen.drawings.geometry import (
    BEND,
    MARGIN,
    Box,
    Edge,
    Point,
    crossings_of,
    extent,
    flatten,
    pieces,
    under,
)
from kamgen.drawings.routing import Router
from kamgen.schema import Account

CLEAR = 3.0  # least room between a curve and a box it passes
BOWS = (1.0, 1.6, 2.4, 3.4)  # how much further a curve may bow to clear a box
TURN = 40.0  # what a bend in a street route costs, in px of length
CROSS = 250.0  # what crossing a formal line costs, in px of length: worth a long detour
RADIUS = 8.0  # of a street route's rounded corners
SHIFTS = (0.0, 3.0, -3.0, 6.0, -6.0)  # lines sharing a street run side by side


def border(box: Box, toward: Point) -> Point:
    """Where the line from the box's centre toward a point leaves the box."""
    dx, dy = toward[0] - box.cx, toward[1] - box.cy
    scales = [box.w / 2 / abs(dx) if dx else math.inf, box.h / 2 / abs(dy) if dy else math.inf]
    t = min(1.0, *scales)
    return (box.cx + dx * t, box.cy + dy * t)


def curve(a: Box, b: Box, nth: int, area: Point, bow: float = 1.0) -> tuple[Point, ...]:
    """A curve between two boxes, bowing out so that it does not hide under
    the formal lines; the nth line between the same pair bows the other way."""
    dx, dy = b.cx - a.cx, b.cy - a.cy
    dist = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / dist, dx / dist
    if ny > 0 or (ny == 0 and nx > 0):  # the same side whichever way the line points
        nx, ny = -nx, -ny
    bend = (BEND + 0.15 * dist) * (1 + 0.5 * (nth // 2)) * (1 if nth % 2 == 0 else -1) * bow
    cx = min(max((a.cx + b.cx) / 2 + nx * bend, MARGIN / 2), area[0] - MARGIN / 2)
    cy = min(max((a.cy + b.cy) / 2 + ny * bend, MARGIN / 2), area[1])
    return (border(a, (cx, cy)), (cx, cy), border(b, (cx, cy)))


def _curves(a: Box, b: Box, nth: int, area: Point) -> Iterator[tuple[Point, ...]]:
    # Further out, then the other way, for a line whose usual curve is not clear.
    for side in (nth, nth + 1 if nth % 2 == 0 else nth - 1):
        for bow in BOWS:
            yield curve(a, b, side, area, bow)


def _clear(points: tuple[Point, ...], others: Sequence[Box], margin: float = -CLEAR) -> bool:
    """Does the curve keep out of every box (grown by -``margin``)?"""
    line = flatten(Edge("", "", "", points, curved=True))
    reach = extent(line)
    return not any(under(line, box, margin, reach) for box in others)


# ---------------------------------------------------------------- streets

_Node = tuple[int, int]  # (gap, channel): where a gap meets a channel


def _corners(box: Box) -> list[_Node]:
    return [(box.col + i, box.row + j) for i in (0, 1) for j in (0, 1)]


def _neighbours(node: _Node, router: Router) -> Iterator[_Node]:
    gap, channel = node
    for step in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        near = (gap + step[0], channel + step[1])
        if 0 <= near[0] <= router.grid.cols and 0 <= near[1] <= len(router.tops):
            yield near


class _Streets:
    """The streets of one map, and how many formal lines cross each block of them."""

    def __init__(self, router: Router, formal: Sequence[Edge]) -> None:
        self.router = router
        self.formal = [(pieces(line), extent(line)) for line in (flatten(e) for e in formal)]
        self._crossed: dict[tuple[_Node, _Node], int] = {}
        self._at: dict[tuple[_Node, float], Point] = {}
        self._steps: dict[tuple[_Node, float], list[tuple[_Node, _Node, float, float]]] = {}

    def at(self, node: _Node, shift: float = 0.0) -> Point:
        if (node, shift) not in self._at:
            self._at[(node, shift)] = (
                self.router.street_x(node[0], shift),
                self.router.street_y(node[1], shift),
            )
        return self._at[(node, shift)]

    def crossing(self, points: tuple[Point, ...]) -> int:
        """How many times a line through ``points`` crosses the formal lines."""
        line = flatten(Edge("", "", "", points, curved=True))
        mine, reach = pieces(line), extent(line)
        return sum(crossings_of(mine, reach, other, e) for other, e in self.formal)

    def steps(self, node: _Node, shift: float) -> list[tuple[_Node, _Node, float, float]]:
        """Each street block from ``node``: the corner it leads to, its direction,
        its length and what crossing formal lines on it costs; the same for every
        line of the map that takes the streets with this shift."""
        key = (node, shift)
        if key not in self._steps:
            here = self.at(node, shift)
            self._steps[key] = [
                (
                    near,
                    (near[0] - node[0], near[1] - node[1]),
                    math.dist(here, self.at(near, shift)),
                    CROSS * self.crossed(node, near),
                )
                for near in _neighbours(node, self.router)
            ]
        return self._steps[key]

    def crossed(self, one: _Node, other: _Node) -> int:
        key = (min(one, other), max(one, other))
        if key not in self._crossed:
            block = [self.at(one), self.at(other)]
            mine, reach = pieces(block), extent(block)
            self._crossed[key] = sum(crossings_of(mine, reach, line, e) for line, e in self.formal)
        return self._crossed[key]


def _street_path(a: Box, b: Box, streets: _Streets, shift: float) -> list[Point]:
    """The shortest way along the streets from box a to box b, bends and
    crossings counted as length (Dijkstra over street corners and directions)."""

    def at(node: _Node) -> Point:
        return streets.at(node, shift)

    goals = {node: math.dist(at(node), border(b, at(node))) for node in _corners(b)}
    queue: list[tuple[float, _Node, _Node, tuple[_Node, ...]]] = []
    for node in _corners(a):
        heapq.heappush(queue, (math.dist(border(a, at(node)), at(node)), node, (0, 0), (node,)))
    done: set[tuple[_Node, _Node]] = set()
    best: tuple[float, tuple[_Node, ...]] | None = None
    while queue:
        cost, node, heading, path = heapq.heappop(queue)
        if best is not None and cost >= best[0]:
            break
        if (node, heading) in done:
            continue
        done.add((node, heading))
        if node in goals and (best is None or cost + goals[node] < best[0]):
            best = (cost + goals[node], path)
        for near, step, length, crossing in streets.steps(node, shift):
            turn = TURN if heading not in ((0, 0), step) else 0.0
            heapq.heappush(queue, (cost + (length + turn + crossing), near, step, (*path, near)))
    assert best is not None  # the streets connect every corner of the grid
    nodes = [at(n) for n in best[1]]
    return [border(a, nodes[0]), *_corners_only(nodes), border(b, nodes[-1])]


def _corners_only(points: Sequence[Point]) -> list[Point]:
    """The points where the path turns, and its ends."""
    out = list(points[:1])
    for prev, point, after in zip(points, points[1:], points[2:], strict=False):
        if (point[0] - prev[0]) * (after[1] - point[1]) != (point[1] - prev[1]) * (after[0] - point[0]):
            out.append(point)
    return out + list(points[1:][-1:])


def _toward(p: Point, q: Point, r: float) -> Point:
    d = math.dist(p, q) or 1.0
    return (p[0] + (q[0] - p[0]) * r / d, p[1] + (q[1] - p[1]) * r / d)


def _mid(p: Point, q: Point) -> Point:
    return ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)


def rounded(path: Sequence[Point]) -> tuple[Point, ...]:
    """A polyline as a chain of quadratic curves: straight between its
    corners, and round at each corner, within RADIUS of it."""
    chain = [path[0]]
    for prev, corner, after in zip(path, path[1:], path[2:], strict=False):
        r = min(RADIUS, math.dist(prev, corner) / 2, math.dist(corner, after) / 2)
        into, out = _toward(corner, prev, r), _toward(corner, after, r)
        chain += [_mid(chain[-1], into), into, corner, out]
    return (*chain, _mid(chain[-1], path[-1]), path[-1])


# ---------------------------------------------------------------- lines


def _fewest_crossings(
    curves: list[tuple[Point, ...]], a: Box, b: Box, streets: _Streets, shift: float
) -> tuple[tuple[Point, ...], bool]:
    """Of the curves clear of every box and the street route from a to b, the
    first that crosses fewest formal lines, and whether it is the route. The
    route comes last, so it is worked out only when it could win: when every
    curve crosses some line."""
    counts = [streets.crossing(c) for c in curves]
    best = min(range(len(curves)), key=counts.__getitem__, default=None)
    if best is not None and counts[best] == 0:
        return curves[best], False
    route = rounded(_street_path(a, b, streets, shift))
    if best is None or streets.crossing(route) < counts[best]:
        return route, True
    return curves[best], False


def informal(account: Account, router: Router, formal: Sequence[Edge], area: Point) -> list[Edge]:
    """The informal lines, clear of every box but their own two."""
    boxes = router.boxes
    streets = _Streets(router, formal)
    seen: dict[frozenset[str], int] = defaultdict(int)
    routed = 0
    edges = []
    for rel in account.relationships:
        if rel.source not in boxes or rel.target not in boxes or rel.source == rel.target:
            continue
        pair = frozenset((rel.source, rel.target))
        a, b = boxes[rel.source], boxes[rel.target]
        others = [box for pid, box in boxes.items() if pid not in pair]
        usual = curve(a, b, seen[pair], area)
        shift = SHIFTS[routed % len(SHIFTS)]
        if _clear(usual, others, 0.0):  # a line that never went under a box stays as it was
            points = usual
        else:
            curves = [c for c in _curves(a, b, seen[pair], area) if _clear(c, others)]
            points, by_streets = _fewest_crossings(curves, a, b, streets, shift)
            routed += by_streets
        seen[pair] += 1
        edges.append(Edge(rel.kind.value, rel.source, rel.target, points, curved=True))
    return edges
