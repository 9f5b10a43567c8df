"""Development verdicts (attractiveness against our position), the portfolio
matrix and the dashboard's lists: small inputs, and the sample Guangzhou case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kamgen.analytics import Status, Verdict, assess, develop, matrix, needing_attention, qualify
from kamgen.analytics.health import Health
from kamgen.analytics.portfolio import BINS, Development
from kamgen.drawings import portfolio_matrix
from kamgen.labels import Labels
from kamgen.model import AccountRecord
from kamgen.pipeline import load
from kamgen.project import Project
from kamgen.rule import Finding, Severity
from kamgen.schema import Account, Language, Settings
from tests.conftest import ROOT, TODAY


def settings(**development: Any) -> Settings:
    """One criterion (volume at least 1,000): an account meeting it scores 100, else 0."""
    return Settings.model_validate(
        {
            "team": [{"id": "am", "name": "Ann", "hours_per_month": 40}],
            "qualification": {
                "rule": {"min_score": 50, "min_criteria": 1},
                "criteria": [{"id": "volume", "metric": "volume", "threshold": 1000, "weight": 1}],
            },
            "development": development,
        }
    )


def person(pid: str, coverage: str, **more: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "name": pid,
        "influence": "high",
        "coverage": [{"member": "am", "level": coverage}],
        **more,
    }


def account(aid: str, volume: float, wallet: float | None, people: list[dict[str, Any]]) -> AccountRecord:
    q: dict[str, Any] = {"currency": "USD", "purchases": [{"period": 2025, "amount": volume}]}
    if wallet is not None:
        q["potential"] = {"wallet": wallet}
    data = {"name": aid, "owner": "am", "tier": "candidate", "qualification": q, "stakeholders": people}
    return AccountRecord(aid, f"accounts/{aid}.yaml", Account.model_validate(data))


def verdict_of(rec: AccountRecord, status: Status, s: Settings | None = None) -> Development:
    s = s or settings()
    return develop(rec, s, qualify(rec, s), status)


DEEP = [person("a", "in-depth"), person("b", "multiple")]
THIN = [person("a", "brief"), person("b", "none")]


@pytest.mark.parametrize(
    ("volume", "wallet", "people", "status", "expected"),
    [
        # attractive (volume met), strong: green, half the wallet, key players covered in depth
        (5000, 10000, DEEP, Status.GREEN, Verdict.KEY),
        # attractive, weak: red, 5% of the wallet, key players barely covered
        (5000, 100000, THIN, Status.RED, Verdict.DEVELOP),
        # not attractive (volume missed), strong
        (500, 1000, DEEP, Status.GREEN, Verdict.MAINTAIN),
        # neither
        (500, 10000, THIN, Status.AMBER, Verdict.RECONSIDER),
    ],
)
def test_each_class(
    volume: float, wallet: float, people: list[dict[str, Any]], status: Status, expected: Verdict
) -> None:
    assert verdict_of(account("x", volume, wallet, people), status).verdict is expected


def test_position_blends_health_share_and_coverage_by_weight() -> None:
    d = verdict_of(account("x", 5000, 40000, [*DEEP, person("c", "brief")]), Status.AMBER)
    p = d.position
    assert p.share_of_wallet == pytest.approx(12.5)
    assert p.share_points == pytest.approx(25.0)  # full at 50%
    assert (p.key_players, p.covered) == (3, 2)
    assert p.score == pytest.approx((50 * 40 + 25 * 30 + 200 / 3 * 30) / 100)


def test_unknown_share_of_wallet_is_left_out_not_counted_as_nothing() -> None:
    p = verdict_of(account("x", 5000, None, DEEP), Status.GREEN).position
    assert p.share_of_wallet is None and p.share_points is None
    assert p.score == pytest.approx(100.0)


def test_no_key_players_is_no_coverage() -> None:
    people = [person("a", "in-depth", influence="low")]
    p = verdict_of(account("x", 5000, 10000, people), Status.GREEN).position
    assert (p.key_players, p.coverage) == (0, 0.0)


def test_people_who_left_are_not_key_players() -> None:
    people = [*DEEP, person("c", "none", left_on="2026-01-01")]
    assert verdict_of(account("x", 5000, 10000, people), Status.GREEN).position.key_players == 2


def test_thresholds_are_settings() -> None:
    rec = account("x", 5000, 100000, DEEP)  # green, 5% share, all covered: position 73
    assert verdict_of(rec, Status.GREEN).verdict is Verdict.KEY
    assert verdict_of(rec, Status.GREEN, settings(min_position=80)).verdict is Verdict.DEVELOP
    weights = {"health": 0, "share_of_wallet": 1, "coverage": 0}
    assert verdict_of(rec, Status.GREEN, settings(weights=weights)).position.score == pytest.approx(10.0)


def test_a_veto_does_not_make_an_account_unattractive() -> None:
    s = Settings.model_validate(
        {
            "average_margin_pct": 20,
            "qualification": {
                "rule": {"min_score": 50, "min_criteria": 1},
                "criteria": [
                    {"id": "volume", "metric": "volume", "threshold": 1000, "weight": 3},
                    {"id": "margin", "metric": "margin", "threshold": 100, "weight": 1, "veto": True},
                ],
            },
        }
    )
    rec = account("x", 5000, 100000, THIN)
    q = qualify(rec, s)
    assert not q.qualifies and q.vetoed == ("margin",)
    assert develop(rec, s, q, Status.AMBER).verdict is Verdict.DEVELOP


def test_no_criteria_no_verdict() -> None:
    s = Settings.model_validate({})
    rec = account("x", 5000, 10000, DEEP)
    assert develop(rec, s, qualify(rec, s), Status.GREEN).verdict is None


def test_the_guangzhou_case_is_a_develop_account() -> None:
    """Issue 12: the guide's case is attractive, but our position is weak
    (amber, a small share of wallet, the general manager never met)."""
    portfolio = load(Project(ROOT)).portfolio
    assert portfolio is not None
    (rec,) = [r for r in portfolio.accounts if r.id == "guangzhou-yaju-furniture"]
    status = assess(rec, portfolio.settings, dt.date.fromisoformat(TODAY)).status
    d = develop(rec, portfolio.settings, qualify(rec, portfolio.settings), status)
    assert d.verdict is Verdict.DEVELOP
    assert d.attractive and not d.strong
    assert d.position.share_of_wallet is not None and d.position.share_of_wallet < 20


def _health(aid: str, status: Status, severities: list[Severity]) -> Health:
    findings = tuple(Finding(f"H1{i:02}", (), {}, name="x", severity=s) for i, s in enumerate(severities))
    return Health(aid, status, findings, ())


def test_attention_names_the_worst_first_with_the_most_severe_reason() -> None:
    recs = [account(a, 5000, None, []) for a in ("calm", "amber", "red", "quiet")]
    rows = [
        (recs[0], _health("calm", Status.GREEN, [Severity.LOW])),
        (recs[1], _health("amber", Status.AMBER, [Severity.HIGH, Severity.LOW])),
        (recs[2], _health("red", Status.RED, [Severity.MEDIUM])),
        (recs[3], _health("quiet", Status.AMBER, [])),
    ]
    shown, more = needing_attention(rows, 1)
    assert [a.record.id for a in shown] == ["red"] and more == 1
    shown, more = needing_attention(rows, 5)
    assert [(a.record.id, a.reason.severity, a.more) for a in shown] == [
        ("red", Severity.MEDIUM, 0),
        ("amber", Severity.HIGH, 1),
    ]
    assert more == 0


def test_the_matrix_does_not_grow_with_the_portfolio() -> None:
    s = settings()
    rows = []
    for i in range(600):
        rec = account(f"a{i:03}", 400 + i * 20, 20000, DEEP if i % 3 else THIN)
        status = (Status.RED, Status.AMBER, Status.GREEN)[i % 3]
        rows.append((rec, verdict_of(rec, status, s), status))
    first = ["a005", "a001", "nobody"]
    m = matrix(rows, first, s, limit=12)
    assert len(m.points) == 12
    assert [p.record.id for p in m.points[:2]] == ["a005", "a001"]
    # then the largest by volume
    assert [p.record.id for p in m.points[2:4]] == ["a599", "a598"]
    assert len(m.cells) <= BINS * BINS
    assert sum(c.count for c in m.cells) == m.others == 600 - 12 == m.total - len(m.points)
    assert sum(n for _, n in m.counts) == 600
    assert all(0 <= c.column < BINS and 0 <= c.row < BINS for c in m.cells)


@pytest.mark.parametrize(("min_a", "min_p"), [(0, 100), (100, 0), (60, 60)])
def test_the_matrix_drawing_escapes_names_and_survives_extreme_thresholds(min_a: float, min_p: float) -> None:
    s = settings(min_attractiveness=min_a, min_position=min_p)
    hostile = '<script>alert(1)</script> & "x" [a](javascript:1)'
    recs = [account("evil", 5000, 10000, DEEP), account("calm", 500, 10000, THIN)]
    recs[0] = AccountRecord("evil", "accounts/evil.yaml", recs[0].data.model_copy(update={"name": hostile}))
    rows = [(rec, verdict_of(rec, Status.GREEN, s), Status.GREEN) for rec in recs]
    svg = str(portfolio_matrix(matrix(rows, [], s, limit=1), Labels(Language.EN)))
    assert "<script" not in svg and "javascript:1)" not in svg
    assert svg.count('<a class="kg-point"') == 1 and svg.count('class="kg-cell"') == 1
    assert 'role="group"' in svg and "<desc>" in svg
