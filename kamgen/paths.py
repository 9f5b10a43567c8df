"""A data path in the file's own words: items by name, not by position.

pydantic and the checks address a value by its data path
(``stakeholders[1].stance``); an account manager knows the person, not the
index. :func:`describe` names each list item that has an id by its name (or
statement, title, ...) and id, ``黃志強 (huang-zhiqiang): stance``, falls back
to the id alone when the item has no name, and to the index when it has no
usable id (a purchase, a note, a coverage entry).
"""

from __future__ import annotations

from typing import Any

Key = tuple[str | int, ...]

# The field that names an item, in the order they are tried: a stakeholder
# has both a name and a job title; its name is what people know it by.
LABEL_FIELDS = ("name", "title", "statement", "interest", "practice", "label", "text")
# Characters of a label kept in a message; a goal statement can be long.
LABEL_CHARS = 40


def describe(data: Any, path: Key, quote_chars: int = 80) -> str:
    """``path`` in ``data`` as a reader names it; "the top level" for ()."""
    heads: list[str] = []
    tail = ""
    current = data
    for part in path:
        if isinstance(part, int):
            current = current[part] if isinstance(current, list) and 0 <= part < len(current) else None
            text, item_id = _label(current)
            if item_id is not None:
                heads.append(f"{text} ({item_id})" if text else item_id)
                tail = ""
            elif text is not None:  # a name but no id: the name, and where it is
                heads.append(f"{text} ({tail}[{part}])")
                tail = ""
            else:
                tail += f"[{part}]"
            continue
        key = _cut(str(part), quote_chars)
        tail += f".{key}" if tail else key
        current = current.get(part) if isinstance(current, dict) else None
    if not heads:
        return tail or "the top level"
    named = " > ".join(heads)
    return f"{named}: {tail}" if tail else named


def _label(item: Any) -> tuple[str | None, str | None]:
    """An item's name (or statement, title, ...) and its id, where it has them."""
    if not isinstance(item, dict):
        return None, None
    item_id = item.get("id")
    item_id = _cut(item_id, LABEL_CHARS) if isinstance(item_id, str) and item_id.strip() else None
    for field in LABEL_FIELDS:
        text = item.get(field)
        if isinstance(text, str) and text.strip():
            return _cut(" ".join(text.split()), LABEL_CHARS), item_id
    return None, item_id


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else f"{text[:chars]}…"
