"""Portfolio charts: well-formed SVG, proportional bars, escaped text."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from kamgen.analytics import effort_value, owner_loads, portfolio_effort
from kamgen.drawings import charts
from kamgen.labels import Labels
from kamgen.model import AccountRecord, Portfolio
from kamgen.schema import Account, Language, Settings

TODAY = dt.date(2026, 11, 26)
NS = "{http://www.w3.org/2000/svg}"
EVIL = "</text><script>alert(1)</script>*x*"


def sample() -> Portfolio:
    settings = Settings.model_validate(
        {
            "team": [
                {"id": "am", "name": EVIL, "hours_per_month": 10},
                {"id": "bo", "name": "Bo", "hours_per_month": 20},
            ]
        }
    )
    actions = [
        {
            "id": "a",
            "title": "a",
            "kind": "demo",
            "owner": "am",
            "effort_hours": 30,
            "due": "2026-12-01",
            "horizon": "now",
        },
        {
            "id": "b",
            "title": "b",
            "kind": "demo",
            "owner": "bo",
            "effort_hours": 15,
            "due": "2026-12-01",
            "horizon": "long-term",
        },
    ]
    account = Account.model_validate(
        {
            "name": EVIL,
            "owner": "am",
            "tier": "key",
            "actions": actions,
            "qualification": {"purchases": [{"period": 2025, "amount": 1000}]},
        }
    )
    return Portfolio(settings, (AccountRecord("x", "accounts/x.yaml", account),))


def test_owner_chart_bars_are_proportional_and_escaped() -> None:
    p = sample()
    svg = str(charts.owner_chart(owner_loads(p, TODAY), Labels(Language.EN)))
    assert "<script" not in svg
    root = ET.fromstring(svg)
    assert EVIL in "".join(root.itertext())
    bars = [
        r
        for r in root.iter(f"{NS}rect")
        if r.get("fill") in charts.HORIZON_COLOURS.values() and r.find(f"{NS}title") is not None
    ]
    widths = sorted(float(r.get("width", 0)) for r in bars)
    assert len(widths) == 2 and widths[1] / widths[0] == 2  # 30 h against 15 h
    capacity = [float(r.get("width", 0)) for r in root.iter(f"{NS}rect") if r.get("class") == "kg-capacity"]
    assert capacity[0] / capacity[1] == 30 / 60  # 10 h x 3 months against 20 h x 3 months


def test_horizon_and_value_charts_parse() -> None:
    p = sample()
    labels = Labels(Language.ZH_HANT)
    for svg in (
        charts.horizon_chart(portfolio_effort(p), labels),
        charts.effort_value_chart(effort_value(p), labels, "USD"),
    ):
        root = ET.fromstring(str(svg))
        assert root.get("class", "").startswith("kg-chart")
        assert "<script" not in str(svg)


def test_a_long_name_never_squeezes_the_bars() -> None:
    # A 75-character team member's name gave negative bar widths.
    p = sample()
    long_name = "Maximilian Alexander Konstantin von und zu Hohenberg-Wittelsbach-Schönfeld"
    team = [m.model_copy(update={"name": long_name}) if m.id == "bo" else m for m in p.settings.team]
    p = Portfolio(p.settings.model_copy(update={"team": team}), p.accounts)
    svg = str(charts.owner_chart(owner_loads(p, TODAY), Labels(Language.EN)))
    root = ET.fromstring(svg)
    widths = [float(r.get("width", 0)) for r in root.iter(f"{NS}rect")]
    assert widths and min(widths) > 0
    bars = [float(r.get("x", 0)) for r in root.iter(f"{NS}rect") if r.get("class") == "kg-capacity"]
    assert max(bars) <= charts.NAME_MAX_W
    assert float(root.get("width", 0)) <= charts.WIDTH
