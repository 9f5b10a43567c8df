"""End-to-end builds with a real `mkdocs build --strict`."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kamgen.drawings import style
from kamgen.project import Project
from tests import synth
from tests.conftest import ROOT, copy_project, copy_sample
from tests.conftest import kamgen_build as build

pytestmark = pytest.mark.site


class _Text(HTMLParser):
    """Visible text and every href/src of a page, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)
            if name.startswith("on"):
                self.scripts.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)


def page(site: Path, path: str) -> _Text:
    parser = _Text()
    parser.feed((site / path).read_text(encoding="utf-8"))
    return parser


def site_text(site: Path) -> str:
    """Every page's HTML and the search index: all a reader of the site can get at."""
    pages = [p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))]
    return "\n".join([*pages, (site / "search/search_index.json").read_text(encoding="utf-8")])


def test_sample_portfolio_builds_strictly(built_sample: Project) -> None:
    # `built_sample` ran `kamgen build` (MkDocs --strict) and checked it exited 0.
    site = built_sample.root / "site"
    for path in (
        "index.html",
        "accounts/index.html",
        "accounts/guangzhou-yaju-furniture/index.html",
        "accounts/taiwan-precision-electronics/index.html",
        "owners/index.html",
        "tags/index.html",
        "method/index.html",
        "ranking/index.html",
        "health/index.html",
        "time/index.html",
    ):
        assert (site / path).is_file(), path
    account = page(site, "accounts/guangzhou-yaju-furniture/index.html")
    text = " ".join(account.text)
    for expected in (
        "周敏",
        "Relationship map",
        "Who must buy in",
        "Vested interests",
        "of 7 done",
        "Relationship health",
    ):
        assert expected in text
    assert (
        "https://git.example.com/sales/key-accounts/edit/main/accounts/guangzhou-yaju-furniture.yaml"
        in account.urls
    )
    # Chinese names stay whole in the search index (jieba would split 陳杰).
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    words = " ".join(doc["text"] for doc in index["docs"])
    assert "\u200b陳杰\u200b" in words and "陳\u200b杰" not in words
    # Generated pages are never committed: they live in the git-ignored work dir.
    assert not (built_sample.root / "docs" / "accounts").exists()


def test_drawings_are_inline_svg_whose_links_reach_their_rows(built_sample: Project) -> None:
    """The generated Markdown embeds each drawing as an image of its own file;
    the built page has the SVG itself in its figure again, and every link in
    it reaches a row of that page. MkDocs checks no link inside a drawing, so
    this test does."""
    site = built_sample.root / "site"
    for path in sorted(site.glob("accounts/*/index.html")):
        html = path.read_text(encoding="utf-8")
        assert "kg-drawing" not in html, path
        figures = re.findall(r'<figure class="kg-figure">\s*(<svg\b.*?</svg>)\s*</figure>', html, re.S)
        assert [re.search(r'class="([^"]+)"', f).group(1) for f in figures] == ["kg-map", "kg-timeline"], path  # type: ignore[union-attr]
        for svg in figures:
            assert 'role="group" aria-label="' in svg and "<desc>" in svg
            # Its rules are the site stylesheet's, once, not a copy in every drawing.
            assert "<style>" not in svg, path
        ids = set(re.findall(r'\bid="([^"]+)"', html))
        links = [href[1:] for svg in figures for href in re.findall(r'\bhref="([^"]*)"', svg)]
        assert links and all(link in ids for link in links), (path, set(links) - ids)
        # The drawing files were put in the page, so the site does not ship them.
        assert not list(path.parent.glob("*.svg")), path
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert "kg-map" not in index and "Each box is a person" not in index
    css = (site / "assets/kamgen.css").read_text(encoding="utf-8")
    assert style.site_rules() in css and ".kg-map .kg-stance-enemy{" in css and ".kg-timeline text{" in css
    # The drawing files (what another engine shows as images) keep their own.
    generated = sorted((built_sample.work_dir / "docs/accounts").rglob("*.svg"))
    assert generated and all("<style>" in p.read_text(encoding="utf-8") for p in generated)


