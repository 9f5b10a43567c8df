"""The output folder: which folders a build may replace.

A build replaces its output folder whole, so a wrong ``--site-dir`` would
delete whatever is there: ``--site-dir accounts`` used to delete every
account, ``--site-dir .`` the whole project with its ``.git``. A folder is
only replaced when it is missing, empty, or was built by kamgen, which marks
its builds with a stamp file; and never when it is, holds or lies inside the
project's own sources.
"""

from __future__ import annotations

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
