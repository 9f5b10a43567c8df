"""A thin MkDocs plugin for live preview: re-render before every build, and
rebuild only the pages a change reaches.

``kamgen serve`` runs ``mkdocs serve --dirty`` with this plugin. Before each
build the plugin asks for the pages (a :class:`kamgen.app.Preview`, which
works out again only what the changed files reach), syncs them into the
docs folder and sets the navigation. Changed account pages go first: when
summary pages changed too, they wait for a second build, which the plugin
sets off at once, so the page being edited shows its change without
waiting for the portfolio's largest pages. When only existing account pages
change, not even MkDocs' build comes first: the plugin, as the server's
builder, writes those pages with what the last build made (MkDocs' own page
functions, so every plugin's page events run) and the second build brings
the rest; on a large portfolio MkDocs' build spends seconds around the one
page it builds (listing files, navigation, search index). Then the plugin
makes MkDocs' dirty build exact: the output of every page whose source
changed is removed, so MkDocs builds it again, and only it; the output of a
page that is gone is removed; everything is built again when the navigation
or a hand-written doc changed (each page shows the navigation); and the
search index keeps the entries of the pages not built again. The pages served equal a full build's.

Problems are logged, and shown on every page in a box until they are fixed
(put in by the server, so no page is built for them); on errors the last
valid pages stay underneath. Unless quiet, the plugin also says the stages
of each rebuild (see ``site.Stages``).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2
from mkdocs import utils
from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from kamgen import app
from kamgen.guard import guarded
from kamgen.problems import Level, Problem
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
    Plan,
    Stages,
    add_build_plugins,
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


@dataclass(frozen=True)
class _Built:
    """What a finished build was made of, for writing a page without a build."""

    config: MkDocsConfig
    files: list[File]  # every file, drawings included
    nav: Navigation
    env: jinja2.Environment


# At most this many edited pages are written ahead of a build.
EDITED_FIRST = 20


def _pages_of(plan: Plan, files: list[File]) -> list[File]:
    """The account pages ``plan`` writes, as the last build's files, when
    it writes nothing else but drawings and removes nothing now (a drawing is
    a new file when it changes: the one it replaces goes in the next sync);
    else none."""
    synced = plan.synced
    pages = [rel for rel in synced.written if not rel.endswith(".svg")]
    if synced.removed or synced.handwritten or not pages or len(pages) > EDITED_FIRST:
        return []
    by_uri = {f.src_uri: f for f in files if f.page is not None}
    found = [
        by_uri[rel] for rel in pages if _account_page(rel) and rel in by_uri and rel not in synced.created
    ]
    return found if len(found) == len(pages) else []


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
        self.last: _Built | None = None  # what the last build that finished was made of
        self.seen: list[File] = []  # this build's files, before any plugin left some out
        self.answer: tuple[list[Problem], Site | None, bool] | None = None  # pages asked for already
        self.early: set[str] = set()  # account pages written ahead of a build (see _edited_first)
        self.generated: set[str] = set()  # the pages kamgen wrote into the docs folder

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
        add_build_plugins(config.plugins, self.generated, self.say, dirty=True)
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
        # A change that reaches account pages alone shows them without a build first.
        server.builder = functools.partial(self._rebuild, server.builder)
        # Answer only requests for this machine's preview (DNS rebinding), and
        # a bad path with 400 rather than a server error.
        served = server.get_app()
        assert served is not None  # LiveReloadServer sets its app when it is made
        server.set_app(guarded(showing(served, lambda: self.banner), int(config.dev_addr.port)))
        return server

    def _rebuild(self, build: Callable[[], None]) -> None:
        """The server's builder: MkDocs' ``build`` unless :meth:`_edited_first` did."""
        try:
            done = self._edited_first()
        except Exception as exc:  # MkDocs logged which page; the build says it again, or builds it
            log.warning(f"kamgen: building instead of writing the edited page first ({exc})")
            self.last, done = None, False
        try:
            if not done:
                build()
        finally:
            self.answer = None

    def _edited_first(self) -> bool:
        """When a change reaches only account pages that exist, write those
        pages now, with what the last build made (config, files, navigation,
        theme), as MkDocs builds a page; and set off the build that brings
        the rest (portfolio pages, search index), which builds them again.
        MkDocs' build spends seconds on a large portfolio before and after
        its pages (the config, listing every file, the navigation, the
        search index): the page being edited need not wait for that. False
        when the change is anything else: then MkDocs builds."""
        last, docs, next_build, ask = self.last, self.docs, self.next_build, self.pages
        if last is None or docs is None or next_build is None or ask is None or self.full or self.held:
            return False
        self.answer = problems, site, _behind = ask(True)
        if site is None:
            return False
        plan = docs.plan(self.project, site.pages, _account_page)
        pages = _pages_of(plan, last.files) if nav_config(site.nav) == self.nav else None
        if not pages:
            return False
        self.answer = None
        self._show(problems)
        synced = docs.apply(plan)
        self.early |= {file.src_uri for file in pages}
        config = last.config
        files = Files(
            [
                *(f for f in last.files if f.src_uri not in synced.created),
                *(
                    File(rel, config.docs_dir, config.site_dir, config.use_directory_urls)
                    for rel in synced.created
                ),
            ]
        )
        config.plugins[DRAWINGS].on_files(files, config=config)  # the new drawings' files
        self.say(f"MkDocs: writing {len(pages)} edited page(s) first")
        for file in pages:
            assert file.page is not None  # a documentation page of the last build
            _populate_page(file.page, config, files)
        shown = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for file in pages:
            assert file.page is not None
            _build_page(file.page, config, shown, last.nav, last.env)
        self.held = True
        self.say("MkDocs: the summary pages next")
        next_build.write_text(str(dt.datetime.now()), encoding="utf-8")
        return True

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self.pages is not None  # set in on_config
        # A change the last build held back is built now, in full; a new
        # change first builds its account pages, quickly.
        follow_up, self.held = self.held, False
        quick = not (self.full or follow_up) and self.next_build is not None
        problems, site, behind = self.answer or self.pages(quick)
        self.answer = None
        self._show(problems)
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

    def _show(self, problems: list[Problem]) -> None:
        self.banner = problem_banner(problems)
        for problem in problems:
            (log.error if problem.level is Level.ERROR else log.warning)(str(problem))

    def _sync(self, site: Site, *, quick: bool, behind: bool, follow_up: bool) -> None:
        """The pages into the docs folder; the changed account pages first
        (and any new page, since MkDocs links only to pages that exist), so
        the page being edited shows its change soon, the summaries after."""
        assert self.docs is not None
        first = _account_page if quick and not behind else None
        synced = self.docs.sync(self.project, site.pages, first)
        self.generated.clear()
        self.generated.update(page.path for page in site.pages)
        # Pages written ahead of this build go into it too: the search index
        # and everything else a build writes besides the page.
        self.changed = {*synced.written, *synced.removed, *self.early}
        self.early = set()
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
        self.seen = list(files)
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.navigation = nav
        self.nav_pages = nav.pages
        return nav

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        self.env = env
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
        self.last = _Built(config, self.seen, self.navigation, self.env)
        if self.held and self.next_build is not None:
            self.say("MkDocs: the summary pages next")
            self.next_build.write_text(str(dt.datetime.now()), encoding="utf-8")

    def on_build_error(self, *, error: Exception) -> None:
        self.last = None

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
