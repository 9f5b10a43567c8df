"""Key-account qualification: each criterion's value, threshold, result, points.

No single criterion decides (unless the settings make one a veto): an
account qualifies when its weighted score reaches ``rule.min_score`` percent
of all weights, at least ``rule.min_criteria`` criteria are met, and no veto
criterion fails. Unknown values never meet a criterion.
"""

from __future__ import annotations

from dataclasses import dataclass

from kamgen.model import AccountRecord, Portfolio, cleared
from kamgen.schema import (
    Access,
    Comparison,
    CreditRating,
    Criterion,
    Level3,
    Metric,
    Purchase,
    Settings,
    Tier,
    Visibility,
)

# Ordinal scales, worst first, so that ">=" means "at least as good as".
ORDINALS: dict[Metric, list[str]] = {
    Metric.CREDIT_RATING: [r.value for r in reversed(CreditRating)],
    Metric.GOAL_ACCESS: [a.value for a in Access],
    Metric.OPENNESS: [lv.value for lv in reversed(Level3)],
}
DECLARED_KEY = (Tier.STRATEGIC, Tier.KEY)


@dataclass(frozen=True)
class AnnualVolume:
    year: int
    amount: float  # in the portfolio currency


def annual_volumes(purchases: list[Purchase], rate: float) -> list[AnnualVolume]:
    """Complete years only, oldest first: a year entry, or all four quarters.

    A year with some quarters only is incomplete and not counted, so that a
    part year never looks like a fall in purchases.
    """
    years: dict[int, float] = {}
    quarters: dict[int, dict[str, float]] = {}
    for p in purchases:
        year = int(p.period[:4])
        if len(p.period) == 4:
            years[year] = years.get(year, 0.0) + p.amount
        else:
            quarters.setdefault(year, {})[p.period[5:]] = p.amount
    for year, qs in quarters.items():
        if year not in years and len(qs) == 4:
            years[year] = sum(qs.values())
    return [AnnualVolume(y, years[y] * rate) for y in sorted(years)]


@dataclass(frozen=True)
class Facts:
    """An account's metric values, in the portfolio currency where money."""

    rate: float | None
    volume: AnnualVolume | None
    growth_pct: float | None
    values: dict[Metric, float | str | None]


def exchange_rate(record: AccountRecord, settings: Settings) -> float | None:
    currency = record.data.qualification.currency
    if currency == settings.currency:
        return 1.0
    return settings.exchange_rates.get(currency)


def facts(record: AccountRecord, settings: Settings) -> Facts:
    q = record.data.qualification
    rate = exchange_rate(record, settings)
    volumes = annual_volumes(q.purchases, rate) if rate is not None else []
    volume = volumes[-1] if volumes else None
    growth = None
    if len(volumes) >= 2 and volumes[-2].amount > 0:
        growth = (volumes[-1].amount / volumes[-2].amount - 1) * 100
    margin = None
    if q.margin_pct is not None and settings.average_margin_pct:
        margin = q.margin_pct / settings.average_margin_pct * 100
    wallet = q.potential.wallet if q.potential else None
    competitors = q.potential.competitors if q.potential else None
    potential = None
    if rate is not None and competitors is not None:
        potential = competitors * rate
    elif rate is not None and wallet is not None and volume is not None:
        potential = max(wallet * rate - volume.amount, 0.0)
    share = None
    if rate is not None and wallet and volume is not None:
        share = volume.amount / (wallet * rate) * 100
    values: dict[Metric, float | str | None] = {
        Metric.VOLUME: volume.amount if volume else None,
        Metric.MARGIN: margin,
        Metric.GROWTH: growth,
        Metric.POTENTIAL: potential,
        Metric.SHARE_OF_WALLET: share,
        Metric.CREDIT_RATING: q.credit_rating.value if q.credit_rating else None,
        Metric.DAYS_TO_PAY: float(q.days_to_pay) if q.days_to_pay is not None else None,
        Metric.GOAL_ACCESS: q.goal_access.value if q.goal_access else None,
        Metric.OPENNESS: q.openness.value if q.openness else None,
    }
    return Facts(rate, volume, growth, values)


def _compare(value: float, comparison: Comparison, threshold: float) -> bool:
    if comparison is Comparison.AT_LEAST:
        return value >= threshold
    if comparison is Comparison.MORE_THAN:
        return value > threshold
    if comparison is Comparison.AT_MOST:
        return value <= threshold
    return value < threshold


def meets(criterion: Criterion, value: float | str | None) -> bool | None:
    """Whether ``value`` meets the criterion; None when the value is unknown."""
    if value is None:
        return None
    scale = ORDINALS.get(criterion.metric)
    if scale is not None:
        return _compare(scale.index(str(value)), criterion.comparison, scale.index(str(criterion.threshold)))
    return _compare(float(value), criterion.comparison, float(criterion.threshold))


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    value: float | str | None
    met: bool | None  # None: value unknown, counted as not met
    points: float


@dataclass(frozen=True)
class Qualification:
    account_id: str
    results: tuple[CriterionResult, ...]
    score: float  # percent of all weights
    met: int
    vetoed: tuple[str, ...]  # ids of failed veto criteria
    qualifies: bool
    declared_key: bool
    mismatch: str | None  # "declared-not-qualified" | "candidate-qualifies"
    facts: Facts


def qualify(record: AccountRecord, settings: Settings) -> Qualification:
    f = facts(record, settings)
    criteria = settings.qualification.criteria
    results = []
    for c in criteria:
        value = f.values[c.metric]
        met = meets(c, value)
        results.append(CriterionResult(c, value, met, c.weight if met else 0.0))
    total = sum(c.weight for c in criteria)
    score = sum(r.points for r in results) / total * 100 if total else 0.0
    met_count = sum(1 for r in results if r.met)
    vetoed = tuple(r.criterion.id for r in results if r.criterion.veto and not r.met)
    rule = settings.qualification.rule
    qualifies = bool(criteria) and score >= rule.min_score and met_count >= rule.min_criteria and not vetoed
    declared = record.data.tier in DECLARED_KEY
    mismatch = None
    if declared and not qualifies:
        mismatch = "declared-not-qualified"
    elif record.data.tier is Tier.CANDIDATE and qualifies:
        mismatch = "candidate-qualifies"
    return Qualification(
        record.id, tuple(results), score, met_count, vetoed, qualifies, declared, mismatch, f
    )


def ranking(portfolio: Portfolio) -> list[tuple[AccountRecord, Qualification]]:
    """Every account with its qualification, best score first."""
    return best_first([(rec, qualify(rec, portfolio.settings)) for rec in portfolio.accounts])


def visible_qualification(
    full: Portfolio, level: Visibility
) -> tuple[dict[str, Qualification], frozenset[str]]:
    """Every account's qualification, computed on the whole account (a verdict
    is never computed from redacted figures), and the accounts whose figures a
    reader cleared to ``level`` may not see."""
    allowed = cleared(level)
    verdicts = {rec.id: qualify(rec, full.settings) for rec in full.accounts}
    hidden = frozenset(r.id for r in full.accounts if r.data.qualification.visibility not in allowed)
    return verdicts, hidden


def best_first(rows: list[tuple[AccountRecord, Qualification]]) -> list[tuple[AccountRecord, Qualification]]:
    return sorted(rows, key=lambda row: (-row[1].score, row[0].data.name))
