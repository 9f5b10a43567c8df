"""The one stylesheet of kamgen's drawings: every colour and every CSS rule.

Each drawing carries the rules scoped to its own class (``kg-map``,
``kg-timeline``, ``kg-chart``) inline, so that it reads on any page, in feeds
and offline, with no stylesheet to fetch. Material's variables follow the
colour scheme; fills and line colours that would not read on Material's slate
scheme get a rule of their own. Like everything in a drawing, the rules are
free of characters Markdown acts on.
"""

from __future__ import annotations

from dataclasses import dataclass

REPORTS_TO = "reports-to"
SLATE = '[data-md-color-scheme="slate"]'


def on_screen(rules: str) -> str:
    """Slate rules for the screen only: paper is white, so a page read in
    dark mode prints with the light colours."""
    return "@media screen{" + rules + "}"


# ---------------------------------------------------------------- relationship map


@dataclass(frozen=True)
class Paint:
    """A stance's box: light fills under dark text, and in Material's slate
    scheme dark fills under light text, so text contrasts with its fill."""

    fill: str
    stroke: str
    dark_fill: str
    dark_stroke: str


STANCE_PAINT: dict[str, Paint] = {
    # Borders are graphics (3:1 against the page, WCAG 1.4.11); the text in a
    # box is drawn in MAP_TEXT over the fill (4.5:1, tests/test_contrast.py).
    "mentor": Paint("#8ce99a", "#2b8a3e", "#1b5e30", "#8ce99a"),
    "supporter": Paint("#d3f9d8", "#2f9e44", "#33453a", "#b2f2bb"),
    "neutral": Paint("#fff3bf", "#b35c00", "#4a3f12", "#ffd43b"),
    "non-supporter": Paint("#ffd8a8", "#d9480f", "#5a3213", "#ffa94d"),
    "enemy": Paint("#ffa8a8", "#c92a2a", "#5e1f1f", "#ff8787"),
    "unknown": Paint("#ffffff", "#6c757d", "#2b2d3a", "#909296"),
}
# Stance is also a mark in the box's corner, so it reads without colour (WCAG 1.4.1).
STANCE_MARK: dict[str, str] = {
    "mentor": "++",
    "supporter": "+",
    "neutral": "=",
    "non-supporter": "\u2212",
    "enemy": "\u2212\u2212",
    "unknown": "?",
}
# Opaque text colours for the map, light and slate: Material's translucent
# muted grey falls under 4.5:1 on the stance fills.
MAP_TEXT, MAP_MUTED = "#1b1b1b", "#212529"
DARK_MAP_TEXT, DARK_MAP_MUTED = "#e8e8ec", "#d5d6d9"
# Material's page backgrounds: default and slate schemes.
PAGE_BG, DARK_PAGE_BG = "#ffffff", "#1e2129"
LEFT_FILL, LEFT_STROKE = "#e9ecef", "#6c757d"
DARK_LEFT_FILL = "#3b3f4a"
INFLUENCE_WIDTH: dict[str, float] = {"high": 3.5, "medium": 2.0, "low": 1.0, "unknown": 1.0}
UNKNOWN_INFLUENCE_DASH = "3 2"


@dataclass(frozen=True)
class Line:
    colour: str  # as an attribute too, so the map reads without its CSS (feeds, other sites)
    dark: str  # on Material's slate scheme
    dash: str
    width: float
    arrow: bool


LINES: dict[str, Line] = {
    # Opaque greys, not Material's translucent --md-default-fg-color--lighter: a
    # team's lines share their trunk, and translucent ones would darken there.
    REPORTS_TO: Line("#767c84", "#80868f", "none", 1.5, False),
    "influences": Line("#1c7ed6", "#74c0fc", "6 4", 1.6, True),
    "allied-with": Line("#2f9e44", "#8ce99a", "1.5 4", 2.2, False),
    "in-conflict-with": Line("#e03131", "#ff8787", "8 3 2 3", 1.8, False),
}


