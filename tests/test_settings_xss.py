"""Settings and accounts are untrusted: no value from kamgen.yml or an account runs as script.

A pull request can change ``kamgen.yml`` as easily as an account. Every text
setting that reaches a page (the site title, team names and roles, checklist
titles and items, criterion labels) carries hostile payloads, and so does
every text field of one account per payload (the same corpus: 21 fields,
from the name to a checklist note). The built pages, 404 included, are
opened in headless Chromium, where no dialog may open and no payload may set
its marker. URLs that could leave an attribute are refused by validation.
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


def hostile_account(p: str) -> dict[str, object]:
    """The same payload in every text field of an account, as a pull request could."""
    public = {"visibility": "public"}
    return {
        "name": p,
        "aliases": [p],
        "industry": p,
        "region": p,
        "owner": "m0",
        "tier": "key",
        "why_key": p,
        "stakeholders": [
            {"id": "s", "name": p, "aliases": [p], "title": p, "department": p, "next_step": p, "notes": p},
            {"id": "t", "name": "Other", "reports_to": ["s"]},
        ],
        "relationships": [{"kind": "influences", "from": "s", "to": "t", "notes": p}],
        "interests": [{"id": "i", "holder": "s", "interest": p, "threat": p, "severity": "low", **public}],
        "practices": [{"id": "p", "practice": p, "impact": "low", "handling": p}],
        "goals": [{"id": "g", "statement": p, "horizon": "now", "owners": ["s"]}],
        "actions": [
            {
                "id": "a",
                "title": p,
                "kind": "senior-visit",
                "owner": "m0",
                "reason": p,
                "goal": "g",
                "due": "2026-12-01",
            }
        ],
        "notes": [{"date": "2026-01-01", "text": p}],
        "checklists": {"hostile": {"i0": {"done": True, "note": p}}},
    }


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-settings")
    (root / "kamgen.yml").write_text(yaml.safe_dump(hostile_settings(), allow_unicode=True), encoding="utf-8")
    (root / "accounts").mkdir()
    (root / "accounts" / "acme.yaml").write_text(yaml.safe_dump(ACCOUNT), encoding="utf-8")
    for i, payload in enumerate(PAYLOADS):
        text = yaml.safe_dump(hostile_account(payload), allow_unicode=True)
        (root / "accounts" / f"hostile-{i}.yaml").write_text(text, encoding="utf-8")
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
