"""Synthetic portfolios for scale tests and benchmarks.

Deterministic: account ``i`` is the same in every portfolio, so an account
page can be compared across portfolio sizes.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

SETTINGS = {
    "language": "en",
    "site": {"title": "Synthetic portfolio"},
    "team": [{"id": f"am-{i}", "name": f"Manager {i}", "hours_per_month": 60} for i in range(8)],
}
ROLES = ["economic-buyer", "user-buyer", "technical-buyer", "coach", "champion", "influencer"]
STANCES = ["mentor", "supporter", "neutral", "non-supporter", "enemy"]
LEVELS = ["high", "medium", "low"]
HORIZONS = ["now", "3-months", "6-months", "12-months", "long-term"]


def account(i: int, people: int = 20) -> dict[str, object]:
    rng = random.Random(i)
    staff = []
    for p in range(people):
        managers = [f"p{(p - 1) // 4}"] if p else []
        staff.append(
            {
                "id": f"p{p}",
                "name": f"Person {i}-{p}",
                "title": rng.choice(["Director", "Manager", "Engineer", "Buyer"]),
                "reports_to": managers,
                "role": rng.choice(ROLES),
                "influence": rng.choice(LEVELS),
                "stance": rng.choice(STANCES),
                "known_in_person": rng.random() < 0.6,
                "buy_in_required": p < 4,
                "coverage": [{"member": f"am-{i % 8}", "level": "brief"}],
                "last_contact": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
            }
        )
    goals = [
        {
            "id": f"g{g}",
            "statement": f"Goal {g} of account {i}",
            "horizon": HORIZONS[g % 5],
            "target": f"{2026 + g % 3}-{rng.randint(1, 12):02d}-15",
            "owners": ["p0"],
        }
        for g in range(5)
    ]
    actions = [
        {
            "id": f"a{a}",
            "title": f"Action {a}",
            "kind": "meeting",
            "goal": f"g{a % 5}",
            "owner": f"am-{i % 8}",
            "due": f"2027-{rng.randint(1, 12):02d}-10",
            "effort_hours": 4,
        }
        for a in range(6)
    ]
    return {
        "name": f"Account {i}",
        "owner": f"am-{i % 8}",
        "tier": ["strategic", "key", "candidate"][i % 3],
        "region": f"Region {i % 6}",
        "tags": [f"tag-{i % 10}"],
        "stakeholders": staff,
        "relationships": [{"kind": "influences", "from": "p1", "to": "p0"}],
        "goals": goals,
        "actions": actions,
    }


def write_portfolio(root: Path, accounts: int, people: int = 20) -> Path:
    """A project folder with ``accounts`` synthetic accounts of ``people`` each."""
    (root / "accounts").mkdir(parents=True, exist_ok=True)
    (root / "kamgen.yml").write_text(yaml.safe_dump(SETTINGS), encoding="utf-8")
    repo = Path(__file__).resolve().parent.parent
    (root / "mkdocs.yml").write_text((repo / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    for i in range(accounts):
        text = yaml.safe_dump(account(i, people), allow_unicode=True, sort_keys=False)
        (root / "accounts" / f"account-{i:04d}.yaml").write_text(text, encoding="utf-8")
    return root
