"""Redaction: what someone cleared up to a visibility level sees of the portfolio.

These tests state the behaviour of ``Portfolio.visible`` at every level
(public, internal, restricted): which accounts, items and narratives are left
out, and that no reference to a left-out item survives anywhere in what is
kept. They read only the redacted values, never how redaction is written, so
they hold for any implementation.
"""

from __future__ import annotations

import json
import re

import pytest

from kamgen.model import AccountRecord, Portfolio, cleared
from kamgen.pipeline import load
from kamgen.project import Project
from kamgen.schema import Visibility

PUBLIC, INTERNAL, RESTRICTED = Visibility.PUBLIC, Visibility.INTERNAL, Visibility.RESTRICTED
LEVELS = [PUBLIC, INTERNAL, RESTRICTED]

# One public account whose items sit at every level and point at each other.
# Items without `visibility` are internal. The restricted person comes first,
# so that leaving him out moves everyone after him in the list.
ACCOUNT = """\
name: Open Harbour Ltd
owner: li-wei
tier: key
visibility: public
stakeholders:
  - id: rex-rowe
    name: Rex Rowe
    visibility: restricted
  - id: pia-park
    name: Pia Park
    reports_to: [ivo-ingram, rex-rowe]
    visibility: public
  - id: ivo-ingram
    name: Ivo Ingram
    reports_to: [rex-rowe]
  - id: pat-poole
    name: Pat Poole
    visibility: public
relationships:
  - {kind: allied-with, from: pia-park, to: pat-poole, visibility: public}
  - {kind: influences, from: rex-rowe, to: pia-park, visibility: public}
  - {kind: in-conflict-with, from: pat-poole, to: ivo-ingram, visibility: public}
  - {kind: influences, from: pat-poole, to: pia-park}
interests:
  - {id: dock-fees, holder: pia-park, interest: Dock fees, threat: Lost fees, severity: low, tactic: whisper, ally: rex-rowe, visibility: public}
  - {id: night-shift, holder: rex-rowe, interest: Night shift, threat: Lost shift, severity: high, visibility: public}
  - {id: crane-lease, holder: pat-poole, interest: Crane lease, threat: Lost lease, severity: medium, visibility: restricted}
practices:
  - {id: paper-forms, practice: Paper forms, impact: low, visibility: public}
  - {id: cash-tips, practice: Cash tips, impact: high}
  - {id: side-deals, practice: Side deals, impact: high, visibility: restricted}
goals:
  - id: quay-upgrade
    statement: Upgrade the quay
    horizon: 12-months
    owners: [pia-park, rex-rowe]
    source: [ivo-ingram, pat-poole]
    visibility: public
  - id: secret-merger
    statement: Merge with the rival port
    horizon: long-term
    owners: [pia-park]
    visibility: restricted
actions:
  - id: harbour-tour
    title: Harbour tour
    kind: meeting
    goal: secret-merger
    stakeholders: [pia-park, ivo-ingram, rex-rowe]
    owner: li-wei
    visibility: public
  - id: crane-demo
    title: Crane demo
    kind: demo
    goal: quay-upgrade
    stakeholders: [ivo-ingram]
    owner: anna
  - id: merger-call
    title: Merger call
    kind: meeting
    goal: secret-merger
    owner: li-wei
    visibility: restricted
notes:
  - {date: 2026-01-01, text: A public note, visibility: public}
  - {date: 2026-01-02, text: An internal note}
  - {date: 2026-01-03, text: A restricted note, visibility: restricted}
"""

NARRATIVE = "The harbour master's own story.\n"
# Accounts at each level, the internal and restricted ones with a narrative.
OTHER_ACCOUNTS = {
    "inner-dock.md": f"---\nname: Inner Dock\nowner: li-wei\ntier: key\n---\n{NARRATIVE}",
    "sealed-yard.md": (
        "---\nname: Sealed Yard\nowner: anna\ntier: key\nvisibility: restricted\n"
        f"narrative_visibility: restricted\n---\n{NARRATIVE}"
    ),
    "open-quay.md": (
        "---\nname: Open Quay\nowner: anna\ntier: key\nvisibility: public\n"
        f"narrative_visibility: public\n---\n{NARRATIVE}"
    ),
    "half-open.md": (f"---\nname: Half Open\nowner: anna\ntier: key\nvisibility: public\n---\n{NARRATIVE}"),
}

