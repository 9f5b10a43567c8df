"""`kamgen diff` in words: Markdown for a pull-request comment, and JSON.

The changes come typed from :mod:`kamgen.changes`; this module only words
them, in English as every CLI output is. Everything taken from the account
files or the settings (names, goal statements, finding texts that quote
them) is escaped with :func:`kamgen.escape.md`, since a pull request's
author controls it and the comment is rendered as Markdown.

The JSON is a stable interface: keys are only added within a
``diff_version``; renaming or removing one bumps it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any

from kamgen.changes import AccountChanges, Change, Diff, Kind, Value
from kamgen.escape import md
from kamgen.ids import is_valid_id
from kamgen.labels import Labels
from kamgen.rule import Param
from kamgen.schema import Language

DIFF_VERSION = 1
EN = Labels(Language.EN)

# The catalog group that words each field's values.
_ENUMS = {
    "role": "role",
    "influence": "level",
    "stance": "stance",
    "tactic": "tactic",
    "severity": "level",
    "horizon": "horizon",
    "goal_status": "goal_status",
    "action_status": "action_status",
    "interest_status": "interest_status",
}
_ITEM_NAMES = {"goal": "Goal", "action": "Action", "interest": "Vested interest"}


# ------------------------------------------------------------------ Markdown


def to_markdown(diff: Diff) -> str:
    count = sum(len(a.changes) for a in diff.accounts)
    head = "the working tree" if diff.head is None else _rev(diff.head, diff.head_commit)
    base = _rev(diff.base, diff.base_commit)
    if diff.merge_base:
        base = f"merge base with {base}"
    lines = [f"## Key accounts: {base} → {head}", ""]
    if not diff.accounts:
        lines.append(f"No changes to the key accounts visible at the {diff.visibility.value} level.")
    else:
        lines.append(
            f"{_n(count, 'change')} in {_n(len(diff.accounts), 'account')}, "
            f"as {diff.visibility.value} readers see them, judged on {diff.today.isoformat()}."
        )
    for account in diff.accounts:
        lines += ["", f"### {md(account.name)} ({_id(account.id)})", ""]
        lines += [f"- {_line(change, diff.team)}" for change in account.changes]
    return "\n".join(lines) + "\n"


def _rev(name: str, commit: str | None) -> str:
    # A revision name is what the user typed: escaped like any text.
    shown = md(name)
    return f"{shown} ({commit[:10]})" if commit else shown


def _id(value: str) -> str:
    # A valid id (lowercase letters, digits, inner hyphens) means nothing in
    # Markdown, so it stays readable in a terminal too; anything else is text.
    return value if is_valid_id(value) else md(value)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _who(change: Change) -> str:
    s = change.subject
    if s.kind == "stakeholder":
        return f"{md(s.label)} ({_id(s.id)})"
    if s.kind == "account":
        return "Account"
    return f"{_ITEM_NAMES.get(s.kind, s.kind.capitalize())} “{md(s.label)}” ({_id(s.id)})"


def _word(group: str, value: Value | Param) -> str:
    if value is None:
        return "unknown"
    if group == "tactic":  # tactics in order, "go-around, whisper"
        return " then ".join(EN.enum("tactic", v).lower() for v in str(value).split(", "))
    return EN.enum(_ENUMS.get(group, group), str(value)).lower()


def _date(value: Value | Param) -> str:
    return value.isoformat() if isinstance(value, dt.date) else "no date"


def _line(change: Change, team: Mapping[str, str]) -> str:
    text = _WORDING[change.kind](change, team)
    # A verdict on the whole account is under its heading already.
    return text[0].upper() + text[1:] if change.kind in _VERDICTS else f"{_who(change)}: {text}"


def _from_to(group: str) -> Callable[[Change, Mapping[str, str]], str]:
    return lambda c, _: f"{c.field} {_word(group, c.before)} → {_word(group, c.after)}"


def _added_person(c: Change, _: Mapping[str, str]) -> str:
    known = [f"{k} {_word(k, v)}" for k, v in c.params.items() if v is not None]
    return "added" + (f" ({', '.join(known)})" if known else "")


def _redated(c: Change, _: Mapping[str, str]) -> str:
    days = c.params.get("days")
    by = ""
    if isinstance(days, int):
        by = f" ({_n(abs(days), 'day')} {'later' if days > 0 else 'earlier'})"
    return f"re-dated {_date(c.before)} → {_date(c.after)}{by}"


def _goal_added(c: Change, _: Mapping[str, str]) -> str:
    target = c.params.get("target")
    when = f", target {_date(target)}" if target else ""
    return f"added (horizon {_word('horizon', c.params.get('horizon'))}{when})"


def _action_added(c: Change, team: Mapping[str, str]) -> str:
    owner = str(c.params.get("owner"))
    due = f", due {_date(c.params['due'])}" if c.params.get("due") else ""
    late = ", already overdue" if c.params.get("overdue") else ""
    return f"added (owner {md(team.get(owner, owner))}{due}{late})"


def _score(c: Change, _: Mapping[str, str]) -> str:
    verdict = ""
    if c.params.get("qualified") != c.params.get("qualifies"):
        verdict = "; now qualifies" if c.params.get("qualifies") else "; no longer qualifies"
    return f"qualification score {c.before:.0f}% → {c.after:.0f}%{verdict}"


def _finding(verb: str) -> Callable[[Change, Mapping[str, str]], str]:
    def word(c: Change, _: Mapping[str, str]) -> str:
        assert c.finding is not None
        return f"health finding {verb}: {c.finding.code} {md(EN.finding(c.finding))}"

    return word


_PARTS = {
    "why_key_visibility": "visibility of why it is key",
    "narrative_visibility": "visibility of the narrative",
    "extra_visibility": "visibility of the custom fields and links",
    "qualification.visibility": "visibility of the qualification figures",
}


def _visibility(c: Change, _: Mapping[str, str]) -> str:
    what = _PARTS.get(c.field or "", "visibility")
    return f"⚠️ **{what} changed**: {c.before} → {c.after}"


def _renamed(c: Change, _: Mapping[str, str]) -> str:
    return f"file renamed {md(c.before)} → {md(c.after)}"


_WORDING: dict[Kind, Callable[[Change, Mapping[str, str]], str]] = {
    Kind.ACCOUNT_ADDED: lambda c, _: f"added (tier {_word('tier', c.params.get('tier'))})",
    Kind.ACCOUNT_REMOVED: lambda c, _: "removed",
    Kind.ACCOUNT_RENAMED: _renamed,
    Kind.PERSON_ADDED: _added_person,
    Kind.PERSON_DEPARTED: lambda c, _: f"left the company on {_date(c.after)}",
    Kind.PERSON_REMOVED: lambda c, _: "removed from the account",
    Kind.ROLE_CHANGED: _from_to("role"),
    Kind.INFLUENCE_CHANGED: _from_to("influence"),
    Kind.STANCE_CHANGED: _from_to("stance"),
    Kind.INTEREST_OPENED: lambda c, _: (
        f"opened (severity {_word('severity', c.params.get('severity'))}, "
        f"tactic {_word('tactic', c.params.get('tactic'))})"
    ),
    Kind.INTEREST_DEFUSED: lambda c, _: "defused",
    Kind.TACTIC_CHANGED: _from_to("tactic"),
    Kind.INTEREST_REMOVED: lambda c, _: "removed",
    Kind.GOAL_ADDED: _goal_added,
    Kind.GOAL_REDATED: _redated,
    Kind.GOAL_ACHIEVED: lambda c, _: "achieved",
    Kind.GOAL_STATUS_CHANGED: _from_to("goal_status"),
    Kind.GOAL_REMOVED: lambda c, _: "removed",
    Kind.ACTION_ADDED: _action_added,
    Kind.ACTION_DONE: lambda c, _: "done",
    Kind.ACTION_STATUS_CHANGED: _from_to("action_status"),
    Kind.ACTION_OVERDUE: lambda c, _: f"now overdue (due {_date(c.after)})",
    Kind.ACTION_REMOVED: lambda c, _: "removed",
    Kind.SCORE_CHANGED: _score,
    Kind.FINDING_INTRODUCED: _finding("introduced"),
    Kind.FINDING_RESOLVED: _finding("resolved"),
    Kind.VISIBILITY_CHANGED: _visibility,
}


_VERDICTS = {Kind.SCORE_CHANGED, Kind.FINDING_INTRODUCED, Kind.FINDING_RESOLVED}


# ------------------------------------------------------------------ JSON


def _json_value(value: Value | Param) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _change(c: Change) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": c.kind.value,
        "subject": {"kind": c.subject.kind, "id": c.subject.id, "name": c.subject.label},
        "field": c.field,
        "before": _json_value(c.before),
        "after": _json_value(c.after),
        "params": {k: _json_value(v) for k, v in c.params.items()},
    }
    if c.finding is not None:
        out["finding"] = {
            "code": c.finding.code,
            "name": c.finding.name,
            "severity": c.finding.severity.value,
            "message": EN.finding(c.finding),
            "stakeholders": list(c.finding.stakeholders),
            "params": {k: _json_value(v) for k, v in c.finding.params.items()},
        }
    return out


def _account(a: AccountChanges) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "path": a.path,
        "previous_id": a.previous_id,
        "previous_path": a.previous_path,
        "changes": [_change(c) for c in a.changes],
    }


def to_json(diff: Diff) -> str:
    data = {
        "diff_version": DIFF_VERSION,
        "base": {"rev": diff.base, "commit": diff.base_commit, "merge_base": diff.merge_base},
        "head": {"rev": diff.head, "commit": diff.head_commit, "working_tree": diff.head is None},
        "today": diff.today.isoformat(),
        "visibility": diff.visibility.value,
        "accounts": [_account(a) for a in diff.accounts],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Callable[[Diff], str]] = {"markdown": to_markdown, "json": to_json}
