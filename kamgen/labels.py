"""Translated labels for everything kamgen writes on a page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kamgen import languages
from kamgen.rule import Finding
from kamgen.schema import Language


@dataclass(frozen=True)
class Labels:
    """Look-ups with English as the fallback, so a missing key never breaks a page."""

    language: Language

    def _get(self, section: str, *keys: str) -> str | None:
        return languages.text(self.language.value, section, *keys)

    def label(self, key: str, **values: Any) -> str:
        text = self._get("label", key)
        if text is None:
            return key
        return text.format(**values) if values else text

    def finding(self, finding: Finding, names: Mapping[str, object] | None = None) -> str:
        """A health finding in words, in this language; ``names`` replaces
        parameters that hold ids (an interest, a goal) with what a page shows."""
        params: dict[str, object] = {**finding.params, **(names or {})}
        if "days" in params:
            days = params["days"]
            params["since"] = self.label("never") if days is None else self.label("days_ago", n=days)
        if "mode" in params:
            params["mode"] = self.enum("mode", str(params["mode"]))
        return (self._get("finding", finding.code) or finding.code).format(**params)

    def next_step(self, finding: Finding) -> str:
        """The account manager's own next step if they wrote one, else ours:
        ``step.<code>_via`` when the finding names an ally to go through
        (``via``), ``step.<code>_unmet`` for someone we have never met
        (``met: false``), where the catalog has them, else ``step.<code>``."""
        if finding.user_step:
            return finding.user_step
        params = finding.params
        variants = ["via"] if params.get("via") else []
        variants += ["unmet"] if params.get("met") is False else []
        for key in (*(f"{finding.code}_{v}" for v in variants), finding.code):
            text = self._get("step", key)
            if text is not None:
                return text.format(**params)
        return ""

    def why(self, code: str) -> str:
        """Why a health finding matters, in a short sentence from the method."""
        return self._get("why", code) or ""

    def unit(self, metric: StrEnum, currency: str) -> str:
        """The unit of a qualification metric's value: money is in ``currency``."""
        if metric.value in ("volume", "potential"):
            return currency
        return self._get("unit", metric.value) or ""

    def ordinal(self, metric: StrEnum, value: object) -> str:
        """A level-valued metric (goal access, openness) in words; ratings as written."""
        group = {"goal-access": "access", "openness": "level"}.get(metric.value)
        return self.enum(group, str(value)) if group else str(value)

    def enum(self, group: str, value: StrEnum | str | None) -> str:
        if value is None:
            return self.label("none")
        return self._get("enum", group, str(value)) or str(value)
