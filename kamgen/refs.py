"""References between items, declared once in the schema.

A field that holds ids of other things carries a :class:`Ref` marker naming
the kind of thing it points to::

    holder: Annotated[Id, Ref("stakeholder")]

Everything that follows references reads these markers through this
module's one walker: the unknown-reference check, the redaction of
references to hidden items and the display of references by name. A new
reference field therefore needs only its marker.

This module knows pydantic models and nothing of kamgen's own, so the
schema can import the marker.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, NamedTuple, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

Kind = Literal["stakeholder", "goal", "team member", "interest", "checklist"]

# Kinds defined in an account itself, by the list that holds their items.
# Team members and checklists come from the settings and are never hidden.
ACCOUNT_KINDS: dict[Kind, str] = {"stakeholder": "stakeholders", "goal": "goals", "interest": "interests"}

Key = tuple[str | int, ...]


@dataclass(frozen=True)
class Ref:
    """Marks a field (or a list item, or a mapping key) as the id of a ``kind``."""

    kind: Kind


class Reference(NamedTuple):
    """One id written in a document, where it was written, and what it names
    (a tuple: an account holds a few hundred, and a frozen dataclass costs
    several times as much to make)."""

    path: Key  # the data path, with aliases as written (``from``, not ``source``)
    kind: Kind
    value: str
    at_key: bool = False  # written as a mapping key, not a value


# ------------------------------------------------------------ shapes

# A type is reduced once per model class to the parts that can hold a
# reference or a nested model; everything else is left out of the walk.


@dataclass(frozen=True)
class _Id:
    ref: Ref | None
    metadata: tuple[Any, ...]
    optional: bool


@dataclass(frozen=True)
class _List:
    item: _Shape


@dataclass(frozen=True)
class _Dict:
    key: _Shape | None
    value: _Shape | None


@dataclass(frozen=True)
class _Model:
    cls: type[BaseModel]
    optional: bool


_Shape = _Id | _List | _Dict | _Model


@dataclass(frozen=True)
class _Field:
    attr: str  # the attribute name
    key: str  # the name as written (its alias, if any)
    shape: _Shape


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _shape(tp: Any, optional: bool = False) -> _Shape | None:
    origin = get_origin(tp)
    if origin is Annotated:
        base, *meta = get_args(tp)
        marks = [m for m in meta if isinstance(m, Ref)]
        if marks:
            nullable = _is_union(base) and type(None) in get_args(base)
            return _Id(marks[0], tuple(meta), optional or nullable)
        inner = _shape(base, optional)
        if isinstance(inner, _Id) and inner.ref is None:
            return _Id(None, (*inner.metadata, *meta), inner.optional)
        return inner
    if _is_union(tp):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) != 1:
            return None
        return _shape(args[0], optional or len(args) < len(get_args(tp)))
    if origin is list:
        item = _shape(get_args(tp)[0])
        return _List(item) if item is not None else None
    if origin is dict:
        key, value = (_shape(a) for a in get_args(tp))
        return _Dict(key, value) if key is not None or value is not None else None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _Model(tp, optional)
    if tp is str:
        return _Id(None, (), optional)
    return None


@cache
def _fields(cls: type[BaseModel]) -> tuple[_Field, ...]:
    out = []
    for name, info in cls.model_fields.items():
        tp = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        shape = _shape(tp, optional=not info.is_required())
        if shape is not None:
            out.append(_Field(name, info.alias or name, shape))
    return tuple(out)


def _refers(shape: _Shape | None) -> bool:
    """Whether values of this shape can hold a reference."""
    if isinstance(shape, _Id):
        return shape.ref is not None
    if isinstance(shape, _List):
        return _refers(shape.item)
    if isinstance(shape, _Dict):
        return _refers(shape.key) or _refers(shape.value)
    return isinstance(shape, _Model)


def kind_of(cls: type[BaseModel], attr: str) -> Kind:
    """The kind a reference field of ``cls`` points to."""
    for f in _fields(cls):
        if f.attr == attr:
            found = _kind_in(f.shape)
            if found is not None:
                return found
    raise LookupError(f"{cls.__name__}.{attr} is not a reference field")


def _kind_in(shape: _Shape | None) -> Kind | None:
    if isinstance(shape, _Id):
        return shape.ref.kind if shape.ref else None
    if isinstance(shape, _List):
        return _kind_in(shape.item)
    return None


# ------------------------------------------------------------ walking


def references(obj: BaseModel, path: Key = ()) -> Iterator[Reference]:
    """Every reference in ``obj`` and the models it contains, in field order."""
    found: list[Reference] = []
    _model(obj, path, found)
    return iter(found)


@cache
def _referring(cls: type[BaseModel]) -> tuple[_Field, ...]:
    """The fields of ``cls`` that can hold a reference: the walk visits no other."""
    return tuple(f for f in _fields(cls) if _refers(f.shape))


# The walk appends to one list: a generator per model and value costs more
# than the references it finds (a few hundred per account).


def _model(obj: BaseModel, path: Key, found: list[Reference]) -> None:
    for f in _referring(type(obj)):
        value = getattr(obj, f.attr)
        if value is not None:
            _walk(value, f.shape, (*path, f.key), found)


def _walk(value: Any, shape: _Shape | None, path: Key, found: list[Reference]) -> None:
    if value is None or shape is None:
        return
    if isinstance(shape, _Id):
        if shape.ref is not None:
            found.append(Reference(path, shape.ref.kind, value))
    elif isinstance(shape, _List):
        item = shape.item
        for i, v in enumerate(value):
            _walk(v, item, (*path, i), found)
    elif isinstance(shape, _Dict):
        key = shape.key
        for k, v in value.items():
            if isinstance(key, _Id) and key.ref is not None:
                found.append(Reference((*path, k), key.ref.kind, k, at_key=True))
            _walk(v, shape.value, (*path, k), found)
    else:
        _model(value, path, found)


@dataclass(frozen=True)
class Leaf:
    """A place in a model's type where a string is stored, for auditing markers."""

    where: str  # e.g. "Goal.owners[]" or "Account.checklists{key}"
    metadata: tuple[Any, ...]
    ref: Ref | None


