"""Values and positions straight from libyaml's events, in one pass.

Composing a document into PyYAML's nodes runs PyYAML's resolver and node
classes in Python for every value, and building values from the nodes walks
them all again: two thirds of the time of reading an account. Here libyaml's
event stream is read once and every value is made, resolved and placed as
its event arrives, with the same tables and problems the composed path
gives (:func:`kamgen.loader.compose_yaml`, which a test compares with).

Only what real account files are made of is read here: mappings with text
keys, sequences, untagged scalars, one document. Anything else (anchors and
aliases, tags, complex keys, several documents, an empty document, a parse
error) raises :class:`Unsupported` or PyYAML's own error before anything is
kept, and the loader reads the file the composed way, which knows them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

import yaml
from yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from kamgen import codes
from kamgen.document import (
    MAX_NODES,
    NUMBER_TAGS,
    STR_TAG,
    TYPE_NAMES,
    Document,
    Implicit,
    Key,
    Pos,
    base_sixty,
    duplicate_key,
)
from kamgen.problems import Collector

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML without libyaml: every file is composed
    CParser = None  # type: ignore[misc,assignment]

Event = Any  # PyYAML's event classes carry no annotations
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
# The constructors PyYAML would call for the other resolved types, called
# directly: they keep no state, so one bare constructor serves every file.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_CONSTRUCT: dict[str, Callable[[yaml.constructor.SafeConstructor, yaml.ScalarNode], Any]] = {
    tag: yaml.constructor.SafeConstructor.yaml_constructors[tag]
    for tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
}
_BOOL_VALUES = yaml.constructor.SafeConstructor.bool_values
_new_pos = tuple.__new__  # Pos(line, col) without the Python-level __new__

_GROUP = re.compile(r"^\d{3}$")
_LAST_GROUP = re.compile(r"^\d{3}(?:\.\d+)?$")


class Unsupported(Exception):
    """The document holds something only the composed path reads."""


def available(loader: type) -> bool:
    """Whether documents that ``loader`` would read can be read here: it is
    libyaml's safe loader, resolving plain scalars by their text alone."""
    return (
        CParser is not None
        and loader is getattr(yaml, "CSafeLoader", None)
        and not loader.yaml_path_resolvers
        and None not in loader.yaml_implicit_resolvers
    )


def build(
    doc: Document, out: Collector, source: str, resolvers: dict[Any, Any], line_offset: int, col_offset: int
) -> tuple[Any, Pos]:
    """The document's value and where it starts; fills ``doc``'s tables and
    adds problems to ``out``. Raises :class:`Unsupported` or ``yaml.YAMLError``,
    after which ``doc`` and ``out`` are to be thrown away."""
    _memo_valid(resolvers)
    return _Stream(doc, out, source, resolvers, line_offset, col_offset).document()


