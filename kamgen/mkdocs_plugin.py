"""A thin MkDocs plugin for live preview: re-render before every build.

``kamgen serve`` runs ``mkdocs serve`` with this plugin. Before each build
the plugin asks :func:`kamgen.app.preview` for the pages, syncs the generated pages
into the docs folder and sets the navigation; MkDocs then rebuilds and the
browser reloads. Problems are logged, and shown on every page in a box
until they are fixed; on errors the last valid pages stay underneath. Unless
quiet, the plugin also says the stages of each rebuild (see ``site.Stages``).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any, Literal

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page

from kamgen import app
from kamgen.guard import guarded
from kamgen.problems import Level
from kamgen.project import Project
from kamgen.schema import Visibility
from kamgen.site import STAGES, Stages, as_markup, nav_config, problem_banner, with_banner, write_docs

log = logging.getLogger("mkdocs.plugins.kamgen")


class KamgenConfig(Config):  # type: ignore[no-untyped-call]
    visibility = c.Choice([v.value for v in Visibility], default=Visibility.INTERNAL.value)
    progress = c.Type(bool, default=True)


def _say(message: str) -> None:
    print(f"kamgen: {message}", file=sys.stderr, flush=True)


def _silent(message: str) -> None:
    pass


class KamgenPlugin(BasePlugin[KamgenConfig]):  # type: ignore[no-untyped-call]
    project: Project
    banner = ""  # the problems of this build, as HTML for every page
    nav: list[Any] | None = None  # the last valid preview's navigation

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Having this event keeps the plugin across rebuilds (MkDocs makes the
        others anew), so that a rebuild with errors keeps the last navigation."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.project = Project.find(Path(config.config_file_path or ".").parent)
        as_markup(config)
        config.docs_dir = str(self.project.work_dir / "docs")
        (self.project.work_dir / "docs").mkdir(parents=True, exist_ok=True)
        watched = [
            self.project.accounts_dir,
            self.project.templates_dir,
            self.project.docs_dir,
            self.project.settings_file,
        ]
        config.watch.extend(str(p) for p in watched if p.exists() and str(p) not in config.watch)
        # MkDocs loads the config, and so this plugin, afresh for every rebuild.
        config.plugins[STAGES] = Stages(self.say)
        return config

    @property
    def say(self) -> app.Progress:
        return _say if self.config.progress else _silent

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        # Answer only requests for this machine's preview (DNS rebinding), and
        # a bad path with 400 rather than a server error.
        served = server.get_app()
        assert served is not None  # LiveReloadServer sets its app when it is made
        server.set_app(guarded(served, int(config.dev_addr.port)))
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        problems, site = app.preview(
            self.project,
            today=dt.date.today(),
            visibility=Visibility(self.config.visibility),
            progress=self.say,
        )
        self.banner = problem_banner(problems)
        for problem in problems:
            (log.error if problem.level is Level.ERROR else log.warning)(str(problem))
        if site is None:
            # MkDocs' server stops answering after a failed build; keep
            # serving the last valid pages instead, with the problems above.
            log.error("kamgen: fix the errors above; the preview shows the last valid version")
        else:
            write_docs(self.project, site.pages)
            self.nav = nav_config(site.nav)
        config.nav = self.nav

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        return with_banner(output, self.banner)
