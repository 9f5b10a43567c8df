"""The one SVG writer of kamgen's drawings: text width, escaping, elements.

Drawings are laid out in Python at build time, so labels must be measured
without a browser. Width is estimated per character: East Asian wide and
full-width characters (CJK) count double. The estimate errs wide, so that a
label always fits the box drawn for it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from kamgen.escape import md, xml

# Average advance of a Latin character as a share of the font size, for the
# sans-serif fonts Material uses; a little above the true ~0.55 to err wide.
LATIN_EM = 0.62
WIDE_EM = 1.05


@functools.cache
def char_units(ch: str) -> float:
    """Width of one character in ems."""
    if unicodedata.combining(ch):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return WIDE_EM
    return LATIN_EM


# Layout measures the same names and labels many times over.
@functools.lru_cache(maxsize=1 << 16)
def text_width(text: str, font_size: float) -> float:
    """Estimated rendered width of ``text`` in pixels."""
    return sum(char_units(ch) for ch in text) * font_size


def fit(text: str, font_size: float, max_width: float) -> str:
    """``text`` shortened with an ellipsis so that it fits ``max_width``.

    The full text stays available in the element's <title>.
    """
    if text_width(text, font_size) <= max_width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", font_size) > max_width:
            break
        out += ch
    return out + "…"


# Characters XML 1.0 does not allow at all; account text may contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def one_line(value: object) -> str:
    """Account text on one line: no XML-invalid characters, whitespace collapsed.

    A blank line inside an SVG would end the raw HTML block in Markdown.
    """
    return " ".join(_NOT_XML.sub("", str(value)).split())


def text(value: object) -> str:
    """Account text as element content. Every ASCII punctuation mark becomes a
    character reference, not only XML's five: should a drawing ever reach a
    Markdown engine outside a block wrapper, no text can turn into markup."""
    return str(md(one_line(value)))


def plain(value: object) -> str:
    """Account text as element content of a drawing that is a file of its own
    (the map, the timeline): it never reaches Markdown, so XML's escaping is
    all it needs, and it stays a third shorter than :func:`text`."""
    return xml(one_line(value))


def attrs(**values: object) -> str:
    """Attributes for an SVG element, escaped; trailing _ in names is dropped,
    and other underscores become hyphens (stroke_width -> stroke-width)."""
    return " ".join(f'{_key(name)}="{_value(value)}"' for name, value in values.items() if value is not None)


@functools.cache
def _key(name: str) -> str:
    return name.rstrip("_").replace("_", "-")


_XML_SPECIAL = re.compile("[&<>\"']")


def _value(value: object) -> str:
    # Most values are numbers and class names: nothing to escape.
    text = str(value)
    return xml(text) if _XML_SPECIAL.search(text) else text


# ---------------------------------------------------------------- the writer


def num(value: float) -> str:
    """A coordinate with at most one decimal: short output, stable in tests."""
    out = f"{value:.1f}"
    out = out[:-2] if out.endswith(".0") else out
    return "0" if out == "-0" else out


def el(tag: str, content: str | None = None, /, **values: object) -> str:
    """One element; ``content`` must already be escaped. No content (None or
    empty) makes an empty element."""
    head = f"<{tag} {attrs(**values)}" if values else f"<{tag}"
    return f"{head}>{content}</{tag}>" if content else f"{head}/>"


def start(tag: str, /, **values: object) -> str:
    """An opening tag, for a group whose children go on lines of their own."""
    return f"<{tag} {attrs(**values)}>"


def root(
    cls: str, width: float, height: float, label: str, style: str, desc: str = "", *, links: bool = False
) -> str:
    """The opening <svg> tag with the drawing's stylesheet and description.

    A drawing whose parts are links is a named group, not an image: an image's
    children are hidden from assistive technology, so its links would be
    focusable yet nameless. <style> and <desc> stay on the <svg> line: at the
    start of a line Markdown would take them for an HTML block of their own.
    """
    head = attrs(
        class_=cls,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {num(width)} {num(height)}",
        width=num(width),
        role="group" if links else "img",
        aria_label=one_line(label),
        style="max-width:100%;height:auto",
    )
    described = f"<desc>{text(desc)}</desc>" if desc else ""
    return f"<svg {head}>{style}{described}"


def polyline(points: Sequence[tuple[float, float]]) -> str:
    """Path data through ``points`` with straight segments; a segment along an
    axis is written as one coordinate (H, V): formal lines are mostly such."""
    (x, y), rest = points[0], points[1:]
    out = [f"M{num(x)},{num(y)}"]
    at = (num(x), num(y))
    for px, py in rest:
        to = (num(px), num(py))
        out.append(f"V{to[1]}" if to[0] == at[0] else f"H{to[0]}" if to[1] == at[1] else f"L{to[0]},{to[1]}")
        at = to
    return "".join(out)
