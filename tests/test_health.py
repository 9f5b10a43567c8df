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
from kamgen.labels import Labels
from kamgen.model import AccountRecord
from kamgen.rule import Finding, Severity
from kamgen.schema import Account, Language, Settings

EN = Labels(Language.EN)

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
    """A high-influence enemy whose interest has a tactic and a recent step."""
    people(d)["foe"]["influence"] = "high"


def _opponent_unaddressed(d: dict[str, Any]) -> None:
    _opponent(d)
    d["interests"][0]["last_step"] = "2026-08-01"  # 117 days: beyond stale_step_days


def _eb_unmet(d: dict[str, Any]) -> None:
    people(d)["eb"].update(known_in_person=False, buy_in_required=False)


def _foe_influences_eb(d: dict[str, Any]) -> None:
    d["relationships"] = [{"kind": "influences", "from": "foe", "to": "eb"}]


def _rising_opponent(d: dict[str, Any]) -> None:
    people(d)["foe"]["influence_trend"] = "rising"


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
    "H109": _opponent_unaddressed,
    "H110": _departed,
    "H111": _stale_contact,
    "H112": _overdue_goal,
    "H113": _no_long,
    "H114": _no_action,
    "H115": _complacent,
    "H116": _no_role,
    "H117": _opponent,
    "H118": _eb_unmet,
    "H119": _foe_influences_eb,
    "H120": _rising_opponent,
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


def test_an_action_that_lists_an_opponent_does_not_address_them() -> None:
    """Only a tactic with a recent step does: a meeting on the calendar is no tactic."""
    data = change(_opponent_unaddressed)
    data["actions"][0]["stakeholders"].append("foe")
    assert "H109" in codes_of(data)


@pytest.mark.parametrize(
    ("interest", "code"),
    [
        ({}, "H117"),  # go-around, step 16 days ago
        ({"last_step": "2026-09-27"}, "H117"),  # 60 days: still recent
        ({"last_step": "2026-09-26"}, "H109"),  # 61 days: stale
        ({"last_step": None}, "H109"),  # a tactic never acted on
        ({"tactic": "none"}, "H109"),
        ({"status": "blocked"}, "H109"),
        ({"status": "defused", "tactic": "none", "last_step": None}, "H117"),
        ({"holder": "coach"}, "H109"),  # somebody else's interest
    ],
)
def test_a_high_influence_opponent_is_always_a_finding(interest: dict[str, Any], code: str) -> None:
    """Exactly one of H109 (high) and H117 (medium), by whether a tactic with a recent step addresses them."""
    data = change(_opponent)
    data["interests"][0].update(interest)
    found = [c for c in codes_of(data) if c in ("H109", "H117")]
    assert found == [code]


@pytest.mark.parametrize(
    "fn",
    [
        lambda d: None,  # low influence
        lambda d: people(d)["foe"].update(influence="high", stance="neutral"),
        lambda d: people(d)["foe"].update(influence="high", left_on="2026-10-01", coverage=[]),
    ],
)
def test_no_opponent_finding_for_others(fn: Callable[[dict[str, Any]], None]) -> None:
    codes = codes_of(change(fn))
    assert "H109" not in codes and "H117" not in codes


def findings_of(data: dict[str, Any], code: str) -> list[Finding]:
    record = AccountRecord("acme", "accounts/acme.yaml", Account.model_validate(data))
    return [f for f in assess(record, SETTINGS, TODAY).findings if f.code == code]


def _ally_line(d: dict[str, Any], **line: Any) -> None:
    d.setdefault("relationships", []).append({"kind": "influences", "from": "coach", "to": "eb"} | line)


@pytest.mark.parametrize("buy_in", [True, False])
def test_unmet_economic_buyer_is_a_finding_whatever_buy_in_says(buy_in: bool) -> None:
    data = change(_eb_unmet)
    people(data)["eb"]["buy_in_required"] = buy_in
    codes = codes_of(data)
    assert "H118" in codes
    assert "H103" not in codes  # the economic buyer's own finding, not a second one


def test_known_economic_buyer_is_no_finding() -> None:
    data = change(lambda d: people(d)["tech"].update(known_in_person=False))
    codes = codes_of(data)
    assert "H118" not in codes and "H103" in codes


def test_unmet_economic_buyer_step_names_the_ally_who_influences_them() -> None:
    data = change(_eb_unmet)
    [plain] = findings_of(data, "H118")
    assert plain.params["via"] is None
    assert EN.next_step(plain) == "Meet them through an ally: which of our supporters influences them?"
    _ally_line(data)
    [named] = findings_of(data, "H118")
    assert named.params["via"] == "Coach"
    assert EN.next_step(named) == "Meet them through an ally: ask Coach to introduce us in person"
    assert "Coach" in Labels(Language.ZH_HANT).next_step(named)


@pytest.mark.parametrize(
    ("fn", "via"),
    [
        (lambda d: None, "Coach"),
        # An opponent with a line to them is no ally; neither is someone we never met or who left.
        (lambda d: people(d)["coach"].update(stance="enemy"), None),
        (lambda d: people(d)["coach"].update(known_in_person=False), None),
        (lambda d: people(d)["coach"].update(left_on="2026-10-01", coverage=[]), None),
        # A line of another kind, or the other way round, is not an influence line to them.
        (lambda d: d["relationships"][0].update(kind="allied-with"), None),
        (lambda d: d["relationships"][0].update({"from": "eb", "to": "coach"}), None),
        # Never more hidden than the person the finding is about.
        (lambda d: people(d)["coach"].update(visibility="restricted"), None),
        (lambda d: d["relationships"][0].update(visibility="restricted"), None),
        # The more influential of two allies.
        (lambda d: _ally_line(d, **{"from": "tech"}), "Tech"),
    ],
)
def test_who_is_named_as_the_ally(fn: Callable[[dict[str, Any]], None], via: str | None) -> None:
    data = change(_eb_unmet)
    _ally_line(data)
    fn(data)
    [found] = findings_of(data, "H118")
    assert found.params["via"] == via


