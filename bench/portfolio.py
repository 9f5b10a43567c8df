"""Realistic synthetic portfolios, shaped like the sample accounts.

Each account is built like the samples in ``accounts/``: about twenty
stakeholders with every field, 3-5 vested interests, 5-7 goals, 8-12
actions, every checklist answered, notes, qualification facts and informal
relationships. A third of the accounts are ``.md`` files with a narrative,
and a quarter have Chinese names (and Chinese text), so that the search
index has to segment them. An account file is about 20 KB.

Deterministic and seeded: account ``i`` of seed ``s`` is the same in every
portfolio whatever its size, so that a page can be compared across sizes.
Dates are relative to a fixed ``today``; pass the same day to ``--today``.

    .venv/bin/python -m bench.portfolio DIR [-n 100] [--seed 10]

It writes a project (kamgen.yml, mkdocs.yml, docs/ and accounts/) into DIR
and never into this repository's own ``accounts/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kamgen.model import builtin_checklists
from kamgen.schema import Language

REPO = Path(__file__).resolve().parent.parent
SEED = 10
TODAY = dt.date(2026, 11, 26)
# One account manager owns this many accounts (a "handful", DOMAIN.md); a
# sales director backs this many accounts.
ACCOUNTS_PER_MANAGER = 6
ACCOUNTS_PER_DIRECTOR = 40
PEOPLE = 20

# ------------------------------------------------------------------ word banks

EN_FIRST = (
    "Anna", "James", "Priya", "Daniel", "Rachel", "Graham", "Laura", "Tom", "Sofia", "Oliver",
    "Emma", "Lucas", "Mia", "Noah", "Grace", "Ethan", "Chloe", "Henry", "Isla", "Samuel", "Zara",
    "Marcus", "Helen", "Victor", "Nadia", "Felix", "Clara", "Jonas", "Leonie", "Matthias", "Sabine",
    "Katrin", "Jürgen", "Lena", "Tobias", "Miriam", "Aidan", "Fiona", "Ravi", "Amara",
)  # fmt: skip
EN_LAST = (
    "Pike", "Nair", "Hughes", "Cole", "Schmidt", "Brandt", "Hoffmann", "Krüger", "Schulz", "Wagner",
    "Maier", "Okafor", "Walsh", "Bennett", "Fischer", "Lindqvist", "Moreau", "Rossi", "Novak",
    "Kowalski", "Brennan", "Patel", "Osei", "Larsen", "Dubois", "Becker", "Vogel", "Sato", "Harris",
    "Quinn", "Murphy", "Ward", "Fleming", "Adler", "Weber", "Keller", "Meyer", "Turner", "Barnes",
    "Price",
)  # fmt: skip
# Surname and given-name syllables, each with its romanisation for aliases.
ZH_SURNAME = (
    ("陳", "Chen"), ("林", "Lin"), ("黃", "Huang"), ("張", "Zhang"), ("李", "Li"), ("王", "Wang"),
    ("吳", "Wu"), ("劉", "Liu"), ("蔡", "Cai"), ("楊", "Yang"), ("許", "Xu"), ("鄭", "Zheng"),
    ("謝", "Xie"), ("郭", "Guo"), ("洪", "Hong"), ("周", "Zhou"), ("梁", "Liang"), ("何", "He"),
)  # fmt: skip
ZH_GIVEN = (
    ("志", "zhi"), ("強", "qiang"), ("美", "mei"), ("玲", "ling"), ("建", "jian"), ("宏", "hong"),
    ("敏", "min"), ("輝", "hui"), ("傑", "jie"), ("偉", "wei"), ("芳", "fang"), ("華", "hua"),
    ("明", "ming"), ("麗", "li"), ("國", "guo"), ("文", "wen"), ("家", "jia"), ("欣", "xin"),
    ("俊", "jun"), ("婷", "ting"), ("雅", "ya"), ("嘉", "jia"), ("子", "zi"), ("安", "an"),
)  # fmt: skip
EN_COMPANY = (
    "Northfield", "Harbour", "Summit", "Riverside", "Atlas", "Crestline", "Meridian", "Brightwater",
    "Ironbridge", "Kestrel", "Lakeside", "Oakmont", "Pinecrest", "Redwood", "Silverline",
    "Stonegate", "Westbrook", "Highmoor", "Falkner", "Greyhaven",
)  # fmt: skip
EN_TRADE = (
    ("Logistics", "Warehousing and logistics"), ("Kitchens", "Kitchen furniture"),
    ("Machine Works", "Machine tools"), ("Office Systems", "Office furniture"),
    ("Data Centres", "Server racks and data centres"), ("Home & DIY", "Home improvement retail"),
    ("Medical Devices", "Medical equipment"), ("Rail Systems", "Rolling stock interiors"),
    ("Marine", "Shipbuilding and yacht interiors"), ("Caravans", "Leisure vehicles"),
)  # fmt: skip
EN_SUFFIX = ("Ltd", "GmbH", "plc", "AG", "Inc.", "S.A.", "B.V.")
ZH_CITY = (("廣州", "Guangzhou"), ("深圳", "Shenzhen"), ("新竹", "Hsinchu"), ("台中", "Taichung"),
           ("東莞", "Dongguan"), ("蘇州", "Suzhou"), ("佛山", "Foshan"), ("桃園", "Taoyuan"))  # fmt: skip
ZH_BRAND = (("雅居", "Yaju"), ("精密", "Precision"), ("宏達", "Hongda"), ("永興", "Yongxing"),
            ("華通", "Huatong"), ("興業", "Xingye"), ("新亞", "Xinya"), ("立信", "Lixin"))  # fmt: skip
ZH_TRADE = (("家具製造", "Furniture Manufacturing", "家具製造"),
            ("電子", "Electronics", "伺服器與網通設備製造"),
            ("機械", "Machinery", "工具機"), ("廚具", "Kitchenware", "廚具與衛浴"),
            ("醫療器材", "Medical Devices", "醫療設備"))  # fmt: skip
REGIONS = (
    "South China",
    "Germany (DACH)",
    "UK and Ireland",
    "Taiwan",
    "Nordics",
    "France",
    "Benelux",
    "Poland",
)
DEPARTMENTS = {
    "Management": ("Managing Director", "General Manager", "Chief Executive Officer"),
    "Finance": ("Chief Financial Officer", "Head of Supplier Finance", "Controller"),
    "Purchasing": ("Head of Purchasing", "Senior Buyer", "Category Buyer", "Purchasing Assistant"),
    "Engineering": ("Head of Engineering", "Senior Project Engineer", "Design Engineer"),
    "Production": ("Plant Manager", "Production Engineer", "Line Supervisor"),
    "Sales": ("Sales Director", "Key Account Manager", "Channel Manager"),
    "Quality": ("Head of Quality", "Supplier Quality Engineer"),
    "Operations": ("Chief Operating Officer", "Supply Chain Manager", "Logistics Manager"),
}
ZH_DEPARTMENTS = {
    "總經理室": ("總經理", "副總經理", "特別助理"),
    "財務處": ("財務長", "會計經理"),
    "採購處": ("採購處處長", "資深採購", "採購專員"),
    "研發部": ("研發部經理", "資深工程師", "設計工程師"),
    "生產部": ("廠長", "生產工程師", "線長"),
    "業務部": ("業務總監", "業務經理"),
    "品保部": ("品保經理", "供應商品質工程師"),
}
THINGS = (
    "soft-close hinges", "heavy-duty slides", "drawer systems", "enclosure doors", "rack rails",
    "lift mechanisms", "cabinet fittings", "telescopic slides", "damped retrofit kits",
)  # fmt: skip
EN_NOTES = (
    "Measures every supplier by cost per unit shipped and asks for {thing} price lists each quarter.",
    "Has bought from the same local supplier for {n} years and sees no reason to change.",
    "Prefers written proposals; reads every datasheet on {thing} before a meeting.",
    "Trained at our application centre in {year}; knows our {thing} better than most of our staff.",
    "Sits on the change board that approves every new part, including {thing}.",
    "Blamed for last year's stock-outs; values delivery reliability over a lower price.",
    "Joined from a competitor in {year}; still in touch with their sales team.",
    "Owns the budget for the next platform and decides which {thing} go into it.",
)  # fmt: skip
EN_STEPS = (
    "Ask {ally} to invite us to the {event} so that we can meet in person.",
    "Send the endurance data on {thing} before the {event}.",
    "Offer our applications engineer for two days at the line before the {event}.",
    "Brief them the same day as the steering committee, so they never hear it second-hand.",
    "Bring sell-through data on {thing} to the {event}.",
)  # fmt: skip
TAGS = ("retail", "machine-tools", "furniture", "co-development", "price-pressure", "e-auction", "premium")
ZH_EVENTS = ("春季產品發表會", "供應商大會", "年度展覽", "工廠參訪")
EVENTS = (
    "spring product review",
    "January supply review",
    "trade fair",
    "annual supplier day",
    "plant visit",
)
ZH_NOTES = (
    "與本地{thing}供應商合作近{n}年，認為現有供應鏈沒有任何問題。",
    "凡是超過新台幣一千萬元的採購案都需經其核准，重視每單位成本。",
    "{year}年曾在我們的應用中心受訓，熟悉我們的{thing}。",
    "負責下一代平台的預算，決定採用哪一家的{thing}。",
    "去年缺貨時被究責，重視交期勝過價格。",
)  # fmt: skip
ZH_STEPS = (
    "透過同業公會年會請秘書長引薦，爭取當面交談十分鐘。",
    "在{event}前寄送{thing}的耐久測試資料。",
    "請{ally}安排我們參加{event}。",
)  # fmt: skip
ZH_THINGS = ("滑軌", "鉸鏈", "機櫃滑軌", "抽屜系統", "五金配件")
INTERESTS = (
    ("A comfortable relationship with the current supplier, with year-end gifts",
     "A new supplier would replace his supplier and his say over {thing}"),
    ("An annual savings target met by playing two suppliers against each other",
     "Co-developed {thing} would be single-sourced from us and end that leverage"),
    ("A production line tuned to the old {thing}",
     "New parts mean new fixtures and two days of retraining per shift"),
    ("Control over which supplier gets each listing",
     "A co-designed range would tie the category to one supplier"),
    ("A bonus that rests on the year-on-year cost-price reduction",
     "Our upgraded {thing} cost 6% more per unit than the standard range"),
)  # fmt: skip
PRACTICES = (
    ("Every purchase goes to the lowest of three bids, per part number",
     "Sell standard parts at market price; sell the premium range as a system through design"),
    ("Production refuses pilot runs during peak season", "Plan pilots for February to May"),
    ("Every new supplier part must pass a 500-hour endurance test before series release",
     "Start the endurance test in parallel with the design freeze"),
    ("Buys only standard two-day training courses, even though blended coaching works better",
     "Keep the standard course and add one free follow-up call to build evidence"),
    ("Will not hire consultants from outside its own industry",
     "Send engineers with references from the customer's industry"),
)  # fmt: skip
GOALS = (
    "Cut hardware cost per unit by {pct}% this year",
    "Launch a premium line under its own brand by {year}",
    "Open a showroom for architects and developers in {city}",
    "Halve warranty claims on {thing}",
    "Qualify a second plant for the main product range",
    "Lift on-shelf availability above 95% over the peak season",
    "Cut inventory by {pct}% by the end of the business year",
    "Build a retrofit service business for the installed base",
    "Move all suppliers to 120-day terms by {year}",
)  # fmt: skip
HELP = (
    "Bundle pricing on the standard range",
    "Design support and {thing} that make the premium line credible",
    "Consignment stock, invoiced on withdrawal",
    "Root-cause analysis of failed {thing} from the field",
    "Vendor-managed inventory at the main distribution centre",
)  # fmt: skip
ACTIONS = (
    ("information", "Send endurance test data for the {thing}"),
    ("demo", "Demonstrate the {thing} on a prototype at the customer's plant"),
    ("pilot", "Fit our {thing} to two prototype units"),
    ("proposal", "Bundle price offer for the {thing}"),
    ("senior-visit", "Our sales director visits the decision maker"),
    ("event", "Evening at the {event} with the engineering team"),
    ("training", "Two-day assembly training on the {thing}"),
    ("meeting", "Quarterly business review with engineering and purchasing"),
    ("other", "Review credit insurance cover with our finance team"),
)  # fmt: skip
NARRATIVE = """# {name}