# What each level keeps of Open Harbour's items, by id (notes by text).
KEPT: dict[Visibility, dict[str, list[str]]] = {
    PUBLIC: {
        "stakeholders": ["pia-park", "pat-poole"],
        "relationships": ["allied-with:pia-park:pat-poole"],
        "interests": ["dock-fees"],
        "practices": ["paper-forms"],
        "goals": ["quay-upgrade"],
        "actions": ["harbour-tour"],
        "notes": ["A public note"],
    },
    INTERNAL: {
        "stakeholders": ["pia-park", "ivo-ingram", "pat-poole"],
        "relationships": [
            "allied-with:pia-park:pat-poole",
            "in-conflict-with:pat-poole:ivo-ingram",
            "influences:pat-poole:pia-park",
        ],
        "interests": ["dock-fees"],
        "practices": ["paper-forms", "cash-tips"],
        "goals": ["quay-upgrade"],
        "actions": ["harbour-tour", "crane-demo"],
        "notes": ["A public note", "An internal note"],
    },
}
# Every item and every reference a level must not show, in any field.
HIDDEN: dict[Visibility, list[str]] = {
    PUBLIC: ["rex-rowe", "Rex Rowe", "ivo-ingram", "Ivo Ingram", "secret-merger", "Merge with the rival"],
    INTERNAL: ["rex-rowe", "Rex Rowe", "secret-merger", "Merge with the rival"],
}
HIDDEN[PUBLIC] += ["night-shift", "crane-lease", "cash-tips", "side-deals", "crane-demo", "merger-call"]
HIDDEN[PUBLIC] += ["An internal note", "A restricted note"]
HIDDEN[INTERNAL] += ["night-shift", "crane-lease", "side-deals", "merger-call", "A restricted note"]


@pytest.fixture
def portfolio(project: Project) -> Portfolio:
    (project.accounts_dir / "open-harbour.yaml").write_text(ACCOUNT, encoding="utf-8")
    for name, text in OTHER_ACCOUNTS.items():
        (project.accounts_dir / name).write_text(text, encoding="utf-8")
    result = load(project)
    assert result.portfolio is not None, [str(p) for p in result.problems]
    return result.portfolio


def harbour(portfolio: Portfolio) -> AccountRecord:
    return portfolio.account("open-harbour")


def item_ids(record: AccountRecord, section: str) -> list[str]:
    items = getattr(record.data, section)
    return [item.text if section == "notes" else item.id for item in items]


def dump(record: AccountRecord) -> str:
    """Everything a renderer or report can read from an account."""
    return json.dumps(record.data.model_dump(mode="json", by_alias=True), ensure_ascii=False) + record.body


# --- accounts and narratives ------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "accounts"),
    [
        (PUBLIC, ["half-open", "open-harbour", "open-quay"]),
        (INTERNAL, ["half-open", "inner-dock", "open-harbour", "open-quay"]),
        (RESTRICTED, ["half-open", "inner-dock", "open-harbour", "open-quay", "sealed-yard"]),
    ],
)
def test_accounts_above_the_level_are_left_out(
    portfolio: Portfolio, level: Visibility, accounts: list[str]
) -> None:
    assert sorted(a.id for a in portfolio.visible(level).accounts) == accounts


@pytest.mark.parametrize(
    ("level", "with_narrative"),
    [
        (PUBLIC, ["open-quay"]),
        (INTERNAL, ["half-open", "inner-dock", "open-quay"]),
        (RESTRICTED, ["half-open", "inner-dock", "open-quay", "sealed-yard"]),
    ],
)
def test_narrative_is_shown_only_up_to_its_own_level(
    portfolio: Portfolio, level: Visibility, with_narrative: list[str]
) -> None:
    visible = portfolio.visible(level)
    bodies = {a.id: a.body for a in visible.accounts if a.path.endswith(".md")}
    assert sorted(i for i, body in bodies.items() if body) == with_narrative
    assert all(body in ("", NARRATIVE) for body in bodies.values())
    # The rest of an account whose narrative is hidden stays.
    assert visible.account("half-open").data.name == "Half Open"


# --- items and references -----------------------------------------------------------


@pytest.mark.parametrize("level", [PUBLIC, INTERNAL])
@pytest.mark.parametrize("section", list(KEPT[PUBLIC]))
def test_items_above_the_level_are_left_out(portfolio: Portfolio, level: Visibility, section: str) -> None:
    assert item_ids(harbour(portfolio.visible(level)), section) == KEPT[level][section]


