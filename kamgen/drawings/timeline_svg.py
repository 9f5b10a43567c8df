"""The goal timeline drawn as inline SVG, from :func:`layout_timeline`'s geometry.

The SVG ends up in a Markdown page. Markdown does not treat ``<svg>`` as a
block, so a bare SVG would have Markdown applied to its text: account text
therefore goes through :func:`kamgen.escape.md` (every punctuation character
becomes a numeric reference, which XML reads back as the same character),
the output has no blank lines, and no line starts with ``<style>`` (which
Markdown would lift out of the SVG as a block of its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from markupsafe import Markup

from kamgen.drawings.style import timeline_sheet
from kamgen.drawings.svg import el, fit, num, root, start, text_width
from kamgen.drawings.svg import plain as svg_text
from kamgen.drawings.timeline import (
    AXIS_FONT,
    DIAMOND,
    DOT,
    EDGE,
    FONT,
    GAP,
    LANE_FONT,
    LANE_LABEL_W,
    LEGEND_H,
    Frame,
    Mark,
    TimelineLayout,
    layout_timeline,
    month_index,
    month_start,
)
from kamgen.labels import Labels
from kamgen.model import AccountRecord
from kamgen.schema import ActionStatus, GoalStatus

# ---------------------------------------------------------------- drawing helpers


def _diamond(x: float, y: float, size: float = DIAMOND) -> str:
    top, right, bottom, left = num(y - size), num(x + size), num(y + size), num(x - size)
    return f"M{num(x)} {top}L{right} {num(y)}L{num(x)} {bottom}L{left} {num(y)}Z"


def _check(x: float, y: float) -> str:
    return f"M{num(x - 3)} {num(y)}L{num(x - 1)} {num(y + 2.5)}L{num(x + 3)} {num(y - 2.5)}"


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


def _frame_of(layout: TimelineLayout) -> Frame:
    return Frame(layout.start, layout.end, layout.plot_left, layout.plot_right, layout.nodate_left)


def _px_per_month(layout: TimelineLayout) -> float:
    months = month_index(layout.end) - month_index(layout.start)
    return (layout.plot_right - layout.plot_left) / max(months, 1)


def _ticks(layout: TimelineLayout) -> list[str]:
    """Month (or coarser) ticks on the axis; grid lines at quarters and years."""
    frame, step = _frame_of(layout), _month_step(_px_per_month(layout))
    first, last = month_index(layout.start), month_index(layout.end)
    top, bottom = layout.axis_bottom, layout.lanes_bottom
    # One path per kind of line, not an element per line: a timeline's axis
    # is most of its markup otherwise.
    lines: dict[str, list[str]] = {"kg-grid": [], "kg-grid kg-grid-year": [], "kg-tick": []}
    for index in range(-(-first // step) * step, last + 1, step):
        when = month_start(index)
        x = num(frame.x(when))
        year, quarter = when.month == 1, step <= 3 and when.month % 3 == 1
        if year or quarter:
            lines["kg-grid kg-grid-year" if year else "kg-grid"].append(f"M{x},{num(top)}V{num(bottom)}")
        size = 6 if year or quarter else 3
        lines["kg-tick"].append(f"M{x},{num(top - size)}V{num(top)}")
    return [el("path", class_=cls, d="".join(d)) for cls, d in lines.items() if d]


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
    first, last = month_index(layout.start), month_index(layout.end)
    starts = [month_start(i) for i in range(-(-first // 3) * 3, last + 1, 3)]
    return _spaced(((frame.x(d) + 3, f"Q{(d.month - 1) // 3 + 1}") for d in starts), layout.plot_right)


def _axis(layout: TimelineLayout) -> list[str]:
    top = layout.axis_bottom
    out = [start("g", class_="kg-axis"), *_ticks(layout)]
    out += [el("text", t, class_="kg-year", x=num(x), y=num(top - 24)) for x, t in _year_labels(layout)]
    out += [el("text", t, x=num(x), y=num(top - 10)) for x, t in _quarter_labels(layout)]
    ends = {"x1": num(layout.plot_left), "x2": num(layout.plot_right), "y1": num(top), "y2": num(top)}
    out.append(el("line", class_="kg-axis-line", **ends))
    out.append("</g>")
    return out


# ---------------------------------------------------------------- lanes, marks


def _lanes(layout: TimelineLayout, labels: Labels) -> list[str]:
    out: list[str] = []
    for index, (lane, (top, bottom)) in enumerate(layout.lanes.items()):
        name = fit(labels.enum("horizon", lane), LANE_FONT, LANE_LABEL_W - EDGE - 8)
        out.append(start("g", class_="kg-lane", data_lane=lane))
        if index % 2 == 0:
            out.append(
                el(
                    "rect",
                    class_="kg-lane-bg",
                    x="0",
                    y=num(top),
                    width=num(layout.width),
                    height=num(bottom - top),
                )
            )
        out.append(
            el("text", svg_text(name), class_="kg-lane-label", x=num(EDGE), y=num((top + bottom) / 2 + 4))
        )
        out.append("</g>")
    return out


def _nodate(layout: TimelineLayout, labels: Labels) -> list[str]:
    if layout.nodate_left is None:
        return []
    left = layout.nodate_left
    title = fit(labels.label("no_date"), AXIS_FONT, layout.width - EDGE - left - 4)
    return [
        start("g", class_="kg-axis kg-nodate"),
        el(
            "rect",
            class_="kg-nodate-bg",
            x=num(left - GAP / 2),
            y=num(layout.axis_bottom),
            width=num(layout.width - left + GAP / 2),
            height=num(layout.lanes_bottom - layout.axis_bottom),
        ),
        el("text", svg_text(title), x=num(left + 4), y=num(layout.axis_bottom - 10)),
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
    parts = [el("title", svg_text(_goal_title(mark, labels)))]
    parts.append(el("path", class_="kg-mark", d=_diamond(mark.x, mark.y)))
    if mark.achieved:
        parts.append(el("path", class_="kg-check", d=_check(mark.x, mark.y)))
    bx, _, _, _ = mark.label_box
    parts.append(el("text", svg_text(mark.label), class_="kg-label", x=num(bx), y=num(mark.y + 4)))
    return el("a", "".join(parts), class_=_classes(mark), href=f"#goal-{mark.id}", data_id=mark.id)


def _action(mark: Mark, labels: Labels) -> str:
    title = el("title", svg_text(_action_title(mark, labels)))
    circle = el("circle", cx=num(mark.x), cy=num(mark.y), r=num(DOT))
    return el("g", title + circle, class_=_classes(mark), data_id=mark.id, data_goal=mark.goal)


def _today(layout: TimelineLayout, labels: Labels) -> list[str]:
    x = layout.today_x
    text = fit(labels.label("today"), FONT, 120)
    width = text_width(text, FONT)
    # Centred under the line, but never past either edge of the plot.
    tx = min(max(x - width / 2, layout.plot_left), layout.width - EDGE - width)
    y2 = layout.lanes_bottom + 4
    return [
        el("line", class_="kg-today", x1=num(x), y1=num(layout.axis_bottom - 6), x2=num(x), y2=num(y2)),
        el("text", svg_text(text), class_="kg-today-label", x=num(tx), y=num(y2 + 12)),
    ]


# ---------------------------------------------------------------- legend


def _legend_glyph(key: str, x: float, y: float) -> str:
    if key == "overdue":
        return el("g", el("path", class_="kg-mark", d=_diamond(x, y)), class_="kg-goal kg-overdue")
    if key == "achieved":
        check = el("path", class_="kg-check", d=_check(x, y))
        return el("g", el("path", class_="kg-mark", d=_diamond(x, y)) + check, class_="kg-goal kg-achieved")
    if key == "action":
        return el("g", el("circle", cx=num(x), cy=num(y), r=num(DOT)), class_="kg-action")
    return el("line", class_="kg-today", x1=num(x), y1=num(y - 7), x2=num(x), y2=num(y + 7))


def _legend(layout: TimelineLayout, labels: Labels) -> list[str]:
    entries = [
        ("overdue", labels.label("overdue")),
        ("achieved", labels.enum("goal_status", GoalStatus.ACHIEVED)),
        ("action", labels.label("action")),
        ("today", labels.label("today")),
    ]
    y = layout.height - LEGEND_H / 2
    title = fit(labels.label("legend"), FONT, 80)
    out = [start("g", class_="kg-legend"), el("text", svg_text(title), x=num(EDGE), y=num(y + 4))]
    # Widths are capped so that the four entries always fit on one line of 800 px.
    x = EDGE + text_width(title, FONT) + 14
    for key, text in entries:
        text = fit(text, FONT, 140)
        out.append(_legend_glyph(key, x + DIAMOND, y))
        out.append(el("text", svg_text(text), x=num(x + 2 * DIAMOND + 5), y=num(y + 4)))
        x += 2 * DIAMOND + 5 + text_width(text, FONT) + 16
    out.append("</g>")
    return out


# ---------------------------------------------------------------- entry points


def _empty(labels: Labels) -> Markup:
    width, height = 400.0, 32.0
    text = fit(labels.label("timeline_empty"), FONT, width - 2 * EDGE)
    body = el("text", svg_text(text), x=num(EDGE), y="20")
    head = root("kg-timeline kg-empty", width, height, labels.label("timeline"), timeline_sheet())
    return Markup(f"{head}\n{body}\n</svg>")


def render_timeline(record: AccountRecord, labels: Labels, today: date) -> Markup:
    """The timeline as one <svg> element, safe to put in a Markdown page."""
    layout = layout_timeline(record, today)
    if not layout.marks:
        return _empty(labels)
    desc = labels.label("timeline_desc")
    lines = [
        root(
            "kg-timeline",
            layout.width,
            layout.height,
            labels.label("timeline"),
            timeline_sheet(),
            desc,
            links=True,
        )
    ]
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
