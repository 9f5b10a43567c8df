"""Reading a project's Git history: revisions, files at a revision, file logs.

`kamgen diff` compares the project at two revisions and the site shows how
people changed over a file's history; both read Git through this module
only. It runs the ``git`` command (no library: every team has it, and its
rename detection is the one reviewers see), never writes to the repository,
and turns every way Git can be missing or unhelpful (no ``git``, not a
repository, an unknown revision, a shallow clone) into :class:`GitUnavailable`
with a message a user can act on.

Paths given and returned are relative to the repository's top level, in
POSIX form; :func:`prefix` gives where a project lies inside its repository.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# A revision we make up for "the files as they are now, committed or not".
WORKTREE = "WORKTREE"
# ASCII unit and record separators: never in a name, subject or date.
_US, _RS = "\x1f", "\x1e"
_LOG_FORMAT = f"{_RS}%H{_US}%aI{_US}%an{_US}%s"


class GitUnavailable(Exception):
    """Git cannot answer; the message says why in a user's words."""


@dataclass(frozen=True)
class Commit:
    """One commit as a history line shows it."""

    sha: str
    date: dt.datetime  # the author date, with its time zone
    author: str
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]


@dataclass(frozen=True)
class Revision:
    """A file as one commit left it: the commit and the file's path then."""

    commit: Commit
    path: str


@dataclass(frozen=True)
class BlobChange:
    """One file a commit changed: its status (A, D, M, R), paths and blob ids
    before and after (None where the file did not exist or is not a regular file)."""

    status: str
    old_path: str | None
    new_path: str | None
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True)
class Change:
    """A file added (A), deleted (D), modified (M) or renamed (R) between two trees."""

    status: str
    old: str | None
    new: str | None


