"""The relationship map drawn as inline SVG, from :func:`layout_map`'s geometry.

Every piece of account text is untrusted: it is cleaned of characters XML
forbids, has its whitespace collapsed (a blank line would end the raw HTML
block the map is embedded in), and is escaped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from markupsafe import Markup

from kamgen.drawings import legend
from kamgen.drawings.cards import (
    BADGE_SIZE,
    COVER_X,
    KNOWN_R,
    NAME_SIZE,
    NAME_X,
    ROLE_R,
    ROLE_SIZE,
    SEP,
    TITLE_SIZE,
    TITLE_Y,
    Card,
    card,
    tooltip,
)
from kamgen.drawings.geometry import MARGIN, PAD, Box, Edge
from kamgen.drawings.legend import LEG_LINE, LEG_PAD, LEGEND_SIZE, SWATCH, Key
from kamgen.drawings.ordering import people
from kamgen.drawings.relmap import EMPTY_SIZE, MapLayout, empty_text, layout_map
from kamgen.drawings.style import (
    LINES,
    STANCE_MARK,
    map_sheet,
)
from kamgen.drawings.svg import el, fit, num, polyline, root, text_width
from kamgen.drawings.svg import plain as svg_text
from kamgen.labels import Labels
from kamgen.schema import Account


def _text(cls: str, x: float, y: float, text: str, **more: object) -> str:
    """A text of the map; its size, anchor and weight come from its class (style.TEXT_LOOKS)."""
    return el("text", svg_text(text), class_=cls, x=num(x), y=num(y), **more)


def _mark(cls: str, mark_cls: str, centre: tuple[float, float], r: float, size: float, mark: str) -> str:
    """A letter or sign in a small circle: the buying role, or whether we know the person."""
    cx, cy = centre
    # An unknown role is a gap to close: its circle is dashed.
    dashed = " kg-role-unknown" if mark == "?" and cls == "kg-role" else ""
    circle = el("circle", class_=dashed.strip() or None, cx=num(cx), cy=num(cy), r=num(r))
    return circle + _text(mark_cls, cx, cy + size * 0.35, mark)


def _role(centre: tuple[float, float], code: str) -> str:
    return _mark("kg-role", "kg-role-code", centre, ROLE_R, ROLE_SIZE, code)


def _known(centre: tuple[float, float], known: bool) -> str:
    cls = "kg-known-yes" if known else "kg-known-no"
    return _mark("kg-known", cls, centre, KNOWN_R, BADGE_SIZE, "✓" if known else "?")


def _defs(uid: str) -> str:
    tip = el("path", class_="kg-arrow", d="M0,0L10,5L0,10z")
    marker = el(
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
    return el("defs", marker)


def _uid(account: Account) -> str:
    """Marker ids are page-wide: make them the account's own, and stable between builds."""
    seed = "\n".join([account.name, *(p.id for p in account.stakeholders)])
    return hashlib.sha1(seed.encode("utf-8")).hexdigest()[:8]


def _path(points: Sequence[tuple[float, float]], curved: bool) -> str:
    if not curved:
        return polyline(points)
    (x, y), rest = points[0], points[1:]
    pieces = zip(rest[::2], rest[1::2], strict=True)
    return f"M{num(x)},{num(y)}" + "".join(
        f"Q{num(qx)},{num(qy)} {num(ex)},{num(ey)}" for (qx, qy), (ex, ey) in pieces
    )


def _stroke(kind: str, uid: str) -> dict[str, object]:
    """A line kind's arrowhead; its colour, width and dashes are its class's (style.map_sheet)."""
    return {"marker_end": f"url(#kg-arrow-{uid})" if LINES[kind].arrow else None}


def _edge(edge: Edge, names: Mapping[str, str], labels: Labels, uid: str) -> str:
    tip = f"{names[edge.source]} {labels.enum('relation', edge.kind)} {names[edge.target]}"
    return el(
        "path",
        el("title", svg_text(tip)),
        class_=f"kg-edge kg-edge-{edge.kind}",
        data_from=edge.source,
        data_to=edge.target,
        d=_path(edge.points, edge.curved),
        **_stroke(edge.kind, uid),
    )


def _badge_row(card: Card, w: float) -> tuple[str, str, float]:
    """Coverage initials and the 'left' label, shortened to share the row
    with the trend arrow at its end; the label's x."""
    room = w - COVER_X - PAD - card.trend_width
    if not card.left:
        return fit(card.cover, BADGE_SIZE, room), "", 0.0
    cover = fit(card.cover, BADGE_SIZE, room / 2) if card.cover else ""
    used = text_width(cover, BADGE_SIZE) + SEP if cover else 0.0
    return cover, fit(card.left, BADGE_SIZE, room - used), COVER_X + used


def _box_rect(box: Box, card: Card) -> str:
    return el(
        "rect",
        class_=f"kg-box kg-stance-{card.stance} kg-influence-{card.influence}",
        x=num(box.x),
        y=num(box.y),
        width=num(box.w),
        height=num(box.h),
        rx="6",
    )


