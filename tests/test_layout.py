"""The account pages as a reader holds them: a 1,280 px screen, a 390 px phone,
and the printed account plan, in a real headless Chromium over the sample site
that `kamgen build` (mkdocs build --strict) wrote.

Every sample account page is measured, the Chinese ones included. Screenshots
and PDFs go to test-output/browser/layout/ to be looked at.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pypdf
import pytest

from kamgen.project import Project
from tests.browser import OUTPUT_DIR, ROOT, assert_screenshot, is_local, serve
from tests.conftest import kamgen_build

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

ACCOUNTS = sorted(p.stem for p in (ROOT / "accounts").iterdir() if p.suffix in {".yaml", ".md"})
# The accounts whose people and goals are written in Chinese.
CHINESE = {"guangzhou-yaju-furniture", "taiwan-precision-electronics"}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MIN_TEXT_PX = 11.0


@pytest.fixture(scope="module")
def base_url(built_sample: Project) -> Iterator[str]:
    with serve(built_sample.root / "site") as url:
        yield url


@pytest.fixture(scope="module")
def output_dir() -> Path:
    folder = OUTPUT_DIR / "layout"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser: Browser, url: str, viewport: dict[str, int]) -> Page:
    context = browser.new_context(viewport=viewport, service_workers="block")  # type: ignore[arg-type]
    context.route(lambda u: not is_local(u), lambda route: route.abort())
    page = context.new_page()
    response = page.goto(url)
    assert response is not None and response.ok, f"GET {url}: {response and response.status}"
    page.wait_for_load_state("networkidle")
    return page


def test_every_sample_account_is_measured() -> None:
    assert len(ACCOUNTS) >= 4 and "guangzhou-yaju-furniture" in ACCOUNTS, ACCOUNTS


# --- 1,280 px: a wider column, and tables that fit it ------------------------------

# Each table of the page content with the box it must fit: Material wraps a
# table in a scrolling div; overflow there is the horizontal scroll a reader
# would have to use.
TABLES_JS = """
() => [...document.querySelectorAll("article.md-content__inner table")].map((t) => {
  const wrap = t.closest(".md-typeset__scrollwrap") || t.parentElement;
  return {
    head: [...t.querySelectorAll("th")].map((th) => th.textContent.trim()).join(" | "),
    table: t.getBoundingClientRect().width,
    overflow: Math.max(t.scrollWidth - t.clientWidth, wrap.scrollWidth - wrap.clientWidth),
    room: wrap.clientWidth,
  };
})
"""

# Cells holding Chinese words, with the longest run of Chinese characters
# (which only a squeezed column breaks) and how many characters fit a line.
CJK_CELLS_JS = """
() => [...document.querySelectorAll("article.md-content__inner td")].flatMap((td) => {
  const text = td.textContent.trim();
  const runs = text.match(/[\\u3400-\\u9fff]+/g) || [];
  const longest = Math.max(0, ...runs.map((r) => r.length));
  if (longest < 3) return [];
  const s = getComputedStyle(td);
  const inner = td.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  return [{ text: text.slice(0, 30), longest, perLine: inner / parseFloat(s.fontSize) }];
})
"""

GRID_JS = "() => getComputedStyle(document.querySelector('.md-main__inner')).maxWidth"


@pytest.fixture(scope="module")
def material_grid(browser: Browser, base_url: str) -> str:
    """The content grid's width on a page that is not an account page."""
    page = open_page(browser, base_url + "owners/", DESKTOP)
    try:
        return str(page.evaluate(GRID_JS))
    finally:
        page.context.close()