@dataclass(frozen=True)
class Look:
    """How a class of the map's text is set: size in px, anchor, weight."""

    size: float
    anchor: str = "start"
    weight: str = "400"
    italic: bool = False


# Keyed by the text's first class. The map's text is set by these rules, not
# by attributes on each element: a map of twenty people is a third shorter.
# (Sizes as in cards.py and legend.py: names 13, titles 11, badges 10, roles 9.)
TEXT_LOOKS: dict[str, Look] = {
    "kg-name": Look(13, weight="600"),
    "kg-stance-mark": Look(13, "end", "700"),
    "kg-title": Look(11),
    "kg-role-code": Look(9, "middle", "700"),
    "kg-known-yes": Look(10, "middle", "700"),
    "kg-known-no": Look(10, "middle", "700"),
    "kg-cover": Look(10, weight="600"),
    "kg-left-label": Look(10, italic=True),
    "kg-trend": Look(10, "end", "700"),
    "kg-legend-title": Look(11, weight="700"),
    "kg-legend-head": Look(11, weight="700"),
    "kg-legend-label": Look(11),
    "kg-empty": Look(13),
    # The legend's samples of the marks, centred under their swatch.
    "kg-sample": Look(10, "middle"),
    "kg-sample-trend": Look(10, "middle", "700"),
}


def text_look(classes: str) -> Look:
    """The look of a map text of these classes (its first one decides)."""
    return TEXT_LOOKS[classes.split()[0]]


def _look_rule(cls: str, look: Look) -> str:
    # Every property, so that a legend sample (two classes) takes all of its first class's.
    rule = f"font-size:{look.size:g}px;text-anchor:{look.anchor};font-weight:{look.weight}"
    rule += ";font-style:italic" if look.italic else ""
    return f".kg-map .{cls}{{{rule}}}"


def _line_rule(kind: str, line: Line) -> str:
    rule = f"stroke:{line.colour};stroke-width:{line.width:g}px"
    rule += f";stroke-dasharray:{line.dash}" if line.dash != "none" else ""
    rule += ";stroke-linecap:round" if kind == "allied-with" else ""
    return f".kg-map .kg-edge-{kind}{{{rule}}}"


def map_sheet() -> str:
    slate = f"{SLATE} .kg-map"
    fg, muted, bg = "--md-default-fg-color", "--md-default-fg-color--light", "--md-default-bg-color"
    dark = [f"{slate} text{{fill:{DARK_MAP_TEXT}}}", f"{slate} .kg-muted{{fill:{DARK_MAP_MUTED}}}"]
    rules = [
        f".kg-map text{{fill:{MAP_TEXT}}}",
        *(_look_rule(cls, look) for cls, look in TEXT_LOOKS.items()),
        ".kg-map path{fill:none}",
        ".kg-map .kg-arrow{fill:" + LINES["influences"].colour + "}",
        *(f".kg-map .kg-influence-{k}{{stroke-width:{w:g}px}}" for k, w in INFLUENCE_WIDTH.items()),
        f".kg-map .kg-influence-unknown{{stroke-dasharray:{UNKNOWN_INFLUENCE_DASH}}}",
        ".kg-map .kg-role-unknown{stroke-dasharray:2 2}",
        ".kg-map .kg-sample-box{stroke-width:1.5px}",
        f".kg-map .kg-muted{{fill:{MAP_MUTED}}}",
        # Circles are the role and known-in-person badges; nothing else is round.
        f".kg-map circle{{fill:var({bg}, #fff);stroke:var({muted}, #5c5f66)}}",
        f".kg-map .kg-swatch{{fill:var({bg}, #fff);stroke:var({fg}, #1b1b1b)}}",
        f".kg-map .kg-legend-box{{fill:none;stroke:var({fg}--lightest, #e0e0e0)}}",
        ".kg-map .kg-node:hover .kg-name,.kg-map .kg-node:focus .kg-name{text-decoration:underline}",
    ]
    for stance, paint in STANCE_PAINT.items():
        rules.append(f".kg-map .kg-stance-{stance}{{fill:{paint.fill};stroke:{paint.stroke}}}")
        dark.append(f"{slate} .kg-stance-{stance}{{fill:{paint.dark_fill};stroke:{paint.dark_stroke}}}")
    for kind, line in LINES.items():
        rules.append(_line_rule(kind, line))
        dark.append(f"{slate} .kg-edge-{kind}{{stroke:{line.dark}}}")
    dark.append(f"{slate} .kg-arrow{{fill:{LINES['influences'].dark}}}")
    # Last and more specific than the stance rules: people who left are grey whatever their stance.
    rules.append(f".kg-map .kg-left .kg-box{{fill:{LEFT_FILL};stroke:{LEFT_STROKE}}}")
    dark.append(f"{slate} .kg-left .kg-box{{fill:{DARK_LEFT_FILL};stroke:{LEFT_STROKE}}}")
    return "<style>" + "".join(rules) + on_screen("".join(dark)) + "</style>"


