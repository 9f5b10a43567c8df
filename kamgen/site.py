"""The thin adapter to MkDocs: generated pages on disk in, a site out.

kamgen's core hands over plain Markdown files and a navigation tree. This
module writes them, next to a copy of the hand-written ``docs/``, into the
git-ignored work directory, writes an MkDocs config that inherits the
project's ``mkdocs.yml``, and runs a strict build into a staging folder that
replaces ``site/`` only when the build succeeded. Nothing here needs a
plugin or hook, so another engine can build the same folder.
"""

from __future__ import annotations

import logging
import posixpath
import re
import secrets
import shutil
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from html import unescape
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import markupsafe
import yaml
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, event_priority

from kamgen import languages, outdir
from kamgen.drawings.style import unstyled
from kamgen.mkdocs_workers import CONVERTED, Converted
from kamgen.problems import Level, Problem
from kamgen.progress import Say, Ticker
from kamgen.project import Project
from kamgen.render import DRAWING_CLASS, STYLESHEET, NavItem, Page, Site
from kamgen.schema import Language, Settings, Visibility
from kamgen.searchable import searchable, unmarked

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page as MkDocsPage


# MkDocs counts the warnings of its own loggers: strict builds fail on them.
log = logging.getLogger("mkdocs.plugins.kamgen")


def theme_language(language: Language) -> str:
    """Material's theme language for a site language, as its catalogue says
    (`meta.theme`): Simplified Chinese is Material's `zh`."""
    return languages.text(language.value, "meta", "theme") or languages.ENGLISH


def language_dirs() -> set[str]:
    """Hand-written docs in another language than English live in docs/<language>/."""
    return {lang.value for lang in Language if lang is not Language.EN}


# mkdocs.yml values that are plain text by MkDocs' own definition but that
# themes print unescaped. (`copyright` is HTML by design; mkdocs.yml can load
# scripts anyway, so it is reviewed as code, unlike kamgen.yml and accounts.)
TEXT_SETTINGS = ("site_description", "site_author")


def _silent(message: str) -> None:
    pass


class BuildError(Exception):
    """MkDocs refused to build; the message says why."""


def write_docs(project: Project, pages: list[Page]) -> Path:
    """Hand-written docs plus generated pages, synced into the work folder.

    Only files whose content changed are written, and stale ones removed, so
    that a live-preview server watching the folder is not woken for nothing.
    """
    docs = project.work_dir / "docs"
    DocsFolder(docs).sync(project, pages)
    return docs


