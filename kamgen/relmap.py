"""The relationship map: an account's people and the lines between them, as inline SVG.

The map is laid out in Python at build time, so the site needs no JavaScript
and no diagram service, and the map prints and works offline.

Layout:

1. Layers from the formal lines: a person's layer is the longest chain of
   managers above them, so every manager sits above each of their reports.
   People with no formal line at all get a band of their own at the bottom.
2. Barycenter sweeps (down by managers, up by reports) order each layer.
3. Every box has the same width, sized to the longest name up to a maximum,
   on one column grid no wider than Material's content column. A layer with
   more people than columns wraps into the fewest rows, column by column,
   cut (by dynamic programming) so that teams stay in one column.
4. Columns follow managers: each band's columns are the ones nearest to its
   managers' columns (then its reports'), in order (isotonic regression).
5. Formal lines are orthogonal: a line to the row right above rises into the
   channel between the rows; one from further down leaves the box's side
   into the gap beside it and runs up that gap. Each manager has a lane of
   its own wherever its lines could meet another's, so no line crosses a box
   or runs along another. Informal lines are curves between the boxes.

Every piece of account text is untrusted: it is cleaned of characters XML
forbids, has its whitespace collapsed (a blank line would end the raw HTML
block the map is embedded in), and is escaped.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from kamgen.labels import Labels
from kamgen.schema import Account, BuyingRole, Language, Level3, RelationKind, Stakeholder, Stance
from kamgen.svg import attrs, fit, one_line, text_width
from kamgen.svg import text as svg_text

REPORTS_TO = "reports-to"
EDGE_KINDS: tuple[str, ...] = (REPORTS_TO, *(k.value for k in RelationKind))
STANCES: tuple[str, ...] = (*(s.value for s in Stance), "unknown")
LEVELS: tuple[str, ...] = tuple(v.value for v in Level3)
ROLE_CODES: dict[str, str] = {
    BuyingRole.ECONOMIC_BUYER: "EB",
    BuyingRole.USER_BUYER: "UB",
    BuyingRole.TECHNICAL_BUYER: "TB",
    BuyingRole.COACH: "C",
    BuyingRole.CHAMPION: "CH",
    BuyingRole.INFLUENCER: "I",
}
UNKNOWN_ROLE = "?"

_StackId = tuple[int, int]  # (band, index)

# ---------------------------------------------------------------- geometry

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
MAX_GRID_W = 740.0
MAX_COLS = 6
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

NAME_SIZE = 13.0
TITLE_SIZE = 11.0
BADGE_SIZE = 10.0
ROLE_SIZE = 9.0
ROLE_R = 10.0
KNOWN_R = 7.0
NAME_X = PAD + 2 * ROLE_R + 6
TITLE_Y = 42.0  # baseline, between the name row and the badge row
COVER_X = PAD + 2 * KNOWN_R + 5
SEP = 8.0

LEGEND_SIZE = 11.0
LEG_PAD = 10.0
LEG_LINE = 22.0
SWATCH = 24.0
LEG_SPACE = 14.0

EMPTY_SIZE = 13.0

# ---------------------------------------------------------------- colours


@dataclass(frozen=True)
class _Paint:
    """A stance's box: light fills under dark text, and in Material's slate
    scheme dark fills under light text, so text contrasts with its fill."""

    fill: str
    stroke: str
    dark_fill: str
    dark_stroke: str


STANCE_PAINT: dict[str, _Paint] = {
    "mentor": _Paint("#8ce99a", "#2b8a3e", "#1b5e30", "#8ce99a"),
    "supporter": _Paint("#d3f9d8", "#40c057", "#33453a", "#b2f2bb"),
    "neutral": _Paint("#fff3bf", "#f59f00", "#4a3f12", "#ffd43b"),
    "non-supporter": _Paint("#ffd8a8", "#e8590c", "#5a3213", "#ffa94d"),
    "enemy": _Paint("#ffa8a8", "#c92a2a", "#5e1f1f", "#ff8787"),
    "unknown": _Paint("#ffffff", "#adb5bd", "#2b2d3a", "#909296"),
}
LEFT_FILL, LEFT_STROKE = "#e9ecef", "#868e96"
DARK_LEFT_FILL = "#3b3f4a"
INFLUENCE_WIDTH: dict[str, float] = {"high": 3.5, "medium": 2.0, "low": 1.0, "unknown": 1.0}
UNKNOWN_INFLUENCE_DASH = "3 2"


@dataclass(frozen=True)
class _Line:
    colour: str  # as an attribute too, so the map reads without its CSS (feeds, other sites)
    dark: str  # on Material's slate scheme
    dash: str
    width: float
    arrow: bool


LINES: dict[str, _Line] = {
    # Opaque greys, not Material's translucent --md-default-fg-color--lighter: a
    # team's lines share their trunk, and translucent ones would darken there.
    REPORTS_TO: _Line("#9ea4ab", "#80868f", "none", 1.5, False),
    "influences": _Line("#1c7ed6", "#74c0fc", "6 4", 1.6, True),
    "allied-with": _Line("#2f9e44", "#8ce99a", "1.5 4", 2.2, False),
    "in-conflict-with": _Line("#e03131", "#ff8787", "8 3 2 3", 1.8, False),
}

# ---------------------------------------------------------------- public values


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
    manager; for the informal kinds, points is a quadratic Bézier curve
    (start, control, end) from source to target (``curved``)."""

    kind: str
    source: str
    target: str
    points: tuple[tuple[float, float], ...]
    curved: bool = False


