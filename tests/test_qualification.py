"""Qualification scores, computed by hand here and by kamgen, must agree."""

from __future__ import annotations

from typing import Any

import pytest

from kamgen.analytics import qualify
from kamgen.analytics.qualification import annual_volumes
from kamgen.model import AccountRecord
from kamgen.schema import Account, Metric, Purchase, Settings

SETTINGS = Settings.model_validate(
    {
        "team": [{"id": "am", "name": "Ann"}],
        "currency": "USD",
        "exchange_rates": {"EUR": 1.1},
        "average_margin_pct": 25,
        "qualification": {
            "rule": {"min_score": 60, "min_criteria": 3},
            "criteria": [
                {"id": "volume", "metric": "volume", "threshold": 1_000_000, "weight": 30},
                {"id": "margin", "metric": "margin", "threshold": 80, "weight": 30, "veto": True},
                {"id": "growth", "metric": "growth", "threshold": 5, "weight": 20},
                {"id": "credit", "metric": "credit-rating", "threshold": "BBB", "weight": 10},
                {"id": "pays", "metric": "days-to-pay", "comparison": "<=", "threshold": 60, "weight": 10},
            ],
        },
    }
)


def record(tier: str, qualification: dict[str, Any]) -> AccountRecord:
    data = Account.model_validate({"name": "X", "owner": "am", "tier": tier, "qualification": qualification})
    return AccountRecord("x", "accounts/x.yaml", data)


def test_big_buyer_below_average_margin_does_not_qualify() -> None:
    # 9.0M this year (met, 30), margin 10/25 = 40% of average (failed veto),
    # growth 9/8 - 1 = 12.5% (met, 20), A >= BBB (met, 10), 90 days > 60 (0).
    # Score (30 + 20 + 10) / 100 = 60%, 3 criteria met: enough on points,
    # but the margin veto fails, so it must not qualify.
    q = qualify(
        record(
            "key",
            {
                "purchases": [{"period": 2024, "amount": 8_000_000}, {"period": 2025, "amount": 9_000_000}],
                "margin_pct": 10,
                "credit_rating": "A",
                "days_to_pay": 90,
            },
        ),
        SETTINGS,
    )
    assert [r.met for r in q.results] == [True, False, True, True, False]
    assert q.facts.values[Metric.MARGIN] == pytest.approx(40.0)
    assert q.facts.growth_pct == pytest.approx(12.5)
    assert q.score == pytest.approx(60.0)
    assert q.met == 3
    assert q.vetoed == ("margin",)
    assert not q.qualifies
    assert q.mismatch == "declared-not-qualified"


def test_steady_account_in_euros_with_quarters() -> None:
    # 2024 from four quarters: 4 x 250,000 EUR = 1.1M USD; 2025: 1.1M EUR =
    # 1.21M USD (met, 30). 2026-Q1 alone is an incomplete year: not counted.
    # Margin 25/25 = 100% (met, 30); growth 1.21/1.1 - 1 = 10% (met, 20);
    # BB < BBB (0); 45 <= 60 days (met, 10). Score 90%, 4 met: qualifies.
    q = qualify(
        record(
            "strategic",
            {
                "currency": "EUR",
                "purchases": [
                    *({"period": f"2024-Q{i}", "amount": 250_000} for i in range(1, 5)),
                    {"period": 2025, "amount": 1_100_000},
                    {"period": "2026-Q1", "amount": 400_000},
                ],
                "margin_pct": 25,
                "credit_rating": "BB",
                "days_to_pay": 45,
            },
        ),
        SETTINGS,
    )
    assert q.facts.volume is not None and q.facts.volume.year == 2025
    assert q.facts.volume.amount == pytest.approx(1_210_000)
    assert q.facts.growth_pct == pytest.approx(10.0)
    assert [r.points for r in q.results] == [30, 30, 20, 0, 10]
    assert q.score == pytest.approx(90.0)
    assert q.qualifies and q.mismatch is None


def test_candidate_that_qualifies_is_flagged_and_unknown_growth_is_not_met() -> None:
    # One year only: growth unknown (not met). 1.5M (30), 22/25 = 88% (30),
    # AAA (10), 30 days (10): score 80%, 4 met.
    q = qualify(
        record(
            "candidate",
            {
                "purchases": [{"period": 2025, "amount": 1_500_000}],
                "margin_pct": 22,
                "credit_rating": "AAA",
                "days_to_pay": 30,
            },
        ),
        SETTINGS,
    )
    growth = q.results[2]
    assert growth.value is None and growth.met is None and growth.points == 0
    assert q.score == pytest.approx(80.0)
    assert q.qualifies
    assert q.mismatch == "candidate-qualifies"


def test_no_facts_scores_zero_and_fails_the_veto() -> None:
    q = qualify(record("key", {}), SETTINGS)
    assert q.score == 0 and q.met == 0 and not q.qualifies
    assert q.vetoed == ("margin",)


def test_share_of_wallet_and_potential() -> None:
    settings = SETTINGS.model_copy(deep=True)
    r = record(
        "key", {"purchases": [{"period": 2025, "amount": 1_000_000}], "potential": {"wallet": 4_000_000}}
    )
    facts = qualify(r, settings).facts
    assert facts.values[Metric.SHARE_OF_WALLET] == pytest.approx(25.0)
    assert facts.values[Metric.POTENTIAL] == pytest.approx(3_000_000)
    r = record(
        "key", {"purchases": [{"period": 2025, "amount": 1}], "potential": {"wallet": 9, "competitors": 5}}
    )
    assert qualify(r, settings).facts.values[Metric.POTENTIAL] == pytest.approx(5)


def test_ordinal_comparison_at_most() -> None:
    settings = Settings.model_validate(
        {
            "qualification": {
                "criteria": [{"id": "c", "metric": "openness", "comparison": "<=", "threshold": "medium"}]
            }
        }
    )
    assert qualify(record("key", {"openness": "low"}), settings).results[0].met is True
    assert qualify(record("key", {"openness": "high"}), settings).results[0].met is False


def test_annual_volumes_skip_incomplete_years() -> None:
    purchases = [Purchase(period=p, amount=1) for p in ("2023", "2024-Q1", "2024-Q2", "2024-Q3")]
    assert [(v.year, v.amount) for v in annual_volumes(purchases, 2.0)] == [(2023, 2.0)]


def test_sample_portfolio_has_a_mismatch() -> None:
    from kamgen.analytics import ranking
    from kamgen.pipeline import load
    from kamgen.project import Project
    from tests.conftest import ROOT

    portfolio = load(Project(ROOT)).portfolio
    assert portfolio is not None
    rows = {rec.id: q for rec, q in ranking(portfolio)}
    assert rows["megamart-retail"].mismatch == "declared-not-qualified"
    assert rows["megamart-retail"].facts.values[Metric.MARGIN] == pytest.approx(9 / 24 * 100)
