"""Render the portfolio into Markdown pages through overridable Jinja2 templates.

The output is engine-neutral: pages (path, Markdown) plus a navigation tree
that any static-site engine can build. Templates only place values; anything
computed comes from :mod:`kamgen.analytics` or the drawings. Every
``{{ value }}`` is escaped (see :mod:`kamgen.escape`); only Markup made by
kamgen itself, such as its SVG, passes through as is.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import json
import posixpath
import re
import traceback
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from markupsafe import Markup

from kamgen import analytics, escape, refnames, refs, search, workers
from kamgen.drawings import charts, portfolio_matrix, render_map, render_timeline, style
from kamgen.drawings.cards import trend_arrow
from kamgen.history import History
from kamgen.labels import Labels
from kamgen.model import AccountRecord, Portfolio
from kamgen.narrative import render_narrative
from kamgen.progress import Tick, no_tick
from kamgen.rule import Finding
from kamgen.rules import RULES
from kamgen.schema import Language, Link, Visibility, is_http_url


@dataclass(frozen=True)
class Page:
    path: str  # relative to the docs root, forward slashes; a page ends in .md
    content: str


def with_title(title: str, body: str) -> str:
    """Markdown with the page title in front matter, HTML-escaped.

    Site engines derive a page title from the first heading and decode its
    character references on the way (MkDocs into <title>, where
    ``</title><script>`` would then run). An explicit, escaped title is
    used as is, so the title stays text wherever the theme puts it.
    """
    return f"---\ntitle: {json.dumps(str(markupsafe.escape(title)), ensure_ascii=False)}\n---\n\n{body}"


@dataclass(frozen=True)
class NavItem:
    title: str
    path: str | None = None
    children: tuple[NavItem, ...] = ()


@dataclass(frozen=True)
class Site:
    pages: list[Page]
    nav: list[NavItem] = field(default_factory=list)
    stylesheets: list[str] = field(default_factory=list)
    # Words (and their jieba frequencies) for search to keep whole when it
    # segments Chinese text: names (陳杰, not 陳 + 杰) and given names.
    search_terms: dict[str, int] = field(default_factory=dict)
    # The audience the pages were rendered for; every page says it.
    visibility: Visibility = Visibility.INTERNAL
    # The banner a restricted build shows on every page, in the site language.
    banner: str | None = None


# The home page names at most this many accounts (or owners, goals, actions)
# in each of its lists, a few more as points of the matrix, and the first few
# accounts of each health status: its size does not grow with the portfolio.
MATRIX_POINTS = 12
STATUS_NAMES = 5

# kamgen's stylesheet is a template too, so a user can override it.
STYLESHEET = "assets/kamgen.css"


class TemplateFailed(Exception):
    """A template (usually a user's override) failed; where, and why."""

    def __init__(self, template: str, line: int, message: str) -> None:
        super().__init__(f"{template}:{line}: {message}")
        self.template, self.line, self.message = template, line, message


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The template file and line an error came from: Jinja puts template
    lines into the traceback, and syntax errors carry their own."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return (exc.filename or exc.name or "?"), exc.lineno
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2"):
            return frame.filename, frame.lineno or 1
    return None


# Finding parameters that hold an item's id, the kind of item and what names it.
_NAMED_PARAMS: dict[str, tuple[refs.Kind, str]] = {
    "interest": ("interest", "interest"),
    "goal": ("goal", "statement"),
}


def _finding(labels: Labels, finding: Finding, record: AccountRecord | None = None) -> str:
    """``{{ finding(f, rec) }}``: a finding in words, its items by name, never by id
    (without ``rec``, as the CLI says it)."""
    names: dict[str, object] = {}
    for param, (kind, attr) in _NAMED_PARAMS.items():
        item_id = finding.params.get(param)
        item = record.items[kind].get(str(item_id)) if record is not None and item_id is not None else None
        if item is not None:
            names[param] = getattr(item, attr)
    return labels.finding(finding, names)


def make_env(templates_dir: Path | None, labels: Labels) -> jinja2.Environment:
    """User templates in ``templates_dir`` replace packaged ones of the same name."""
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None and templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(templates_dir))
    loaders.append(jinja2.PackageLoader("kamgen", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        finalize=escape.finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        # Each render makes its own environment, so a template cannot change
        # under it: no need to stat the file on every page (2% of a build).
        auto_reload=False,
    )
    env.globals["t"] = labels.label
    env.globals["e"] = labels.enum
    env.globals["finding"] = functools.partial(_finding, labels)
    env.globals["unit"] = labels.unit
    env.globals["ordinal"] = labels.ordinal
    env.globals["next_step"] = labels.next_step
    env.globals["why"] = labels.why
    env.globals["trend_arrow"] = trend_arrow
    env.filters["md"] = escape.text
    env.filters["block"] = escape.md_block
    env.filters["people"] = refnames.people_filter
    env.filters["ref"] = refnames.ref_filter
    env.filters["iso"] = _iso
    env.filters["num"] = _num
    env.filters["given_name"] = search.given_name
    env.filters["extra"] = functools.partial(_extra_value, labels)
    env.filters["weblink"] = _weblink
    env.globals["tag_slug"] = analytics.tag_slug
    env.globals["region_slug"] = analytics.region_slug
    env.globals["link"] = _link
    return env


_link = escape.url


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _num(value: float | None) -> str:
    if value is None:
        return ""
    # Whole numbers for amounts; one decimal where it still means something.
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"


def _extra_value(labels: Labels, value: object) -> Markup:
    """A custom field's value as escaped text: yes/no, a date, a number as
    written (a CRM id 120045 keeps no thousands separator), a list joined."""
    if isinstance(value, list):
        return Markup(", ").join(_extra_value(labels, v) for v in value)
    if isinstance(value, bool):
        return escape.text(labels.label("yes" if value else "no"))
    if isinstance(value, dt.date):
        return escape.text(value.isoformat())
    return escape.text(value)


def _weblink(link: Link) -> Markup:
    """A link as a Markdown link when its address is http(s); else (K211)
    its title and address as text, never something a browser follows."""
    if not is_http_url(link.url):
        return Markup("{} ({})").format(escape.text(link.title), escape.text(link.url))
    # Percent-encode what could end the link destination or start syntax in it.
    href = urllib.parse.quote(link.url, safe="/#:?=&%@+,;-._~[]")
    return Markup("[{}]({})").format(escape.text(link.title), Markup(href))


def account_page_path(account_id: str) -> str:
    return f"accounts/{account_id}.md"


# A drawing is its own file beside the page, embedded as a Markdown image of
# this class: it never passes through Markdown or HTML parsing, and any engine
# builds the page as it is. kamgen's own MkDocs build puts the SVG back in
# place in the finished HTML (site.Drawings), so its links and styles work.
DRAWING_CLASS = "kg-drawing"
_ARIA_LABEL = re.compile(r'<svg\b[^>]*?\baria-label="([^"]*)"')


def drawing_file(folder: str, name: str, svg: str) -> tuple[Markup, Page]:
    """``svg`` as a file in ``folder`` (beside the page ``folder``.md, relative
    to the docs root) and the Markdown that embeds it. The name carries a
    digest of the content, so a changed drawing changes the page that shows it
    (a dirty preview build rebuilds it) and no browser shows a stale copy."""
    digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:12]
    file = f"{name}-{digest}.svg"
    found = _ARIA_LABEL.search(svg)
    alt = escape.text(html.unescape(found.group(1))) if found else ""
    page_dir = folder.rsplit("/", 1)[-1]
    embed = Markup(f"![{alt}]({escape.url(page_dir, '/', file)}){{ .{DRAWING_CLASS} }}")
    return embed, Page(f"{folder}/{file}", svg)


