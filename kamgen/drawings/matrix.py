"""The portfolio matrix: attractiveness across, the strength of our position
up, each quadrant named by its development verdict.

Its size does not grow with the portfolio: a few accounts (chosen by
analytics) are named points that link to their row in the table after the
chart, and every other account is counted in a shaded cell of a fixed grid.
"""

from __future__ import annotations

from markupsafe import Markup

from kamgen.analytics import Matrix, Verdict
from kamgen.analytics.portfolio import BINS, Point
from kamgen.drawings.style import matrix_sheet
from kamgen.drawings.svg import el, fit, num, root, text_width
from kamgen.drawings.svg import text as svg_text
from kamgen.escape import url
from kamgen.labels import Labels

WIDTH, HEIGHT = 640.0, 470.0
LEFT, TOP, RIGHT, BOTTOM = 56.0, 14.0, 16.0, 52.0
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
FONT = 12
LABEL_FONT = 11
LABEL_MAX_W = 170.0
RADIUS = 6.0

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def _x(value: float) -> float:
    return LEFT + value / 100 * PLOT_W


def _y(value: float) -> float:
    return TOP + PLOT_H - value / 100 * PLOT_H


def _text(x: float, y: float, content: str, size: float = FONT, **more: object) -> str:
    """Text at (x, y); ``content`` must already be escaped."""
    return el("text", content, x=num(x), y=num(y), font_size=num(size), **more)


def _frame(m: Matrix, labels: Labels) -> list[str]:
    tx, ty = _x(m.min_attractiveness), _y(m.min_position)
    body = [
        el("rect", class_="kg-plot", x=num(LEFT), y=num(TOP), width=num(PLOT_W), height=num(PLOT_H)),
        el("line", class_="kg-threshold", x1=num(tx), y1=num(TOP), x2=num(tx), y2=num(TOP + PLOT_H)),
        el("line", class_="kg-threshold", x1=num(LEFT), y1=num(ty), x2=num(LEFT + PLOT_W), y2=num(ty)),
    ]
    for value in (0, 50, 100):
        body.append(_text(_x(value), TOP + PLOT_H + 16, str(value), LABEL_FONT, text_anchor="middle"))
        body.append(_text(LEFT - 6, _y(value) + 4, str(value), LABEL_FONT, text_anchor="end"))
    across = svg_text(labels.label("attractiveness")) + " →"
    body.append(_text(LEFT + PLOT_W / 2, HEIGHT - 10, across, FONT, text_anchor="middle", font_weight="600"))
    up = svg_text(labels.label("position")) + " →"
    mid = TOP + PLOT_H / 2
    body.append(
        _text(
            16, mid, up, FONT, text_anchor="middle", font_weight="600", transform=f"rotate(-90 16 {num(mid)})"
        )
    )
    return body


def _quadrant_labels(m: Matrix, labels: Labels) -> list[str]:
    tx, ty = _x(m.min_attractiveness), _y(m.min_position)
    counts = dict(m.counts)
    top, bottom = ty - TOP, TOP + PLOT_H - ty  # heights of the upper and lower quadrants
    places = {
        Verdict.MAINTAIN: (LEFT, TOP, tx, "start", top),
        Verdict.KEY: (tx, TOP, LEFT + PLOT_W, "end", top),
        Verdict.RECONSIDER: (LEFT, TOP + PLOT_H - 20, tx, "start", bottom),
        Verdict.DEVELOP: (tx, TOP + PLOT_H - 20, LEFT + PLOT_W, "end", bottom),
    }
    out = []
    for verdict, (x0, y0, x1, anchor, height) in places.items():
        # A quadrant too small for its name (a threshold near 0 or 100) goes unnamed; the table names it.
        if x1 - x0 < 40 or height < 24:
            continue
        # The count always shows whole; a long name gives way.
        count = f" ({counts.get(verdict, 0)})"
        shown = fit(labels.enum("verdict", verdict), FONT, x1 - x0 - 12 - text_width(count, FONT)) + count
        x = x0 + 6 if anchor == "start" else x1 - 6
        out.append(_text(x, y0 + 16, svg_text(shown), FONT, text_anchor=anchor, class_="kg-quadrant"))
    return out


