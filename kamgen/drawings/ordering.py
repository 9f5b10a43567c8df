"""Where everyone sits on the relationship map, in rows and columns.

1. Layers from the formal lines: a person's layer is the longest chain of
   managers above them, so every manager sits above each of their reports.
   People with no formal line at all get a band of their own at the bottom.
2. Barycenter sweeps (down by managers, up by reports) order each layer; the
   order with the fewest crossings is kept.
3. Every box has the same width, sized to the longest name up to a maximum,
   on one column grid no wider than Material's content column. A layer with
   more people than columns wraps into the fewest rows, column by column,
   cut (by dynamic programming) so that teams stay in one column.
4. Columns follow managers: each band's columns are the ones nearest to its
   managers' columns (then its reports'), in order (isotonic regression).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from kamgen.drawings.cards import Card
from kamgen.drawings.geometry import BALANCE, GAP, MAX_GRID_W, MAX_W, MIN_W, SWEEPS
from kamgen.schema import Account, Stakeholder

_StackId = tuple[int, int]  # (band, index)


def people(account: Account) -> list[Stakeholder]:
    """Stakeholders, first of each id (checks report duplicates; the map must not crash on them)."""
    seen: dict[str, Stakeholder] = {}
    for person in account.stakeholders:
        seen.setdefault(person.id, person)
    return list(seen.values())


def managers_of(people: Sequence[Stakeholder]) -> dict[str, list[str]]:
    """Formal managers per person, without unknown ids or self-references."""
    ids = {p.id for p in people}
    return {p.id: [m for m in dict.fromkeys(p.reports_to) if m in ids and m != p.id] for p in people}


def invert(managers: Mapping[str, list[str]]) -> dict[str, list[str]]:
    reports: dict[str, list[str]] = {pid: [] for pid in managers}
    for pid, ms in managers.items():
        for m in ms:
            reports[m].append(pid)
    return reports


def depths(managers: Mapping[str, list[str]], reports: Mapping[str, list[str]]) -> dict[str, int]:
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


def layer_crossings(layers: Sequence[list[str]], managers: Mapping[str, list[str]]) -> int:
    """Crossings between formal lines that span the same layers, counted on
    the order of the layers alone (before they wrap into rows)."""
    where = {pid: (i, j) for i, layer in enumerate(layers) for j, pid in enumerate(layer)}
    spans: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for pid, ms in managers.items():
        for m in ms:
            (top, above), (low, below) = where[m], where[pid]
            spans[(top, low)].append((above, below))
    return sum(
        (a1 - a2) * (b1 - b2) < 0
        for lines in spans.values()
        for (a1, b1), (a2, b2) in itertools.combinations(lines, 2)
    )


def sweeps(
    depth: Mapping[str, int], managers: Mapping[str, list[str]], reports: Mapping[str, list[str]]
) -> Iterator[list[list[str]]]:
    """The start (teams after their managers) and the order after each
    barycenter sweep, down by managers and up by reports."""
    layers: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for pid in _preorder(managers, reports):
        layers[depth[pid]].append(pid)
    yield [layer[:] for layer in layers if layer]
    for _ in range(SWEEPS):
        for i in range(1, len(layers)):
            _sort_layer(layers, i, managers)
        for i in range(len(layers) - 2, -1, -1):
            _sort_layer(layers, i, reports)
        yield [layer[:] for layer in layers if layer]


def order(
    depth: Mapping[str, int], managers: Mapping[str, list[str]], reports: Mapping[str, list[str]]
) -> list[list[str]]:
    """The order with the fewest crossings among those the sweeps pass
    through; of equals, the later (more refined) one. Sweeps need not
    improve: one may undo what an earlier one got right."""
    best: list[list[str]] = []
    fewest = -1
    for layers in sweeps(depth, managers, reports):
        count = layer_crossings(layers, managers)
        if fewest < 0 or count <= fewest:
            best, fewest = layers, count
    return best


def wrap(
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


def _nearestcolumns(wanted: Sequence[float], cols: int) -> list[int]:
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


def columns(
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
        for stack, c in zip(stacks, _nearestcolumns(wanted, cols), strict=True):
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
class Grid:
    """Where everyone sits, in rows and columns, before coordinates."""

    row_of: dict[str, int]
    col: dict[str, int]
    layer_of_row: list[int]
    cols: int
    w: float

    def at(self, row: int, col: int) -> str | None:
        return next((p for p, r in self.row_of.items() if r == row and self.col[p] == col), None)


def grid(cards: Mapping[str, Card], managers: Mapping[str, list[str]]) -> Grid:
    reports = invert(managers)
    w = min(max([MIN_W, *(c.need() for c in cards.values())]), MAX_W)
    layers = order(depths(managers, reports), managers, reports)
    fitting = int((MAX_GRID_W + GAP) // (w + GAP))
    cols = max(1, min(fitting, max(len(layer) for layer in layers)))
    bands = wrap(layers, cols, managers)
    row_of: dict[str, int] = {}
    layer_of_row: list[int] = []
    for layer, stacks in bands:
        first = len(layer_of_row)
        row_of.update({pid: first + k for stack in stacks for k, pid in enumerate(stack)})
        layer_of_row += [layer] * max(len(s) for s in stacks)
    return Grid(row_of, columns(bands, managers, reports, cols), layer_of_row, cols, w)