@dataclass(frozen=True)
class MapLayout:
    width: float
    height: float
    boxes: dict[str, Box]
    edges: tuple[Edge, ...]
    legend: Box


# ---------------------------------------------------------------- text


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _initials(name: str) -> str:
    """LW for Li Wei; 陳 for 陳家欣 (a Chinese surname is one character)."""
    base = re.sub(r"\(.*?\)", " ", one_line(name)).strip() or one_line(name)
    firsts = [next((c for c in word if c.isalnum()), "") for word in base.split()]
    return "".join(firsts)[:3].upper()


# ---------------------------------------------------------------- cards


@dataclass(frozen=True)
class _Card:
    """What one box shows, known before layout so that boxes fit their labels."""

    id: str
    name: str
    title: str
    stance: str
    influence: str
    role: str
    known: bool
    cover: str
    left: str

    def need(self) -> float:
        name = NAME_X + text_width(self.name, NAME_SIZE) + PAD
        title = min(2 * PAD + text_width(self.title, TITLE_SIZE), TITLE_CAP)
        badges = COVER_X + text_width(self.cover, BADGE_SIZE) + PAD
        if self.left:
            badges += SEP + text_width(self.left, BADGE_SIZE)
        return max(name, title, badges)


def _card(person: Stakeholder, labels: Labels, team_names: Mapping[str, str]) -> _Card:
    cover = " ".join(
        _initials(team_names.get(c.member) or c.member.replace("-", " ")) for c in person.coverage
    )
    return _Card(
        id=person.id,
        name=one_line(person.name),
        title=one_line(person.title or person.department or ""),
        stance=person.stance.value if person.stance else "unknown",
        influence=person.influence.value if person.influence else "unknown",
        role=ROLE_CODES.get(person.role or "", UNKNOWN_ROLE),
        known=person.known_in_person,
        cover=cover,
        left=one_line(labels.label("left_company")) if person.left_on else "",
    )


def _tooltip(person: Stakeholder, labels: Labels, team_names: Mapping[str, str]) -> str:
    """The full story of a box, escaped, one fact a line: truncated labels stay readable on hover."""
    name = person.name + (f" ({', '.join(person.aliases)})" if person.aliases else "")
    lines = [name]
    if person.title or person.department:
        lines.append(" · ".join(t for t in (person.title, person.department) if t))
    lines.append(
        f"{labels.label('role')}: {labels.enum('role', person.role)} · "
        f"{labels.label('stance')}: {labels.enum('stance', person.stance)} · "
        f"{labels.label('influence')}: {labels.enum('level', person.influence)}"
    )
    cover = ", ".join(
        f"{team_names.get(c.member, c.member)} ({labels.enum('coverage', c.level)})" for c in person.coverage
    )
    known = labels.label("yes" if person.known_in_person else "no")
    lines.append(
        f"{labels.label('known_in_person')}: {known} · "
        f"{labels.label('coverage')}: {cover or labels.label('none')}"
    )
    if person.left_on:
        lines.append(f"{labels.label('left_company')} ({person.left_on.isoformat()})")
    return "&#10;".join(svg_text(line) for line in lines)


# ---------------------------------------------------------------- graph


def _people(account: Account) -> list[Stakeholder]:
    """Stakeholders, first of each id (checks report duplicates; the map must not crash on them)."""
    seen: dict[str, Stakeholder] = {}
    for person in account.stakeholders:
        seen.setdefault(person.id, person)
    return list(seen.values())


def _managers(people: Sequence[Stakeholder]) -> dict[str, list[str]]:
    """Formal managers per person, without unknown ids or self-references."""
    ids = {p.id for p in people}
    return {p.id: [m for m in dict.fromkeys(p.reports_to) if m in ids and m != p.id] for p in people}


def _invert(managers: Mapping[str, list[str]]) -> dict[str, list[str]]:
    reports: dict[str, list[str]] = {pid: [] for pid in managers}
    for pid, ms in managers.items():
        for m in ms:
            reports[m].append(pid)
    return reports


def _depths(managers: Mapping[str, list[str]], reports: Mapping[str, list[str]]) -> dict[str, int]:
    """Layer per person: the longest chain of managers above them.

    A cycle (which checks report) is broken where it closes, so that it is
    drawn rather than crashing the build.
    """
    depth: dict[str, int] = {}

    def visit(pid: str, path: set[str]) -> int:
        if pid not in depth:
            path.add(pid)
            above = [visit(m, path) for m in managers[pid] if m not in path]
            path.discard(pid)
            depth[pid] = max(above, default=-1) + 1
        return depth[pid]

    for pid in managers:
        visit(pid, set())
    loners = [pid for pid in managers if not managers[pid] and not reports[pid]]
    if len(loners) < len(managers):
        # Among the chart's roots, people outside it would read as top managers.
        bottom = max(depth.values()) + 1
        depth.update(dict.fromkeys(loners, bottom))
    return depth


def _preorder(managers: Mapping[str, list[str]], reports: Mapping[str, list[str]]) -> list[str]:
    """People top-down, each team after its manager: a start that sweeps only refine."""
    seen: dict[str, None] = {}

    def walk(pid: str) -> None:
        if pid not in seen:
            seen[pid] = None
            for r in reports[pid]:
                walk(r)

    for pid in [p for p in managers if not managers[p]] + list(managers):
        walk(pid)
    return list(seen)


