"""Schema problems (K1xx) and YAML surprises (K006), at the exact (line, col).

Every case runs twice: as a .yaml file, and as the front matter of a .md
file, where every line moves down by one for the opening '---'.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kamgen.problems import Problem
from tests.conftest import MINIMAL, positions

CASES = {
    "unknown-field": (MINIMAL + "industy: Retail\n", [(4, 1, "K101")], "did you mean 'industry'?"),
    "unknown-nested-field": (
        MINIMAL + "stakeholders:\n  - id: a\n    name: A\n    influnce: high\n",
        [(7, 5, "K101")],
        "did you mean 'influence'?",
    ),
    "missing-field": (
        "name: Acme\nowner: li-wei\n",
        [(1, 1, "K102")],
        "missing required field 'tier'",
    ),
    "missing-nested": (MINIMAL + "stakeholders:\n  - id: a\n", [(5, 5, "K102")], "'name'"),
    "empty-value": ("name:\nowner: li-wei\ntier: key\n", [(1, 6, "K102")], "name is empty"),
    "wrong-type-list": (MINIMAL + "tags: retail\n", [(4, 7, "K103")], "expected a list"),
    "wrong-type-number": (
        MINIMAL + "qualification:\n  days_to_pay: '30'\n",
        [(5, 16, "K103")],
        "expected a whole number, found str '30'",
    ),
    "wrong-type-bool": (
        MINIMAL + "stakeholders:\n  - {id: a, name: A, known_in_person: 'yes'}\n",
        [(5, 39, "K103")],
        "expected true or false",
    ),
    "enum": (
        "name: Acme\nowner: li-wei\ntier: gold\n",
        [(3, 7, "K104")],
        "'strategic', 'key' or 'candidate'",
    ),
    "enum-nested": (
        MINIMAL + "stakeholders:\n  - {id: a, name: A, stance: friendly}\n",
        [(5, 30, "K104")],
        "'mentor', 'supporter', 'neutral', 'non-supporter' or 'enemy'",
    ),
    "invalid-date-unquoted": (
        MINIMAL + "stakeholders:\n  - {id: a, name: A, last_contact: 2026-02-30}\n",
        [(5, 36, "K105")],
        "'2026-02-30' is not a valid date",
    ),
    "invalid-date-text": (
        MINIMAL + "notes:\n  - {date: last tuesday, text: x}\n",
        [(5, 12, "K105")],
        "'last tuesday'",
    ),
    "id-not-slug": (
        MINIMAL + "goals:\n  - {id: Grow Fast, statement: x, horizon: now}\n",
        [(5, 10, "K106")],
        "not a valid id",
    ),
    "out-of-range": (
        MINIMAL + "stakeholders:\n  - {id: a, name: A, rating: 7}\n",
        [(5, 30, "K106")],
        "less than or equal to 5",
    ),
    "negative-amount": (
        MINIMAL + "qualification:\n  purchases:\n    - {period: 2025, amount: -5}\n",
        [(6, 30, "K106")],
        "greater than or equal to 0",
    ),
    "bad-period": (
        MINIMAL + "qualification:\n  purchases:\n    - {period: 2025-Q5, amount: 5}\n",
        [(6, 16, "K106")],
        "2025-Q5",
    ),
    "yaml11-boolean": (
        MINIMAL + "stakeholders:\n  - id: a\n    name: no\n",
        [(6, 11, "K006")],
        "'no' is read by YAML as a boolean, not text; quote it: 'no'",
    ),
    "yaml11-on": (MINIMAL + "industry: on\n", [(4, 11, "K006")], "'on'"),
    "yaml11-version-number": (
        MINIMAL + "tags: [1.10]\n",
        [(4, 8, "K006")],
        "'1.10' is read by YAML as a number",
    ),
    "yaml11-octal": (MINIMAL + "region: 012\n", [(4, 9, "K006")], "'012'"),
    "yaml11-date": (MINIMAL + "why_key: 2024-05-01\n", [(4, 10, "K006")], "as a date"),
    "yaml11-sexagesimal": (
        MINIMAL + "region: 12:30\n",
        [(4, 9, "K006")],
        "'12:30' is read by YAML as an integer",
    ),
    # PyYAML keeps 08 as text (it is no valid octal); where a number is meant, say so.
    "yaml11-leading-zero": (
        MINIMAL + "qualification:\n  days_to_pay: 08\n",
        [(5, 16, "K103")],
        "expected a whole number, found str '08'",
    ),
}


@pytest.mark.parametrize("suffix", [".yaml", ".md"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_schema_problem_position(case: str, suffix: str, check_account: Callable[..., list[Problem]]) -> None:
    text, expected, message = CASES[case]
    problems = check_account(text, suffix=suffix)
    shift = 1 if suffix == ".md" else 0
    assert positions(problems) == [(line + shift, col, code) for line, col, code in expected]
    assert message in problems[0].message
    assert problems[0].path == f"accounts/acme{suffix}"


def test_all_problems_are_collected_and_sorted(check_account: Callable[..., list[Problem]]) -> None:
    text = "name: no\nowner: li-wei\ntier: gold\nindusty: x\nstakeholders:\n  - {id: A, name: x}\n"
    assert positions(check_account(text)) == [
        (1, 7, "K006"),
        (3, 7, "K104"),
        (4, 1, "K101"),
        (6, 10, "K106"),
    ]


def test_valid_minimal_account(check_account: Callable[..., list[Problem]]) -> None:
    assert check_account(MINIMAL) == []


def test_leading_zero_text_is_kept_exactly(
    check_account: Callable[..., list[Problem]], project: object
) -> None:
    from kamgen.pipeline import load
    from kamgen.project import Project

    assert check_account(MINIMAL + "region: 08\n") == []
    assert isinstance(project, Project)
    portfolio = load(project).portfolio
    assert portfolio is not None and portfolio.accounts[0].data.region == "08"
