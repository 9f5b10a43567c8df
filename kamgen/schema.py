"""The data model's single source of truth.

These pydantic models are at once the validator, the typed objects the rest
of kamgen works with, and (through ``kamgen schema``) the JSON Schema that
editors use. Add a field here and it is validated, typed and exported.

Field descriptions are documentation: they appear in the JSON Schema, so an
editor shows them on hover.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from kamgen import languages
from kamgen.ids import ID_PATTERN
from kamgen.refs import Ref

# Strict scalars: YAML already typed the value; a string "12" where a number
# is meant is a mistake to report, not to coerce.
# A cap keeps one pasted document from bloating every page it appears on.
# Control characters (C0 but tab and line breaks, DEL, C1) have no place in
# text and break front matter and pages; YAML lets them in through escapes.
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
Text = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=5000, pattern=TEXT_PATTERN)]
Int = Annotated[int, Strict()]
# .nan and .inf are numbers to YAML but amounts, hours and margins to us.
Number = Annotated[float, Strict(), AllowInfNan(False)]
Bool = Annotated[bool, Strict()]
Id = Annotated[str, Strict(), StringConstraints(pattern=ID_PATTERN, max_length=64)]
Date = dt.date

# References: an id of another item, marked with the kind it names. The
# marker is all a new reference field needs to be checked (K201), redacted
# with what it points to, and shown by name (see kamgen.refs).
StakeholderId = Annotated[Id, Ref("stakeholder")]
GoalId = Annotated[Id, Ref("goal")]
MemberId = Annotated[Id, Ref("team member")]
ChecklistId = Annotated[Id, Ref("checklist")]


def _period(value: Any) -> Any:
    # A bare year is natural in YAML (`period: 2025`) and loses nothing.
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200:
        return str(value)
    return value


Period = Annotated[
    str,
    BeforeValidator(_period),
    Strict(),
    StringConstraints(pattern=r"^\d{4}(-Q[1-4])?$"),
    WithJsonSchema(
        {
            "type": ["string", "integer"],
            "pattern": r"^\d{4}(-Q[1-4])?$",
            "description": "A year (2025) or a quarter (2025-Q3).",
        }
    ),
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


# ---------------------------------------------------------------- enums


class Visibility(StrEnum):
    """Who may see an item: everyone, the company, or the account team only."""

    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"


class Tier(StrEnum):
    STRATEGIC = "strategic"
    KEY = "key"
    CANDIDATE = "candidate"


class Stage(StrEnum):
    PROSPECT = "prospect"
    DEVELOPING = "developing"
    ESTABLISHED = "established"
    PARTNERSHIP = "partnership"
    AT_RISK = "at-risk"


class BuyingRole(StrEnum):
    ECONOMIC_BUYER = "economic-buyer"
    USER_BUYER = "user-buyer"
    TECHNICAL_BUYER = "technical-buyer"
    COACH = "coach"
    CHAMPION = "champion"
    INFLUENCER = "influencer"


class PoliticalStatus(StrEnum):
    INNER_CIRCLE = "inner-circle"
    POLITICAL_STRUCTURE = "political-structure"
    OUTSIDE = "outside"


class Level3(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Trend(StrEnum):
    RISING = "rising"
    STEADY = "steady"
    FALLING = "falling"


class Stance(StrEnum):
    MENTOR = "mentor"
    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    NON_SUPPORTER = "non-supporter"
    ENEMY = "enemy"


class Mode(StrEnum):
    GROWTH = "growth"
    TROUBLE = "trouble"
    EVEN_KEEL = "even-keel"
    OVERCONFIDENT = "overconfident"


class CoverageLevel(StrEnum):
    NONE = "none"
    BRIEF = "brief"
    MULTIPLE = "multiple"
    IN_DEPTH = "in-depth"


class RelationshipLevel(StrEnum):
    VENDOR = "vendor"
    CREDIBLE_SOURCE = "credible-source"
    PROBLEM_SOLVER = "problem-solver"
    TRUSTED_ADVISOR = "trusted-advisor"


class RelationKind(StrEnum):
    INFLUENCES = "influences"
    ALLIED_WITH = "allied-with"
    IN_CONFLICT_WITH = "in-conflict-with"


class Tactic(StrEnum):
    GO_AROUND = "go-around"
    EARN_TRUST = "earn-trust"
    WHISPER = "whisper"
    WAIT = "wait"
    NONE = "none"


class InterestKind(StrEnum):
    """What the holder stands to lose (DOMAIN idea 3)."""

    PERSONAL_GAIN = "personal-gain"
    LOSS_OF_VALUE = "loss-of-value"
    LOSS_OF_INFLUENCE = "loss-of-influence"
    HABIT = "habit"
    OTHER = "other"


class InterestStatus(StrEnum):
    UNADDRESSED = "unaddressed"
    IN_PROGRESS = "in-progress"
    DEFUSED = "defused"
    BLOCKED = "blocked"


class GoalKind(StrEnum):
    GOAL = "goal"
    PRESSURE = "pressure"
    INITIATIVE = "initiative"
    OBSTACLE = "obstacle"


class Horizon(StrEnum):
    NOW = "now"
    MONTHS_3 = "3-months"
    MONTHS_6 = "6-months"
    MONTHS_12 = "12-months"
    LONG_TERM = "long-term"


class GoalStatus(StrEnum):
    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class ActionKind(StrEnum):
    INFORMATION = "information"
    DEMO = "demo"
    PILOT = "pilot"
    PROPOSAL = "proposal"
    SENIOR_VISIT = "senior-visit"
    EVENT = "event"
    TRAINING = "training"
    MEETING = "meeting"
    OTHER = "other"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Access(StrEnum):
    NONE = "none"
    LIMITED = "limited"
    PARTIAL = "partial"
    FULL = "full"


class CreditRating(StrEnum):
    AAA = "AAA"
    AA = "AA"
    A = "A"
    BBB = "BBB"
    BB = "BB"
    B = "B"
    CCC = "CCC"
    CC = "CC"
    C = "C"
    D = "D"


if TYPE_CHECKING:

    class Language(StrEnum):
        EN = "en"

else:
    # One member per catalogue file (kamgen.languages), so that adding a
    # language needs no code: `zh-Hans` is Language.ZH_HANS, and the settings
    # schema's enum lists whatever files there are.
    Language = StrEnum("Language", {code.upper().replace("-", "_"): code for code in languages.codes()})
    Language.__doc__ = "A site language: one catalogue file each in kamgen/i18n/ or $KAMGEN_LANGUAGES."


class Metric(StrEnum):
    VOLUME = "volume"
    MARGIN = "margin"
    GROWTH = "growth"
    POTENTIAL = "potential"
    SHARE_OF_WALLET = "share-of-wallet"
    CREDIT_RATING = "credit-rating"
    DAYS_TO_PAY = "days-to-pay"
    GOAL_ACCESS = "goal-access"
    OPENNESS = "openness"


class Comparison(StrEnum):
    AT_LEAST = ">="
    MORE_THAN = ">"
    AT_MOST = "<="
    LESS_THAN = "<"


# ---------------------------------------------------------------- account


# Custom fields: a team's own data (a CRM id, a contract number), shown as a
# key/value table. Values are scalars or lists of scalars, so every one has a
# plain text form; kamgen.yml can narrow them (see ExtraSettings, K212).
ExtraKey = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=80, pattern=TEXT_PATTERN)]
ExtraScalar = Bool | Int | Number | Date | Text


def _extra_value(value: Any) -> Any:
    # One check, not a union: a union reports each of its branches, and a
    # mapping's branch names would read as its keys.
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, bool | int | dt.date) or (isinstance(item, float) and math.isfinite(item)):
            continue
        if isinstance(item, str) and 0 < len(item) <= 5000 and re.match(TEXT_PATTERN, item):
            continue
        raise PydanticCustomError(
            "extra_value_type", "expected text, a number, true or false, a date or a list"
        )
    return value


_EXTRA_SCALAR_SCHEMA = {"type": ["string", "number", "boolean"]}
ExtraValue = Annotated[
    Any,
    PlainValidator(_extra_value),
    WithJsonSchema({"anyOf": [_EXTRA_SCALAR_SCHEMA, {"type": "array", "items": _EXTRA_SCALAR_SCHEMA}]}),
]
Extra = dict[ExtraKey, ExtraValue]


class Link(Model):
    """A link to something kept elsewhere: a shared drive, the CRM, a contract."""

    title: Text
    url: Annotated[str, Strict(), StringConstraints(min_length=1, max_length=2000)]
    """An http or https address (anything else is K211 and is not linked)."""


class Purchase(Model):
    period: Period
    """The year (2025) or quarter (2025-Q3) the amount covers."""
    amount: Annotated[Number, Field(ge=0)]
    """What the customer bought from us in that period, in the account's currency."""