def _sort_layer(layers: list[list[str]], index: int, neighbours: Mapping[str, list[str]]) -> None:
    # Positions are shares of each layer's width, so neighbours in layers of
    # any size (and more than one layer away) weigh alike.
    pos = {pid: (j + 0.5) / len(layer) for layer in layers for j, pid in enumerate(layer)}

    def barycenter(pid: str) -> float:
        near = [pos[n] for n in neighbours[pid]]
        return sum(near) / len(near) if near else pos[pid]

    layers[index].sort(key=barycenter)


def _order(
    depth: Mapping[str, int], managers: Mapping[str, list[str]], reports: Mapping[str, list[str]]
) -> list[list[str]]:
    layers: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for pid in _preorder(managers, reports):
        layers[depth[pid]].append(pid)
    for _ in range(SWEEPS):
        for i in range(1, len(layers)):
            _sort_layer(layers, i, managers)
        for i in range(len(layers) - 2, -1, -1):
            _sort_layer(layers, i, reports)
    return [layer for layer in layers if layer]


def _wrap(
    layers: Sequence[list[str]], cols: int, managers: Mapping[str, list[str]]
) -> list[tuple[int, list[list[str]]]]:
    """Bands as (layer, stacks of people sharing a column), top down.

    A layer wider than the grid wraps into rows, filled column by column, so
    that a team sits in one column which its lines reach from the side,
    rather than spread over rows that the lower rows' lines must cross.
    """
    stack_of: dict[str, tuple[int, int]] = {}
    bands: list[tuple[int, list[list[str]]]] = []
    for index, layer in enumerate(layers):
        # People whose managers share a column belong in one column too.
        keys = [next((stack_of[m] for m in managers[p] if m in stack_of), None) for p in layer]
        stacks = _stacks(layer, keys, cols)
        for s, stack in enumerate(stacks):
            stack_of.update(dict.fromkeys(stack, (index, s)))
        bands.append((index, stacks))
    return bands


def _stacks(layer: list[str], keys: Sequence[_StackId | None], cols: int) -> list[list[str]]:
    # The fewest rows that hold the layer: more rows to keep teams whole made
    # maps taller without fewer crossings (measured on random org charts).
    _, cuts = _partition(keys, cols, math.ceil(len(layer) / cols))
    return [layer[a:b] for a, b in itertools.pairwise(cuts)]


def _partition(keys: Sequence[_StackId | None], cols: int, rows: int) -> tuple[float, list[int]]:
    """Cuts of the ordered layer into at most ``cols`` stacks of at most
    ``rows``, splitting and mixing as few teams as possible (dynamic programming)."""
    n = len(keys)
    best: dict[tuple[int, int], tuple[float, int]] = {(0, 0): (0.0, 0)}  # (end, stacks): (cost, start)
    for end in range(1, n + 1):
        for m in range(1, cols + 1):
            options = [
                (best[(start, m - 1)][0] + _stack_cost(keys, start, end), start)
                for start in range(max(0, end - rows), end)
                if (start, m - 1) in best
            ]
            if options:
                best[(end, m)] = min(options)
    cost, m = min((best[(n, m)][0], m) for m in range(1, cols + 1) if (n, m) in best)
    cuts = [n]
    for k in range(m, 0, -1):
        cuts.append(best[(cuts[-1], k)][1])
    return cost, cuts[::-1]


def _stack_cost(keys: Sequence[_StackId | None], start: int, end: int) -> float:
    mixed = len({k for k in keys[start:end] if k is not None})
    split = start > 0 and keys[start] is not None and keys[start] == keys[start - 1]
    # The small square term evens out stacks where nothing else decides.
    return max(mixed - 1, 0) + split + BALANCE * (end - start) ** 2


def _nearest_columns(wanted: Sequence[float], cols: int) -> list[int]:
    """Distinct increasing columns in [0, cols) closest to ``wanted``.

    Column i is i + v_i with v non-decreasing, so this is isotonic
    regression of wanted_i - i (pool adjacent violators), rounded and clamped.
    """
    blocks: list[tuple[float, int]] = []  # (sum, count)
    for i, w in enumerate(wanted):
        total, count = w - i, 1
        while blocks and blocks[-1][0] / blocks[-1][1] > total / count:
            s, c = blocks.pop()
            total, count = total + s, count + c
        blocks.append((total, count))
    top = cols - len(wanted)
    shifts = [min(max(round(s / c), 0), top) for s, c in blocks for _ in range(c)]
    return [i + v for i, v in enumerate(shifts)]


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def _columns(
    bands: Sequence[tuple[int, list[list[str]]]],
    managers: Mapping[str, list[str]],
    reports: Mapping[str, list[str]],
    cols: int,
) -> dict[str, int]:
    """Column per person: stacks under their managers, then managers over
    their teams, then teams under their managers once more."""
    col: dict[str, int] = {}

    def place(stacks: list[list[str]], toward: Mapping[str, list[str]], default: Sequence[float]) -> None:
        wanted = []
        for stack, fallback in zip(stacks, default, strict=True):
            near = _mean(col[n] for pid in stack for n in toward[pid] if n in col)
            wanted.append(fallback if near is None else near)
        for stack, c in zip(stacks, _nearest_columns(wanted, cols), strict=True):
            col.update(dict.fromkeys(stack, c))

    for _, stacks in bands:
        place(stacks, managers, [(cols - len(stacks)) / 2 + i for i in range(len(stacks))])
    for _, stacks in reversed(bands):
        place(stacks, reports, [col[s[0]] for s in stacks])
    for _, stacks in bands:
        place(stacks, managers, [col[s[0]] for s in stacks])
    return col


