"""External judges over the built sample site: axe-core in Chromium (WCAG 2.2
AA) on every page type in light and dark mode, and the W3C Nu HTML checker
over every page.

kamgen's own markup (the page content) must have no critical or serious axe
violation and no Nu error at all; Material's chrome may only have the ones its
allowlist names, with a reason. The judges are installed by ``make judges``;
without them these tests fail, saying how to install them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kamgen.project import Project
from tests import judges
from tests.browser import TEXT_COLOURS_JS, contrast, is_local, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# One page of every type the site has: generated pages, a YAML and a Markdown
# account (narrative), hand-written method pages, and the 404 page.
PAGE_TYPES = {
    "home": "",
    "accounts": "accounts/",
    "account": "accounts/guangzhou-yaju-furniture/",
    "account-md": "accounts/nordwerk-maschinenbau/",
    "owners": "owners/",
    "owner": "owners/li-wei/",
    "tags": "tags/",
    "tag": "tags/furniture/",
    "ranking": "ranking/",
    "health": "health/",
    "health-status": "health/red/",
    "health-code": "health/h111/",
    "ranking-list": "ranking/all/",
    "tier": "tiers/key/",
    "region": "regions/",
    "time": "time/",
    "time-list": "time/visits/",
    "codes": "codes/",
    "method": "method/",
    "method-page": "method/mapping-people/",
    "method-verdicts": "method/choosing-key-accounts/",
    "404": "404.html",
}

# Which Material chrome entries were needed, across the whole run.
_AXE_USED: set[judges.Allowed] = set()
_AXE_RUNS: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def base_url(built_sample: Project) -> Iterator[str]:
    with serve(built_sample.root / "site") as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_axe_finds_no_serious_violation(browser: Browser, base_url: str, page_type: str, scheme: str) -> None:
    judges.require(judges.AXE_JS, "axe-core")
    context = browser.new_context(
        base_url=base_url,
        color_scheme=scheme,
        viewport={"width": 1280, "height": 800},
        service_workers="block",
    )
    try:
        context.route(lambda url: not is_local(url), lambda route: route.abort())
        page = context.new_page()
        response = page.goto(base_url + PAGE_TYPES[page_type])
        assert response is not None and (response.ok or page_type == "404")
        page.wait_for_load_state("networkidle")
        nodes = judges.run_axe(page)
    finally:
        context.close()
    entries = judges.allowlist("axe-allowlist.yml")
    _AXE_USED.update(e for n in nodes for e in entries if judges.axe_allowed(n, [e]))
    _AXE_RUNS.add((page_type, scheme))
    blocking = [n for n in nodes if n.impact in judges.BLOCKING and not judges.axe_allowed(n, entries)]
    assert not blocking, f"{len(blocking)} critical/serious axe violation(s) on {page_type} ({scheme}):\n" + (
        "\n".join(f"  {n.owner}: {n}" for n in blocking)
    )
    ours = [n for n in nodes if n.owner == "kamgen"]
    assert not ours, f"{len(ours)} axe violation(s) in kamgen's markup on {page_type} ({scheme}):\n" + (
        "\n".join(f"  {n}" for n in ours)
    )


@pytest.mark.browser
def test_axe_allowlist_has_no_stale_entry() -> None:
    """Runs after the axe tests (file order): an entry nothing needed any more goes."""
    if len(_AXE_RUNS) < 2 * len(PAGE_TYPES):
        pytest.skip("only meaningful after every axe test ran in this session")
    stale = [e for e in judges.allowlist("axe-allowlist.yml") if e not in _AXE_USED]
    assert not stale, "axe-allowlist.yml entries that match nothing: " + ", ".join(e.match for e in stale)


@pytest.fixture(scope="module")
def vnu_errors(built_sample: Project) -> list[judges.VnuError]:
    return judges.run_vnu(built_sample.root / "site")


def test_vnu_finds_no_error_in_kamgen_markup(vnu_errors: list[judges.VnuError]) -> None:
    ours = [e for e in vnu_errors if e.owner == "kamgen"]
    assert not ours, f"{len(ours)} Nu checker error(s) in kamgen's markup:\n" + "\n".join(
        f"  {e}" for e in ours
    )


def test_vnu_material_errors_are_allowlisted(vnu_errors: list[judges.VnuError]) -> None:
    entries = judges.allowlist("vnu-allowlist.yml")
    theirs = [e for e in vnu_errors if e.owner == "material"]
    unlisted = [e for e in theirs if not judges.vnu_allowed(e, entries)]
    assert not unlisted, f"{len(unlisted)} Nu error(s) in Material's chrome not in vnu-allowlist.yml:\n" + (
        "\n".join(f"  {e}" for e in unlisted[:20])
    )
    stale = [e for e in entries if not any(judges.vnu_allowed(x, [e]) for x in theirs)]
    assert not stale, "vnu-allowlist.yml entries that match nothing: " + ", ".join(e.match for e in stale)


def test_vnu_sees_every_page(vnu_errors: list[judges.VnuError], built_sample: Project) -> None:
    """The checker really ran: Material's known errors are reported on every page."""
    pages = {
        p.relative_to(built_sample.root / "site").as_posix()
        for p in (built_sample.root / "site").rglob("*.html")
    }
    seen = Counter(e.file for e in vnu_errors)
    assert pages <= set(seen), f"no Nu report for {sorted(pages - set(seen))[:5]}"


def test_judges_fail_when_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(judges, "VNU_JAR", tmp_path / "vnu.jar")
    with pytest.raises(pytest.fail.Exception, match="make judges"):
        judges.run_vnu(tmp_path)


# --- contrast inside the drawings (axe does not judge SVG text) -------------------

DRAWINGS = {
    "account": ("accounts/guangzhou-yaju-furniture/", "svg.kg-map text, svg.kg-timeline text"),
    "time": ("time/", "svg.kg-chart text"),
}


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("drawing", list(DRAWINGS))
def test_drawing_text_contrast(browser: Browser, base_url: str, drawing: str, scheme: str) -> None:
    """Every text in a drawing reads at 4.5:1 against what is painted behind it."""
    path, selector = DRAWINGS[drawing]
    context = browser.new_context(
        base_url=base_url,
        color_scheme=scheme,
        viewport={"width": 1280, "height": 800},
        service_workers="block",
    )
    try:
        page = context.new_page()
        page.goto(base_url + path)
        texts = page.locator(selector)
        assert texts.count() > 5, f"too few texts for {selector} on {path}"
        low = []
        for i in range(texts.count()):
            text = texts.nth(i)
            text.scroll_into_view_if_needed()
            c = text.evaluate(TEXT_COLOURS_JS)
            if not c["text"].strip() or c["effective"] is None:
                continue
            ratio = contrast(c["effective"], c["backdrop"])
            if ratio < 4.5:
                low.append(f"  {c['text']!r}: {ratio:.2f}:1 (fill {c['fillCss']}, backdrop {c['backdrop']})")
    finally:
        context.close()
    assert not low, f"text under 4.5:1 in {drawing} ({scheme}):\n" + "\n".join(low)
