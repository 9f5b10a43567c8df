"""How each person's stance, influence and role changed, from Git.

The method's idea that influence shifts over time (DOMAIN.md, idea 4): every
account page shows, per person, the changes of stance, influence and role
between consecutive revisions of its file, and who joined or departed, each
with the commit's date, author and subject; and the relationship map as it
was at a few earlier dates.

Every revision goes through the real loader, validation and checks with
today's settings (:func:`kamgen.pipeline.load_account`); one that fails is
skipped and counted. Git is read with two processes for the whole portfolio
(one ``git log`` of the accounts folder, one ``git cat-file --batch``), renames
are followed, and whatever Git cannot answer (no ``git``, no repository, a
shallow clone) becomes a reason the page states instead.

Visibility: a change is kept only when the person and the field are visible
at the build's level in *both* revisions (:func:`kamgen.model.shows`), and a
map only as :func:`kamgen.model.redact` leaves it, so a restricted change never
reaches an internal build.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Any

from kamgen import vcs
from kamgen.model import AccountRecord, Portfolio, cleared, redact, shows
from kamgen.pipeline import load_account
from kamgen.project import Project
from kamgen.schema import Account, Settings, Stakeholder, Visibility

# The fields whose changes the page lists, in this order.
FIELDS = ("stance", "influence", "role")
JOINED, DEPARTED = "joined", "departed"


class Unavailable(StrEnum):
    """Why an account's history cannot be shown; the page says it in words."""

    NO_GIT = "no_git"
    NO_REPOSITORY = "no_repository"
    SHALLOW = "shallow"
    NO_COMMITS = "no_commits"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class PersonChange:
    """One person's change between two revisions, and the commit that made it."""

    date: dt.date
    author: str
    subject: str
    sha: str
    person: str  # the stakeholder id
    name: str
    field: str  # one of FIELDS, JOINED or DEPARTED
    before: Any = None  # the enum values (or None); a left_on date for DEPARTED
    after: Any = None


@dataclass(frozen=True)
class Snapshot:
    """The account as an earlier commit left it, redacted for the build."""

    date: dt.date
    author: str
    subject: str
    sha: str
    account: Account


@dataclass(frozen=True)
class AccountHistory:
    """An account's history as the build may show it, newest first."""

    changes: tuple[PersonChange, ...] = ()
    snapshots: tuple[Snapshot, ...] = ()
    revisions: int = 0  # revisions of the file read
    skipped: int = 0  # of which did not parse or validate
    capped: bool = False  # older revisions exist beyond history.revisions
    unavailable: Unavailable | None = None


@dataclass(frozen=True)
class History:
    """Every account's history, or the one reason none could be read."""

    accounts: Mapping[str, AccountHistory] = field(default_factory=dict)
    unavailable: Unavailable | None = None

    def of(self, account_id: str) -> AccountHistory:
        return self.accounts.get(account_id, AccountHistory(unavailable=self.unavailable))


# ------------------------------------------------------------------ reading Git


@dataclass(frozen=True)
class _Revision:
    commit: vcs.Commit
    change: vcs.BlobChange


def read(project: Project, portfolio: Portfolio, visibility: Visibility) -> History:
    """The history of every account visible at ``visibility``; never raises for Git."""
    settings = portfolio.settings.history
    allowed = cleared(visibility)
    records = [rec for rec in portfolio.accounts if rec.data.visibility in allowed]
    try:
        repo = _repository(project)
        if isinstance(repo, Unavailable):
            return History(unavailable=repo)
        prefix = repo.prefix(project.root)
        under = "/".join(p for p in (prefix, project.accounts_dir.name) if p)
        revisions, capped = _revisions(repo.folder_log(under), prefix, records, settings.revisions)
        blobs = repo.blobs([b for revs in revisions.values() for r in revs for b in _blob_ids(r)])
    except vcs.GitUnavailable:
        return History(unavailable=Unavailable.UNREADABLE)
    with _Parser(portfolio.settings, blobs) as parser:
        return History(
            {
                rec.id: _account_history(
                    rec, revisions.get(rec.id, []), parser, allowed, settings.maps, rec.id in capped
                )
                for rec in records
            }
        )


