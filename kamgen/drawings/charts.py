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
from kamgen.drawings.svg import attrs, fit, root, text_width
from kamgen.drawings.svg import text as svg_text
from kamgen.labels import Labels

FONT = 12
BAR_H = 18
GAP = 14
WIDTH = 720


def _svg(kind: str, width: float, height: float, label: str, body: list[str]) -> Markup:
    head = root(f"kg-chart kg-chart-{kind}", width, height, label, chart_sheet())
    return Markup("\n".join([head, *body, "</svg>"]))


def _legend(labels: Labels, y: float) -> list[str]:
    out, x = [], 0.0
    for h in HORIZONS:
        name = labels.enum("horizon", h) if h != "unspecified" else labels.label("unspecified")
        out.append(f"<rect {attrs(x=x, y=y, width=12, height=12, fill=HORIZON_COLOURS[h])}/>")
        out.append(f"<text {attrs(x=x + 16, y=y + 10, font_size=FONT - 1)}>{svg_text(name)}</text>")
        x += 16 + text_width(name, FONT - 1) + 14
    return out


def _stack(x: float, y: float, scale: float, hours: dict[str, float], labels: Labels) -> list[str]:
    out = []
    for h in HORIZONS:
        if hours.get(h, 0) <= 0:
            continue
        w = hours[h] * scale
        name = labels.enum("horizon", h) if h != "unspecified" else labels.label("unspecified")
        title = f"<title>{svg_text(name)}: {hours[h]:.0f} h</title>"
        out.append(
            f"<rect {attrs(x=f'{x:.1f}', y=y, width=f'{w:.1f}', height=BAR_H, fill=HORIZON_COLOURS[h])}>"
            f"{title}</rect>"
        )
        x += w
    return out


def owner_chart(loads: list[OwnerLoad], labels: Labels) -> Markup:
    """Per owner: hours planned in the window by horizon, against capacity (dashed)."""
    name_w = max([text_width(load.member.name, FONT) for load in loads] + [60]) + 12
    value_w = 150
    plot_w = WIDTH - name_w - value_w
    peak = max([max(load.capacity, load.planned) for load in loads] + [1.0])
    scale = plot_w / peak
    body: list[str] = []
    y = 0.0
    for load in loads:
        body.append(
            f"<text {attrs(x=0, y=y + 13, font_size=FONT)}>"
            f"{svg_text(fit(load.member.name, FONT, name_w - 8))}</text>"
        )
        body += _stack(name_w, y, scale, load.planned_by_horizon, labels)
        cap_w = load.capacity * scale
        body.append(
            f'<rect class="kg-capacity" {attrs(x=name_w, y=y - 2, width=f"{cap_w:.1f}", height=BAR_H + 4)}/>'
        )
        pct = f" ({load.utilisation_pct:.0f}%)" if load.utilisation_pct is not None else ""
        cls = ' class="kg-over"' if load.overloaded else ""
        text = f"{load.planned:.0f} h / {load.capacity:.0f} h{pct}"
        body.append(
            f"<text{cls} {attrs(x=WIDTH - value_w + 8, y=y + 13, font_size=FONT)}>{svg_text(text)}</text>"
        )
        y += BAR_H + GAP
    body += _legend(labels, y + 4)
    return _svg("owners", WIDTH, y + 24, labels.label("time_by_owner"), body)


def horizon_chart(hours: dict[str, float], labels: Labels) -> Markup:
    """The portfolio's open hours by horizon: the short- and long-term balance."""
    name_w = max(text_width(labels.enum("horizon", h), FONT) for h in HORIZONS[:-1]) + 12
    name_w = max(name_w, text_width(labels.label("unspecified"), FONT) + 12)
    plot_w = WIDTH - name_w - 80
    peak = max([*hours.values(), 1.0])
    body: list[str] = []
    y = 0.0
    for h in HORIZONS:
        name = labels.enum("horizon", h) if h != "unspecified" else labels.label("unspecified")
        w = hours.get(h, 0.0) / peak * plot_w
        body.append(f"<text {attrs(x=0, y=y + 13, font_size=FONT)}>{svg_text(name)}</text>")
        body.append(
            f"<rect {attrs(x=name_w, y=y, width=f'{w:.1f}', height=BAR_H, fill=HORIZON_COLOURS[h])}/>"
        )
        body.append(
            f"<text {attrs(x=name_w + w + 6, y=y + 13, font_size=FONT)}>{hours.get(h, 0.0):.0f} h</text>"
        )
        y += BAR_H + GAP
    return _svg("horizons", WIDTH, y, labels.label("effort_by_horizon"), body)


def effort_value_chart(rows: list[EffortValue], labels: Labels, currency: str) -> Markup:
    """Open effort hours (y) against annual volume (x), one dot per account."""
    left, bottom, top, right = 56.0, 36.0, 12.0, 180.0
    height = 300.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    max_x = max([r.volume or 0 for r in rows] + [1.0])
    max_y = max([r.hours for r in rows] + [1.0])
    body = [
        f'<line class="kg-axis" {attrs(x1=left, y1=top + plot_h, x2=left + plot_w, y2=top + plot_h)}/>',
        f'<line class="kg-axis" {attrs(x1=left, y1=top, x2=left, y2=top + plot_h)}/>',
        f"<text {attrs(x=left + plot_w, y=height - 6, font_size=FONT - 1, text_anchor='end')}>"
        f"{svg_text(labels.label('annual_volume'))} ({svg_text(currency)}, {max_x:,.0f} max)</text>",
        f"<text {attrs(x=4, y=top + 10, font_size=FONT - 1)}>{svg_text(labels.label('effort'))}</text>",
        f"<text {attrs(x=left - 6, y=top + 22, font_size=FONT - 1, text_anchor='end')}>{max_y:.0f}</text>",
    ]
    for r in rows:
        if r.volume is None:
            continue
        x = left + r.volume / max_x * plot_w
        y = top + plot_h - r.hours / max_y * plot_h
        name = fit(r.record.data.name, FONT - 1, right - 12)
        tip = f"{r.record.data.name}: {r.hours:.0f} h, {currency} {r.volume:,.0f}"
        label = attrs(x=f"{x + 9:.1f}", y=f"{y + 4:.1f}", font_size=FONT - 1)
        body.append(
            f'<g class="kg-point"><title>{svg_text(tip)}</title>'
            f"<circle {attrs(cx=f'{x:.1f}', cy=f'{y:.1f}', r=6, fill=POINT_COLOUR)}/>"
            f"<text {label}>{svg_text(name)}</text></g>"
        )
    return _svg("effort-value", WIDTH, height, labels.label("effort_vs_value"), body)


__all__ = ["HORIZON_COLOURS", "effort_value_chart", "horizon_chart", "owner_chart"]
