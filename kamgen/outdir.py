"""The output folder: which folders a build may replace, and how.

A build replaces its output folder whole, so a wrong ``--site-dir`` would
delete whatever is there: ``--site-dir accounts`` used to delete every
account, ``--site-dir .`` the whole project with its ``.git``. A folder is
only replaced when it is missing, empty, or was built by kamgen, which marks
its builds with a stamp file; and never when it is, holds or lies inside the
project's own sources.

The new site is built in a staging folder beside the old one and exchanged
with it in one atomic step (``renameat2(RENAME_EXCHANGE)`` on Linux), so a
web server serving the folder sees the old site or the new one, never a mix,
even when the build is killed. Staging folders left by killed builds are
removed by the next build, under a lock so that two builds never remove each
other's work.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Written into every site kamgen builds; its presence is what makes an
# existing folder safe to replace.
STAMP = ".kamgen-site"
# Builds from before the stamp existed carry kamgen's stylesheet.
_OLD_BUILD_MARK = Path("assets") / "kamgen.css"
# Folders a site must never be written into or over: the sources.
_SOURCE_DIRS = ("accounts", "templates", "docs", ".git", ".kamgen")
_SOURCE_FILES = ("kamgen.yml", "mkdocs.yml")
_ACCOUNT_SUFFIXES = (".yaml", ".yml", ".md")


class UnsafeSiteDir(Exception):
    """The output folder must not be replaced; the message says why."""


def check_site_dir(site_dir: Path, root: Path) -> Path:
    """The resolved output folder, or :class:`UnsafeSiteDir` saying why not."""
    site = site_dir.resolve()
    root = root.resolve()
    if site == root or site in root.parents:
        raise UnsafeSiteDir("is the project folder or a folder above it")
    for name in _SOURCE_DIRS:
        source = root / name
        if site == source or source in site.parents:
            raise UnsafeSiteDir(f"is or lies inside the project's {name}/ folder")
    if not site.exists():
        return site
    if not site.is_dir():
        raise UnsafeSiteDir("is not a folder")
    if (site / STAMP).is_file() or (site / _OLD_BUILD_MARK).is_file():
        return site
    held = _sources_in(site)
    if held:
        raise UnsafeSiteDir(f"holds {held}, which a build would delete")
    if any(site.iterdir()):
        raise UnsafeSiteDir(
            f"is not empty and was not built by kamgen (no {STAMP} file); empty it or choose another folder"
        )
    return site


def _sources_in(folder: Path) -> str | None:
    for name in (*_SOURCE_FILES, ".git"):
        if (folder / name).exists():
            return name
    for child in folder.iterdir():
        if child.is_file() and child.suffix in _ACCOUNT_SUFFIXES:
            return f"the file {child.name}"
    return None


def stamp(site_dir: Path) -> None:
    """Mark a finished build as kamgen's, so the next build may replace it."""
    (site_dir / STAMP).write_text(
        "Built by kamgen. The next `kamgen build` replaces this folder.\n", encoding="utf-8"
    )


# ---------------------------------------------------------------- the swap

DIR_MODE = 0o755
FILE_MODE = 0o644
_STAGING = ".kamgen-staging-"
_RETIRED = ".kamgen-retired-"


@contextmanager
def build_lock(work_dir: Path) -> Iterator[None]:
    """Hold the project's build lock: one build at a time swaps and cleans."""
    work_dir.mkdir(parents=True, exist_ok=True)
    with open(work_dir / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def clean_leftovers(site_dir: Path) -> list[Path]:
    """Remove staging and retired folders that killed builds left beside
    ``site_dir``; call under :func:`build_lock`."""
    removed = []
    prefixes = (f"{_STAGING}{site_dir.name}-", f"{_RETIRED}{site_dir.name}-")
    if site_dir.parent.is_dir():
        for entry in site_dir.parent.iterdir():
            if entry.name.startswith(prefixes) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


def staging_dir(site_dir: Path) -> Path:
    """A new, empty folder beside ``site_dir`` (same file system, so the swap
    is a rename), named so that the next build can recognise it."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{_STAGING}{site_dir.name}-", dir=site_dir.parent))


def publishable(tree: Path) -> None:
    """Folders 755 and files 644, whatever the umask or mkdtemp's 700: a web
    server running as another user must be able to read the site."""
    os.chmod(tree, DIR_MODE)
    for folder, dirs, files in os.walk(tree):
        for name in dirs:
            os.chmod(os.path.join(folder, name), DIR_MODE)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, FILE_MODE)


def swap_in(staging: Path, site_dir: Path) -> None:
    """Put ``staging`` where ``site_dir`` is, atomically, and remove the old site."""
    stamp(staging)
    publishable(staging)
    if not site_dir.exists():
        staging.rename(site_dir)
        return
    if _exchange(staging, site_dir):
        shutil.rmtree(staging)  # now holds the old site
        return
    # No atomic exchange here (not Linux): two renames, a moment apart.
    retired = Path(tempfile.mkdtemp(prefix=f"{_RETIRED}{site_dir.name}-", dir=site_dir.parent))
    site_dir.rename(retired / "site")
    staging.rename(site_dir)
    shutil.rmtree(retired)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with Linux's renameat2; False where the
    system has no such call, so the caller falls back."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # old kernel or file system
        return False
    raise OSError(err, os.strerror(err), str(b))
