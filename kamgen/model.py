"""The validated portfolio that analytics and renderers work on.

Everything here is already checked: ids are unique and references resolve.
``Portfolio.visible`` is the one place where items above a visibility level
are left out, so no renderer has to remember to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml

from kamgen.schema import Account, Language, Settings, Stakeholder, Visibility

VISIBILITY_ORDER = [Visibility.PUBLIC, Visibility.INTERNAL, Visibility.RESTRICTED]


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str


@dataclass(frozen=True)
class ChecklistDef:
    id: str
    title: str
    items: tuple[ChecklistItem, ...]
    builtin: bool


def builtin_checklists(language: Language) -> list[ChecklistDef]:
    return list(_builtin_checklists(language))


@cache  # read once: every account file's checks ask for them
def _builtin_checklists(language: Language) -> tuple[ChecklistDef, ...]:
    raw: list[dict[str, Any]] = yaml.safe_load(
        resources.files("kamgen").joinpath("builtin_checklists.yml").read_text("utf-8")
    )
    return tuple(
        ChecklistDef(
            c["id"],
            c["title"][language.value],
            tuple(ChecklistItem(i["id"], i["text"][language.value]) for i in c["items"]),
            builtin=True,
        )
        for c in raw
    )


def all_checklists(settings: Settings) -> list[ChecklistDef]:
    custom = [
        ChecklistDef(c.id, c.title, tuple(ChecklistItem(i.id, i.text) for i in c.items), builtin=False)
        for c in settings.checklists
    ]
    return builtin_checklists(settings.language) + custom


@dataclass(frozen=True)
class AccountRecord:
    """A validated account with where it came from."""

    id: str
    path: str  # relative to the project root, with forward slashes
    data: Account
    body: str = ""
    body_line: int = 1
    # Where each value was written, so analysis can point at the line.
    positions: Mapping[tuple[str | int, ...], tuple[int, int]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def where(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """(line, col) of a data path, else of its nearest written ancestor."""
        for n in range(len(path), -1, -1):
            if path[:n] in self.positions:
                return self.positions[path[:n]]
        return (1, 1)

    @cached_property
    def people(self) -> dict[str, Stakeholder]:
        return {s.id: s for s in self.data.stakeholders}


@dataclass(frozen=True)
class Portfolio:
    settings: Settings
    accounts: tuple[AccountRecord, ...]
    checklists: tuple[ChecklistDef, ...] = field(default_factory=tuple)

    def account(self, account_id: str) -> AccountRecord:
        return next(a for a in self.accounts if a.id == account_id)

    def visible(self, level: Visibility) -> Portfolio:
        """The portfolio as someone cleared up to ``level`` may see it."""
        allowed = set(VISIBILITY_ORDER[: VISIBILITY_ORDER.index(level) + 1])
        kept = tuple(
            replace(
                rec,
                data=redact(rec.data, allowed),
                body=rec.body if rec.data.narrative_visibility in allowed else "",
            )
            for rec in self.accounts
            if rec.data.visibility in allowed
        )
        return replace(self, accounts=kept)


def redact(account: Account, allowed: set[Visibility]) -> Account:
    """Leave out every item above the allowed levels, and every reference to one."""
    people = [s for s in account.stakeholders if s.visibility in allowed]
    ids = {s.id for s in people}
    goals = [g for g in account.goals if g.visibility in allowed]
    goal_ids = {g.id for g in goals}
    return account.model_copy(
        update={
            "stakeholders": [
                s.model_copy(update={"reports_to": [m for m in s.reports_to if m in ids]}) for s in people
            ],
            "relationships": [
                r for r in account.relationships if r.visibility in allowed and {r.source, r.target} <= ids
            ],
            "interests": [
                v.model_copy(update={"ally": v.ally if v.ally in ids else None})
                for v in account.interests
                if v.visibility in allowed and v.holder in ids
            ],
            "practices": [p for p in account.practices if p.visibility in allowed],
            "goals": [
                g.model_copy(
                    update={
                        "owners": [o for o in g.owners if o in ids],
                        "source": [o for o in g.source if o in ids],
                    }
                )
                for g in goals
            ],
            "actions": [
                a.model_copy(
                    update={
                        "stakeholders": [s for s in a.stakeholders if s in ids],
                        "goal": a.goal if a.goal in goal_ids else None,
                    }
                )
                for a in account.actions
                if a.visibility in allowed
            ],
            "notes": [n for n in account.notes if n.visibility in allowed],
        }
    )
