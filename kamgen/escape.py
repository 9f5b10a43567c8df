"""Escaping for every output context. Account data is untrusted text.

Markdown and HTML: every ASCII punctuation character becomes a numeric
character reference. References mean the same in Markdown text, table
cells, raw HTML blocks and attributes, so one escaper is safe in all of
them, and no Markdown syntax (links, emphasis, tables, HTML) can be
smuggled through a value.
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


def md_block(value: Any) -> Markup:
    """Paragraphs of untrusted text: escaped, blank lines kept as breaks."""
    paragraphs = re.split(r"(?:\r?\n[ \t]*){2,}", str(value).strip())
    return Markup("\n\n".join(md(p.strip()) for p in paragraphs if p.strip()))


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
    return md(value)