def test_errors_build_nothing_and_keep_the_old_site(built_sample: Project, tmp_path: Path) -> None:
    project = copy_project(built_sample, tmp_path / "project")
    site = project.root / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    bad = project.accounts_dir / "broken.yaml"
    bad.write_text("name: Broken\nowner: nobody\ntier: key\n", encoding="utf-8")
    result = build(project.root)
    assert result.returncode == 1
    assert "accounts/broken.yaml:2:8: error K201 unknown team member 'nobody'" in result.stdout
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before


HOSTILE = {
    "name": "</title><script>alert('name')</script> *Acme* [x](javascript:alert(1))",
    "owner": "li-wei",
    "tier": "key",
    "tags": ["</title><img src=x onerror=alert(1)>"],
    "why_key": "| a | b |\n|---|---|\n\n# Heading?\n\n<iframe src='https://evil.example'></iframe>",
    "stakeholders": [
        {"id": "evil", "name": '"><svg onload=alert(1)>', "title": "</text><script>alert(2)</script>"},
        {"id": "ok", "name": "Ok", "reports_to": ["evil"]},
    ],
    "goals": [{"id": "g", "statement": "{{ 7*7 }} {% raw %}", "horizon": "now", "target": "2026-01-01"}],
}
NARRATIVE = (
    "Normal **bold** text.\n\n<script>alert('body')</script>\n\n"
    "[click](javascript:alert(3)) ![pixel](https://tracker.example/p.png)\n\n"
    "```\ncode <b>kept</b>\n\nsecond paragraph of code\n```\n"
)


