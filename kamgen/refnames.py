"""References shown by name on pages, never as raw ids.

The ``ref`` template filter reads the kind of a field from its schema
marker (see :mod:`kamgen.refs`) and shows each id the way that kind is
shown: a stakeholder, goal or interest as a link to its row on the account
page, a team member by name, a checklist by title. A new reference field
is shown with ``{{ item | ref("field") }}`` and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import jinja2
from markupsafe import Markup
from pydantic import BaseModel

from kamgen import escape, refs
from kamgen.model import AccountRecord, Portfolio
from kamgen.schema import Member

# Kinds that have a row on the account page: the anchor prefix of that row
# and the attribute that names an item.
_ROWS: dict[refs.Kind, tuple[str, str]] = {
    "stakeholder": ("person-", "name"),
    "goal": ("goal-", "statement"),
    "interest": ("interest-", "interest"),
}


def names(
    kind: refs.Kind,
    ids: Iterable[str],
    *,
    record: AccountRecord | None,
    team: Mapping[str, Member],
    portfolio: Portfolio | None = None,
    page: str = "",
    html: bool = False,
) -> Markup:
    """Ids of one kind as names, comma-separated; ``page`` is the account
    page's path when linking to its rows from another page; ``html`` for a
    raw HTML block, where Markdown links are not read."""
    return Markup(", ").join(_name(kind, i, record, team, portfolio, page, html) for i in ids)


def _name(
    kind: refs.Kind,
    item_id: str,
    record: AccountRecord | None,
    team: Mapping[str, Member],
    portfolio: Portfolio | None,
    page: str,
    html: bool = False,
) -> Markup:
    if kind in _ROWS:
        anchor, attr = _ROWS[kind]
        item = record.items[kind].get(item_id) if record is not None else None
        text = getattr(item, attr) if item is not None else item_id
        shown, target = escape.text(text), escape.url(page, "#", anchor, item_id)
        # Both are Markup already: joined as they are (Markup.format would
        # escape them again, to the same text, at many times the cost).
        return Markup(f'<a href="{target}">{shown}</a>' if html else f"[{shown}]({target})")
    if kind == "team member":
        member = team.get(item_id)
        return escape.text(member.name if member else item_id)
    titles = {c.id: c.title for c in portfolio.checklists} if portfolio is not None else {}
    return escape.text(titles.get(item_id, item_id))


@jinja2.pass_context
def ref_filter(
    ctx: jinja2.runtime.Context,
    item: BaseModel,
    attr: str,
    record: AccountRecord | None = None,
    page: str = "",
    html: bool = False,
) -> Markup:
    """``{{ action | ref("goal") }}``: the ids in a reference field as names.
    ``record`` defaults to the page's ``record``; ``html=True`` inside raw
    HTML (a table written as HTML)."""
    ids = _ids(getattr(item, attr))
    record = record if record is not None else ctx.get("record")
    kind = refs.kind_of(type(item), attr)
    team, portfolio = ctx.get("team") or {}, ctx.get("portfolio")
    shown = names(kind, ids, record=record, team=team, portfolio=portfolio, page=page, html=html)
    hidden = _hidden_count(item, attr, ids, record, ctx.get("whole") or {})
    if not hidden:
        return shown
    # Said, never left as an empty cell: the build left someone out here.
    placeholder = Markup("<em>{}</em>" if html else "*{}*").format(
        escape.text(ctx["t"]("restricted_contact" if kind == "stakeholder" else "restricted_item"))
    )
    return Markup(", ").join([p for p in (shown, placeholder) if p])


def _ids(value: Any) -> list[str]:
    return list(value) if isinstance(value, list) else [value] if value is not None else []


def _hidden_count(
    item: BaseModel,
    attr: str,
    ids: list[str],
    record: AccountRecord | None,
    whole: Mapping[str, AccountRecord],
) -> int:
    """How many ids this field held before the build left items out: the same
    item (by type and id) in the whole account tells."""
    full = whole.get(record.id) if record is not None else None
    item_id = getattr(item, "id", None)
    if full is None or item_id is None:
        return 0
    candidate = full.by_type_and_id.get((type(item), item_id))
    if candidate is None:
        return 0
    return max(0, len(_ids(getattr(candidate, attr))) - len(ids))


@jinja2.pass_context
def people_filter(
    ctx: jinja2.runtime.Context, ids: Iterable[str], record: AccountRecord, page: str = ""
) -> Markup:
    """``{{ ids | people(record) }}``: stakeholder ids as links to their rows,
    for lists that are not a schema field (a finding's stakeholders)."""
    return names("stakeholder", ids, record=record, team=ctx.get("team") or {}, page=page)
