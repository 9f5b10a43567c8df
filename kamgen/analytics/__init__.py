"""All arithmetic kamgen shows: page lists, qualification, health, time.

Templates and reports only display what these functions return.
"""

from __future__ import annotations

from kamgen.analytics.effort import (
    EffortValue,
    Neglect,
    OwnerLoad,
    account_effort,
    effort_value,
    last_activity,
    neglected,
    owner_loads,
    portfolio_effort,
)
from kamgen.analytics.health import FINDINGS, Health, Status, assess, overview, status_counts
from kamgen.analytics.pages import (
    ActionDue,
    ChecklistRow,
    ChecklistView,
    GoalDue,
    Group,
    action_horizon,
    actions_due,
    buy_in,
    by_owner,
    by_region,
    by_tag,
    by_tier,
    checklists,
    goals_due,
    is_overdue_action,
    is_overdue_goal,
    senior_visits,
    tag_slug,
    tier_counts,
)
from kamgen.analytics.qualification import Qualification, facts, qualify, ranking
from kamgen.rule import Finding, Severity

__all__ = [
    "FINDINGS",
    "ActionDue",
    "ChecklistRow",
    "ChecklistView",
    "EffortValue",
    "Finding",
    "GoalDue",
    "Group",
    "Health",
    "Neglect",
    "OwnerLoad",
    "Qualification",
    "Severity",
    "Status",
    "account_effort",
    "action_horizon",
    "actions_due",
    "assess",
    "buy_in",
    "by_owner",
    "by_region",
    "by_tag",
    "by_tier",
    "checklists",
    "effort_value",
    "facts",
    "goals_due",
    "is_overdue_action",
    "is_overdue_goal",
    "last_activity",
    "neglected",
    "overview",
    "owner_loads",
    "portfolio_effort",
    "qualify",
    "ranking",
    "senior_visits",
    "status_counts",
    "tag_slug",
    "tier_counts",
]
