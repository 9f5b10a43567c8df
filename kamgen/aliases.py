"""Enum values in the site language: ``stance: 中立`` reads as ``neutral``.

An account manager who writes a zh-Hant site may type the words the site
shows instead of the English values. The one mapping is the enum labels in
``kamgen/i18n/<language>.yml`` (the ``enum:`` section the pages are worded
from): with ``language: zh-Hant`` in ``kamgen.yml``, each label there is an
alias of its value, in every file of the project. Nothing is guessed: a value
is replaced only when it is exactly a label of that field's enum; anything
else is validated as written and reported if wrong. English sites take the
English values only.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from kamgen import languages, schema

# Each enum a file can hold, and its group under `enum:` in i18n/*.yml.
GROUPS: dict[type[StrEnum], str] = {
    schema.Tier: "tier",
    schema.Stage: "stage",
    schema.BuyingRole: "role",
    schema.PoliticalStatus: "political_status",
    schema.Level3: "level",
    schema.Stance: "stance",
    schema.Trend: "trend",
    schema.Mode: "mode",
    schema.CoverageLevel: "coverage",
    schema.RelationshipLevel: "relationship_level",
    schema.RelationKind: "relation",
    schema.Tactic: "tactic",
    schema.InterestKind: "interest_kind",
    schema.InterestStatus: "interest_status",
    schema.GoalKind: "goal_kind",
    schema.Horizon: "horizon",
    schema.GoalStatus: "goal_status",
    schema.ActionKind: "action_kind",
    schema.ActionStatus: "action_status",
    schema.Access: "access",
    schema.Metric: "metric",
}

Table = Mapping[type[StrEnum], Mapping[str, str]]


@cache
def table(language: str | None) -> Table:
    """For each enum, its labels in ``language`` mapped to its values; empty
    for English, or a language kamgen has no labels for."""
    if not language or language == languages.ENGLISH:
        return {}
    groups = languages.catalogue(language).get("enum")
    if not isinstance(groups, dict):
        return {}
    result: dict[type[StrEnum], dict[str, str]] = {}
    for enum, group in GROUPS.items():
        labels = groups.get(group)
        if not isinstance(labels, dict):
            continue
        values = {m.value for m in enum}
        result[enum] = {str(label): value for value, label in labels.items() if value in values}
    return result


def labels_of(language: str | None, allowed: list[str]) -> dict[str, str]:
    """The labels (label → value) of the enum whose values are ``allowed``."""
    for enum, labels in table(language).items():
        if [m.value for m in enum] == allowed:
            return dict(labels)
    return {}


def translate(model: type[BaseModel], data: Any, language: str | None) -> Any:
    """``data`` with every enum value written as a label replaced by its value;
    ``data`` itself when there is nothing to translate."""
    labels = table(language)
    if not labels:
        return data
    return _model(model, data, labels)


def _model(model: type[BaseModel], data: Any, labels: Table) -> Any:
    if not isinstance(data, dict):
        return data
    result = dict(data)
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in result:
            result[key] = _value(info.annotation, result[key], labels)
    return result


def _value(annotation: Any, value: Any, labels: Table) -> Any:
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return _value(args[0], value, labels)
    if origin in (Union, types.UnionType):
        for arg in args:
            new = _value(arg, value, labels)
            if new is not value:
                return new
        return value
    if origin is list and isinstance(value, list):
        return [_value(args[0], item, labels) for item in value]
    if origin is dict and isinstance(value, dict):
        return {k: _value(args[1], v, labels) for k, v in value.items()}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(annotation, value, labels)
    if isinstance(annotation, type) and annotation in labels and isinstance(value, str):
        return labels[annotation].get(value, value)
    return value