# ---------------------------------------------------------------- timeline

RED, RED_DARK = "#c62828", "#ef5350"
GREEN, GREEN_DARK = "#2e7d32", "#66bb6a"

# Material's variables carry the light and dark palettes; the fallbacks serve
# any other page. Red and green are fixed colours, lightened for slate.
_TIMELINE = (
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
    ".kg-timeline text.kg-today-label{fill:var(--md-default-fg-color,#222);font-weight:600}"
    ".kg-timeline .kg-label{paint-order:stroke;stroke:var(--md-default-bg-color,#fff);"
    "stroke-width:3px;stroke-linejoin:round}"
    ".kg-timeline .kg-goal .kg-mark{fill:var(--md-primary-fg-color,#4051b5);"
    "stroke:var(--md-default-bg-color,#fff);stroke-width:1}"
    ".kg-timeline a.kg-goal:hover .kg-label,.kg-timeline a.kg-goal:focus .kg-label{text-decoration:underline}"
    f".kg-timeline .kg-overdue .kg-mark{{fill:{RED}}}"
    f".kg-timeline .kg-overdue text{{fill:{RED};font-weight:600}}"
    f".kg-timeline .kg-achieved .kg-mark{{fill:{GREEN}}}"
    ".kg-timeline .kg-check{fill:none;stroke:#fff;stroke-width:1.6}"
    ".kg-timeline .kg-dropped .kg-mark{opacity:.6}"
    ".kg-timeline .kg-dropped text{text-decoration:line-through}"
    ".kg-timeline .kg-action circle{fill:var(--md-default-bg-color,#fff);"
    "stroke:var(--md-default-fg-color--light,#666);stroke-width:1.5}"
    ".kg-timeline .kg-action.kg-done circle{fill:var(--md-default-fg-color--light,#666)}"
    ".kg-timeline .kg-action.kg-cancelled{opacity:.45}"
    f".kg-timeline .kg-action.kg-overdue circle{{stroke:{RED};fill:#ffcdd2}}"
    f"{SLATE} .kg-timeline .kg-overdue .kg-mark{{fill:{RED_DARK}}}"
    f"{SLATE} .kg-timeline .kg-overdue text{{fill:{RED_DARK}}}"
    f"{SLATE} .kg-timeline .kg-achieved .kg-mark{{fill:{GREEN_DARK}}}"
    f"{SLATE} .kg-timeline .kg-check{{stroke:#1b1b1b}}"
    f"{SLATE} .kg-timeline .kg-action.kg-overdue circle"
    f"{{stroke:{RED_DARK};fill:#4a1c1c}}"
)
_TIMELINE_LIGHT, _TIMELINE_DARK = _TIMELINE.split(SLATE, 1)


def timeline_sheet() -> str:
    return f"<style>{_TIMELINE_LIGHT}{on_screen(SLATE + _TIMELINE_DARK)}</style>"