{name} is {kind} for us. {why}

## Strategy

We grow from **selling parts** for today's range to **co-developing** the
{thing} of the next platform. Three things carry the plan:

1. Keep the board-level sponsorship: our sales director meets {sponsor}
   at least twice a year.
2. Win engineering on substance: prototypes, endurance data and a
   retrofit kit that solves today's complaints.
3. Give purchasing a reason to accept a single source: open-book costing
   and consignment stock.

## History

| Year | Purchases ({currency}) | Milestone |
|---|---:|---|
{history}

## Risks we watch

- {risk1}
- {risk2}
- Purchasing will test our prices against a second source every year.
  That is healthy; we keep the cost model open.
"""
ZH_NARRATIVE = """# {name}

這是一個{kind}客戶。{why}

## 現況

- 採購額{trend}，我們只佔{thing}採購額約百分之{share}。
- {sponsor}是經濟決策者，是否見過面決定了下一步。
- 採購處掌控採購與訓練預算，對我們的態度不一。

## 歷史

| 年度 | 採購額（{currency}） | 里程碑 |
|---|---:|---|
{history}

## 下一步

1. 透過公會年會爭取與決策者見面。
2. 找出研發部的新主管，建立新的支持者。
3. 評估是否請我方業務總監出面拜訪，提高層級。
"""

# The samples' settings: qualification criteria, rates, one custom checklist.
CRITERIA = [
    {"id": "volume", "metric": "volume", "threshold": 500000, "weight": 25},
    {"id": "margin", "label": "Margin at least 80% of our average", "metric": "margin", "threshold": 80,
     "weight": 25, "veto": True},
    {"id": "growth", "metric": "growth", "threshold": 5, "weight": 15},
    {"id": "potential", "metric": "share-of-wallet", "comparison": "<=", "threshold": 50, "weight": 15},
    {"id": "credit", "metric": "credit-rating", "threshold": "BBB", "weight": 10},
    {"id": "pays-on-time", "metric": "days-to-pay", "comparison": "<=", "threshold": 60, "weight": 5},
    {"id": "goal-access", "metric": "goal-access", "threshold": "partial", "weight": 5},
]  # fmt: skip
RATES = {"CNY": 0.14, "EUR": 1.08, "GBP": 1.27, "TWD": 0.031}
CURRENCY_SCALE = {"USD": 1, "EUR": 1, "GBP": 1, "CNY": 7, "TWD": 31}
ANNUAL_REVIEW: dict[str, Any] = {
    "id": "annual-review",
    "title": "Annual account review",
    "items": [
        {"id": "plan-shared", "text": "The account plan was shared with the customer's sponsor"},
        {"id": "pricing-reviewed", "text": "Pricing and terms were reviewed against margin targets"},
        {"id": "exec-sponsor", "text": "An executive sponsor on our side is named and has met the customer"},
    ],
}


def checklist_items() -> dict[str, tuple[str, ...]]:
    """Every item of every checklist, built in and the settings' own: all are answered."""
    builtin = {c.id: tuple(i.id for i in c.items) for c in builtin_checklists(Language.EN)}
    return {**builtin, ANNUAL_REVIEW["id"]: tuple(item["id"] for item in ANNUAL_REVIEW["items"])}


