"""Command-line problems in the site language, message by message.

Problems are worded in English where they are found (CI reads them, and the
JSON and GitLab formats, the codes and the `path:line:col: level code` part
stay English and stable). For a reader who asks for another language
(``KAMGEN_LANG``, else the settings' ``language``), each message that matches
one of English's ``problem:`` patterns in ``i18n/en.yml`` is worded by the
same key in that language's catalogue; any other message stays English.

A pattern's ``{message}`` is itself a message (the part before "; did you
mean"), ``{finding}`` a health finding's words (``finding:``) and ``{step}``
its next step (``step:``, or its ``_via``/``_unmet`` form); any other value is kept as written, or translated
when it is one of English's words for a kind of item, a type, an enum value
or a time ("148 days ago", "never").
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from kamgen import languages
from kamgen.problems import Problem

ENV = "KAMGEN_LANG"
# The formats a person reads; JSON and GitLab Code Quality are read by programs
# (and GitLab's fingerprints are made of the message), so they stay English.
READ_BY_PEOPLE = frozenset({"text", "github", "markdown"})


def localize(problems: Iterable[Problem], language: str) -> list[Problem]:
    """``problems`` with each message in ``language`` where it has words for it."""
    if language == languages.ENGLISH or language not in languages.files():
        return list(problems)
    return [replace(p, message=_Wording(language, p.code).message(p.message)) for p in problems]


class _Wording:
    def __init__(self, language: str, code: str) -> None:
        self.language, self.code = language, code

    def message(self, text: str) -> str:
        return self._match(text, _patterns("problem"), "problem") or text

    def _match(self, text: str, patterns: list[tuple[str, re.Pattern[str]]], section: str) -> str | None:
        for key, pattern in patterns:
            found = pattern.fullmatch(text)
            if found is None:
                continue
            target = languages.text(self.language, section, key)
            if target is None:  # only English has it: say it in English
                return None
            values = {name: self._value(name, value) for name, value in found.groupdict().items()}
            return target.format(**values)
        return None

    def _value(self, name: str, value: str) -> str:
        if name == "message":
            return self.message(value)
        if name == "finding":
            return self._match(value, _patterns("finding", self.code), "finding") or value
        if name == "step":
            # Ours in any of its forms (naming an ally, for someone never met);
            # a step the account manager wrote matches none and stays as written.
            keys = (self.code, f"{self.code}_via", f"{self.code}_unmet")
            return self._match(value, _patterns("step", *keys), "step") or value
        return self._word(value)

    def _word(self, value: str) -> str:
        word = _words().get(value)
        if word is not None:
            return languages.text(self.language, *word) or value
        return self._match(value, _patterns("label", *_TIMES), "label") or value


# The labels a finding's time is worded with ("148 days ago", "never").
_TIMES = ("days_ago", "never")


@cache
def _patterns(section: str, *keys: str) -> list[tuple[str, re.Pattern[str]]]:
    """English's messages of ``section`` (those of ``keys`` only, if given) as
    patterns, the most specific (most literal text) first."""
    node = languages.catalogue(languages.ENGLISH).get(section)
    texts: dict[str, Any] = node if isinstance(node, dict) else {}
    chosen = {k: v for k, v in texts.items() if isinstance(v, str) and (not keys or k in keys)}
    # A pattern around another message ("...; did you mean 'x'?") goes first,
    # so that the message inside is matched on its own.
    order = sorted(chosen, key=lambda k: (not _wraps(chosen[k]), -len(_literal(chosen[k]))))
    return [(key, _compile(chosen[key])) for key in order]


def _wraps(template: str) -> bool:
    return any(name in ("message", "finding") for _, name, _, _ in string.Formatter().parse(template))


def _literal(template: str) -> str:
    return "".join(text for text, _, _, _ in string.Formatter().parse(template))


def _compile(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    seen: set[str] = set()
    for text, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(text))
        if name is None:
            continue
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+)")
        seen.add(name)
    return re.compile("".join(parts), re.DOTALL)


@cache
def _words() -> Mapping[str, tuple[str, ...]]:
    """English's single words a message may hold, by where each lives in a
    catalogue: ``problem_word`` entries first, then enum labels."""
    en = languages.catalogue(languages.ENGLISH)
    found: dict[str, tuple[str, ...]] = {}
    enum = en.get("enum")
    for group, labels in (enum if isinstance(enum, dict) else {}).items():
        for value, label in (labels if isinstance(labels, dict) else {}).items():
            found.setdefault(str(label), ("enum", str(group), str(value)))
    words = en.get("problem_word")
    for key, text in (words if isinstance(words, dict) else {}).items():
        found[str(text)] = ("problem_word", str(key))
    return found