@dataclass
class Synced:
    """What a sync changed, by path relative to the docs folder."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    handwritten: bool = False  # a hand-written doc was among them
    held: list[str] = field(default_factory=list)  # changed, but left for the next sync
    created: list[str] = field(default_factory=list)  # written, and not there before


@dataclass
class Plan:
    """A sync worked out and not yet written: what it changes, and the folder after it."""

    synced: Synced
    wanted: dict[str, str | bytes]
    own: set[str]


class DocsFolder:
    """A docs folder and what was last synced into it.

    The first sync compares with the files on disk; later ones compare with
    what they wrote, in memory, so that a live preview that reuses most pages
    reads none of them back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: dict[str, str | bytes] | None = None
        self.own: set[str] = set()  # the hand-written docs among them

    def sync(self, project: Project, pages: list[Page], first: Callable[[str], bool] | None = None) -> Synced:
        """Write what changed and remove what went; with ``first``, when some
        changed files pass it, write only those, and hold the others back
        for the next sync."""
        return self.apply(self.plan(project, pages, first))

    def plan(self, project: Project, pages: list[Page], first: Callable[[str], bool] | None = None) -> Plan:
        """What :meth:`sync` would change, written by :meth:`apply` (and
        nothing written until then)."""
        own: dict[str, str | bytes] = {}
        if project.docs_dir.is_dir():
            for path in sorted(project.docs_dir.rglob("*")):
                if path.is_file():
                    own[path.relative_to(project.docs_dir).as_posix()] = path.read_bytes()
        wanted: dict[str, str | bytes] = {**own, **{page.path: page.content for page in pages}}
        known = self.known if self.known is not None else self._on_disk()
        synced = Synced()
        if first is not None:
            changed = [rel for rel, content in wanted.items() if not _same(known.get(rel), content)]
            gone = known.keys() - wanted.keys()
            # A new page goes now too: MkDocs links to a page only if it exists.
            now = [rel for rel in changed if first(rel) or rel not in known]
            if now and (len(now) < len(changed) or gone):
                synced.held = [rel for rel in [*changed, *gone] if rel not in now]
                wanted = {**known, **{rel: wanted[rel] for rel in now}}
        synced.removed = sorted(known.keys() - wanted.keys(), reverse=True)
        synced.written = [rel for rel, content in wanted.items() if not _same(known.get(rel), content)]
        synced.created = [rel for rel in synced.written if rel not in known]
        mine = self.own | own.keys()
        synced.handwritten = any(rel in mine for rel in synced.written + synced.removed)
        return Plan(synced, wanted, set(own))

    def apply(self, plan: Plan) -> Synced:
        """Write and remove what ``plan`` says (made by :meth:`plan` since the last sync)."""
        for rel in plan.synced.removed:
            (self.path / rel).unlink(missing_ok=True)
        if plan.synced.removed:
            self._prune()
        for rel in plan.synced.written:
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_bytes(plan.wanted[rel]))
        self.known, self.own = plan.wanted, plan.own
        return plan.synced

    def _on_disk(self) -> dict[str, str | bytes]:
        self.path.mkdir(parents=True, exist_ok=True)
        return {
            path.relative_to(self.path).as_posix(): path.read_bytes()
            for path in self.path.rglob("*")
            if path.is_file()
        }

    def _prune(self) -> None:
        for folder in sorted(self.path.rglob("*"), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _same(old: str | bytes | None, new: str | bytes) -> bool:
    if old is None:
        return False
    if type(old) is type(new):
        return old == new
    return _bytes(old) == _bytes(new)


def nav_config(items: list[NavItem]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item.children:
            out.append({item.title: nav_config(list(item.children))})
        elif item.title:
            out.append({item.title: item.path})
        else:
            out.append(item.path)
    return out


def parent_config(project: Project) -> Path:
    """The project's mkdocs.yml, or kamgen's default when it has none."""
    if project.mkdocs_file.is_file():
        return project.mkdocs_file.resolve()
    return Path(str(resources.files("kamgen").joinpath("default_mkdocs.yml")))


def _parent(project: Project) -> dict[str, Any]:
    """The parent config as plain data (lists the child must extend)."""
    data = yaml.load(parent_config(project).read_text(encoding="utf-8"), Loader=_Lenient)
    return data if isinstance(data, dict) else {}


def config(
    project: Project,
    settings: Settings,
    site_dir: Path,
    nav: list[NavItem],
    stylesheets: list[str] | None = None,
    search_dict: Path | None = None,
    overrides: Path | None = None,
) -> dict[str, Any]:
    other_languages = sorted(language_dirs() - {settings.language.value})
    excluded = [f"/{lang}/" for lang in other_languages]
    if settings.language is not Language.EN:
        # English method pages sit at the top of docs/; another language's
        # build has its own under docs/<language>/method/ and ships only those.
        excluded.append("/method/")
    cfg: dict[str, Any] = {
        "INHERIT": str(parent_config(project)),
        "docs_dir": "docs",
        "site_dir": str(site_dir.resolve()),
        # Themes print the site name raw in places (Material's header and
        # <title>), so it goes in as escaped HTML; see as_markup for MkDocs.
        "site_name": str(markupsafe.escape(settings.site.title)),
        "theme": {
            "name": "material",
            "language": theme_language(settings.language),
            **({"custom_dir": str(overrides)} if overrides else {}),
        },
        "nav": nav_config(nav),
        # A broken link or anchor in a generated page is a kamgen bug: fail.
        "validation": {
            "links": {"not_found": "warn", "anchors": "warn", "unrecognized_links": "warn"},
            # The navigation holds section pages only, by design; MkDocs would
            # list every other page on each preview rebuild.
            "nav": {"omitted_files": "ignore"},
        },
        "exclude_docs": "\n".join(excluded) + "\n/README.md\n",
    }
    parent = _parent(project)
    for key in TEXT_SETTINGS:
        if isinstance(parent.get(key), str):
            cfg[key] = str(markupsafe.escape(parent[key]))
    if stylesheets:
        cfg["extra_css"] = [*(parent.get("extra_css") or []), *stylesheets]
    if search_dict is not None:
        cfg["plugins"] = _with_search_dictionary(parent.get("plugins"), search_dict)
    if settings.site.repo_url:
        cfg["repo_url"] = settings.site.repo_url
        cfg["edit_uri"] = ""  # kamgen writes its own edit links to the account source
    return cfg


# Every page says which audience its build was for; a restricted build also
# shows it in a banner on every page, 404 included.
_MAIN = """{{% extends "base.html" %}}
{{% block extrahead %}}{{{{ super() }}}}<meta name="kamgen-visibility" content="{level}">{{% endblock %}}
{banner}"""
_BANNER = """{{% block announce %}}<strong class="kg-restricted">{text}</strong>{{% endblock %}}
"""


def write_overrides(project: Project, site: Site) -> Path:
    """Theme overrides for this build: the project's own (``theme.custom_dir``
    in mkdocs.yml), plus kamgen's main.html unless the project has its own."""
    return _write_overrides(project, site.visibility, site.banner)


def _write_overrides(
    project: Project, visibility: Visibility, banner: str | None, name: str = "overrides"
) -> Path:
    folder = project.work_dir / name
    if folder.exists():
        shutil.rmtree(folder)
    theirs = _parent(project).get("theme", {}).get("custom_dir") if project.mkdocs_file.is_file() else None
    if isinstance(theirs, str) and (project.root / theirs).is_dir():
        shutil.copytree(project.root / theirs, folder)
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / "main.html"
    if not main.exists():
        block = _BANNER.format(text=markupsafe.escape(banner)) if banner else ""
        main.write_text(_MAIN.format(level=visibility.value, banner=block), encoding="utf-8")
    return folder


def _with_search_dictionary(plugins: Any, path: Path) -> list[Any]:
    """The project's plugins, with search told to keep our names whole.

    Material's search segments Chinese with jieba, which splits names it does
    not know (陳杰 into 陳 + 杰); a user dictionary of the portfolio's names
    keeps them whole, so a search for a name finds it first.
    """
    out: list[Any] = []
    for entry in plugins or ["search"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name in ("search", "material/search"):
            options = {} if isinstance(entry, str) else dict(entry[name] or {})
            entry = {name: {**options, "jieba_dict_user": str(path.resolve())}}
        out.append(entry)
    return out


def write_search_dictionary(project: Project, terms: Mapping[str, int]) -> Path:
    path = project.work_dir / "search-words.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    # jieba's user dictionary: one "word frequency" a line; a high frequency
    # makes the segmenter prefer the whole name (see kamgen.search).
    path.write_text("".join(f"{term} {freq}\n" for term, freq in terms.items()), encoding="utf-8")
    return path


def write_config(project: Project, cfg: dict[str, Any], name: str = "mkdocs.yml") -> Path:
    path = project.work_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_mkdocs(config_file: Path, say: Say = _silent, generated: frozenset[str] = frozenset()) -> None:
    """``mkdocs build --strict``, in-process, raising BuildError on failure;
    ``say`` hears its stages. ``generated`` names the pages kamgen wrote
    (their paths in the docs folder), whose HTML blocks skip Markdown."""
    from mkdocs import exceptions
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config

    _quiet_jieba()

    try:
        cfg = load_config(str(config_file), strict=True)
        as_markup(cfg)
        cfg.plugins[STAGES] = Stages(say)
        cfg.plugins[DRAWINGS] = Drawings()
        add_build_plugins(cfg.plugins, generated, say)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build.build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    except (exceptions.MkDocsException, exceptions.Abort) as exc:
        raise BuildError(str(exc)) from exc


def add_build_plugins(plugins: Any, generated: AbstractSet[str], say: Say, *, dirty: bool = False) -> None:
    """kamgen's shortcuts through MkDocs, for the pages in ``generated``: HTML
    tables around Markdown, Markdown converted on every core, search reading
    only what it indexes, compact pages. ``build`` and ``serve`` both add
    them, so that the preview shows what the build writes."""
    blocks = HtmlBlocks(generated)
    plugins[HTML_BLOCKS] = blocks
    plugins[CONVERTED] = Converted(generated, blocks, say, dirty=dirty)
    add_search_view(plugins)
    plugins[COMPACT] = Compact()


def as_markup(cfg: Any) -> None:
    """Mark the escaped text settings as HTML, so that the places where a
    theme escapes them (``{{ config.site_name | e }}``) do not escape twice."""
    for key in ("site_name", *TEXT_SETTINGS):
        if isinstance(cfg.get(key), str):
            cfg[key] = markupsafe.Markup(cfg[key])


def build_site(project: Project, settings: Settings, site: Site, site_dir: Path, say: Say = _silent) -> None:
    """Build into a staging folder, then swap it in: a failed build keeps the old site.

    ``site_dir`` must have passed :func:`kamgen.outdir.check_site_dir`.
    """
    site_dir = outdir.check_site_dir(site_dir, project.root)
    with outdir.build_lock(project.work_dir):
        outdir.clean_leftovers(site_dir)
        write_docs(project, site.pages)
        staging = outdir.staging_dir(site_dir)
        try:
            # Loading even an empty user dictionary makes jieba read its whole
            # model (about 1.5 s); without Chinese names there is nothing to add.
            words = write_search_dictionary(project, site.search_terms) if site.search_terms else None
            overrides = write_overrides(project, site)
            cfg = config(project, settings, staging, site.nav, site.stylesheets, words, overrides)
            run_mkdocs(write_config(project, cfg), say, frozenset(p.path for p in site.pages))
            outdir.swap_in(staging, site_dir)
        finally:
            if staging.exists():
                shutil.rmtree(staging)


# What a preview shows now: the problems, the pages (None: keep the last),
# and whether their summary pages are from before (asked for a quick answer).
Pages = Callable[[bool], "tuple[list[Problem], Site | None, bool]"]

# The preview being served, by the config file MkDocs serves it from: the
# plugin MkDocs makes finds its pages here.
SERVING: dict[str, Pages] = {}

# The folder `kamgen serve` builds from: its own, so that a `kamgen build`
# meanwhile does not change what the preview shows, and the preview knows
# every file in it.
SERVE_DOCS = "serve-docs"


def serve(
    project: Project,
    settings: Settings,
    dev_addr: str,
    *,
    pages: Pages,
    visibility: Visibility = Visibility.INTERNAL,
    banner: str | None = None,
    quiet: bool = False,
) -> None:
    """``mkdocs serve`` with kamgen's plugin, which asks ``pages`` for the
    pages before each build at ``visibility``; ``banner`` is the restricted
    build's banner. MkDocs builds dirty: the plugin decides which pages a
    change reaches (see :mod:`kamgen.mkdocs_plugin`)."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _quiet_jieba()
    if not quiet:
        logging.getLogger("mkdocs").setLevel(logging.INFO)  # "Detected file changes", "Reloading"
    # The plugin rebuilds whatever a change reaches, and all when needed.
    logging.getLogger("mkdocs.commands.build").addFilter(_no_dirty_warning)

    plugins = list(_parent(project).get("plugins") or ["search"])
    # Its own folder: MkDocs reads it on every rebuild, and a `kamgen build`
    # meanwhile (at another level, perhaps) must not change what it shows.
    overrides = _write_overrides(project, visibility, banner, "serve-overrides")
    cfg = config(project, settings, project.work_dir / "serve-site", [], [STYLESHEET], overrides=overrides)
    cfg.pop("nav")
    cfg["docs_dir"] = SERVE_DOCS
    cfg["plugins"] = [*plugins, {"kamgen": {"visibility": visibility.value, "progress": not quiet}}]
    cfg["dev_addr"] = dev_addr
    (project.work_dir / SERVE_DOCS).mkdir(parents=True, exist_ok=True)  # MkDocs checks it exists
    config_file = str(write_config(project, cfg, "serve.yml"))
    SERVING[config_file] = pages
    try:
        mkdocs_serve(config_file=config_file, livereload=True, build_type="dirty")
    finally:
        SERVING.pop(config_file, None)


def _no_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")


# ------------------------------------------------------------------ progress

STAGES = "kamgen/stages"


class _NoOptions(Config):  # type: ignore[no-untyped-call]
    pass


class Stages(BasePlugin[_NoOptions]):  # type: ignore[no-untyped-call]
    """MkDocs' stages, said as they happen: heard through plugin events, so
    MkDocs itself is not changed. Added to a build's plugins by kamgen."""

    def __init__(self, say: Say) -> None:
        self.say = say
        self.total = self.read = self.written = 0
        self.reading = self.writing = Ticker(say, "")

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        # A dirty build (the preview's) reads and writes only the pages whose
        # output is older than their source; a fresh build, all of them.
        self.total = sum(1 for f in files.documentation_pages() if f.is_modified())
        self.say(f"MkDocs: reading {self.total} page(s)")
        self.reading = Ticker(self.say, "MkDocs: reading pages")
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        self.read += 1
        self.reading(self.read, self.total)
        return markdown

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        self.say(f"MkDocs: writing {self.total} page(s)")
        self.writing = Ticker(self.say, "MkDocs: writing pages")
        return env

    def on_post_page(self, output: str, /, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        self.written += 1
        self.writing(self.written, self.total)
        return output

    @event_priority(100)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if any(name.split("/")[-1] == "search" for name in config.plugins):
            self.say("MkDocs: writing the search index")


# ------------------------------------------------------------------ HTML blocks

HTML_BLOCKS = "kamgen/html-blocks"
# A table kamgen wrote as HTML: alone from its "<table" line to its
# "</table>" line, between blank lines, holding no other table.
_HTML_TABLE = re.compile(
    r"(?m)(?<=\n\n)<table\b[^\n]*\n(?:(?!.*<table\b)(?!</table>).*\n)*?</table>(?=\n\n|\n?\Z)"
)
_FENCE = re.compile(r"(?m)^ {0,3}(?:```|~~~)")
_ANCHOR = re.compile(r'<[a-zA-Z][^>]*?\s(?:id|name)="([^"]*)"')


class HtmlBlocks(BasePlugin[_NoOptions]):  # type: ignore[no-untyped-call]
    """The HTML tables of kamgen's pages passed around Markdown, not through it.

    Python-Markdown copies a raw HTML block to its output unchanged, but
    first reads it with Python's HTMLParser, twice (to find where it ends,
    and for MkDocs' anchor check): on an account page that was over a third
    of its conversion. Before conversion each table becomes a placeholder
    paragraph; after it, the table is put back as it was and its ids are
    told to MkDocs' anchor check. The Markdown on disk is unchanged, so any
    engine builds it as before. Only pages kamgen generated, and only those
    without fenced code (where "<table" may be text), are treated.
    """

    def __init__(self, generated: AbstractSet[str]) -> None:
        self.generated = generated
        self.nonce = secrets.token_hex(6)
        self.held: dict[str, list[str]] = {}  # the page's tables, by its file

    @event_priority(-100)  # after any other plugin has changed the Markdown
    def on_page_markdown(
        self, markdown: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        if page.file.src_uri not in self.generated or "<table" not in markdown or _FENCE.search(markdown):
            return markdown
        tables: list[str] = []

        def hold(match: re.Match[str]) -> str:
            if "markdown=" in match.group():
                return match.group()
            tables.append(match.group())
            return self._token(len(tables) - 1)

        held = _HTML_TABLE.sub(hold, markdown)
        if tables:
            self.held[page.file.src_uri] = tables
        return held

    @event_priority(100)  # before any other plugin reads the HTML
    def on_page_content(self, html: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        tables = self.held.pop(page.file.src_uri, None)
        if not tables:
            return html
        for n, table in enumerate(tables):
            token = self._token(n)
            paragraph = f"<p>{token}</p>"
            if paragraph not in html:
                log.warning(f"kamgen: an HTML table of '{page.file.src_uri}' was lost in Markdown")
                continue
            # Python-Markdown ends a raw block with a blank line.
            html = html.replace(paragraph, table + "\n", 1)
            if page.present_anchor_ids is not None:
                page.present_anchor_ids.update(unescape(m) for m in _ANCHOR.findall(table))
        return html

    def _token(self, n: int) -> str:
        return f"kamgentable{self.nonce}n{n}"


# ------------------------------------------------------------------ search

SEARCH_VIEW = "kamgen/search-view"
SEARCH_VIEW_DONE = "kamgen/search-view-done"
# What Material's search plugin removes from each page after reading it.
_SEARCH_ATTRS = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")


def add_search_view(plugins: Any) -> None:
    """Let Material's search plugin, when it is on, read each page without
    what it leaves out of the index anyway (:mod:`kamgen.searchable`)."""
    from material.plugins.search.plugin import SearchPlugin  # type: ignore[import-untyped]

    if any(isinstance(p, SearchPlugin) and p.config.enabled for p in plugins.values()):
        view = SearchView()
        plugins[SEARCH_VIEW] = view
        plugins[SEARCH_VIEW_DONE] = SearchViewDone(view)


class SearchView(BasePlugin[_NoOptions]):  # type: ignore[no-untyped-call]
    """Before the search plugin reads a page: the page as it indexes it."""

    def __init__(self) -> None:
        self.whole: dict[str, str] = {}  # the page's content, by its file

    @event_priority(50)  # before the search plugin (0)
    def on_page_context(self, context: Any, /, *, page: MkDocsPage, config: MkDocsConfig, nav: Any) -> Any:
        view = searchable(page.content or "")
        if view is not page.content:
            self.whole[page.file.src_uri] = page.content or ""
            page.content = view
        return context


class SearchViewDone(BasePlugin[_NoOptions]):  # type: ignore[no-untyped-call]
    """After the search plugin has read a page: the whole page back, with
    the search attributes removed as the search plugin removes them, and
    the exclusion marks, which only the search plugin reads, too."""

    def __init__(self, view: SearchView) -> None:
        self.view = view

    @event_priority(-50)  # after the search plugin, before the page is written
    def on_page_context(self, context: Any, /, *, page: MkDocsPage, config: MkDocsConfig, nav: Any) -> Any:
        whole = self.view.whole.pop(page.file.src_uri, None)
        if whole is not None:
            page.content = _SEARCH_ATTRS.sub("", whole)
        page.content = unmarked(page.content or "")
        return context


# ------------------------------------------------------------------ drawings

DRAWINGS = "kamgen/drawings"
# MkDocs writes an image as <img alt=".." class=".." src="..." />, alone in a
# paragraph of its own when it was alone on its line.
_DRAWING = re.compile(rf'<img [^>]*?\bclass="{DRAWING_CLASS}"[^>]*>')
_SRC = re.compile(r'\bsrc="([^"]*)"')


class Drawings(BasePlugin[_NoOptions]):  # type: ignore[no-untyped-call]
    """kamgen's drawings back in place as inline SVG in the finished pages.

    A generated page embeds each drawing as an image of its own file
    (:func:`kamgen.render.drawing_file`), so the SVG never passes through
    Markdown, MkDocs' HTML checks or the search index, and another engine
    shows it as an image. In the page MkDocs has finished (``on_post_page``:
    after search has read it) the image becomes the SVG itself again, so that
    its links, tooltips and the site's dark-mode rules reach it. The files
    a page inlined are not copied into the site."""

    def __init__(self) -> None:
        self.svg: dict[str, Path] = {}  # drawing file by its url
        self.inlined: set[str] = set()

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        self.svg = {
            f.url: Path(f.abs_src_path) for f in files if f.abs_src_path and f.src_uri.endswith(".svg")
        }
        return files

    def on_page_content(self, html: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        if DRAWING_CLASS in html:
            self.inlined.update(_drawing_url(m.group(), page.url) for m in _DRAWING.finditer(html))
        return html

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        # MkDocs has checked every page's links by now, and copies static
        # files after this: leave out those that only an inlined image used.
        for file in list(files):
            if file.url in self.inlined:
                files.remove(file)
        return env

    def on_post_page(self, output: str, /, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        return inline_drawings(output, page.url, self.svg)


# ------------------------------------------------------------------ compact pages

COMPACT = "kamgen/compact"
# Text whose whitespace is shown as written, or that is not HTML.
_VERBATIM = re.compile(r"(<(pre|textarea)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)
_INDENT = re.compile(r"[ \t]*\n\s*")


def compact(html: str) -> str:
    """``html`` with each run of whitespace that holds a line break made one
    line break, outside ``<pre>`` and ``<textarea>``. A browser shows such a
    run as one space either way; the theme's indentation and blank lines
    were about 6 KB of an account page."""
    parts = _VERBATIM.split(html)
    # split() gives text, then each match's two groups: the verbatim block and its tag name.
    return "".join(part if k % 3 else _INDENT.sub("\n", part) for k, part in enumerate(parts) if k % 3 != 2)


class Compact(BasePlugin[_NoOptions]):  # type: ignore[no-untyped-call]
    """The finished page made smaller (:func:`compact`); in ``build`` only."""

    @event_priority(-100)  # last: after the drawings are inline
    def on_post_page(self, output: str, /, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        return compact(output)

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        return compact(output_content) if template_name.endswith(".html") else output_content  # 404.html


def _drawing_url(img: str, page_url: str) -> str:
    """The site url of the file an image shows, from a page at ``page_url``."""
    src = _SRC.search(img)
    if src is None:
        return ""
    base = posixpath.dirname("/" + page_url) if not page_url.endswith("/") else "/" + page_url
    return posixpath.normpath(posixpath.join(base, src.group(1))).lstrip("/")


def inline_drawings(html: str, page_url: str, svg: dict[str, Path]) -> str:
    """``html`` with each drawing image (and the paragraph it is alone in)
    replaced by its SVG, read from its file; an image whose file is not known
    stays an image."""
    if DRAWING_CLASS not in html:
        return html
    out: list[str] = []
    at = 0
    for match in _DRAWING.finditer(html):
        path = svg.get(_drawing_url(match.group(), page_url))
        if path is None:
            continue
        start, end = match.span()
        if html.endswith("<p>", 0, start) and html.startswith("</p>", end):
            start, end = start - 3, end + 4
        # The site's stylesheet carries the drawing's own (render_site).
        out += [html[at:start], unstyled(path.read_text(encoding="utf-8"))]
        at = end
    out.append(html[at:])
    return "".join(out)


# ------------------------------------------------------------------ problems in the preview

# Listed on the page; the terminal has all of them.
BANNER_PROBLEMS = 20
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_PROBLEMS_STYLE = (
    "position:fixed;left:0;right:0;bottom:0;z-index:1000;max-height:40vh;overflow:auto;margin:0;"
    "padding:.6em 1em;background:#b71c1c;color:#fff;font:14px/1.4 monospace;"
)


def problem_banner(problems: list[Problem]) -> str:
    """The problems as an HTML box a preview page shows, escaped: messages
    quote the user's text. Empty without problems."""
    if not problems:
        return ""
    errors = sum(p.level is Level.ERROR for p in problems)
    if errors:
        head = f"kamgen: {errors} error(s) in the files; this preview shows the last valid version"
    else:
        head = f"kamgen: {len(problems)} warning(s) in the files"
    items = "".join(f"<li>{markupsafe.escape(str(p))}</li>" for p in problems[:BANNER_PROBLEMS])
    more = len(problems) - BANNER_PROBLEMS
    if more > 0:
        items += f"<li>and {more} more: see the terminal</li>"
    return (
        f'<div id="kamgen-problems" role="alert" style="{_PROBLEMS_STYLE}">'
        f'<strong>{markupsafe.escape(head)}</strong><ul style="margin:.3em 0 0 1.2em">{items}</ul></div>'
    )


WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


def showing(app: WSGIApp, banner: Callable[[], str]) -> WSGIApp:
    """``app`` with ``banner()`` first in the body of every HTML page it
    serves: the problems are the server's, not the pages', so a change in
    them needs no page rebuilt."""

    def show(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answered: list[Any] = []

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answered[:] = [status, headers]
            return lambda data: None  # the preview server never writes

        body = b"".join(app(environ, hold))
        status, headers = answered
        text = banner()
        html = any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers)
        if text and html:
            body = with_banner(body.decode("utf-8", errors="replace"), text).encode("utf-8")
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    return show


def with_banner(html: str, banner: str) -> str:
    """``html`` with ``banner`` first in its body."""
    if not banner:
        return html
    body = _BODY.search(html)
    at = body.end() if body else 0
    return html[:at] + banner + html[at:]


class _Lenient(yaml.SafeLoader):
    """Reads mkdocs.yml's plain structure, ignoring !!python tags it may hold."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)


def _quiet_jieba() -> None:
    """jieba (used by Material's search for Chinese) logs at DEBUG to stderr."""
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)
