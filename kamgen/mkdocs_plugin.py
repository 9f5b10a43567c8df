"""A thin MkDocs plugin for live preview: re-render before every build.

``kamgen serve`` runs ``mkdocs serve`` with this plugin. Before each build
the plugin asks :func:`kamgen.app.preview` for the pages, syncs the generated pages
into the docs folder and sets the navigation; MkDocs then rebuilds and the
browser reloads. Problems are logged; on errors the last valid pages stay.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin

from kamgen import app
from kamgen.guard import guarded
from kamgen.problems import Level
from kamgen.project import Project
from kamgen.schema import Visibility
from kamgen.site import as_markup, nav_config, write_docs

log = logging.getLogger("mkdocs.plugins.kamgen")


class KamgenConfig(Config):  # type: ignore[no-untyped-call]
    visibility = c.Choice([v.value for v in Visibility], default=Visibility.INTERNAL.value)


class KamgenPlugin(BasePlugin[KamgenConfig]):  # type: ignore[no-untyped-call]
    project: Project

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
        return config

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        # Answer only requests for this machine's preview (DNS rebinding), and
        # a bad path with 400 rather than a server error.
        served = server.get_app()
        assert served is not None  # LiveReloadServer sets its app when it is made
        server.set_app(guarded(served, int(config.dev_addr.port)))
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        problems, site = app.preview(
            self.project, today=dt.date.today(), visibility=Visibility(self.config.visibility)
        )
        for problem in problems:
            (log.error if problem.level is Level.ERROR else log.warning)(str(problem))
        if site is None:
            # MkDocs' server stops answering after a failed build; keep
            # serving the last valid pages instead, with the problems above.
            log.error("kamgen: fix the errors above; the preview shows the last valid version")
            return
        write_docs(self.project, site.pages)
        config.nav = nav_config(site.nav)
