"""What kamgen may reuse between runs: entries in ``.kamgen/cache/``.

An entry is named by a digest of everything its value depends on: the bytes
of the file it describes (never its modification time: an edit that keeps
the size and the time is still a change), the settings, the day where that
matters, and kamgen itself (its version, the source of its package, the
versions of the parsers it runs on). Nothing else is trusted: a change to
any of them names another entry, so a stale entry is never read.

Entries are JSON, never pickle, so a planted file can at worst be refused,
never run. An entry that cannot be read or does not have the expected shape
is a miss, and is written again; writes go to a temporary file that is
renamed into place, so runs at the same time never see half an entry. The
folder is safe to delete at any time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pydantic
import yaml

import kamgen
from kamgen import languages

CACHE_DIR = "cache"
_SUFFIX = ".json"
_TMP = ".tmp-"
# A temporary file this old was left by a run that died; any live writer
# renames its own within milliseconds.
_STALE_TMP_SECONDS = 3600


def digest(*parts: str | bytes) -> str:
    """A hex digest of ``parts``, each length-prefixed so that no two lists
    of parts run together into the same bytes."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


# The package's files that decide a result: code, packaged checklists and
# wording; templates and starter files only shape pages and new projects.
_NOT_RESULTS = ("templates", "starter")


@functools.cache
def code_fingerprint() -> str:
    """kamgen as it runs now: its version, every source file of the package
    (so that a change during development is a change), and the versions of
    Python and of the libraries that parse and validate."""
    package = Path(kamgen.__file__).parent
    files = sorted(
        p
        for p in package.rglob("*")
        if p.suffix in (".py", ".yml", ".yaml")
        and p.is_file()
        and not set(p.relative_to(package).parts) & set(_NOT_RESULTS)
    )
    parts: list[str | bytes] = [
        kamgen.__version__,
        sys.version,
        pydantic.VERSION,
        yaml.__version__,
        str(getattr(yaml, "__with_libyaml__", False)),
    ]
    for path in files:
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    # A team's own catalogues ($KAMGEN_LANGUAGES) word enum aliases too.
    for code, path in languages.files().items():
        if package not in path.parents:
            parts += [code, path.read_bytes()]
    return digest(*parts)


class Store:
    """A folder of JSON entries, each named by its key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{_SUFFIX}"

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or None when there is none or it
        cannot be read (the caller checks its shape)."""
        try:
            return json.loads(self._path(key).read_bytes())
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` atomically; a folder that cannot be written only
        means the next run does the work again."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=_TMP, suffix=_SUFFIX)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(value, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self._path(key))
        except (OSError, TypeError, ValueError):
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def prune(self, keep: Iterable[str]) -> None:
        """Delete the entries not in ``keep`` (what a run over every file did
        not use), and temporary files that a dead run left."""
        wanted = {f"{key}{_SUFFIX}" for key in keep}
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        now = time.time()
        for name in names:
            path = self.folder / name
            with contextlib.suppress(OSError):
                if name.startswith(_TMP):
                    if now - path.stat().st_mtime > _STALE_TMP_SECONDS:
                        path.unlink()
                elif name.endswith(_SUFFIX) and name not in wanted:
                    path.unlink()
