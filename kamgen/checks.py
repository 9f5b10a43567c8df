"""Semantic checks: what a schema cannot say about a valid-looking file.

Each check is a rule (see :mod:`kamgen.rule`): a small function with a code
and a name, whose docstring is its documentation (``kamgen codes`` prints it).
A check reads a typed account and yields a :class:`Result` with the data path
of the offending value; :func:`problems` turns results into problems at their
line and column. A check never raises and never changes the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from kamgen import refs
from kamgen.loader import Document, Key
from kamgen.nearest import did_you_mean
from kamgen.problems import Problem
from kamgen.rule import Result, Rule, rule
from kamgen.schema import (
    Access,
    Account,
    CreditRating,
    ExtraSchema,
    ExtraType,
    ExtraValue,
    Interest,
    Level3,
    Link,
    Metric,
    Settings,
    Tactic,
    TacticStep,
    is_http_url,
)


@dataclass
class Context:
    """What a check sees: one typed document and the portfolio settings."""

    doc: Document
    settings: Settings
    account: Account | None = None
    checklists: dict[str, set[str]] = field(default_factory=dict)
    # The health finding codes, from the registry (kamgen.rules), which sits
    # above the checks; the runner hands them over.
    finding_codes: frozenset[str] = frozenset()

    @property
    def team(self) -> set[str]:
        return {m.id for m in self.settings.team}

    def written_ids(self, section: str) -> set[str]:
        """Ids as written in the file, including items that failed the schema,
        so that a reference to a broken item is not also reported as unknown."""
        items = self.doc.data.get(section) if isinstance(self.doc.data, dict) else None
        if not isinstance(items, list):
            return set()
        return {item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)}


Check = Rule[Context, Result]


def problems(checks: Sequence[Check], ctx: Context) -> list[Problem]:
    """Run ``checks`` and place each result at its line and column, at the
    check's level."""
    found = []
    for check in checks:
        for result in check.results(ctx):
            pos = ctx.doc.where(result.path, at_key=result.at_key)
            found.append(Problem(ctx.doc.path, pos.line, pos.col, check.level, check.code, result.message))
    return found


# ------------------------------------------------------------ references


@rule("K201", "unknown-reference")
def unknown_reference(ctx: Context) -> Iterator[Result]:
    """A reference names an id that does not exist: a stakeholder in
    reports_to, relationships, interests, goals and actions; a goal in an
    action; a team member (from the settings) as owner, team, coverage or
    note author."""
    a = ctx.account
    assert a is not None
    known: dict[refs.Kind, set[str]] = {
        kind: ctx.written_ids(section) for kind, section in refs.ACCOUNT_KINDS.items()
    }
    known["team member"] = ctx.team
    known["checklist"] = set(ctx.checklists)
    for ref in refs.references(a):
        # Checklist answers are keyed by checklist id; K205 checks those
        # together with their item ids and names the known ones.
        if ref.at_key and ref.kind == "checklist":
            continue
        if ref.value not in known[ref.kind]:
            hint = did_you_mean(ref.value, sorted(known[ref.kind]))
            message = f"unknown {ref.kind} '{ref.value}'{hint}"
            yield Result("K201", ref.path, message=message, at_key=ref.at_key)


# ------------------------------------------------------------ identity


def _duplicates(ctx: Context, section: Key, ids: list[str]) -> Iterator[Result]:
    seen: dict[str, int] = {}
    for i, item_id in enumerate(ids):
        if item_id in seen:
            where = ctx.doc.where((*section, seen[item_id], "id")).line
            yield Result(
                "K202",
                (*section, i, "id"),
                message=f"duplicate id '{item_id}' in {section[-1]} (first at line {where})",
            )
        else:
            seen[item_id] = i