def list_page_path(base: str, number: int) -> str:
    """Page ``number`` of the list at ``base``: ``base.md``, then ``base/2.md``
    (a folder beside the first page, so no id can name it)."""
    return f"{base}.md" if number == 1 else f"{base}/{number}.md"


def root_of(path: str) -> str:
    """The way from a page back to the docs root, for its links."""
    return "../" * path.count("/")


def relative(source: str, target: str) -> str:
    """A link from the page at ``source`` to the page at ``target``."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


@dataclass(frozen=True)
class Pager:
    """A page of a long list: its rows, and links to the other pages (None
    where there is none, such as "previous" on the first page)."""

    rows: analytics.Slice[Any]
    first: str | None
    previous: str | None
    next: str | None
    last: str | None


def pagers(base: str, items: Sequence[Any], size: int) -> list[tuple[str, Pager]]:
    """The pages of a list of ``items`` at ``base``, with their paths."""
    slices = analytics.paginate(items, size)
    paths = [list_page_path(base, s.number) for s in slices]

    def to(here: str, k: int) -> str | None:
        return relative(here, paths[k]) if 0 <= k < len(paths) and paths[k] != here else None

    return [
        (here, Pager(s, to(here, 0), to(here, k - 1), to(here, k + 1), to(here, len(paths) - 1)))
        for k, (here, s) in enumerate(zip(paths, slices, strict=True))
    ]


@dataclass
class Renderer:
    portfolio: Portfolio
    env: jinja2.Environment
    labels: Labels
    today: dt.date
    edit_base: str | None
    # Verdicts from the whole accounts, findings as far as this build may show
    # them (see analytics.visible_health).
    health: Mapping[str, analytics.Health] = field(default_factory=dict)
    # Qualification verdicts, likewise from the whole accounts; the figures
    # behind them only where the build may show them.
    qualification: Mapping[str, analytics.Qualification] = field(default_factory=dict)
    figures_hidden: frozenset[str] = frozenset()
    whole: Mapping[str, AccountRecord] = field(default_factory=dict)
    history: History | None = None  # None: the section is left out

    def common(self) -> dict[str, Any]:
        return {
            "portfolio": self.portfolio,
            "settings": self.portfolio.settings,
            "team": {m.id: m for m in self.portfolio.settings.team},
            "today": self.today,
            # The accounts as written, so that a reference the build left out
            # can be said to be there (refnames), never shown.
            "whole": self.whole,
        }

    def page(self, path: str, template: str, title: str, **values: Any) -> Page:
        try:
            body = self.env.get_template(template).render(**self.common(), **values)
        except Exception as exc:
            where = _template_frame(exc)
            if where is None:
                raise
            raise TemplateFailed(*where, f"{type(exc).__name__}: {exc}") from exc
        return Page(path, with_title(title, body))

    def listing(
        self, base: str, template: str, title: str, items: Sequence[Any], rows: str = "rows", **values: Any
    ) -> list[Page]:
        """A full list, ``page_size`` rows a page, each page with links to the
        others; the page's own rows are also given as ``rows`` (under the name
        a template written before the lists were split knows them by)."""
        size = self.portfolio.settings.pages.page_size
        pages = []
        for path, pager in pagers(base, items, size):
            count = pager.rows.count
            heading = self.labels.label("page_title", title=title, n=pager.rows.number, m=count)
            pages.append(
                self.page(
                    path,
                    template,
                    title if pager.rows.number == 1 else heading,
                    heading=title,
                    pager=pager,
                    **{rows: pager.rows.items},
                    root=root_of(path),
                    **values,
                )
            )
        return pages

    def account(self, record: AccountRecord) -> list[Page]:
        """The account's page, then the drawings it embeds."""
        team_names = {m.id: m.name for m in self.portfolio.settings.team}
        history = self.history.of(record.id) if self.history is not None else None
        folder = account_page_path(record.id).removesuffix(".md")
        drawings: list[Page] = []

        def drawing(name: str, svg: str) -> Markup:
            embed, file = drawing_file(folder, name, svg)
            drawings.append(file)
            return embed

        page = self.page(
            account_page_path(record.id),
            "account.md.j2",
            record.data.name,
            record=record,
            account=record.data,
            edit_url=_link(self.edit_base.rstrip("/"), "/", record.path) if self.edit_base else None,
            relmap=drawing("map", render_map(record.data, self.labels, team_names)),
            timeline=drawing("timeline", render_timeline(record, self.labels, self.today)),
            checklists=analytics.checklists(record, self.portfolio.checklists),
            buy_in=analytics.buy_in(record),
            bought_in={s.id: analytics.bought_in(s) for s in record.data.stakeholders},
            overdue_goals={g.id for g in record.data.goals if analytics.is_overdue_goal(g, self.today)},
            overdue_actions={a.id for a in record.data.actions if analytics.is_overdue_action(a, self.today)},
            narrative=render_narrative(record.body) if record.body.strip() else None,
            qual=self.qualification[record.id],
            development=self.development(record),
            qual_hidden=record.id in self.figures_hidden,
            health=self.health[record.id],
            history=history,
            history_maps=[
                (
                    snap,
                    drawing(
                        f"map-{snap.date.isoformat()}", render_map(snap.account, self.labels, team_names)
                    ),
                )
                for snap in history.snapshots
            ]
            if history
            else [],
        )
        return [page, *drawings]

    def portfolio_pages(self) -> list[Page]:
        p = self.portfolio
        label = self.labels.label
        pages = [
            self.page("index.md", "home.md.j2", p.settings.site.title, **self.dashboard()),
        ]
        pages += self.account_lists()
        pages += self.analysis_pages()
        pages.append(self.page("codes.md", "codes.md.j2", label("codes"), codes=list(RULES.values())))
        return pages

    def account_lists(self) -> list[Page]:
        """The accounts index (a summary by tier, region and owner), and the
        full lists it links to, each split into pages."""
        p, label = self.portfolio, self.labels.label
        top = p.settings.pages.top
        tiers = analytics.by_tier(p)
        regions = analytics.by_region(p, label("none"))
        owners = analytics.by_owner(p)
        tags = analytics.by_tag(p)
        some_regions, some_owners = analytics.largest(regions, top), analytics.largest(owners, top)
        pages = [
            self.page(
                "accounts/index.md",
                "accounts.md.j2",
                label("accounts"),
                tier_lists=[(g, analytics.summarise(g.accounts, top)) for g in tiers],
                region_lists=[(g, analytics.summarise(g.accounts, top)) for g in some_regions.items],
                regions_more=some_regions.more,
                owner_lists=[(g, analytics.summarise(g.accounts, top)) for g in some_owners.items],
                owners_more=some_owners.more,
                # The whole groups, as templates written before the summaries knew them.
                tiers=tiers,
                regions=regions,
                owners=owners,
            ),
        ]
        for g in tiers:
            title = f"{label('accounts')}: {self.labels.enum('tier', g.key)}"
            pages += self.listing(f"tiers/{g.key}", "account_list.md.j2", title, g.accounts, group=g)
        pages += self.listing("regions/index", "regions.md.j2", label("by_region"), regions)
        for g in regions:
            title = f"{label('accounts')}: {g.label}"
            path = f"regions/{analytics.region_slug(g.key)}"
            pages += self.listing(path, "account_list.md.j2", title, g.accounts, group=g)
        pages += self.listing("owners/index", "owners.md.j2", label("owners_page"), owners, "owners")
        for g in owners:
            pages += self.listing(f"owners/{g.key}", "owner.md.j2", g.label, g.accounts, group=g)
        pages += self.listing("tags/index", "tags.md.j2", label("tags_page"), tags, "tags")
        for g in tags:
            title = f"{label('tags_page')}: {g.label}"
            pages += self.listing(f"tags/{g.key}", "tag.md.j2", title, g.accounts, group=g)
        return pages

    def development(self, record: AccountRecord) -> analytics.Development:
        """The development verdict, from the whole account as written."""
        whole = self.whole.get(record.id, record)
        status = self.health[record.id].status
        return analytics.develop(whole, self.portfolio.settings, self.qualification[record.id], status)

    def dashboard(self) -> dict[str, Any]:
        """The home page's values: each list cut to a few, with how many more,
        so that the page's size does not grow with the portfolio."""
        p = self.portfolio
        # As many rows as the other portfolio pages' summaries (`pages.top`).
        top = p.settings.pages.top
        rows = [(rec, self.health[rec.id]) for rec in p.accounts]
        attention, more_attention = analytics.needing_attention(rows, top)
        judged = [(rec, self.development(rec), self.health[rec.id].status) for rec in p.accounts]
        first = [a.record.id for a in attention]
        matrix = analytics.matrix(judged, first, p.settings, MATRIX_POINTS)
        loads, more_owners = analytics.busiest_first(analytics.owner_loads(p, self.today), top)
        goals = analytics.goals_due(p, self.today)
        actions = analytics.actions_due(p, self.today, p.settings.thresholds.action_window_days)
        return {
            "tiers": analytics.tier_counts(p),
            "groups": [
                (g, analytics.summarise(g.rows, min(STATUS_NAMES, top)))
                for g in analytics.by_status(analytics.worst_first(rows))
            ],
            "attention": attention,
            "more_attention": more_attention,
            "matrix": matrix,
            "matrix_svg": portfolio_matrix(matrix, self.labels),
            "loads": loads,
            "more_owners": more_owners,
            "goals_due": goals[:top],
            "more_goals": max(len(goals) - top, 0),
            "actions_due": actions[:top],
            "more_actions": max(len(actions) - top, 0),
        }

    def analysis_pages(self) -> list[Page]:
        return [*self.ranking_pages(), *self.health_pages(), *self.time_pages()]

    def ranking_pages(self) -> list[Page]:
        p, label = self.portfolio, self.labels.label
        top = p.settings.pages.top
        ranking = analytics.best_first([(rec, self.qualification[rec.id]) for rec in p.accounts])
        mismatches = analytics.mismatches(ranking)
        return [
            self.page(
                "ranking.md",
                "ranking.md.j2",
                label("ranking"),
                ranking=analytics.summarise(ranking, top),
                mismatches=analytics.summarise(mismatches, top),
                qualifying=analytics.qualifying(ranking),
                rule=p.settings.qualification.rule,
            ),
            *self.listing("ranking/all", "ranking_list.md.j2", label("ranking"), ranking),
            *self.listing("ranking/mismatches", "ranking_list.md.j2", label("mismatches"), mismatches),
        ]

    def health_pages(self) -> list[Page]:
        p, label = self.portfolio, self.labels.label
        top = p.settings.pages.top
        rows = analytics.worst_first([(rec, self.health[rec.id]) for rec in p.accounts])
        statuses = analytics.by_status(rows)
        codes = analytics.by_finding(rows)
        pages = [
            self.page(
                "health.md",
                "health.md.j2",
                label("health"),
                statuses=statuses,
                worst=analytics.summarise(rows, top),
                codes=codes,
                interest_kinds=analytics.interest_kinds(self.portfolio),
                # As templates written before the summaries knew them.
                rows=analytics.summarise(rows, top),
                counts=analytics.status_counts(rows),
            ),
        ]
        for s in statuses:
            title = f"{label('health')}: {self.labels.enum('status', s.status)}"
            pages += self.listing(
                f"health/{s.status.value}",
                "health_status.md.j2",
                title,
                s.rows,
                status=s,
                severities={rec.id: analytics.severity_counts(h) for rec, h in s.rows},
            )
        for g in codes:
            title = f"{label('health')}: {g.code}"
            pages += self.listing(f"health/{g.code.lower()}", "health_code.md.j2", title, g.findings, group=g)
        return pages

    def time_pages(self) -> list[Page]:
        p, label = self.portfolio, self.labels.label
        top = p.settings.pages.top
        loads = analytics.most_loaded_first(analytics.owner_loads(p, self.today))
        value_rows = analytics.effort_value(p)
        by_horizon = analytics.portfolio_effort(p)
        neglected = analytics.neglected(p, self.today)
        visits = analytics.senior_visits(p, self.today)
        some_loads, some_values = analytics.summarise(loads, top), analytics.summarise(value_rows, top)
        goals = analytics.goals_due(p, self.today)
        actions = analytics.actions_due(p, self.today, p.settings.thresholds.action_window_days)
        return [
            self.page(
                "time.md",
                "time.md.j2",
                label("time"),
                loads=some_loads,
                owner_chart=charts.owner_chart(list(some_loads.items), self.labels),
                horizon_chart=charts.horizon_chart(by_horizon, self.labels),
                horizon_rows=[(h, by_horizon.get(h, 0.0)) for h in analytics.HORIZONS],
                neglected=analytics.summarise(neglected, top),
                visits=analytics.summarise(visits, top),
                value_rows=some_values,
                value_chart=charts.effort_value_chart(
                    list(some_values.items), self.labels, p.settings.currency
                ),
            ),
            *self.listing(
                "time/owners", "time_list.md.j2", label("time_owners"), loads, table="_loads.md.j2"
            ),
            *self.listing(
                "time/neglect", "time_list.md.j2", label("neglect"), neglected, table="_neglect.md.j2"
            ),
            *self.listing(
                "time/visits", "time_list.md.j2", label("senior_visits"), visits, table="_visits.md.j2"
            ),
            *self.listing(
                "time/value", "time_list.md.j2", label("effort_vs_value"), value_rows, table="_value.md.j2"
            ),
            # The dashboard shows the nearest few; these are the whole lists it links to.
            *self.listing(
                "time/goals", "time_list.md.j2", label("goals_due"), goals, table="_goals_due.md.j2"
            ),
            *self.listing(
                "time/actions", "time_list.md.j2", label("actions_due"), actions, table="_actions_due.md.j2"
            ),
        ]

    def nav(self, method_pages: list[str]) -> list[NavItem]:
        """Section pages only: no page lists every account, so a page's size
        does not grow with the portfolio."""
        label = self.labels.label
        nav = [
            NavItem(label("home"), "index.md"),
            NavItem(label("accounts"), "accounts/index.md"),
            NavItem(label("owners_page"), "owners/index.md"),
            NavItem(label("tags_page"), "tags/index.md"),
            NavItem(
                label("analysis"),
                None,
                (
                    NavItem(label("ranking"), "ranking.md"),
                    NavItem(label("health"), "health.md"),
                    NavItem(label("time"), "time.md"),
                    NavItem(label("codes"), "codes.md"),
                ),
            ),
        ]
        if method_pages:
            nav.append(NavItem(label("method"), None, tuple(NavItem("", path) for path in method_pages)))
        return nav


