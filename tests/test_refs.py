"""References declared once: the Ref markers, and what is derived from them.

A new reference field needs only its marker: these tests add fields to a
copy of the model and find them checked (K201 at the value), redacted and
shown by name, with no other change to kamgen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, get_args

import pytest
from pydantic import BaseModel, Field, StringConstraints, create_model

from kamgen import checks, refs, schema
from kamgen.ids import ID_PATTERN
from kamgen.labels import Labels
from kamgen.loader import load_file
from kamgen.model import AccountRecord, all_checklists, redact
from kamgen.pipeline import load
from kamgen.problems import Problem
from kamgen.project import Project
from kamgen.refs import Ref
from kamgen.render import make_env
from kamgen.schema import Id, Language, Settings, Visibility
from kamgen.validate import to_model
from tests.conftest import MINIMAL, SETTINGS, dedent

# Id-valued places that are not references: an item's own id, and the item
# ids under a checklist answer, which name items of the checklist whose id
# is the key above them (K205 checks them in that scope).
OWN_IDS = {
    "Stakeholder.id",
    "Interest.id",
    "Practice.id",
    "Goal.id",
    "Action.id",
    "Member.id",
    "Criterion.id",
    "Checklist.id",
    "ChecklistItem.id",
    "Account.checklists{value}{key}",
}


def _is_id(leaf: refs.Leaf) -> bool:
    return any(isinstance(m, StringConstraints) and m.pattern == ID_PATTERN for m in leaf.metadata)


def unmarked_ids(*models: type[BaseModel]) -> set[str]:
    return {leaf.where for m in models for leaf in refs.leaves(m) if _is_id(leaf) and leaf.ref is None}


def test_every_id_field_is_a_marked_reference_or_an_own_id() -> None:
    assert unmarked_ids(schema.Account, schema.Settings) == OWN_IDS


def test_the_audit_finds_an_unmarked_id_field() -> None:
    goal = create_model("Goal", __base__=schema.Goal, sponsor=(Id | None, None))
    account = create_model("Account", __base__=schema.Account, goals=(list[goal], []))
    assert unmarked_ids(account, schema.Settings) == OWN_IDS | {"Goal.sponsor"}


def test_account_kinds_are_lists_of_items_with_ids() -> None:
    fields = schema.Account.model_fields
    for section in refs.ACCOUNT_KINDS.values():
        item = get_args(fields[section].annotation)[0]
        assert "id" in item.model_fields and "visibility" in item.model_fields


# ------------------------------------------------------------ a copy with new fields


class SponsoredGoal(schema.Goal):
    sponsor: Annotated[Id | None, Ref("stakeholder")] = None
    reviewers: list[Annotated[Id, Ref("team member")]] = Field(default_factory=list)


class WitnessedInterest(schema.Interest):
    witness: Annotated[Id, Ref("stakeholder")]
    """Required: an interest whose witness is hidden is left out."""


class NotedAction(schema.Action):
    checklist: Annotated[Id | None, Ref("checklist")] = None


Extended = create_model(
    "Account",
    __base__=schema.Account,
    goals=(list[SponsoredGoal], []),
    interests=(list[WitnessedInterest], []),
    actions=(list[NotedAction], []),
)

PEOPLE = """\
stakeholders:
  - {id: ann, name: Ann, visibility: internal}
  - {id: vip, name: Very Important, visibility: restricted}