def _box_content(box: Box, card: Card) -> list[str]:
    """Role and name on top, the title below, then known-in-person, coverage and 'left'."""
    x, y = box.x, box.y
    badge_y = y + box.h - PAD - KNOWN_R
    badge_base = badge_y + BADGE_SIZE * 0.35
    cover, left, left_x = _badge_row(card, box.w)
    mark = STANCE_MARK[card.stance]
    mark_w = text_width(mark, NAME_SIZE) + SEP
    name_y = y + PAD + ROLE_R + NAME_SIZE * 0.35
    parts = [
        _role((x + PAD + ROLE_R, y + PAD + ROLE_R), card.role),
        _text("kg-name", x + NAME_X, name_y, fit(card.name, NAME_SIZE, box.w - NAME_X - PAD - mark_w)),
        _text("kg-stance-mark", x + box.w - PAD, name_y, mark),
        _known((x + PAD + KNOWN_R, badge_y), card.known),
    ]
    if card.title:
        title = fit(card.title, TITLE_SIZE, box.w - 2 * PAD)
        parts.append(_text("kg-title kg-muted", x + PAD, y + TITLE_Y, title))
    if cover:
        parts.append(_text("kg-cover", x + COVER_X, badge_base, cover))
    if left:
        parts.append(_text("kg-left-label kg-muted", x + left_x, badge_base, left))
    if card.trend:
        parts.append(_trend(x + box.w - PAD, badge_base, card))
    return parts


def _trend(right: float, baseline: float, card: Card) -> str:
    """The influence trend arrow, right-aligned on the badge row. A glyph
    alone says nothing to a screen reader: it is an image named by its words
    (which the box's title says too)."""
    return el(
        "text",
        svg_text(card.trend),
        class_="kg-trend",
        x=num(right),
        y=num(baseline),
        role="img",
        aria_label=card.trend_words,
    )


def _node(box: Box, card: Card, tooltip: str) -> str:
    content = el("title", tooltip) + _box_rect(box, card) + "".join(_box_content(box, card))
    cls = "kg-node kg-left" if card.left else "kg-node"
    # No fading for people who left: faded text falls under 4.5:1; the grey box and its label say it.
    return el("a", content, class_=cls, href=f"#person-{card.id}")


def _legend(layout: MapLayout, labels: Labels, uid: str) -> str:
    box = layout.legend
    parts = [
        el(
            "rect",
            class_="kg-legend-box",
            x=num(box.x),
            y=num(box.y),
            width=num(box.w),
            height=num(box.h),
            rx="4",
        )
    ]
    for key in legend.keys(labels, box.w):
        x = box.x + LEG_PAD + key.x
        cy = box.y + LEG_PAD + (key.line + 0.5) * LEG_LINE
        parts.append(_legend_key(key, x, cy, uid))
    return el("g", "".join(parts), class_="kg-legend")


def _legend_key(key: Key, x: float, cy: float, uid: str) -> str:
    baseline = cy + LEGEND_SIZE * 0.35
    if key.kind in ("title", "heading"):
        cls = "kg-legend-title" if key.kind == "title" else "kg-legend-head kg-muted"
        return _text(cls, x, baseline, key.text)
    label = _text("kg-legend-label", x + SWATCH + 6, baseline, key.text)
    return _swatch(key, x, cy, uid) + label


def _swatch(key: Key, x: float, cy: float, uid: str) -> str:
    """The sample drawn before a legend entry: as the map draws it, in small."""
    area: dict[str, object] = {"x": num(x), "y": num(cy - 7), "width": num(SWATCH), "height": "14", "rx": "3"}
    mid = x + SWATCH / 2
    if key.kind == "stance":
        cls = f"kg-box kg-stance-{key.value} kg-sample-box"
        box = el("rect", class_=cls, **area)
        return box + _text("kg-sample kg-stance-mark", mid, cy + BADGE_SIZE * 0.35, STANCE_MARK[key.value])
    if key.kind == "influence":
        return el("rect", class_=f"kg-swatch kg-influence-{key.value}", **area)
    if key.kind == "trend":
        return _text("kg-sample-trend kg-trend", mid, cy + BADGE_SIZE * 0.35, key.value)
    if key.kind == "line":
        d = _path(((x, cy), (x + SWATCH - 2, cy)), curved=False)
        return el("path", class_=f"kg-edge-{key.value}", d=d, **_stroke(key.value, uid))
    if key.kind == "role":
        return _role((mid, cy), key.value)
    if key.kind == "known":
        return _known((mid, cy), key.value == "yes")
    if key.kind == "cover":
        return _text("kg-sample kg-cover", mid, cy + BADGE_SIZE * 0.35, key.value)
    grey = el("rect", class_="kg-box kg-stance-unknown kg-influence-low", **area)
    return el("g", grey, class_="kg-left")


def render_map(account: Account, labels: Labels, team_names: dict[str, str]) -> Markup:
    """The account's relationship map as one <svg> element.

    Every line starts with "<" and none is blank: the map is a raw HTML block
    in Markdown, which a blank line would end. <style> shares the first line
    because Python-Markdown takes a line starting with it for a block of its own.
    """
    layout = layout_map(account, labels=labels, team_names=team_names)
    label = f"{labels.label('relationship_map')}: {account.name}"
    head = root(
        "kg-map", layout.width, layout.height, label, map_sheet(), labels.label("map_desc"), links=True
    )
    if not layout.boxes:
        y = MARGIN + EMPTY_SIZE * 0.8
        return Markup("\n".join([head, _text("kg-empty kg-muted", MARGIN, y, empty_text(labels)), "</svg>"]))
    uid = _uid(account)
    persons = {p.id: p for p in people(account)}
    names = {pid: p.name for pid, p in persons.items()}
    lines = [head + _defs(uid)]
    lines += [_edge(edge, names, labels, uid) for edge in layout.edges]
    for pid, box in layout.boxes.items():
        shown = card(persons[pid], labels, team_names)
        lines.append(_node(box, shown, tooltip(persons[pid], labels, team_names)))
    lines += [_legend(layout, labels, uid), "</svg>"]
    return Markup("\n".join(lines))
