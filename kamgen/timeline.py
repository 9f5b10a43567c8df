"""An account's goal timeline as inline SVG, laid out in Python at build time.

One lane per horizon, a date axis across the top, a "today" line, goals as
diamonds at their target date and actions as small circles at their due date.
Goals and actions without a date sit in a "no date" column at the right.

The layout (:func:`layout_timeline`) is pure geometry, so tests can check it
without parsing SVG; :func:`render_timeline` only draws what the layout says.

The SVG ends up in a Markdown page. Markdown does not treat ``<svg>`` as a
block, so a bare SVG would have Markdown applied to its text: account text
therefore goes through :func:`kamgen.escape.md` (every punctuation character
becomes a numeric reference, which XML reads back as the same character),
the output has no blank lines, and no line starts with ``<style>`` (which
Markdown would lift out of the SVG as a block of its own).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from kamgen.labels import Labels
from kamgen.schema import Account, Action, ActionStatus, Goal, GoalStatus, Horizon
from kamgen.svg import attrs, fit, one_line, text_width
from kamgen.svg import text as svg_text

LANES: tuple[Horizon, ...] = tuple(Horizon)  # now … long-term, in reading order

WIDTH = 800.0
EDGE = 6.0  # blank margin inside the SVG's left and right edge
LANE_LABEL_W = 96.0  # column of lane names left of the plot
NODATE_W = 150.0  # "no date" column right of the plot, only when needed
AXIS_H = 40.0
ROW_H = 22.0
LANE_PAD = 4.0
THIN_LANE_H = 18.0  # an empty lane keeps its place, thin
TODAY_ROW_H = 18.0
LEGEND_H = 24.0

FONT = 11.0  # mark labels
AXIS_FONT = 10.0
LANE_FONT = 12.0
LABEL_MAX = 200.0  # widest mark label; the full text is in <title>
LABEL_H = 14.0
LABEL_OFFSET = 10.0  # from a mark's centre to its label
DIAMOND = 6.0  # half-diagonal of a goal's diamond
DOT = 4.0  # radius of an action's circle
GAP = 6.0  # least horizontal space between two things in one sub-row

_OPEN_GOAL = (GoalStatus.UNCONFIRMED, GoalStatus.CONFIRMED)
_OPEN_ACTION = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)

# XML 1.0 forbids most control characters; one in a statement would make the
# whole page's SVG unparseable.


@dataclass(frozen=True)
class Mark:
    """One goal or action on the timeline, with its label's box."""

    id: str
    kind: str  # "goal" | "action"
    lane: str  # a Horizon value
    x: float
    y: float
    label_box: tuple[float, float, float, float]  # x, y, w, h; an action's box is its circle's
    overdue: bool
    achieved: bool
    dropped: bool
    dated: bool  # False: drawn in the "no date" column
    row: int  # sub-row within the lane, 0 at the top
    text: str  # the full statement or title, whitespace collapsed
    label: str  # what is written next to a goal ("" for actions)
    when: date | None  # target or due date
    status: str  # GoalStatus or ActionStatus value
    action_kind: str | None  # ActionKind value for actions
    goal: str | None  # the goal an action serves


@dataclass(frozen=True)
class TimelineLayout:
    width: float
    height: float
    lanes: dict[str, tuple[float, float]]  # horizon -> (y top, y bottom), in LANES order
    today_x: float
    start: date
    end: date
    marks: tuple[Mark, ...]
    plot_left: float
    plot_right: float
    nodate_left: float | None  # None when every mark has a date
    axis_bottom: float
    lanes_bottom: float


# ---------------------------------------------------------------- items


@dataclass(frozen=True)
class _Item:
    """A goal or action before placement: what to draw, not where."""

    id: str
    kind: str
    lane: Horizon
    when: date | None
    text: str
    status: str
    overdue: bool
    action_kind: str | None = None
    goal: str | None = None


def _goal_item(goal: Goal, today: date) -> _Item:
    overdue = goal.target is not None and goal.target < today and goal.status in _OPEN_GOAL
    return _Item(
        goal.id, "goal", goal.horizon, goal.target, one_line(goal.statement), goal.status.value, overdue
    )


