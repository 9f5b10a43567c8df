"""A thin MkDocs plugin for live preview: re-render before every build, and
rebuild only the pages a change reaches.

``kamgen serve`` runs ``mkdocs serve --dirty`` with this plugin. Before each
build the plugin asks for the pages (a :class:`kamgen.app.Preview`, which
works out again only what the changed files reach), syncs them into the
docs folder and sets the navigation. Changed account pages go first: when
summary pages changed too, they wait for a second build, which the plugin
sets off at once, so the page being edited shows its change without
waiting for the portfolio's largest pages. Then it makes MkDocs' dirty build
exact: the output of every page whose source changed is removed, so MkDocs
builds it again, and only it; the output of a page that is gone is removed;
everything is built again when the navigation or a hand-written doc
changed (each page shows the navigation); and the search index keeps the
entries of the pages not built again. The pages served equal a full build's.

Problems are logged, and shown on every page in a box until they are fixed
(put in by the server, so no page is built for them); on errors the last
valid pages stay underneath. Unless quiet, the plugin also says the stages
of each rebuild (see ``site.Stages``).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any, Literal

import jinja2
from mkdocs import utils
from mkdocs.commands.build import _populate_page
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from kamgen import app
from kamgen.guard import guarded
from kamgen.problems import Level
from kamgen.project import Project
from kamgen.render import Site
from kamgen.schema import Visibility
from kamgen.site import (
    DRAWINGS,
    SERVE_DOCS,
    SERVING,
    STAGES,
    DocsFolder,
    Drawings,
    Pages,
    Stages,
    as_markup,
    nav_config,
    problem_banner,
    showing,
)

log = logging.getLogger("mkdocs.plugins.kamgen")


class KamgenConfig(Config):  # type: ignore[no-untyped-call]
    visibility = c.Choice([v.value for v in Visibility], default=Visibility.INTERNAL.value)
    progress = c.Type(bool, default=True)


def _say(message: str) -> None:
    print(f"kamgen: {message}", file=sys.stderr, flush=True)


def _silent(message: str) -> None:
    pass


def _account_page(path: str) -> bool:
    return path.startswith("accounts/") and path != "accounts/index.md"


class _Compiled(jinja2.BytecodeCache):
    """The theme's templates, compiled once while serving rather than on every
    rebuild (MkDocs makes the theme's Jinja environment anew each time); a
    template whose source changed is compiled again (Jinja checks)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


class KamgenPlugin(BasePlugin[KamgenConfig]):  # type: ignore[no-untyped-call]
    project: Project
    banner = ""  # the problems of this build, as HTML for every page
    nav: list[Any] | None = None  # the last valid preview's navigation
    pages: Pages | None = None
    docs: DocsFolder | None = None

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Having this event keeps the plugin across rebuilds (MkDocs makes the
        others anew), so that a rebuild keeps the last navigation, pages and
        search entries."""
        self.full = True  # the next build builds every page
        self.changed: set[str] = set()  # docs files written or removed for this build
        self.outputs: dict[str, str] = {}  # docs file -> its output, as last built
        self.built: set[str] = set()  # the pages (urls) this build built
        self.order: list[str] = []  # every page (url), in MkDocs' order
        self.entries: dict[str, list[Any]] = {}  # search entries by page url
        self.compiled = _Compiled()
        self.next_build: Path | None = None  # a file whose change makes the server build again
        self.held = False  # changed pages were left for the next build
        self.first_built: set[str] = set()  # the pages a quick build wrote

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.project = Project.find(Path(config.config_file_path or ".").parent)
        as_markup(config)
        config.docs_dir = str(self.project.work_dir / SERVE_DOCS)
        (self.project.work_dir / SERVE_DOCS).mkdir(parents=True, exist_ok=True)
        watched = [
            self.project.accounts_dir,
            self.project.templates_dir,
            self.project.docs_dir,
            self.project.settings_file,
        ]
        config.watch.extend(str(p) for p in watched if p.exists() and str(p) not in config.watch)
        # MkDocs loads the config, and so this plugin, afresh for every rebuild.
        config.plugins[STAGES] = Stages(self.say)
        config.plugins[DRAWINGS] = Drawings()
        self.docs = self.docs or DocsFolder(Path(config.docs_dir))
        if self.pages is None:
            self.pages = SERVING.get(config.config_file_path or "") or self._own_preview()
        return config

    def _own_preview(self) -> Pages:
        preview = app.Preview(self.project, visibility=Visibility(self.config.visibility), progress=self.say)
        return lambda quick: (*preview(dt.date.today(), quick=quick), preview.behind)

    @property
    def say(self) -> app.Progress:
        return _say if self.config.progress else _silent

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        # MkDocs watches the docs folder; only this plugin writes it, before
        # the build that reads it, so a watch would only build again.
        server.unwatch(config.docs_dir)
        self.next_build = self.project.work_dir / "serve-next"
        self.next_build.touch()
        server.watch(str(self.next_build))
        # Answer only requests for this machine's preview (DNS rebinding), and
        # a bad path with 400 rather than a server error.
        served = server.get_app()
        assert served is not None  # LiveReloadServer sets its app when it is made
        server.set_app(guarded(showing(served, lambda: self.banner), int(config.dev_addr.port)))
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self.pages is not None  # set in on_config
        # A change the last build held back is built now, in full; a new
        # change first builds its account pages, quickly.
        follow_up, self.held = self.held, False
        quick = not (self.full or follow_up) and self.next_build is not None
        problems, site, behind = self.pages(quick)
        self.banner = problem_banner(problems)
        for problem in problems:
            (log.error if problem.level is Level.ERROR else log.warning)(str(problem))
        self.changed, self.built = set(), set()
        if site is None:
            # MkDocs' server stops answering after a failed build; keep
            # serving the last valid pages instead, with the problems above.
            log.error("kamgen: fix the errors above; the preview shows the last valid version")
        else:
            self._sync(site, quick=quick, behind=behind, follow_up=follow_up)
        config.nav = self.nav
        if self.full:
            # A dirty build into an empty folder is a full build.
            utils.clean_directory(config.site_dir)

    def _sync(self, site: Site, *, quick: bool, behind: bool, follow_up: bool) -> None:
        """The pages into the docs folder; the changed account pages first
        (and any new page, since MkDocs links only to pages that exist), so
        the page being edited shows its change soon, the summaries after."""
        assert self.docs is not None
        first = _account_page if quick and not behind else None
        synced = self.docs.sync(self.project, site.pages, first)
        self.changed = {*synced.written, *synced.removed}
        if follow_up and synced.created:
            # Pages built before these existed linked to nothing.
            self.changed |= self.first_built
        self.first_built = set(synced.written) if quick else set()
        self.held = bool(synced.held) or behind
        nav = nav_config(site.nav)
        self.full = self.full or synced.handwritten or nav != self.nav
        self.nav = nav

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        outputs = {f.src_uri: f.abs_dest_path for f in files}
        if not self.full:
            gone = [dest for src, dest in self.outputs.items() if src not in outputs]
            changed = [outputs[src] for src in self.changed if src in outputs]
            for dest in gone + changed:
                Path(dest).unlink(missing_ok=True)  # MkDocs builds a page without output again
        self.outputs = outputs
        self.order = [f.url for f in files.documentation_pages()]
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav_pages = nav.pages
        return nav

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        env.bytecode_cache = self.compiled
        # A page in the navigation without a title there is named by its
        # heading, which a dirty build reads only for the pages it builds.
        for page in self.nav_pages:
            if page.markdown is None and page.title is None:
                _populate_page(page, config, files)
        return env

    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        self.built.add(page.url)
        return context

    @event_priority(100)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # A search plugin this does not know: build it all each time.
        self.full = not self._keep_search_entries(config)
        if self.held and self.next_build is not None:
            self.say("MkDocs: the summary pages next")
            self.next_build.write_text(str(dt.datetime.now()), encoding="utf-8")

    def _keep_search_entries(self, config: MkDocsConfig) -> bool:
        """Material's search index of a dirty build holds the pages it built:
        add the entries of the others from the builds before, in the order a
        full build gives them. False for a search plugin it does not know."""
        search = next((p for name, p in config.plugins.items() if name.split("/")[-1] == "search"), None)
        if search is None:
            return True
        index: Any = getattr(search, "search_index", None)
        entries = getattr(index, "entries", None)
        if not isinstance(entries, list) or not hasattr(search, "search_index_prev"):
            return False
        fresh: dict[str, list[Any]] = {}
        for entry in entries:
            fresh.setdefault(str(entry["location"]).split("#", 1)[0], []).append(entry)
        kept = {} if self.full else self.entries
        kept.update({url: fresh.get(url, []) for url in self.built})
        self.entries = {url: kept[url] for url in self.order if url in kept}
        index.entries = [entry for page in self.entries.values() for entry in page]
        search.search_index_prev = None  # its own merge assumes one page
        return True
