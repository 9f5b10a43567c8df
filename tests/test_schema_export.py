"""The exported JSON Schema: current, and accepting every sample file.

The samples are checked by `jsonschema`, a validator independent of the
pydantic models the schema is generated from.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import frontmatter
import jsonschema
import pytest
import yaml

from kamgen.schema import Account, Settings, json_schema
from tests.conftest import ROOT

SAMPLES = sorted(p for p in (ROOT / "accounts").iterdir() if p.suffix in (".yaml", ".yml", ".md"))


def as_json(value: Any) -> Any:
    """What an editor's YAML 1.2 parser sees: dates are strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load_sample(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    data = frontmatter.loads(text).metadata if path.suffix == ".md" else yaml.safe_load(text)
    return as_json(data)


@pytest.mark.parametrize(("model", "name"), [(Account, "account"), (Settings, "settings")])
def test_committed_schema_is_current(model: type, name: str) -> None:
    committed = json.loads((ROOT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(model, name), "run `make schema` and commit the result"


def test_there_are_samples() -> None:
    assert len(SAMPLES) >= 4


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_matches_exported_schema(path: Path) -> None:
    schema = json_schema(Account, "account")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        load_sample(path)
    )


def test_settings_match_exported_schema() -> None:
    schema = json_schema(Settings, "settings")
    data = as_json(yaml.safe_load((ROOT / "kamgen.yml").read_text(encoding="utf-8")))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)


def test_schema_rejects_what_kamgen_rejects() -> None:
    schema = json_schema(Account, "account")
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid({"name": "x", "owner": "li-wei", "tier": "gold"})
    assert not validator.is_valid({"name": "x", "owner": "li-wei", "tier": "key", "nmae": 1})
    assert validator.is_valid({"name": "x", "owner": "li-wei", "tier": "key"})


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_points_editors_at_the_schema(path: Path) -> None:
    head = path.read_text(encoding="utf-8").splitlines()[:2]
    assert "# yaml-language-server: $schema=../schema/account.schema.json" in head