def _action_lane(action: Action, goals: dict[str, Goal]) -> Horizon | None:
    # An action is drawn with the goal it serves, whatever its own horizon says.
    goal = goals.get(action.goal) if action.goal else None
    return goal.horizon if goal is not None else action.horizon


def _action_item(action: Action, lane: Horizon, today: date) -> _Item:
    overdue = action.due is not None and action.due < today and action.status in _OPEN_ACTION
    return _Item(
        action.id,
        "action",
        lane,
        action.due,
        one_line(action.title),
        action.status.value,
        overdue,
        action.kind.value,
        action.goal,
    )


def _items(account: Account, today: date) -> list[_Item]:
    goals = {g.id: g for g in account.goals}
    items = [_goal_item(g, today) for g in account.goals]
    for action in account.actions:
        lane = _action_lane(action, goals)
        if lane is not None:
            items.append(_action_item(action, lane, today))
    return items


# ---------------------------------------------------------------- dates


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_start(index: int) -> date:
    # Clamped, so that a hostile year 1 or 9999 cannot overflow date.
    lo, hi = _month_index(date.min), _month_index(date.max)
    index = min(max(index, lo), hi)
    return date(index // 12, index % 12 + 1, 1)


def _date_range(items: Sequence[_Item], today: date) -> tuple[date, date]:
    """Whole months around today and every date, with a month's margin each side."""
    dates = [today, *(i.when for i in items if i.when is not None)]
    first, last = _month_index(min(dates)), _month_index(max(dates))
    # At least seven months across, so that a lone date does not fill the width.
    last = max(last, first + 4)
    start, end = _month_start(first - 1), _month_start(last + 2)
    if end <= max(dates):  # clamped at date.max
        end = date.max
    return start, end


@dataclass(frozen=True)
class _Frame:
    """Where dates go horizontally."""

    start: date
    end: date
    plot_left: float
    plot_right: float
    nodate_left: float | None

    def x(self, when: date) -> float:
        span = (self.end - self.start).days or 1
        share = (when - self.start).days / span
        return self.plot_left + share * (self.plot_right - self.plot_left)


def _frame(items: Sequence[_Item], today: date) -> _Frame:
    start, end = _date_range(items, today)
    undated = any(i.when is None for i in items)
    right = WIDTH - EDGE - (NODATE_W if undated else 0.0)
    nodate_left = right + GAP if undated else None
    return _Frame(start, end, LANE_LABEL_W, right, nodate_left)


# ---------------------------------------------------------------- placement


@dataclass(frozen=True)
class _Placed:
    """An item with its x, its label's horizontal span and its whole extent."""

    item: _Item
    x: float
    label: str
    box_x: float
    box_w: float

    @property
    def extent(self) -> tuple[float, float]:
        half = DIAMOND if self.item.kind == "goal" else DOT
        return min(self.x - half, self.box_x), max(self.x + half, self.box_x + self.box_w)


def _goal_label(item: _Item, x: float, left: float, right: float) -> tuple[str, float, float]:
    """The fitted label and its box: right of the mark, or left if it would overflow."""
    room = max(right - left - LABEL_OFFSET - DIAMOND, 0.0)
    label = fit(item.text, FONT, min(LABEL_MAX, room))
    width = text_width(label, FONT)
    if x + LABEL_OFFSET + width <= right:
        return label, x + LABEL_OFFSET, width
    return label, max(x - LABEL_OFFSET - width, left), width


def _place(item: _Item, frame: _Frame) -> _Placed:
    if item.when is None:
        assert frame.nodate_left is not None  # _frame adds the column for undated items
        x = frame.nodate_left + LABEL_OFFSET
        left, right = frame.nodate_left, WIDTH - EDGE
    else:
        x = frame.x(item.when)
        left, right = frame.plot_left, frame.plot_right
    if item.kind == "action":
        return _Placed(item, x, "", x - DOT, 2 * DOT)
    label, box_x, box_w = _goal_label(item, x, left, right)
    return _Placed(item, x, label, box_x, box_w)


def _rows(placed: Sequence[_Placed]) -> list[int]:
    """First-fit sub-row for each item, so that no two extents in a row touch."""
    rows: list[list[tuple[float, float]]] = []
    out: list[int] = []
    for p in placed:
        lo, hi = p.extent
        for index, row in enumerate(rows):
            if all(hi + GAP <= a or lo >= b + GAP for a, b in row):
                row.append((lo, hi))
                out.append(index)
                break
        else:
            rows.append([(lo, hi)])
            out.append(len(rows) - 1)
    return out


def _lane_order(p: _Placed) -> tuple[int, bool, float, str]:
    # Goals take the upper rows; actions fill in below or between them.
    return (p.item.kind != "goal", p.item.when is None, p.extent[0], p.item.id)


def _mark(p: _Placed, row: int, top: float) -> Mark:
    cy = top + LANE_PAD + row * ROW_H + ROW_H / 2
    i = p.item
    box_h = LABEL_H if i.kind == "goal" else 2 * DOT
    return Mark(
        id=i.id,
        kind=i.kind,
        lane=i.lane.value,
        x=p.x,
        y=cy,
        label_box=(p.box_x, cy - box_h / 2, p.box_w, box_h),
        overdue=i.overdue,
        achieved=i.status == GoalStatus.ACHIEVED.value and i.kind == "goal",
        dropped=i.status == GoalStatus.DROPPED.value and i.kind == "goal",
        dated=i.when is not None,
        row=row,
        text=i.text,
        label=p.label,
        when=i.when,
        status=i.status,
        action_kind=i.action_kind,
        goal=i.goal,
    )


def _lane_marks(placed: Sequence[_Placed], top: float) -> tuple[list[Mark], float]:
    """The lane's marks and its bottom; the lane grows by a row per collision."""
    ordered = sorted(placed, key=_lane_order)
    rows = _rows(ordered)
    if not ordered:
        return [], top + THIN_LANE_H
    marks = [_mark(p, r, top) for p, r in zip(ordered, rows, strict=True)]
    return marks, top + 2 * LANE_PAD + (max(rows) + 1) * ROW_H


def layout_timeline(account: Account, today: date) -> TimelineLayout:
    """Where every lane, goal, action and label goes; ``today`` is given, never read."""
    items = _items(account, today)
    frame = _frame(items, today)
    placed = [_place(i, frame) for i in items]
    lanes: dict[str, tuple[float, float]] = {}
    marks: list[Mark] = []
    top = AXIS_H
    for lane in LANES:
        lane_marks, bottom = _lane_marks([p for p in placed if p.item.lane is lane], top)
        lanes[lane.value] = (top, bottom)
        marks.extend(lane_marks)
        top = bottom
    return TimelineLayout(
        width=WIDTH,
        height=top + TODAY_ROW_H + LEGEND_H,
        lanes=lanes,
        today_x=frame.x(today),
        start=frame.start,
        end=frame.end,
        marks=tuple(marks),
        plot_left=frame.plot_left,
        plot_right=frame.plot_right,
        nodate_left=frame.nodate_left,
        axis_bottom=AXIS_H,
        lanes_bottom=top,
    )


# ---------------------------------------------------------------- drawing helpers


def _n(value: float) -> str:
    """A coordinate with at most one decimal: short output, stable in tests."""
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def _el(tag: str, content: str = "", **values: object) -> str:
    head = f"<{tag} {attrs(**values)}" if values else f"<{tag}"
    return f"{head}>{content}</{tag}>" if content else f"{head}/>"


def _diamond(x: float, y: float, size: float = DIAMOND) -> str:
    return f"M{_n(x)} {_n(y - size)}L{_n(x + size)} {_n(y)}L{_n(x)} {_n(y + size)}L{_n(x - size)} {_n(y)}Z"


def _check(x: float, y: float) -> str:
    return f"M{_n(x - 3)} {_n(y)}L{_n(x - 1)} {_n(y + 2.5)}L{_n(x + 3)} {_n(y - 2.5)}"


# ---------------------------------------------------------------- style

_RED, _RED_DARK = "#c62828", "#ef5350"
_GREEN, _GREEN_DARK = "#2e7d32", "#66bb6a"

# Material's variables carry the light and dark palettes; the fallbacks serve
# any other page. Red and green are fixed colours, lightened for slate.
_STYLE = (
    ".kg-timeline{font-family:var(--md-text-font-family,system-ui,sans-serif)}"
    ".kg-timeline text{fill:var(--md-default-fg-color,#222);font-size:11px}"
    ".kg-timeline .kg-lane-bg{fill:var(--md-default-fg-color--lightest,#f2f2f2)}"
    ".kg-timeline .kg-lane-label{font-size:12px;font-weight:600}"
    ".kg-timeline .kg-axis text{fill:var(--md-default-fg-color--light,#666);font-size:10px}"
    ".kg-timeline .kg-axis .kg-year{font-weight:600;fill:var(--md-default-fg-color,#222)}"
    ".kg-timeline .kg-tick,.kg-timeline .kg-axis-line{stroke:var(--md-default-fg-color--light,#888)}"
    ".kg-timeline .kg-grid{stroke:var(--md-default-fg-color--lightest,#e0e0e0)}"
    ".kg-timeline .kg-grid-year{stroke:var(--md-default-fg-color--lighter,#bbb)}"
    ".kg-timeline .kg-nodate-bg{fill:var(--md-default-fg-color--lightest,#eee)}"
    ".kg-timeline .kg-today{stroke:var(--md-accent-fg-color,#526cfe);stroke-width:2}"
    ".kg-timeline text.kg-today-label{fill:var(--md-accent-fg-color,#526cfe);font-weight:600}"
    ".kg-timeline .kg-label{paint-order:stroke;stroke:var(--md-default-bg-color,#fff);"
    "stroke-width:3px;stroke-linejoin:round}"
    ".kg-timeline .kg-goal .kg-mark{fill:var(--md-primary-fg-color,#4051b5);"
    "stroke:var(--md-default-bg-color,#fff);stroke-width:1}"
    ".kg-timeline a.kg-goal:hover .kg-label,.kg-timeline a.kg-goal:focus .kg-label{text-decoration:underline}"
    f".kg-timeline .kg-overdue .kg-mark{{fill:{_RED}}}"
    f".kg-timeline .kg-overdue text{{fill:{_RED};font-weight:600}}"
    f".kg-timeline .kg-achieved .kg-mark{{fill:{_GREEN}}}"
    ".kg-timeline .kg-check{fill:none;stroke:#fff;stroke-width:1.6}"
    ".kg-timeline .kg-dropped{opacity:.6}"
    ".kg-timeline .kg-dropped text{text-decoration:line-through}"
    ".kg-timeline .kg-action circle{fill:var(--md-default-bg-color,#fff);"
    "stroke:var(--md-default-fg-color--light,#666);stroke-width:1.5}"
    ".kg-timeline .kg-action.kg-done circle{fill:var(--md-default-fg-color--light,#666)}"
    ".kg-timeline .kg-action.kg-cancelled{opacity:.45}"
    f".kg-timeline .kg-action.kg-overdue circle{{stroke:{_RED};fill:#ffcdd2}}"
    f'[data-md-color-scheme="slate"] .kg-timeline .kg-overdue .kg-mark{{fill:{_RED_DARK}}}'
    f'[data-md-color-scheme="slate"] .kg-timeline .kg-overdue text{{fill:{_RED_DARK}}}'
    f'[data-md-color-scheme="slate"] .kg-timeline .kg-achieved .kg-mark{{fill:{_GREEN_DARK}}}'
    '[data-md-color-scheme="slate"] .kg-timeline .kg-check{stroke:#1b1b1b}'
    '[data-md-color-scheme="slate"] .kg-timeline .kg-action.kg-overdue circle'
    f"{{stroke:{_RED_DARK};fill:#4a1c1c}}"
)


def _open(width: float, height: float, label: str, extra: str = "") -> str:
    # <style> stays on the <svg> line: at the start of a line Markdown would
    # take it for an HTML block of its own and move it out of the drawing.
    head = attrs(
        class_=f"kg-timeline{extra}",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {_n(width)} {_n(height)}",
        width=_n(width),
        role="img",
        aria_label=label,
        style="max-width:100%;height:auto",
    )
    return f"<svg {head}><style>{_STYLE}</style>"


# ---------------------------------------------------------------- axis


def _month_step(px_per_month: float) -> int:
    """Months between ticks: as fine as possible while ticks stay 6 px apart."""
    steps = (1, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000)
    return next((s for s in steps if s * px_per_month >= 6), steps[-1])


def _year_step(px_per_month: float) -> int:
    steps = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
    return next((s for s in steps if s * 12 * px_per_month >= 44), steps[-1])


def _spaced(candidates: Iterable[tuple[float, str]], right: float) -> list[tuple[float, str]]:
    """Axis labels left to right, dropping any that would touch the previous or overflow."""
    kept: list[tuple[float, str]] = []
    last_end = float("-inf")
    for x, text in candidates:
        end = x + text_width(text, AXIS_FONT)
        if x >= last_end + 4 and end <= right:
            kept.append((x, text))
            last_end = end
    return kept


def _frame_of(layout: TimelineLayout) -> _Frame:
    return _Frame(layout.start, layout.end, layout.plot_left, layout.plot_right, layout.nodate_left)


def _px_per_month(layout: TimelineLayout) -> float:
    months = _month_index(layout.end) - _month_index(layout.start)
    return (layout.plot_right - layout.plot_left) / max(months, 1)


def _ticks(layout: TimelineLayout) -> list[str]:
    """Month (or coarser) ticks on the axis; grid lines at quarters and years."""
    frame, step = _frame_of(layout), _month_step(_px_per_month(layout))
    first, last = _month_index(layout.start), _month_index(layout.end)
    top, bottom = layout.axis_bottom, layout.lanes_bottom
    out: list[str] = []
    for index in range(-(-first // step) * step, last + 1, step):
        when = _month_start(index)
        x = _n(frame.x(when))
        year, quarter = when.month == 1, step <= 3 and when.month % 3 == 1
        if year or quarter:
            cls = "kg-grid kg-grid-year" if year else "kg-grid"
            out.append(_el("line", class_=cls, x1=x, y1=_n(top), x2=x, y2=_n(bottom)))
        size = 6 if year or quarter else 3
        out.append(_el("line", class_="kg-tick", x1=x, y1=_n(top - size), x2=x, y2=_n(top)))
    return out


def _year_labels(layout: TimelineLayout) -> list[tuple[float, str]]:
    frame, ystep = _frame_of(layout), _year_step(_px_per_month(layout))
    first = -(-layout.start.year // ystep) * ystep
    years = [(frame.x(date(y, 1, 1)) + 3, str(y)) for y in range(first, layout.end.year + 1, ystep)]
    years = [(x, t) for x, t in years if x >= layout.plot_left]
    # The partial first year is named too, unless the next label is too close.
    lead = (layout.plot_left + 3, str(layout.start.year))
    if not years or years[0][0] - lead[0] >= text_width(lead[1], AXIS_FONT) + 8:
        years.insert(0, lead)
    return _spaced(years, layout.plot_right)


def _quarter_labels(layout: TimelineLayout) -> list[tuple[float, str]]:
    if 3 * _px_per_month(layout) < 24:
        return []
    frame = _frame_of(layout)
    first, last = _month_index(layout.start), _month_index(layout.end)
    starts = [_month_start(i) for i in range(-(-first // 3) * 3, last + 1, 3)]
    return _spaced(((frame.x(d) + 3, f"Q{(d.month - 1) // 3 + 1}") for d in starts), layout.plot_right)


def _axis(layout: TimelineLayout) -> list[str]:
    top = layout.axis_bottom
    out = ['<g class="kg-axis">', *_ticks(layout)]
    out += [_el("text", t, class_="kg-year", x=_n(x), y=_n(top - 24)) for x, t in _year_labels(layout)]
    out += [_el("text", t, x=_n(x), y=_n(top - 10)) for x, t in _quarter_labels(layout)]
    ends = {"x1": _n(layout.plot_left), "x2": _n(layout.plot_right), "y1": _n(top), "y2": _n(top)}
    out.append(_el("line", class_="kg-axis-line", **ends))
    out.append("</g>")
    return out


# ---------------------------------------------------------------- lanes, marks


def _lanes(layout: TimelineLayout, labels: Labels) -> list[str]:
    out: list[str] = []
    for index, (lane, (top, bottom)) in enumerate(layout.lanes.items()):
        name = fit(labels.enum("horizon", lane), LANE_FONT, LANE_LABEL_W - EDGE - 8)
        out.append(f"<g {attrs(class_='kg-lane', data_lane=lane)}>")
        if index % 2 == 0:
            out.append(
                _el(
                    "rect",
                    class_="kg-lane-bg",
                    x="0",
                    y=_n(top),
                    width=_n(layout.width),
                    height=_n(bottom - top),
                )
            )
        out.append(
            _el("text", svg_text(name), class_="kg-lane-label", x=_n(EDGE), y=_n((top + bottom) / 2 + 4))
        )
        out.append("</g>")
    return out


def _nodate(layout: TimelineLayout, labels: Labels) -> list[str]:
    if layout.nodate_left is None:
        return []
    left = layout.nodate_left
    title = fit(labels.label("no_date"), AXIS_FONT, layout.width - EDGE - left - 4)
    return [
        '<g class="kg-axis kg-nodate">',
        _el(
            "rect",
            class_="kg-nodate-bg",
            x=_n(left - GAP / 2),
            y=_n(layout.axis_bottom),
            width=_n(layout.width - left + GAP / 2),
            height=_n(layout.lanes_bottom - layout.axis_bottom),
        ),
        _el("text", svg_text(title), x=_n(left + 4), y=_n(layout.axis_bottom - 10)),
        "</g>",
    ]


def _goal_title(mark: Mark, labels: Labels) -> str:
    when = mark.when.isoformat() if mark.when else labels.label("none")
    status = labels.enum("goal_status", mark.status)
    return f"{mark.text} — {labels.label('target')}: {when} — {status}"


def _action_title(mark: Mark, labels: Labels) -> str:
    when = mark.when.isoformat() if mark.when else labels.label("none")
    kind = labels.enum("action_kind", mark.action_kind)
    status = labels.enum("action_status", mark.status)
    return f"{mark.text} — {kind} — {labels.label('due')}: {when} — {status}"


def _classes(mark: Mark) -> str:
    flags = {
        "kg-overdue": mark.overdue,
        "kg-achieved": mark.achieved,
        "kg-dropped": mark.dropped,
        "kg-undated": not mark.dated,
        "kg-done": mark.kind == "action" and mark.status == ActionStatus.DONE.value,
        "kg-cancelled": mark.kind == "action" and mark.status == ActionStatus.CANCELLED.value,
    }
    return " ".join([f"kg-{mark.kind}", *(name for name, on in flags.items() if on)])


def _goal(mark: Mark, labels: Labels) -> str:
    head = attrs(class_=_classes(mark), href=f"#goal-{mark.id}", data_id=mark.id)
    parts = [f"<a {head}>", f"<title>{svg_text(_goal_title(mark, labels))}</title>"]
    parts.append(_el("path", class_="kg-mark", d=_diamond(mark.x, mark.y)))
    if mark.achieved:
        parts.append(_el("path", class_="kg-check", d=_check(mark.x, mark.y)))
    bx, _, _, _ = mark.label_box
    parts.append(_el("text", svg_text(mark.label), class_="kg-label", x=_n(bx), y=_n(mark.y + 4)))
    return "".join(parts) + "</a>"


def _action(mark: Mark, labels: Labels) -> str:
    head = attrs(class_=_classes(mark), data_id=mark.id, data_goal=mark.goal)
    title = f"<title>{svg_text(_action_title(mark, labels))}</title>"
    circle = _el("circle", cx=_n(mark.x), cy=_n(mark.y), r=_n(DOT))
    return f"<g {head}>{title}{circle}</g>"


def _today(layout: TimelineLayout, labels: Labels) -> list[str]:
    x = layout.today_x
    text = fit(labels.label("today"), FONT, 120)
    width = text_width(text, FONT)
    # Centred under the line, but never past either edge of the plot.
    tx = min(max(x - width / 2, layout.plot_left), layout.width - EDGE - width)
    y2 = layout.lanes_bottom + 4
    return [
        _el("line", class_="kg-today", x1=_n(x), y1=_n(layout.axis_bottom - 6), x2=_n(x), y2=_n(y2)),
        _el("text", svg_text(text), class_="kg-today-label", x=_n(tx), y=_n(y2 + 12)),
    ]


# ---------------------------------------------------------------- legend


def _legend_glyph(key: str, x: float, y: float) -> str:
    if key == "overdue":
        return f'<g class="kg-goal kg-overdue">{_el("path", class_="kg-mark", d=_diamond(x, y))}</g>'
    if key == "achieved":
        check = _el("path", class_="kg-check", d=_check(x, y))
        return f'<g class="kg-goal kg-achieved">{_el("path", class_="kg-mark", d=_diamond(x, y))}{check}</g>'
    if key == "action":
        return f'<g class="kg-action">{_el("circle", cx=_n(x), cy=_n(y), r=_n(DOT))}</g>'
    return _el("line", class_="kg-today", x1=_n(x), y1=_n(y - 7), x2=_n(x), y2=_n(y + 7))


def _legend(layout: TimelineLayout, labels: Labels) -> list[str]:
    entries = [
        ("overdue", labels.label("overdue")),
        ("achieved", labels.enum("goal_status", GoalStatus.ACHIEVED)),
        ("action", labels.label("action")),
        ("today", labels.label("today")),
    ]
    y = layout.height - LEGEND_H / 2
    title = fit(labels.label("legend"), FONT, 80)
    out = ['<g class="kg-legend">', _el("text", svg_text(title), x=_n(EDGE), y=_n(y + 4))]
    # Widths are capped so that the four entries always fit on one line of 800 px.
    x = EDGE + text_width(title, FONT) + 14
    for key, text in entries:
        text = fit(text, FONT, 140)
        out.append(_legend_glyph(key, x + DIAMOND, y))
        out.append(_el("text", svg_text(text), x=_n(x + 2 * DIAMOND + 5), y=_n(y + 4)))
        x += 2 * DIAMOND + 5 + text_width(text, FONT) + 16
    out.append("</g>")
    return out


# ---------------------------------------------------------------- entry points


def _empty(labels: Labels) -> Markup:
    width, height = 400.0, 32.0
    text = fit(labels.label("timeline_empty"), FONT, width - 2 * EDGE)
    body = _el("text", svg_text(text), x=_n(EDGE), y="20")
    return Markup(f"{_open(width, height, labels.label('timeline'), ' kg-empty')}\n{body}\n</svg>")


def render_timeline(account: Account, labels: Labels, today: date) -> Markup:
    """The timeline as one <svg> element, safe to put in a Markdown page."""
    layout = layout_timeline(account, today)
    if not layout.marks:
        return _empty(labels)
    lines = [_open(layout.width, layout.height, labels.label("timeline"))]
    lines += _lanes(layout, labels)
    lines += _nodate(layout, labels)
    lines += _axis(layout)
    lines += _today(layout, labels)
    # Actions first, so that goal diamonds and labels are drawn over them.
    lines += [_action(m, labels) for m in layout.marks if m.kind == "action"]
    lines += [_goal(m, labels) for m in layout.marks if m.kind == "goal"]
    lines += _legend(layout, labels)
    lines.append("</svg>")
    return Markup("\n".join(lines))


__all__ = ["Mark", "TimelineLayout", "layout_timeline", "render_timeline"]