"""


def check_extended(tmp_path: Path, text: str) -> tuple[list[Problem], BaseModel | None]:
    """Load ``text`` as the extended account and run the real K201 on it."""
    (tmp_path / "kamgen.yml").write_text(SETTINGS, encoding="utf-8")
    settings, _ = to_model(load_file(tmp_path / "kamgen.yml", "kamgen.yml")[0], Settings)
    assert settings is not None
    (tmp_path / "acme.yaml").write_text(dedent(text), encoding="utf-8")
    doc, problems = load_file(tmp_path / "acme.yaml", "acme.yaml")
    account, invalid = to_model(doc, Extended)
    assert account is not None, problems + invalid
    lists = {c.id: {i.id for i in c.items} for c in all_checklists(settings)}
    ctx = checks.Context(doc, settings, account, lists)
    return problems + invalid + checks.problems([checks.unknown_reference], ctx), account


def found(problems: list[Problem]) -> list[tuple[int, int, str, str]]:
    return sorted((p.line, p.col, p.code, p.message) for p in problems)


def at(text: str, line: int, token: str, message: str) -> tuple[int, int, str, str]:
    """A K201 where ``token`` starts on ``line`` of ``text``."""
    return (line, text.splitlines()[line - 1].index(token) + 1, "K201", message)


def test_a_new_reference_field_is_checked(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + PEOPLE
        + "goals:\n"
        + "  - {id: g, statement: s, horizon: now, sponsor: an, reviewers: [li-wei, anne]}\n"
        + "actions:\n"
        + "  - {id: a, title: t, kind: demo, owner: li-wei, checklist: reveiw}\n"
        + "interests:\n"
        + "  - {id: i, holder: ann, witness: nobody-at-all, interest: x, threat: y, severity: low}\n"
    )
    problems, _ = check_extended(tmp_path, text)
    assert found(problems) == [
        at(text, 8, "an,", "unknown stakeholder 'an'; did you mean 'ann'?"),
        at(text, 8, "anne", "unknown team member 'anne'; did you mean 'anna'?"),
        at(text, 10, "reveiw", "unknown checklist 'reveiw'; did you mean 'review'?"),
        at(text, 12, "nobody-at-all", "unknown stakeholder 'nobody-at-all'"),
    ]


def test_unknown_references_of_every_kind(project: Project) -> None:
    text = (
        MINIMAL
        + "team: [anna, bob]\n"
        + PEOPLE
        + "interests:\n"
        + "  - {id: i, holder: ann, ally: vipp, tactic: whisper, interest: x, threat: y, severity: low}\n"
        + "goals:\n  - {id: g, statement: s, horizon: now, source: [ann, ben]}\n"
        + "actions:\n  - {id: a, title: t, kind: demo, owner: anna, goal: h, stakeholders: [an]}\n"
        + "notes:\n  - {date: 2026-01-01, text: x, author: li-wie}\n"
    )
    (project.accounts_dir / "acme.yaml").write_text(text, encoding="utf-8")
    assert found(load(project).problems) == [
        at(text, 4, "bob", "unknown team member 'bob'"),
        at(text, 9, "vipp", "unknown stakeholder 'vipp'; did you mean 'vip'?"),
        at(text, 11, "ben", "unknown stakeholder 'ben'"),
        at(text, 13, "h,", "unknown goal 'h'"),
        at(text, 13, "an]", "unknown stakeholder 'an'; did you mean 'ann'?"),
        at(text, 15, "li-wie", "unknown team member 'li-wie'; did you mean 'li-wei'?"),
    ]


def test_a_new_reference_field_is_redacted(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + PEOPLE
        + "goals:\n  - {id: g, statement: s, horizon: now, sponsor: vip, owners: [ann, vip]}\n"
        + "interests:\n"
        + "  - {id: i, holder: ann, witness: vip, interest: x, threat: y, severity: low}\n"
        + "  - {id: j, holder: ann, witness: ann, interest: x, threat: y, severity: low}\n"
    )
    problems, account = check_extended(tmp_path, text)
    assert problems == []
    assert isinstance(account, schema.Account)
    internal = redact(account, {Visibility.PUBLIC, Visibility.INTERNAL})
    assert internal is not None
    assert internal.goals[0].sponsor is None  # type: ignore[attr-defined]
    assert internal.goals[0].owners == ["ann"]
    assert [v.id for v in internal.interests] == ["j"]
    assert "vip" not in internal.model_dump_json()
    everything = redact(account, set(Visibility))
    assert everything is not None
    assert everything.goals[0].sponsor == "vip"  # type: ignore[attr-defined]
    assert [v.id for v in everything.interests] == ["i", "j"]


def test_a_new_reference_field_is_shown_by_name(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + PEOPLE
        + "goals:\n  - {id: g, statement: s, horizon: now, sponsor: ann, reviewers: [anna]}\n"
    )
    _, account = check_extended(tmp_path, text)
    assert isinstance(account, schema.Account)
    record = AccountRecord("acme", "acme.yaml", account)
    env = make_env(None, Labels(Language.EN))
    team = {"anna": schema.Member(id="anna", name="Anna <B>")}
    page = env.from_string('{{ g | ref("sponsor") }} / {{ g | ref("reviewers") }}')
    shown = page.render(g=account.goals[0], record=record, team=team)
    assert shown == "[Ann](#person-ann) / Anna &#60;B&#62;"


# ------------------------------------------------------------ the real model


FULL = (
    MINIMAL
    + "team: [anna]\n"
    + "stakeholders:\n"
    + "  - {id: pub, name: Pub, visibility: public}\n"
    + "  - {id: int, name: Int, reports_to: [pub, res]}\n"
    + "  - {id: res, name: Res, reports_to: [int], visibility: restricted}\n"
    + "relationships:\n"
    + "  - {kind: influences, from: pub, to: int, visibility: public}\n"
    + "  - {kind: influences, from: int, to: res}\n"
    + "interests:\n"
    + "  - {id: i-pub, holder: pub, ally: int, tactic: whisper, interest: x, threat: y, severity: low,"
    + " visibility: public}\n"
    + "  - {id: i-res, holder: res, interest: x, threat: y, severity: low}\n"
    + "goals:\n"
    + "  - {id: g-pub, statement: s, horizon: now, owners: [pub, int], source: [res], visibility: public}\n"
    + "  - {id: g-res, statement: s, horizon: now, visibility: restricted}\n"
    + "actions:\n"
    + "  - {id: a-pub, title: t, kind: demo, owner: li-wei, goal: g-res, stakeholders: [int, pub],"
    + " visibility: public}\n"
    + "  - {id: a-int, title: t, kind: demo, owner: li-wei, goal: g-pub}\n"
    + "notes:\n"
    + "  - {date: 2026-01-01, text: x, author: anna, visibility: public}\n"
    + "  - {date: 2026-01-02, text: y}\n"
)


@pytest.fixture
def full(tmp_path: Path) -> schema.Account:
    (tmp_path / "acme.yaml").write_text(FULL, encoding="utf-8")
    doc, problems = load_file(tmp_path / "acme.yaml", "acme.yaml")
    account, invalid = to_model(doc, schema.Account)
    assert account is not None, problems + invalid
    return account


def summary(a: schema.Account) -> dict[str, object]:
    return {
        "people": {s.id: s.reports_to for s in a.stakeholders},
        "relationships": [r.id for r in a.relationships],
        "interests": {v.id: v.ally for v in a.interests},
        "goals": {g.id: (g.owners, g.source) for g in a.goals},
        "actions": {x.id: (x.goal, x.stakeholders) for x in a.actions},
        "notes": [n.text for n in a.notes],
    }


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (
            Visibility.PUBLIC,
            {
                "people": {"pub": []},
                "relationships": [],
                "interests": {"i-pub": None},
                "goals": {"g-pub": (["pub"], [])},
                "actions": {"a-pub": (None, ["pub"])},
                "notes": ["x"],
            },
        ),
        (
            Visibility.INTERNAL,
            {
                "people": {"pub": [], "int": ["pub"]},
                "relationships": ["influences:pub:int"],
                "interests": {"i-pub": "int"},
                "goals": {"g-pub": (["pub", "int"], [])},
                "actions": {"a-pub": (None, ["int", "pub"]), "a-int": ("g-pub", [])},
                "notes": ["x", "y"],
            },
        ),
        (
            Visibility.RESTRICTED,
            {
                "people": {"pub": [], "int": ["pub", "res"], "res": ["int"]},
                "relationships": ["influences:pub:int", "influences:int:res"],
                "interests": {"i-pub": "int", "i-res": None},
                "goals": {"g-pub": (["pub", "int"], ["res"]), "g-res": ([], [])},
                "actions": {"a-pub": ("g-res", ["int", "pub"]), "a-int": ("g-pub", [])},
                "notes": ["x", "y"],
            },
        ),
    ],
)
def test_redaction_at_each_level(
    full: schema.Account, level: Visibility, expected: dict[str, object]
) -> None:
    order = list(Visibility)
    allowed = set(order[: order.index(level) + 1])
    shown = redact(full, allowed)
    if level is Visibility.PUBLIC:
        assert shown is None  # the account itself is internal
        shown = redact(full.model_copy(update={"visibility": Visibility.PUBLIC}), allowed)
    assert shown is not None
    assert summary(shown) == expected
    # Team members and checklists are never hidden.
    assert shown.team == ["anna"]
