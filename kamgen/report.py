"""`kamgen report`: the portfolio analysis as JSON, Markdown or text.

The JSON is a stable interface (see README, "The report"): keys are only
ever added within a version; renaming or removing one bumps
``report_version``. Lists are in a fixed order, so two reports diff cleanly.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from kamgen import analytics
from kamgen.labels import Labels
from kamgen.model import Portfolio
from kamgen.rule import Param
from kamgen.schema import Language, Visibility

REPORT_VERSION = 2
# The report's own words are English; account text stays as written.
EN = Labels(Language.EN)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _value(value: float | str | None) -> float | str | None:
    return _round(value) if isinstance(value, float) else value


def _params(params: Mapping[str, Param]) -> dict[str, Any]:
    """A finding's parameters as they are: numbers stay numbers, an unknown
    value is null, a date is YYYY-MM-DD (as every date in the report)."""
    return {k: v.isoformat() if isinstance(v, dt.date) else _value(v) for k, v in params.items()}


def build(
    portfolio: Portfolio, today: dt.date, visibility: Visibility = Visibility.INTERNAL
) -> dict[str, Any]:
    """The whole analysis as plain JSON-ready data, for readers cleared to ``visibility``."""
    health = analytics.visible_health(portfolio, visibility, today)
    lines = {rec.id: rec for rec in portfolio.accounts}  # finding paths are in the whole file
    # Verdicts from the whole account; its figures only where they may be seen.
    quals, hidden = analytics.visible_qualification(portfolio, visibility)
    portfolio = portfolio.visible(visibility)
    settings = portfolio.settings
    rows = analytics.worst_first([(rec, health[rec.id]) for rec in portfolio.accounts])
    accounts: list[dict[str, Any]] = []
    developments: list[analytics.Development] = []
    for rec in sorted(portfolio.accounts, key=lambda r: r.id):
        q, h, figures = quals[rec.id], health[rec.id], rec.id not in hidden
        last = analytics.last_activity(rec)
        d = analytics.develop(lines[rec.id], settings, q, h.status)
        developments.append(d)
        accounts.append(
            {
                "id": rec.id,
                "name": rec.data.name,
                "path": rec.path,
                "tier": rec.data.tier.value,
                "owner": rec.data.owner,
                "health": {
                    "status": h.status.value,
                    "supportive_key_players": list(h.supportive_key_players),
                    "findings": [
                        {
                            "code": f.code,
                            "name": f.name,
                            "severity": f.severity.value,
                            "message": EN.finding(f),
                            "params": _params(f.params),
                            "stakeholders": list(f.stakeholders),
                            "next_step": EN.next_step(f),
                            "why": EN.why(f.code),
                            "line": lines[rec.id].where(f.path)[0],
                        }
                        for f in h.findings
                    ],
                },
                "qualification": {
                    "score": _round(q.score),
                    "criteria_met": q.met,
                    "qualifies": q.qualifies,
                    "declared_key": q.declared_key,
                    "mismatch": q.mismatch,
                    "vetoed": list(q.vetoed),
                    "annual_volume": _round(q.facts.volume.amount) if q.facts.volume and figures else None,
                    "volume_year": q.facts.volume.year if q.facts.volume and figures else None,
                    "criteria": [
                        {
                            "id": r.criterion.id,
                            "metric": r.criterion.metric.value,
                            "value": _value(r.value) if figures else None,
                            "comparison": r.criterion.comparison.value,
                            "threshold": _value(r.criterion.threshold)
                            if isinstance(r.criterion.threshold, float)
                            else str(r.criterion.threshold),
                            "met": r.met,
                            "weight": r.criterion.weight,
                            "points": r.points,
                            "veto": r.criterion.veto,
                        }
                        for r in q.results
                    ],
                },
                "development": _development(d, figures),
                "effort": analytics.account_effort(rec),
                "last_activity": last.isoformat() if last else None,
            }
        )
    loads = analytics.owner_loads(portfolio, today)
    return {
        "report_version": REPORT_VERSION,
        "today": today.isoformat(),
        "visibility": visibility.value,
        "currency": settings.currency,
        "accounts": accounts,
        "owners": [
            {
                "id": load.member.id,
                "name": load.member.name,
                "accounts": load.accounts,
                "capacity_per_month": load.capacity_per_month,
                "window_months": load.window_months,
                "capacity": load.capacity,
                "planned": load.planned,
                "undated": load.undated,
                "utilisation_pct": _round(load.utilisation_pct),
                "hours_per_account": _round(load.hours_per_account),
                "overloaded": load.overloaded,
                "too_many_accounts": load.too_many_accounts,
                "effort": load.by_horizon,
            }
            for load in loads
        ],
        "portfolio": {
            "effort": analytics.portfolio_effort(portfolio),
            "status_counts": {s.value: n for s, n in analytics.status_counts(rows)},
            "mismatches": [a["id"] for a in accounts if a["qualification"]["mismatch"]],
            "verdict_counts": {
                v.value: n for v, n in analytics.verdict_counts([d for d in developments if d.verdict])
            },
            # Interests the readers may see, by kind; "none": no kind given.
            "interest_kinds": {
                (k.kind.value if k.kind else "none"): k.interests for k in analytics.interest_kinds(portfolio)
            },
        },
        "neglected": [
            {
                "account": n.record.id,
                "last_activity": n.last_activity.isoformat() if n.last_activity else None,
                "days": n.days,
            }
            for n in analytics.neglected(portfolio, today)
        ],
        "senior_visits": [
            {
                "account": d.record.id,
                "action": d.action.id,
                "due": d.action.due.isoformat() if d.action.due else None,
                "owner": d.action.owner,
                "reason": d.action.reason,
            }
            for d in analytics.senior_visits(portfolio, today)
        ],
    }


def _development(d: analytics.Development, figures: bool) -> dict[str, Any]:
    """The development verdict and what it rests on; the share of wallet is
    a figure, left out where the account's figures may not be seen."""
    p = d.position
    return {
        "verdict": d.verdict.value if d.verdict else None,
        "attractiveness": _round(d.attractiveness),
        "attractive": d.attractive,
        "position": _round(p.score),
        "strong": d.strong,
        "health_points": _round(p.health),
        "share_of_wallet": _round(p.share_of_wallet) if figures else None,
        "key_players": p.key_players,
        "key_players_covered": p.covered,
    }


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_markdown(data: dict[str, Any]) -> str:
    lines = [f"# Key-account report, {data['today']}", ""]
    lines += [
        "## Accounts",
        "",
        "| account | tier | health | score | qualifies | mismatch |",
        "|---|---|---|---|---|---|",
    ]
    for a in data["accounts"]:
        q = a["qualification"]
        lines.append(
            f"| {_cell(a['name'])} | {a['tier']} | {a['health']['status']} | {q['score']:.0f}% "
            f"| {'yes' if q['qualifies'] else 'no'} | {q['mismatch'] or ''} |"
        )
    lines += ["", "## Findings", ""]
    for a in data["accounts"]:
        for f in a["health"]["findings"]:
            lines.append(
                f"- **{_cell(a['name'])}** `{f['code']}` {_cell(f['message'])}: {_cell(f['next_step'])}"
            )
    lines += [
        "",
        "## Time by owner",
        "",
        "| owner | accounts | planned h | capacity h | utilisation |",
        "|---|---|---|---|---|",
    ]
    for o in data["owners"]:
        pct = "" if o["utilisation_pct"] is None else f"{o['utilisation_pct']:.0f}%"
        lines.append(
            f"| {_cell(o['name'])} | {o['accounts']} | {o['planned']:.0f} | {o['capacity']:.0f} | {pct} |"
        )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    # The report is read as Markdown: keep table cells and emphasis intact.
    return "".join(f"&#{ord(c)};" if c in "|*_`[]<>\\" else c for c in str(text)).replace("\n", " ")


