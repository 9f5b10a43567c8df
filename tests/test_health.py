"""Each health finding: an account that triggers it and one that does not.

The base account is healthy; each case changes as little as needed.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from kamgen.analytics import FINDINGS, Status, assess
from kamgen.model import AccountRecord
from kamgen.schema import Account, Settings

TODAY = dt.date(2026, 11, 26)
SETTINGS = Settings.model_validate(
    {
        "team": [{"id": "am", "name": "Ann Manager"}, {"id": "bo", "name": "Bo"}],
        "thresholds": {"min_contacts": 3},
    }
)


def person(pid: str, **extra: Any) -> dict[str, Any]:
    base = {
        "id": pid,
        "name": pid.title(),
        "role": "influencer",
        "influence": "medium",
        "stance": "supporter",
        "known_in_person": True,
        "coverage": [{"member": "am"}],
        "last_contact": "2026-11-01",
    }
    return base | extra


HEALTHY: dict[str, Any] = {
    "name": "Healthy",
    "owner": "am",
    "tier": "key",
    "stakeholders": [
        person(
            "eb",
            role="economic-buyer",
            influence="high",
            stance="mentor",
            buy_in_required=True,
            mode="growth",
        ),
        person("coach", role="coach", coverage=[{"member": "bo"}]),
        person("tech", role="technical-buyer", influence="high", buy_in_required=True),
        person("foe", influence="low", stance="enemy"),
    ],
    "interests": [
        {
            "id": "kickback",
            "holder": "foe",
            "interest": "x",
            "threat": "y",
            "severity": "high",
            "tactic": "go-around",
            "last_step": "2026-11-10",
        }
    ],
    "goals": [
        {"id": "short", "statement": "s", "horizon": "now", "target": "2026-12-31", "status": "confirmed"},
        {"id": "long", "statement": "l", "horizon": "long-term", "target": "2029-01-01"},
    ],
    "actions": [
        {
            "id": "demo",
            "title": "Demo",
            "kind": "demo",
            "owner": "am",
            "due": "2026-12-10",
            "stakeholders": ["tech"],
        },
    ],
}


def codes_of(data: dict[str, Any]) -> list[str]:
    record = AccountRecord("acme", "accounts/acme.yaml", Account.model_validate(data))
    return [f.code for f in assess(record, SETTINGS, TODAY).findings]


def change(fn: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(HEALTHY)
    fn(data)
    return data


def people(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in data["stakeholders"]}


def _drop_two(d: dict[str, Any]) -> None:
    d["stakeholders"] = d["stakeholders"][:2]
    d["interests"] = []
    d["actions"][0]["stakeholders"] = []


def _one_coverer(d: dict[str, Any]) -> None:
    people(d)["coach"]["coverage"] = [{"member": "am"}]


def _unmet(d: dict[str, Any]) -> None:
    people(d)["tech"]["known_in_person"] = False


def _no_high_supporter(d: dict[str, Any]) -> None:
    people(d)["eb"]["stance"] = "neutral"
    people(d)["tech"]["stance"] = "neutral"


def _no_coach(d: dict[str, Any]) -> None:
    people(d)["coach"]["role"] = "user-buyer"


def _no_eb(d: dict[str, Any]) -> None:
    people(d)["eb"]["role"] = "user-buyer"


def _no_tactic(d: dict[str, Any]) -> None:
    d["interests"][0]["tactic"] = "none"


def _stale_step(d: dict[str, Any]) -> None:
    d["interests"][0]["last_step"] = "2026-08-01"


def _opponent(d: dict[str, Any]) -> None:
    people(d)["foe"]["influence"] = "high"


def _departed(d: dict[str, Any]) -> None:
    d["stakeholders"].append(person("gone", left_on="2026-06-30", last_contact="2026-06-01"))


def _stale_contact(d: dict[str, Any]) -> None:
    people(d)["coach"]["last_contact"] = "2026-07-01"


def _overdue_goal(d: dict[str, Any]) -> None:
    d["goals"][0]["target"] = "2026-10-01"


def _no_long(d: dict[str, Any]) -> None:
    d["goals"] = d["goals"][:1]


def _no_action(d: dict[str, Any]) -> None:
    d["actions"][0]["due"] = "2027-02-01"


def _complacent(d: dict[str, Any]) -> None:
    people(d)["eb"]["mode"] = "overconfident"


def _no_role(d: dict[str, Any]) -> None:
    del people(d)["foe"]["role"]


TRIGGERS = {
    "H101": _drop_two,
    "H102": _one_coverer,
    "H103": _unmet,
    "H104": _no_high_supporter,
    "H105": _no_coach,
    "H106": _no_eb,
    "H107": _no_tactic,
    "H108": _stale_step,
    "H109": _opponent,
    "H110": _departed,
    "H111": _stale_contact,
    "H112": _overdue_goal,
    "H113": _no_long,
    "H114": _no_action,
    "H115": _complacent,
    "H116": _no_role,
}


def test_healthy_account_has_no_findings_and_is_green() -> None:
    assert codes_of(HEALTHY) == []
    record = AccountRecord("acme", "a", Account.model_validate(HEALTHY))
    assert assess(record, SETTINGS, TODAY).status is Status.GREEN


def test_every_rule_has_a_trigger_case() -> None:
    assert sorted(TRIGGERS) == sorted(r.code for r in FINDINGS)


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_finding_is_triggered(code: str) -> None:
    assert code in codes_of(change(TRIGGERS[code]))


def test_departed_person_no_longer_counted_is_not_a_finding() -> None:
    data = change(_departed)
    people(data)["gone"]["coverage"] = []
    assert "H110" not in codes_of(data)


def test_stale_contact_boundary() -> None:
    data = change(lambda d: people(d)["coach"].update(last_contact="2026-08-28"))  # 90 days: not stale
    assert "H111" not in codes_of(data)
    data = change(lambda d: people(d)["coach"].update(last_contact="2026-08-27"))  # 91 days
    assert "H111" in codes_of(data)


def test_achieved_and_dropped_goals_are_not_overdue() -> None:
    for status in ("achieved", "dropped"):
        data = change(_overdue_goal)
        data["goals"][0]["status"] = status
        assert "H112" not in codes_of(data)


def test_defused_interest_needs_no_tactic() -> None:
    data = change(_no_tactic)
    data["interests"][0]["status"] = "defused"
    assert "H107" not in codes_of(data)


def test_opponent_with_a_planned_action_is_fine() -> None:
    data = change(_opponent)
    data["actions"][0]["stakeholders"].append("foe")
    assert "H109" not in codes_of(data)


@pytest.mark.parametrize(
    ("fn", "status"),
    [
        # Key players (eb, tech) all neutral: nobody who matters supports us.
        (_no_high_supporter, Status.RED),
        # tech supports, but the economic buyer does not: supportive key players exist.
        (lambda d: people(d)["eb"].update(stance="neutral"), Status.AMBER),
        # Deciders support us, but a high-severity finding keeps it from green.
        (_opponent, Status.AMBER),
        (lambda d: [p.update(stance="neutral") for p in d["stakeholders"]], Status.RED),
    ],
)
def test_status(fn: Callable[[dict[str, Any]], Any], status: Status) -> None:
    data = change(fn)
    record = AccountRecord("acme", "a", Account.model_validate(data))
    assert assess(record, SETTINGS, TODAY).status is status


def test_pages_list_findings_most_severe_first() -> None:
    """The sample account's findings come in code order, severities mixed; pages list them high first."""
    from pathlib import Path

    from kamgen.analytics import most_severe_first
    from kamgen.pipeline import load
    from kamgen.project import Project
    from kamgen.rule import Severity

    portfolio = load(Project(Path(__file__).resolve().parent.parent)).portfolio
    rec = next(r for r in portfolio.accounts if r.id == "guangzhou-yaju-furniture")
    health = assess(rec, portfolio.settings, TODAY)
    rank = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
    before = [rank[f.severity] for f in health.findings]
    assert before != sorted(before), "the case needs findings out of severity order"
    shown = most_severe_first(health).findings
    assert [rank[f.severity] for f in shown] == sorted(before)
    assert sorted(f.code for f in shown) == sorted(f.code for f in health.findings)
