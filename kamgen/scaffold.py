"""A team's starting repository: the files `kamgen init` writes.

Everything a team needs to adopt kamgen in its own repository, each file
commented: settings with a small team and qualification criteria, one
example account that validates, the MkDocs configuration, a .gitignore, the
JSON Schemas in a local folder (the modelines point at them), a pre-commit
configuration and, as the team chooses, a GitHub Actions workflow or a GitLab
CI pipeline. Nothing is ever overwritten.

`kamgen new` writes from the same package: a new account, and one new
stakeholder, goal, action or interest, each commented with what to fill in
(the templates in ``starter/new/``), with placeholders that validate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from string import Template

import yaml

from kamgen import schema
from kamgen.schema import Account, Settings, json_schema

SCHEMA_DIR = "schema"

# Where each file goes, and the packaged file it comes from.
STARTER = {
    "kamgen.yml": "starter/kamgen.yml",
    "accounts/example-customer.yaml": "starter/accounts/example-customer.yaml",
    "mkdocs.yml": "default_mkdocs.yml",
    ".gitignore": "starter/dot-gitignore",
    ".pre-commit-config.yaml": "starter/pre-commit-config.yaml",
}
# The CI configuration for each host `kamgen init --ci` offers.
CI = {
    "github": {".github/workflows/kamgen.yml": "starter/github/kamgen.yml"},
    "gitlab": {".gitlab-ci.yml": "starter/gitlab/gitlab-ci.yml"},
    "none": {},
}


def starter_files(ci: str = "github") -> dict[str, str]:
    """Every file of a new project, by path relative to its root, with the CI
    configuration for ``ci`` (a key of :data:`CI`)."""
    package = resources.files("kamgen")
    sources = {**STARTER, **CI[ci]}
    files = {target: package.joinpath(source).read_text("utf-8") for target, source in sources.items()}
    for model, name in ((Account, "account"), (Settings, "settings")):
        schema = json.dumps(json_schema(model, name), indent=2, ensure_ascii=False) + "\n"
        files[f"{SCHEMA_DIR}/{name}.schema.json"] = schema
    return files


def existing(root: Path, files: dict[str, str]) -> list[str]:
    """The files that are there already (kamgen init never overwrites)."""
    return sorted(path for path in files if (root / path).exists() or (root / path).is_symlink())


def write(root: Path, files: dict[str, str]) -> list[str]:
    """Write ``files`` under ``root``; the caller has checked :func:`existing`."""
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as out:  # "x": never over a file
            out.write(content)
    return sorted(files)


# ------------------------------------------------------------------ kamgen new

# The kinds of item `kamgen new` adds, and the account's list each goes in.
ITEM_KINDS = {"stakeholder": "stakeholders", "interest": "interests", "goal": "goals", "action": "actions"}

_CHOICES = {
    "tiers": schema.Tier,
    "stages": schema.Stage,
    "roles": schema.BuyingRole,
    "levels": schema.Level3,
    "stances": schema.Stance,
    "trends": schema.Trend,
    "horizons": schema.Horizon,
    "goal_kinds": schema.GoalKind,
    "goal_statuses": schema.GoalStatus,
    "action_kinds": schema.ActionKind,
    "action_statuses": schema.ActionStatus,
    "tactics": schema.Tactic,
    "interest_kinds": schema.InterestKind,
    "interest_statuses": schema.InterestStatus,
}


def _template(name: str) -> str:
    return resources.files("kamgen").joinpath(f"starter/new/{name}.yaml").read_text("utf-8")


def _listed(ids: Iterable[str], most: int = 6) -> str:
    ids = list(ids)
    return ", ".join(ids[:most]) + (", ..." if len(ids) > most else "")


def _fill(template: str, **values: str) -> str:
    choices = {key: ", ".join(enum) for key, enum in _CHOICES.items()}
    return Template(template).substitute(choices, **values)


def scalar(text: str) -> str:
    """``text`` as a one-line YAML value, quoted only where YAML needs it
    (``no``, a date, ``a: b``), so it reads back as the same text."""
    # Line breaks, control and unassigned characters: a double-quoted escape.
    style = None if text.isprintable() else '"'
    dumped = yaml.safe_dump(
        [text], default_flow_style=True, default_style=style, allow_unicode=True, width=2**31
    )
    return dumped.strip()[1:-1]


def placeholder(item_id: str, *, person: bool = False) -> str:
    """A readable text from an id, until the user writes the real one."""
    words = item_id.split("-")
    return " ".join(w.capitalize() for w in words) if person else " ".join(words).capitalize()


def account_modeline(root: Path) -> str:
    """The editor modeline for a new account file, when the project keeps the
    JSON Schema in its own folder, where `kamgen init` puts it."""
    if (root / SCHEMA_DIR / "account.schema.json").is_file():
        return f"# yaml-language-server: $schema=../{SCHEMA_DIR}/account.schema.json\n"
    return ""


def account_text(root: Path, account_id: str, name: str | None, settings: Settings) -> str:
    """A new account that validates: name, owner (the first team member) and tier,
    every other field as a comment, and empty lists to add items to."""
    members = [m.id for m in settings.team]
    return _fill(
        _template("account"),
        modeline=account_modeline(root),
        id=account_id,
        name=scalar(placeholder(account_id, person=True) if name is None else name),
        owner=scalar(members[0]) if members else "member-id",
        members=_listed(members),
    )


def heading(section: str, account_id: str) -> list[str]:
    """The comment lines over ``section`` in a new account, for a list that
    `kamgen new` creates in an older file."""
    lines = _fill(_template("account"), modeline="", id=account_id, name="", owner="", members="")
    rows = lines.splitlines()
    at = rows.index(f"{section}: []")
    start = at
    while start > 0 and rows[start - 1].startswith("# "):
        start -= 1
    return [row[2:] for row in rows[start:at]]


def item_text(kind: str, item_id: str, name: str | None, account: Account, settings: Settings) -> str:
    """One new item of ``kind`` as a one-item YAML list at column 0, commented."""
    people = [s.id for s in account.stakeholders]
    return _fill(
        _template(kind),
        id=scalar(item_id),
        name=scalar(placeholder(item_id, person=kind == "stakeholder") if name is None else name),
        owner=scalar(account.owner),
        members=_listed(m.id for m in settings.team),
        holder=scalar(people[0]) if people else "stakeholder-id",
        people=_listed(people),
    )