class Potential(Model):
    wallet: Annotated[Number, Field(ge=0)] | None = None
    """What the customer spends per year on what we sell, from anyone."""
    competitors: Annotated[Number, Field(ge=0)] | None = None
    """What the customer buys per year from our competitors."""


class Qualification(Model):
    """The facts a key-account decision rests on (DOMAIN idea 1)."""

    currency: Annotated[str, Strict(), StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    """ISO 4217 code of every amount in this account; converted with the settings' exchange_rates."""
    purchases: list[Purchase] = []
    """Purchase history, one entry per year or quarter."""
    margin_pct: Number | None = None
    """Our gross margin on this account, in percent; compared with the portfolio average."""
    potential: Potential | None = None
    credit_rating: CreditRating | None = None
    days_to_pay: Annotated[Int, Field(ge=0)] | None = None
    """Average days the customer takes to pay an invoice."""
    goal_access: Access | None = None
    """How much the customer shares of its current and future business goals."""
    openness: Level3 | None = None
    """Openness to new ideas, suggestions and talks about what else we could do."""
    visibility: Visibility = Visibility.INTERNAL
    """Who may see these figures; the verdict (score, qualifies) is shown with the account."""


class Coverage(Model):
    member: MemberId
    """Team member id (from the settings)."""
    level: CoverageLevel = CoverageLevel.BRIEF


class Stakeholder(Model):
    id: Id
    """Stable id, unique in the account; used by every reference and in history."""
    name: Text
    aliases: list[Text] = []
    """Other spellings or scripts of the name, for search."""
    title: Text | None = None
    department: Text | None = None
    reports_to: list[StakeholderId] = []
    """Formal managers (stakeholder ids); a person can have several."""
    role: BuyingRole | None = None
    """Buying role; leave out when unknown (that is itself a red flag)."""
    political_status: PoliticalStatus | None = None
    influence: Level3 | None = None
    influence_trend: Trend | None = None
    """The account manager's judgement of where this person's influence is going."""
    stance: Stance | None = None
    rating: Annotated[Int, Field(ge=-5, le=5)] | None = None
    """Miller Heiman support rating from -5 to +5."""
    mode: Mode | None = None
    """Receptivity mode."""
    known_in_person: Bool = False
    buy_in_required: Bool = False
    """Must this person buy in for a substantial purchase to happen?"""
    coverage: list[Coverage] = []
    """Who on our team covers this person, and how well."""
    relationship_level: RelationshipLevel | None = None
    last_contact: Date | None = None
    joined_on: Date | None = None
    """The date the person joined the company or took up their current role."""
    left_on: Date | None = None
    """The date the person left the company."""
    next_step: Text | None = None
    """If we do not know them in person: the next step to meet them."""
    notes: Text | None = None
    extra: Extra = {}
    """Fields of your own: text, numbers, yes/no, dates or lists of them (kamgen.yml `extra`)."""
    links: list[Link] = []
    """Links about this person, e.g. their record in the CRM."""
    visibility: Visibility = Visibility.INTERNAL


class Relationship(Model):
    """An informal line between two stakeholders. Its id is kind:from:to."""

    kind: RelationKind
    source: Annotated[StakeholderId, Field(alias="from")]
    target: Annotated[StakeholderId, Field(alias="to")]
    notes: Text | None = None
    visibility: Visibility = Visibility.INTERNAL

    model_config = ConfigDict(populate_by_name=True)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.source}:{self.target}"