def _cells(m: Matrix, labels: Labels) -> list[str]:
    if not m.cells:
        return []
    peak = max(c.count for c in m.cells)
    w, h = PLOT_W / BINS, PLOT_H / BINS
    out = []
    for c in m.cells:
        opacity = 0.15 + 0.55 * c.count / peak
        tip = el("title", svg_text(labels.label("accounts_in_cell", n=c.count)))
        box = {"x": num(LEFT + c.column * w), "y": num(TOP + PLOT_H - (c.row + 1) * h)}
        out.append(
            el(
                "rect",
                tip,
                class_="kg-cell",
                **box,
                width=num(w),
                height=num(h),
                fill_opacity=f"{opacity:.2f}",
            )
        )
    return out


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place(x: float, y: float, width: float, taken: list[Box]) -> tuple[float, float, str]:
    """Where a point's name goes: right of it, else left, above or below, then
    the same a line higher or lower, whichever is free and inside the plot
    first; if none is, right (or left at the right edge), over the others."""
    h = LABEL_FONT + 2
    tries = []
    for dy in (0.0, -h, h, -2 * h, 2 * h):
        tries += [(x + RADIUS + 3, y + 4 + dy, "start"), (x - RADIUS - 3, y + 4 + dy, "end")]
        if dy == 0:
            tries += [(x - width / 2, y - RADIUS - 4, "start"), (x - width / 2, y + RADIUS + h, "start")]
    boxes = []
    for tx, ty, anchor in tries:
        x0 = tx if anchor == "start" else tx - width
        box = (x0, ty - h + 2, x0 + width, ty + 2)
        boxes.append(box)
        inside = box[0] >= LEFT and box[2] <= LEFT + PLOT_W and box[1] >= TOP and box[3] <= TOP + PLOT_H
        if inside and not any(_overlaps(box, t) for t in taken):
            taken.append(box)
            return tx, ty, anchor
    k = 0 if x + RADIUS + 3 + width <= LEFT + PLOT_W else 1
    taken.append(boxes[k])
    return tries[k]


def _point(p: Point, labels: Labels, taken: list[Box]) -> str:
    d = p.development
    x, y = _x(d.attractiveness), _y(d.position.score)
    name = fit(p.record.data.name, LABEL_FONT, LABEL_MAX_W)
    tx, ty, anchor = _place(x, y, text_width(name, LABEL_FONT), taken)
    tip = (
        f"{p.record.data.name}: {labels.enum('verdict', d.verdict)}; "
        f"{labels.label('attractiveness')} {d.attractiveness:.0f}, {labels.label('position')} "
        f"{d.position.score:.0f}; {labels.enum('status', p.status)}"
    )
    dot = el("circle", class_=f"kg-dot kg-dot-{p.status.value}", cx=num(x), cy=num(y), r=num(RADIUS))
    label = _text(tx, ty, svg_text(name), LABEL_FONT, text_anchor=anchor, class_="kg-name")
    return el(
        "a", el("title", svg_text(tip)) + dot + label, class_="kg-point", href=url("#matrix-", p.record.id)
    )


def portfolio_matrix(m: Matrix, labels: Labels) -> Markup:
    """The matrix as inline SVG; a named group because its points are links."""
    body = _frame(m, labels) + _cells(m, labels) + _quadrant_labels(m, labels)
    # No name goes over a dot.
    taken: list[Box] = [
        (x - RADIUS, y - RADIUS, x + RADIUS, y + RADIUS)
        for x, y in ((_x(p.development.attractiveness), _y(p.development.position.score)) for p in m.points)
    ]
    # Points in the table's order, so that keyboard focus follows the table.
    body += [_point(p, labels, taken) for p in m.points]
    head = root(
        "kg-chart kg-matrix",
        WIDTH,
        HEIGHT,
        labels.label("portfolio_matrix"),
        matrix_sheet(),
        labels.label("matrix_desc"),
        links=True,
    )
    return Markup("\n".join([head, *body, "</svg>"]))


__all__ = ["portfolio_matrix"]
