"""Relationship health: findings with a code, and a red/amber/green status.

Each finding is a rule (see :mod:`kamgen.rule`): a small function with a
code, a name and a severity, whose docstring is its documentation; it yields
findings with a data path and typed parameters, which the language catalog
words (``finding.<code>`` and ``step.<code>``). Findings are judgement, not
errors: `kamgen validate` shows them as warnings unless the settings give a
code another level.

Status follows Altify's map health: red when no key player supports us,
green when the economic buyer and everyone whose buy-in is required support
us and no finding is of high severity, amber otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from kamgen.analytics.pages import OPEN_ACTIONS, OPEN_GOALS, is_overdue_goal
from kamgen.model import VISIBILITY_ORDER, AccountRecord, Portfolio, cleared, shows
from kamgen.problems import Level
from kamgen.rule import Finding, Key, Param, Rule, Severity, rule
from kamgen.schema import (
    BuyingRole,
    Horizon,
    InterestStatus,
    Level3,
    Mode,
    RelationKind,
    Settings,
    Stakeholder,
    Stance,
    Trend,
    Visibility,
)

SUPPORTIVE = (Stance.MENTOR, Stance.SUPPORTER)
OPPOSED = (Stance.NON_SUPPORTER, Stance.ENEMY)


class Status(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


@dataclass(frozen=True)
class Context:
    record: AccountRecord
    settings: Settings
    today: dt.date

    @property
    def current(self) -> list[tuple[int, Stakeholder]]:
        """People still at the company, with their index in the file."""
        return [(i, s) for i, s in enumerate(self.record.data.stakeholders) if not s.left_on]

    @property
    def in_open_actions(self) -> set[str]:
        """Ids of people that a planned or running action involves."""
        return {sid for a in self.record.data.actions if a.status in OPEN_ACTIONS for sid in a.stakeholders}

    def days_stale(self, day: dt.date | None, limit: int) -> int | bool | None:
        """Days since ``day`` when more than ``limit``; None when never; False when fresh."""
        if day is None:
            return None
        days = (self.today - day).days
        return days if days > limit else False

    def addressed(self, person: str) -> bool:
        """Whether a vested interest the person holds is being worked on: it has
        a tactic, is not blocked and had a step within thresholds.stale_step_days,
        or it is defused. An action that merely lists the person is not enough."""
        limit = self.settings.thresholds.stale_step_days
        for v in self.record.data.interests:
            if v.holder != person:
                continue
            if v.status is InterestStatus.DEFUSED:
                return True
            if (
                v.has_tactic
                and v.status is not InterestStatus.BLOCKED
                and self.days_stale(v.last_step, limit) is False
            ):
                return True
        return False

    def introducer(self, target: Stakeholder) -> Stakeholder | None:
        """Who can introduce us to ``target``: a current mentor, supporter, coach
        or champion we know in person, with an influence line to them; the most
        influential first. Never one more hidden than ``target`` (nor their line),
        so a finding about ``target`` names nobody its reader may not see."""
        rank = VISIBILITY_ORDER.index
        people = self.record.people
        found: list[Stakeholder] = []
        for r in self.record.data.relationships:
            ally = people.get(r.source)
            if r.kind is not RelationKind.INFLUENCES or r.target != target.id or ally is None:
                continue
            friendly = ally.stance in SUPPORTIVE or (
                ally.role in (BuyingRole.COACH, BuyingRole.CHAMPION) and ally.stance not in OPPOSED
            )
            hidden = max(rank(ally.visibility), rank(r.visibility)) > rank(target.visibility)
            if friendly and ally.known_in_person and not ally.left_on and not hidden and ally.id != target.id:
                found.append(ally)
        levels = [Level3.HIGH, Level3.MEDIUM, Level3.LOW, None]
        found.sort(key=lambda a: (levels.index(a.influence), a.stance is not Stance.MENTOR))
        return found[0] if found else None


Finder = Rule[Context, Finding]


def finding(
    code: str, name: str, severity: Severity
) -> Callable[[Callable[[Context], Iterator[Finding]]], Finder]:
    """A health finding rule: a warning unless the settings say otherwise."""
    return rule(code, name, Level.WARNING, severity)


def _finding(
    code: str,
    ctx: Context,
    people: tuple[str, ...] = (),
    path: Key = (),
    step: str | None = None,
    **params: Param,
) -> Finding:
    """A finding of rule ``code``; its wording comes from the language catalog
    (``finding.<code>`` and ``step.<code>``), filled with ``params``, which
    keep their types. A next step the account manager wrote (``step``) wins
    over the generic one."""
    spec = _BY_CODE[code]
    assert spec.severity is not None
    return Finding(
        code, path, params, name=spec.name, severity=spec.severity, stakeholders=people, user_step=step
    )


@finding("H101", "few-contacts", Severity.MEDIUM)
def few_contacts(ctx: Context) -> Iterator[Finding]:
    """Fewer people at the customer than the minimum number of contacts
    (thresholds.min_contacts, default 3): one contact who leaves takes the
    account with them."""
    n, need = len(ctx.current), ctx.settings.thresholds.min_contacts
    if n < need:
        yield _finding("H101", ctx, path=("stakeholders",), count=n, minimum=need)


@finding("H102", "single-coverage", Severity.MEDIUM)
def single_coverage(ctx: Context) -> Iterator[Finding]:
    """Every current contact is covered by the same one person on our team
    (or by nobody): if that person leaves, the relationships go too."""
    members = {c.member for _, s in ctx.current for c in s.coverage}
    if ctx.current and len(members) <= 1:
        names = {m.id: m.name for m in ctx.settings.team}
        who = names.get(next(iter(members), ""), "—")
        yield _finding("H102", ctx, path=("stakeholders",), member=who)


@finding("H103", "buy-in-not-met", Severity.MEDIUM)
def buy_in_not_met(ctx: Context) -> Iterator[Finding]:
    """A person whose buy-in is required, whom we do not know in person (the
    economic buyer has a finding of their own, H118). The next step names an
    ally who influences them, if there is one."""
    for i, s in ctx.current:
        if s.buy_in_required and not s.known_in_person and s.role is not BuyingRole.ECONOMIC_BUYER:
            yield _finding(
                "H103", ctx, (s.id,), ("stakeholders", i), s.next_step, name=s.name, via=_via(ctx, s)
            )


@finding("H104", "no-high-supporter", Severity.HIGH)
def no_high_supporter(ctx: Context) -> Iterator[Finding]:
    """No mentor or supporter among the high-influence people."""
    high = [s for _, s in ctx.current if s.influence is Level3.HIGH]
    if not any(s.stance in SUPPORTIVE for s in high):
        yield _finding("H104", ctx, tuple(s.id for s in high), ("stakeholders",))


@finding("H105", "no-coach", Severity.MEDIUM)
def no_coach(ctx: Context) -> Iterator[Finding]:
    """Nobody guides us from inside: no coach or champion."""
    if not any(s.role in (BuyingRole.COACH, BuyingRole.CHAMPION) for _, s in ctx.current):
        yield _finding("H105", ctx, path=("stakeholders",))


@finding("H106", "economic-buyer-unknown", Severity.HIGH)
def economic_buyer_unknown(ctx: Context) -> Iterator[Finding]:
    """Nobody at the customer is recorded as the economic buyer, who gives
    final approval."""
    if not any(s.role is BuyingRole.ECONOMIC_BUYER for _, s in ctx.current):
        yield _finding("H106", ctx, path=("stakeholders",))


@finding("H107", "interest-no-tactic", Severity.MEDIUM)
def interest_no_tactic(ctx: Context) -> Iterator[Finding]:
    """A vested interest that our sale threatens has no tactic yet (go
    around, earn trust, whisper through an ally, or wait)."""
    for i, v in enumerate(ctx.record.data.interests):
        if not v.has_tactic and v.status is not InterestStatus.DEFUSED:
            yield _finding("H107", ctx, (v.holder,), ("interests", i), interest=v.id)


@finding("H108", "interest-stale", Severity.LOW)
def interest_stale(ctx: Context) -> Iterator[Finding]:
    """A vested interest has a tactic but no step within thresholds.stale_step_days."""
    limit = ctx.settings.thresholds.stale_step_days
    for i, v in enumerate(ctx.record.data.interests):
        if not v.has_tactic or v.status is InterestStatus.DEFUSED:
            continue
        days = ctx.days_stale(v.last_step, limit)
        if days is not False:
            yield _finding("H108", ctx, (v.holder,), ("interests", i), v.next_step, interest=v.id, days=days)


def _via(ctx: Context, person: Stakeholder) -> str | None:
    ally = ctx.introducer(person)
    return ally.name if ally else None


def _high_opponents(ctx: Context) -> Iterator[tuple[int, Stakeholder]]:
    for i, s in ctx.current:
        if s.influence is Level3.HIGH and s.stance in OPPOSED:
            yield i, s


@finding("H109", "opponent-unaddressed", Severity.HIGH)
def opponent_unaddressed(ctx: Context) -> Iterator[Finding]:
    """A high-influence non-supporter or enemy whom no vested interest with a
    tactic and a recent step (within thresholds.stale_step_days) addresses.
    An action that lists them is not enough: the method defuses an opponent
    by a tactic (go around, earn trust, whisper, wait), not by a meeting. An
    opponent who is being addressed is H117."""
    for i, s in _high_opponents(ctx):
        if not ctx.addressed(s.id):
            yield _finding("H109", ctx, (s.id,), ("stakeholders", i), name=s.name)


@finding("H117", "opponent-addressed", Severity.MEDIUM)
def opponent_addressed(ctx: Context) -> Iterator[Finding]:
    """A high-influence non-supporter or enemy whom a vested interest's tactic
    with a recent step addresses: still a risk until their stance moves, but
    a risk being worked on (H109 when it is not)."""
    for i, s in _high_opponents(ctx):
        if ctx.addressed(s.id):
            yield _finding("H117", ctx, (s.id,), ("stakeholders", i), name=s.name)


@finding("H110", "departed-still-counted", Severity.LOW)
def departed_still_counted(ctx: Context) -> Iterator[Finding]:
    """Someone who left the company is still counted: covered by our team,
    needed for buy-in, or in an open action."""
    in_actions = ctx.in_open_actions
    for i, s in enumerate(ctx.record.data.stakeholders):
        if s.left_on and (s.coverage or s.buy_in_required or s.id in in_actions):
            yield _finding("H110", ctx, (s.id,), ("stakeholders", i), name=s.name, date=s.left_on)


@finding("H111", "stale-contact", Severity.LOW)
def stale_contact(ctx: Context) -> Iterator[Finding]:
    """A current contact not touched for more than thresholds.stale_contact_days.
    For someone we have never met, the next step is to meet them through an
    ally who influences them, not to get back in touch."""
    limit = ctx.settings.thresholds.stale_contact_days
    for i, s in ctx.current:
        days = ctx.days_stale(s.last_contact, limit)
        if days is False:
            continue
        if s.known_in_person:
            yield _finding(
                "H111", ctx, (s.id,), ("stakeholders", i), name=s.name, days=days, met=True, via=None
            )
        else:
            step, via = s.next_step, _via(ctx, s)
            yield _finding(
                "H111", ctx, (s.id,), ("stakeholders", i), step, name=s.name, days=days, met=False, via=via
            )


@finding("H112", "goal-overdue", Severity.MEDIUM)
def goal_overdue(ctx: Context) -> Iterator[Finding]:
    """A customer goal past its target date and neither achieved nor dropped."""
    for i, g in enumerate(ctx.record.data.goals):
        if is_overdue_goal(g, ctx.today):
            assert g.target is not None
            yield _finding("H112", ctx, tuple(g.owners), ("goals", i), goal=g.id, date=g.target)


@finding("H113", "no-long-term-goal", Severity.LOW)
def no_long_term_goal(ctx: Context) -> Iterator[Finding]:
    """No open long-term goal: the plan only chases short-term results."""
    if not any(g.horizon is Horizon.LONG_TERM and g.status in OPEN_GOALS for g in ctx.record.data.goals):
        yield _finding("H113", ctx, path=("goals",))


@finding("H114", "no-upcoming-action", Severity.MEDIUM)
def no_upcoming_action(ctx: Context) -> Iterator[Finding]:
    """No open action due within thresholds.action_window_days."""
    window = ctx.settings.thresholds.action_window_days
    end = ctx.today + dt.timedelta(days=window)
    if not any(
        a.status in OPEN_ACTIONS and a.due and ctx.today <= a.due <= end for a in ctx.record.data.actions
    ):
        yield _finding("H114", ctx, path=("actions",), window=window)


@finding("H115", "economic-buyer-complacent", Severity.MEDIUM)
def economic_buyer_complacent(ctx: Context) -> Iterator[Finding]:
    """The economic buyer is in even-keel or overconfident mode: they see no
    reason to change (a Miller Heiman red flag)."""
    for i, s in ctx.current:
        if s.role is BuyingRole.ECONOMIC_BUYER and s.mode in (Mode.EVEN_KEEL, Mode.OVERCONFIDENT):
            yield _finding("H115", ctx, (s.id,), ("stakeholders", i), name=s.name, mode=s.mode.value)


@finding("H116", "role-unknown", Severity.LOW)
def role_unknown(ctx: Context) -> Iterator[Finding]:
    """A current contact whose buying role is unknown (a Miller Heiman red flag)."""
    for i, s in ctx.current:
        if s.role is None:
            yield _finding("H116", ctx, (s.id,), ("stakeholders", i), name=s.name)


@finding("H118", "economic-buyer-not-met", Severity.HIGH)
def economic_buyer_not_met(ctx: Context) -> Iterator[Finding]:
    """We do not know the economic buyer in person, whether or not their
    buy-in is marked as required: they give final approval. The next step is
    to meet them through an ally who influences them, named if there is one."""
    for i, s in ctx.current:
        if s.role is BuyingRole.ECONOMIC_BUYER and not s.known_in_person:
            yield _finding(
                "H118", ctx, (s.id,), ("stakeholders", i), s.next_step, name=s.name, via=_via(ctx, s)
            )


@finding("H119", "opponent-influences-decider", Severity.HIGH)
def opponent_influences_decider(ctx: Context) -> Iterator[Finding]:
    """A non-supporter or enemy has an influence line to the economic buyer
    or to someone whose buy-in is required: the path (A → B) by which an
    opponent can block the sale where it is decided. The next step names an
    ally who influences the decider, if there is one."""
    current = {s.id: s for _, s in ctx.current}
    for j, r in enumerate(ctx.record.data.relationships):
        source, target = current.get(r.source), current.get(r.target)
        if r.kind is not RelationKind.INFLUENCES or source is None or target is None or source is target:
            continue
        decides = target.role is BuyingRole.ECONOMIC_BUYER or target.buy_in_required
        if source.stance in OPPOSED and decides:
            yield _finding(
                "H119",
                ctx,
                (source.id, target.id),
                ("relationships", j),
                name=source.name,
                target=target.name,
                via=_via(ctx, target),
            )


@finding("H120", "opponent-rising", Severity.MEDIUM)
def opponent_rising(ctx: Context) -> Iterator[Finding]:
    """A non-supporter or enemy whose influence the account manager judges to
    be rising (influence_trend): influence shifts, and an opponent gaining it
    is a risk before it shows."""
    for i, s in ctx.current:
        if s.stance in OPPOSED and s.influence_trend is Trend.RISING:
            yield _finding("H120", ctx, (s.id,), ("stakeholders", i), name=s.name)


# Run in this order, which is the order findings are listed in. The registry
# (kamgen.rules) lists these with every other rule.
FINDINGS: tuple[Finder, ...] = (
    few_contacts,
    single_coverage,
    buy_in_not_met,
    no_high_supporter,
    no_coach,
    economic_buyer_unknown,
    interest_no_tactic,
    interest_stale,
    opponent_unaddressed,
    departed_still_counted,
    stale_contact,
    goal_overdue,
    no_long_term_goal,
    no_upcoming_action,
    economic_buyer_complacent,
    role_unknown,
    opponent_addressed,
    economic_buyer_not_met,
    opponent_influences_decider,
    opponent_rising,
)
_BY_CODE = {r.code: r for r in FINDINGS}


@dataclass(frozen=True)
class Health:
    account_id: str
    status: Status
    findings: tuple[Finding, ...]
    supportive_key_players: tuple[str, ...]


def key_players(ctx: Context) -> list[Stakeholder]:
    return [
        s
        for _, s in ctx.current
        if s.influence is Level3.HIGH or s.buy_in_required or s.role is BuyingRole.ECONOMIC_BUYER
    ]


def assess(record: AccountRecord, settings: Settings, today: dt.date) -> Health:
    ctx = Context(record, settings, today)
    findings = tuple(f for r in FINDINGS for f in r.results(ctx))
    players = key_players(ctx)
    supportive = tuple(s.id for s in players if s.stance in SUPPORTIVE)
    deciders = [s for s in players if s.role is BuyingRole.ECONOMIC_BUYER or s.buy_in_required]
    if not supportive:
        status = Status.RED
    elif (
        deciders
        and all(s.stance in SUPPORTIVE for s in deciders)
        and not any(f.severity is Severity.HIGH for f in findings)
    ):
        status = Status.GREEN
    else:
        status = Status.AMBER
    return Health(record.id, status, findings, supportive)


def overview(portfolio: Portfolio, today: dt.date) -> list[tuple[AccountRecord, Health]]:
    """Every account's health, worst first."""
    return worst_first([(rec, assess(rec, portfolio.settings, today)) for rec in portfolio.accounts])