class TacticStep(Model):
    """One tactic of an interest's plan, in the order it is played."""

    tactic: Tactic
    ally: StakeholderId | None = None
    """With the whisper tactic: the stakeholder who puts in a good word."""


class Interest(Model):
    """A vested interest that our sale threatens, and how we defuse it."""

    id: Id
    holder: StakeholderId
    """The stakeholder who holds the interest."""
    kind: InterestKind | None = None
    """What the holder stands to lose: a personal gain (a kickback), their value (an engineer's
    know-how), their influence (a senior manager's say), a habit, or other. Some kinds are
    restricted unless the item says otherwise (kamgen.yml visibility_defaults.interest_kinds)."""
    interest: Text
    """What the holder has today, e.g. the current supplier's kickback."""
    threat: Text
    """What our sale threatens for the holder."""
    severity: Level3
    tactics: list[TacticStep] = []
    """The tactics, in the order they are played (go around him, then whisper through an ally)."""
    tactic: Tactic | None = None
    """One tactic: the older way to write a one-item `tactics` list (not both, K210)."""
    ally: StakeholderId | None = None
    """With `tactic: whisper`: the stakeholder who puts in a good word."""
    status: InterestStatus = InterestStatus.UNADDRESSED
    last_step: Date | None = None
    """When we last did something about it."""
    next_step: Text | None = None
    visibility: Visibility = Visibility.INTERNAL

    @property
    def plan(self) -> list[TacticStep]:
        """The tactics as one list, however they were written: `tactics`, or
        the older `tactic` (with its `ally`) as a one-item list."""
        if self.tactics or "tactics" in self.model_fields_set:
            return self.tactics
        if self.tactic is None and self.ally is None:
            return []
        return [TacticStep(tactic=self.tactic or Tactic.NONE, ally=self.ally)]

    @property
    def has_tactic(self) -> bool:
        """Whether any tactic has been chosen."""
        return any(step.tactic is not Tactic.NONE for step in self.plan)


