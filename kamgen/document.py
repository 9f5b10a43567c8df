"""A parsed file: its plain values and where each was written.

Both ways the loader builds a document (from libyaml's events in one pass,
or from composed nodes) fill the same tables and word the same problems
with the helpers here, so that they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# A hostile document can expand exponentially through aliases; stop well
# past any real account (1,000 accounts x 20 people is far below this).
MAX_NODES = 200_000

Key = tuple[str | int, ...]

STR_TAG = "tag:yaml.org,2002:str"
NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
TYPE_NAMES = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:null": "null (empty)",
}


class Pos(NamedTuple):
    # A tuple, not a dataclass: one is made for every value of every file.
    line: int  # 1-based
    col: int  # 1-based


@dataclass(frozen=True)
class Implicit:
    """A plain scalar that YAML resolved to a non-text type."""

    text: str
    type_name: str


@dataclass
class Document:
    """One parsed file: its data and where each value sits. Its problems are
    returned beside it by :func:`kamgen.loader.load_file`, never kept on it."""

    path: str
    data: Any = None
    values: dict[Key, Pos] = field(default_factory=dict)
    keys: dict[Key, Pos] = field(default_factory=dict)
    implicit: dict[Key, Implicit] = field(default_factory=dict)
    # Keys YAML reads as another type (`no:`); kept as written, and reported
    # by validation, which knows whether quoting them would help.
    implicit_keys: dict[Key, Implicit] = field(default_factory=dict)
    # Numbers written with commas in { }, which YAML splits into fields
    # (2 and then 900: and 000:): the first part and the digit groups.
    grouped: dict[Key, tuple[str, list[str]]] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    # Values the loader already reported; validation says nothing more of them.
    reported: set[Key] = field(default_factory=set)

    def where(self, key: Key, *, at_key: bool = False) -> Pos:
        """The position of a value (or of its key), else of its nearest ancestor."""
        table = self.keys if at_key else self.values
        if key in table:
            return table[key]
        for n in range(len(key) - 1, -1, -1):
            if key[:n] in self.values:
                return self.values[key[:n]]
        return Pos(1, 1)


def duplicate_key(name: str, first: Pos) -> str:
    return (
        f"duplicate key '{name}' (first at line {first.line}); "
        "remove or rename one, as only one value can be kept"
    )


def base_sixty(quoted: str, value: object) -> str:
    """YAML 1.1 reads 12:30 as 750 (base 60), silently: no one means that."""
    return (
        f"{quoted} is read by YAML as an integer in base 60 ({value}), not as written; "
        "write a decimal number such as 12.5, or quote it if it is text"
    )
