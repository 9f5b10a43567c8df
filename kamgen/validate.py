"""Validate a parsed document against a schema model, reporting at the YAML node.

pydantic reports errors by location path; the loader recorded where each
path was written. This module joins the two and words each error for the
person who wrote the file.
"""

from __future__ import annotations

import copy as copy_module
import re
import types
from functools import cache
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from kamgen import aliases, codes, slips
from kamgen.ids import ID_PATTERN
from kamgen.limits import DEFAULT, Limits
from kamgen.loader import Document, Key
from kamgen.nearest import did_you_mean
from kamgen.paths import describe
from kamgen.problems import Collector, Problem
from kamgen.schema import HTTP_URL_PATTERN, TEXT_PATTERN, URL_PATH_PATTERN

M = TypeVar("M", bound=BaseModel)


def _data_path(data: Any, loc: tuple[int | str, ...]) -> Key:
    """Keep only the loc parts that address data (drop union branch tags)."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str):
            if part not in current:
                # A missing or unknown field keeps its name as the last part.
                path.append(part)
                break
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            continue
        path.append(part)
    return tuple(path)


def _walk(model: type[BaseModel], path: Key) -> tuple[Any, type[BaseModel] | None]:
    """The FieldInfo at a data path (None after a list index or a non-field),
    and the model the path leads into (for nested mappings), if any."""
    current: type[BaseModel] | None = model
    info = None
    for part in path:
        if isinstance(part, int):
            info = None
            continue
        if current is None:
            return None, None
        info = current.model_fields.get(part) or next(
            (f for f in current.model_fields.values() if f.alias == part), None
        )
        current = _model_in(info.annotation) if info else None
    return info, current


def _fields(model: type[BaseModel], path: Key) -> list[str]:
    """Field names allowed at ``path``, for 'did you mean' suggestions."""
    _, current = _walk(model, path)
    return [f.alias or name for name, f in current.model_fields.items()] if current else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _cut(text: str, limits: Limits) -> str:
    return text if len(text) <= limits.quote_chars else f"{text[: limits.quote_chars]}…"


# What a value that fails a pattern should look like, in words.
PATTERN_HINTS = {
    ID_PATTERN: "a valid id; use lowercase letters, digits and single hyphens",
    HTTP_URL_PATTERN: (
        "an http:// or https:// address; quotes, spaces, angle brackets and backslashes "
        "are not allowed (percent-encode them)"
    ),
    URL_PATH_PATTERN: "a URL path such as edit/main/; quotes, spaces and angle brackets are not allowed",
    TEXT_PATTERN: "plain text: it holds a control character (U+0000-U+001F other than tab and "
    "line breaks, or U+007F-U+009F), usually from a \\x or \\u escape; remove it",
}


def _describe(value: Any, limits: Limits = DEFAULT) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {limits.quote(value)}"


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
    "extra_value_type": "text, a number, true or false, a date or a list of them",
}


def _problem(
    out: Collector, doc: Document, model: type[BaseModel], err: ErrorDetails, data: Any, language: str | None
) -> None:
    kind = err["type"]
    path = _data_path(data, err["loc"])
    name = describe(doc.data, path, out.limits.quote_chars)
    value = err.get("input")
    if kind == "extra_forbidden":
        _unknown_field(out, doc, model, path)
        return
    if kind == "missing":
        where = describe(doc.data, path[:-1], out.limits.quote_chars)
        out.add(doc.where(path[:-1]), codes.MISSING_FIELD, f"missing required field '{path[-1]}' in {where}")
        return
    implicit = doc.implicit.get(path)
    if implicit is not None and kind in ("string_type", "enum", "literal_error", "string_pattern_mismatch"):
        if implicit.type_name.startswith("null"):
            out.add(doc.where(path), codes.MISSING_FIELD, f"{name} is empty")
            return
        # Quoting is advice only where the quoted text is then valid; else
        # (influence: 5) the allowed values are the advice.
        if out.full or _valid_as_text(model, path, implicit.text):
            text = out.limits.quote(implicit.text)
            out.add(
                doc.where(path),
                codes.IMPLICIT_TYPE,
                f"{name}: {text} is read by YAML as {implicit.type_name}, not text; quote it: {text}",
            )
            return
        value = implicit.text
    quoted = out.limits.quote(value)
    if kind in ("enum", "literal_error"):
        expected = err.get("ctx", {}).get("expected", "")
        hint = "" if out.full else _enum_hint(value, expected, language)
        out.add(
            doc.where(path), codes.ENUM_VALUE, f"{name}: {quoted} is not allowed; use one of {expected}{hint}"
        )
        return
    if kind.startswith("date_") or kind.startswith("datetime_"):
        out.add(doc.where(path), codes.INVALID_DATE, f"{name}: {quoted} is not a valid date (YYYY-MM-DD)")
        return
    if kind in _TYPE_WORDS:
        if value is None:
            out.add(doc.where(path), codes.MISSING_FIELD, f"{name} is empty")
            return
        found = _describe(value, out.limits)
        hint = _type_hint(kind, value)
        out.add(
            doc.where(path), codes.WRONG_TYPE, f"{name}: expected {_TYPE_WORDS[kind]}, found {found}{hint}"
        )
        return
    pattern = err.get("ctx", {}).get("pattern", "") if kind == "string_pattern_mismatch" else ""
    looks_like = PATTERN_HINTS.get(pattern)
    if looks_like:
        out.add(doc.where(path), codes.INVALID_VALUE, f"{name}: {quoted} is not {looks_like}")
        return
    out.add(
        doc.where(path),
        codes.INVALID_VALUE,
        f"{name}: {_describe(value, out.limits)} is invalid: {err['msg'][0].lower()}{err['msg'][1:]}",
    )


def _unknown_field(out: Collector, doc: Document, model: type[BaseModel], path: Key) -> None:
    field = _cut(str(path[-1]), out.limits)
    # Past the problem cap the message is not shown: skip the search.
    hint = (
        ""
        if out.full
        else slips.fullwidth_colon(str(path[-1]), key=True) or did_you_mean(field, _fields(model, path[:-1]))
    )
    where = f" in {describe(doc.data, path[:-1], out.limits.quote_chars)}" if path[:-1] else ""
    out.add(doc.where(path, at_key=True), codes.UNKNOWN_FIELD, f"unknown field '{field}'{where}{hint}")


def _enum_hint(value: Any, expected: str, language: str | None) -> str:
    """'did you mean' among the allowed values and, on a site in another
    language, their labels (which are allowed too, see kamgen.aliases)."""
    allowed = re.findall(r"'([^']*)'", expected)
    labels = aliases.labels_of(language, allowed)
    return did_you_mean(str(value), [*allowed, *labels])


# A number written with thousands separators, which YAML reads as text.
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def _type_hint(kind: str, value: Any) -> str:
    if kind in ("int_type", "float_type") and isinstance(value, str) and _GROUPED.match(value.strip()):
        return f"; write {value.strip().replace(',', '')} without commas"
    if kind in ("model_type", "model_attributes_type", "dict_type") and isinstance(value, str):
        return slips.fullwidth_colon(value)
    if kind == "string_type" and isinstance(value, dict) and len(value) == 1:
        # `- Mr. Huang: the boss` in a list of text is a mapping to YAML.
        return "; ': ' (a colon and a space) in unquoted text starts a field: put the text in quotes"
    return ""


def _valid_as_text(model: type[BaseModel], path: Key, text: str) -> bool:
    """Whether ``text`` is a valid value at ``path`` (checked against that
    field's type alone: a whole document can be large, and the answer is
    needed for every implicit value). True when the type cannot be found."""
    annotation = _annotation_at(model, path)
    if annotation is None:
        return True
    try:
        _adapter(annotation).validate_python(text)
    except ValidationError:
        return False
    return True


def _adapter(annotation: Any) -> TypeAdapter[Any]:
    try:
        return _cached_adapter(annotation)
    except TypeError:  # an annotation that cannot be a cache key
        return TypeAdapter(annotation)


@cache
def _cached_adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _annotation_at(model: type[BaseModel], path: Key) -> Any:
    """The type of the value at ``path``, with its field's constraints."""
    current: Any = model
    for part in path:
        current = _container(current, part)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part)) or next(
                (f for f in current.model_fields.values() if f.alias == part), None
            )
            if info is None:
                return None
            current = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        elif get_origin(current) is list and isinstance(part, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict and isinstance(part, str):
            current = get_args(current)[1]
        else:
            return None
    return current


def _container(annotation: Any, part: str | int) -> Any:
    """The branch of ``annotation`` (through Annotated and unions) that a
    path ``part`` can go into: a list for an index, a model or dict for a key."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _container(get_args(annotation)[0], part)
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            branch = _container(arg, part)
            wanted = list if isinstance(part, int) else dict
            if get_origin(branch) is wanted or (
                isinstance(part, str) and isinstance(branch, type) and issubclass(branch, BaseModel)
            ):
                return branch
        return None
    return annotation


def to_model(
    doc: Document,
    model: type[M],
    *,
    salvage: bool = False,
    limits: Limits = DEFAULT,
    language: str | None = None,
) -> tuple[M | None, list[Problem]]:
    """Validate ``doc.data`` as ``model``: the typed value, and the problems.

    Enum values written in the site ``language`` read as their English values
    (see :mod:`kamgen.aliases`). With ``salvage``, a failed document is
    validated once more without the optional values that failed, so that
    later checks can still run on the rest; the problems already reported
    keep the document from building.
    """
    out = Collector(doc.path, limits)
    return _validate(doc, model, salvage, out, language), out.problems


def _validate(doc: Document, model: type[M], salvage: bool, out: Collector, language: str | None) -> M | None:
    if doc.data is None:
        return None
    data = aliases.translate(model, doc.data, language)
    try:
        result: M | None = model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        result = _failed(doc, model, salvage, out, language, data, errors)
    else:
        errors = []
    _implicit_keys(out, doc, {_data_path(data, e["loc"]) for e in errors if e["type"] == "extra_forbidden"})
    _grouped_numbers(out, doc, model)
    return result


def _failed(
    doc: Document,
    model: type[M],
    salvage: bool,
    out: Collector,
    language: str | None,
    data: Any,
    errors: list[ErrorDetails],
) -> M | None:
    seen: set[Key] = set()
    for err in errors:
        path = _data_path(data, err["loc"])
        # A union reports each of its branches; one message a place is enough.
        if path in seen:
            continue
        seen.add(path)
        if path in doc.reported:
            continue
        _problem(out, doc, model, err, data, language)
    if not salvage:
        return None
    cut = {_removable(model, path) for path in seen}
    if None in cut:
        return None
    try:
        return model.model_validate(_without(data, {c for c in cut if c is not None}))
    except ValidationError:
        return None


def _grouped_numbers(out: Collector, doc: Document, model: type[BaseModel]) -> None:
    """`{amount: 2,900,000}` is an error whatever the field: YAML reads it as
    2 and two more fields, and any reader but kamgen would. A number is
    written without commas; text, where the field takes text, is quoted."""
    for path, (first, groups) in doc.grouped.items():
        written = ",".join([first, *groups])
        fields = ", ".join(f"'{g}'" for g in groups)
        fix = (
            f"quote it: '{written}'"
            if _valid_as_text(model, path, written)
            else f"write {written.replace(',', '')} without commas"
        )
        out.add(
            doc.where(path),
            codes.WRONG_TYPE,
            f"{describe(doc.data, path, out.limits.quote_chars)}: {written} is read by YAML as {first} "
            f"followed by the fields {fields} (in {{ }} a comma separates fields); {fix}",
        )


def _implicit_keys(out: Collector, doc: Document, unknown: set[Key]) -> None:
    """Keys YAML reads as another type. Where the key is a free name (a
    checklist item, a currency), quoting it says what is meant; an unknown
    field is reported as such (K101), since quoting would not make it known."""
    for path, implicit in doc.implicit_keys.items():
        if any(path[:n] in unknown for n in range(1, len(path) + 1)):
            continue
        out.add(
            doc.where(path, at_key=True),
            codes.IMPLICIT_TYPE,
            f"key {out.limits.quote(implicit.text)} is read by YAML as {implicit.type_name}; "
            f"quote it: {out.limits.quote(implicit.text)}",
        )


def _removable(model: type[BaseModel], path: Key) -> Key | None:
    """The smallest part of the data that can go so that ``path``'s error goes.

    An optional field, an unknown field or a list element can go; a required
    field takes its list item with it. None: nothing can go (top level).
    """
    info, _ = _walk(model, path)
    if not path or isinstance(path[-1], int) or info is None or not info.is_required():
        return path or None
    for n in range(len(path) - 1, 0, -1):
        if isinstance(path[n - 1], int):
            return path[:n]
    return None


def _without(data: Any, paths: set[Key]) -> Any:
    """A copy of ``data`` without the values at ``paths``; list items go last-first."""
    result = copy_module.deepcopy(data)
    for path in sorted(paths, key=lambda p: (len(p), p), reverse=True):
        parent = result
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
        elif isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
            del parent[path[-1]]
    return result