class Practice(Model):
    """An entrenched practice of the customer and how the plan deals with it."""

    id: Id
    practice: Text
    impact: Level3
    handling: Text | None = None
    visibility: Visibility = Visibility.INTERNAL


class Goal(Model):
    """A customer business goal card."""

    id: Id
    statement: Text
    kind: GoalKind = GoalKind.GOAL
    horizon: Horizon
    target: Date | None = None
    """Target date."""
    owners: list[StakeholderId] = []
    """Stakeholders who own the goal."""
    source: list[StakeholderId] = []
    """Stakeholders who told us about it."""
    status: GoalStatus = GoalStatus.UNCONFIRMED
    how_we_help: Text | None = None
    visibility: Visibility = Visibility.INTERNAL


class Action(Model):
    id: Id
    title: Text
    kind: ActionKind
    goal: GoalId | None = None
    """The goal this action serves."""
    stakeholders: list[StakeholderId] = []
    owner: MemberId
    """Team member id (from the settings)."""
    due: Date | None = None
    status: ActionStatus = ActionStatus.PLANNED
    effort_hours: Annotated[Number, Field(ge=0)] | None = None
    horizon: Horizon | None = None
    """When it pays off; defaults to the horizon of its goal."""
    reason: Text | None = None
    """Why, above all for a senior-management visit."""
    visibility: Visibility = Visibility.INTERNAL


class Answer(Model):
    done: Bool
    note: Text | None = None
    visibility: Visibility = Visibility.INTERNAL
    """Who may read the note; whether the item is done is shown with the account."""


class Note(Model):
    date: Date
    text: Text
    author: MemberId | None = None
    """Team member id (from the settings)."""
    visibility: Visibility = Visibility.INTERNAL


