"""The use cases: validate, render, build, report, diff, init, new, preview and serve.

This is the one place where the pipeline's stages are wired together. The
CLI, the MkDocs plugin and the benchmark call these functions and only
present what they return; none of them loads, renders or builds by itself,
so a preview is built exactly as ``kamgen build`` builds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kamgen import changes, codes, newfiles, outdir, scaffold, snapshots
from kamgen import history as histories
from kamgen import report as reports
from kamgen.analytics import assess
from kamgen.cache import CACHE_DIR, Store
from kamgen.guard import check_port
from kamgen.incremental import PerAccount, check, default_jobs
from kamgen.labels import Labels
from kamgen.model import AccountRecord, Portfolio
from kamgen.pipeline import Result, load, load_account
from kamgen.problems import Level, Problem, sort_problems
from kamgen.progress import Tick, Ticker, no_tick
from kamgen.project import Project
from kamgen.rule import Finding
from kamgen.schema import FindingLevel, Language, Settings, Visibility
from kamgen.vcs import WORKTREE, GitUnavailable, Repo

if TYPE_CHECKING:
    # Rendering (Jinja, drawings, Markdown) is imported by the use cases that
    # render: validate, run by a pre-commit hook on every commit, never needs it.
    from kamgen.render import Memo, Page, Site, TemplateFailed

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


# ------------------------------------------------------------------ validate


def validate(
    project: Project,
    paths: Sequence[Path] | None = None,
    *,
    health_on: dt.date | None = None,
    changed_since: str | None = None,
    cache: bool = True,
    jobs: int | None = None,
) -> Result:
    """Everything `kamgen validate` reports: problems in the files and, with
    ``health_on``, the health findings as of that day; with ``changed_since``
    (a Git revision), only the findings the change since then introduced.

    The portfolio is not kept (``portfolio`` is None; ``accounts`` counts
    the valid ones) except with ``changed_since``, which compares it. With
    ``cache`` (the default), a file unchanged since the last run, under the
    same settings, day and kamgen, is not worked out again (``.kamgen/cache``);
    the others are worked out by up to ``jobs`` processes (default: a core each)."""
    if changed_since is None:
        health = None
        if health_on is not None:
            day = health_on
            health = PerAccount(f"health {day.isoformat()}", lambda r, s: _record_health(r, s, day))
        planted = committed_cache(project)
        store = Store(project.work_dir / CACHE_DIR) if cache and planted is None else None
        result = check(project, paths, per_account=health, store=store, jobs=jobs or default_jobs())
        if planted is not None:
            result.problems = sort_problems([*result.problems, planted])
        return result
    result = load(project, paths)
    if health_on is not None and result.portfolio is not None:
        found = _introduced_problems(project, result.portfolio, changed_since, health_on)
        result.problems = sort_problems(result.problems + found)
    return result


def committed_cache(project: Project) -> Problem | None:
    """Why kamgen must not read its caches, if it must not: files in
    ``.kamgen/`` that Git tracks came from the repository, so a pull request
    could have planted entries that hide problems or invent history."""
    try:
        repo = Repo.of(project.root)
        committed = repo.tracked(repo.prefix(project.work_dir))
    except (GitUnavailable, ValueError):
        return None  # no repository: the folder is the user's own
    if not committed:
        return None
    shown = project.display(project.work_dir)
    message = (
        f"{len(committed)} file(s) in {shown}/ are committed to Git, such as {committed[0]}; "
        f"kamgen reads no cache from there. Remove them with `git rm -r --cached {shown}`"
    )
    return Problem(shown, 1, 1, Level.WARNING, codes.COMMITTED_WORK_DIR.code, message)


def _introduced_problems(project: Project, portfolio: Portfolio, rev: str, today: dt.date) -> list[Problem]:
    """Health findings in the accounts changed since ``rev`` that were not
    there at ``rev``, both judged on ``today``: a pull request is blamed for
    what it did, not for the calendar."""
    try:
        repo = Repo.of(project.root)
        change = snapshots.touched(repo, project, rev)
        base = snapshots.at(repo, project, rev, None if change.settings else change.before)
    except GitUnavailable as exc:
        return [git_problem(project, exc)]
    touched = change.account_ids
    before = {rec.id: rec for rec in base.result.portfolio.accounts} if base.result.portfolio else {}
    old_id = {new: old for old, new in change.renamed.items()}
    settings = base.result.portfolio.settings if base.result.portfolio else None

    fresh: dict[str, list[Finding]] = {}

    def new(record: AccountRecord, finding: Finding) -> bool:
        if touched is not None and record.id not in touched:
            return False
        if record.id not in fresh:
            prev = before.get(old_id.get(record.id, record.id))
            fresh[record.id] = changes.introduced(prev, record, settings, portfolio.settings, today)
        return finding in fresh[record.id]

    return health_problems(portfolio, today, keep=new)


# Problems are read in CI logs and pull-request annotations: in English.
_EN = Labels(Language.EN)
_LEVELS = {
    FindingLevel.ERROR: Level.ERROR,
    FindingLevel.WARNING: Level.WARNING,
    FindingLevel.INFO: Level.INFO,
}


def health_problems(
    portfolio: Portfolio, today: dt.date, keep: Callable[[AccountRecord, Finding], bool] | None = None
) -> list[Problem]:
    """Health findings as problems, at the line they concern, at the level the
    settings give each code (warning by default; `off` leaves it out); only
    those ``keep`` accepts, if given."""
    problems = []
    for record in portfolio.accounts:
        problems += _record_health(record, portfolio.settings, today, keep)
    return sort_problems(problems)


def _record_health(
    record: AccountRecord,
    settings: Settings,
    today: dt.date,
    keep: Callable[[AccountRecord, Finding], bool] | None = None,
) -> list[Problem]:
    levels = settings.health.levels
    problems = []
    for finding in assess(record, settings, today).findings:
        level = levels.get(finding.code, FindingLevel.WARNING)
        if level is FindingLevel.OFF or (keep is not None and not keep(record, finding)):
            continue
        line, col = record.where(finding.path)
        message = f"{_EN.finding(finding)}; next step: {_EN.next_step(finding)}"
        problems.append(Problem(record.path, line, col, _LEVELS[level], finding.code, message))
    return problems


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
    progress(f"rendered {len(site.pages)} page(s)")
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


# ------------------------------------------------------------------ diff


@dataclass
class Diffed:
    """What `kamgen diff` found, or the problems that kept it from comparing."""

    problems: list[Problem] = field(default_factory=list)
    diff: changes.Diff | None = None


def git_problem(project: Project, exc: GitUnavailable) -> Problem:
    return Problem(project.display(project.root), 1, 1, Level.ERROR, codes.GIT.code, str(exc))


def diff(
    project: Project,
    base: str | None = None,
    head: str | None = None,
    *,
    today: dt.date,
    visibility: Visibility = Visibility.INTERNAL,
) -> Diffed:
    """The changes from ``base`` (default: where HEAD left the default
    branch) to ``head`` (default: the working tree), account by account."""
    try:
        repo = Repo.of(project.root)
        base_name = base or repo.default_branch()
        base_rev = base or repo.merge_base(base_name, "HEAD")
        head_rev = head or WORKTREE
        change = snapshots.touched(repo, project, base_rev, head_rev)
        before = snapshots.at(repo, project, base_rev, None if change.settings else change.before)
        after = snapshots.at(repo, project, head_rev, None if change.settings else change.after)
    except GitUnavailable as exc:
        return Diffed([git_problem(project, exc)])
    problems = sort_problems(before.result.problems + after.result.problems)
    if before.result.portfolio is None or after.result.portfolio is None:
        return Diffed(problems)
    old, new = before.result.portfolio, after.result.portfolio
    found = changes.compare(old, new, today=today, level=visibility, renamed=change.renamed)
    team = {m.id: m.name for m in new.settings.team}
    return Diffed(
        problems,
        changes.Diff(
            base_name,
            before.commit,
            head,
            after.commit,
            today,
            visibility,
            tuple(found),
            team,
            merge_base=base is None,
        ),
    )


# ------------------------------------------------------------------ init


def init(root: Path, ci: str = "github") -> tuple[list[str], list[Problem]]:
    """A new project in ``root`` with the CI configuration for ``ci``: the
    files written, or why none were."""
    files = scaffold.starter_files(ci)
    there = scaffold.existing(root, files)
    if there:
        why = "exists already; kamgen init never overwrites a file"
        return [], [Problem(path, 1, 1, Level.ERROR, codes.INIT_EXISTS.code, why) for path in there]
    return scaffold.write(root, files), []


# ------------------------------------------------------------------ new


def new_account(project: Project, new_id: str, name: str | None = None) -> tuple[str | None, list[Problem]]:
    """`kamgen new account`: the file written, or why none was."""
    return newfiles.new_account(project, new_id, name)


def new_item(
    project: Project, kind: str, account: str, new_id: str, name: str | None = None
) -> tuple[str | None, list[Problem]]:
    """`kamgen new stakeholder|interest|goal|action`: the file changed, or why it was not."""
    return newfiles.new_item(project, kind, account, new_id, name)


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
            self._settings = settings
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
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