def test_the_account_managers_own_step_wins() -> None:
    data = change(_eb_unmet)
    people(data)["eb"]["next_step"] = "Ask Coach to bring us to the board dinner"
    [found] = findings_of(data, "H118")
    assert EN.next_step(found) == "Ask Coach to bring us to the board dinner"


def test_stale_contact_never_met_is_told_to_meet_not_get_back_in_touch() -> None:
    met = change(_stale_contact)
    [found] = findings_of(met, "H111")
    assert (found.params["met"], EN.next_step(found)) == (True, "Get back in touch")
    never = change(lambda d: people(d)["eb"].update(known_in_person=False, last_contact=None))
    _ally_line(never)
    [found] = findings_of(never, "H111")
    assert found.params["days"] is None and found.params["met"] is False
    assert EN.next_step(found) == "Meet them in person: ask Coach to introduce us"
    never["relationships"] = []
    [found] = findings_of(never, "H111")
    assert EN.next_step(found) == "Meet them in person: find an ally who can introduce us"


def test_opponent_line_to_a_decider_names_the_path() -> None:
    data = change(_foe_influences_eb)
    _ally_line(data)
    [found] = findings_of(data, "H119")
    assert found.severity is Severity.HIGH
    assert found.stakeholders == ("foe", "eb") and found.path == ("relationships", 0)
    assert EN.finding(found) == "Foe → Eb: an opponent influences someone who decides"
    assert EN.next_step(found) == "Ask Coach to put in a good word with Eb before Foe does"


@pytest.mark.parametrize(
    "fn",
    [
        lambda d: people(d)["foe"].update(stance="neutral"),
        lambda d: d["relationships"][0].update(kind="allied-with"),
        lambda d: d["relationships"][0].update({"from": "eb", "to": "foe"}),
        lambda d: d["relationships"][0].update(to="coach"),  # no decider
        lambda d: people(d)["foe"].update(left_on="2026-10-01", coverage=[]),
    ],
)
def test_no_path_finding_without_an_opponent_influencing_a_decider(
    fn: Callable[[dict[str, Any]], None],
) -> None:
    data = change(_foe_influences_eb)
    fn(data)
    assert "H119" not in codes_of(data)


def test_opponent_line_to_someone_whose_buy_in_is_required() -> None:
    data = change(lambda d: d.update(relationships=[{"kind": "influences", "from": "foe", "to": "tech"}]))
    [found] = findings_of(data, "H119")
    assert found.params["target"] == "Tech"


@pytest.mark.parametrize(
    ("who", "stance", "trend", "fires"),
    [
        ("foe", "enemy", "rising", True),
        ("tech", "non-supporter", "rising", True),
        ("foe", "enemy", "steady", False),
        ("foe", "enemy", "falling", False),
        ("coach", "supporter", "rising", False),
    ],
)
def test_rising_opponent(who: str, stance: str, trend: str, fires: bool) -> None:
    data = change(lambda d: people(d)[who].update(stance=stance, influence_trend=trend))
    assert ("H120" in codes_of(data)) is fires


def test_every_finding_says_why_it_matters_in_both_languages() -> None:
    for language in (Language.EN, Language.ZH_HANT):
        missing = [r.code for r in FINDINGS if not Labels(language).why(r.code)]
        assert not missing, (language, missing)


@pytest.mark.parametrize(
    ("fn", "status"),
    [
        # Key players (eb, tech) all neutral: nobody who matters supports us.
        (_no_high_supporter, Status.RED),
        # tech supports, but the economic buyer does not: supportive key players exist.
        (lambda d: people(d)["eb"].update(stance="neutral"), Status.AMBER),
        # Deciders support us, but a high-severity finding keeps it from green.
        (_opponent_unaddressed, Status.AMBER),
        # The same opponent, addressed by a tactic with a recent step, is a medium risk.
        (_opponent, Status.GREEN),
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


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("internal", {"internal": True, "restricted": True}),
        ("restricted", {"internal": False, "restricted": True}),
    ],
)
def test_a_path_finding_is_seen_only_where_its_line_is(line: str, shown: dict[str, bool]) -> None:
    """An opponent's line to a decider, kept restricted, is not revealed by its finding."""
    from kamgen.analytics import visible_health
    from kamgen.model import Portfolio
    from kamgen.schema import Visibility

    data = change(_foe_influences_eb)
    data["relationships"][0]["visibility"] = line
    portfolio = Portfolio(SETTINGS, (AccountRecord("acme", "a", Account.model_validate(data)),))
    for level, seen in shown.items():
        health = visible_health(portfolio, Visibility(level), TODAY)["acme"]
        assert any(f.code == "H119" for f in health.findings) is seen


@pytest.mark.parametrize(
    ("tactics", "code"),
    [
        ([{"tactic": "go-around"}, {"tactic": "whisper", "ally": "coach"}], "H117"),
        ([{"tactic": "none"}], "H109"),
        ([], "H109"),
    ],
)
def test_an_opponent_addressed_by_a_list_of_tactics(tactics: list[dict[str, Any]], code: str) -> None:
    data = change(_opponent)
    del data["interests"][0]["tactic"]
    data["interests"][0]["tactics"] = tactics
    assert [c for c in codes_of(data) if c in ("H109", "H117")] == [code]