class Account(Model):
    """One key account. Its id is the file name."""

    name: Text
    """The customer's name, in any script."""
    aliases: list[Text] = []
    industry: Text | None = None
    region: Text | None = None
    owner: MemberId
    """Team member id of the account owner."""
    team: list[MemberId] = []
    """Other team members on the account."""
    tier: Tier
    stage: Stage | None = None
    tags: list[Annotated[Text, StringConstraints(max_length=40)]] = []
    visibility: Visibility = Visibility.INTERNAL
    why_key: Text | None = None
    why_key_visibility: Visibility = Visibility.INTERNAL
    """Who may read `why_key`."""
    """Why this is (or should be) a key account, in our words."""
    qualification: Qualification = Qualification()
    stakeholders: list[Stakeholder] = []
    relationships: list[Relationship] = []
    interests: list[Interest] = []
    practices: list[Practice] = []
    goals: list[Goal] = []
    actions: list[Action] = []
    checklists: dict[ChecklistId, dict[Id, Answer]] = {}
    """Answers by checklist id, then by item id."""
    notes: list[Note] = []
    extra: Extra = {}
    """Fields of your own (a CRM id, a contract number): text, numbers, yes/no, dates or
    lists of them. kamgen.yml `extra` can require and type them."""
    links: list[Link] = []
    """Links about the account: the CRM record, a shared folder, the contract."""
    extra_visibility: Visibility = Visibility.INTERNAL
    """Who may see the account's `extra` fields and `links` (a person's go with the person)."""
    narrative_visibility: Visibility = Visibility.INTERNAL
    """Who may see the Markdown body of a .md account."""


# ---------------------------------------------------------------- settings


class Member(Model):
    id: Id
    name: Text
    role: Text | None = None
    hours_per_month: Annotated[Number, Field(ge=0)] = 0
    """Hours a month available for key-account work."""


class Criterion(Model):
    id: Id
    metric: Metric
    comparison: Comparison = Comparison.AT_LEAST
    threshold: Number | CreditRating | Access | Level3
    """A number, or for ordinal metrics a level such as BBB, partial or medium."""
    weight: Annotated[Number, Field(ge=0)] = 1
    veto: Bool = False
    """If not met, the account does not qualify whatever its score."""
    label: Text | None = None


class Rule(Model):
    min_score: Annotated[Number, Field(ge=0, le=100)] = 60
    """Minimum weighted score, in percent of all weights."""
    min_criteria: Annotated[Int, Field(ge=0)] = 3
    """Minimum number of criteria met."""


class QualificationSettings(Model):
    rule: Rule = Rule()
    criteria: list[Criterion] = []


class Thresholds(Model):
    min_contacts: Annotated[Int, Field(ge=1)] = 3
    """Fewer current contacts than this is a finding (Miller Heiman: 3-5 before a sale)."""
    stale_contact_days: Annotated[Int, Field(ge=1)] = 90
    """A contact not touched for longer than this is stale."""
    stale_step_days: Annotated[Int, Field(ge=1)] = 60
    """A vested-interest tactic with no step for this long is stale."""
    action_window_days: Annotated[Int, Field(ge=1)] = 30
    """An account needs an open action due within this many days."""
    neglect_days: Annotated[Int, Field(ge=1)] = 60
    """A long-payoff account with no activity for this long is at risk of neglect."""
    planning_months: Annotated[Int, Field(ge=1, le=24)] = 3
    """Planned hours are compared with capacity over this many months ahead."""
    min_hours_per_account: Annotated[Number, Field(ge=0)] = 8
    """Below this many capacity hours a month per owned account, none gets enough time."""


class PositionWeights(Model):
    """How much each part counts in the strength of our position (relative weights)."""

    health: Annotated[Number, Field(ge=0)] = 40
    """Relationship health: green counts in full, amber half, red nothing."""
    share_of_wallet: Annotated[Number, Field(ge=0)] = 30
    """Our share of the customer's spend, up to `full_share_pct`."""
    coverage: Annotated[Number, Field(ge=0)] = 30
    """Key players (high influence, buy-in required or economic buyer) we cover in depth."""


