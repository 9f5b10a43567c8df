"""An account's goal timeline as inline SVG, laid out in Python at build time.

One lane per horizon, a date axis across the top, a "today" line, goals as
diamonds at their target date and actions as small circles at their due date.
Goals and actions without a date sit in a "no date" column at the right.
What is open, overdue and on which horizon comes from analytics, so the
timeline and the time page agree.

The layout (:func:`layout_timeline`) is pure geometry, so tests can check it
without parsing SVG; :mod:`timeline_svg` only draws what the layout says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kamgen.analytics import action_horizon, is_overdue_action, is_overdue_goal
from kamgen.drawings.svg import fit, one_line, text_width
from kamgen.model import AccountRecord
from kamgen.schema import Action, Goal, GoalStatus, Horizon

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
    overdue = is_overdue_goal(goal, today)
    return _Item(
        goal.id, "goal", goal.horizon, goal.target, one_line(goal.statement), goal.status.value, overdue
    )


def _action_item(action: Action, lane: Horizon, today: date) -> _Item:
    return _Item(
        action.id,
        "action",
        lane,
        action.due,
        one_line(action.title),
        action.status.value,
        is_overdue_action(action, today),
        action.kind.value,
        action.goal,
    )


def _items(record: AccountRecord, today: date) -> list[_Item]:
    # An action sits in the lane of the horizon the time page counts it
    # under: analytics decides, and one with no horizon at all is not drawn.
    items = [_goal_item(g, today) for g in record.data.goals]
    for action in record.data.actions:
        lane = action_horizon(record, action)
        if lane is not None:
            items.append(_action_item(action, lane, today))
    return items


# ---------------------------------------------------------------- dates


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def month_start(index: int) -> date:
    # Clamped, so that a hostile year 1 or 9999 cannot overflow date.
    lo, hi = month_index(date.min), month_index(date.max)
    index = min(max(index, lo), hi)
    return date(index // 12, index % 12 + 1, 1)


def _date_range(items: Sequence[_Item], today: date) -> tuple[date, date]:
    """Whole months around today and every date, with a month's margin each side."""
    dates = [today, *(i.when for i in items if i.when is not None)]
    first, last = month_index(min(dates)), month_index(max(dates))
    # At least seven months across, so that a lone date does not fill the width.
    last = max(last, first + 4)
    start, end = month_start(first - 1), month_start(last + 2)
    if end <= max(dates):  # clamped at date.max
        end = date.max
    return start, end


@dataclass(frozen=True)
class Frame:
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


def _frame(items: Sequence[_Item], today: date) -> Frame:
    start, end = _date_range(items, today)
    undated = any(i.when is None for i in items)
    right = WIDTH - EDGE - (NODATE_W if undated else 0.0)
    nodate_left = right + GAP if undated else None
    return Frame(start, end, LANE_LABEL_W, right, nodate_left)


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


def _place(item: _Item, frame: Frame) -> _Placed:
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


def layout_timeline(record: AccountRecord, today: date) -> TimelineLayout:
    """Where every lane, goal, action and label goes; ``today`` is given, never read."""
    items = _items(record, today)
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
