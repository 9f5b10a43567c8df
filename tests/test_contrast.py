"""The relationship map's colours meet WCAG 2.2 AA in both colour schemes:
text 4.5:1 on every stance fill (1.4.3), box borders and lines 3:1 against
the page (1.4.11), and every stance has a mark besides its colour (1.4.1)."""

from __future__ import annotations

import pytest

from kamgen.drawings import style
from tests.browser import contrast


def rgb(hex_colour: str) -> list[float]:
    value = hex_colour.lstrip("#")
    return [float(int(value[i : i + 2], 16)) for i in (0, 2, 4)]


@pytest.mark.parametrize("stance", list(style.STANCE_PAINT))
def test_text_in_a_box_reads_on_its_fill(stance: str) -> None:
    paint = style.STANCE_PAINT[stance]
    for text, fill in (
        (style.MAP_TEXT, paint.fill),
        (style.MAP_MUTED, paint.fill),
        (style.DARK_MAP_TEXT, paint.dark_fill),
        (style.DARK_MAP_MUTED, paint.dark_fill),
    ):
        ratio = contrast(rgb(text), rgb(fill))
        assert ratio >= 4.5, f"{stance}: {text} on {fill} is {ratio:.2f}:1"


@pytest.mark.parametrize("stance", list(style.STANCE_PAINT))
def test_box_border_stands_out_from_the_page(stance: str) -> None:
    paint = style.STANCE_PAINT[stance]
    light = contrast(rgb(paint.stroke), rgb(style.PAGE_BG))
    dark = contrast(rgb(paint.dark_stroke), rgb(style.DARK_PAGE_BG))
    assert light >= 3 and dark >= 3, f"{stance}: border {light:.2f}:1 (light), {dark:.2f}:1 (dark)"


@pytest.mark.parametrize("kind", list(style.LINES))
def test_lines_stand_out_from_the_page(kind: str) -> None:
    line = style.LINES[kind]
    light = contrast(rgb(line.colour), rgb(style.PAGE_BG))
    dark = contrast(rgb(line.dark), rgb(style.DARK_PAGE_BG))
    assert light >= 3 and dark >= 3, f"{kind}: {light:.2f}:1 (light), {dark:.2f}:1 (dark)"


def test_left_box_text_reads() -> None:
    for text, fill in ((style.MAP_TEXT, style.LEFT_FILL), (style.DARK_MAP_TEXT, style.DARK_LEFT_FILL)):
        assert contrast(rgb(text), rgb(fill)) >= 4.5


def test_every_stance_has_its_own_mark() -> None:
    marks = [style.STANCE_MARK[s] for s in style.STANCE_PAINT]
    assert all(m.strip() for m in marks) and len(set(marks)) == len(marks)