class DevelopmentSettings(Model):
    """The development verdict: attractiveness (the qualification score) against
    the strength of our position, each split at a threshold into four classes:
    key (invest), develop (invest to grow), maintain (serve efficiently), reconsider."""

    min_attractiveness: Annotated[Number, Field(ge=0, le=100)] = 60
    """An account whose qualification score reaches this (percent) is attractive; vetoes do not count here."""
    min_position: Annotated[Number, Field(ge=0, le=100)] = 60
    """A position score (0-100) reaching this is a strong position."""
    full_share_pct: Annotated[Number, Field(gt=0, le=100)] = 50
    """A share of wallet at or above this percent counts as fully won."""
    weights: PositionWeights = PositionWeights()


class FindingLevel(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"


class HealthSettings(Model):
    levels: dict[Annotated[str, Strict(), StringConstraints(pattern=r"^H\d{3}$")], FindingLevel] = {}
    """Level of a health finding in `kamgen validate`, by code (default warning).
    `error` makes CI fail on it; `off` hides it."""


class ChecklistItem(Model):
    id: Id
    text: Text


class Checklist(Model):
    id: Id
    title: Text
    items: Annotated[list[ChecklistItem], Field(min_length=1)]


# Settings reach every page's header and links, so they are untrusted too:
# a URL is an http(s) URL of plain URL characters (no quote, angle bracket,
# backslash or space that could leave an attribute), a path is path
# characters only. The site title is text and is escaped wherever it goes.
_URL_CHARS = r"[A-Za-z0-9\-._~%!$&()*+,;=:@/?#]"
HTTP_URL_PATTERN = rf"^https?://[A-Za-z0-9.\-\[\]:]+(?:/{_URL_CHARS}*)?$"
URL_PATH_PATTERN = rf"^{_URL_CHARS}+$"


def is_http_url(url: str) -> bool:
    """Whether ``url`` is an http(s) URL of plain URL characters, safe in an
    attribute and a Markdown link."""
    return len(url) <= 2000 and re.match(HTTP_URL_PATTERN, url) is not None


HttpUrl = Annotated[str, Strict(), StringConstraints(pattern=HTTP_URL_PATTERN, max_length=2000)]
UrlPath = Annotated[str, Strict(), StringConstraints(pattern=URL_PATH_PATTERN, max_length=500)]


class Site(Model):
    title: Text = "Key accounts"
    """The site's name, shown in every page's header; plain text."""
    repo_url: HttpUrl | None = None
    """The repository's web address, an http or https URL."""
    edit_uri: UrlPath | None = None
    """Path from repo_url to the repository root's files, e.g. edit/main/."""


class InterestKindDefaults(Model):
    """The default visibility of an interest by its kind; unset kinds follow `interests`."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, populate_by_name=True)

    personal_gain: Annotated[Visibility | None, Field(alias="personal-gain")] = Visibility.RESTRICTED
    """A kickback or another personal gain: restricted unless the item says otherwise."""
    loss_of_value: Annotated[Visibility | None, Field(alias="loss-of-value")] = None
    loss_of_influence: Annotated[Visibility | None, Field(alias="loss-of-influence")] = None
    habit: Visibility | None = None
    other: Visibility | None = None

    def of(self, kind: InterestKind) -> Visibility | None:
        level: Visibility | None = getattr(self, kind.value.replace("-", "_"))
        return level


class VisibilityDefaults(Model):
    """The visibility of an item that does not give its own, by kind. Where a
    slip would hurt, make the default strict: `interests: restricted` keeps an
    unmarked kickback off the company-wide site."""

    stakeholders: Visibility = Visibility.INTERNAL
    relationships: Visibility = Visibility.INTERNAL
    interests: Visibility = Visibility.INTERNAL
    practices: Visibility = Visibility.INTERNAL
    goals: Visibility = Visibility.INTERNAL
    actions: Visibility = Visibility.INTERNAL
    notes: Visibility = Visibility.INTERNAL
    checklist_notes: Visibility = Visibility.INTERNAL
    qualification: Visibility = Visibility.INTERNAL
    why_key: Visibility = Visibility.INTERNAL
    narrative: Visibility = Visibility.INTERNAL
    extra: Visibility = Visibility.INTERNAL
    """The account's own `extra` fields and `links`."""
    interest_kinds: InterestKindDefaults = InterestKindDefaults()
    """By kind of interest: an interest of a kind listed here without its own visibility gets
    the stricter of this and `interests`. A kickback (`personal-gain`) is restricted by default."""


class ExtraType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    URL = "url"
    LIST = "list"


class ExtraField(Model):
    type: ExtraType = ExtraType.TEXT
    """text, number, integer, boolean (yes/no), date, url (http or https) or list."""
    required: Bool = False
    """Every account (or stakeholder) must give it."""
    values: list[ExtraScalar] = []
    """If given, the only values allowed."""


class ExtraSchema(Model):
    """The custom fields of one kind of item, by key."""

    fields: dict[ExtraKey, ExtraField] = {}
    closed: Bool = False
    """Only the keys in `fields` are allowed."""


class ExtraSettings(Model):
    """Narrows the free-form `extra` fields for teams that want them checked
    (K212). Without it, any key and value is accepted."""

    accounts: ExtraSchema = ExtraSchema()
    stakeholders: ExtraSchema = ExtraSchema()


class Limits(Model):
    """Caps that keep one hostile or broken file from exhausting CI."""

    file_bytes: Annotated[Int, Field(ge=1024)] = 1_048_576
    """Largest account file read, in bytes (1 MiB)."""
    problems_per_file: Annotated[Int, Field(ge=1)] = 200
    """Problems listed for one file; one more line counts the rest."""
    quote_chars: Annotated[Int, Field(ge=10)] = 80
    """Characters of a value quoted in a problem message."""


class HistorySettings(Model):
    """The History section of each account page, read from the Git history of
    the account files (see README, "History on the site")."""

    enabled: Bool = True
    """Read the history; false leaves the section out and skips Git."""
    revisions: Annotated[Int, Field(ge=1)] = 30
    """Newest revisions of each account file read; each costs a parse and validation."""
    maps: Annotated[Int, Field(ge=0)] = 3
    """Earlier relationship maps shown per account (0: none); each costs a drawing."""


class PageSettings(Model):
    """How the portfolio pages (health, time, ranking, owners, tags, the
    accounts list) stay readable at any portfolio size: a summary shows the
    most important entries and links to the full list, which is split into
    pages."""

    top: Annotated[Int, Field(ge=1)] = 10
    """Entries a summary shows (the worst accounts, the most loaded owners) before linking to the rest."""
    page_size: Annotated[Int, Field(ge=1, le=100)] = 100
    """Rows on one page of a full list (at most 100: no page passes 100 KB); the rest on further pages."""


Currency = Annotated[str, Strict(), StringConstraints(pattern=r"^[A-Z]{3}$")]


class Settings(Model):
    """Portfolio settings, in kamgen.yml at the repository root."""

    language: Language = Language.EN
    """The site's language: `en`, or any language kamgen has a catalogue for."""
    site: Site = Site()
    team: list[Member] = []
    currency: Currency = "USD"
    """The currency of money thresholds; account amounts are converted to it."""
    exchange_rates: dict[Currency, Annotated[Number, Field(gt=0)]] = {}
    """Value of one unit of each other currency in `currency`, e.g. EUR: 1.08."""
    average_margin_pct: Number | None = None
    """Our average gross margin across all customers, in percent."""
    qualification: QualificationSettings = QualificationSettings()
    thresholds: Thresholds = Thresholds()
    development: DevelopmentSettings = DevelopmentSettings()
    """Thresholds of the development verdict (key, develop, maintain, reconsider)."""
    checklists: list[Checklist] = []
    """Custom checklists, beside the built-in ones."""
    health: HealthSettings = HealthSettings()
    limits: Limits = Limits()
    visibility_defaults: VisibilityDefaults = VisibilityDefaults()
    history: HistorySettings = HistorySettings()
    extra: ExtraSettings = ExtraSettings()
    pages: PageSettings = PageSettings()


def json_schema(model: type[BaseModel], name: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"kamgen:{name}",
        **schema,
    }
