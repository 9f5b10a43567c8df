"""Small SVG charts for the portfolio pages: time per owner, effort by
horizon, effort against value. Numbers come from analytics; this module only
draws them, with the drawings' one SVG writer and stylesheet. Text is
escaped for XML and neutralised for Markdown, as in the other drawings.
"""

from __future__ import annotations

from markupsafe import Markup

from kamgen.analytics import EffortValue, OwnerLoad
from kamgen.analytics.effort import HORIZONS
from kamgen.drawings.style import HORIZON_COLOURS, POINT_COLOUR, chart_sheet
from kamgen.drawings.svg import el, fit, num, root, text_width
from kamgen.drawings.svg import text as svg_text
from kamgen.labels import Labels

FONT = 12
BAR_H = 18
GAP = 14
WIDTH = 720
# Names longer than this are cut with an ellipsis (the table below the chart
# has them whole), so that a long name never squeezes the bars to nothing.
NAME_MAX_W = 200


def _svg(kind: str, width: float, height: float, label: str, body: list[str], desc: str) -> Markup:
    head = root(f"kg-chart kg-chart-{kind}", width, height, label, chart_sheet(), desc)
    return Markup("\n".join([head, *body, "</svg>"]))


def _horizon_name(labels: Labels, h: str) -> str:
    return labels.enum("horizon", h) if h != "unspecified" else labels.label("unspecified")


def _text(x: float, y: float, content: str, size: float = FONT, **more: object) -> str:
    """Text at (x, y); ``content`` must already be escaped."""
    return el("text", content, x=num(x), y=num(y), font_size=num(size), **more)


def _legend(labels: Labels, y: float) -> list[str]:
    out, x = [], 0.0
    for h in HORIZONS:
        name = _horizon_name(labels, h)
        out.append(el("rect", x=num(x), y=num(y), width="12", height="12", fill=HORIZON_COLOURS[h]))
        out.append(_text(x + 16, y + 10, svg_text(name), FONT - 1))
        x += 16 + text_width(name, FONT - 1) + 14
    return out


def _stack(x: float, y: float, scale: float, hours: dict[str, float], labels: Labels) -> list[str]:
    out = []
    for h in HORIZONS:
        if hours.get(h, 0) <= 0:
            continue
        w = hours[h] * scale
        title = el("title", f"{svg_text(_horizon_name(labels, h))}: {hours[h]:.0f} h")
        area = {"x": num(x), "y": num(y), "width": num(w), "height": num(BAR_H)}
        out.append(el("rect", title, **area, fill=HORIZON_COLOURS[h]))
        x += w
    return out


def owner_chart(loads: list[OwnerLoad], labels: Labels) -> Markup:
    """Per owner: hours planned in the window by horizon, against capacity (dashed)."""
    name_w = min(max([text_width(load.member.name, FONT) for load in loads] + [60]) + 12, NAME_MAX_W)
    value_w = 150
    plot_w = WIDTH - name_w - value_w
    peak = max([max(load.capacity, load.planned) for load in loads] + [1.0])
    scale = plot_w / peak
    body: list[str] = []
    y = 0.0
    for load in loads:
        shown = svg_text(fit(load.member.name, FONT, name_w - 8))
        body.append(_text(0, y + 13, el("title", svg_text(load.member.name)) + shown))
        body += _stack(name_w, y, scale, load.planned_by_horizon, labels)
        cap_w = load.capacity * scale
        capacity = {"x": num(name_w), "y": num(y - 2), "width": num(cap_w), "height": num(BAR_H + 4)}
        body.append(el("rect", class_="kg-capacity", **capacity))
        pct = f" ({load.utilisation_pct:.0f}%)" if load.utilisation_pct is not None else ""
        text = f"{load.planned:.0f} h / {load.capacity:.0f} h{pct}"
        over = "kg-over" if load.overloaded else None
        body.append(_text(WIDTH - value_w + 8, y + 13, svg_text(text), class_=over))
        y += BAR_H + GAP
    body += _legend(labels, y + 4)
    return _svg("owners", WIDTH, y + 24, labels.label("time_by_owner"), body, labels.label("chart_desc"))


def horizon_chart(hours: dict[str, float], labels: Labels) -> Markup:
    """The portfolio's open hours by horizon: the short- and long-term balance."""
    name_w = max(text_width(labels.enum("horizon", h), FONT) for h in HORIZONS[:-1]) + 12
    name_w = max(name_w, text_width(labels.label("unspecified"), FONT) + 12)
    plot_w = WIDTH - name_w - 80
    peak = max([*hours.values(), 1.0])
    body: list[str] = []
    y = 0.0
    for h in HORIZONS:
        w = hours.get(h, 0.0) / peak * plot_w
        body.append(_text(0, y + 13, svg_text(_horizon_name(labels, h))))
        bar = {"x": num(name_w), "y": num(y), "width": num(w), "height": num(BAR_H)}
        body.append(el("rect", **bar, fill=HORIZON_COLOURS[h]))
        body.append(_text(name_w + w + 6, y + 13, f"{hours.get(h, 0.0):.0f} h"))
        y += BAR_H + GAP
    return _svg("horizons", WIDTH, y, labels.label("effort_by_horizon"), body, labels.label("chart_desc"))


def effort_value_chart(rows: list[EffortValue], labels: Labels, currency: str) -> Markup:
    """Open effort hours (y) against annual volume (x), one dot per account."""
    left, bottom, top, right = 56.0, 36.0, 12.0, 180.0
    height = 300.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    max_x = max([r.volume or 0 for r in rows] + [1.0])
    max_y = max([r.hours for r in rows] + [1.0])
    volume = f"{svg_text(labels.label('annual_volume'))} ({svg_text(currency)}, {max_x:,.0f} max)"
    body = [
        el(
            "line",
            class_="kg-axis",
            x1=num(left),
            y1=num(top + plot_h),
            x2=num(left + plot_w),
            y2=num(top + plot_h),
        ),
        el("line", class_="kg-axis", x1=num(left), y1=num(top), x2=num(left), y2=num(top + plot_h)),
        _text(left + plot_w, height - 6, volume, FONT - 1, text_anchor="end"),
        _text(4, top + 10, svg_text(labels.label("effort")), FONT - 1),
        _text(left - 6, top + 22, f"{max_y:.0f}", FONT - 1, text_anchor="end"),
    ]
    for r in rows:
        if r.volume is None:
            continue
        x = left + r.volume / max_x * plot_w
        y = top + plot_h - r.hours / max_y * plot_h
        name = fit(r.record.data.name, FONT - 1, right - 12)
        tip = f"{r.record.data.name}: {r.hours:.0f} h, {currency} {r.volume:,.0f}"
        dot = el("circle", cx=num(x), cy=num(y), r="6", fill=POINT_COLOUR)
        point = el("title", svg_text(tip)) + dot + _text(x + 9, y + 4, svg_text(name), FONT - 1)
        body.append(el("g", point, class_="kg-point"))
    return _svg(
        "effort-value", WIDTH, height, labels.label("effort_vs_value"), body, labels.label("chart_desc")
    )


__all__ = ["HORIZON_COLOURS", "effort_value_chart", "horizon_chart", "owner_chart"]
