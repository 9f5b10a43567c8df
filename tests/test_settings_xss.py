"""Settings are untrusted too: kamgen.yml values never run as script.

A pull request can change ``kamgen.yml`` as easily as an account. Every text
setting that reaches a page (the site title, team names and roles, checklist
titles and items, criterion labels) carries hostile payloads; the built pages
are opened in headless Chromium, where no dialog may open and no payload may
set its marker. URLs that could leave an attribute are refused by validation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import pytest
import yaml

from kamgen.pipeline import load
from kamgen.project import Project
from tests.browser import serve
from tests.conftest import kamgen_build

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Each payload sets window.__kg_xss (or opens a dialog) if it ever runs.
PAYLOADS = [
    "<script>window.__kg_xss=1</script>",
    "</title><script>window.__kg_xss=2</script>",
    '"><img src=x onerror="window.__kg_xss=3">',
    "'><svg onload=window.__kg_xss=4>",
    "<img src=x onerror=alert(5)>",
    '<iframe srcdoc="<script>parent.__kg_xss=6</script>"></iframe>',
    "[x](javascript:window.__kg_xss=7)",
    "<a href=javascript:alert(8)>click</a>",
    "{{ 7*7 }}{% raw %}<script>alert(9)</script>",
    "</text></svg><script>alert(10)</script>",
    "<details open ontoggle=alert(11)>",
    "&lt;script&gt;alert(12)&lt;/script&gt;",
    "`<script>alert(13)</script>`",
    "<style>*{display:none}</style><body onload=alert(14)>",
]


def hostile_settings() -> dict[str, object]:
    members = [
        {"id": f"m{i}", "name": f"M{i} {p}", "role": p, "hours_per_month": 10} for i, p in enumerate(PAYLOADS)
    ]
    return {
        "site": {"title": " ".join(PAYLOADS), "repo_url": "https://git.example.com/a?b=1&c=2"},
        "team": members,
        "checklists": [
            {
                "id": "hostile",
                "title": PAYLOADS[1],
                "items": [{"id": f"i{i}", "text": p} for i, p in enumerate(PAYLOADS)],
            }
        ],
        "qualification": {
            "criteria": [
                {"id": f"c{i}", "metric": "volume", "threshold": 1, "label": p}
                for i, p in enumerate(PAYLOADS)
            ]
        },
    }


ACCOUNT = {"name": "Acme", "owner": "m0", "team": ["m1", "m2"], "tier": "key"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-settings")
    (root / "kamgen.yml").write_text(yaml.safe_dump(hostile_settings(), allow_unicode=True), encoding="utf-8")
    (root / "accounts").mkdir()
    (root / "accounts" / "acme.yaml").write_text(yaml.safe_dump(ACCOUNT), encoding="utf-8")
    proc = kamgen_build(root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root / "site"


@pytest.mark.site
def test_settings_text_is_shown_as_written(hostile_site: Path) -> None:
    html = (hostile_site / "index.html").read_text(encoding="utf-8")
    # Escaped once: the payload is visible text, neither markup nor double-escaped.
    assert "&lt;/title&gt;&lt;script&gt;window.__kg_xss=2" in html
    assert "&amp;lt;" not in html.replace("&amp;lt;script&amp;gt;alert(12)&amp;lt;/script&amp;gt;", "")
    assert "<script>window.__kg_xss" not in html


@pytest.mark.browser
def test_no_settings_payload_runs_in_chromium(hostile_site: Path, browser: Browser) -> None:
    pages = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*.html"))
    assert "404.html" in pages and "accounts/acme/index.html" in pages
    dialogs: list[str] = []
    ran: list[str] = []
    with serve(hostile_site) as base:
        context = browser.new_context(service_workers="block")
        try:
            context.route(lambda url: not url.startswith(base), lambda route: route.abort())
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
            for path in pages:
                page.goto(urljoin(base, path.removesuffix("index.html")))
                page.wait_for_load_state("load")
                if page.evaluate("() => window.__kg_xss"):
                    ran.append(path)
        finally:
            context.close()
    assert len(pages) >= 10
    assert not dialogs, dialogs
    assert not ran, ran


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("repo_url", 'https://x.example/"><script>alert(1)</script>'),
        ("repo_url", "javascript:alert(1)"),
        ("repo_url", "https://x.example/a b"),
        ("repo_url", "https://x.example/<svg>"),
        ("edit_uri", 'edit/main/" onmouseover="alert(1)'),
    ],
)
def test_urls_that_leave_an_attribute_are_refused(tmp_path: Path, field: str, value: str) -> None:
    (tmp_path / "kamgen.yml").write_text(yaml.safe_dump({"site": {field: value}}), encoding="utf-8")
    (tmp_path / "accounts").mkdir()
    problems = load(Project(tmp_path)).problems
    assert [(p.line, p.code) for p in problems if p.path == "kamgen.yml"] == [(2, "K106")]
    assert field in problems[0].message or field in problems[-1].message