class Repo:
    """The Git repository that holds a folder."""

    def __init__(self, top: Path) -> None:
        self.top = top

    # ---------------------------------------------------------------- finding

    @classmethod
    def of(cls, folder: Path) -> Repo:
        """The repository holding ``folder``, or :class:`GitUnavailable`."""
        if shutil.which("git") is None:
            raise GitUnavailable("the `git` command is not installed")
        try:
            out = _git(folder, "rev-parse", "--show-toplevel")
        except GitUnavailable:
            raise GitUnavailable(f"{folder} is not inside a Git repository") from None
        return cls(Path(out.strip()))

    def prefix(self, folder: Path) -> str:
        """Where ``folder`` lies inside the repository ('' at its top)."""
        rel = folder.resolve().relative_to(self.top.resolve()).as_posix()
        return "" if rel == "." else rel

    def is_shallow(self) -> bool:
        return self.git("rev-parse", "--is-shallow-repository").strip() == "true"

    def has_commits(self) -> bool:
        try:
            self.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        except GitUnavailable:
            return False
        return True

    def tracked(self, under: str) -> list[str]:
        """The files below ``under`` that Git tracks (in the index)."""
        out = self.git("ls-files", "-z", "--full-name", "--", under or ".")
        return [p for p in out.split("\0") if p]

    # ---------------------------------------------------------------- revisions

    def resolve(self, rev: str) -> str:
        """The full commit id ``rev`` names, or :class:`GitUnavailable`."""
        if rev.startswith("-"):
            raise GitUnavailable(f"'{rev}' is not a revision")
        try:
            return self.git(
                "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
            ).strip()
        except GitUnavailable:
            hint = " (this is a shallow clone: fetch more history)" if self.is_shallow() else ""
            raise GitUnavailable(f"unknown revision '{rev}'{hint}") from None

    def default_branch(self) -> str:
        """The branch pull requests merge into: origin's HEAD, else main or master."""
        try:
            ref = self.git("symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD").strip()
            if ref:
                return ref
        except GitUnavailable:
            pass
        for name in ("origin/main", "origin/master", "main", "master"):
            try:
                self.resolve(name)
            except GitUnavailable:
                continue
            return name
        raise GitUnavailable("no default branch found (no origin/HEAD, main or master); name a base revision")

    def merge_base(self, a: str, b: str) -> str:
        try:
            return self.git("merge-base", self.resolve(a), self.resolve(b)).strip()
        except GitUnavailable:
            hint = " (this is a shallow clone: fetch more history)" if self.is_shallow() else ""
            raise GitUnavailable(f"'{a}' and '{b}' have no common commit{hint}") from None

    def commit(self, rev: str) -> Commit:
        out = self.git("show", "-s", f"--format={_LOG_FORMAT}", self.resolve(rev))
        return next(_commits(out))

    # ---------------------------------------------------------------- trees

    def files(self, rev: str, under: str = "") -> dict[str, str]:
        """Blob ids of the regular files below ``under`` at ``rev``, by path.

        Symbolic links and submodules are left out, as the loader refuses them.
        """
        args = ["ls-tree", "-r", "-z", "--full-tree", self.resolve(rev)]
        if under:
            args += ["--", under]
        found: dict[str, str] = {}
        for entry in self.git(*args).split("\0"):
            if not entry:
                continue
            meta, path = entry.split("\t", 1)
            mode, kind, blob = meta.split()
            if kind == "blob" and mode in ("100644", "100755"):
                found[path] = blob
        return found

    def read(self, rev: str, path: str) -> bytes:
        """A file's bytes as they were at ``rev``."""
        return self.git_bytes("cat-file", "blob", f"{self.resolve(rev)}:{path}")

    def export(self, rev: str, under: str, dest: Path) -> list[Path]:
        """Write the files below ``under`` at ``rev`` into ``dest`` (paths kept
        relative to ``under``); the paths written."""
        written = []
        for path, blob in self.files(rev, under).items():
            rel = PurePosixPath(path).relative_to(under) if under else PurePosixPath(path)
            target = dest.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.git_bytes("cat-file", "blob", blob))
            written.append(target)
        return written

    def changes(self, base: str, head: str = WORKTREE, under: str = "") -> list[Change]:
        """Files added, deleted, modified or renamed from ``base`` to ``head``
        (the working tree, untracked files included, by default)."""
        args = ["diff", "--name-status", "-z", "-M", "--no-color", self.resolve(base)]
        if head != WORKTREE:
            args.append(self.resolve(head))
        args += ["--", under or "."]
        fields = self.git(*args).split("\0")
        found = list(_changes(fields))
        if head == WORKTREE:
            found += [Change("A", None, p) for p in self._untracked(under)]
        return found

    def _untracked(self, under: str) -> list[str]:
        out = self.git("ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--", under or ".")
        return [p for p in out.split("\0") if p]

    # ---------------------------------------------------------------- history

    def log(self, path: str, *, limit: int = 200) -> list[Revision]:
        """The commits that changed ``path``, newest first, following renames."""
        out = self.git(
            "log", "--follow", "-M", f"--max-count={limit}", f"--format={_LOG_FORMAT}",
            "--name-only", "-z", "--", path,
        )  # fmt: skip
        revisions = []
        for chunk in out.split(_RS)[1:]:
            head, _, names = chunk.partition("\n")
            commit = next(_commits(_RS + head))
            name = next((n.strip("\n") for n in names.split("\0") if n.strip("\n")), path)
            revisions.append(Revision(commit, name))
        return revisions

    def folder_log(self, under: str, *, limit: int | None = None) -> list[tuple[Commit, list[BlobChange]]]:
        """The commits that changed files below ``under``, newest first, each
        with the blobs it changed: one ``git log`` for a whole folder, so that
        a thousand files cost one process, not a thousand. Renames inside the
        folder are detected; merges show no changes of their own (their
        parents' commits do)."""
        out = self.git(
            "log", "-M", "--raw", "--no-abbrev", "-z", f"--max-count={-1 if limit is None else limit}",
            f"--format={_LOG_FORMAT}", "--", under or ".",
        )  # fmt: skip
        try:
            return [_raw_record(chunk) for chunk in out.split(_RS)[1:]]
        except (ValueError, IndexError):
            raise GitUnavailable("cannot read the output of `git log`") from None

    def blobs(self, ids: Sequence[str], *, max_bytes: int | None = None) -> dict[str, bytes]:
        """The contents of many blobs, read by one ``git cat-file --batch``;
        with ``max_bytes``, larger ones are left out unread (one more process)."""
        wanted = list(dict.fromkeys(ids))
        if wanted and max_bytes is not None:
            sizes = self._batch("--batch-check", wanted).decode("ascii", "replace").split("\n")
            fits = {f[0] for f in (line.split() for line in sizes) if len(f) == 3 and int(f[2]) <= max_bytes}
            wanted = [i for i in wanted if i in fits]
        return dict(_batch(self._batch("--batch", wanted))) if wanted else {}

    def _batch(self, mode: str, ids: list[str]) -> bytes:
        cmd = ["git", "-c", "core.quotePath=off", "--no-pager", "cat-file", mode]
        env = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C.UTF-8", "GIT_OPTIONAL_LOCKS": "0"}
        try:
            done = subprocess.run(
                cmd, cwd=self.top, input="".join(f"{i}\n" for i in ids).encode(),
                capture_output=True, env=_env(env), check=False,
            )  # fmt: skip
        except OSError as exc:
            raise GitUnavailable(f"cannot run git: {exc.strerror}") from None
        return done.stdout

    # ---------------------------------------------------------------- running

    def git(self, *args: str) -> str:
        return _git(self.top, *args)

    def git_bytes(self, *args: str) -> bytes:
        return _run(self.top, args).stdout


