"""Escaping for every output context. Account data is untrusted text.

Markdown and HTML (:func:`md`): every ASCII punctuation character becomes a
numeric character reference. References mean the same in Markdown text,
table cells, raw HTML blocks and attributes, so one escaper is safe in all
of them, and no Markdown syntax (links, emphasis, tables, HTML) can be
smuggled through a value. Pull-request comments and drawings use it.

Site pages (:func:`text`): the same guarantee with fewer references. Every
reference is an inline-pattern match in Python-Markdown, and a page with a
few thousand of them spent most of its conversion there; ``.``, ``,``,
``-``, ``(``, ``)``, ``/``, ``%``, ``?``, ``;`` and ``:`` before a space
start no syntax inside a line, so they stay as written there. A Markdown
line can only start at the start of a value (line breaks become ``<br>``),
so only there are list, heading and block markers neutralised too.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from markupsafe import Markup

_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def _ref(match: re.Match[str]) -> str:
    return f"&#{ord(match.group())};"


def md(value: Any) -> Markup:
    """Inline text: punctuation neutralised, line breaks kept as <br>."""
    if isinstance(value, Markup):
        return value
    text = _PUNCT.sub(_ref, str(value))
    return Markup(_NEWLINES.sub("<br>", text))


# Characters that start syntax anywhere in a line: HTML (& < > and the
# attribute quotes), Markdown (escapes, code, emphasis, links, tables) and the
# extensions a Material site enables (attribute lists and critic { }, keys ++,
# mark ==, tilde/caret ~ ^, math $, magiclink # @, admonitions !, emoji
# :name:, the "://" or "www." of a bare link), and trailing spaces (a hard
# line break, or text that no longer closes an emphasis around the value).
_SYNTAX = re.compile(r"""[&<>"'\\`*_\[\]{}|~^=+$#!@]|:(?=\S)|(?<=\b[wW]{3})\.|[ \t](?=[ \t]*(?:[\r\n]|$))""")
# At the start of a line also: any punctuation (list, heading, quote, rule and
# block markers), the "." or ")" of an ordered list, and indentation (code).
_LEAD = re.compile(r"[ \t]+|[!-/:-@\[-`{-~]|\d+[.)]")


def _lead_ref(match: re.Match[str]) -> str:
    return "".join(f"&#{ord(c)};" if not c.isdigit() else c for c in match.group())


def text(value: Any) -> Markup:
    """Inline text on a site page: no Markdown or HTML syntax can form,
    line breaks kept as <br>."""
    if isinstance(value, Markup):
        return value
    raw = str(value)
    lead = _LEAD.match(raw)
    head, rest = (raw[: lead.end()], raw[lead.end() :]) if lead else ("", raw)
    escaped = _LEAD.sub(_lead_ref, head, count=1) + _SYNTAX.sub(_ref, rest)
    return Markup(_NEWLINES.sub("<br>", escaped))


def md_block(value: Any) -> Markup:
    """Paragraphs of untrusted text: escaped, blank lines kept as breaks."""
    paragraphs = re.split(r"(?:\r?\n[ \t]*){2,}", str(value).strip())
    return Markup("\n\n".join(text(p.strip()) for p in paragraphs if p.strip()))


def url(*parts: str) -> Markup:
    """A relative URL from kamgen-made parts (ids are validated slugs),
    percent-encoded and exempt from Markdown escaping."""
    return Markup(urllib.parse.quote("".join(parts), safe="/#.-_:~"))


def xml(value: Any) -> str:
    """Text for SVG/XML elements and attributes."""
    return (
        str(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def finalize(value: Any) -> Any:
    """Jinja ``finalize``: every {{ value }} is escaped unless it is Markup."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return text(value)
