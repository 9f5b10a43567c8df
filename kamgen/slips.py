"""Common YAML slips, explained in plain words at the place they were made.

libyaml reports what its grammar expected ("could not find expected ':'"),
often on the line after the slip. An account manager needs to know what to
type instead. Each explanation below was matched to what PyYAML and libyaml
actually report for that slip (tests/test_slips.py keeps them honest):

- a full-width colon (U+FF1A) typed with a Chinese input method: the line is no
  ``key: value`` at all, so the scanner fails on the next line ("while
  scanning a simple key ... could not find expected ':'", or "mapping values
  are not allowed" when it was a mapping's first line);
- a tab in the indentation ("found character that cannot start any token",
  or "found a tab character that violates indentation");
- ``: `` inside unquoted text ("mapping values are not allowed in this
  context" in a block, "did not find expected ',' or '}'" in ``{...}``).

A number with thousands separators (``2,900,000``) parses: as text in a
block, as several fields in ``{...}``; the loader and the schema explain it.
"""

from __future__ import annotations

import re

import yaml

FULLWIDTH_COLON = "\uff1a"
# A key written with a full-width colon (U+FF1A): `stance<U+FF1A> neutral`.
_FULLWIDTH_KEY = re.compile(r"^(\s*(?:-\s+)*)([^\s:#'\"{}\[\],][^:\uff1a]*?)\s*\uff1a\s*(.*)$")
# A key and the start of its value in the text before a colon: `why_key: `.
_KEY_BEFORE = re.compile(r"(?:^|[\s{,\[])([^\s:{},\[\]#'\"]+):[ \t]")
# Longer text is not repeated in an example.
_EXAMPLE_CHARS = 60


def fullwidth_colon(text: str, *, key: bool = False) -> str:
    """A hint for text that holds a key with a full-width colon, else "".
    ``key``: the text is itself a key (followed by an ASCII colon)."""
    match = _FULLWIDTH_KEY.match(text.splitlines()[0] if text else "")
    if not match:
        return ""
    return f"; '{FULLWIDTH_COLON}' is a full-width colon: {_fullwidth_advice(match, key_only=key)}"


def _fullwidth_advice(match: re.Match[str], *, key_only: bool = False) -> str:
    key, rest = match.group(2), match.group(3)
    if key_only and not rest:  # the key of `stance\uff1a: neutral`: the colon is extra
        return "remove it"
    if not rest:
        return f"write the ASCII colon ':' instead, as in `{key}:`"
    return f"write the ASCII colon ':' and a space, as in `{key}: {rest}`"


def explain(exc: yaml.YAMLError, lines: list[str]) -> tuple[int, int, str] | None:
    """The slip behind a parse error: (line, column) 0-based and the words,
    or None when it is none of the known slips."""
    problem = str(getattr(exc, "problem", "") or "")
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    if mark is None:
        return None
    # The parser stops where a key should have been: on the line of the
    # full-width colon, or on the next one.
    keyless = "could not find expected ':'" in problem or "mapping values are not allowed" in problem
    candidates = [m.line for m in (context, mark) if m is not None] + [mark.line - 1]
    for line in dict.fromkeys(candidates if keyless else []):
        if 0 <= line < len(lines):
            found = _fullwidth(lines[line], line)
            if found:
                return found
    if 0 <= mark.line < len(lines):
        text = lines[mark.line]
        if "tab" in problem or text[mark.column : mark.column + 1] == "\t":
            return _tab(text, mark.line, mark.column)
        if text[mark.column : mark.column + 1] == ":" and (
            "mapping values are not allowed" in problem or "expected ',' or '}'" in problem
        ):
            return _colon_in_text(text, mark.line, mark.column)
    return None


def _fullwidth(text: str, line: int) -> tuple[int, int, str] | None:
    match = _FULLWIDTH_KEY.match(text)
    if not match:
        return None
    col = text.index(FULLWIDTH_COLON, match.start(2))
    message = (
        f"'{match.group(2)}{FULLWIDTH_COLON}' has a full-width colon '{FULLWIDTH_COLON}' (typed with a "
        f"Chinese input method), which YAML does not read as a colon; {_fullwidth_advice(match)}"
    )
    return line, col, message


def _tab(text: str, line: int, col: int) -> tuple[int, int, str] | None:
    at = col if text[col : col + 1] == "\t" else text.find("\t")
    if at < 0:
        return None
    return line, at, "a tab is used to indent; YAML indents with spaces only: replace the tab with spaces"


def _colon_in_text(text: str, line: int, col: int) -> tuple[int, int, str] | None:
    keys = list(_KEY_BEFORE.finditer(text[:col]))
    if not keys:
        return None
    key = keys[-1]
    message = (
        f"the text of '{key.group(1)}' holds ': ' (a colon and a space), which YAML reads as the start "
        "of another field; put the text in quotes"
    )
    flow = "{" in text[: key.start(1)]
    value = text[key.end() :].split(" #")[0].strip()
    if not flow and 0 < len(value) <= _EXAMPLE_CHARS and not value.startswith(("'", '"')):
        message += f", as in `{key.group(1)}: {_quoted(value)}`"
    return line, col, message


def _quoted(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