@pytest.mark.parametrize("account", ACCOUNTS)
def test_account_tables_fit_a_1280px_screen(
    browser: Browser, base_url: str, output_dir: Path, material_grid: str, account: str
) -> None:
    page = open_page(browser, f"{base_url}accounts/{account}/", DESKTOP)
    try:
        grid = str(page.evaluate(GRID_JS))
        tables: list[dict[str, Any]] = page.evaluate(TABLES_JS)
        cjk: list[dict[str, Any]] = page.evaluate(CJK_CELLS_JS)
        path = output_dir / f"{account}-1280.png"
        path.unlink(missing_ok=True)
        page.screenshot(path=path, full_page=True)
    finally:
        page.context.close()
    assert_screenshot(path, min_bytes=20_000, min_width=1280, min_height=801)
    assert float(grid.removesuffix("px")) > float(material_grid.removesuffix("px")), (
        f"the account page's grid is {grid}, no wider than other pages' {material_grid}"
    )
    assert len(tables) >= 8, f"only {len(tables)} tables on {account}: is it the account page?"
    wide = [t for t in tables if t["overflow"] > 0.5 or t["table"] > t["room"] + 0.5]
    assert not wide, f"tables wider than their column at 1,280 px on {account}:\n" + "\n".join(
        f"  {t['head']}: {t['table']:.0f} px in {t['room']:.0f} px (scrolls {t['overflow']:.0f} px)"
        for t in wide
    )
    # Chinese has no spaces to wrap at: a squeezed column breaks its words every
    # few characters. A run of up to six characters (a name, a title) stays whole.
    assert any(c["longest"] >= 3 for c in cjk) or account not in CHINESE, f"no Chinese cells on {account}"
    broken = [c for c in cjk if c["perLine"] < min(c["longest"], 6) - 0.1]
    assert not broken, f"Chinese words broken by a narrow column on {account}: " + ", ".join(
        f"{c['text']!r} ({c['perLine']:.1f} characters a line)" for c in broken
    )


# --- 390 px: drawings keep their text size and scroll inside their figure --------

# The size each text of the drawings is drawn at, in CSS pixels on the screen:
# its font size in the drawing's units times the drawing's scale on screen
# (whatever shrinks or zooms it: max-width, zoom, the viewBox).
DRAWING_TEXT_JS = """
(selector) => [...document.querySelectorAll(selector)].map((svg) => {
  const figure = svg.closest("figure");
  const texts = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim() && t.getBBox().height > 0);
  return {
    drawing: svg.getAttribute("class"),
    texts: texts.length,
    sizes: texts.map((t) => ({
      text: t.textContent.trim().slice(0, 20),
      px: parseFloat(getComputedStyle(t).fontSize) * t.getBoundingClientRect().height / t.getBBox().height,
    })),
    scrolls: figure ? figure.scrollWidth > figure.clientWidth : false,
  };
})
"""


@pytest.mark.parametrize("account", ACCOUNTS)
def test_drawings_keep_readable_text_on_a_390px_phone(
    browser: Browser, base_url: str, output_dir: Path, account: str
) -> None:
    page = open_page(browser, f"{base_url}accounts/{account}/", PHONE)
    try:
        drawings: list[dict[str, Any]] = page.evaluate(DRAWING_TEXT_JS, "svg.kg-map, svg.kg-timeline")
        page_width = page.evaluate("() => document.documentElement.scrollWidth")
        path = output_dir / f"{account}-390.png"
        path.unlink(missing_ok=True)
        page.screenshot(path=path, full_page=True)
    finally:
        page.context.close()
    assert_screenshot(path, min_bytes=20_000, min_width=390, min_height=845)
    assert {d["drawing"] for d in drawings} == {"kg-map", "kg-timeline"}, drawings
    for d in drawings:
        assert d["texts"] > 5, f"too few texts in {d['drawing']} on {account}"
        small = [s for s in d["sizes"] if s["px"] < MIN_TEXT_PX - 0.01]
        assert not small, f"{d['drawing']} text under {MIN_TEXT_PX} px on a phone ({account}): " + ", ".join(
            f"{s['text']!r} {s['px']:.1f} px" for s in small[:8]
        )
        assert d["scrolls"], f"{d['drawing']} fits a 390 px screen only by shrinking ({account})"
    # The drawings scroll inside their figure: the page itself does not.
    assert page_width <= PHONE["width"], f"{account} is {page_width} px wide on a {PHONE['width']} px phone"


# --- the printed account plan ------------------------------------------------------

# What the screen shows around the plan (header, navigation, table of contents,
# footer, search), less what the plan itself says too ("Stakeholders" is
# both a table-of-contents entry and a heading).
CHROME_TEXT_JS = """
() => {
  const article = document.querySelector("article.md-content__inner").innerText;
  const chrome = document.querySelectorAll(
    ".md-header, .md-sidebar, .md-footer, .md-search, .md-nav, .md-skip, .md-tabs"
  );
  const words = new Set();
  for (const el of chrome) {
    for (const a of el.querySelectorAll("a, label, .md-header__topic, .md-footer-meta, .md-nav__title")) {
      const text = a.textContent.replace(/\\s+/g, " ").trim();
      if (text.length >= 3 && !article.includes(text)) words.add(text);
    }
  }
  const edit = document.querySelector("article .kg-edit");
  const title = document.querySelector("article h1");
  return {
    chrome: [...words],
    edit: edit ? edit.textContent.trim() : null,
    title: title ? title.textContent.replace("¶", "").trim() : null,
  };
}
"""