class _Stream:
    """One document's events, read once; the loops inline what nearly every
    value is (plain text under a text key), the rest goes through methods."""

    def __init__(
        self,
        doc: Document,
        out: Collector,
        source: str,
        resolvers: dict[Any, Any],
        line_offset: int,
        col_offset: int,
    ) -> None:
        if col_offset:
            # Front matter starts after the '---' on its line, which holds
            # nothing more (the boundary pattern's trailing spaces at most):
            # start on the next line instead, so that no column needs moving.
            first, newline, rest = source.partition("\n")
            if not newline or first.rstrip("\r").strip(" "):
                raise Unsupported("a document that starts inside a line")
            source, line_offset = rest, line_offset + 1
        assert CParser is not None
        self.next: Callable[[], Event] = CParser(source).get_event
        self.doc = doc
        self.out = out
        self.resolvers = resolvers
        self.line = line_offset + 1
        self.values = doc.values

    def pos(self, mark: Any) -> Pos:
        return _new_pos(Pos, (mark.line + self.line, mark.column + 1))

    def document(self) -> tuple[Any, Pos]:
        nxt = self.next
        nxt()  # the stream's start
        if type(nxt()) is not yaml.DocumentStartEvent:
            raise Unsupported("an empty stream")
        first = nxt()
        data = self.node(first, ())
        if type(nxt()) is not yaml.DocumentEndEvent or type(nxt()) is not yaml.StreamEndEvent:
            raise Unsupported("more than one document")
        # Without aliases, each value counted has a place of its own.
        if len(self.values) - len(self.doc.grouped) > MAX_NODES:
            raise Unsupported("too many values")
        return data, self.pos(first.start_mark)

    def node(self, event: Event, key: Key) -> Any:
        kind = type(event)
        if kind is not ScalarEvent and kind is not MappingStartEvent and kind is not SequenceStartEvent:
            raise Unsupported(kind.__name__)
        if event.anchor is not None or event.tag is not None:
            raise Unsupported("an anchor or a tag")
        self.values[key] = self.pos(event.start_mark)
        if kind is ScalarEvent:
            return self.scalar(event, key)
        if kind is SequenceStartEvent:
            return self.sequence(key)
        return self.mapping(key, bool(event.flow_style))

    def sequence(self, key: Key) -> list[Any]:
        nxt, values, resolvers, line = self.next, self.values, self.resolvers, self.line
        items: list[Any] = []
        event = nxt()
        while type(event) is not SequenceEndEvent:
            sub = (*key, len(items))
            if type(event) is ScalarEvent and event.anchor is None and event.tag is None:
                mark: Any = event.start_mark
                values[sub] = _new_pos(Pos, (mark.line + line, mark.column + 1))
                text = event.value
                if event.implicit[0] and (text[0] if text else "") in resolvers:
                    items.append(self.scalar(event, sub))
                else:
                    items.append(text)
            else:
                items.append(self.node(event, sub))
            event = nxt()
        return items

    def mapping(self, key: Key, flow: bool) -> dict[str, Any]:
        nxt, values, resolvers, line = self.next, self.values, self.resolvers, self.line
        keys = self.doc.keys
        result: dict[str, Any] = {}
        ahead: list[Event] = []  # read past a number in { }, looking for digit groups
        event = nxt()
        while type(event) is not MappingEndEvent:
            if type(event) is not ScalarEvent or event.anchor is not None or event.tag is not None:
                raise Unsupported("a complex, anchored or tagged key")
            name: str = event.value
            mark: Any = event.start_mark
            where = _new_pos(Pos, (mark.line + line, mark.column + 1))
            implicit = event.implicit[0] and (name[0] if name else "") in resolvers
            event = ahead.pop() if ahead else nxt()
            groups = None
            if flow and type(event) is ScalarEvent and not event.style and event.value.isdigit():
                groups, ahead = self.digit_groups(event)
            # Without aliases a place is one mapping's: a key met there before
            # is a duplicate in this mapping.
            sub = (*key, name)
            first = keys.setdefault(sub, where)
            if first is not where:
                self.out.add(where, codes.DUPLICATE_KEY, duplicate_key(name, first))
                self.skip(event)
                event = ahead.pop() if ahead else nxt()
                continue
            if implicit:
                self.implicit_key(name, sub)
            if groups:
                result[name] = self.grouped_number(event, groups, sub)
            elif type(event) is ScalarEvent and event.anchor is None and event.tag is None:
                mark = event.start_mark
                values[sub] = _new_pos(Pos, (mark.line + line, mark.column + 1))
                text = event.value
                if event.implicit[0] and (text[0] if text else "") in resolvers:
                    result[name] = self.scalar(event, sub)
                else:
                    result[name] = text
            else:
                result[name] = self.node(event, sub)
            event = ahead.pop() if ahead else nxt()
        return result

    def implicit_key(self, name: str, key: Key) -> None:
        implicit = self.plain(name).implicit
        if implicit is not None:
            self.doc.implicit_keys[key] = implicit

    def digit_groups(self, number: Event) -> tuple[list[str], list[Event]]:
        """`{amount: 2,900,000}`: in { } the commas split a number into
        fields, keys such as 900 and 000 with no value on the number's line.
        Those groups, and the events read past them, last first."""
        nxt, line, groups = self.next, number.end_mark.line, list[str]()
        while True:
            name = nxt()
            mark: Any = name.start_mark
            if not (
                type(name) is ScalarEvent
                and not name.style
                and mark.line == line
                and _LAST_GROUP.match(name.value)
            ):
                return groups, [name]
            empty = nxt()
            if not (type(empty) is ScalarEvent and empty.value == ""):
                return groups, [empty, name]
            if name.anchor is not None or empty.anchor is not None:  # which an alias may name later
                raise Unsupported("an anchor")
            groups.append(name.value)
            if not _GROUP.match(name.value):
                return groups, []

    def grouped_number(self, event: Event, groups: list[str], key: Key) -> str:
        """Kept whole, as written, for validation to report."""
        if event.anchor is not None or event.tag is not None:
            raise Unsupported("an anchor or a tag")
        self.values[key] = self.pos(event.start_mark)
        self.doc.grouped[key] = (event.value, groups)
        self.doc.reported.add(key)
        return ",".join([event.value, *groups])

    def skip(self, event: Event) -> None:
        """Read past a value that is not kept (that of a duplicate key)."""
        depth = 0
        while True:
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                depth -= 1
            elif kind is ScalarEvent or kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None:  # which an alias may name later
                    raise Unsupported("an anchor")
                depth += kind is not ScalarEvent
            else:
                raise Unsupported(kind.__name__)
            if depth == 0:
                return
            event = self.next()

    def plain(self, text: str) -> _Plain:
        """What a plain scalar is read as: remembered by its text, which
        alone decides it (dates, numbers and names recur in every file)."""
        plain = _MEMO.get(text)
        if plain is None:
            plain = _MEMO[text] = _read_plain(text, self.resolvers)
        return plain

    def scalar(self, event: Event, key: Key) -> Any:
        """A scalar's value, its position recorded already."""
        text: str = event.value
        if not event.implicit[0]:
            return text
        tag, implicit, value = self.plain(text)
        if tag == STR_TAG:
            return text
        if value is _UNKNOWN:
            raise Unsupported(tag)
        if tag in NUMBER_TAGS and ":" in text:
            message = base_sixty(self.out.limits.quote(text), value)
            self.out.add(self.values[key], codes.IMPLICIT_TYPE, message)
            self.doc.reported.add(key)
            return text
        if implicit is not None and not event.style:
            self.doc.implicit[key] = implicit
        return value


