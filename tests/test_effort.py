"""Time allocation: capacity arithmetic, horizons, neglect, effort against value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kamgen.analytics import account_effort, effort_value, neglected, owner_loads, portfolio_effort
from kamgen.model import AccountRecord, Portfolio
from kamgen.schema import Account, Settings

TODAY = dt.date(2026, 11, 26)
SETTINGS = Settings.model_validate(
    {
        "team": [
            {"id": "am", "name": "Ann", "hours_per_month": 40},
            {"id": "bo", "name": "Bo", "hours_per_month": 20},
            {"id": "cy", "name": "Cy", "hours_per_month": 0},
        ],
        "thresholds": {"planning_months": 3, "min_hours_per_account": 8, "neglect_days": 60},
    }
)


def account(aid: str, owner: str, actions: list[dict[str, Any]], **extra: Any) -> AccountRecord:
    data = {"name": aid, "owner": owner, "tier": "key", "actions": actions, **extra}
    return AccountRecord(aid, f"accounts/{aid}.yaml", Account.model_validate(data))


def action(aid: str, owner: str, hours: float, due: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "id": aid,
        "title": aid,
        "kind": "meeting",
        "owner": owner,
        "effort_hours": hours,
        "due": due,
        **extra,
    }


def portfolio(*records: AccountRecord) -> Portfolio:
    return Portfolio(SETTINGS, records)


def test_capacity_arithmetic() -> None:
    a = account(
        "a",
        "am",
        [
            action("in-window", "am", 50, "2027-02-20"),  # within 3 x 30.4 days
            action("overdue", "am", 30, "2026-10-01"),  # still to do: counts
            action("later", "am", 100, "2027-06-01"),  # outside the window
            action("undated", "am", 7, None),
            action("done", "am", 99, "2026-12-01", status="done"),
            action("bo-work", "bo", 70, "2026-12-15"),
        ],
    )
    b = account("b", "am", [])
    loads = {load.member.id: load for load in owner_loads(portfolio(a, b), TODAY)}
    am, bo, cy = loads["am"], loads["bo"], loads["cy"]
    assert am.capacity == 40 * 3 == 120
    assert am.planned == 50 + 30
    assert am.undated == 7
    assert am.utilisation_pct == pytest.approx(80 / 120 * 100)
    assert am.accounts == 2 and am.hours_per_account == 20 and not am.too_many_accounts
    assert not am.overloaded
    assert am.open_hours == 50 + 30 + 100 + 7
    assert bo.capacity == 60 and bo.planned == 70 and bo.overloaded
    assert bo.accounts == 0 and bo.hours_per_account is None
    assert cy.capacity == 0 and cy.utilisation_pct is None and not cy.overloaded


def test_too_many_accounts_for_the_time() -> None:
    records = [account(f"a{i}", "bo", []) for i in range(3)]  # 20 h / 3 = 6.7 h < 8
    (bo,) = [load for load in owner_loads(portfolio(*records), TODAY) if load.member.id == "bo"]
    assert bo.hours_per_account == pytest.approx(20 / 3)
    assert bo.too_many_accounts


def test_effort_by_horizon_uses_action_then_goal_horizon() -> None:
    rec = account(
        "a",
        "am",
        [
            action("own", "am", 5, "2027-01-01", horizon="now"),
            action("via-goal", "am", 8, "2027-01-01", goal="g"),
            action("none", "am", 3, "2027-01-01"),
            action("closed", "am", 50, "2027-01-01", status="cancelled", horizon="now"),
        ],
        goals=[{"id": "g", "statement": "s", "horizon": "long-term"}],
    )
    hours = account_effort(rec)
    assert hours == {"now": 5, "3-months": 0, "6-months": 0, "12-months": 0, "long-term": 8, "unspecified": 3}
    both = portfolio_effort(portfolio(rec, rec))
    assert both["long-term"] == 16 and sum(both.values()) == 32


def test_neglected_long_payoff_accounts() -> None:
    long_goals = [{"id": "g", "statement": "s", "horizon": "12-months"}]
    quiet = account("quiet", "am", [], goals=long_goals, notes=[{"date": "2026-08-01", "text": "t"}])
    busy = account("busy", "am", [], goals=long_goals, notes=[{"date": "2026-11-01", "text": "t"}])
    short = account("short", "am", [], goals=[{"id": "g", "statement": "s", "horizon": "now"}])
    found = neglected(portfolio(quiet, busy, short), TODAY)
    assert [(n.record.id, n.days) for n in found] == [("quiet", 117)]


def test_effort_against_value() -> None:
    rec = account(
        "a",
        "am",
        [action("x", "am", 20, "2027-01-01")],
        qualification={"purchases": [{"period": 2025, "amount": 400_000}]},
    )
    (row,) = effort_value(portfolio(rec))
    assert row.hours == 20 and row.volume == 400_000 and row.hours_per_100k == pytest.approx(5.0)
