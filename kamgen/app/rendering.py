"""Rendering a loaded project into engine-neutral pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from kamgen import codes
from kamgen import history as histories
from kamgen.app.checking import committed_cache
from kamgen.model import Portfolio
from kamgen.problems import Level, Problem
from kamgen.progress import Tick, no_tick
from kamgen.project import Project
from kamgen.schema import Settings, Visibility

if TYPE_CHECKING:
    # Rendering (Jinja, drawings, Markdown) is imported by the use cases that
    # render: validate, run by a pre-commit hook on every commit, never needs it.
    from kamgen.render import Memo, Page, Site, TemplateFailed


# ------------------------------------------------------------------ render


def edit_base(settings: Settings) -> str | None:
    """Where 'edit this account' links point: repo_url + edit_uri + file path."""
    if not (settings.site.repo_url and settings.site.edit_uri):
        return None
    return f"{settings.site.repo_url.rstrip('/')}/{settings.site.edit_uri.strip('/')}"


def render(
    project: Project,
    portfolio: Portfolio,
    *,
    today: dt.date,
    visibility: Visibility = Visibility.INTERNAL,
    progress: Tick = no_tick,
    history: bool = True,
    memo: Memo | None = None,
    summaries: list[Page] | None = None,
) -> Site:
    """Every generated page of a loaded project, for readers cleared to ``visibility``;
    with ``history`` (and `history.enabled` in the settings), read from Git;
    with a ``memo`` of the last render, only what changed is worked again."""
    from kamgen.render import render_site

    settings = portfolio.settings
    read = history and settings.history.enabled
    # A cache that came from the repository is not read (see committed_cache).
    cache = None if read and committed_cache(project) else project.work_dir / "history.cache"
    past = histories.read(project, portfolio, visibility, cache=cache) if read else None
    return render_site(
        portfolio,
        project.templates_dir,
        today=today,
        edit_base=edit_base(settings),
        visibility=visibility,
        method_pages=project.method_pages(settings.language),
        progress=progress,
        history=past,
        memo=memo,
        summaries=summaries,
    )


def template_problem(project: Project, exc: TemplateFailed) -> Problem:
    shown = project.display(Path(exc.template))
    return Problem(shown, exc.line, 1, Level.ERROR, codes.TEMPLATE_ERROR.code, exc.message)
