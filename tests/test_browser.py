"""The built site in a real headless Chromium, served from 127.0.0.1.

The sample portfolio built once per session (conftest's ``built_sample``) is
served over HTTP; every test opens its own browser context in the run's one
Chromium (conftest's ``browser``). Without Chromium the tests are skipped, except in
CI (CI=true), where they fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin, urlsplit

import pytest

from kamgen.project import Project
from tests.browser import (
    OUTPUT_DIR,
    ROOT,
    TEXT_COLOURS_JS,
    Recorder,
    assert_screenshot,
    contrast,
    is_local,
    luminance,
    parse_rgb,
    same_colour,
    serve,
    visible_stakeholders,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

try:
    from playwright.sync_api import expect
except ImportError:  # reported by the `browser` fixture, under the CI policy
    expect = None  # type: ignore[assignment]

pytestmark = pytest.mark.browser

ACCOUNT_ID = "guangzhou-yaju-furniture"
ACCOUNT_PATH = f"accounts/{ACCOUNT_ID}/"
ACCOUNT_FILE = ROOT / "accounts" / f"{ACCOUNT_ID}.yaml"
TIMEOUT_MS = 15_000
Scheme = Literal["light", "dark"]


# --- fixtures ------------------------------------------------------------------


@pytest.fixture(scope="session")
def site_dir(built_sample: Project) -> Path:
    return built_sample.root / "site"


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


class Opener:
    """Opens pages of the site, each in a fresh browser context."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.contexts: list[BrowserContext] = []

    def __call__(self, path: str = "", *, color_scheme: Scheme = "light") -> tuple[Page, Recorder]:
        context = self.browser.new_context(
            base_url=self.base_url,
            color_scheme=color_scheme,
            viewport={"width": 1280, "height": 800},
            service_workers="block",
        )
        self.contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        # Requests to other hosts are recorded (by the page) and then refused, so
        # a stray font or script fails fast instead of waiting on the network.
        context.route(lambda url: not is_local(url), lambda route: route.abort())
        page = context.new_page()
        recorder = Recorder()
        recorder.attach(page)
        response = page.goto(urljoin(self.base_url, path))
        assert response is not None and response.ok, f"GET /{path}: {response and response.status}"
        return page, recorder

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def open_page(browser: Browser, base_url: str) -> Iterator[Callable[..., tuple[Page, Recorder]]]:
    """Open ``path`` of the site in a fresh context; returns the page and its recorder.

    For tests that act on the page (click, type); tests that only look use ``view``.
    """
    opener = Opener(browser, base_url)
    yield opener
    opener.close()


@pytest.fixture(scope="module")
def view(browser: Browser, base_url: str) -> Iterator[Callable[..., tuple[Page, Recorder]]]:
    """Like ``open_page``, but each (path, colour scheme) is loaded once, until the
    network is idle, and the same page goes to every test that only looks at it
    (reads, measures, screenshots): a page load costs Chromium about a second."""
    opener = Opener(browser, base_url)
    loaded: dict[tuple[str, Scheme], tuple[Page, Recorder]] = {}

    def view_(path: str = "", *, color_scheme: Scheme = "light") -> tuple[Page, Recorder]:
        if (path, color_scheme) not in loaded:
            page, recorder = opener(path, color_scheme=color_scheme)
            page.wait_for_load_state("networkidle")
            loaded[path, color_scheme] = (page, recorder)
        return loaded[path, color_scheme]

    yield view_
    opener.close()


@pytest.fixture(scope="session")
def search_initializing_text(site_dir: Path) -> str:
    """What the built home page shows in the search results before Material is ready."""
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    match = re.search(r'class="md-search-result__meta">\s*([^<]*?)\s*<', html)
    assert match and match.group(1), "no search result meta text in the built index.html"
    return match.group(1)


@pytest.fixture(scope="session")
def expected_people() -> dict[str, str]:
    """Id -> name of the sample account's stakeholders visible at the default level."""
    people = visible_stakeholders(ACCOUNT_FILE, "internal")
    assert people, f"{ACCOUNT_FILE} has no stakeholders visible at 'internal'"
    return people


def require(page: Page, selector: str, what: str) -> Locator:
    """The element(s) matching ``selector``, or fail at once if the built page has none.

    The drawings are inline SVG written at build time, so once the page has
    loaded there is nothing to wait for.
    """
    found = page.locator(selector)
    if found.count() == 0:
        pytest.fail(f"not rendered: {what} (no {selector} on {page.url})", pytrace=False)
    return found


def map_node_targets(page: Page) -> list[str]:
    """The fragment each map node links to, in document order."""
    hrefs: list[str] = page.locator("svg.kg-map a.kg-node").evaluate_all(
        "nodes => nodes.map(a => a.getAttribute('href') ?? a.getAttribute('xlink:href') ?? '')"
    )
    return [urlsplit(href).fragment for href in hrefs]


