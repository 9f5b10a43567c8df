"""Command-line problems in the site language (KAMGEN_LANG, else the settings).

The problems come from real files through the real pipeline and CLI; only
their messages change, message by message, and only where the language has
words for them: the place, level and code, the JSON format and the GitLab
report stay English and stable.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kamgen import languages
from kamgen.messages import localize
from kamgen.problems import Level, Problem
from kamgen.project import Project
from tests.cli_helpers import kamgen_here
from tests.conftest import TODAY

SETTINGS = """\
language: {language}
currency: USD
team:
  - {{id: li-wei, name: Li Wei, hours_per_month: 60}}
"""
# One file that makes most kinds of problem at once.
BROKEN = """\
name: Acme
owner: li-wie
tier: key
colour: red
qualification: {currency: EUR}
stakeholders:
  - {id: a, name: 黄志强, stance: supportive, reports_to: [b], last_contact: 2026-13-01, influence: [high]}
  - {id: b, name: B, reports_to: [a]}
  - {id: b, name: C, reports_to: [c], notes: yes}
  - {id: d}
  - {id: e, name: E, colour: red}
interests:
  - {id: gain, holder: a, interest: x, threat: y, tactic: whisper}
checklists:
  qualificaton: {}
"""
PLACE = re.compile(r"^(\S+:\d+:\d+: \w+ [KH]\d{3}) (.*)$")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def broken(tmp_path: Path) -> Project:
    (tmp_path / "accounts").mkdir()
    (tmp_path / "kamgen.yml").write_text(SETTINGS.format(language="zh-Hans"), encoding="utf-8")
    (tmp_path / "accounts" / "acme.yaml").write_text(BROKEN, encoding="utf-8")
    return Project(tmp_path)


def lines(text: str) -> list[tuple[str, str]]:
    found = [PLACE.match(line) for line in text.splitlines()]
    return [(m.group(1), m.group(2)) for m in found if m]


def validate(project: Project, monkeypatch: pytest.MonkeyPatch, lang: str | None, *args: str) -> str:
    if lang is None:
        monkeypatch.delenv("KAMGEN_LANG", raising=False)
    else:
        monkeypatch.setenv("KAMGEN_LANG", lang)
    return kamgen_here("-C", str(project.root), "validate", "--today", TODAY, "--no-cache", *args).stdout


def test_problems_follow_the_site_language(broken: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    english = lines(validate(broken, monkeypatch, "en"))
    chinese = lines(validate(broken, monkeypatch, None))  # kamgen.yml says zh-Hans
    assert len(english) >= 12
    # The same problems at the same places, with the same codes; only the words differ.
    assert [place for place, _ in chinese] == [place for place, _ in english]
    untranslated = [
        (place, text) for (place, text), (_, en) in zip(chinese, english, strict=True) if text == en
    ]
    assert not untranslated, untranslated
    assert all(HAN.search(text) for _, text in chinese)
    texts = [text for _, text in chinese]
    for expected in (
        "未知的团队成员“li-wie”；你是不是想写 'li-wei'？",
        "未知的利益相关者“c”",
        "未知字段“colour”",
        "E (e) 中有未知字段“colour”",
        "没有 EUR 的汇率；请添加到 kamgen.yml 的 exchange_rates",
        "黄志强 (a): last_contact：'2026-13-01' 不是有效日期（YYYY-MM-DD）",
        "C (b): notes：YAML 把 'yes' 读作 布尔值，而不是文本；请加引号：'yes'",
        "d 缺少必填字段“name”",
        "未知的检查清单“qualificaton”；已有的清单：buy-in, prioritisation, qualification, vested-interests",
    ):
        assert expected in texts, texts


def test_health_findings_in_the_site_language(broken: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    (broken.accounts_dir / "acme.yaml").write_text(
        "name: Ok\nowner: li-wei\ntier: key\nstakeholders:\n  - {id: a, name: 周敏, last_contact: 2026-01-05}\n",
        encoding="utf-8",
    )
    texts = [text for _, text in lines(validate(broken, monkeypatch, None))]
    assert "没有长期目标；下一步：询问客户两三年后想达到什么位置" in texts
    # 周敏 was never met (known_in_person defaults to false): meet them, not "get back in touch".
    assert "周敏：最近联系325 天前；下一步：与本人见面：找一位能为我们引荐的盟友" in texts


def test_kamgen_lang_overrides_the_settings(broken: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    traditional = dict(lines(validate(broken, monkeypatch, "zh-Hant")))
    assert any("未知的團隊成員「li-wie」" in text for text in traditional.values())
    # English for a language kamgen does not know, rather than failing.
    assert "unknown team member 'li-wie'" in validate(broken, monkeypatch, "xx")


def test_machine_formats_stay_english(broken: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    problems = json.loads(validate(broken, monkeypatch, None, "--format", "json"))
    assert problems and not any(HAN.search(p["message"]) and "黄志强" not in p["message"] for p in problems)
    gitlab = validate(broken, monkeypatch, None, "--format", "gitlab")
    assert "unknown team member" in gitlab and "未知" not in gitlab
    github = validate(broken, monkeypatch, None, "--format", "github")
    assert "未知的团队成员" in github  # read by people, on the diff


def test_a_message_without_words_stays_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Per message: the fake language words one pattern; everything else is English.
    (tmp_path / "xx.yml").write_text("problem:\n  empty: '{name} ist leer'\n", encoding="utf-8")
    monkeypatch.setenv(languages.ENV, str(tmp_path))
    languages.files.cache_clear()
    languages.catalogue.cache_clear()
    try:
        problems = [
            Problem("a.yaml", 3, 5, Level.ERROR, "K102", "Acme: notes is empty"),
            Problem("a.yaml", 4, 5, Level.ERROR, "K201", "unknown goal 'x'"),
            Problem("a.yaml", 5, 5, Level.ERROR, "K999", "something kamgen has no pattern for"),
        ]
        worded = localize(problems, "xx")
        assert [p.message for p in worded] == [
            "Acme: notes ist leer",
            "unknown goal 'x'",
            problems[2].message,
        ]
        assert [(p.path, p.line, p.col, p.level, p.code) for p in worded] == [
            (p.path, p.line, p.col, p.level, p.code) for p in problems
        ]
    finally:
        monkeypatch.delenv(languages.ENV)
        languages.files.cache_clear()
        languages.catalogue.cache_clear()


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("B: last contact never; next step: Get back in touch", "B：最近联系从未；下一步：重新联系"),
        ("B: last contact 148 days ago; next step: Call her", "B：最近联系148 天前；下一步：Call her"),
        (
            "B (economic buyer) is in 'Overconfident' mode; next step: x",
            "B（经济决策者）处于过度自信心态；下一步：x",
        ),
    ],
)
def test_findings_are_worded_from_their_templates(message: str, expected: str) -> None:
    code = {"last contact": "H111", "mode": "H115"}["mode" if "mode" in message else "last contact"]
    [worded] = localize([Problem("a.yaml", 1, 1, Level.WARNING, code, message)], "zh-Hans")
    assert worded.message == expected


def test_a_step_that_names_an_ally_in_the_site_language(
    broken: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    (broken.accounts_dir / "acme.yaml").write_text(
        "name: Ok\nowner: li-wei\ntier: key\nstakeholders:\n"
        "  - {id: a, name: 周敏, role: economic-buyer, last_contact: 2026-11-05}\n"
        "  - {id: b, name: 陈杰, stance: supporter, known_in_person: true, last_contact: 2026-11-05}\n"
        "relationships:\n  - {kind: influences, from: b, to: a}\n",
        encoding="utf-8",
    )
    texts = [text for _, text in lines(validate(broken, monkeypatch, None))]
    assert "我们不认识经济决策者 周敏 本人；下一步：通过盟友见面：请 陈杰 引荐我们与本人见面" in texts