@dataclass
class _Made:
    """What one account gave a render: its record as read, as a reader at the
    build's level sees it (None: hidden), its verdicts, and its page."""

    whole: AccountRecord
    visible: AccountRecord | None
    health: analytics.Health | None
    qualification: analytics.Qualification
    figures_hidden: bool
    pages: list[Page] | None = None  # the account's page and its drawings


@dataclass
class Memo:
    """What :func:`render_site` worked out for each account, kept for the next
    render by the live preview: an account whose record is the same object as
    last time is not worked again, and its page is reused.

    Everything an account page is drawn from, other than its own record, is
    in the key (settings, day, level, edit links, templates folder, history);
    a different key starts afresh. The templates' content is not: the caller
    starts a new Memo when a template changes. An account page is drawn from
    its own account only; the portfolio pages are always rendered again.
    """

    key: tuple[Any, ...] = ()
    made: dict[str, _Made] = field(default_factory=dict)
    env: jinja2.Environment | None = None  # compiled templates, kept with the key

    def start(self, key: tuple[Any, ...]) -> None:
        if key != self.key:
            self.key, self.made, self.env = key, {}, None

    def _kept(self, rec: AccountRecord) -> bool:
        made = self.made.get(rec.id)
        return made is not None and made.whole is rec

    def derive(self, portfolio: Portfolio, visibility: Visibility, today: dt.date) -> dict[str, _Made]:
        """Each account's part, worked out for the accounts that are new or changed."""
        fresh = [rec for rec in portfolio.accounts if not self._kept(rec)]
        if fresh:
            # The analytics work account by account: a portfolio of the
            # changed ones gives the same values as the whole.
            part = replace(portfolio, accounts=tuple(fresh))
            visible = {rec.id: rec for rec in part.visible(visibility).accounts}
            health = analytics.visible_health(part, visibility, today)
            health = {key: analytics.most_severe_first(h) for key, h in health.items()}
            qualification, hidden = analytics.visible_qualification(part, visibility)
            for rec in fresh:
                self.made[rec.id] = _Made(
                    rec, visible.get(rec.id), health.get(rec.id), qualification[rec.id], rec.id in hidden
                )
        ids = {rec.id for rec in portfolio.accounts}
        for gone in self.made.keys() - ids:
            del self.made[gone]
        return {rec.id: self.made[rec.id] for rec in portfolio.accounts}