ROLES = ("economic-buyer", "user-buyer", "technical-buyer", "coach", "champion", "influencer")
STANCE_RATING = {"mentor": (4, 5), "supporter": (1, 3), "neutral": (-1, 1), "non-supporter": (-3, -1),
                 "enemy": (-5, -4)}  # fmt: skip
HORIZON_DAYS = {"now": (-30, 40), "3-months": (20, 100), "6-months": (80, 190), "12-months": (170, 370),
                "long-term": (360, 1100)}  # fmt: skip


# ------------------------------------------------------------------ YAML out


class _Flow(dict[str, Any]):
    """A small mapping written inline, as the samples write coverage and answers."""


class _Inline(list[Any]):
    """A short list written inline, as the samples write aliases and ids."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)
)
_Dumper.add_representer(
    _Inline, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


# ------------------------------------------------------------------ people


def manager_id(k: int) -> str:
    return f"kam-{k:03d}"


def director_id(k: int) -> str:
    return f"director-{k:02d}"


def _member_name(k: int, salt: int) -> str:
    rng = random.Random(salt * 7919 + k)
    if k % 4 == 3:
        sur, sur_en = rng.choice(ZH_SURNAME)
        given = rng.sample(ZH_GIVEN, 2)
        return f"{sur}{given[0][0]}{given[1][0]} ({sur_en} {(given[0][1] + given[1][1]).capitalize()})"
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def settings(accounts: int, seed: int = SEED) -> dict[str, Any]:
    """kamgen.yml for a portfolio of ``accounts``: enough managers and
    directors for every account's owner and team."""
    managers = max(1, -(-accounts // ACCOUNTS_PER_MANAGER))
    directors = max(1, -(-accounts // ACCOUNTS_PER_DIRECTOR))
    team = [
        {
            "id": manager_id(k),
            "name": _member_name(k, seed),
            "role": "Key account manager",
            "hours_per_month": 60,
        }
        for k in range(managers)
    ] + [
        {
            "id": director_id(k),
            "name": _member_name(k, seed + 1),
            "role": "Sales director",
            "hours_per_month": 20,
        }
        for k in range(directors)
    ]
    return {
        "language": "en",
        "site": {"title": "Synthetic key accounts", "repo_url": "https://git.example.com/sales/key-accounts",
                 "edit_uri": "edit/main/"},
        "average_margin_pct": 24,
        "currency": "USD",
        "exchange_rates": RATES,
        "team": team,
        "qualification": {"rule": {"min_score": 60, "min_criteria": 4}, "criteria": CRITERIA},
        "thresholds": {"min_contacts": 3, "stale_contact_days": 90, "stale_step_days": 60,
                       "action_window_days": 30, "neglect_days": 60},
        "checklists": [ANNUAL_REVIEW],
    }  # fmt: skip


# ------------------------------------------------------------------ one account


@dataclass
class _Ctx:
    rng: random.Random
    today: dt.date
    chinese: bool

    def pick(self, items: Sequence[Any]) -> Any:
        return self.rng.choice(items)

    def day(self, lo: int, hi: int) -> dt.date:
        return self.today + dt.timedelta(days=self.rng.randint(lo, hi))

    def fill(self, template: str, **extra: str) -> str:
        things = ZH_THINGS if self.chinese else THINGS
        values = {
            "thing": self.pick(things),
            "n": str(self.rng.randint(5, 20)),
            "year": str(self.rng.randint(2019, 2026)),
            "pct": str(self.rng.randint(5, 15)),
            "event": self.pick(ZH_EVENTS if self.chinese else EVENTS),
            "city": self.pick(ZH_CITY)[1],
            "ally": "王經理" if self.chinese else "our coach",
            **extra,
        }
        return template.format(**values)


def _unique(base: str, taken: set[str]) -> str:
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    taken.add(ident)
    return ident


def _slug(text: str) -> str:
    out = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text.lower())
    return "-".join(part for part in out.split("-") if part)


def _person_name(c: _Ctx) -> tuple[str, list[str]]:
    if c.chinese:
        sur, sur_en = c.pick(ZH_SURNAME)
        given = c.rng.sample(ZH_GIVEN, 2)
        romanised = f"{sur_en} {(given[0][1] + given[1][1]).capitalize()}"
        return f"{sur}{given[0][0]}{given[1][0]}", [romanised]
    first, last = c.pick(EN_FIRST), c.pick(EN_LAST)
    plain = last.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")
    return f"{first} {last}", ([f"{first} {plain}"] if plain != last else [f"{first[0]}. {last}"])


def _stakeholders(c: _Ctx, members: list[str]) -> list[dict[str, Any]]:
    departments = ZH_DEPARTMENTS if c.chinese else DEPARTMENTS
    taken: set[str] = set()
    people: list[dict[str, Any]] = []
    for p in range(PEOPLE):
        name, aliases = _person_name(c)
        pid = _unique(_slug(aliases[0]) if c.chinese else _slug(name), taken)
        department = c.pick(list(departments))
        # Reporting lines point at earlier people only: a tree with a few
        # matrix managers, never a cycle.
        reports = [] if p < 2 else [people[c.rng.randint(0, min(p - 1, 5 + p // 3))]["id"]]
        if p > 4 and c.rng.random() < 0.15:
            second = people[c.rng.randint(0, p - 1)]["id"]
            if second not in reports:
                reports.append(second)
        stance = c.pick(list(STANCE_RATING))
        notes, steps = (ZH_NOTES, ZH_STEPS) if c.chinese else (EN_NOTES, EN_STEPS)
        person: dict[str, Any] = {
            "id": pid,
            "name": name,
            "aliases": _Inline(aliases),
            "title": c.pick(departments[department]),
            "department": department,
            "reports_to": _Inline(reports),
            "role": ROLES[p] if p < len(ROLES) else c.pick(ROLES),
            "political_status": c.pick(("inner-circle", "political-structure", "outside")),
            "influence": "high" if p < 4 else c.pick(("high", "medium", "low")),
            "stance": stance,
            "rating": c.rng.randint(*STANCE_RATING[stance]),
            "mode": c.pick(("growth", "trouble", "even-keel", "overconfident")),
            "known_in_person": c.rng.random() < 0.75,
            "buy_in_required": p < 5,
            "coverage": [
                _Flow(member=m, level=c.pick(("brief", "multiple", "in-depth")))
                for m in c.rng.sample(members, c.rng.randint(1, len(members)))
            ],
            "relationship_level": c.pick(("vendor", "credible-source", "problem-solver", "trusted-advisor")),
            # Most contacts are recent; a fifth have gone stale.
            "last_contact": c.day(-60, -1) if c.rng.random() < 0.8 else c.day(-200, -61),
            "next_step": c.fill(c.pick(steps)),
            "notes": c.fill(c.pick(notes)),
        }
        if not reports:
            del person["reports_to"]
        # As in the samples, a next step is written mostly for the people we
        # have yet to meet.
        if person["known_in_person"] and c.rng.random() < 0.6:
            del person["next_step"]
        if p >= PEOPLE - 1:
            person["left_on"] = c.day(-150, -10)
            person["visibility"] = "restricted"
        elif c.rng.random() < 0.1:
            person["visibility"] = "restricted"
        people.append(person)
    return people


def _relationships(c: _Ctx, ids: list[str]) -> list[dict[str, Any]]:
    seen: set[tuple[str, str, str]] = set()
    out: list[dict[str, Any]] = []
    wanted = c.rng.randint(8, 12)
    while len(out) < wanted:
        kind = c.pick(("influences", "influences", "allied-with", "in-conflict-with"))
        a, b = c.rng.sample(ids, 2)
        if (kind, a, b) in seen:
            continue
        seen.add((kind, a, b))
        rel: dict[str, Any] = {"kind": kind, "from": a, "to": b}
        if c.rng.random() < 0.5:
            rel["notes"] = (
                c.fill("{thing}的規格由雙方共同決定")
                if c.chinese
                else c.fill("Agree on {thing} before anyone else")
            )
        out.append(_Flow(rel) if len(rel) == 3 else rel)
    return out


def _interests(c: _Ctx, ids: list[str]) -> list[dict[str, Any]]:
    out = []
    taken: set[str] = set()
    for k in range(c.rng.randint(3, 5)):
        holder = c.pick(ids[:10])
        interest, threat = c.pick(INTERESTS)
        tactic = c.pick(("go-around", "earn-trust", "whisper", "wait", "none"))
        item: dict[str, Any] = {
            "id": _unique(_slug(interest.split(",")[0])[:30].rstrip("-") or f"interest-{k}", taken),
            "holder": holder,
            "interest": interest,
            "threat": c.fill(threat),
            "severity": c.pick(("high", "medium", "low")),
            "tactic": tactic,
        }
        if tactic == "whisper":
            item["ally"] = c.pick([i for i in ids if i != holder])
        item["status"] = c.pick(("unaddressed", "in-progress", "defused", "blocked"))
        item["last_step"] = c.day(-120, -1)
        item["next_step"] = c.fill(c.pick(EN_STEPS))
        if c.rng.random() < 0.25:
            item["visibility"] = "restricted"
        out.append(item)
    return out


def _practices(c: _Ctx) -> list[dict[str, Any]]:
    chosen = c.rng.sample(PRACTICES, c.rng.randint(2, 3))
    out = []
    for k, (practice, handling) in enumerate(chosen):
        out.append(
            {
                "id": f"practice-{k + 1}",
                "practice": practice,
                "impact": c.pick(("high", "medium", "low")),
                "handling": handling,
            }
        )
    return out


def _goals(c: _Ctx, ids: list[str]) -> list[dict[str, Any]]:
    out = []
    for k in range(c.rng.randint(5, 7)):
        horizon = list(HORIZON_DAYS)[k % 5]
        goal = {
            "id": f"goal-{k + 1}",
            "statement": c.fill(c.pick(GOALS), year=str(c.rng.randint(2027, 2030))),
            "kind": c.pick(("goal", "pressure", "initiative", "obstacle")),
            "horizon": horizon,
            "target": c.day(*HORIZON_DAYS[horizon]),
            "owners": _Inline(c.rng.sample(ids[:8], c.rng.randint(1, 2))),
            "source": _Inline(c.rng.sample(ids, c.rng.randint(1, 2))),
            "status": c.pick(("confirmed", "confirmed", "unconfirmed", "achieved", "dropped")),
            "how_we_help": c.fill(c.pick(HELP)),
        }
        if c.rng.random() < 0.15:
            goal["visibility"] = c.pick(("restricted", "public"))
        out.append(goal)
    return out


def _actions(c: _Ctx, ids: list[str], goals: list[str], members: list[str]) -> list[dict[str, Any]]:
    out = []
    for k in range(c.rng.randint(8, 12)):
        kind, title = c.pick(ACTIONS)
        due = c.day(-90, 180)
        if due < c.today - dt.timedelta(days=20):
            status = c.pick(("done", "done", "done", "cancelled"))
        else:
            status = c.pick(("planned", "planned", "in-progress"))
        action: dict[str, Any] = {"id": f"action-{k + 1}", "title": c.fill(title), "kind": kind}
        if c.rng.random() < 0.85:
            action["goal"] = c.pick(goals)
        action.update(
            {
                "stakeholders": _Inline(c.rng.sample(ids, c.rng.randint(1, 4))),
                "owner": members[-1] if kind == "senior-visit" else members[0],
                "due": due,
                "status": status,
                "effort_hours": c.rng.choice((2, 4, 6, 8, 12, 16, 24, 40)),
            }
        )
        if kind in ("pilot", "senior-visit"):
            action["horizon"] = c.pick(("3-months", "6-months", "12-months"))
            action["reason"] = c.fill(
                "Agree the framework at board level before the budget freeze; {thing} are the decision."
            )
        out.append(action)
    return out


def _checklists(c: _Ctx) -> dict[str, dict[str, Any]]:
    answers: dict[str, dict[str, Any]] = {}
    for list_id, items in checklist_items().items():
        answers[list_id] = {}
        for item in items:
            answer = _Flow(done=c.rng.random() < 0.6)
            if c.rng.random() < 0.4:
                answer["note"] = (
                    c.fill("已與{thing}負責人確認") if c.chinese else c.fill("Checked with the {thing} team")
                )
            answers[list_id][item] = answer
    return answers


def _notes(c: _Ctx, members: list[str]) -> list[dict[str, Any]]:
    bank = ZH_NOTES if c.chinese else EN_NOTES
    out = []
    for _ in range(c.rng.randint(3, 5)):
        note: dict[str, Any] = {
            "date": c.day(-120, -1),
            "author": c.pick(members),
            "text": c.fill(c.pick(bank)),
        }
        if c.rng.random() < 0.3:
            note["visibility"] = "restricted"
        out.append(note)
    return sorted(out, key=lambda n: n["date"], reverse=True)


def _thousands(amount: float) -> int:
    return int(round(amount, -3))


def _qualification(c: _Ctx, currency: str) -> dict[str, Any]:
    scale = CURRENCY_SCALE[currency]
    base = c.rng.randint(200, 9000) * 1000 * scale
    growth = c.rng.uniform(-0.1, 0.2)
    purchases = [_Flow(period=2023 + k, amount=_thousands(base * (1 + growth) ** k)) for k in range(3)]
    purchases += [
        _Flow(period=f"2026-Q{q}", amount=_thousands(base / 4 * (1 + growth) ** (3 + q / 4)))
        for q in (1, 2, 3)
    ]
    wallet = base * c.rng.uniform(1.2, 6)
    return {
        "currency": currency,
        "purchases": purchases,
        "margin_pct": round(c.rng.uniform(8, 35), 1),
        "potential": {"wallet": _thousands(wallet), "competitors": _thousands(wallet - base)},
        "credit_rating": c.pick(("AA", "A", "BBB", "BB", "B")),
        "days_to_pay": c.rng.randint(30, 120),
        "goal_access": c.pick(("none", "limited", "partial", "full")),
        "openness": c.pick(("high", "medium", "low")),
    }


def is_markdown(i: int, seed: int = SEED) -> bool:
    """A third of the accounts are .md files with a narrative."""
    return (i + seed) % 3 == 0


def is_chinese(i: int, seed: int = SEED) -> bool:
    """A quarter of the accounts have Chinese names."""
    return (i + seed) % 4 == 1


def account_id(i: int) -> str:
    return f"account-{i:04d}"


def account(i: int, seed: int = SEED, today: dt.date = TODAY) -> dict[str, Any]:
    """Account ``i`` as plain data; the same for every portfolio size."""
    c = _Ctx(random.Random(seed * 1_000_003 + i), today, is_chinese(i, seed))
    owner = manager_id(i // ACCOUNTS_PER_MANAGER)
    director = director_id(i // ACCOUNTS_PER_DIRECTOR)
    members = [owner, director]
    if c.chinese:
        city, brand, trade = c.pick(ZH_CITY), c.pick(ZH_BRAND), c.pick(ZH_TRADE)
        name = f"{city[0]}{brand[0]}{trade[0]}股份有限公司"
        aliases = [f"{city[1]} {brand[1]} {trade[1]} Co., Ltd.", f"{brand[0]}{trade[0][:2]}"]
        industry, region, currency = trade[2], c.pick(("台灣", "華南")), c.pick(("TWD", "CNY"))
        why = (
            "台灣前五大代工廠之一，每年採購大量滑軌與五金。"
            "訂單快速成長，重型滑軌正是我們的強項；但目前我們只拿到不到四分之一的採購額。"
        )
    else:
        company, (trade, industry) = c.pick(EN_COMPANY), c.pick(EN_TRADE)
        name = f"{company} {trade} {c.pick(EN_SUFFIX)}"
        aliases = [f"{company} {trade}", "".join(w[0] for w in name.split() if w[0].isupper())]
        region, currency = c.pick(REGIONS), c.pick(("USD", "EUR", "GBP"))
        why = (
            f"One of the largest makers in {industry.lower()} in its region, buying {c.pick(THINGS)} "
            "from us today. It pays on time, shares parts of its roadmap, and has asked us to "
            "co-develop the motion systems of its next platform."
        )
    people = _stakeholders(c, members)
    ids = [p["id"] for p in people]
    goals = _goals(c, ids)
    data: dict[str, Any] = {
        "name": name,
        "aliases": _Inline(aliases),
        "industry": industry,
        "region": region,
        "owner": owner,
        "team": _Inline([director]),
        "tier": ("strategic", "key", "key", "candidate")[i % 4],
        "stage": c.pick(("prospect", "developing", "established", "partnership", "at-risk")),
        "tags": _Inline(c.rng.sample([*TAGS, f"region-{i % 7}", f"segment-{i % 11}"], 3)),
        "visibility": "internal",
        "why_key": why,
        "qualification": _qualification(c, currency),
        "stakeholders": people,
        "relationships": _relationships(c, ids),
        "interests": _interests(c, ids),
        "practices": _practices(c),
        "goals": goals,
        "actions": _actions(c, ids, [g["id"] for g in goals], members),
        "checklists": _checklists(c),
        "notes": _notes(c, members),
    }  # fmt: skip
    if is_markdown(i, seed):
        data["narrative_visibility"] = c.pick(("internal", "restricted"))
    return data


def _history(data: dict[str, Any]) -> str:
    years = [p for p in data["qualification"]["purchases"] if isinstance(p["period"], int)]
    return "\n".join(f"| {p['period']} | {p['amount']:,.0f} | — |" for p in years)


def narrative(data: dict[str, Any]) -> str:
    sponsor = data["stakeholders"][0]["name"]
    q = data["qualification"]
    values = {"name": data["name"], "sponsor": sponsor, "currency": q["currency"], "history": _history(data)}
    if is_chinese_text(data["name"]):
        trend = "連續成長" if q["purchases"][2]["amount"] > q["purchases"][0]["amount"] else "連續兩年下滑"
        share = round(100 * (1 - q["potential"]["competitors"] / q["potential"]["wallet"]))
        return ZH_NARRATIVE.format(
            kind="重點", why=data["why_key"], trend=trend, thing="滑軌", share=share, **values
        )
    return NARRATIVE.format(
        kind="a strategic partnership",
        why=data["why_key"],
        thing="motion systems",
        risk1="The prototype programme eats engineering hours; if the platform slips, the return slips too.",
        risk2=f"{sponsor} decides alone on suppliers above the framework limit.",
        **values,
    )


def is_chinese_text(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/account.schema.json\n"


def account_file(i: int, seed: int = SEED, today: dt.date = TODAY) -> tuple[str, str]:
    """The file name and text of account ``i``."""
    data = account(i, seed, today)
    body = SCHEMA_COMMENT + "# Synthetic account, generated by bench/portfolio.py.\n" + dump(data)
    if is_markdown(i, seed):
        return f"{account_id(i)}.md", f"---\n{body}---\n\n{narrative(data)}"
    return f"{account_id(i)}.yaml", body


# ------------------------------------------------------------------ project


class RepoAccounts(ValueError):
    """The target is this repository's own accounts folder."""


def write_portfolio(
    root: Path,
    accounts: int,
    *,
    seed: int = SEED,
    today: dt.date = TODAY,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """A project folder with ``accounts`` generated accounts; ``root/accounts``
    must be new or empty, and never this repository's own."""
    target = (root / "accounts").resolve()
    if target == (REPO / "accounts").resolve():
        raise RepoAccounts(f"refusing to write into this repository's own {target}")
    if target.is_dir() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty; generate into a new folder")
    target.mkdir(parents=True, exist_ok=True)
    (root / "kamgen.yml").write_text(dump(settings(accounts, seed)), encoding="utf-8")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    if (REPO / "docs").is_dir():
        shutil.copytree(REPO / "docs", root / "docs", dirs_exist_ok=True)
    for i in range(accounts):
        name, text = account_file(i, seed, today)
        (target / name).write_text(text, encoding="utf-8")
        if progress:
            progress(i)
    return root


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a realistic synthetic kamgen project.")
    parser.add_argument(
        "dir", type=Path, help="project folder to create (its accounts/ must be new or empty)"
    )
    parser.add_argument("-n", "--accounts", type=int, default=100)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=TODAY, help="the day dates are relative to"
    )
    args = parser.parse_args(argv)
    try:
        write_portfolio(args.dir, args.accounts, seed=args.seed, today=args.today)
    except (RepoAccounts, FileExistsError) as exc:
        parser.exit(1, f"portfolio: {exc}\n")
    print(f"wrote {args.accounts} accounts to {args.dir}")


if __name__ == "__main__":
    main()