def leaves(cls: type[BaseModel]) -> Iterator[Leaf]:
    """Every string-valued place in ``cls`` and the models it contains."""
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> Iterator[Leaf]:
        if model in seen:
            return
        seen.add(model)
        for f in _fields(model):
            yield from shape_leaves(f.shape, f"{model.__name__}.{f.attr}")

    def shape_leaves(shape: _Shape | None, where: str) -> Iterator[Leaf]:
        if isinstance(shape, _Id):
            yield Leaf(where, shape.metadata, shape.ref)
        elif isinstance(shape, _List):
            yield from shape_leaves(shape.item, f"{where}[]")
        elif isinstance(shape, _Dict):
            yield from shape_leaves(shape.key, f"{where}{{key}}")
            yield from shape_leaves(shape.value, f"{where}{{value}}")
        elif isinstance(shape, _Model):
            yield from visit(shape.cls)

    yield from visit(cls)


# ------------------------------------------------------------ pruning

M = TypeVar("M", bound=BaseModel)
Keep = Callable[[BaseModel], bool]


class _Drop(Exception):
    """Raised inside the walk when a value cannot stay: the item holding it goes."""


def prune(obj: M, keep: Keep, visible: Mapping[Kind, set[str]]) -> M | None:
    """``obj`` without the models ``keep`` refuses and without references to
    ids outside ``visible`` (kinds missing from it are never hidden).

    A hidden id in a list or as a mapping key is left out; an optional one
    becomes None; a required one takes the list item that holds it along (a
    relationship without its other end means nothing). None if ``obj``
    itself cannot be shown.
    """
    try:
        return _prune(obj, _Model(type(obj), optional=False), keep, visible)  # type: ignore[no-any-return]
    except _Drop:
        return None


def _prune_model(obj: M, keep: Keep, visible: Mapping[Kind, set[str]]) -> M:
    update: dict[str, Any] = {}
    for f in _fields(type(obj)):
        if not _refers(f.shape):
            continue
        value = getattr(obj, f.attr)
        new = _prune(value, f.shape, keep, visible)
        if new is not value:
            update[f.attr] = new
    return obj.model_copy(update=update) if update else obj


def _prune(value: Any, shape: _Shape, keep: Keep, visible: Mapping[Kind, set[str]]) -> Any:
    if value is None:
        return None
    if isinstance(shape, _Id):
        if shape.ref is None or shape.ref.kind not in visible or value in visible[shape.ref.kind]:
            return value
        if shape.optional:
            return None
        raise _Drop
    if isinstance(shape, _List):
        items = []
        for item in value:
            try:
                items.append(_prune(item, shape.item, keep, visible))
            except _Drop:
                continue
        unchanged = len(items) == len(value) and all(a is b for a, b in zip(items, value, strict=True))
        return value if unchanged else items
    if isinstance(shape, _Dict):
        return _prune_dict(value, shape, keep, visible)
    if not keep(value):
        if shape.optional:
            return None
        raise _Drop
    return _prune_model(value, keep, visible)


def _prune_dict(
    value: dict[Any, Any], shape: _Dict, keep: Keep, visible: Mapping[Kind, set[str]]
) -> dict[Any, Any]:
    out = {}
    for k, v in value.items():
        try:
            new_key = _prune(k, shape.key, keep, visible) if shape.key is not None else k
            out[new_key] = _prune(v, shape.value, keep, visible) if shape.value is not None else v
        except _Drop:
            continue
    unchanged = len(out) == len(value) and all(out.get(k) is v for k, v in value.items())
    return value if unchanged else out
