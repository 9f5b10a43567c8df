"""Chinese names in search, in a real headless Chromium, on Chinese sites.

The sample portfolio is built as a Simplified Chinese site (the Guangzhou
account converted to Simplified characters, tests/fixtures/zh-Hans/) and as a
Traditional Chinese one. On both, Material's search finds a person by their
given name alone (志强 of 黄志强, 美玲 of 林美玲) and puts the person first for
their exact name (陈杰, which Material would otherwise cut to 陈 and rank
seventh); see kamgen.search. A screenshot of the zh-Hans account page is kept
for the eye.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kamgen import languages
from kamgen.search import given_name
from tests.browser import (
    OUTPUT_DIR,
    assert_screenshot,
    is_local,
    search_ready,
    search_results,
    serve,
)
from tests.conftest import ROOT, copy_sample, kamgen_build

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

GUANGZHOU = "/accounts/guangzhou-yaju-furniture/"
TAIWAN = "/accounts/taiwan-precision-electronics/"
# (query, the page whose people table must be among the results, must it be first)
QUERIES = {
    "zh-Hans": [
        ("志强", GUANGZHOU, True),
        ("黄志强", GUANGZHOU, True),
        ("陈杰", GUANGZHOU, True),
        ("美玲", TAIWAN, True),
    ],
    "zh-Hant": [
        ("志強", GUANGZHOU, True),
        ("陳杰", GUANGZHOU, True),
        ("美玲", TAIWAN, True),
        ("林美玲", TAIWAN, False),
    ],
}


def test_given_names() -> None:
    assert [
        given_name(n)
        for n in ("黄志强", "林美玲", "陈杰", "欧阳娜娜", "諸葛明", "Zhou Min", "周 敏", "太长的名字呀")
    ] == [
        "志强",
        "美玲",
        "",  # one character: as a word of the index it would cut other queries short
        "娜娜",
        "",
        "",
        "",
        "",
    ]


@pytest.fixture(scope="module", params=["zh-Hans", "zh-Hant"])
def chinese_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    language: str = request.param
    project = copy_sample(tmp_path_factory.mktemp(f"site-{language}") / "project")
    settings = project.settings_file.read_text(encoding="utf-8")
    project.settings_file.write_text(
        settings.replace("language: en\n", f"language: {language}\n"), encoding="utf-8"
    )
    if language == "zh-Hans":
        shutil.copy(ROOT / "tests/fixtures/zh-Hans/guangzhou-yaju-furniture.yaml", project.accounts_dir)
    result = kamgen_build(project.root)
    assert result.returncode == 0, result.stdout + result.stderr
    return language, project.root / "site"


@pytest.fixture(scope="module")
def search_page(browser: Browser, chinese_site: tuple[str, Path]) -> Iterator[tuple[str, Page, str, str]]:
    language, site = chinese_site
    html = (site / "index.html").read_text(encoding="utf-8")
    match = re.search(r'class="md-search-result__meta">\s*([^<]*?)\s*<', html)
    assert match, "no search result meta text in the built index.html"
    with serve(site) as url:
        context = browser.new_context(
            base_url=url, viewport={"width": 1280, "height": 800}, service_workers="block"
        )
        context.route(lambda u: not is_local(u), lambda route: route.abort())
        page = context.new_page()
        page.goto(url)
        ready = search_ready(page, match.group(1))
        yield language, page, ready, url
        context.close()


@pytest.mark.browser
@pytest.mark.site
def test_search_finds_chinese_names(search_page: tuple[str, Page, str, str]) -> None:
    language, page, ready, _ = search_page
    # The people table's heading, as a Unicode anchor (`利益相关者`).
    people = f"#{languages.text(language, 'label', 'stakeholders')}"
    for query, account, first in QUERIES[language]:
        found = search_results(page, query, ready)
        assert account + people in found, f"{language}: {query!r} did not find {account + people}: {found}"
        if first:
            # The page's own entry, then its people table: nothing else first.
            assert found[:2] == [account, account + people], f"{language}: {query!r} ranked {found}"


@pytest.mark.browser
@pytest.mark.site
@pytest.mark.parametrize("chinese_site", ["zh-Hans"], indirect=True)
def test_the_simplified_chinese_account_page(
    chinese_site: tuple[str, Path], search_page: tuple[str, Page, str, str]
) -> None:
    _, site = chinese_site
    html = (site / GUANGZHOU.strip("/") / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in html
    for words in (
        "关系图",
        "谁必须认同",
        "利益相关者",
        "我们不认识经济决策者 黄志强 本人",  # H118: the economic buyer never met
        "这是重点客户吗？",
    ):
        assert words in html, words
    for traditional in ("關係圖", "誰必須認同", "這是重點客戶嗎"):
        assert traditional not in html
    assert (site / "zh-Hans/method/index.html").is_file() and not (site / "zh-Hant").exists()
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert not any(doc["location"].startswith("method/") for doc in index["docs"])

    page = search_page[1].context.new_page()
    page.goto(search_page[3] + GUANGZHOU.lstrip("/"))
    page.wait_for_load_state("networkidle")
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUTPUT_DIR / "account-zh-Hans.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=True)
    assert_screenshot(path, min_bytes=20_000, min_width=1280, min_height=801)
    page.close()