def make_renderer(
    portfolio: Portfolio,
    templates_dir: Path | None,
    *,
    today: dt.date,
    edit_base: str | None = None,
    visibility: Visibility = Visibility.INTERNAL,
    history: History | None = None,
    memo: Memo | None = None,
) -> Renderer:
    """The renderer of ``portfolio`` for readers cleared to ``visibility``,
    with each account's verdicts worked out (or kept in ``memo``)."""
    memo = memo if memo is not None else Memo()
    memo.start((portfolio.settings, today, edit_base, visibility, templates_dir, history))
    made = memo.derive(portfolio, visibility, today)
    visible = replace(portfolio, accounts=tuple(m.visible for m in made.values() if m.visible is not None))
    labels = Labels(visible.settings.language)
    health = {aid: m.health for aid, m in made.items() if m.health is not None}
    qualification = {aid: m.qualification for aid, m in made.items()}
    hidden = frozenset(aid for aid, m in made.items() if m.figures_hidden)
    env = memo.env = memo.env or make_env(templates_dir, labels)
    whole = {rec.id: rec for rec in portfolio.accounts}
    return Renderer(visible, env, labels, today, edit_base, health, qualification, hidden, whole, history)


def render_site(
    portfolio: Portfolio,
    templates_dir: Path | None,
    *,
    today: dt.date,
    edit_base: str | None = None,
    visibility: Visibility = Visibility.INTERNAL,
    method_pages: list[str] | None = None,
    progress: Tick = no_tick,
    history: History | None = None,
    memo: Memo | None = None,
    summaries: list[Page] | None = None,
) -> Site:
    """Every generated page of the site, for readers cleared to ``visibility``;
    ``progress`` is told ``(done, total)`` after each account page. With a
    ``memo`` of the last render, unchanged accounts are not worked again;
    given ``summaries`` (the portfolio pages of an earlier render), the
    portfolio pages are not rendered but those are given back."""
    memo = memo if memo is not None else Memo()
    renderer = make_renderer(
        portfolio,
        templates_dir,
        today=today,
        edit_base=edit_base,
        visibility=visibility,
        history=history,
        memo=memo,
    )
    made, visible = memo.made, renderer.portfolio
    pages = renderer.portfolio_pages() if summaries is None else list(summaries)
    todo = [rec for rec in visible.accounts if made[rec.id].pages is None]
    done = len(visible.accounts) - len(todo)
    for rec, rendered in zip(todo, workers.fork_map(renderer.account, todo), strict=True):
        # A worker that failed leaves the account to be rendered here, where
        # its error is raised as it would be without workers.
        made[rec.id].pages = rendered if rendered is not None else renderer.account(rec)
        done += 1
        progress(done, len(visible.accounts))
    if not todo and visible.accounts:
        progress(done, len(visible.accounts))
    for rec in visible.accounts:
        pages += made[rec.id].pages or []
    css = renderer.env.loader.get_source(renderer.env, "kamgen.css")[0]  # type: ignore[union-attr]
    # The inlined drawings' rules, which site.Drawings leaves out of each drawing.
    pages.append(Page(STYLESHEET, f"{css}\n/* kamgen's drawings */\n{style.site_rules()}\n"))
    banner = restricted_banner(visible.settings.language, visibility)
    nav = renderer.nav(method_pages or [])
    return Site(pages, nav, [STYLESHEET], search.terms(visible), visibility, banner)


def restricted_banner(language: Language, visibility: Visibility) -> str | None:
    """What every page of a restricted build says about its audience."""
    return Labels(language).label("restricted_banner") if visibility is Visibility.RESTRICTED else None
