"""Ids: the one pattern every id in kamgen follows, shared by every layer.

An account's id is its file name; every stakeholder, goal, action, interest,
practice, team member and checklist has an id of the same shape, so that it
is safe in a file name, a URL fragment and an HTML id alike.
"""

from __future__ import annotations

import re

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_ID_RE = re.compile(ID_PATTERN)


def is_valid_id(value: str) -> bool:
    return bool(_ID_RE.match(value))
