"""Render the portfolio into Markdown pages through overridable Jinja2 templates.

The output is engine-neutral: a list of pages (path, Markdown) that any
static-site engine can build. Templates only place values; anything
computed comes from the model or from analytics. Every ``{{ value }}`` is
escaped (see :mod:`kamgen.escape`); only Markup made by kamgen itself, such
as its SVG, passes through as is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from kamgen import escape
from kamgen.labels import Labels
from kamgen.model import AccountRecord, Portfolio
from kamgen.schema import Visibility


@dataclass(frozen=True)
class Page:
    path: str  # relative to the docs root, forward slashes, ends in .md
    content: str


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
    )
    env.globals["t"] = labels.label
    env.globals["e"] = labels.enum
    env.filters["md"] = escape.md
    env.filters["block"] = escape.md_block
    env.filters["people"] = _people_links
    env.filters["iso"] = _iso
    return env


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _people_links(ids: Iterable[str], record: AccountRecord) -> Markup:
    """Names of stakeholders, each linking to its row on the account page."""
    parts = []
    for pid in ids:
        person = record.people.get(pid)
        name = person.name if person else pid
        parts.append(Markup('<a href="#person-{}">{}</a>').format(pid, escape.md(name)))
    return Markup(", ").join(parts)


def account_page_path(account_id: str) -> str:
    return f"accounts/{account_id}.md"


def render_site(
    portfolio: Portfolio,
    templates_dir: Path | None,
    *,
    today: dt.date,
    edit_base: str | None = None,
    visibility: Visibility = Visibility.INTERNAL,
) -> list[Page]:
    """Every generated page of the site, for readers cleared to ``visibility``."""
    visible = portfolio.visible(visibility)
    labels = Labels(visible.settings.language)
    env = make_env(templates_dir, labels)
    common: dict[str, Any] = {"portfolio": visible, "settings": visible.settings, "today": today}
    pages = [Page("index.md", env.get_template("index.md.j2").render(**common))]
    account_tpl = env.get_template("account.md.j2")
    for record in visible.accounts:
        edit_url = f"{edit_base.rstrip('/')}/{record.path}" if edit_base else None
        pages.append(
            Page(
                account_page_path(record.id),
                account_tpl.render(**common, record=record, account=record.data, edit_url=edit_url),
            )
        )
    return pages