class _Plain(NamedTuple):
    tag: str
    implicit: Implicit | None  # when the tag is a type validation names
    value: Any  # as PyYAML constructs it; the text when it cannot be


_UNKNOWN = object()  # the value of a tag this module does not construct
_MEMO: dict[str, _Plain] = {}
_MEMO_SIZE = 100_000
_memo_for = (0, 0)  # the resolver table the memo was made with: its id and size


def _memo_valid(resolvers: dict[Any, Any]) -> None:
    """Forget what was read with another resolver table (resolvers are only
    ever added, so the table's id and size tell a change)."""
    global _memo_for
    table = (id(resolvers), sum(len(patterns) for patterns in resolvers.values()))
    if table != _memo_for or len(_MEMO) > _MEMO_SIZE:
        _MEMO.clear()
        _memo_for = table


def _read_plain(text: str, resolvers: dict[Any, Any]) -> _Plain:
    tag = STR_TAG
    for candidate, pattern in resolvers.get(text[0] if text else "", ()):
        if pattern.match(text):  # PyYAML's resolver: the first that matches
            tag = candidate
            break
    implicit = Implicit(text, TYPE_NAMES[tag]) if tag in TYPE_NAMES else None
    if tag == STR_TAG:
        return _Plain(tag, implicit, text)
    try:
        return _Plain(tag, implicit, _construct(text, tag))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        # e.g. 2026-02-30 matches the timestamp pattern but is no date;
        # keep the text so the schema reports it with its field.
        return _Plain(tag, implicit, text)


def _construct(text: str, tag: str) -> Any:
    """What PyYAML's safe constructor makes of a plain scalar."""
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _BOOL_VALUES[text.lower()]
    construct = _CONSTRUCT.get(tag)
    if construct is None:  # a tag PyYAML may know but this module does not
        return _UNKNOWN
    return construct(_CONSTRUCTOR, yaml.ScalarNode(tag, text))
