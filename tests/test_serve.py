"""Live preview: `kamgen serve` re-renders when an account file changes, shows
the files' problems on the page until they are fixed, and previews the site at
the visibility level it is given."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kamgen.project import Project
from tests.cli_helpers import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser

try:
    from playwright.sync_api import expect
except ImportError:  # reported by the `browser` fixture, under the CI policy
    expect = None  # type: ignore[assignment]

pytestmark = pytest.mark.site

ACCOUNT = "guangzhou-yaju-furniture"
# A restricted stakeholder of the sample: an internal build leaves her out everywhere.
RESTRICTED_ACCOUNT, RESTRICTED_PERSON = "megamart-retail", "Priya Nair"
RESTRICTED_BANNER = "Restricted build: for the account team only."
NAV_LINKS = ".md-sidebar--primary a.md-nav__link"


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _poll(ready: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Wait until ``ready()``, checking often, for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds} s")
        time.sleep(0.1)


def _wait_for(url: str, needle: str, seconds: float = 60) -> None:
    _poll(lambda: needle in (_fetch(url) or ""), f"{needle!r} did not appear at {url}", seconds)


class Output:
    """The lines a process writes, read as they come (a pipe left unread would block it)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert proc.stdout is not None
        self._thread = threading.Thread(target=self._read, args=(proc.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.append(line)

    def logged(self, needle: str, after: str | None = None) -> bool:
        """Whether a line holds ``needle`` (after the first line that holds ``after``)."""
        lines = list(self.lines)
        if after is not None:
            start = next((i for i, line in enumerate(lines) if after in line), len(lines))
            lines = lines[start + 1 :]
        return any(needle in line for line in lines)

    def wait_for(self, needle: str, after: str | None = None, seconds: float = 60) -> None:
        where = f" after {after!r}" if after else ""
        _poll(lambda: self.logged(needle, after), f"{needle!r} was not logged{where}", seconds)

    def text(self) -> str:
        self._thread.join(timeout=20)
        return "".join(self.lines)


@contextmanager
def serving(project: Project, *args: str) -> Iterator[tuple[str, Output]]:
    """`kamgen serve ARGS` on a free port: its address and its output."""
    port = free_port()
    command = [sys.executable, "-m", "kamgen", "-C", str(project.root), "serve", "-a", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [*command, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8"
    )
    output = Output(proc)
    try:
        yield f"http://127.0.0.1:{port}", output
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        output.text()


def test_serve_rerenders_on_account_change(sample_project: Project) -> None:
    with serving(sample_project) as (base, output):
        url = f"{base}/accounts/{ACCOUNT}/"
        _wait_for(url, "周敏")
        path: Path = sample_project.accounts_dir / f"{ACCOUNT}.yaml"
        valid = path.read_text(encoding="utf-8")
        # A broken edit (an unknown tier, and a new name) keeps the last valid
        # preview and reports the problem: once the rebuild that reported it
        # has finished, the page still has the old name, not the new one.
        path.write_text(
            valid.replace("tier: key", "tier: gold").replace("name: 周敏", "name: 周大敏"), encoding="utf-8"
        )
        output.wait_for("Documentation built", after="K104")
        body = _fetch(url) or ""
        assert "周敏" in body and "周大敏" not in body
        # Fixing it re-renders with the edit: the edited page first, then
        # a build brings the portfolio pages and the search index.
        path.write_text(valid.replace("name: 周敏", "name: 周大敏"), encoding="utf-8")
        _wait_for(url, "周大敏")
        output.wait_for("Documentation built", after="MkDocs: the summary pages next")
    log = output.text()
    assert f"accounts/{ACCOUNT}.yaml:10:7: error K104" in log, log
    # Each rebuild says its stages, but does not list the pages left out of
    # the navigation (all account pages, by design).
    assert log.count("kamgen: MkDocs: writing the search index") >= 3, log
    assert "not included in the" not in log, log


@pytest.mark.browser
def test_problems_show_on_the_page_until_fixed(sample_project: Project, browser: Browser) -> None:
    path = sample_project.accounts_dir / f"{ACCOUNT}.yaml"
    valid = path.read_text(encoding="utf-8")
    problems = "#kamgen-problems"
    with serving(sample_project) as (base, output):
        _wait_for(f"{base}/accounts/{ACCOUNT}/", "周敏")
        # The default preview is internal: a restricted person is left out.
        assert RESTRICTED_PERSON not in (_fetch(f"{base}/accounts/{RESTRICTED_ACCOUNT}/") or "")
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"{base}/accounts/{ACCOUNT}/")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert page.locator(problems).count() == 0
            nav = [link.get_attribute("href") for link in page.locator(NAV_LINKS).all()]
            # An error whose message quotes markup the user typed: the page
            # reloads by itself and lists it, as text, over the last valid page.
            path.write_text(
                valid.replace("tier: key", 'tier: "<img src=x onerror=alert(1)>"'), encoding="utf-8"
            )
            banner = page.locator(problems)
            expect(banner).to_contain_text(f"accounts/{ACCOUNT}.yaml:10:7: error K104", timeout=60_000)
            expect(banner).to_contain_text("tier: '<img src=x onerror=alert(1)>' is not allowed")
            assert banner.locator("img").count() == 0
            # The last valid page underneath, with its navigation (not every page).
            expect(page.get_by_text("周敏").first).to_be_attached()
            assert [link.get_attribute("href") for link in page.locator(NAV_LINKS).all()] == nav
            # Every page shows it, not only the one that was open.
            assert f"accounts/{ACCOUNT}.yaml:10:7" in (_fetch(f"{base}/") or "")
            # Fixed: the next reload has no banner.
            path.write_text(valid, encoding="utf-8")
            expect(banner).to_have_count(0, timeout=60_000)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
        finally:
            context.close()
    assert output.logged(f"accounts/{ACCOUNT}.yaml:10:7: error K104")


def test_serve_previews_the_restricted_level(sample_project: Project) -> None:
    with serving(sample_project, "--visibility", "restricted") as (base, _output):
        url = f"{base}/accounts/{RESTRICTED_ACCOUNT}/"
        _wait_for(url, RESTRICTED_PERSON)
        body = _fetch(url) or ""
        assert RESTRICTED_BANNER in body
        assert '<meta name="kamgen-visibility" content="restricted">' in body


# MkDocs' live-reload script (with the build's epoch and a request id) and the
# server's own address are all that may differ between two servers.
_LIVERELOAD = re.compile(r"<script>[^<]*livereload[^<]*</script>")


def _site(base: str) -> dict[str, str]:
    """Every page a server serves (by its sitemap), the sitemap and the search
    index, with the server's address and live-reload script taken out."""
    sitemap = _fetch(f"{base}/sitemap.xml") or ""
    paths = sorted(loc.removeprefix(base) for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap))
    assert len(paths) > 10, sitemap
    served = {path: _fetch(f"{base}{path}") or "" for path in [*paths, "/sitemap.xml"]}
    served = {path: _LIVERELOAD.sub("", html).replace(base, "BASE") for path, html in served.items()}
    index = json.loads(_fetch(f"{base}/search/search_index.json") or "{}")
    served["search"] = json.dumps(index, sort_keys=True, ensure_ascii=False)
    return served


def test_an_edit_rebuilds_only_what_it_reaches_and_equals_a_fresh_start(sample_project: Project) -> None:
    """Saving an account shows its page first, then rebuilds the pages that
    summarise it, not the others; what the server then shows, search index
    included, is what a server started afresh on the same files shows."""
    path = sample_project.accounts_dir / f"{ACCOUNT}.yaml"
    gone = sample_project.accounts_dir / "nordwerk-maschinenbau.md"
    # The portfolio pages that name the account: home, lists, its owner, tags, tier, health, ranking.
    summaries = [
        "/",
        "/accounts/",
        "/owners/li-wei/",
        "/tags/furniture/",
        "/tiers/key/",
        "/health/",
        "/ranking/",
    ]
    with serving(sample_project) as (base, output):
        url = f"{base}/accounts/{ACCOUNT}/"
        _wait_for(url, "周敏")
        before = _site(base)
        # A new account name (on its page and the summaries) and a renamed
        # person: only existing pages change, so the edited page is written
        # first, before any build.
        text = path.read_text(encoding="utf-8")
        renamed = text.replace("name: 廣州雅居家具製造有限公司", "name: 廣州雅居新家具").replace(
            "name: 周敏", "name: 周大敏"
        )
        assert renamed.count("廣州雅居新家具") == 1 and "周大敏" in renamed
        path.write_text(renamed, encoding="utf-8")
        _wait_for(url, "周大敏")
        assert output.logged("MkDocs: writing 1 edited page(s) first"), output.text()
        first = _LIVERELOAD.sub("", _fetch(url) or "")
        # The summaries follow in the build after, which builds the page
        # again (for the search index) as it was written first.
        output.wait_for("Documentation built", after="MkDocs: the summary pages next")
        assert _LIVERELOAD.sub("", _fetch(url) or "") == first
        for summary in summaries:
            assert "廣州雅居新家具" in (_fetch(f"{base}{summary}") or ""), summary
            assert "廣州雅居新家具" not in before[summary], summary
        # A new tag (a new page), another tier (another group): MkDocs builds.
        edited = renamed.replace(
            "tags: [furniture, up-market, price-sensitive]", "tags: [furniture, up-market, zz-new]"
        ).replace("tier: key", "tier: strategic")
        assert "zz-new" in edited and "tier: strategic" in edited
        path.write_text(edited, encoding="utf-8")
        _wait_for(f"{base}/tags/zz-new/", "廣州雅居新家具")
        _wait_for(f"{base}/tiers/strategic/", "廣州雅居新家具")
        # Then an account goes: its page with it, and from the summaries.
        gone.unlink()
        _poll(lambda: _fetch(f"{base}/accounts/nordwerk-maschinenbau/") is None, "the removed page went")
        _poll(
            lambda: "nordwerk-maschinenbau/" not in (_fetch(f"{base}/accounts/") or "x"), "it left the index"
        )
        after = _site(base)
    log = output.text()
    built = [int(n) for n in re.findall(r"MkDocs: reading (\d+) page", log)]
    assert len(built) >= 3 and max(built[1:]) < built[0], log
    assert "MkDocs: the summary pages next" in log, log
    assert "/tags/zz-new/" in after and "/tags/zz-new/" not in before
    assert "/accounts/nordwerk-maschinenbau/" not in after
    with serving(sample_project) as (fresh_base, _output):
        _wait_for(f"{fresh_base}/accounts/{ACCOUNT}/", "周大敏")
        fresh = _site(fresh_base)
    assert after.keys() == fresh.keys()
    for path_, html in fresh.items():
        assert after[path_] == html, path_
