"""Add one item to a list in an account file, as text.

`kamgen new stakeholder` (and goal, action, interest) must not lose what the
user wrote: comments, key order, quoting, blank lines, Chinese text. A YAML
round trip would rewrite some of it (line widths, indentation, number and
date forms), so the new item is inserted as lines into the file's own text,
indented like the list it joins; nothing else changes. The result is then
read back and must say exactly what the old text said plus the one item,
else :class:`CannotAdd` says why and the caller writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kamgen.loader import Loader  # libyaml when present: marks count characters either way

# What YAML counts as a line break, as its marks count lines (not splitlines()).
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_FENCE = re.compile(r"-{3,}\s*")
_KEEP = re.compile(r"[|>](?:\d?\+|\+\d)")  # a block scalar that keeps its trailing blank lines


class CannotAdd(Exception):
    """Why the item cannot be added to this text; the file stays as it was."""


@dataclass(frozen=True)
class Style:
    """How a list is indented: the column of its '-' and of the items' keys."""

    dash: int
    key: int


def lines_of(text: str) -> list[str]:
    """The lines of ``text``, each with its own line break."""
    out, pos = [], 0
    for m in _BREAK.finditer(text):
        out.append(text[pos : m.end()])
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def _content(line: str) -> str:
    m = _BREAK.search(line)
    return line[: m.start()] if m else line


def _yaml_span(lines: list[str], markdown: bool) -> tuple[int, int]:
    """The lines holding the YAML: the whole file, or the front matter."""
    if not markdown:
        return 0, len(lines)
    if lines and _FENCE.fullmatch(_content(lines[0])):
        for j in range(1, len(lines)):
            if _FENCE.fullmatch(_content(lines[j])):
                return 1, j
    raise CannotAdd("the file has no front matter between two '---' lines")


def _last_line(node: Node, lines: list[str]) -> int:
    """The last line (0-based) on which ``node`` writes anything."""
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False):
        end = node.end_mark
        last = end.line if end.column > 0 else end.line - 1
        keeps = isinstance(node, ScalarNode) and _KEEP.match(
            lines[node.start_mark.line], node.start_mark.column
        )
        if not keeps:  # a block scalar's mark runs past the blank lines after it
            while last > node.start_mark.line and not lines[last].strip():
                last -= 1
        return last
    if isinstance(node, SequenceNode):
        return max(_last_line(item, lines) for item in node.value)
    assert isinstance(node, MappingNode)
    return max(max(_last_line(k, lines), _last_line(v, lines)) for k, v in node.value)


def _past_comments(lines: list[str], at: int, style: Style) -> int:
    """Past the comment lines indented under the last item, which belong to it
    (such as the optional fields a new item comes with, commented out)."""
    while at < len(lines) and lines[at].lstrip().startswith("#"):
        if len(lines[at]) - len(lines[at].lstrip(" ")) < style.key:
            break
        at += 1
    return at


def _style_of(seq: SequenceNode, lines: list[str]) -> Style:
    first = seq.value[0]
    line = lines[first.start_mark.line]
    dash = line.rfind("-", 0, first.start_mark.column)
    if dash < 0:
        raise CannotAdd("its first item does not start on the line of its '-'")
    block = isinstance(first, MappingNode) and not first.flow_style
    return Style(dash, first.start_mark.column if block else dash + 2)


def _house_style(root: MappingNode, lines: list[str]) -> Style:
    """The indentation of the file's other lists of items, for a new list."""
    for _, value in root.value:
        items = value.value if isinstance(value, SequenceNode) and not value.flow_style else []
        if items and isinstance(items[0], MappingNode) and not items[0].flow_style:
            return _style_of(value, lines)
    top = root.start_mark.column
    return Style(top + 2, top + 4)


def indented(snippet: str, style: Style, newline: str) -> list[str]:
    """A one-item list written at column 0 (``- key: ...`` then two spaces),
    re-indented to ``style`` with the file's line breaks."""
    rows = snippet.rstrip("\n").split("\n")
    first = " " * style.dash + "-" + " " * (style.key - style.dash - 1) + rows[0][2:]
    rest = [" " * style.key + row[2:] if row.strip() else "" for row in rows[1:]]
    return [row + newline for row in [first, *rest]]


def _without_value(line: str, start: int, end: int) -> str:
    """``line`` with the characters start..end (an empty ``[]``) removed."""
    content = _content(line)
    rest = content[end:].strip()
    return content[:start].rstrip() + (f" {rest}" if rest else "") + line[len(content) :]


def _data(source: str) -> Any:
    return yaml.load(source, Loader=Loader)


def add_item(text: str, *, markdown: bool, section: str, snippet: str, heading: list[str]) -> str:
    """``text`` with the item in ``snippet`` appended to the list ``section``.

    ``heading`` are comment lines put above the list when it is new."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = lines_of(text[len(bom) :])
    newline = "\r\n" if "\r\n" in text else "\n"
    start, end = _yaml_span(lines, markdown)
    yaml_lines = lines[start:end]
    source = "".join(yaml_lines)
    try:
        root = yaml.compose(source, Loader=Loader)
    except yaml.YAMLError as exc:
        raise CannotAdd(f"the file does not parse as YAML: {exc}") from None
    if not isinstance(root, MappingNode) or not root.value:
        raise CannotAdd("the file is not a mapping of fields")
    found = [(k, v) for k, v in root.value if isinstance(k, ScalarNode) and k.value == section]
    if yaml_lines and not _BREAK.search(yaml_lines[-1]):
        yaml_lines[-1] += newline  # the file's last line, so that lines can follow it
    if not found:
        after = len(yaml_lines)
        top = " " * root.start_mark.column
        gap = [newline] if yaml_lines and yaml_lines[-1].strip() else []
        new = [*gap, *(f"{top}# {c}{newline}" for c in heading), f"{top}{section}:{newline}"]
        new += indented(snippet, _house_style(root, yaml_lines), newline)
    else:
        key, value = found[0]
        if isinstance(value, SequenceNode) and not value.flow_style:
            style = _style_of(value, yaml_lines)
            after = _past_comments(yaml_lines, _last_line(value, yaml_lines) + 1, style)
            new = indented(snippet, style, newline)
        elif isinstance(value, SequenceNode) and not value.value and _one_line(value, key):
            row = key.start_mark.line  # `key: []`: the brackets go, the items follow
            yaml_lines[row] = _without_value(yaml_lines[row], value.start_mark.column, value.end_mark.column)
            after = row + 1
            new = indented(snippet, _house_style(root, yaml_lines), newline)
        elif isinstance(value, SequenceNode):
            raise CannotAdd(
                f"'{section}' is written on one line as [...]; write it as a list of '- ' items to add to it"
            )
        else:
            raise CannotAdd(f"'{section}' is not a list")
    yaml_lines[after:after] = new
    result = bom + "".join([*lines[:start], *yaml_lines, *lines[end:]])
    _check(source, "".join(yaml_lines), section, snippet)
    return result


def _one_line(value: Node, key: Node) -> bool:
    return value.start_mark.line == value.end_mark.line == key.start_mark.line


def _check(old: str, new: str, section: str, snippet: str) -> None:
    """The new text says what the old one said, plus the item: else refuse."""
    try:
        before, after = _data(old), _data(new)
    except yaml.YAMLError:
        before = after = None
    if before is None or after != {**before, section: [*(before.get(section) or []), *_data(snippet)]}:
        raise CannotAdd(
            f"the item could not be added to '{section}' without changing the rest of the file; "
            "add it by hand"
        )