@rule("K202", "duplicate-id")
def duplicate_id(ctx: Context) -> Iterator[Result]:
    """Two items of the same list share an id. Ids must be unique within
    stakeholders, interests, practices, goals and actions (a relationship is
    identified by its kind, from and to together), because history and
    pull-request diffs compare items by id. In the settings: team members,
    criteria, checklists and their items."""
    if ctx.account is None:
        s = ctx.settings
        yield from _duplicates(ctx, ("team",), [m.id for m in s.team])
        yield from _duplicates(ctx, ("qualification", "criteria"), [c.id for c in s.qualification.criteria])
        yield from _duplicates(ctx, ("checklists",), [c.id for c in s.checklists])
        for i, c in enumerate(s.checklists):
            yield from _duplicates(ctx, ("checklists", i, "items"), [item.id for item in c.items])
        return
    for section in ("stakeholders", "interests", "practices", "goals", "actions"):
        yield from _duplicates(ctx, (section,), [item.id for item in getattr(ctx.account, section)])
    seen: set[str] = set()
    for i, rel in enumerate(ctx.account.relationships):
        if rel.id in seen:
            yield Result("K202", ("relationships", i), message=f"duplicate relationship {rel.id}")
        seen.add(rel.id)


@rule("K203", "reports-to-cycle")
def reports_to_cycle(ctx: Context) -> Iterator[Result]:
    """The formal reporting lines go round in a circle (A reports to B, B to
    A), so no hierarchy can be drawn. Reported once per cycle, at the line
    that closes it."""
    a = ctx.account
    assert a is not None
    walk = _Walk(a)
    for s in a.stakeholders:
        if s.id not in walk.state:
            yield from walk.visit(s.id, [])