def to_text(data: dict[str, Any]) -> str:
    lines = [f"Key-account report for {data['today']} ({data['currency']})", ""]
    for a in data["accounts"]:
        q = a["qualification"]
        mismatch = f"  MISMATCH: {q['mismatch']}" if q["mismatch"] else ""
        lines.append(
            f"{a['id']}: health {a['health']['status']}, score {q['score']:.0f}%, "
            f"{'qualifies' if q['qualifies'] else 'does not qualify'}{mismatch}"
        )
        lines += [f"  {f['code']} {f['message']} -> {f['next_step']}" for f in a["health"]["findings"]]
    lines.append("")
    for o in data["owners"]:
        flags = [
            n
            for n, on in (("overloaded", o["overloaded"]), ("too many accounts", o["too_many_accounts"]))
            if on
        ]
        pct = "-" if o["utilisation_pct"] is None else f"{o['utilisation_pct']:.0f}%"
        lines.append(
            f"{o['id']}: {o['accounts']} account(s), "
            f"{o['planned']:.0f} h planned of {o['capacity']:.0f} h ({pct})"
            + (f"  {', '.join(flags)}" if flags else "")
        )
    return "\n".join(lines) + "\n"


FORMATS = {"json": to_json, "markdown": to_markdown, "text": to_text}
