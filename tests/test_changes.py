"""changes.compare, one kind of change at a time, on two loads of the sample
portfolio (the Git side is tested in test_diff)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kamgen.changes import Change, compare
from kamgen.model import Portfolio
from kamgen.pipeline import load
from kamgen.project import Project
from kamgen.schema import Visibility
from tests.conftest import TODAY, copy_sample
from tests.git_helpers import edit

ACCOUNT = "accounts/guangzhou-yaju-furniture.yaml"
DAY = dt.date.fromisoformat(TODAY)

NEW_PERSON = """\
  - id: xu-ming
    name: 徐明
    role: influencer
    influence: low
    stance: neutral
    last_contact: 2026-11-20

relationships:"""

NEW_INTEREST = """
interests:
  - id: agent-fee
    holder: he-jun
    interest: A fee from the current supplier's agent
    threat: We sell direct
    severity: medium
    tactic: go-around
    status: in-progress
    last_step: 2026-11-20
"""


def loaded(root: Path) -> Portfolio:
    """The portfolio in ``root``, made a copy of the sample if it is not there yet."""
    project = copy_sample(root) if not root.exists() else Project(root)
    result = load(project)
    assert result.portfolio is not None, result.problems
    return result.portfolio


def summary(change: Change) -> tuple[object, ...]:
    if change.finding is not None:
        return (change.kind.value, change.finding.code)
    return (change.kind.value, change.subject.id, change.before, change.after)


CASES = {
    "person added": ([("\nrelationships:", "\n" + NEW_PERSON)], [("person-added", "xu-ming", None, None)]),
    "person departed, and still counted": (
        [("    last_contact: 2026-10-28\n", "    last_contact: 2026-10-28\n    left_on: 2026-11-01\n")],
        [("person-departed", "chen-jie", None, dt.date(2026, 11, 1)), ("finding-introduced", "H110")],
    ),
    "role": (
        [("    role: user-buyer\n", "    role: influencer\n")],
        [("role-changed", "he-jun", "user-buyer", "influencer")],
    ),
    "influence": (
        [("    influence: low\n    stance: neutral\n", "    influence: medium\n    stance: neutral\n")],
        [("influence-changed", "he-jun", "low", "medium")],
    ),
    "interest opened": ([("\ninterests:\n", NEW_INTEREST)], [("interest-opened", "agent-fee", None, None)]),
    "interest defused resolves its staleness": (
        [("    status: unaddressed\n", "    status: defused\n")],
        [("interest-defused", "engineer-routine", "unaddressed", "defused"), ("finding-resolved", "H108")],
    ),
    "tactic": (
        [("      - tactic: earn-trust\n", "      - tactic: go-around\n")],
        [("tactic-changed", "engineer-routine", "earn-trust", "go-around")],
    ),
    "tactic added to the list": (
        [("      - tactic: earn-trust\n", "      - tactic: earn-trust\n      - tactic: wait\n")],
        [("tactic-changed", "engineer-routine", "earn-trust", "earn-trust, wait")],
    ),
    "goal achieved leaves no long-term goal": (
        [
            (
                "    status: confirmed\n    how_we_help: Soft-close",
                "    status: achieved\n    how_we_help: Soft-close",
            )
        ],
        [("goal-achieved", "premium-line", "confirmed", "achieved"), ("finding-introduced", "H113")],
    ),
    "goal re-dated earlier": (
        [("target: 2028-06-30", "target: 2028-06-20")],
        [("goal-redated", "premium-line", dt.date(2028, 6, 30), dt.date(2028, 6, 20))],
    ),
    "action done leaves nothing due soon": (
        [("    due: 2026-12-09\n    status: planned\n", "    due: 2026-12-09\n    status: done\n")],
        [("action-done", "design-workshop", "planned", "done"), ("finding-introduced", "H114")],
    ),
    "action newly overdue": (
        [("due: 2027-03-15", "due: 2026-11-01")],
        [("action-overdue", "prototype-pilot", dt.date(2027, 3, 15), dt.date(2026, 11, 1))],
    ),
    "action removed": (
        [("  - id: slide-analysis\n", "  - id: slide-analysis-x\n")],
        [("action-added", "slide-analysis-x", None, None), ("action-removed", "slide-analysis", None, None)],
    ),
    "account visibility": (
        [("visibility: internal\nwhy_key", "visibility: public\nwhy_key")],
        [("visibility-changed", "guangzhou-yaju-furniture", "internal", "public")],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_kind_of_change(tmp_path: Path, case: str) -> None:
    edits, expected = CASES[case]
    base = loaded(tmp_path / "base")
    head_root = tmp_path / "head"
    copy_sample(head_root)
    for old, new in edits:
        edit(head_root / ACCOUNT, old, new)
    head = loaded(head_root)
    [account] = compare(base, head, today=DAY)
    assert account.id == "guangzhou-yaju-furniture"
    assert [summary(c) for c in account.changes] == expected


def test_the_old_shape_of_the_same_tactics_is_no_change(tmp_path: Path) -> None:
    base = loaded(tmp_path / "base")
    copy_sample(tmp_path / "head")
    edit(
        tmp_path / "head" / ACCOUNT, "    tactics:\n      - tactic: earn-trust\n", "    tactic: earn-trust\n"
    )
    assert compare(base, loaded(tmp_path / "head"), today=DAY) == []


def test_score(tmp_path: Path) -> None:
    base = loaded(tmp_path / "base")
    copy_sample(tmp_path / "head")
    edit(tmp_path / "head" / ACCOUNT, "days_to_pay: 75", "days_to_pay: 45")
    [account] = compare(base, loaded(tmp_path / "head"), today=DAY)
    [change] = account.changes
    assert change.kind.value == "score-changed"
    assert isinstance(change.before, float) and isinstance(change.after, float)
    assert change.after - change.before == pytest.approx(5.0)  # the pays-on-time criterion's weight


def test_nothing_changes_when_nothing_was_edited_whatever_the_day(tmp_path: Path) -> None:
    base, head = loaded(tmp_path / "base"), loaded(tmp_path / "head")
    for day in (DAY, dt.date(2031, 1, 1)):
        for level in Visibility:
            assert compare(base, head, today=day, level=level) == []


def test_a_hidden_account_is_not_described(tmp_path: Path) -> None:
    base = loaded(tmp_path / "base")
    copy_sample(tmp_path / "head")
    edit(tmp_path / "head" / ACCOUNT, "visibility: internal\nwhy_key", "visibility: restricted\nwhy_key")
    edit(tmp_path / "head" / ACCOUNT, "target: 2028-06-30", "target: 2028-06-20")
    head = loaded(tmp_path / "head")
    assert compare(base, head, today=DAY) == []
    [account] = compare(base, head, today=DAY, level=Visibility.RESTRICTED)
    assert [c.kind.value for c in account.changes] == ["visibility-changed", "goal-redated"]


def test_accounts_added_removed_and_renamed(tmp_path: Path) -> None:
    base = loaded(tmp_path / "base")
    head_root = tmp_path / "head"
    copy_sample(head_root)
    (head_root / ACCOUNT).rename(head_root / "accounts" / "yaju.yaml")
    (head_root / "accounts" / "megamart-retail.yaml").unlink()
    head = loaded(head_root)
    found = {a.id: a for a in compare(base, head, today=DAY, renamed={"guangzhou-yaju-furniture": "yaju"})}
    assert [summary(c) for c in found["yaju"].changes] == [
        ("account-renamed", "yaju", ACCOUNT, "accounts/yaju.yaml")
    ]
    assert [c.kind.value for c in found["megamart-retail"].changes] == ["account-removed"]
    # Without the rename Git saw, it would be one account gone and one new.
    unfollowed = {a.id: a for a in compare(base, head, today=DAY)}
    assert unfollowed["guangzhou-yaju-furniture"].changes[0].kind.value == "account-removed"
    assert unfollowed["yaju"].changes[0].kind.value == "account-added"


def test_narrowing_a_part_is_described_only_to_those_who_still_see_it(tmp_path: Path) -> None:
    base = loaded(tmp_path / "base")
    copy_sample(tmp_path / "head")
    edit(
        tmp_path / "head" / ACCOUNT,
        "visibility: internal\nwhy_key",
        "visibility: internal\nwhy_key_visibility: restricted\nwhy_key",
    )
    head = loaded(tmp_path / "head")
    assert compare(base, head, today=DAY) == []
    [account] = compare(base, head, today=DAY, level=Visibility.RESTRICTED)
    assert [summary(c) for c in account.changes] == [
        ("visibility-changed", "guangzhou-yaju-furniture", "internal", "restricted")
    ]
