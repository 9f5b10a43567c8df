"""Building the site and the portfolio report."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kamgen import codes, outdir
from kamgen import report as reports
from kamgen.app.progress import Progress, _quiet
from kamgen.app.rendering import render, template_problem
from kamgen.model import Portfolio
from kamgen.pipeline import Result, load
from kamgen.problems import Level, Problem
from kamgen.progress import Ticker
from kamgen.project import Project
from kamgen.schema import Visibility

if TYPE_CHECKING:
    # Rendering (Jinja, drawings, Markdown) is imported by the use cases that
    # render: validate, run by a pre-commit hook on every commit, never needs it.
    from kamgen.render import Memo, Page, Site


# ------------------------------------------------------------------ build


@dataclass
class Built:
    """What a build did: its problems, and where the site went if it was built."""

    problems: list[Problem] = field(default_factory=list)
    site_dir: Path | None = None
    engine_error: str | None = None  # why the site engine refused, if it did
    accounts: int = 0
    pages: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.site_dir is not None


def build(
    project: Project,
    site_dir: Path | None = None,
    *,
    today: dt.date,
    visibility: Visibility = Visibility.INTERNAL,
    progress: Progress = _quiet,
) -> Built:
    """Validate, render and build the site; on any error the old site stays."""
    from kamgen.render import TemplateFailed
    from kamgen.site import BuildError, build_site

    started = time.perf_counter()
    shown = project.display(site_dir) if site_dir else "site"
    try:
        target = outdir.check_site_dir(site_dir or project.root / "site", project.root)
    except outdir.UnsafeSiteDir as exc:
        refused = f"refusing to build into {shown}: {exc}"
        return Built([Problem(shown, 1, 1, Level.ERROR, codes.SITE_DIR.code, refused)])
    result = _validated(project, progress)
    if not result.ok or result.portfolio is None:
        return Built(result.problems)
    portfolio = result.portfolio
    try:
        site = _rendered(project, portfolio, today, visibility, progress)
    except TemplateFailed as exc:
        return Built([*result.problems, template_problem(project, exc)])
    try:
        with _settled_heap():
            build_site(project, portfolio.settings, site, target, progress)
    except BuildError as exc:
        return Built(result.problems, engine_error=str(exc))
    seconds = time.perf_counter() - started
    return Built(
        result.problems, target, accounts=len(portfolio.accounts), pages=len(site.pages), seconds=seconds
    )


@contextlib.contextmanager
def _settled_heap() -> Iterator[None]:
    """The loaded portfolio and the rendered pages live until the build ends:
    the cyclic collector need not scan them again on every collection while
    MkDocs runs (it took a twentieth of a build)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _validated(project: Project, progress: Progress) -> Result:
    result = load(project, progress=Ticker(progress, "validating accounts"))
    if result.portfolio is not None:
        progress(f"validated {len(result.portfolio.accounts)} account(s)")
    return result


def _rendered(
    project: Project,
    portfolio: Portfolio,
    today: dt.date,
    visibility: Visibility,
    progress: Progress,
    *,
    history: bool = True,
    memo: Memo | None = None,
    summaries: list[Page] | None = None,
) -> Site:
    ticker = Ticker(progress, "rendering account pages")
    site = render(
        project,
        portfolio,
        today=today,
        visibility=visibility,
        history=history,
        progress=ticker,
        memo=memo,
        summaries=summaries,
    )
    # Pages, not the drawings and stylesheet that go with them.
    progress(f"rendered {sum(p.path.endswith('.md') for p in site.pages)} page(s)")
    return site


# ------------------------------------------------------------------ report


def report(
    project: Project, *, today: dt.date, visibility: Visibility = Visibility.INTERNAL, fmt: str = "text"
) -> tuple[Result, str | None]:
    """The portfolio report in ``fmt``, or None when the files have errors."""
    result = load(project)
    if result.portfolio is None:
        return result, None
    data = reports.build(result.portfolio, today, visibility)
    return result, reports.FORMATS[fmt](data)