def test_hostile_input_is_escaped_everywhere(tmp_path: Path) -> None:
    import yaml

    synth.write_portfolio(tmp_path, 0)
    (tmp_path / "kamgen.yml").write_text("team: [{id: li-wei, name: Li Wei}]\n", encoding="utf-8")
    front = yaml.safe_dump(HOSTILE, allow_unicode=True)
    (tmp_path / "accounts" / "evil.md").write_text(f"---\n{front}---\n{NARRATIVE}", encoding="utf-8")
    result = build(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    site = tmp_path / "site"
    pages = [p.relative_to(site).as_posix() for p in site.rglob("*.html")]
    assert "accounts/evil/index.html" in pages and any(
        p.startswith("tags/") and p != "tags/index.html" for p in pages
    )
    for path in pages:
        parsed = page(site, path)
        assert not any("alert" in s for s in parsed.scripts), (path, parsed.scripts)
        assert not any(
            u.startswith("javascript:") or "evil.example" in u or "tracker" in u for u in parsed.urls
        )
    text = " ".join(page(site, "accounts/evil/index.html").text)
    # What was written is shown as text, unchanged.
    assert HOSTILE["name"] in text
    assert '"><svg onload=alert(1)>' in text
    assert "{{ 7*7 }} {% raw %}" in text
    assert "code <b>kept</b>" in text and "second paragraph of code" in text
    html = (site / "accounts/evil/index.html").read_text(encoding="utf-8")
    assert (
        "<script>alert" not in html
        and "<iframe" not in html
        and "onerror=" not in html.replace("onerror=alert(1)&gt;", "")
    )
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        assert "<script" not in doc["text"] and "<iframe" not in doc["text"]


# In the Guangzhou sample (itself internal): a restricted stakeholder and a
# restricted note. Redaction at every level is unit-tested in test_redaction.py.
RESTRICTED = ("吳磊", "premium line has board approval")
INTERNAL_ACCOUNT = "廣州雅居家具製造有限公司"


def test_restricted_items_are_left_out_of_the_default_site(built_sample: Project) -> None:
    source = (built_sample.accounts_dir / "guangzhou-yaju-furniture.yaml").read_text(encoding="utf-8")
    assert all(hidden in source for hidden in RESTRICTED)
    everything = site_text(built_sample.root / "site")
    assert INTERNAL_ACCOUNT in everything
    for hidden in RESTRICTED:
        assert hidden not in everything


def test_public_site_leaves_internal_accounts_out_everywhere(sample_project: Project) -> None:
    assert build(sample_project.root, "--visibility", "public").returncode == 0
    everything = site_text(sample_project.root / "site")
    for hidden in (*RESTRICTED, INTERNAL_ACCOUNT):
        assert hidden not in everything
    assert not (sample_project.root / "site/accounts/guangzhou-yaju-furniture").exists()


def _account_page_size(root: Path, accounts: int) -> int:
    synth.write_portfolio(root, accounts)
    result = build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return (root / "site/accounts/account-0001/index.html").stat().st_size


@pytest.mark.slow  # about a minute: builds a 300-account portfolio
def test_account_page_size_does_not_grow_with_portfolio(tmp_path: Path) -> None:
    small = _account_page_size(tmp_path / "small", 10)
    large = _account_page_size(tmp_path / "large", 300)
    print(f"account page HTML: {small} bytes at 10 accounts, {large} bytes at 300 accounts")
    assert abs(large - small) / small < 0.10


def test_no_generated_file_is_tracked() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert not re.search(r"^(site|\.kamgen)/", tracked, re.MULTILINE)


@pytest.fixture(scope="module")
def own_setup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples set up their own way, built: in Traditional Chinese, with no
    mkdocs.yml, and with a template of their own. Each test checks one of the three."""
    project = copy_sample(tmp_path_factory.mktemp("own-setup") / "project")
    settings = project.settings_file
    text = settings.read_text(encoding="utf-8")
    assert "language: en\n" in text
    settings.write_text(text.replace("language: en\n", "language: zh-Hant\n"), encoding="utf-8")
    project.mkdocs_file.unlink()
    project.templates_dir.mkdir(exist_ok=True)
    (project.templates_dir / "owners.md.j2").write_text(
        "# Our people\n\nOverridden {{ owners | length }}\n", encoding="utf-8"
    )
    result = build(project.root)
    assert result.returncode == 0, result.stdout + result.stderr
    return project.root / "site"


def test_traditional_chinese_site(own_setup: Path) -> None:
    html = (own_setup / "accounts/guangzhou-yaju-furniture/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hant"' in html
    assert "關係圖" in html and "誰必須認同" in html and "Relationship map" not in html
    # Findings and units are kamgen's words too.
    assert "我們不認識經濟決策者 黃志強 本人" in html and "253 天前" in html
    assert "能影響決策者的反對者，是關係圖上最大的風險。" in html  # why it matters
    assert "Why it matters" not in html and "biggest risk" not in html
    assert "&#37;／年" in html and "last contact" not in html
    assert (own_setup / "zh-Hant/method/index.html").is_file()


def test_each_language_ships_only_its_own_method_pages(own_setup: Path, built_sample: Project) -> None:
    """The English method pages were in the zh-Hant build (and its search), in no menu."""
    assert not (own_setup / "method").exists()
    index = (own_setup / "search/search_index.json").read_text(encoding="utf-8")
    assert '"location":"method/' not in index.replace(" ", "")
    english = built_sample.root / "site"
    assert (english / "method/index.html").is_file() and not (english / "zh-Hant").exists()


def test_chinese_headings_get_readable_anchors(own_setup: Path) -> None:
    """Not #_1, #_2: the heading's own words, as a Unicode slug."""
    html = (own_setup / "accounts/guangzhou-yaju-furniture/index.html").read_text(encoding="utf-8")
    # Headings left out of search carry data-search-exclude before their id.
    ids = re.findall(r'<h2\b[^>]*\sid="([^"]*)"', html)
    assert ids and not [i for i in ids if re.fullmatch(r"_\d+", i)], ids
    assert "誰必須認同" in ids and "關係圖" in ids


def test_project_without_mkdocs_yml_uses_the_default(own_setup: Path) -> None:
    assert (own_setup / "accounts/guangzhou-yaju-furniture/index.html").is_file()
    # The default configuration's palette toggle, and no web fonts.
    html = (own_setup / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="Dark mode"' in html and "fonts.googleapis" not in html


def test_template_override_replaces_packaged_template(own_setup: Path) -> None:
    assert "Overridden 3" in " ".join(page(own_setup, "owners/index.html").text)
    # Only the overridden page changes.
    assert "關係圖" in " ".join(page(own_setup, "accounts/guangzhou-yaju-furniture/index.html").text)
