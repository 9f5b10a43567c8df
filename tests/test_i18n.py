"""Every language file says what English says: the same keys, the same placeholders.

A key missing from one file falls back to English on the page, and a
placeholder missing from a translation silently drops a value (or raises
KeyError when it names one the code does not pass), so both are caught here,
for every catalogue kamgen ships (found as kamgen finds them, so a new file is
checked the moment it is added).
"""

from __future__ import annotations

import string
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from kamgen import languages

SHIPPED = Path(str(resources.files("kamgen").joinpath("i18n")))
LANGUAGES = tuple(sorted(p.stem for p in SHIPPED.glob("*.yml")))
OTHERS = tuple(lang for lang in LANGUAGES if lang != "en")
Key = tuple[str, ...]


def catalog(language: str) -> dict[Key, Any]:
    """The language file as leaf values by their nested key."""
    text = (SHIPPED / f"{language}.yml").read_text("utf-8")
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


def test_kamgen_ships_and_finds_the_three_languages() -> None:
    assert {"en", "zh-Hant", "zh-Hans"} <= set(LANGUAGES)
    assert languages.codes()[0] == "en" and set(languages.codes()) >= set(LANGUAGES)


@pytest.mark.parametrize("language", OTHERS)
def test_every_language_has_exactly_the_keys_of_english(
    catalogs: dict[str, dict[Key, Any]], language: str
) -> None:
    en, other = set(catalogs["en"]), set(catalogs[language])
    assert len(en) > 100  # the whole catalogue was read, nested keys included
    missing = sorted(".".join(k) for k in en - other)
    extra = sorted(".".join(k) for k in other - en)
    assert not missing and not extra, f"missing in {language}: {missing}; only in {language}: {extra}"


def test_simplified_chinese_keeps_the_order_of_english(catalogs: dict[str, dict[Key, Any]]) -> None:
    # Keys others add to en.yml go into zh-Hans.yml at the same place.
    assert list(catalogs["zh-Hans"]) == list(catalogs["en"])


@pytest.mark.parametrize("language", OTHERS)
def test_enum_labels_are_unambiguous_aliases(catalogs: dict[str, dict[Key, Any]], language: str) -> None:
    """Each enum label is read back as its value (kamgen.aliases): two values of
    one enum must not share a label."""
    groups: dict[str, list[str]] = {}
    for key, text in catalogs[language].items():
        if key[0] == "enum":
            groups.setdefault(key[1], []).append(text)
    twice = {group: texts for group, texts in groups.items() if len(set(texts)) != len(texts)}
    assert not twice, f"{language}: enum labels used twice: {twice}"


def test_every_message_is_text(catalogs: dict[str, dict[Key, Any]]) -> None:
    for language, messages in catalogs.items():
        odd = [".".join(k) for k, v in messages.items() if not isinstance(v, str) or not v.strip()]
        assert not odd, f"{language}: not a non-empty string: {odd}"


@pytest.mark.parametrize("language", OTHERS)
def test_translations_use_the_same_placeholders(catalogs: dict[str, dict[Key, Any]], language: str) -> None:
    en, zh = catalogs["en"], catalogs[language]
    differ = {
        ".".join(key): (dict(placeholders(en[key])), dict(placeholders(zh[key])))
        for key in sorted(en.keys() & zh.keys())
        if placeholders(en[key]) != placeholders(zh[key])
    }
    assert not differ, f"placeholders differ (en, {language}): {differ}"
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