def _repository(project: Project) -> vcs.Repo | Unavailable:
    if shutil.which("git") is None:
        return Unavailable.NO_GIT
    try:
        repo = vcs.Repo.of(project.root)
    except vcs.GitUnavailable:
        return Unavailable.NO_REPOSITORY
    # A shallow clone's oldest commit looks like the file's creation, and
    # its history stops at an arbitrary depth: say so rather than mislead.
    if repo.is_shallow():
        return Unavailable.SHALLOW
    if not repo.has_commits():
        return Unavailable.NO_COMMITS
    return repo


def _revisions(
    log: list[tuple[vcs.Commit, list[vcs.BlobChange]]],
    prefix: str,
    records: list[AccountRecord],
    cap: int,
) -> tuple[dict[str, list[_Revision]], set[str]]:
    """Each account's revisions, newest first, at most ``cap``: walking the
    folder's log back from the current file names, through renames."""
    tracked = {"/".join(p for p in (prefix, rec.path) if p): rec.id for rec in records}
    found: dict[str, list[_Revision]] = {rec.id: [] for rec in records}
    capped: set[str] = set()
    for commit, changes in log:
        if not tracked:
            break
        renamed: dict[str, str] = {}
        for change in changes:
            aid = tracked.get(change.new_path or "")
            if aid is None or change.new_blob is None:
                continue
            if len(found[aid]) == cap:
                capped.add(aid)
                del tracked[change.new_path or ""]
                continue
            found[aid].append(_Revision(commit, change))
            del tracked[change.new_path or ""]
            if change.status in ("M", "R") and change.old_path:
                renamed[change.old_path] = aid  # before a rename: its old name
        # Renames are applied after the whole commit, so that two files
        # swapping names in one commit keep their own histories.
        tracked.update(renamed)
    return found, capped


def _blob_ids(revision: _Revision) -> Iterator[str]:
    for blob in (revision.change.old_blob, revision.change.new_blob):
        if blob:
            yield blob


class _Parser:
    """Revisions through the real loader: each blob is written under its file
    name of the time (the name gives the format and the account id) into a
    scratch project and loaded as `kamgen validate` loads a file."""

    def __init__(self, settings: Settings, blobs: Mapping[str, bytes]) -> None:
        self.settings, self.blobs = settings, blobs
        self.cache: dict[tuple[str, str], Account | None] = {}

    def __enter__(self) -> _Parser:
        self._dir = tempfile.TemporaryDirectory(prefix="kamgen-history-")
        self.project = Project(Path(self._dir.name))
        self.project.accounts_dir.mkdir()
        return self

    def __exit__(self, *exc: object) -> None:
        self._dir.cleanup()

    def account(self, blob: str | None, path: str | None) -> Account | None:
        if blob is None or path is None or blob not in self.blobs:
            return None
        name = PurePosixPath(path).name
        key = (blob, name)
        if key not in self.cache:
            target = self.project.accounts_dir / name
            target.write_bytes(self.blobs[blob])
            record, _ = load_account(self.project, target, self.settings)
            target.unlink()
            self.cache[key] = record.data if record is not None else None
        return self.cache[key]


# ------------------------------------------------------------------ comparing


