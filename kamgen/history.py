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
import functools
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Any

from kamgen import __version__, vcs
from kamgen.model import AccountRecord, Portfolio, cleared, redact, shows
from kamgen.pipeline import load_account
from kamgen.project import Project
from kamgen.schema import Account, Qualification, Settings, Stakeholder, Visibility

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


def read(
    project: Project, portfolio: Portfolio, visibility: Visibility, *, cache: Path | None = None
) -> History:
    """The history of every account visible at ``visibility``; never raises for
    Git. With ``cache``, revisions parsed by an earlier build are read from
    that file, and the file is rewritten with the ones this build used."""
    settings = portfolio.settings.history
    allowed = cleared(visibility)
    records = [rec for rec in portfolio.accounts if rec.data.visibility in allowed]
    with _Parser(portfolio.settings, cache) as parser:
        try:
            repo = _repository(project)
            if isinstance(repo, Unavailable):
                return History(unavailable=repo)
            prefix = repo.prefix(project.root)
            under = "/".join(p for p in (prefix, project.accounts_dir.name) if p)
            revisions, capped = _revisions(repo.folder_log(under), prefix, records, settings.revisions)
            parser.fetch(repo, [r.change for revs in revisions.values() for r in revs])
        except vcs.GitUnavailable:
            return History(unavailable=Unavailable.UNREADABLE)
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


class _Parser:
    """Revisions through the real loader: each blob is written under its file
    name of the time (the name gives the format and the account id) into a
    scratch project and loaded as `kamgen validate` loads a file.

    Parsing is most of history's cost, so what it found (the stakeholders and
    relationships of a revision that validated, or that it did not) can be
    kept in a cache file between builds, valid for one kamgen version, schema
    and settings."""

    def __init__(self, settings: Settings, cache: Path | None) -> None:
        self.settings, self.cache_file = settings, cache
        self.blobs: dict[str, bytes] = {}
        self.parsed: dict[str, Account | None] = {}
        self.stored: dict[str, str] = {}  # cache key: the account as JSON, or "null"
        self.used: dict[str, str] = {}
        self.fingerprint = hashlib.sha256(f"{_schema()}\n{settings.model_dump_json()}".encode()).hexdigest()

    def __enter__(self) -> _Parser:
        self._dir = tempfile.TemporaryDirectory(prefix="kamgen-history-")
        self.project = Project(Path(self._dir.name))
        self.project.accounts_dir.mkdir()
        self.stored = _read_cache(self.cache_file, self.fingerprint)
        return self

    def __exit__(self, *exc: object) -> None:
        self._dir.cleanup()
        if self.cache_file is not None and self.used:
            _write_cache(self.cache_file, self.fingerprint, self.used)

    def fetch(self, repo: vcs.Repo, changes: list[vcs.BlobChange]) -> None:
        """Read, in one process, the blobs the cache does not answer for."""
        wanted = [
            blob
            for change in changes
            for blob, path in ((change.old_blob, change.old_path), (change.new_blob, change.new_path))
            if blob and path and _key(blob, path) not in self.stored
        ]
        # A file over the size cap would be refused by the loader: never read it.
        self.blobs = repo.blobs(wanted, max_bytes=self.settings.limits.file_bytes)

    def account(self, blob: str | None, path: str | None) -> Account | None:
        if blob is None or path is None:
            return None
        key = _key(blob, path)
        if key not in self.parsed:
            text = self.stored.get(key)
            if text is None and blob in self.blobs:
                text = self._load(PurePosixPath(path).name, self.blobs[blob])
            if text is None:
                return None  # not in the repository (it never fails for a full clone)
            self.used[key] = text
            self.parsed[key] = _from_json(text)
        return self.parsed[key]

    def _load(self, name: str, data: bytes) -> str:
        target = self.project.accounts_dir / name
        try:  # a name this file system refuses (too long, say) cannot be loaded
            target.write_bytes(data)
        except OSError:
            return "null"
        record, _ = load_account(self.project, target, self.settings)
        target.unlink()
        return _slim(record.data).model_dump_json(by_alias=True) if record is not None else "null"


@functools.cache
def _schema() -> str:
    """kamgen's version and the account schema: a cache entry from another is stale."""
    return f"{__version__}\n{json.dumps(Account.model_json_schema(), sort_keys=True)}"


def _from_json(text: str) -> Account | None:
    try:
        return None if text == "null" else Account.model_validate_json(text)
    except ValueError:  # a damaged cache entry: as if the revision did not validate
        return None


def _key(blob: str, path: str) -> str:
    return hashlib.sha256(f"{blob}\0{PurePosixPath(path).name}".encode()).hexdigest()


def _slim(account: Account) -> Account:
    """What history compares and the map draws; the rest needs no keeping."""
    return account.model_copy(
        update={
            "interests": [],
            "practices": [],
            "goals": [],
            "actions": [],
            "checklists": {},
            "notes": [],
            "why_key": None,
            "qualification": Qualification(),
        }
    )


def _read_cache(path: Path | None, fingerprint: str) -> dict[str, str]:
    """The cache's entries, or none when it is missing, unreadable or stale."""
    if path is None:
        return {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    if not lines or lines[0] != fingerprint:
        return {}
    return dict(line.split(" ", 1) for line in lines[1:] if " " in line)


def _write_cache(path: Path, fingerprint: str, entries: Mapping[str, str]) -> None:
    """Only the entries this build used, so the file does not grow forever;
    written whole and renamed into place. A cache that cannot be written is
    no error: the next build parses again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(path.name + ".tmp")
        staging.write_text(
            "\n".join([fingerprint, *(f"{k} {v}" for k, v in entries.items())]) + "\n", "utf-8"
        )
        staging.replace(path)
    except OSError:
        pass


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
            if getattr(was, name) != getattr(now, name) and _both(old, new, i, j, name, allowed):
                yield row(now, name, getattr(was, name), getattr(now, name))
        if was.left_on is None and now.left_on is not None:
            yield row(now, DEPARTED, None, now.left_on)
    for pid, (i, was) in before.items():
        if pid not in after and shows(old, ("stakeholders", i), allowed):
            yield row(was, DEPARTED, None, None)


def _both(old: Account, new: Account, i: int, j: int, name: str, allowed: set[Visibility]) -> bool:
    """Whether a field of a person is visible in both revisions."""
    return shows(old, ("stakeholders", i, name), allowed) and shows(new, ("stakeholders", j, name), allowed)


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
    people = (s.model_dump_json() for s in account.stakeholders)
    lines = (r.model_dump_json() for r in account.relationships)
    return "\n".join([*people, "", *lines])


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
