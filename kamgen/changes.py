"""What changed between two versions of a portfolio, in the model's terms.

`kamgen diff` loads the project at two revisions and hands both portfolios
to :func:`compare`, which says account by account what a reviewer needs to
know: people who came or went, a stance moved, a goal re-dated, a health
finding that appeared. It words nothing: a :class:`Change` holds a kind and
typed values (dates stay dates, an unknown role stays None), and the
presentation (:mod:`kamgen.diffreport`) words it.

Both sides are judged with the same ``today``, so nothing is reported just
because time passed between the two commits. What a reader cleared to the
chosen visibility may not see is not described at all: an item is compared
only where it is visible after the change; one that has just become visible
is reported as a visibility change and nothing more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kamgen.analytics import assess, is_overdue_action, qualify
from kamgen.model import AccountRecord, Portfolio, cleared, redact, shows
from kamgen.rule import Finding, Key, Param
from kamgen.schema import (
    Account,
    Action,
    ActionStatus,
    FindingLevel,
    Goal,
    GoalStatus,
    Interest,
    InterestStatus,
    Settings,
    Stakeholder,
    Visibility,
)

Value = str | int | float | bool | dt.date | None


class Kind(StrEnum):
    """What kind of change; the JSON output publishes these values."""

    ACCOUNT_ADDED = "account-added"
    ACCOUNT_REMOVED = "account-removed"
    ACCOUNT_RENAMED = "account-renamed"
    PERSON_ADDED = "person-added"
    PERSON_DEPARTED = "person-departed"
    PERSON_REMOVED = "person-removed"
    ROLE_CHANGED = "role-changed"
    INFLUENCE_CHANGED = "influence-changed"
    STANCE_CHANGED = "stance-changed"
    INTEREST_OPENED = "interest-opened"
    INTEREST_DEFUSED = "interest-defused"
    TACTIC_CHANGED = "tactic-changed"
    INTEREST_REMOVED = "interest-removed"
    GOAL_ADDED = "goal-added"
    GOAL_REDATED = "goal-redated"
    GOAL_ACHIEVED = "goal-achieved"
    GOAL_STATUS_CHANGED = "goal-status-changed"
    GOAL_REMOVED = "goal-removed"
    ACTION_ADDED = "action-added"
    ACTION_DONE = "action-done"
    ACTION_STATUS_CHANGED = "action-status-changed"
    ACTION_OVERDUE = "action-overdue"
    ACTION_REMOVED = "action-removed"
    SCORE_CHANGED = "score-changed"
    FINDING_INTRODUCED = "finding-introduced"
    FINDING_RESOLVED = "finding-resolved"
    VISIBILITY_CHANGED = "visibility-changed"


@dataclass(frozen=True)
class Subject:
    """What a change is about: the account or one of its items, with the text
    it is known by (a person's name, a goal's statement), as written."""

    kind: str  # "account", or a kind of item as kamgen.refs names them
    id: str
    label: str


@dataclass(frozen=True)
class Change:
    """One change: its kind, what it is about and, for a changed value, the
    field with its value before and after. ``params`` holds what else the
    wording needs (days a goal moved, a finding's code), typed."""

    kind: Kind
    subject: Subject
    field: str | None = None
    before: Value = None
    after: Value = None
    params: Mapping[str, Param] = dataclasses.field(default_factory=dict)
    finding: Finding | None = None


@dataclass(frozen=True)
class AccountChanges:
    """The changes to one account; ``previous_*`` where its file was renamed."""

    id: str
    name: str
    path: str
    changes: tuple[Change, ...]
    previous_id: str | None = None
    previous_path: str | None = None


@dataclass(frozen=True)
class Diff:
    """Everything `kamgen diff` found: the two sides it compared (a revision as
    the user named it and its commit; None for the working tree), the day
    and the visibility level it judged them at, and the accounts that changed."""

    base: str
    base_commit: str | None
    head: str | None  # None: the working tree
    head_commit: str | None
    today: dt.date
    visibility: Visibility
    accounts: tuple[AccountChanges, ...]
    team: Mapping[str, str] = dataclasses.field(default_factory=dict)  # member id -> name, after the change
    merge_base: bool = False  # base is where HEAD left the branch ``base``, not ``base`` itself


def compare(
    base: Portfolio,
    head: Portfolio,
    *,
    today: dt.date,
    level: Visibility = Visibility.INTERNAL,
    renamed: Mapping[str, str] | None = None,
) -> list[AccountChanges]:
    """Every visible account that changed from ``base`` to ``head``, in the
    order of ``head`` (removed accounts last). ``renamed`` maps an account id
    at ``base`` to its id at ``head`` where the file was renamed."""
    allowed = cleared(level)
    renamed = dict(renamed or {})
    old = {rec.id: rec for rec in base.accounts}
    matched: set[str] = set()
    found: list[AccountChanges] = []
    back = {h: b for b, h in renamed.items() if b in old}
    for rec in head.accounts:
        # A file renamed away leaves its old id free for a new account.
        before_id = back.get(rec.id) or (rec.id if rec.id not in renamed else None)
        prev = old.get(before_id) if before_id else None
        if prev is not None:
            matched.add(prev.id)
        if rec.data.visibility not in allowed:
            continue
        changes = list(_account(prev, rec, base.settings, head.settings, today, allowed))
        if changes:
            moved = prev is not None and prev.path != rec.path
            found.append(
                AccountChanges(
                    rec.id,
                    rec.data.name,
                    rec.path,
                    tuple(changes),
                    previous_id=prev.id if moved and prev else None,
                    previous_path=prev.path if moved and prev else None,
                )
            )
    for rec in base.accounts:
        if rec.id not in matched and rec.data.visibility in allowed:
            gone = Change(Kind.ACCOUNT_REMOVED, _account_subject(rec))
            found.append(AccountChanges(rec.id, rec.data.name, rec.path, (gone,)))
    return found


def _account_subject(rec: AccountRecord) -> Subject:
    return Subject("account", rec.id, rec.data.name)


def _account(
    prev: AccountRecord | None,
    rec: AccountRecord,
    base: Settings,
    head: Settings,
    today: dt.date,
    allowed: set[Visibility],
) -> Iterator[Change]:
    subject = _account_subject(rec)
    if prev is None:
        yield Change(Kind.ACCOUNT_ADDED, subject, params={"tier": rec.data.tier.value})
        yield from _findings(None, rec, base, head, today, allowed)
        return
    if prev.data.visibility not in allowed:
        # Only now visible: say so, and describe nothing that was hidden.
        yield _visibility(subject, "visibility", prev.data.visibility, rec.data.visibility)
        return
    if prev.id != rec.id or prev.path != rec.path:
        yield Change(Kind.ACCOUNT_RENAMED, subject, "path", prev.path, rec.path, {"previous_id": prev.id})
    yield from _account_visibility(prev.data, rec.data, subject, allowed)
    yield from _items(prev, rec, today, allowed)
    yield from _score(prev, rec, base, head)
    yield from _findings(prev, rec, base, head, today, allowed)


def _visibility(subject: Subject, name: str, before: Visibility, after: Visibility) -> Change:
    return Change(Kind.VISIBILITY_CHANGED, subject, name, before.value, after.value)


def _account_visibility(
    a: Account, b: Account, subject: Subject, allowed: set[Visibility]
) -> Iterator[Change]:
    """The account's own parts; as for items, a part the change hides from
    the reader is not described."""
    pairs = (
        ("visibility", a.visibility, b.visibility),
        ("why_key_visibility", a.why_key_visibility, b.why_key_visibility),
        ("narrative_visibility", a.narrative_visibility, b.narrative_visibility),
        ("extra_visibility", a.extra_visibility, b.extra_visibility),
        ("qualification.visibility", a.qualification.visibility, b.qualification.visibility),
    )
    for name, before, after in pairs:
        if before is not after and after in allowed:
            yield _visibility(subject, name, before, after)


# ------------------------------------------------------------------ items


def _items(
    prev: AccountRecord, rec: AccountRecord, today: dt.date, allowed: set[Visibility]
) -> Iterator[Change]:
    # What the reader may see on each side: items above the level, and those
    # that only name hidden people, are left out as the site leaves them out.
    seen_before = redact(prev.data, allowed)
    seen_after = redact(rec.data, allowed)
    assert seen_before is not None and seen_after is not None  # the account is visible on both sides
    for section, kind, differ in _SECTIONS:
        full_before = {i.id: i for i in getattr(prev.data, section)}
        before = {i.id: i for i in getattr(seen_before, section)}
        after = {i.id: i for i in getattr(seen_after, section)}
        for item_id, item in after.items():
            subject = Subject(kind, item_id, _label(item))
            if item_id in before:
                yield from differ(before[item_id], item, subject, today)
            elif item_id in full_before:
                was = full_before[item_id].visibility
                if was is not item.visibility:
                    yield _visibility(subject, "visibility", was, item.visibility)
            else:
                yield from _added(item, subject, today)
        for item_id, item in before.items():
            if item_id not in {i.id for i in getattr(rec.data, section)}:
                yield Change(_REMOVED[kind], Subject(kind, item_id, _label(item)))


def _label(item: Any) -> str:
    for name in ("name", "statement", "title", "interest"):
        if isinstance(value := getattr(item, name, None), str):
            return value
    return str(item.id)


def _added(item: Any, subject: Subject, today: dt.date) -> Iterator[Change]:
    params: dict[str, Param]
    if isinstance(item, Stakeholder):
        params = {"role": _v(item.role), "influence": _v(item.influence), "stance": _v(item.stance)}
        yield Change(Kind.PERSON_ADDED, subject, params=params)
    elif isinstance(item, Interest):
        params = {"severity": item.severity.value, "tactic": tactics(item), "status": item.status.value}
        yield Change(Kind.INTEREST_OPENED, subject, params=params)
    elif isinstance(item, Goal):
        params = {"horizon": item.horizon.value, "target": item.target, "status": item.status.value}
        yield Change(Kind.GOAL_ADDED, subject, params=params)
    elif isinstance(item, Action):
        params = {"due": item.due, "owner": item.owner, "overdue": is_overdue_action(item, today)}
        yield Change(Kind.ACTION_ADDED, subject, params=params)


def tactics(interest: Interest) -> str:
    """An interest's tactics in order, as one value: ``go-around, whisper``;
    ``none`` when there is none (the value a single tactic always had)."""
    return ", ".join(step.tactic.value for step in interest.plan) or "none"


def _v(value: StrEnum | None) -> str | None:
    return None if value is None else value.value


def _changed(kind: Kind, subject: Subject, name: str, before: Any, after: Any) -> Iterator[Change]:
    if before != after:
        yield Change(kind, subject, name, _plain(before), _plain(after))


def _plain(value: Any) -> Value:
    return value.value if isinstance(value, StrEnum) else value


def _common(a: Any, b: Any, subject: Subject) -> Iterator[Change]:
    if a.visibility is not b.visibility:
        yield _visibility(subject, "visibility", a.visibility, b.visibility)


def _person(a: Stakeholder, b: Stakeholder, subject: Subject, today: dt.date) -> Iterator[Change]:
    if b.left_on and not a.left_on:
        yield Change(Kind.PERSON_DEPARTED, subject, "left_on", None, b.left_on)
    yield from _changed(Kind.ROLE_CHANGED, subject, "role", a.role, b.role)
    yield from _changed(Kind.INFLUENCE_CHANGED, subject, "influence", a.influence, b.influence)
    yield from _changed(Kind.STANCE_CHANGED, subject, "stance", a.stance, b.stance)
    yield from _common(a, b, subject)


def _interest(a: Interest, b: Interest, subject: Subject, today: dt.date) -> Iterator[Change]:
    if b.status is InterestStatus.DEFUSED and a.status is not InterestStatus.DEFUSED:
        yield Change(Kind.INTEREST_DEFUSED, subject, "status", a.status.value, b.status.value)
    yield from _changed(Kind.TACTIC_CHANGED, subject, "tactic", tactics(a), tactics(b))
    yield from _common(a, b, subject)


def _goal(a: Goal, b: Goal, subject: Subject, today: dt.date) -> Iterator[Change]:
    if a.target != b.target:
        days = (b.target - a.target).days if a.target and b.target else None
        yield Change(Kind.GOAL_REDATED, subject, "target", a.target, b.target, {"days": days})
    if a.status is not b.status:
        kind = Kind.GOAL_ACHIEVED if b.status is GoalStatus.ACHIEVED else Kind.GOAL_STATUS_CHANGED
        yield Change(kind, subject, "status", a.status.value, b.status.value)
    yield from _common(a, b, subject)


def _action(a: Action, b: Action, subject: Subject, today: dt.date) -> Iterator[Change]:
    if a.status is not b.status:
        kind = Kind.ACTION_DONE if b.status is ActionStatus.DONE else Kind.ACTION_STATUS_CHANGED
        yield Change(kind, subject, "status", a.status.value, b.status.value)
    if is_overdue_action(b, today) and not is_overdue_action(a, today):
        yield Change(Kind.ACTION_OVERDUE, subject, "due", a.due, b.due)
    yield from _common(a, b, subject)


Differ = Callable[[Any, Any, Subject, dt.date], Iterator[Change]]
_SECTIONS: tuple[tuple[str, str, Differ], ...] = (
    ("stakeholders", "stakeholder", _person),
    ("interests", "interest", _interest),
    ("goals", "goal", _goal),
    ("actions", "action", _action),
)
_REMOVED = {
    "stakeholder": Kind.PERSON_REMOVED,
    "interest": Kind.INTEREST_REMOVED,
    "goal": Kind.GOAL_REMOVED,
    "action": Kind.ACTION_REMOVED,
}


# ------------------------------------------------------------------ verdicts


def _score(prev: AccountRecord, rec: AccountRecord, base: Settings, head: Settings) -> Iterator[Change]:
    # The verdict is shown with the account whatever the figures' visibility.
    a, b = qualify(prev, base), qualify(rec, head)
    if round(a.score, 1) != round(b.score, 1) or a.qualifies != b.qualifies:
        params: dict[str, Param] = {"qualified": a.qualifies, "qualifies": b.qualifies}
        yield Change(
            Kind.SCORE_CHANGED, _account_subject(rec), "score", round(a.score, 1), round(b.score, 1), params
        )


FindingKey = tuple[str, Key]


def finding_key(rec: AccountRecord, finding: Finding) -> FindingKey:
    """What makes a finding the same one on both sides: its code and the
    items it is about by id (a list index moves when an item is inserted)."""
    data: Any = rec.data
    key: list[str | int] = []
    for part in finding.path:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
            key.append(str(getattr(data, "id", part)))
        else:
            data = getattr(data, str(part), None) if not isinstance(data, list) else None
            key.append(part)
    return finding.code, tuple(key)


def findings(rec: AccountRecord, settings: Settings, today: dt.date) -> dict[FindingKey, Finding]:
    """The account's health findings that `kamgen validate` reports (none
    whose level the settings turn off), by :func:`finding_key`."""
    levels = settings.health.levels
    return {
        finding_key(rec, f): f
        for f in assess(rec, settings, today).findings
        if levels.get(f.code, FindingLevel.WARNING) is not FindingLevel.OFF
    }


def _shown(rec: AccountRecord, finding: Finding, allowed: set[Visibility]) -> bool:
    """As on the site: only when everything the finding names may be seen."""
    people = rec.people
    seen = all(p in people and people[p].visibility in allowed for p in finding.stakeholders)
    return seen and shows(rec.data, finding.path, allowed)


def _findings(
    prev: AccountRecord | None,
    rec: AccountRecord,
    base: Settings,
    head: Settings,
    today: dt.date,
    allowed: set[Visibility],
) -> Iterator[Change]:
    before = findings(prev, base, today) if prev else {}
    after = findings(rec, head, today)
    for key, f in after.items():
        if key not in before and _shown(rec, f, allowed):
            yield _finding_change(Kind.FINDING_INTRODUCED, rec, f)
    if prev is None:
        return
    for key, f in before.items():
        if key not in after and _shown(prev, f, allowed):
            yield _finding_change(Kind.FINDING_RESOLVED, prev, f)


def _finding_change(kind: Kind, rec: AccountRecord, f: Finding) -> Change:
    subject = _account_subject(rec)
    params = {"code": f.code, "name": f.name, "severity": f.severity.value}
    return Change(kind, subject, params=params, finding=f)


def introduced(
    base: AccountRecord | None,
    head: AccountRecord,
    base_settings: Settings | None,
    settings: Settings,
    today: dt.date,
) -> list[Finding]:
    """The findings in ``head`` that ``base`` did not have (all of them
    without a ``base``), judged on the same ``today``."""
    before = findings(base, base_settings, today) if base and base_settings else {}
    return [f for key, f in findings(head, settings, today).items() if key not in before]
