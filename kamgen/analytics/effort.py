"""Prioritisation of time: where the team's limited hours go.

Effort is the ``effort_hours`` of open actions (planned or in progress). An
action pays off on its own horizon, else on its goal's; one with neither is
counted as "unspecified", never silently dropped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from kamgen.analytics.pages import OPEN_ACTIONS, OPEN_GOALS, action_horizon
from kamgen.analytics.qualification import facts
from kamgen.model import AccountRecord, Portfolio
from kamgen.schema import ActionStatus, Horizon, Member, Metric

UNSPECIFIED = "unspecified"
HORIZONS = [h.value for h in Horizon] + [UNSPECIFIED]
LONG_PAYOFF = (Horizon.MONTHS_6, Horizon.MONTHS_12, Horizon.LONG_TERM)
DAYS_PER_MONTH = 30.4


def _empty() -> dict[str, float]:
    return dict.fromkeys(HORIZONS, 0.0)


def account_effort(record: AccountRecord) -> dict[str, float]:
    """Open effort hours of one account by horizon."""
    hours = _empty()
    for a in record.data.actions:
        if a.status in OPEN_ACTIONS and a.effort_hours:
            horizon = action_horizon(record, a)
            hours[horizon.value if horizon else UNSPECIFIED] += a.effort_hours
    return hours


def portfolio_effort(portfolio: Portfolio) -> dict[str, float]:
    total = _empty()
    for rec in portfolio.accounts:
        for key, value in account_effort(rec).items():
            total[key] += value
    return total


@dataclass(frozen=True)
class OwnerLoad:
    member: Member
    accounts: int  # accounts this member owns
    capacity_per_month: float
    window_months: int
    capacity: float  # over the window
    planned: float  # open hours owned by the member, due within the window or overdue
    undated: float  # open hours with no due date (not in `planned`)
    utilisation_pct: float | None
    hours_per_account: float | None  # capacity a month per owned account
    overloaded: bool
    too_many_accounts: bool
    by_horizon: dict[str, float]  # all open hours
    planned_by_horizon: dict[str, float]  # the `planned` hours only
    open_hours: float


def owner_loads(portfolio: Portfolio, today: dt.date) -> list[OwnerLoad]:
    t = portfolio.settings.thresholds
    end = today + dt.timedelta(days=round(t.planning_months * DAYS_PER_MONTH))
    owned: dict[str, int] = defaultdict(int)
    for rec in portfolio.accounts:
        owned[rec.data.owner] += 1
    planned: dict[str, float] = defaultdict(float)
    undated: dict[str, float] = defaultdict(float)
    horizons: dict[str, dict[str, float]] = defaultdict(_empty)
    in_window: dict[str, dict[str, float]] = defaultdict(_empty)
    for rec in portfolio.accounts:
        for a in rec.data.actions:
            if a.status not in OPEN_ACTIONS or not a.effort_hours:
                continue
            horizon = action_horizon(rec, a)
            key = horizon.value if horizon else UNSPECIFIED
            horizons[a.owner][key] += a.effort_hours
            if a.due is None:
                undated[a.owner] += a.effort_hours
            elif a.due <= end:
                planned[a.owner] += a.effort_hours
                in_window[a.owner][key] += a.effort_hours
    loads = []
    for m in portfolio.settings.team:
        capacity = m.hours_per_month * t.planning_months
        per_account = m.hours_per_month / owned[m.id] if owned[m.id] else None
        loads.append(
            OwnerLoad(
                member=m,
                accounts=owned[m.id],
                capacity_per_month=m.hours_per_month,
                window_months=t.planning_months,
                capacity=capacity,
                planned=planned[m.id],
                undated=undated[m.id],
                utilisation_pct=planned[m.id] / capacity * 100 if capacity else None,
                hours_per_account=per_account,
                overloaded=planned[m.id] > capacity,
                too_many_accounts=per_account is not None and per_account < t.min_hours_per_account,
                by_horizon=horizons[m.id] if m.id in horizons else _empty(),
                planned_by_horizon=in_window[m.id] if m.id in in_window else _empty(),
                open_hours=sum(horizons[m.id].values()) if m.id in horizons else 0.0,
            )
        )
    return loads


def last_activity(record: AccountRecord) -> dt.date | None:
    """The latest contact, finished action or note: the last sign of work."""
    dates = [s.last_contact for s in record.data.stakeholders if s.last_contact]
    dates += [a.due for a in record.data.actions if a.due and a.status is ActionStatus.DONE]
    dates += [n.date for n in record.data.notes]
    return max(dates) if dates else None


@dataclass(frozen=True)
class Neglect:
    record: AccountRecord
    last_activity: dt.date | None
    days: int | None


def neglected(portfolio: Portfolio, today: dt.date) -> list[Neglect]:
    """Accounts that pay off only in 6 months or more (every open goal is on a
    long horizon) and have seen no activity for thresholds.neglect_days:
    the ones a competitor takes while we chase quick results."""
    limit = portfolio.settings.thresholds.neglect_days
    found = []
    for rec in portfolio.accounts:
        open_goals = [g for g in rec.data.goals if g.status in OPEN_GOALS]
        if not open_goals or any(g.horizon not in LONG_PAYOFF for g in open_goals):
            continue
        last = last_activity(rec)
        days = (today - last).days if last else None
        if days is None or days > limit:
            found.append(Neglect(rec, last, days))
    return sorted(found, key=lambda n: (n.last_activity or dt.date.min, n.record.id))


@dataclass(frozen=True)
class EffortValue:
    record: AccountRecord
    hours: float  # open effort hours
    volume: float | None  # latest annual volume, portfolio currency
    potential: float | None
    hours_per_100k: float | None  # hours planned per 100,000 of annual volume


def effort_value(portfolio: Portfolio) -> list[EffortValue]:
    rows = []
    for rec in portfolio.accounts:
        f = facts(rec, portfolio.settings)
        hours = sum(account_effort(rec).values())
        volume = f.volume.amount if f.volume else None
        potential = f.values[Metric.POTENTIAL]
        per = hours / volume * 100_000 if volume else None
        rows.append(EffortValue(rec, hours, volume, potential if isinstance(potential, float) else None, per))
    return sorted(rows, key=lambda r: (-(r.volume or 0), r.record.id))
