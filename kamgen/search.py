"""Chinese names in the site's search: whole, and by given name alone.

Material's search splits Chinese text into words with jieba while it builds
the index, and splits a query in the browser by the words it finds in the
index: a query is cut at the longest index word it starts with, so 陈杰
becomes 陈 (and finds every 陈) as soon as 陈 alone is a word anywhere. Hence:

- every Chinese name of an account, a person or a team member goes into
  jieba's user dictionary (``terms``), so the index holds 黄志强 and 陈家欣
  whole and never the surname 黄 or 陈 alone (which would cut a query short);
- a person's given name (the name without its surname, 志强 of 黄志强) is
  written once more beside the name, hidden, so that it is a word of the
  index of its own and a search for 志强 alone finds the person. A given name
  of one character is left out: as a word of the index it would cut every
  query that starts with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kamgen.model import Portfolio

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
# Two-character surnames, in both scripts; every other surname is one character.
_COMPOUND = frozenset(
    [
        "欧阳",
        "歐陽",
        "司马",
        "司馬",
        "诸葛",
        "諸葛",
        "上官",
        "东方",
        "東方",
        "皇甫",
        "尉迟",
        "尉遲",
        "公孙",
        "公孫",
        "慕容",
        "令狐",
        "长孙",
        "長孫",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "軒轅",
        "端木",
        "独孤",
        "獨孤",
        "南宫",
        "南宮",
        "西门",
        "西門",
        "澹台",
        "澹臺",
        "申屠",
        "呼延",
        "闻人",
        "聞人",
        "万俟",
        "萬俟",
        "钟离",
        "鍾離",
    ]
)
# jieba's frequency of a word: a whole name wins over any split of it; a given
# name only needs to stay one word when it stands alone, and must not draw
# the characters of ordinary text together (意志强大 stays 意志 + 强大).
NAME_FREQUENCY = 100_000
GIVEN_NAME_FREQUENCY = 1_000


def given_name(name: str) -> str:
    """The given name of a Chinese personal name (2 to 4 characters, nothing
    else), when it has two characters or more: 志强 of 黄志强, 美玲 of 林美玲,
    明 of 诸葛明 is too short, so is 杰 of 陈杰; otherwise empty."""
    name = name.strip()
    if not 3 <= len(name) <= 4 or _HAN.fullmatch(name) is None:
        return ""
    surname = 2 if name[:2] in _COMPOUND else 1
    given = name[surname:]
    return given if len(given) >= 2 else ""


def _names(texts: Iterable[str]) -> set[str]:
    """The runs of Chinese characters in each text (陈家欣 of '陈家欣 (Chan Ka-yan)')."""
    return {run for text in texts for run in _HAN.findall(text) if len(run) >= 2}


def terms(portfolio: Portfolio) -> dict[str, int]:
    """Words for jieba's user dictionary, with their frequencies: the
    Chinese names in the portfolio and the people's given names."""
    people = _names(member.name for member in portfolio.settings.team)
    others: set[str] = set()
    for rec in portfolio.accounts:
        others |= _names([rec.data.name, *rec.data.aliases])
        for s in rec.data.stakeholders:
            people |= _names([s.name, *s.aliases])
    words = {given_name(name): GIVEN_NAME_FREQUENCY for name in people} | dict.fromkeys(
        people | others, NAME_FREQUENCY
    )
    words.pop("", None)
    return dict(sorted(words.items()))
