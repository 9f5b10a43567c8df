"""`kamgen new`: a new account file, or one new item in an account's file.

Nothing is written unless the result validates through the pipeline as the
file it becomes; a changed file is replaced in one step (a folder beside it
stages the new text), so a reader sees the old file or the new one. Every
refusal is a K018 problem, and nothing is ever overwritten: not a file, not
an item's id.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from kamgen import additem, codes, scaffold
from kamgen.ids import is_valid_id
from kamgen.loader import ACCOUNT_SUFFIXES, account_id, discover
from kamgen.nearest import did_you_mean
from kamgen.pipeline import load_account, load_settings
from kamgen.problems import Level, Problem, has_errors
from kamgen.project import Project
from kamgen.schema import Settings

# Every list whose items have an id: a new id must be new to all of them.
_ID_SECTIONS = ("stakeholders", "interests", "practices", "goals", "actions")


def _refused(path: str, why: str, line: int = 1, col: int = 1) -> Problem:
    return Problem(path, line, col, Level.ERROR, codes.NEW_REFUSED.code, why)


def _bad_id(shown: str, what: str, value: str) -> list[Problem]:
    why = f"'{value}' is not a valid {what} id: use a lowercase slug such as acme-corp"
    return [] if is_valid_id(value) else [_refused(shown, why)]


def _checked_write(project: Project, path: Path, text: str, settings: Settings) -> list[Problem]:
    """Write ``text`` to ``path`` only if it validates through the pipeline as that
    file; an existing file is replaced in one step, never left half written."""
    try:
        return _staged_write(project, path, text, settings)
    except OSError as exc:  # a read-only folder, a full disk: say so, change nothing
        shown = project.display(path)
        return [_refused(shown, f"cannot write the file: {exc.strerror or exc}; it was left as it was")]


def _staged_write(project: Project, path: Path, text: str, settings: Settings) -> list[Problem]:
    real = path.resolve() if path.is_symlink() else path
    real.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kamgen-new-", dir=real.parent))
    try:
        candidate = staging / path.name
        candidate.write_bytes(text.encode("utf-8"))
        _, problems = load_account(project, candidate, settings)
        shown = project.display(path)
        problems = [replace(p, path=shown) if p.path == project.display(candidate) else p for p in problems]
        if has_errors(problems):
            why = "with the new content the file would not validate; it was left as it was"
            return [_refused(shown, why), *problems]
        if real.exists():
            shutil.copymode(real, candidate)
            os.replace(candidate, real)
        else:
            with real.open("x", encoding="utf-8", newline="") as out:  # "x": never over a file
                out.write(text)
        return problems
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def new_account(project: Project, new_id: str, name: str | None = None) -> tuple[str | None, list[Problem]]:
    """`kamgen new account`: a commented account file that validates, or why none was written."""
    target = project.accounts_dir / f"{new_id}.yaml"
    shown = project.display(target)
    if not is_valid_id(new_id):
        return None, _bad_id(project.display(project.accounts_dir), "account", new_id)
    there = _files_of(project, new_id)
    if there:
        why = f"account '{new_id}' exists already; kamgen new never overwrites a file"
        return None, [_refused(project.display(p), why) for p in there]
    settings, problems = load_settings(project)
    if settings is None or has_errors(problems):
        return None, problems
    if not settings.team:
        why = "kamgen.yml lists no team member to own the account: add one under team: first"
        return None, [_refused(project.display(project.settings_file), why)]
    text = scaffold.account_text(project.root, new_id, name, settings)
    problems = _checked_write(project, target, text, settings)
    return (None if has_errors(problems) else shown), problems


def _files_of(project: Project, aid: str) -> list[Path]:
    files = (project.accounts_dir / f"{aid}{suffix}" for suffix in ACCOUNT_SUFFIXES)
    return [p for p in files if p.exists() or p.is_symlink()]


def _unknown_account(project: Project, aid: str) -> Problem:
    known = [account_id(p) for p in discover(project.accounts_dir)]
    hint = did_you_mean(aid, known)
    where = project.display(project.accounts_dir)
    return _refused(where, f"no account '{aid}': no {aid}.yaml, {aid}.yml or {aid}.md in {where}{hint}")


def new_item(
    project: Project, kind: str, aid: str, new_id: str, name: str | None = None
) -> tuple[str | None, list[Problem]]:
    """`kamgen new stakeholder|interest|goal|action`: one commented item added to
    the account's list, everything else in its file as the user wrote it."""
    if not is_valid_id(aid):
        return None, _bad_id(project.display(project.accounts_dir), "account", aid)
    files = _files_of(project, aid)
    if len(files) != 1:
        why = f"account '{aid}' is in {len(files)} files; keep one"
        return None, [_refused(project.display(p), why) for p in files] or [_unknown_account(project, aid)]
    path, shown = files[0], project.display(files[0])
    settings, problems = load_settings(project)
    if settings is None or has_errors(problems) or _bad_id(shown, kind, new_id):
        return None, [*problems, *_bad_id(shown, kind, new_id)]
    record, problems = load_account(project, path, settings)
    if record is None:
        return None, [
            _refused(shown, "fix the errors in this file first; kamgen new changed nothing"),
            *problems,
        ]
    section = scaffold.ITEM_KINDS[kind]
    for other in _ID_SECTIONS:
        for i, item in enumerate(getattr(record.data, other)):
            if item.id == new_id:
                what = (
                    f"{kind} '{new_id}' exists already"
                    if other == section
                    else (f"'{new_id}' is already the id of an item in {other}; pick another id")
                )
                return None, [_refused(shown, what, *record.where((other, i, "id")))]
    if kind == "interest" and not record.data.stakeholders:
        why = f"an interest needs a stakeholder to hold it; add one first: kamgen new stakeholder {aid} ID"
        return None, [_refused(shown, why)]
    snippet = scaffold.item_text(kind, new_id, name, record.data, settings)
    try:
        text = additem.add_item(
            path.read_bytes().decode("utf-8"),
            markdown=path.suffix == ".md",
            section=section,
            snippet=snippet,
            heading=scaffold.heading(section, aid),
        )
    except (additem.CannotAdd, OSError, UnicodeDecodeError) as exc:
        return None, [_refused(shown, f"cannot add the {kind}: {exc}; the file was left as it was")]
    problems = _checked_write(project, path, text, settings)
    return (None if has_errors(problems) else shown), problems