# --- a clean page: no foreign requests, no errors -------------------------------


PAGES = ["", ACCOUNT_PATH, "ranking/", "health/", "time/", "accounts/"]
PAGE_IDS = ["home", "account", "ranking", "health", "time", "accounts"]


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_page_requests_only_localhost(view: Callable[..., tuple[Page, Recorder]], path: str) -> None:
    page, recorder = view(path)
    page.wait_for_load_state("networkidle")
    recorder.assert_only_local_requests()


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_page_has_no_console_or_page_errors(view: Callable[..., tuple[Page, Recorder]], path: str) -> None:
    page, recorder = view(path)
    expect(page.locator("article h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    recorder.assert_no_errors()


# --- the account page's drawings ------------------------------------------------


def test_relationship_map_has_one_node_per_visible_stakeholder(
    view: Callable[..., tuple[Page, Recorder]], expected_people: dict[str, str]
) -> None:
    page, recorder = view(ACCOUNT_PATH)
    graph = require(page, "svg.kg-map", "relationship map")
    expect(graph).to_have_count(1)
    expect(graph).to_be_visible()
    expect(graph.locator("a.kg-node")).to_have_count(len(expected_people))
    targets = map_node_targets(page)
    assert sorted(targets) == sorted(f"person-{p}" for p in expected_people), (
        f"map nodes link to {targets}; expected one #person-<id> per visible stakeholder {list(expected_people)}"
    )
    recorder.assert_no_errors()


def test_goal_timeline_is_visible(view: Callable[..., tuple[Page, Recorder]]) -> None:
    page, recorder = view(ACCOUNT_PATH)
    timeline = require(page, "svg.kg-timeline", "goal timeline")
    expect(timeline).to_have_count(1)
    expect(timeline).to_be_visible()
    box = timeline.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 20, f"timeline box {box}"
    recorder.assert_no_errors()


def test_time_page_shows_the_owner_chart(view: Callable[..., tuple[Page, Recorder]]) -> None:
    page, recorder = view("time/")
    chart = require(page, "svg.kg-chart-owners", "time-allocation chart")
    expect(chart).to_be_visible()
    # One dashed capacity outline per team member in kamgen.yml.
    expect(chart.locator("rect.kg-capacity")).to_have_count(4)
    recorder.assert_no_errors()


def test_clicking_a_map_node_jumps_to_the_person(
    open_page: Callable[..., tuple[Page, Recorder]], expected_people: dict[str, str]
) -> None:
    page, recorder = open_page(ACCOUNT_PATH)
    nodes = require(page, "svg.kg-map a.kg-node", "relationship map's person nodes")
    expect(nodes.first).to_be_visible()
    # Prefer the champion of the sample; any visible node will do otherwise.
    target = "person-zhou-min" if "zhou-min" in expected_people else f"person-{next(iter(expected_people))}"
    targets = map_node_targets(page)
    node = nodes.nth(targets.index(target)) if target in targets else nodes.first
    target = target if target in targets else targets[0]
    assert target.startswith("person-"), f"map node links to #{target}, not #person-<id>"

    node.click()
    page.wait_for_url(lambda url: urlsplit(url).fragment == target)
    assert urlsplit(page.url).path == f"/{ACCOUNT_PATH}", f"the click left the page: {page.url}"
    anchor = page.locator(f"[id='{target}']")
    expect(anchor).to_have_count(1)
    recorder.assert_no_errors()


# --- search ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def search_page(
    browser: Browser, base_url: str, search_initializing_text: str
) -> Iterator[tuple[Page, Recorder, str]]:
    """The home page with Material's search ready, shared by the search tests (each
    empties the box first), and the text the results show while the box is empty."""
    opener = Opener(browser, base_url)
    page, recorder = opener("")
    meta = page.locator(".md-search-result__meta")
    # The built page says "Initializing search" until the index is loaded; a query
    # sent before then is dropped, so wait for Material to be ready.
    expect(meta).not_to_have_text(search_initializing_text, timeout=TIMEOUT_MS)
    yield page, recorder, (meta.text_content() or "").strip()
    opener.close()


@pytest.mark.parametrize(
    ("query", "account"),
    [
        ("Zhou Min", ACCOUNT_ID),  # the Latin alias of 周敏
        ("Chen Jie", ACCOUNT_ID),  # the Latin alias of 陳杰, written nowhere else
        ("周敏", ACCOUNT_ID),
        ("陳杰", ACCOUNT_ID),
        ("Graham Pike", "megamart-retail"),  # a Latin name in another account
    ],
)
def test_search_finds_stakeholder(search_page: tuple[Page, Recorder, str], query: str, account: str) -> None:
    page, recorder, ready = search_page
    meta = page.locator(".md-search-result__meta")
    search = page.locator("input.md-search__input")
    search.click()
    expect(search).to_be_focused()
    # Empty the box (the previous test's query) and wait for the results to clear.
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Backspace")
    expect(search).to_have_value("")
    expect(meta).to_have_text(ready)
    page.keyboard.type(query)
    # Material searches on keyup. CJK text arrives without key events (as from an
    # IME), so finish with a key that moves the caret, as committing an IME does.
    page.keyboard.press("End")
    expect(meta).not_to_have_text(ready, timeout=TIMEOUT_MS)  # results (or none) are in

    hits = page.locator(f".md-search-result__link[href*='/accounts/{account}/']").filter(has_text=query)
    try:
        expect(hits.first).to_be_attached(timeout=3_000)
        missing = False
    except AssertionError:
        missing = True
    if missing:
        found: list[str] = page.locator(".md-search-result__link").evaluate_all(
            "links => links.map(a => a.href + '  ' + a.textContent.trim().slice(0, 60))"
        )
        pytest.fail(
            f"searching {query!r} found no result on /accounts/{account}/ that mentions it "
            f"({meta.text_content()!r}); results:\n" + "\n".join(f"  {f}" for f in found),
            pytrace=False,
        )
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    href = hits.first.evaluate("a => a.href")
    assert urlsplit(href).path == f"/accounts/{account}/", href
    recorder.assert_only_local_requests()
    recorder.assert_no_errors()


# --- screenshots and dark mode -----------------------------------------------------


def test_account_screenshot_light(view: Callable[..., tuple[Page, Recorder]], output_dir: Path) -> None:
    page, _ = view(ACCOUNT_PATH)
    expect(page.locator("article h1").first).to_be_visible()
    path = output_dir / "account-light.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=True)
    assert_screenshot(path, min_bytes=20_000, min_width=1280, min_height=801)


def test_account_map_screenshot(view: Callable[..., tuple[Page, Recorder]], output_dir: Path) -> None:
    page, _ = view(ACCOUNT_PATH)
    graph = require(page, "svg.kg-map", "relationship map")
    expect(graph).to_be_visible()
    path = output_dir / "account-map.png"
    path.unlink(missing_ok=True)
    graph.screenshot(path=path)
    assert_screenshot(path, min_bytes=2_000, min_width=150, min_height=100)


def test_account_screenshot_dark(view: Callable[..., tuple[Page, Recorder]], output_dir: Path) -> None:
    page, recorder = view(ACCOUNT_PATH, color_scheme="dark")
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    background = parse_rgb(page.evaluate("() => getComputedStyle(document.body).backgroundColor"))
    assert luminance(background) < 0.2, f"dark mode, yet the page background is {background}"
    path = output_dir / "account-dark.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=True)
    assert_screenshot(path, min_bytes=20_000, min_width=1280, min_height=801)
    light = output_dir / "account-light.png"
    if light.is_file():
        assert light.read_bytes() != path.read_bytes(), "the dark screenshot is identical to the light one"
    recorder.assert_no_errors()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_map_names_are_readable(
    view: Callable[..., tuple[Page, Recorder]], expected_people: dict[str, str], scheme: Scheme
) -> None:
    page, _ = view(ACCOUNT_PATH, color_scheme=scheme)
    texts = require(page, ".kg-map text", "relationship map's names")
    # The first text that is a person's name; the first text of any kind otherwise.
    contents = [t.strip() for t in texts.all_text_contents()]
    names = set(expected_people.values())
    index = next((i for i, t in enumerate(contents) if t in names), 0)
    text = texts.nth(index)
    expect(text).to_be_visible()
    text.scroll_into_view_if_needed()
    c: dict[str, Any] = text.evaluate(TEXT_COLOURS_JS)
    detail = (
        f"{scheme} mode, first map text {c['text']!r}: fill {c['fillCss']} -> {c['fill']}, "
        f"backdrop {c['backdrop']}, page background {c['pageBackground']}"
    )
    assert c["fill"] is not None and c["fill"][3] > 0, f"the text has no visible fill ({detail})"
    assert not same_colour(c["effective"], c["pageBackground"]), f"text colour = page background ({detail})"
    ratio = contrast(c["effective"], c["backdrop"])
    # 3:1 is WCAG's floor for large text and graphics; names on a map must clear it.
    assert ratio >= 3.0, f"contrast {ratio:.2f}:1 is too low ({detail})"
    if scheme == "dark":
        assert luminance(c["pageBackground"]) < 0.2, f"the dark page background is not dark ({detail})"