# Texts of a drawing that the page says nowhere else (legend entries, badges):
# found in the PDF, they can only come from the drawing.
DRAWING_ONLY_JS = """
(selector) => {
  const svg = document.querySelector(selector);
  const article = document.querySelector("article.md-content__inner").cloneNode(true);
  article.querySelectorAll("figure, details").forEach((f) => f.remove());
  const rest = article.textContent;
  const texts = [...svg.querySelectorAll("text")].map((t) => t.textContent.trim());
  return [...new Set(texts)].filter((t) => t.length >= 4 && !t.endsWith("…") && !rest.includes(t));
}
"""

# In print layout: no figure, table or table wrapper scrolls (paper cannot), and
# no drawing reaches past its figure.
PRINT_FIT_JS = """
() => {
  const boxes = document.querySelectorAll(
    "article.md-content__inner figure, article.md-content__inner .md-typeset__scrollwrap, article.md-content__inner table"
  );
  const cut = [...boxes].filter((el) => el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.tagName}.${el.className}: ${el.scrollWidth} px in ${el.clientWidth} px`);
  for (const svg of document.querySelectorAll("article.md-content__inner figure > svg")) {
    const inner = svg.getBoundingClientRect(), outer = svg.parentElement.getBoundingClientRect();
    if (inner.right > outer.right + 1) cut.push(`svg.${svg.getAttribute("class")} ends ${inner.right - outer.right} px past its figure`);
  }
  return cut;
}
"""

# The width the paper leaves for the page, in CSS pixels (96 a inch), less
# kamgen.css's @page margins of 12 mm a side.
PRINT_WIDTH_PX = {"A4": round((210 - 24) / 25.4 * 96), "Letter": round((215.9 - 24) / 25.4 * 96)}


def plain(text: str) -> str:
    """Text as compared with the PDF's: ligatures undone, no white space."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize(
    ("account", "paper"), [("guangzhou-yaju-furniture", "A4"), ("taiwan-precision-electronics", "Letter")]
)
def test_account_page_prints_as_a_plan(
    browser: Browser, base_url: str, output_dir: Path, account: str, paper: str
) -> None:
    page = open_page(browser, f"{base_url}accounts/{account}/", DESKTOP)
    try:
        found: dict[str, Any] = page.evaluate(CHROME_TEXT_JS)
        drawing_only = {sel: page.evaluate(DRAWING_ONLY_JS, sel) for sel in ("svg.kg-map", "svg.kg-timeline")}
        page.emulate_media(media="print")
        page.set_viewport_size({"width": PRINT_WIDTH_PX[paper], "height": 1000})
        clipped = page.evaluate(PRINT_FIT_JS)
        pdf = page.pdf(format=paper)
    finally:
        page.context.close()
    (output_dir / f"{account}-{paper}.pdf").write_bytes(pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = plain("\n".join(p.extract_text() for p in reader.pages))
    (output_dir / f"{account}-{paper}.txt").write_text(text, encoding="utf-8")

    assert len(found["chrome"]) >= 5, f"too few navigation texts to look for: {found['chrome']}"
    printed = [w for w in found["chrome"] if plain(w) in text]
    assert not printed, f"navigation printed in the {account} plan: {printed}"
    assert found["edit"] and plain(found["edit"]) not in text, "the edit button is printed"
    assert "¶" not in text, "heading permalinks are printed"

    for selector, words in drawing_only.items():
        assert len(words) >= 3, f"too few texts only {selector} has: {words}"
        missing = [w for w in words if plain(w) not in text]
        assert not missing, f"{selector} is not on the printed {account} plan: {missing} missing"
    assert not clipped, f"cut off on paper ({account}, {paper}): {clipped}"
    assert found["title"] and plain(found["title"]) in text, "the account's name is not printed"


def test_a_restricted_plan_says_so_on_paper(browser: Browser, sample_project: Project) -> None:
    """Material leaves banners out of print; the restricted marking must stay on the plan."""
    result = kamgen_build(sample_project.root, "--visibility", "restricted")
    assert result.returncode == 0, result.stderr
    with serve(sample_project.root / "site") as url:
        page = open_page(browser, url + "accounts/megamart-retail/", DESKTOP)
        try:
            banner = page.locator(".kg-restricted").inner_text()
            pdf = page.pdf(format="A4")
        finally:
            page.context.close()
    first = plain(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert banner and plain(banner) in first, f"the restricted marking {banner!r} is not on the printed plan"