class _Walk:
    """A depth-first walk up the reporting lines. A class, not a closure that
    calls itself: that reference cycle kept every account alive until the
    cyclic collector ran."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.managers = {s.id: [m for m in s.reports_to if m != s.id] for s in account.stakeholders}
        self.index = {s.id: i for i, s in enumerate(account.stakeholders)}
        self.state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        self.reported: set[frozenset[str]] = set()

    def visit(self, node: str, path: list[str]) -> Iterator[Result]:
        self.state[node] = 1
        path.append(node)
        for manager in self.managers.get(node, []):
            if manager not in self.managers:
                continue
            if self.state.get(manager) == 1:
                cycle = path[path.index(manager) :]
                if frozenset(cycle) not in self.reported:
                    self.reported.add(frozenset(cycle))
                    pos = self.account.stakeholders[self.index[node]].reports_to.index(manager)
                    loop = " -> ".join([*cycle, manager])
                    yield Result(
                        "K203",
                        ("stakeholders", self.index[node], "reports_to", pos),
                        message=f"reports_to forms a cycle: {loop}",
                    )
            elif manager not in self.state:
                yield from self.visit(manager, path)
        path.pop()
        self.state[node] = 2


@rule("K204", "self-reference")
def self_reference(ctx: Context) -> Iterator[Result]:
    """A person reports to, influences, allies with or is in conflict with
    themselves, or is their own ally against their own interest."""
    a = ctx.account
    assert a is not None
    for i, s in enumerate(a.stakeholders):
        for j, m in enumerate(s.reports_to):
            if m == s.id:
                yield Result(
                    "K204",
                    ("stakeholders", i, "reports_to", j),
                    message=f"'{s.id}' reports to themselves",
                )
    for i, r in enumerate(a.relationships):
        if r.source == r.target:
            yield Result(
                "K204",
                ("relationships", i, "to"),
                message=f"relationship from '{r.source}' to themselves",
            )
    for i, v in enumerate(a.interests):
        for path, step in _steps(i, v):
            if step.ally and step.ally == v.holder:
                yield Result(
                    "K204",
                    (*path, "ally"),
                    message=f"the holder '{v.holder}' cannot be their own ally",
                )


@rule("K205", "unknown-checklist")
def unknown_checklist(ctx: Context) -> Iterator[Result]:
    """A checklist answer names a checklist or an item that neither the
    built-in checklists nor the settings define."""
    a = ctx.account
    assert a is not None
    for list_id, answers in a.checklists.items():
        if list_id not in ctx.checklists:
            known = ", ".join(sorted(ctx.checklists))
            yield Result(
                "K205",
                ("checklists", list_id),
                message=f"unknown checklist '{list_id}'; known: {known}",
                at_key=True,
            )
            continue
        for item_id in answers:
            if item_id not in ctx.checklists[list_id]:
                known = ", ".join(sorted(ctx.checklists[list_id]))
                yield Result(
                    "K205",
                    ("checklists", list_id, item_id),
                    message=f"checklist '{list_id}' has no item '{item_id}'; its items: {known}",
                    at_key=True,
                )


def _steps(i: int, v: Interest) -> Iterator[tuple[Key, TacticStep]]:
    """Each tactic of interest ``i`` with the data path it was written at:
    an item of `tactics`, or the interest itself for the older `tactic`."""
    if "tactics" in v.model_fields_set:
        for j, step in enumerate(v.tactics):
            yield ("interests", i, "tactics", j), step
    else:
        for step in v.plan:
            yield ("interests", i), step


@rule("K206", "tactic-ally")
def tactic_ally(ctx: Context) -> Iterator[Result]:
    """The whisper tactic works through an ally, so it must name one; an
    ally named with another tactic is a contradiction. Each tactic of a
    `tactics` list is judged on its own: go around him (no ally), then
    whisper through her (an ally)."""
    a = ctx.account
    assert a is not None
    for i, v in enumerate(a.interests):
        for path, step in _steps(i, v):
            if step.tactic is Tactic.WHISPER and not step.ally:
                yield Result(
                    "K206",
                    (*path, "tactic"),
                    message=f"interest '{v.id}': the whisper tactic needs an ally",
                )
            elif step.ally and step.tactic is not Tactic.WHISPER:
                yield Result(
                    "K206",
                    (*path, "ally"),
                    message=f"interest '{v.id}' names an ally but its tactic is "
                    f"'{step.tactic}', not 'whisper'",
                )


@rule("K210", "tactic-and-tactics")
def tactic_and_tactics(ctx: Context) -> Iterator[Result]:
    """An interest gives both `tactics:` (the list) and the older `tactic:`
    or `ally:`. Write one: a single `tactic:` is the same as a one-item
    `tactics:` list, so move it (and its ally) into the list. The list is
    what counts until then."""
    a = ctx.account
    assert a is not None
    for i, v in enumerate(a.interests):
        if "tactics" not in v.model_fields_set:
            continue
        for old in ("tactic", "ally"):
            if old in v.model_fields_set:
                yield Result(
                    "K210",
                    ("interests", i, old),
                    message=f"interest '{v.id}' gives both tactics and {old}; "
                    f"move {old} into the tactics list",
                    at_key=True,
                )


@rule("K211", "link-url")
def link_url(ctx: Context) -> Iterator[Result]:
    """A link's `url` is not a plain http or https address (`javascript:`,
    `file:`, a relative path, spaces or quotes). Such a link is shown as
    text, never as a link."""
    a = ctx.account
    assert a is not None
    places: list[tuple[Key, list[Link]]] = [(("links",), a.links)]
    places += [(("stakeholders", i, "links"), s.links) for i, s in enumerate(a.stakeholders)]
    for path, links in places:
        for j, link in enumerate(links):
            if not is_http_url(link.url):
                yield Result(
                    "K211",
                    (*path, j, "url"),
                    message="a link must be an http:// or https:// address without spaces or quotes",
                )


@rule("K212", "extra-field")
def extra_field(ctx: Context) -> Iterator[Result]:
    """An `extra` field does not fit what kamgen.yml's `extra:` asks for:
    a required key is missing, a key is not listed where the list is
    closed, a value has the wrong type (text, number, integer, boolean,
    date, url, list), or is not one of the allowed `values`."""
    a = ctx.account
    assert a is not None
    rules = ctx.settings.extra
    yield from _extra(ctx, (), a.extra, rules.accounts, "the account")
    for i, s in enumerate(a.stakeholders):
        yield from _extra(ctx, ("stakeholders", i), s.extra, rules.stakeholders, f"'{s.id}'")


def _extra(
    ctx: Context, at: Key, extra: dict[str, ExtraValue], rules: ExtraSchema, who: str
) -> Iterator[Result]:
    for key, wanted in rules.fields.items():
        if wanted.required and key not in extra:
            where = (*at, "extra") if (*at, "extra") in ctx.doc.keys else at
            yield Result("K212", where, message=f"{who} needs the extra field '{key}'", at_key=True)
    for key, value in extra.items():
        spec = rules.fields.get(key)
        path = (*at, "extra", key)
        if spec is None:
            if rules.closed:
                known = ", ".join(rules.fields) or "none"
                hint = did_you_mean(key, sorted(rules.fields))
                yield Result(
                    "K212", path, message=f"unknown extra field '{key}'{hint}; allowed: {known}", at_key=True
                )
            continue
        if not _fits(value, spec.type):
            yield Result("K212", path, message=f"extra field '{key}' must be {_TYPE_WORDS[spec.type]}")
        elif spec.values and value not in spec.values:
            allowed = ", ".join(str(v) for v in spec.values)
            yield Result("K212", path, message=f"extra field '{key}' must be one of {allowed}")


_TYPE_WORDS = {
    ExtraType.TEXT: "text",
    ExtraType.NUMBER: "a number",
    ExtraType.INTEGER: "a whole number",
    ExtraType.BOOLEAN: "true or false",
    ExtraType.DATE: "a date (YYYY-MM-DD)",
    ExtraType.URL: "an http:// or https:// address",
    ExtraType.LIST: "a list",
}


def _fits(value: ExtraValue, kind: ExtraType) -> bool:
    if kind is ExtraType.LIST:
        return isinstance(value, list)
    if isinstance(value, list):
        return False
    if kind is ExtraType.NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is ExtraType.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is ExtraType.BOOLEAN:
        return isinstance(value, bool)
    if kind is ExtraType.DATE:
        return isinstance(value, dt.date)
    if kind is ExtraType.URL:
        return isinstance(value, str) and is_http_url(value)
    return isinstance(value, str)


_ORDINAL = {
    Metric.CREDIT_RATING: CreditRating,
    Metric.GOAL_ACCESS: Access,
    Metric.OPENNESS: Level3,
}


@rule("K207", "criterion-threshold")
def criterion_threshold(ctx: Context) -> Iterator[Result]:
    """A qualification criterion's threshold does not fit its metric: volume,
    margin, growth, potential, share of wallet and days to pay take a number;
    credit rating takes a rating (AAA..D), goal access a level (none, limited,
    partial, full), openness a level (low, medium, high)."""
    for i, c in enumerate(ctx.settings.qualification.criteria):
        levels = _ORDINAL.get(c.metric)
        if levels is None and not isinstance(c.threshold, float):
            yield Result(
                "K207",
                ("qualification", "criteria", i, "threshold"),
                message=f"criterion '{c.id}': metric '{c.metric}' needs a number",
            )
        elif levels is not None and str(c.threshold) not in {m.value for m in levels}:
            allowed = ", ".join(m.value for m in levels)
            yield Result(
                "K207",
                ("qualification", "criteria", i, "threshold"),
                message=f"criterion '{c.id}': metric '{c.metric}' needs one of {allowed}",
            )


@rule("K208", "unknown-finding")
def unknown_finding(ctx: Context) -> Iterator[Result]:
    """`health.levels` in the settings names a health finding code that does
    not exist (see `kamgen codes` for the H1xx codes)."""
    for code in ctx.settings.health.levels:
        if code not in ctx.finding_codes:
            yield Result(
                "K208",
                ("health", "levels", code),
                message=f"no health finding has the code {code}",
                at_key=True,
            )


@rule("K209", "unknown-currency")
def unknown_currency(ctx: Context) -> Iterator[Result]:
    """An account's currency is neither the settings' `currency` nor in its
    `exchange_rates`, so its amounts cannot be compared with thresholds."""
    a = ctx.account
    assert a is not None
    currency = a.qualification.currency
    if currency != ctx.settings.currency and currency not in ctx.settings.exchange_rates:
        yield Result(
            "K209",
            ("qualification", "currency"),
            message=f"no exchange rate for {currency}; add it to exchange_rates in kamgen.yml",
        )


# Run in this order; K202 runs on both. The registry (kamgen.rules) lists
# these with every other rule.
ACCOUNT_CHECKS: tuple[Check, ...] = (
    unknown_reference,
    duplicate_id,
    reports_to_cycle,
    self_reference,
    unknown_checklist,
    tactic_ally,
    unknown_currency,
    tactic_and_tactics,
    link_url,
    extra_field,
)
SETTINGS_CHECKS: tuple[Check, ...] = (duplicate_id, criterion_threshold, unknown_finding)