def worst_first(rows: list[tuple[AccountRecord, Health]]) -> list[tuple[AccountRecord, Health]]:
    order = {Status.RED: 0, Status.AMBER: 1, Status.GREEN: 2}
    return sorted(rows, key=lambda r: (order[r[1].status], -len(r[1].findings), r[0].data.name))


def visible_health(full: Portfolio, level: Visibility, today: dt.date) -> dict[str, Health]:
    """Health as a reader cleared to ``level`` may see it, by account id.

    A verdict is never computed from redacted data: the status comes from the
    whole account, as the account team sees it. A finding is shown only when
    everything it names is visible at ``level`` (its item and its people),
    so a public build neither invents findings about people it leaves out
    ("no contacts") nor reveals the ones it hides.
    """
    allowed = cleared(level)
    shown: dict[str, Health] = {}
    for rec in full.accounts:
        if rec.data.visibility not in allowed:
            continue
        health = assess(rec, full.settings, today)

        def seen(person: str, rec: AccountRecord = rec) -> bool:
            return person in rec.people and rec.people[person].visibility in allowed

        findings = tuple(
            f for f in health.findings if all(map(seen, f.stakeholders)) and shows(rec.data, f.path, allowed)
        )
        players = tuple(p for p in health.supportive_key_players if seen(p))
        shown[rec.id] = Health(rec.id, health.status, findings, players)
    return shown


_SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


def most_severe_first(health: Health) -> Health:
    """The same health with its findings most severe first, code order within a
    severity: how pages list them, so a reader meets what matters most first.
    (The JSON report keeps code order, its stable interface.)"""
    findings = tuple(
        sorted(health.findings, key=lambda f: _SEVERITY_RANK.get(f.severity, len(_SEVERITY_RANK)))
    )
    return replace(health, findings=findings)


def status_counts(rows: list[tuple[AccountRecord, Health]]) -> list[tuple[Status, int]]:
    return [(status, sum(1 for _, h in rows if h.status is status)) for status in Status]
