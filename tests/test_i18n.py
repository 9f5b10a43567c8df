"""Both language files say the same things: the same keys, the same placeholders.

A key missing from one file falls back to English on the page, and a
placeholder missing from a translation silently drops a value (or raises
KeyError when it names one the code does not pass), so both are caught here.
"""

from __future__ import annotations

import string
from collections import Counter
from importlib import resources
from typing import Any

import pytest
import yaml

LANGUAGES = ("en", "zh-Hant")
Key = tuple[str, ...]


def catalog(language: str) -> dict[Key, Any]:
    """The language file as leaf values by their nested key."""
    text = resources.files("kamgen").joinpath(f"i18n/{language}.yml").read_text("utf-8")
    return dict(leaves(yaml.safe_load(text)))


def leaves(node: Any, key: Key = ()) -> list[tuple[Key, Any]]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in leaves(v, (*key, str(k)))]
    return [(key, node)]


def placeholders(message: str) -> Counter[str]:
    """The fields a message formats, e.g. {'n': 1} for '{n} days ago'."""
    return Counter(field for _, field, _, _ in string.Formatter().parse(message) if field is not None)


@pytest.fixture(scope="module")
def catalogs() -> dict[str, dict[Key, Any]]:
    return {language: catalog(language) for language in LANGUAGES}


def test_both_languages_have_exactly_the_same_keys(catalogs: dict[str, dict[Key, Any]]) -> None:
    en, zh = (set(catalogs[language]) for language in LANGUAGES)
    assert len(en) > 100  # the whole catalogue was read, nested keys included
    missing = sorted(".".join(k) for k in en - zh)
    extra = sorted(".".join(k) for k in zh - en)
    assert not missing and not extra, f"missing in zh-Hant: {missing}; only in zh-Hant: {extra}"


def test_every_message_is_text(catalogs: dict[str, dict[Key, Any]]) -> None:
    for language, messages in catalogs.items():
        odd = [".".join(k) for k, v in messages.items() if not isinstance(v, str) or not v.strip()]
        assert not odd, f"{language}: not a non-empty string: {odd}"


def test_translations_use_the_same_placeholders(catalogs: dict[str, dict[Key, Any]]) -> None:
    en, zh = (catalogs[language] for language in LANGUAGES)
    differ = {
        ".".join(key): (dict(placeholders(en[key])), dict(placeholders(zh[key])))
        for key in sorted(en.keys() & zh.keys())
        if placeholders(en[key]) != placeholders(zh[key])
    }
    assert not differ, f"placeholders differ (en, zh-Hant): {differ}"
    assert any(placeholders(message) for message in en.values())  # some messages have placeholders


@pytest.mark.parametrize(
    ("message", "fields"),
    [
        ("{n} days ago", {"n": 1}),
        ("{done} of {total} done", {"done": 1, "total": 1}),
        ("{name}：{since}，{name}", {"name": 2, "since": 1}),
        ("no placeholder", {}),
        ("{{literal braces}}", {}),
    ],
)
def test_placeholders_are_read_as_format_reads_them(message: str, fields: dict[str, int]) -> None:
    assert placeholders(message) == fields
