"""Builds below `restricted` tell no untruths about health.

A verdict is computed from the whole account; a finding is shown only when
everything it names is visible, and its line is its own item's line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamgen import report
from kamgen.model import AccountRecord, Portfolio
from kamgen.pipeline import load
from kamgen.project import Project
from kamgen.schema import Visibility
from tests.conftest import ROOT

TODAY = dt.date(2026, 11, 26)
SAMPLE = load(Project(ROOT)).portfolio
assert SAMPLE is not None
LEVELS = list(Visibility)
SECTIONS = ("stakeholders", "relationships", "interests", "practices", "goals", "actions", "notes")


def with_visibility(record: AccountRecord, levels: dict[str, list[Visibility]], account: Visibility) -> Any:
    data = record.data
    update: dict[str, Any] = {"visibility": account}
    for section in SECTIONS:
        items = getattr(data, section)
        chosen = levels[section]
        update[section] = [
            item.model_copy(update={"visibility": chosen[i % len(chosen)]}) for i, item in enumerate(items)
        ]
    return record.__class__(
        record.id, record.path, data.model_copy(update=update), record.body, 1, record.positions
    )


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in data["accounts"]}


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    levels=st.fixed_dictionaries(
        {s: st.lists(st.sampled_from(LEVELS), min_size=1, max_size=6) for s in SECTIONS}
    ),
    account=st.sampled_from(LEVELS),
    which=st.integers(min_value=0, max_value=len(SAMPLE.accounts) - 1),
)
def test_lower_builds_keep_the_verdict_or_leave_it_out(
    levels: dict[str, list[Visibility]], account: Visibility, which: int
) -> None:
    assert SAMPLE is not None
    record = with_visibility(SAMPLE.accounts[which], levels, account)
    portfolio = Portfolio(SAMPLE.settings, (record,), SAMPLE.checklists)
    full = by_id(report.build(portfolio, TODAY, Visibility.RESTRICTED))[record.id]["health"]
    full_lines = {(f["code"], f["line"], tuple(f["stakeholders"])) for f in full["findings"]}
    for level in (Visibility.PUBLIC, Visibility.INTERNAL):
        shown = by_id(report.build(portfolio, TODAY, level)).get(record.id)
        allowed = LEVELS[: LEVELS.index(level) + 1]
        if account not in allowed:
            assert shown is None
            continue
        assert shown is not None
        health = shown["health"]
        assert health["status"] == full["status"]
        visible_people = {s.id for s in record.data.stakeholders if s.visibility in allowed}
        for finding in health["findings"]:
            assert set(finding["stakeholders"]) <= visible_people
            assert (finding["code"], finding["line"], tuple(finding["stakeholders"])) in full_lines
        assert set(health["supportive_key_players"]) <= visible_people


def test_a_held_out_account_is_not_red_in_public() -> None:
    """The issue's case: internal people, built public, must not read as
    'no contacts' and 'economic buyer unknown'."""
    assert SAMPLE is not None
    record = SAMPLE.accounts[0]
    people = [s.model_copy(update={"visibility": Visibility.INTERNAL}) for s in record.data.stakeholders]
    data = record.data.model_copy(update={"visibility": Visibility.PUBLIC, "stakeholders": people})
    held = AccountRecord(record.id, record.path, data, record.body, 1, record.positions)
    portfolio = Portfolio(SAMPLE.settings, (held,), SAMPLE.checklists)
    full = by_id(report.build(portfolio, TODAY, Visibility.RESTRICTED))[record.id]["health"]
    public = by_id(report.build(portfolio, TODAY, Visibility.PUBLIC))[record.id]["health"]
    assert public["status"] == full["status"]
    codes = {f["code"] for f in public["findings"]}
    assert not codes & {"H101", "H104", "H106"}, codes


def test_a_hidden_ally_is_a_restricted_contact_not_an_empty_cell() -> None:
    from kamgen import app

    assert SAMPLE is not None
    project = Project(ROOT)
    record = next(r for r in SAMPLE.accounts if any(v.tactic == "whisper" for v in r.data.interests))
    interest = next(v for v in record.data.interests if v.tactic == "whisper")
    assert interest.ally is not None
    people = [
        s.model_copy(update={"visibility": Visibility.RESTRICTED}) if s.id == interest.ally else s
        for s in record.data.stakeholders
    ]
    interests = [
        v.model_copy(update={"visibility": Visibility.PUBLIC}) if v is interest else v
        for v in record.data.interests
    ]
    data = record.data.model_copy(
        update={"stakeholders": people, "interests": interests, "visibility": Visibility.PUBLIC}
    )
    held = AccountRecord(record.id, record.path, data, record.body, 1, record.positions)
    portfolio = Portfolio(SAMPLE.settings, (held,), SAMPLE.checklists)
    site = app.render(project, portfolio, today=TODAY, visibility=Visibility.INTERNAL)
    page = next(p.content for p in site.pages if p.path == f"accounts/{record.id}.md")
    # The ally is in the interests' second table (folded to fit the page): its
    # row repeats the interest, without the row anchor.
    rows = [line for line in page.splitlines() if line.startswith("|") and interest.interest in line]
    ally_row = next(line for line in rows if f'id="interest-{interest.id}"' not in line)
    assert "*a restricted contact*" in ally_row


def test_a_hidden_goal_owner_is_said_not_dropped() -> None:
    from kamgen import app

    assert SAMPLE is not None
    record = next(r for r in SAMPLE.accounts if any(len(g.owners) >= 1 for g in r.data.goals))
    goal = next(g for g in record.data.goals if g.owners and g.visibility is not Visibility.RESTRICTED)
    hidden = goal.owners[0]
    people = [
        s.model_copy(update={"visibility": Visibility.RESTRICTED}) if s.id == hidden else s
        for s in record.data.stakeholders
    ]
    data = record.data.model_copy(update={"stakeholders": people})
    held = AccountRecord(record.id, record.path, data, record.body, 1, record.positions)
    portfolio = Portfolio(SAMPLE.settings, (held,), SAMPLE.checklists)
    site = app.render(Project(ROOT), portfolio, today=TODAY, visibility=Visibility.INTERNAL)
    page = next(p.content for p in site.pages if p.path == f"accounts/{record.id}.md")
    row = next(line for line in page.splitlines() if f'id="goal-{goal.id}"' in line)
    assert "<em>a restricted contact</em>" in row  # the goals table is HTML
    assert f"#person-{hidden}" not in page
    whole = app.render(Project(ROOT), portfolio, today=TODAY, visibility=Visibility.RESTRICTED)
    assert "a restricted contact" not in next(
        p.content for p in whole.pages if p.path == f"accounts/{record.id}.md"
    )