# ---------------------------------------------------------------- charts

# One colour per horizon, from now (warm) to long term (cool); readable on
# white and on Material's slate.
HORIZON_COLOURS = {
    "now": "#e57373",
    "3-months": "#ffb74d",
    "6-months": "#fff176",
    "12-months": "#81c784",
    "long-term": "#64b5f6",
    "unspecified": "#b0bec5",
}
POINT_COLOUR = "#5c6bc0"
_CHART = (
    ".kg-chart text{fill:var(--md-default-fg-color,#222);font-family:var(--md-text-font-family,sans-serif)}"
    ".kg-chart .kg-axis{stroke:var(--md-default-fg-color--lighter,#bbb)}"
    ".kg-chart .kg-capacity{fill:none;stroke:var(--md-default-fg-color,#222);"
    "stroke-width:1.5;stroke-dasharray:4 3}"
    ".kg-chart .kg-over{fill:#c62828}"
)
_CHART_DARK = f"{SLATE} .kg-chart .kg-over{{fill:#ef9a9a}}"


def chart_sheet() -> str:
    return f"<style>{_CHART}{on_screen(_CHART_DARK)}</style>"


# ---------------------------------------------------------------- matrix

# Health colours of the points (the status is also in the table and the
# point's title); dark enough against white and the slate background (3:1).
_MATRIX = (
    ".kg-matrix .kg-plot{fill:none;stroke:var(--md-default-fg-color--lighter,#bbb)}"
    ".kg-matrix .kg-threshold{stroke:var(--md-default-fg-color--light,#666);stroke-width:1.5;"
    "stroke-dasharray:6 4}"
    f".kg-matrix .kg-cell{{fill:{POINT_COLOUR}}}"
    ".kg-matrix .kg-quadrant{font-weight:700;fill:var(--md-default-fg-color--light,#555)}"
    ".kg-matrix .kg-name{paint-order:stroke;stroke:var(--md-default-bg-color,#fff);stroke-width:3px;"
    "stroke-linejoin:round}"
    ".kg-matrix .kg-dot{stroke:var(--md-default-bg-color,#fff);stroke-width:1.5}"
    f".kg-matrix .kg-dot-red{{fill:{RED}}}"
    ".kg-matrix .kg-dot-amber{fill:#b35c00}"
    f".kg-matrix .kg-dot-green{{fill:{GREEN}}}"
    ".kg-matrix a.kg-point:hover .kg-name,.kg-matrix a.kg-point:focus .kg-name{text-decoration:underline}"
)
_MATRIX_DARK = (
    f"{SLATE} .kg-matrix .kg-dot-red{{fill:{RED_DARK}}}"
    f"{SLATE} .kg-matrix .kg-dot-amber{{fill:#ffa94d}}"
    f"{SLATE} .kg-matrix .kg-dot-green{{fill:{GREEN_DARK}}}"
)


def matrix_sheet() -> str:
    return f"<style>{_CHART}{_MATRIX}{on_screen(_CHART_DARK + _MATRIX_DARK)}</style>"


# ---------------------------------------------------------------- inlined drawings

# The map and the timeline are files of their own (render.drawing_file), each
# with its stylesheet, so that it reads wherever it is shown as an image.
# kamgen's own build puts them inline in the page (site.Drawings): there the
# site's stylesheet carries their rules once, and each drawing leaves its
# copy out (about 6 KB an account page).
_INLINED = (map_sheet(), timeline_sheet())


def site_rules() -> str:
    """The rules of the drawings kamgen's build inlines, for the site's stylesheet."""
    return "\n".join(sheet.removeprefix("<style>").removesuffix("</style>") for sheet in _INLINED)


def unstyled(svg: str) -> str:
    """``svg`` without its stylesheet when that is one :func:`site_rules` carries."""
    for sheet in _INLINED:
        if sheet in svg:
            return svg.replace(sheet, "", 1)
    return svg
