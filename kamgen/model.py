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
from pydantic import BaseModel

from kamgen import languages, refs
from kamgen.schema import (
    Account,
    Interest,
    Language,
    Qualification,
    Settings,
    Stakeholder,
    Visibility,
    VisibilityDefaults,
)

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
    """The method's checklists, worded from the language's catalogue; a text
    it lacks is English's, and one English lacks is its id: never an error."""
    raw: list[dict[str, Any]] = yaml.safe_load(
        resources.files("kamgen").joinpath("builtin_checklists.yml").read_text("utf-8")
    )

    def words(*keys: str) -> str:
        return languages.text(language.value, "checklist", *keys) or keys[0]

    return tuple(
        ChecklistDef(
            c["id"],
            words(c["id"], "title"),
            tuple(ChecklistItem(i, words(c["id"], "items", i)) for i in c["items"]),
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

    @cached_property
    def by_type_and_id(self) -> dict[tuple[type, str], Any]:
        """Every item of the account's lists, by its type and id (the first
        of each, as a reader going down the file finds it)."""
        found: dict[tuple[type, str], Any] = {}
        for section in type(self.data).model_fields:
            values = getattr(self.data, section)
            if isinstance(values, list):
                for item in values:
                    item_id = getattr(item, "id", None)
                    if item_id is not None:
                        found.setdefault((type(item), item_id), item)
        return found

    @cached_property
    def items(self) -> dict[refs.Kind, dict[str, Any]]:
        """The account's items of each kind it defines, by id."""
        return {
            kind: {item.id: item for item in getattr(self.data, section)}
            for kind, section in refs.ACCOUNT_KINDS.items()
        }


@dataclass(frozen=True)
class Portfolio:
    settings: Settings
    accounts: tuple[AccountRecord, ...]
    checklists: tuple[ChecklistDef, ...] = field(default_factory=tuple)

    def account(self, account_id: str) -> AccountRecord:
        return next(a for a in self.accounts if a.id == account_id)

    def visible(self, level: Visibility) -> Portfolio:
        """The portfolio as someone cleared up to ``level`` may see it."""
        allowed = cleared(level)
        kept = tuple(
            replace(
                rec,
                data=_hide_account_text(data, allowed),
                body=rec.body if data.narrative_visibility in allowed else "",
            )
            for rec in self.accounts
            if (data := redact(rec.data, allowed)) is not None
        )
        return replace(self, accounts=kept)


def _hide_account_text(account: Account, allowed: set[Visibility]) -> Account:
    """Text that belongs to the account rather than to an item: why it is a
    key account, and the notes on checklist answers."""
    update: dict[str, Any] = {}
    if account.why_key and account.why_key_visibility not in allowed:
        update["why_key"] = None
    if (account.extra or account.links) and account.extra_visibility not in allowed:
        update["extra"], update["links"] = {}, []
    qualification: Qualification | None = account.qualification  # None once redaction dropped it
    if qualification is None or qualification.visibility not in allowed:
        # The figures go; the verdict is computed from the whole account.
        update["qualification"] = Qualification(visibility=Visibility.RESTRICTED)
    if any(
        a.note and a.visibility not in allowed
        for answers in account.checklists.values()
        for a in answers.values()
    ):
        update["checklists"] = {
            cid: {
                item: a if a.visibility in allowed else a.model_copy(update={"note": None})
                for item, a in answers.items()
            }
            for cid, answers in account.checklists.items()
        }
    return account.model_copy(update=update) if update else account


def with_defaults(account: Account, defaults: VisibilityDefaults) -> Account:
    """The account with the settings' default visibility on every item that
    gives none of its own (as written in the file)."""
    update: dict[str, Any] = {}
    # The kinds that are lists of items share their name with the account's field.
    sections = [
        name for name in type(defaults).model_fields if isinstance(getattr(account, name, None), list)
    ]
    for section in sections:
        level = getattr(defaults, section)
        items = getattr(account, section)
        levels = [_default_level(i, level, defaults) for i in items]
        if any(
            v is not Visibility.INTERNAL and "visibility" not in i.model_fields_set
            for i, v in zip(items, levels, strict=True)
        ):
            update[section] = [
                i if "visibility" in i.model_fields_set else i.model_copy(update={"visibility": v})
                for i, v in zip(items, levels, strict=True)
            ]
    for field_name, level in (
        ("why_key_visibility", defaults.why_key),
        ("extra_visibility", defaults.extra),
        ("narrative_visibility", defaults.narrative),
    ):
        if field_name not in account.model_fields_set:
            update[field_name] = level
    if (
        defaults.qualification is not Visibility.INTERNAL
        and "visibility" not in account.qualification.model_fields_set
    ):
        update["qualification"] = account.qualification.model_copy(
            update={"visibility": defaults.qualification}
        )
    if defaults.checklist_notes is not Visibility.INTERNAL:
        update["checklists"] = {
            cid: {
                item: a
                if "visibility" in a.model_fields_set
                else a.model_copy(update={"visibility": defaults.checklist_notes})
                for item, a in answers.items()
            }
            for cid, answers in account.checklists.items()
        }
    return account.model_copy(update=update) if update else account


def _default_level(item: BaseModel, level: Visibility, defaults: VisibilityDefaults) -> Visibility:
    """An item's default: its section's, or for an interest of a kind with a
    default of its own, the stricter of the two (a kickback stays restricted
    on a site whose interests are internal)."""
    kind = getattr(item, "kind", None)
    if not isinstance(item, Interest) or kind is None:
        return level
    by_kind = defaults.interest_kinds.of(kind)
    if by_kind is None:
        return level
    return max(level, by_kind, key=VISIBILITY_ORDER.index)


def cleared(level: Visibility) -> set[Visibility]:
    """The levels a reader cleared up to ``level`` may see."""
    return set(VISIBILITY_ORDER[: VISIBILITY_ORDER.index(level) + 1])


def shows(account: Account, path: tuple[str | int, ...], allowed: set[Visibility]) -> bool:
    """True when the value at ``path`` and every item on the way to it are
    visible at ``allowed`` (the account itself included)."""
    current: Any = account
    if account.visibility not in allowed:
        return False
    for part in path:
        if isinstance(part, int):
            if not isinstance(current, list) or part >= len(current):
                return True  # past what the model holds: nothing more to hide
            current = current[part]
        elif isinstance(current, BaseModel):
            current = getattr(current, part, None)
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return True
        if getattr(current, "visibility", Visibility.PUBLIC) not in allowed:
            return False
    return True


def redact(account: Account, allowed: set[Visibility]) -> Account | None:
    """Leave out every item above the allowed levels, and every reference to
    one (as the schema's reference markers declare them). None if the account
    itself is above them."""

    def keep(item: BaseModel) -> bool:
        return getattr(item, "visibility", Visibility.PUBLIC) in allowed

    def shown(a: Account) -> dict[refs.Kind, set[str]]:
        return {
            kind: {item.id for item in getattr(a, section) if keep(item)}
            for kind, section in refs.ACCOUNT_KINDS.items()
        }

    # Leaving an item out can hide what only it referred to (an interest
    # whose holder is hidden), so prune until nothing more goes.
    visible = shown(account)
    while True:
        pruned = refs.prune(account, keep, visible)
        if pruned is None:
            return None
        now = shown(pruned)
        if now == visible:
            return pruned
        visible = now