# ---------------------------------------------------------------- grid


@dataclass(frozen=True)
class _Grid:
    """Where everyone sits, in rows and columns, before coordinates."""

    row_of: dict[str, int]
    col: dict[str, int]
    layer_of_row: list[int]
    cols: int
    w: float

    def at(self, row: int, col: int) -> str | None:
        return next((p for p, r in self.row_of.items() if r == row and self.col[p] == col), None)


def _grid(cards: Mapping[str, _Card], managers: Mapping[str, list[str]]) -> _Grid:
    reports = _invert(managers)
    w = min(max([MIN_W, *(c.need() for c in cards.values())]), MAX_W)
    layers = _order(_depths(managers, reports), managers, reports)
    fitting = int((MAX_GRID_W + GAP) // (w + GAP))
    cols = max(1, min(MAX_COLS, fitting, max(len(layer) for layer in layers)))
    bands = _wrap(layers, cols, managers)
    row_of: dict[str, int] = {}
    layer_of_row: list[int] = []
    for layer, stacks in bands:
        first = len(layer_of_row)
        row_of.update({pid: first + k for stack in stacks for k, pid in enumerate(stack)})
        layer_of_row += [layer] * max(len(s) for s in stacks)
    return _Grid(row_of, _columns(bands, managers, reports, cols), layer_of_row, cols, w)


@dataclass(frozen=True)
class _Formal:
    """A formal line; upper is the one drawn higher (the manager, unless a cycle)."""

    report: str
    manager: str
    upper: str
    lower: str
    side: str  # where it leaves the lower box: top (manager in the row right above), left or right


def _side_gap(upper_col: int, lower_col: int) -> int:
    # The gap beside the lower box, on the manager's side: the line leaves the
    # box's side straight into it, and a stacked team shares one trunk there.
    return lower_col if upper_col < lower_col else lower_col + 1


def _formal(managers: Mapping[str, list[str]], grid: _Grid) -> list[_Formal]:
    out = []
    for pid, ms in managers.items():
        for m in ms:
            upper, lower = (m, pid) if grid.row_of[m] <= grid.row_of[pid] else (pid, m)
            if grid.row_of[lower] - grid.row_of[upper] == 1:
                side = "top"
            else:
                gap = _side_gap(grid.col[upper], grid.col[lower])
                side = "right" if gap > grid.col[lower] else "left"
            out.append(_Formal(pid, m, upper, lower, side))
    return out


@dataclass(frozen=True)
class _Lanes:
    """The lane of each manager's lines in each channel (above row r) and in
    each gap (left of column c), and how many lanes each one has."""

    channels: dict[int, dict[str, int]]
    gaps: dict[int, dict[str, int]]

    @staticmethod
    def count(lanes: Mapping[str, int]) -> int:
        return max(lanes.values(), default=-1) + 1


def _lanes(formal: Sequence[_Formal], grid: _Grid) -> _Lanes:
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
            gap = _side_gap(col, grid.col[line.lower])
            bus.append(2 * gap)
            down[gap][line.upper] += [2 * row + 1, 2 * grid.row_of[line.lower]]

    def colour(found: dict[int, dict[str, list[int]]]) -> dict[int, dict[str, int]]:
        return {k: _colour({m: (min(v), max(v)) for m, v in users.items()}) for k, users in found.items()}

    return _Lanes(colour(across), colour(down))


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


def _row_tops(grid: _Grid, lanes: _Lanes) -> list[float]:
    """Each row's y: a channel above it as high as its lanes need."""
    tops = [MARGIN]
    for r in range(1, len(grid.layer_of_row)):
        least = LAYER_CHANNEL if grid.layer_of_row[r] != grid.layer_of_row[r - 1] else ROW_CHANNEL
        height = max(least, (_Lanes.count(lanes.channels.get(r, {})) + 1) * LANE)
        tops.append(tops[-1] + BOX_H + height)
    return tops


# ---------------------------------------------------------------- routes


@dataclass(frozen=True)
class _Router:
    """The grid in coordinates, and the routes of formal lines through it."""

    grid: _Grid
    lanes: _Lanes
    tops: list[float]
    x0: float
    gap: float
    width: float
    boxes: dict[str, Box]

    def lane_y(self, row: int, manager: str) -> float:
        lanes = self.lanes.channels[row]
        top = self.tops[row - 1] + BOX_H
        return top + (lanes[manager] + 1) * (self.tops[row] - top) / (_Lanes.count(lanes) + 1)

    def gap_x(self, gap: int, manager: str) -> float:
        lanes = self.lanes.gaps[gap]
        left = self.x0 + gap * (self.grid.w + self.gap) - self.gap
        return left + (lanes[manager] + 1) * self.gap / (_Lanes.count(lanes) + 1)

    def route(self, line: _Formal, anchor: float) -> list[tuple[float, float]]:
        """From the lower box up to the upper box's bottom, never through a box:
        vertical runs only in gaps and channels, horizontal ones only in channels
        (or a stub from a box's side into its gap)."""
        hi, lo = self.boxes[line.upper], self.boxes[line.lower]
        y = self.lane_y(hi.row + 1, line.upper)
        if line.side == "top":
            points = [(anchor, lo.y), (anchor, y), (hi.cx, y), (hi.cx, hi.bottom)]
        else:
            gx = self.gap_x(_side_gap(hi.col, lo.col), line.upper)
            side_x = lo.right if line.side == "right" else lo.x
            points = [(side_x, anchor), (gx, anchor), (gx, y), (hi.cx, y), (hi.cx, hi.bottom)]
        return [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]


def _anchors(formal: Sequence[_Formal], router: _Router) -> dict[tuple[str, str], float]:
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


def _drops_above(box: Box, uppers: Sequence[str], router: _Router) -> bool:
    """Does the box right above drop lines of its own team down the same x?"""
    above = router.grid.at(box.row - 1, box.col)
    return above is not None and above not in uppers and above in router.lanes.channels.get(box.row, ())


def _border(box: Box, toward: tuple[float, float]) -> tuple[float, float]:
    """Where the line from the box's centre toward a point leaves the box."""
    dx, dy = toward[0] - box.cx, toward[1] - box.cy
    scales = [box.w / 2 / abs(dx) if dx else math.inf, box.h / 2 / abs(dy) if dy else math.inf]
    t = min(1.0, *scales)
    return (box.cx + dx * t, box.cy + dy * t)


def _curve(a: Box, b: Box, nth: int, area: tuple[float, float]) -> tuple[tuple[float, float], ...]:
    """A curve between two boxes, bowing out so that it does not hide under
    the formal lines; the nth line between the same pair bows the other way."""
    dx, dy = b.cx - a.cx, b.cy - a.cy
    dist = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / dist, dx / dist
    if ny > 0 or (ny == 0 and nx > 0):  # the same side whichever way the line points
        nx, ny = -nx, -ny
    bend = (BEND + 0.15 * dist) * (1 + 0.5 * (nth // 2)) * (1 if nth % 2 == 0 else -1)
    cx = min(max((a.cx + b.cx) / 2 + nx * bend, MARGIN / 2), area[0] - MARGIN / 2)
    cy = min(max((a.cy + b.cy) / 2 + ny * bend, MARGIN / 2), area[1])
    return (_border(a, (cx, cy)), (cx, cy), _border(b, (cx, cy)))


def _informal(account: Account, boxes: Mapping[str, Box], area: tuple[float, float]) -> list[Edge]:
    seen: dict[frozenset[str], int] = defaultdict(int)
    edges = []
    for rel in account.relationships:
        if rel.source not in boxes or rel.target not in boxes or rel.source == rel.target:
            continue
        pair = frozenset((rel.source, rel.target))
        points = _curve(boxes[rel.source], boxes[rel.target], seen[pair], area)
        seen[pair] += 1
        edges.append(Edge(rel.kind.value, rel.source, rel.target, points, curved=True))
    return edges


# ---------------------------------------------------------------- legend


@dataclass(frozen=True)
class _Key:
    """One legend entry, at x from the legend's inner left, on a numbered line."""

    kind: str  # title | heading | stance | influence | line | role | known | cover | left
    value: str
    text: str
    x: float
    line: int


def _sections(labels: Labels) -> list[tuple[str, list[tuple[str, str, str]]]]:
    known = labels.label("known_in_person")
    return [
        (
            labels.label("stance"),
            [("stance", s, _stance_label(labels, s)) for s in STANCES],
        ),
        (labels.label("influence"), [("influence", lv, labels.enum("level", lv)) for lv in LEVELS]),
        (labels.label("relationships"), [("line", k, labels.enum("relation", k)) for k in EDGE_KINDS]),
        (
            labels.label("role"),
            [("role", code, labels.enum("role", role)) for role, code in ROLE_CODES.items()]
            + [("role", UNKNOWN_ROLE, labels.label("role_unknown"))],
        ),
        (
            "",
            [
                ("known", "yes", known),
                ("known", "no", f"{known}: {labels.label('no')}"),
                ("cover", "AB", labels.label("coverage")),
                ("left", "", labels.label("left_company")),
            ],
        ),
    ]


def _stance_label(labels: Labels, stance: str) -> str:
    # "unknown" is no Stance value: an unset stance, which the map draws too.
    return labels.label("unknown") if stance == "unknown" else labels.enum("stance", stance)


def _head_col(labels: Labels) -> float:
    return max(text_width(one_line(h), LEGEND_SIZE) for h, _ in _sections(labels)) + LEG_SPACE


def _key_width(text: str) -> float:
    return SWATCH + 6 + text_width(one_line(text), LEGEND_SIZE)


def _legend_min_width(labels: Labels) -> float:
    widest = max(_key_width(t) for _, items in _sections(labels) for _, _, t in items)
    title = text_width(one_line(labels.label("legend")), LEGEND_SIZE)
    # At least two entries a line, or a small map's legend would be a tall column.
    return 2 * LEG_PAD + max(_head_col(labels) + 2 * widest + LEG_SPACE, title)


def _legend_keys(labels: Labels, width: float) -> list[_Key]:
    """Legend entries flowed into lines: one section a line, wrapping under its items."""
    inner, indent = width - 2 * LEG_PAD, _head_col(labels)
    keys = [_Key("title", "", one_line(labels.label("legend")), 0, 0)]
    line = 0
    for heading, items in _sections(labels):
        line += 1
        if heading:
            keys.append(_Key("heading", "", one_line(heading), 0, line))
        x = indent
        for kind, value, text in items:
            if x > indent and x + _key_width(text) > inner:
                line, x = line + 1, indent
            keys.append(_Key(kind, value, one_line(text), x, line))
            x += _key_width(text) + LEG_SPACE
    return keys


def _legend_height(keys: Sequence[_Key]) -> float:
    return 2 * LEG_PAD + (max(k.line for k in keys) + 1) * LEG_LINE


# ---------------------------------------------------------------- layout


def layout_map(
    account: Account, *, labels: Labels | None = None, team_names: Mapping[str, str] | None = None
) -> MapLayout:
    """Boxes, lines and the legend's area for ``account``.

    ``labels`` and ``team_names`` size the boxes and the legend to what they
    will show; without them the layout is the one for English labels and
    initials made from team member ids.
    """
    labels = labels or Labels(Language.EN)
    people = _people(account)
    if not people:
        w, h = _empty_size(labels)
        return MapLayout(w, h, {}, (), Box("legend", 0, 0, 0, 0))
    cards = {p.id: _card(p, labels, team_names or {}) for p in people}
    managers = _managers(people)
    grid = _grid(cards, managers)
    formal = _formal(managers, grid)
    lanes = _lanes(formal, grid)
    router = _coordinates(grid, lanes, _legend_min_width(labels) + 2 * MARGIN)
    anchors = _anchors(formal, router)
    edges = [_formal_edge(router, anchors, line) for line in formal]
    bottom = router.tops[-1] + BOX_H
    edges += _informal(account, router.boxes, (router.width, bottom))
    inner = router.width - 2 * MARGIN
    legend = Box(
        "legend", MARGIN, bottom + LAYER_CHANNEL, inner, _legend_height(_legend_keys(labels, inner)), -1
    )
    return MapLayout(router.width, legend.bottom + MARGIN, router.boxes, tuple(edges), legend)


def _coordinates(grid: _Grid, lanes: _Lanes, least_width: float) -> _Router:
    """Coordinates: rows as high as their channels need, gaps as wide as their trunks need."""
    tops = _row_tops(grid, lanes)
    trunks = max((_Lanes.count(gap) for gap in lanes.gaps.values()), default=0)
    gap = min(max(GAP, (trunks + 1) * GAP_LANE), MAX_GAP)
    grid_w = grid.cols * (grid.w + gap) - gap
    width = max(grid_w + 2 * (gap + SIDE - GAP), least_width)
    x0 = (width - grid_w) / 2
    boxes = {
        pid: Box(pid, x0 + c * (grid.w + gap), tops[r], grid.w, BOX_H, grid.layer_of_row[r], r, c)
        for pid, r in grid.row_of.items()
        for c in [grid.col[pid]]
    }
    return _Router(grid, lanes, tops, x0, gap, width, boxes)


def _formal_edge(router: _Router, anchors: Mapping[tuple[str, str], float], line: _Formal) -> Edge:
    points = router.route(line, anchors[(line.upper, line.lower)])
    if line.lower != line.report:  # a cycle drew the manager lower: keep points running from the report
        points.reverse()
    return Edge(REPORTS_TO, line.report, line.manager, tuple(points))


def _empty_size(labels: Labels) -> tuple[float, float]:
    return text_width(_empty_text(labels), EMPTY_SIZE) + 2 * MARGIN, EMPTY_SIZE + 2 * MARGIN


def _empty_text(labels: Labels) -> str:
    return one_line(labels.label("no_stakeholders"))


# ---------------------------------------------------------------- SVG


def _el(tag: str, content: str | None = None, /, **values: object) -> str:
    """One element; ``content`` must already be escaped."""
    opened = f"<{tag} {attrs(**values)}"
    return f"{opened}/>" if content is None else f"{opened}>{content}</{tag}>"


def _text(cls: str, x: float, y: float, size: float, text: str, **more: object) -> str:
    return _el("text", svg_text(text), class_=cls, x=_n(x), y=_n(y), font_size=_n(size), **more)


def _mark(cls: str, mark_cls: str, centre: tuple[float, float], r: float, size: float, mark: str) -> str:
    """A letter or sign in a small circle: the buying role, or whether we know the person."""
    cx, cy = centre
    dashed = mark == "?" and cls == "kg-role"  # an unknown role is a gap to close
    circle = _el(
        "circle",
        class_=f"kg-badge {cls}",
        cx=_n(cx),
        cy=_n(cy),
        r=_n(r),
        fill="#fff",
        stroke="#5c5f66",
        stroke_dasharray="2 2" if dashed else None,
    )
    return circle + _text(mark_cls, cx, cy + size * 0.35, size, mark, text_anchor="middle", font_weight="700")


def _role(centre: tuple[float, float], code: str) -> str:
    return _mark("kg-role", "kg-role-code", centre, ROLE_R, ROLE_SIZE, code)


def _known(centre: tuple[float, float], known: bool) -> str:
    cls = "kg-known-yes" if known else "kg-known-no"
    return _mark("kg-known", cls, centre, KNOWN_R, BADGE_SIZE, "✓" if known else "?")


def _css() -> str:
    """Rules scoped to the map. Material's variables follow the colour scheme;
    fills and line colours that would not read on slate get a rule of their
    own. Like everything in the map, free of characters Markdown acts on."""
    slate = '[data-md-color-scheme="slate"] .kg-map'
    fg, muted, bg = "--md-default-fg-color", "--md-default-fg-color--light", "--md-default-bg-color"
    rules = [
        f".kg-map text{{fill:var({fg}, #1b1b1b)}}",
        f".kg-map .kg-muted{{fill:var({muted}, #5c5f66)}}",
        f".kg-map .kg-badge{{fill:var({bg}, #fff);stroke:var({muted}, #5c5f66)}}",
        f".kg-map .kg-swatch{{fill:var({bg}, #fff);stroke:var({fg}, #1b1b1b)}}",
        f".kg-map .kg-legend-box{{fill:none;stroke:var({fg}--lightest, #e0e0e0)}}",
        ".kg-map .kg-node:hover .kg-name,.kg-map .kg-node:focus .kg-name{text-decoration:underline}",
    ]
    for stance, paint in STANCE_PAINT.items():
        rules.append(f".kg-map .kg-stance-{stance}{{fill:{paint.fill};stroke:{paint.stroke}}}")
        rules.append(f"{slate} .kg-stance-{stance}{{fill:{paint.dark_fill};stroke:{paint.dark_stroke}}}")
    for kind, line in LINES.items():
        rules.append(f".kg-map .kg-edge-{kind}{{stroke:{line.colour}}}")
        rules.append(f"{slate} .kg-edge-{kind}{{stroke:{line.dark}}}")
    arrow = LINES["influences"]
    rules.append(f".kg-map .kg-arrow{{fill:{arrow.colour}}}")
    rules.append(f"{slate} .kg-arrow{{fill:{arrow.dark}}}")
    # Last and more specific than the stance rules: people who left are grey whatever their stance.
    rules.append(f".kg-map .kg-left .kg-box{{fill:{LEFT_FILL};stroke:{LEFT_STROKE}}}")
    rules.append(f"{slate} .kg-left .kg-box{{fill:{DARK_LEFT_FILL};stroke:{LEFT_STROKE}}}")
    return "<style>" + "".join(rules) + "</style>"


def _defs(uid: str) -> str:
    tip = _el("path", class_="kg-arrow", d="M0,0L10,5L0,10z", fill=LINES["influences"].colour)
    marker = _el(
        "marker",
        tip,
        id=f"kg-arrow-{uid}",
        viewBox="0 0 10 10",
        refX="9",
        refY="5",
        markerWidth="9",
        markerHeight="9",
        markerUnits="userSpaceOnUse",
        orient="auto",
    )
    return f"<defs>{marker}</defs>"


def _uid(account: Account) -> str:
    """Marker ids are page-wide: make them the account's own, and stable between builds."""
    seed = "\n".join([account.name, *(p.id for p in account.stakeholders)])
    return hashlib.sha1(seed.encode("utf-8")).hexdigest()[:8]


def _path(points: Sequence[tuple[float, float]], curved: bool) -> str:
    (x, y), rest = points[0], points[1:]
    if curved:
        (qx, qy), (ex, ey) = rest
        return f"M{_n(x)},{_n(y)}Q{_n(qx)},{_n(qy)} {_n(ex)},{_n(ey)}"
    return f"M{_n(x)},{_n(y)}" + "".join(f"L{_n(px)},{_n(py)}" for px, py in rest)


def _stroke(kind: str, uid: str) -> dict[str, object]:
    """A line kind's look as attributes; CSS recolours it for the slate scheme."""
    line = LINES[kind]
    return {
        "fill": "none",
        "stroke": line.colour,
        "stroke_width": _n(line.width),
        "stroke_dasharray": line.dash,
        "stroke_linecap": "round" if kind == "allied-with" else None,
        "marker_end": f"url(#kg-arrow-{uid})" if line.arrow else None,
    }


def _edge(edge: Edge, names: Mapping[str, str], labels: Labels, uid: str) -> str:
    tip = f"{names[edge.source]} {labels.enum('relation', edge.kind)} {names[edge.target]}"
    return _el(
        "path",
        f"<title>{svg_text(tip)}</title>",
        class_=f"kg-edge kg-edge-{edge.kind}",
        data_from=edge.source,
        data_to=edge.target,
        d=_path(edge.points, edge.curved),
        **_stroke(edge.kind, uid),
    )


def _badge_row(card: _Card, w: float) -> tuple[str, str, float]:
    """Coverage initials and the 'left' label, shortened to share the row; the label's x."""
    room = w - COVER_X - PAD
    if not card.left:
        return fit(card.cover, BADGE_SIZE, room), "", 0.0
    cover = fit(card.cover, BADGE_SIZE, room / 2) if card.cover else ""
    used = text_width(cover, BADGE_SIZE) + SEP if cover else 0.0
    return cover, fit(card.left, BADGE_SIZE, room - used), COVER_X + used


def _box_rect(box: Box, card: _Card) -> str:
    paint = STANCE_PAINT[card.stance]
    return _el(
        "rect",
        class_=f"kg-box kg-stance-{card.stance}",
        x=_n(box.x),
        y=_n(box.y),
        width=_n(box.w),
        height=_n(box.h),
        rx="6",
        fill=LEFT_FILL if card.left else paint.fill,
        stroke=LEFT_STROKE if card.left else paint.stroke,
        stroke_width=_n(INFLUENCE_WIDTH[card.influence]),
        stroke_dasharray=UNKNOWN_INFLUENCE_DASH if card.influence == "unknown" else None,
    )


def _box_content(box: Box, card: _Card) -> list[str]:
    """Role and name on top, the title below, then known-in-person, coverage and 'left'."""
    x, y = box.x, box.y
    badge_y = y + box.h - PAD - KNOWN_R
    badge_base = badge_y + BADGE_SIZE * 0.35
    cover, left, left_x = _badge_row(card, box.w)
    parts = [
        _role((x + PAD + ROLE_R, y + PAD + ROLE_R), card.role),
        _text(
            "kg-name",
            x + NAME_X,
            y + PAD + ROLE_R + NAME_SIZE * 0.35,
            NAME_SIZE,
            fit(card.name, NAME_SIZE, box.w - NAME_X - PAD),
            font_weight="600",
        ),
        _known((x + PAD + KNOWN_R, badge_y), card.known),
    ]
    if card.title:
        title = fit(card.title, TITLE_SIZE, box.w - 2 * PAD)
        parts.append(_text("kg-title kg-muted", x + PAD, y + TITLE_Y, TITLE_SIZE, title))
    if cover:
        parts.append(_text("kg-cover", x + COVER_X, badge_base, BADGE_SIZE, cover, font_weight="600"))
    if left:
        parts.append(
            _text("kg-left-label kg-muted", x + left_x, badge_base, BADGE_SIZE, left, font_style="italic")
        )
    return parts


def _node(box: Box, card: _Card, tooltip: str) -> str:
    content = f"<title>{tooltip}</title>" + _box_rect(box, card) + "".join(_box_content(box, card))
    cls = "kg-node kg-left" if card.left else "kg-node"
    return _el("a", content, class_=cls, href=f"#person-{card.id}", opacity="0.55" if card.left else None)


def _legend(layout: MapLayout, labels: Labels, uid: str) -> str:
    box = layout.legend
    parts = [
        _el(
            "rect",
            class_="kg-legend-box",
            x=_n(box.x),
            y=_n(box.y),
            width=_n(box.w),
            height=_n(box.h),
            rx="4",
            fill="none",
            stroke="#e0e0e0",
        )
    ]
    for key in _legend_keys(labels, box.w):
        x = box.x + LEG_PAD + key.x
        cy = box.y + LEG_PAD + (key.line + 0.5) * LEG_LINE
        parts.append(_legend_key(key, x, cy, uid))
    return _el("g", "".join(parts), class_="kg-legend")


def _legend_key(key: _Key, x: float, cy: float, uid: str) -> str:
    baseline = cy + LEGEND_SIZE * 0.35
    if key.kind in ("title", "heading"):
        cls = "kg-legend-title" if key.kind == "title" else "kg-legend-head kg-muted"
        return _text(cls, x, baseline, LEGEND_SIZE, key.text, font_weight="700")
    label = _text("kg-legend-label", x + SWATCH + 6, baseline, LEGEND_SIZE, key.text)
    return _swatch(key, x, cy, uid) + label


def _swatch(key: _Key, x: float, cy: float, uid: str) -> str:
    """The sample drawn before a legend entry: as the map draws it, in small."""
    area: dict[str, object] = {"x": _n(x), "y": _n(cy - 7), "width": _n(SWATCH), "height": "14", "rx": "3"}
    mid = x + SWATCH / 2
    if key.kind == "stance":
        paint = STANCE_PAINT[key.value]
        cls = f"kg-box kg-stance-{key.value}"
        return _el("rect", class_=cls, fill=paint.fill, stroke=paint.stroke, stroke_width="1.5", **area)
    if key.kind == "influence":
        width = _n(INFLUENCE_WIDTH[key.value])
        return _el("rect", class_="kg-swatch", fill="#fff", stroke="#1b1b1b", stroke_width=width, **area)
    if key.kind == "line":
        d = _path(((x, cy), (x + SWATCH - 2, cy)), curved=False)
        return _el("path", class_=f"kg-edge-{key.value}", d=d, **_stroke(key.value, uid))
    if key.kind == "role":
        return _role((mid, cy), key.value)
    if key.kind == "known":
        return _known((mid, cy), key.value == "yes")
    if key.kind == "cover":
        return _text("kg-cover", mid, cy + BADGE_SIZE * 0.35, BADGE_SIZE, key.value, text_anchor="middle")
    grey = _el("rect", class_="kg-box kg-stance-unknown", fill=LEFT_FILL, stroke=LEFT_STROKE, **area)
    return _el("g", grey, class_="kg-left", opacity="0.55")


def _root(width: float, height: float, label: str) -> str:
    opened = _el(
        "svg",
        "",
        class_="kg-map",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {_n(width)} {_n(height)}",
        width=_n(width),
        role="img",
        aria_label=one_line(label),
        style="max-width:100%;height:auto",
    )
    return opened.removesuffix("</svg>")


def render_map(account: Account, labels: Labels, team_names: dict[str, str]) -> Markup:
    """The account's relationship map as one <svg> element.

    Every line starts with "<" and none is blank: the map is a raw HTML block
    in Markdown, which a blank line would end. <style> shares the first line
    because Python-Markdown takes a line starting with it for a block of its own.
    """
    layout = layout_map(account, labels=labels, team_names=team_names)
    head = _root(layout.width, layout.height, f"{labels.label('relationship_map')}: {account.name}") + _css()
    if not layout.boxes:
        y = MARGIN + EMPTY_SIZE * 0.8
        return Markup(
            "\n".join(
                [head, _text("kg-empty kg-muted", MARGIN, y, EMPTY_SIZE, _empty_text(labels)), "</svg>"]
            )
        )
    uid = _uid(account)
    people = {p.id: p for p in _people(account)}
    names = {pid: p.name for pid, p in people.items()}
    lines = [head + _defs(uid)]
    lines += [_edge(edge, names, labels, uid) for edge in layout.edges]
    for pid, box in layout.boxes.items():
        card = _card(people[pid], labels, team_names)
        lines.append(_node(box, card, _tooltip(people[pid], labels, team_names)))
    lines += [_legend(layout, labels, uid), "</svg>"]
    return Markup("\n".join(lines))
