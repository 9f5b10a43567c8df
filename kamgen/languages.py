"""The site languages: one catalogue file each, found where they lie.

A language is a file ``<code>.yml`` (a language tag such as ``zh-Hans``) in a
catalogue folder: kamgen's own ``kamgen/i18n/``, then each folder named in
the ``KAMGEN_LANGUAGES`` environment variable (separated like ``PATH``), where
a team keeps a language kamgen does not ship, or its own wording of one it
does (a later folder's file replaces an earlier one's). Adding a language is
adding its file: the settings accept its code, the JSON Schema lists it and
every word falls back to English where the file says nothing.

A catalogue holds every word kamgen writes in that language: ``label``,
``finding``, ``unit``, ``step``, ``enum`` (also read as aliases of the English
values), ``checklist`` (the built-in checklists' texts), ``problem`` (the
command line's problem messages) and ``meta`` (the language's own name and
Material for MkDocs' theme language).
"""

from __future__ import annotations

import os
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

ENGLISH = "en"
ENV = "KAMGEN_LANGUAGES"
# A language tag: `en`, `zh-Hans`, `pt-BR`; any other file in a folder is not a language.
_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def folders() -> list[Path]:
    """The catalogue folders, kamgen's own first."""
    own = Path(str(resources.files("kamgen").joinpath("i18n")))
    extra = [Path(p) for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    return [own, *extra]


@cache
def files() -> dict[str, Path]:
    """Each language's catalogue file by its code; English always first."""
    found: dict[str, Path] = {}
    for folder in folders():
        if folder.is_dir():
            for path in sorted(folder.glob("*.yml")):
                if _TAG.match(path.stem):
                    found[path.stem] = path
    return {code: found[code] for code in sorted(found, key=lambda c: (c != ENGLISH, c))}


def codes() -> list[str]:
    return list(files())


# libyaml's safe loader where PyYAML has it: a catalogue is 20 KB, which
# PyYAML's own reads in ten times the time, once in every process.
_SAFE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def catalogue(code: str) -> dict[str, Any]:
    """The catalogue of a language as written; empty for one there is no file
    for, or a file that cannot be read or is not a mapping (English then
    speaks for it: a team's broken catalogue must not stop a build)."""
    path = files().get(code)
    if path is None:
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def text(code: str, *keys: str) -> str | None:
    """The text at ``keys`` in a language's catalogue, else in English's;
    None when neither has one."""
    for lang in dict.fromkeys((code, ENGLISH)):
        node: Any = catalogue(lang)
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, str):
            return node
    return None
