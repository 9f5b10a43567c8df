"""'Did you mean': the nearest allowed value to what was written.

One place for every suggestion kamgen makes (unknown fields, enum values,
references), so that they agree. difflib's similarity finds most typos
(``supportive`` → ``supporter``); for short words, where one wrong letter is
a large share of the word, an edit distance of one or two decides instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# difflib's default: a ratio of 0.6 rarely suggests something unrelated.
CUTOFF = 0.6


def nearest(value: str, choices: Iterable[str]) -> str | None:
    """The allowed value most like ``value``, or None when none is close."""
    options = list(dict.fromkeys(choices))
    close = difflib.get_close_matches(value, options, n=1, cutoff=CUTOFF)
    if close:
        return close[0]
    folded = value.casefold()
    scored = [(_distance(folded, option.casefold()), i) for i, option in enumerate(options)]
    near = [(d, i) for d, i in scored if d <= _allowed(options[i])]
    return options[min(near)[1]] if near else None


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the nearest choice, else nothing."""
    guess = nearest(value, choices)
    return f"; did you mean '{guess}'?" if guess is not None else ""


def _allowed(option: str) -> int:
    # Never so many edits that any word of that length would match: none for
    # one or two letters (a credit rating such as A), one up to four, else two.
    return 0 if len(option) <= 2 else 1 if len(option) <= 4 else 2


def _distance(a: str, b: str) -> int:
    """Edit distance (insert, delete, replace, swap two neighbours)."""
    if abs(len(a) - len(b)) > 2:
        return 3  # farther than any suggestion goes; skip the table
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, prev2[j - 2] + 1)
            row.append(cost)
        prev2, prev = prev, row
    return prev[-1]
