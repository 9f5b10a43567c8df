"""A page's HTML as the search index reads it: without what it leaves out.

Material's search plugin reads every page with Python's HTMLParser, one
callback per tag, and drops what is marked ``data-search-exclude`` only
after it has parsed it. On an account page most of the HTML is marked so
(the qualification and health sections, the stakeholder details, the
relationship tables), and parsing it was about a third of MkDocs' time on
kamgen's pages. :func:`searchable` cuts the marked parts out first with one
regular expression over the tags, so the parser reads only what it indexes.

The cut must never change the index. An element is cut only with its whole,
balanced content; an excluded heading's section (up to the next heading)
only when it is balanced. Anything else stays for the parser to skip as
before. ``tests/test_searchable.py`` compares the index built both ways.
"""

from __future__ import annotations

import re

EXCLUDE = "data-search-exclude"

# A start or end tag; attributes may hold ">" only inside quotes.
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>""")
_EXCLUDED = re.compile(rf"(?:^|\s){EXCLUDE}(?=[\s=/]|$)")
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
# HTML's elements without an end tag.
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# Elements whose text is not HTML, where a "<" is not a tag, and comments:
# pages holding them are left whole rather than read wrongly.
_RAW = re.compile(r"<!--|<(?:script|style|textarea|xmp|plaintext)\b", re.IGNORECASE)

Tags = list[re.Match[str]]


def searchable(html: str) -> str:
    """``html`` without its search-excluded elements and sections."""
    if EXCLUDE not in html or _RAW.search(html):
        return html
    tags = list(_TAG.finditer(html))
    kept: list[str] = []
    at = reached = 0
    for i in [k for k, m in enumerate(tags) if EXCLUDE in m.group(3)]:
        if i < reached:
            continue  # inside what was cut already
        span = _excluded_span(html, tags, i)
        if span is not None:
            start, end, reached = span
            kept.append(html[at:start])
            at = end
    kept.append(html[at:])
    return "".join(kept)


def _excluded_span(html: str, tags: Tags, i: int) -> tuple[int, int, int] | None:
    """(start, end, next tag) of what tag ``i`` excludes, or None."""
    tag = tags[i]
    name = tag.group(2).lower()
    if tag.group(1) or name in _VOID or not _EXCLUDED.search(tag.group(3)):
        return None
    if name in _HEADINGS:
        stop = next((j for j in range(i + 1, len(tags)) if _is_heading(tags[j])), len(tags))
        if not _balanced(tags, i, stop):
            return None
        return tag.start(), (tags[stop].start() if stop < len(tags) else len(html)), stop
    close = _closing(tags, i)
    if close is None:
        return None
    return tag.start(), tags[close].end(), close + 1


def _is_heading(tag: re.Match[str]) -> bool:
    return not tag.group(1) and tag.group(2).lower() in _HEADINGS


def _opens(tag: re.Match[str]) -> int:
    """+1 for a start tag, -1 for an end tag, 0 for a void or self-closed one."""
    if tag.group(2).lower() in _VOID or tag.group(3).endswith("/"):
        return 0
    return -1 if tag.group(1) else 1


def _balanced(tags: Tags, start: int, stop: int) -> bool:
    depth = 0
    for tag in tags[start:stop]:
        depth += _opens(tag)
        if depth < 0:
            return False
    return depth == 0


def _closing(tags: Tags, i: int) -> int | None:
    """The index of the end tag that closes start tag ``i``, if it is well formed."""
    name = tags[i].group(2).lower()
    if i + 1 < len(tags) and tags[i + 1].group(1) and tags[i + 1].group(2).lower() == name:
        return i + 1  # most often text alone (a table cell): closed by the next tag
    depth = 0
    for j in range(i, len(tags)):
        depth += _opens(tags[j])
        if depth == 0:
            same = tags[j].group(1) and tags[j].group(2).lower() == tags[i].group(2).lower()
            return j if same else None
    return None


# The mark inside a start tag: "[^<>]" keeps the match within one tag (text
# never holds a raw "<"); a tag whose attribute values hold ">" keeps its mark.
_MARK = re.compile(rf"(<[a-zA-Z][^<>]*?)\s+{EXCLUDE}(?=[\s/>])")


def unmarked(html: str) -> str:
    """``html`` without the ``data-search-exclude`` marks: only the search
    plugin reads them, while it builds the index; a reader's browser never
    does (about 4 KB of an account page)."""
    return _MARK.sub(r"\1", html) if EXCLUDE in html else html
