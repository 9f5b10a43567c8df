"""The live preview: pages for `kamgen serve`, re-rendered only where an edit reaches, and the server."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kamgen.app.building import _rendered
from kamgen.app.progress import Progress, _quiet
from kamgen.app.rendering import template_problem
from kamgen.guard import check_port
from kamgen.model import AccountRecord
from kamgen.pipeline import Result, load, load_account
from kamgen.problems import Problem
from kamgen.progress import Ticker
from kamgen.project import Project
from kamgen.schema import Settings, Visibility

# A file read within this long of its last change is read again next time:
# file times move in steps of the kernel's clock tick, and some file systems'
# in steps of a second or two.
RACY_NS = 3_000_000_000

if TYPE_CHECKING:
    # Rendering (Jinja, drawings, Markdown) is imported by the use cases that
    # render: validate, run by a pre-commit hook on every commit, never needs it.
    from kamgen.render import Page, Site


# ------------------------------------------------------------------ preview


def preview(
    project: Project, *, today: dt.date, visibility: Visibility, progress: Progress = _quiet
) -> tuple[list[Problem], Site | None]:
    """The pages a live preview shows now, or None (keep the last) on errors."""
    return Preview(project, visibility=visibility, progress=progress)(today)


class Preview:
    """The live preview's pages, worked out again only where files changed.

    It keeps what it loaded from each account file (by the file's content,
    under the same settings) and what it rendered from each account (see
    :class:`kamgen.render.Memo`), so saving one account reloads that file and
    renders its page and the portfolio pages; the pages equal a fresh
    :func:`render` of the same files. A changed template renders all again.
    """

    def __init__(self, project: Project, *, visibility: Visibility, progress: Progress = _quiet) -> None:
        self.project, self.visibility, self.progress = project, visibility, progress
        self._settings: Settings | None = None
        self._files: dict[Path, tuple[bytes, AccountRecord | None, list[Problem]]] = {}
        # Each file's status when last read, when, and its content's digest.
        self._stats: dict[Path, tuple[tuple[int, ...], int, bytes]] = {}
        from kamgen.render import Memo

        self._memo = Memo()
        self._templates: list[tuple[str, int, int]] = []
        self._seen: list[tuple[Path, bytes | None]] = []  # the files this load read
        self._last: tuple[tuple[object, ...], Site] | None = None  # what the last pages came from
        self._summaries: list[Page] = []  # the portfolio pages of the last full render
        self.behind = False  # the last pages hold portfolio pages from before

    def load(self) -> Result:
        """The settings and accounts as :func:`kamgen.pipeline.load` gives them."""
        ticker = Ticker(self.progress, "validating accounts")
        self._seen = []
        result = load(self.project, progress=ticker, load_one=self._load_one)
        if result.portfolio is not None:
            self.progress(f"validated {len(result.portfolio.accounts)} account(s)")
        return result

    def _load_one(
        self, project: Project, path: Path, settings: Settings | None
    ) -> tuple[AccountRecord | None, list[Problem]]:
        if settings is not self._settings:
            if settings is None or settings != self._settings:
                self._files.clear()  # every account is read under the settings
                self._stats.clear()
            self._settings = settings
        try:
            digest = self._digest(path)
        except OSError:
            self._seen.append((path, None))
            return load_account(project, path, settings)  # the loader says why
        self._seen.append((path, digest))
        kept = self._files.get(path)
        if kept is not None and kept[0] == digest:
            return kept[1], list(kept[2])
        record, problems = load_account(project, path, settings)
        self._files[path] = (digest, record, list(problems))
        return record, problems

    def _digest(self, path: Path) -> bytes:
        """The digest of a file's content, read again only when the file may
        have changed: its status (size, times, inode) differs from the last
        read, or the last read came so soon after a change that a second
        change within the clock's granularity would not show in the times
        (Git's "racily clean" rule)."""
        st = path.stat()
        status = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        known = self._stats.get(path)
        settled = known is not None and known[1] - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS
        if known is not None and settled and known[0] == status:
            return known[2]
        read_at = time.time_ns()
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        self._stats[path] = (status, read_at, digest)
        return digest

    def _template_files(self) -> list[tuple[str, int, int]]:
        folder = self.project.templates_dir
        if not folder.is_dir():
            return []
        stats = ((p, p.stat()) for p in sorted(folder.rglob("*")) if p.is_file())
        return [(p.as_posix(), st.st_mtime_ns, st.st_size) for p, st in stats]

    def __call__(self, today: dt.date, *, quick: bool = False) -> tuple[list[Problem], Site | None]:
        """The pages to show now, or None (keep the last) on errors. ``quick``
        when only account files changed: the portfolio pages are the last
        ones, not rendered again, and :attr:`behind` is set until a call
        that is not quick renders them."""
        from kamgen.render import STYLESHEET, Memo, TemplateFailed, account_page_path

        result = self.load()
        if result.portfolio is None:
            return result.problems, None
        templates = self._template_files()
        if templates != self._templates:
            self._memo, self._templates = Memo(), templates
        method = self.project.method_pages(result.portfolio.settings.language)
        came_from = (result.portfolio.settings, today, tuple(self._seen), tuple(templates), tuple(method))
        if self._last is not None and self._last[0] == came_from and None not in dict(self._seen).values():
            self.behind = False
            return result.problems, self._last[1]  # nothing changed: the same pages
        # Only account files changed: everything else is as last time.
        accounts_only = self._last is not None and all(self._last[0][i] == came_from[i] for i in (0, 1, 3, 4))
        summaries = self._summaries if quick and accounts_only and not self.behind else None
        try:
            # The preview re-renders on every save: it skips Git history for speed.
            site = _rendered(
                self.project,
                result.portfolio,
                today,
                self.visibility,
                self.progress,
                history=False,
                memo=self._memo,
                summaries=summaries,
            )
        except TemplateFailed as exc:
            self._memo, self._last = Memo(), None
            return [*result.problems, template_problem(self.project, exc)], None
        if summaries is not None:
            self.behind = True  # and _last stays: the next call renders them
            return result.problems, site
        self.behind = False
        self._last = (came_from, site)
        accounts = {account_page_path(rec.id) for rec in result.portfolio.accounts} | {STYLESHEET}
        self._summaries = [page for page in site.pages if page.path not in accounts]
        return result.problems, site


def serve(
    project: Project,
    dev_addr: str,
    *,
    visibility: Visibility = Visibility.INTERNAL,
    progress: Progress | None = None,
    on_ready: Callable[[Result], None] = print,
) -> Result:
    """Live preview for readers cleared to ``visibility``: check the project,
    tell ``on_ready``, then hand over to the engine's server, which asks a
    :class:`Preview` for the pages before every rebuild; quiet without ``progress``."""
    from kamgen.render import restricted_banner
    from kamgen.site import serve as serve_site

    check_port(dev_addr)
    preview = Preview(project, visibility=visibility, progress=progress or _quiet)
    # The files read here are not read again for the first build.
    result = preview.load()
    on_ready(result)
    if result.portfolio is not None:
        settings = result.portfolio.settings
        banner = restricted_banner(settings.language, visibility)
        serve_site(
            project,
            settings,
            dev_addr,
            visibility=visibility,
            banner=banner,
            quiet=progress is None,
            pages=lambda quick: (*preview(dt.date.today(), quick=quick), preview.behind),
        )
    return result