def _account_history(
    record: AccountRecord,
    revisions: list[_Revision],
    parser: _Parser,
    allowed: set[Visibility],
    maps: int,
    capped: bool,
) -> AccountHistory:
    # A person the current file hides stays hidden in the history too: the
    # file's newest word on who may know about them wins.
    current = record.data
    hidden = {
        s.id for i, s in enumerate(current.stakeholders) if not shows(current, ("stakeholders", i), allowed)
    }
    changes: list[list[PersonChange]] = []  # one list per commit, oldest first
    states: list[tuple[vcs.Commit, Account]] = []
    skipped = 0
    last: Account | None = None
    for rev in reversed(revisions):  # oldest first
        new = parser.account(rev.change.new_blob, rev.change.new_path)
        if new is None:
            skipped += 1
            continue
        # The commit's own parent revision, else the last one that validated.
        old = parser.account(rev.change.old_blob, rev.change.old_path) or last
        if old is not None:
            changes.append([c for c in _changes(rev.commit, old, new, allowed) if c.person not in hidden])
        states.append((rev.commit, _hide(new, hidden)))
        last = new
    return AccountHistory(
        tuple(c for commit in reversed(changes) for c in commit),
        _snapshots(record.data, states, allowed, maps),
        len(revisions),
        skipped,
        capped,
    )


def _changes(
    commit: vcs.Commit, old: Account, new: Account, allowed: set[Visibility]
) -> Iterator[PersonChange]:
    """What changed for each person from ``old`` to ``new``, as far as both
    revisions let a reader at ``allowed`` see it."""
    if not (shows(old, (), allowed) and shows(new, (), allowed)):
        return
    before = {s.id: (i, s) for i, s in enumerate(old.stakeholders)}
    after = {s.id: (i, s) for i, s in enumerate(new.stakeholders)}

    def row(person: Stakeholder, what: str, was: Any, now: Any) -> PersonChange:
        return PersonChange(
            commit.date.date(),
            commit.author,
            commit.subject,
            commit.sha,
            person.id,
            person.name,
            what,
            was,
            now,
        )

    for pid, (j, now) in after.items():
        if not shows(new, ("stakeholders", j), allowed):
            continue
        if pid not in before:
            yield row(now, JOINED, None, None)
            continue
        i, was = before[pid]
        if not shows(old, ("stakeholders", i), allowed):
            continue  # hidden before: its change would tell what was hidden
        for name in FIELDS:
            seen = shows(old, ("stakeholders", i, name), allowed) and shows(
                new, ("stakeholders", j, name), allowed
            )
            if seen and getattr(was, name) != getattr(now, name):
                yield row(now, name, getattr(was, name), getattr(now, name))
        if was.left_on is None and now.left_on is not None:
            yield row(now, DEPARTED, None, now.left_on)
    for pid, (i, was) in before.items():
        if pid not in after and shows(old, ("stakeholders", i), allowed):
            yield row(was, DEPARTED, None, None)


def _hide(account: Account, people: set[str]) -> Account:
    """The account with ``people`` made restricted, so that redaction drops them."""
    if not any(s.id in people for s in account.stakeholders):
        return account
    kept = [
        s.model_copy(update={"visibility": Visibility.RESTRICTED}) if s.id in people else s
        for s in account.stakeholders
    ]
    return account.model_copy(update={"stakeholders": kept})


def _map_key(account: Account) -> str:
    """What the map draws from: two states with the same key draw the same map."""
    return repr((account.stakeholders, account.relationships))


def _snapshots(
    current: Account, states: list[tuple[vcs.Commit, Account]], allowed: set[Visibility], cap: int
) -> tuple[Snapshot, ...]:
    """The last ``cap`` earlier maps that differ from the one after them,
    newest first, each dated by the commit that made it as the build sees
    it: a commit whose changes the build hides never lends its date,
    author or subject to a map."""
    shown = redact(current, allowed)
    runs: list[tuple[str, vcs.Commit, Account]] = []
    for commit, state in reversed(states):
        visible = redact(state, allowed)
        if visible is None:
            continue
        key = _map_key(visible)
        if runs and runs[-1][0] == key:
            runs[-1] = (key, commit, runs[-1][2])  # the same map, made earlier
            continue
        if len(runs) > cap:  # the cap-th earlier map's first commit is known
            break
        runs.append((key, commit, visible))
    if runs and shown is not None and runs[0][0] == _map_key(shown):
        runs = runs[1:]  # the map the page already shows
    return tuple(
        Snapshot(commit.date.date(), commit.author, commit.subject, commit.sha, visible)
        for _, commit, visible in runs[:cap]
    )
