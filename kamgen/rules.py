"""The registry: every rule kamgen has, in one place, looked up by code.

It joins three explicit lists, each kept next to the rules it names and in
the order they run:

- ``codes.FILE_CODES``: K0xx and K1xx, reported by the loader and validation;
- ``checks.SETTINGS_CHECKS`` and ``checks.ACCOUNT_CHECKS``: K2xx;
- ``analytics.health.FINDINGS``: H1xx.

Nothing registers itself on import. ``kamgen codes``, the codes page, the
runner of the checks and the settings check K208 read this registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kamgen import checks, codes
from kamgen.analytics import health
from kamgen.rule import Rule

AnyRule = Rule[Any, Any]


def _index(*groups: Iterable[AnyRule]) -> dict[str, AnyRule]:
    found: dict[str, AnyRule] = {}
    for group in groups:
        for r in group:
            if found.setdefault(r.code, r) is not r:
                raise ValueError(f"rule code {r.code} is used twice")
    return dict(sorted(found.items()))


# Every rule by code, in code order.
RULES: Mapping[str, AnyRule] = _index(
    codes.FILE_CODES, checks.SETTINGS_CHECKS, checks.ACCOUNT_CHECKS, health.FINDINGS
)
# What `health.levels` in the settings may name (checked by K208).
FINDING_CODES = frozenset(r.code for r in health.FINDINGS)