def _git(cwd: Path, *args: str) -> str:
    return _run(cwd, args).stdout.decode("utf-8", "replace")


def _run(cwd: Path, args: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
    # No pager, no prompts, no locale surprises, and core.quotePath off so
    # Chinese file names come back as written.
    cmd = ["git", "-c", "core.quotePath=off", "--no-pager", *args]
    env = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C.UTF-8", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, env=_env(env), check=False)
    except OSError as exc:
        raise GitUnavailable(f"cannot run git: {exc.strerror}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitUnavailable(message[-1] if message else f"git {args[0]} failed")
    return done


def _env(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra}


def _commits(out: str) -> Iterator[Commit]:
    for record in out.split(_RS)[1:]:
        sha, date, author, subject = record.rstrip("\n\0").split(_US, 3)
        yield Commit(sha, dt.datetime.fromisoformat(date), author, subject)


def _changes(fields: list[str]) -> Iterator[Change]:
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i][0]
        if status in "RC":
            old, new = fields[i + 1], fields[i + 2]
            yield Change("R" if status == "R" else "A", old if status == "R" else None, new)
            i += 3
            continue
        path = fields[i + 1]
        yield Change(
            status if status in "ADM" else "M",
            None if status == "A" else path,
            None if status == "D" else path,
        )
        i += 2


_NO_BLOB = "0" * 40
_REGULAR = ("100644", "100755")


def _raw_record(chunk: str) -> tuple[Commit, list[BlobChange]]:
    """One commit of ``git log --raw -z``: its header, then ':modes blobs status'
    entries, each followed by one path (two for a rename or copy)."""
    head, _, rest = chunk.partition("\0")
    commit = next(_commits(_RS + head))
    fields = rest.lstrip("\n").split("\0")
    changes: list[BlobChange] = []
    i = 0
    while i < len(fields) and fields[i].startswith(":"):
        old_mode, new_mode, old_blob, new_blob, status = fields[i][1:].split(" ")
        kind = status[0]
        paths = fields[i + 1 : i + (3 if kind in "RC" else 2)]
        i += 1 + len(paths)
        old_path, new_path = (paths[0], paths[-1]) if kind in "RC" else (paths[0], paths[0])
        changes.append(
            BlobChange(
                "A" if kind == "C" else kind if kind in "ADR" else "M",
                None if kind in "AC" else old_path,
                None if kind == "D" else new_path,
                old_blob if old_mode in _REGULAR and old_blob != _NO_BLOB else None,
                new_blob if new_mode in _REGULAR and new_blob != _NO_BLOB else None,
            )
        )
    return commit, changes


def _batch(out: bytes) -> Iterator[tuple[str, bytes]]:
    """Blobs from ``git cat-file --batch``: '<id> blob <size>\\n<bytes>\\n' each,
    or '<id> missing\\n' for one not in the repository (a shallow clone)."""
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].decode("ascii", "replace").split()
        pos = end + 1
        if len(header) != 3:
            continue
        size = int(header[2])
        if header[1] == "blob":
            yield header[0], out[pos : pos + size]
        pos += size + 1
