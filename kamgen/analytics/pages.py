"""Every number and list a page shows, computed once, here.

Templates only place what this module returns. Functions take the
(already visibility-filtered) portfolio and an explicit ``today`` so that
results are reproducible in tests and builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

from kamgen.model import AccountRecord, ChecklistDef, Portfolio
from kamgen.schema import (
    Action,
    ActionKind,
    ActionStatus,
    Goal,
    GoalStatus,
    Horizon,
    Stakeholder,
    Tier,
)

OPEN_ACTIONS = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
OPEN_GOALS = (GoalStatus.UNCONFIRMED, GoalStatus.CONFIRMED)
GOALS_WINDOW_DAYS = 90


# ---------------------------------------------------------------- checklists


@dataclass(frozen=True)
class ChecklistRow:
    id: str
    text: str
    done: bool
    answered: bool
    note: str | None


@dataclass(frozen=True)
class ChecklistView:
    id: str
    title: str
    rows: tuple[ChecklistRow, ...]
    done: int
    total: int


def checklists(record: AccountRecord, defs: tuple[ChecklistDef, ...]) -> list[ChecklistView]:
    """Each checklist with its answers; a list the account never answered is
    still shown, unticked, because an unasked question is worth seeing."""
    views = []
    for d in defs:
        answers = record.data.checklists.get(d.id, {})
        rows = tuple(
            ChecklistRow(
                item.id,
                item.text,
                bool(answers.get(item.id) and answers[item.id].done),
                item.id in answers,
                answers[item.id].note if item.id in answers else None,
            )
            for item in d.items
        )
        views.append(ChecklistView(d.id, d.title, rows, sum(r.done for r in rows), len(rows)))
    return views


# ---------------------------------------------------------------- people


def buy_in(record: AccountRecord) -> list[Stakeholder]:
    """People whose buy-in is required and who are still at the company:
    those we do not know in person first, as they need a next step."""
    people = [s for s in record.data.stakeholders if s.buy_in_required and not s.left_on]
    return sorted(people, key=lambda s: (s.known_in_person, s.name))


# Whether a person has bought in reads from their stance alone; knowing them
# in person is a separate question the page asks beside it.
_BOUGHT_IN = {
    "mentor": "bought-in",
    "supporter": "bought-in",
    "neutral": "undecided",
    "non-supporter": "opposed",
    "enemy": "opposed",
}


def bought_in(person: Stakeholder) -> str:
    """``bought-in``, ``undecided``, ``opposed`` or ``unknown`` (no stance recorded)."""
    return _BOUGHT_IN.get(person.stance.value, "unknown") if person.stance else "unknown"


# ---------------------------------------------------------------- goals, actions


def is_overdue_goal(goal: Goal, today: dt.date) -> bool:
    return goal.target is not None and goal.target < today and goal.status in OPEN_GOALS


def is_overdue_action(action: Action, today: dt.date) -> bool:
    return action.due is not None and action.due < today and action.status in OPEN_ACTIONS


@dataclass(frozen=True)
class GoalDue:
    record: AccountRecord
    goal: Goal
    overdue: bool


@dataclass(frozen=True)
class ActionDue:
    record: AccountRecord
    action: Action
    overdue: bool
    goal: Goal | None


def goals_due(portfolio: Portfolio, today: dt.date, days: int = GOALS_WINDOW_DAYS) -> list[GoalDue]:
    """Open goals whose target falls within ``days``, and overdue ones."""
    horizon = today + dt.timedelta(days=days)
    found = [
        GoalDue(rec, g, is_overdue_goal(g, today))
        for rec in portfolio.accounts
        for g in rec.data.goals
        if g.status in OPEN_GOALS and g.target is not None and g.target <= horizon
    ]
    return sorted(found, key=lambda d: (d.goal.target or today, d.record.id))


def _goal_of(record: AccountRecord, action: Action) -> Goal | None:
    return next((g for g in record.data.goals if g.id == action.goal), None)


def actions_due(portfolio: Portfolio, today: dt.date, days: int) -> list[ActionDue]:
    """Open actions due within ``days``, and overdue ones."""
    horizon = today + dt.timedelta(days=days)
    found = [
        ActionDue(rec, a, is_overdue_action(a, today), _goal_of(rec, a))
        for rec in portfolio.accounts
        for a in rec.data.actions
        if a.status in OPEN_ACTIONS and a.due is not None and a.due <= horizon
    ]
    return sorted(found, key=lambda d: (d.action.due or today, d.record.id))


def senior_visits(portfolio: Portfolio, today: dt.date) -> list[ActionDue]:
    found = [
        ActionDue(rec, a, is_overdue_action(a, today), _goal_of(rec, a))
        for rec in portfolio.accounts
        for a in rec.data.actions
        if a.kind is ActionKind.SENIOR_VISIT and a.status in OPEN_ACTIONS
    ]
    return sorted(found, key=lambda d: (d.action.due or dt.date.max, d.record.id))


def action_horizon(record: AccountRecord, action: Action) -> Horizon | None:
    """An action pays off on its own horizon, else on its goal's."""
    if action.horizon is not None:
        return action.horizon
    goal = _goal_of(record, action)
    return goal.horizon if goal else None


# ---------------------------------------------------------------- grouping


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    accounts: tuple[AccountRecord, ...]
    count: int


def _groups(pairs: list[tuple[str, str, AccountRecord]]) -> list[Group]:
    buckets: dict[tuple[str, str], list[AccountRecord]] = defaultdict(list)
    for key, label, rec in pairs:
        buckets[(key, label)].append(rec)
    return [
        Group(key, label, tuple(sorted(recs, key=lambda r: r.data.name)), len(recs))
        for (key, label), recs in buckets.items()
    ]


TIER_ORDER = {t: i for i, t in enumerate(Tier)}


def by_tier(portfolio: Portfolio) -> list[Group]:
    groups = _groups([(r.data.tier.value, r.data.tier.value, r) for r in portfolio.accounts])
    return sorted(groups, key=lambda g: TIER_ORDER[Tier(g.key)])


def by_region(portfolio: Portfolio, unknown: str) -> list[Group]:
    groups = _groups([(r.data.region or "", r.data.region or unknown, r) for r in portfolio.accounts])
    return sorted(groups, key=lambda g: (g.key == "", g.label))


def by_owner(portfolio: Portfolio) -> list[Group]:
    names = {m.id: m.name for m in portfolio.settings.team}
    groups = _groups([(r.data.owner, names.get(r.data.owner, r.data.owner), r) for r in portfolio.accounts])
    return sorted(groups, key=lambda g: g.label)


def tag_slug(tag: str) -> str:
    """A file-safe page name for a free-text tag; non-Latin tags get a hash."""
    slug = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")
    digest = hashlib.sha1(tag.encode("utf-8")).hexdigest()[:8]
    if not slug or slug != tag.lower():
        return f"{slug}-{digest}" if slug else f"tag-{digest}"
    return slug


def region_slug(region: str) -> str:
    """The page name of a region's list; accounts with no region get one no
    region can take (slugs are made of a-z, 0-9 and hyphens)."""
    return tag_slug(region) if region else "_none"


def by_tag(portfolio: Portfolio) -> list[Group]:
    pairs = [(tag_slug(t), t, r) for r in portfolio.accounts for t in r.data.tags]
    return sorted(_groups(pairs), key=lambda g: g.label.lower())


def tier_counts(portfolio: Portfolio) -> list[tuple[Tier, int]]:
    counts = {t: 0 for t in Tier}
    for rec in portfolio.accounts:
        counts[rec.data.tier] += 1
    return list(counts.items())
