"""The relationship map's legend: its entries, flowed into lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kamgen.drawings.cards import ROLE_CODES, TREND_ARROWS, UNKNOWN_ROLE
from kamgen.drawings.style import REPORTS_TO
from kamgen.drawings.svg import one_line, text_width
from kamgen.labels import Labels
from kamgen.schema import Level3, RelationKind, Stance

EDGE_KINDS: tuple[str, ...] = (REPORTS_TO, *(k.value for k in RelationKind))
STANCES: tuple[str, ...] = (*(s.value for s in Stance), "unknown")
LEVELS: tuple[str, ...] = tuple(v.value for v in Level3)

LEGEND_SIZE = 11.0
LEG_PAD = 10.0
LEG_LINE = 22.0
SWATCH = 24.0
LEG_SPACE = 14.0


@dataclass(frozen=True)
class Key:
    """One legend entry, at x from the legend's inner left, on a numbered line."""

    kind: str  # title | heading | stance | influence | trend | line | role | known | cover | left
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
        (
            labels.label("influence"),
            [("influence", lv, labels.enum("level", lv)) for lv in LEVELS]
            + [("trend", arrow, labels.enum("trend", t)) for t, arrow in TREND_ARROWS.items()],
        ),
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


def min_width(labels: Labels) -> float:
    widest = max(_key_width(t) for _, items in _sections(labels) for _, _, t in items)
    title = text_width(one_line(labels.label("legend")), LEGEND_SIZE)
    # At least two entries a line, or a small map's legend would be a tall column.
    return 2 * LEG_PAD + max(_head_col(labels) + 2 * widest + LEG_SPACE, title)


def keys(labels: Labels, width: float) -> list[Key]:
    """Legend entries flowed into lines: one section a line, wrapping under its items."""
    inner, indent = width - 2 * LEG_PAD, _head_col(labels)
    keys = [Key("title", "", one_line(labels.label("legend")), 0, 0)]
    line = 0
    for heading, items in _sections(labels):
        line += 1
        if heading:
            keys.append(Key("heading", "", one_line(heading), 0, line))
        x = indent
        for kind, value, text in items:
            if x > indent and x + _key_width(text) > inner:
                line, x = line + 1, indent
            keys.append(Key(kind, value, one_line(text), x, line))
            x += _key_width(text) + LEG_SPACE
    return keys


def height(keys: Sequence[Key]) -> float:
    return 2 * LEG_PAD + (max(k.line for k in keys) + 1) * LEG_LINE