@pytest.mark.parametrize("level", [PUBLIC, INTERNAL])
def test_nothing_left_out_is_named_anywhere(portfolio: Portfolio, level: Visibility) -> None:
    """No field of what is kept names a left-out item, whatever the field."""
    everything = dump(harbour(portfolio.visible(level)))
    leaked = [hidden for hidden in HIDDEN[level] if hidden in everything]
    assert not leaked, f"at {level}: {leaked}"


def test_public_references_point_only_at_public_items(portfolio: Portfolio) -> None:
    account = harbour(portfolio.visible(PUBLIC)).data
    pia = next(s for s in account.stakeholders if s.id == "pia-park")
    assert pia.reports_to == []
    (interest,) = account.interests
    assert (interest.holder, interest.ally) == ("pia-park", None)
    (goal,) = account.goals
    assert (goal.owners, goal.source) == (["pia-park"], ["pat-poole"])
    (action,) = account.actions
    assert (action.goal, action.stakeholders, action.owner) == (None, ["pia-park"], "li-wei")


def test_internal_references_keep_internal_items(portfolio: Portfolio) -> None:
    account = harbour(portfolio.visible(INTERNAL)).data
    people = {s.id: s for s in account.stakeholders}
    assert people["pia-park"].reports_to == ["ivo-ingram"]
    assert people["ivo-ingram"].reports_to == []
    (goal,) = account.goals
    assert (goal.owners, goal.source) == (["pia-park"], ["ivo-ingram", "pat-poole"])
    actions = {a.id: a for a in account.actions}
    assert (actions["harbour-tour"].goal, actions["harbour-tour"].stakeholders) == (
        None,
        ["pia-park", "ivo-ingram"],
    )
    assert (actions["crane-demo"].goal, actions["crane-demo"].stakeholders) == (
        "quay-upgrade",
        ["ivo-ingram"],
    )


def test_restricted_level_sees_everything_unchanged(portfolio: Portfolio) -> None:
    visible = portfolio.visible(RESTRICTED)
    assert [a.data for a in visible.accounts] == [a.data for a in portfolio.accounts]
    assert [a.body for a in visible.accounts] == [a.body for a in portfolio.accounts]
    for hidden in HIDDEN[PUBLIC]:
        assert hidden in dump(harbour(visible))


@pytest.mark.parametrize("level", LEVELS)
def test_what_is_not_an_item_is_kept(portfolio: Portfolio, level: Visibility) -> None:
    before, after = harbour(portfolio), harbour(portfolio.visible(level))
    for field in ("name", "owner", "tier", "team", "tags", "checklists"):
        assert getattr(after.data, field) == getattr(before.data, field), field
    # The qualification figures have a level of their own (internal unless set).
    if before.data.qualification.visibility in cleared(level):
        assert after.data.qualification == before.data.qualification
    else:
        assert after.data.qualification.purchases == [] and after.data.qualification.margin_pct is None
    assert (after.id, after.path) == (before.id, before.path)
    assert portfolio.visible(level).settings == portfolio.settings


@pytest.mark.parametrize("level", LEVELS)
def test_redaction_leaves_the_portfolio_itself_unchanged(portfolio: Portfolio, level: Visibility) -> None:
    before = dump(harbour(portfolio))
    portfolio.visible(level)
    assert dump(harbour(portfolio)) == before
    assert len(harbour(portfolio).data.stakeholders) == 4


@pytest.mark.xfail(
    strict=True,
    reason="bug: visible() keeps the positions of the unredacted lists, so after a left-out item "
    "every later item of a visible record points at the wrong line. kamgen report no longer asks a "
    "visible record (finding lines come from the whole file); a template calling where() would",
)
@pytest.mark.parametrize("level", [PUBLIC, INTERNAL])
def test_kept_items_still_point_at_the_line_they_were_written_on(
    portfolio: Portfolio, level: Visibility
) -> None:
    record = harbour(portfolio.visible(level))
    lines = ACCOUNT.splitlines()
    for index, person in enumerate(record.data.stakeholders):
        written = next(n for n, line in enumerate(lines, 1) if re.search(rf"- id: {person.id}$", line))
        assert record.where(("stakeholders", index))[0] == written, person.id
