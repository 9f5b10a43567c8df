"""Where a kamgen project's files are: settings, accounts, templates, docs.

A project is a folder with ``kamgen.yml``. Every path a problem, report or
annotation names is relative to its root, whatever the current directory.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from kamgen.schema import Language

SETTINGS_FILE = "kamgen.yml"
ACCOUNTS_DIR = "accounts"


@functools.lru_cache(maxsize=16)
def _real(root: Path) -> Path:
    """A project root without symbolic links: resolved once, as every file
    a problem names is shown against it (a thousand times at N = 1,000)."""
    return root.resolve()


@dataclass(frozen=True)
class Project:
    """Where a kamgen project's files are."""

    root: Path

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def accounts_dir(self) -> Path:
        return self.root / ACCOUNTS_DIR

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def mkdocs_file(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def work_dir(self) -> Path:
        """Generated files; git-ignored, never committed."""
        return self.root / ".kamgen"

    def method_pages(self, language: Language) -> list[str]:
        """Hand-written method pages for a site language, relative to docs/.

        English pages live in docs/method/, others in docs/<language>/method/.
        """
        base = self.docs_dir / (language.value if language is not Language.EN else "") / "method"
        if not base.is_dir():
            return []
        pages = sorted(base.glob("*.md"), key=lambda p: (p.name != "index.md", p.name))
        return [p.relative_to(self.docs_dir).as_posix() for p in pages]

    def resolve(self, path: Path) -> Path:
        """A path the user gave, read against the project root when relative."""
        return path if path.is_absolute() else self.root / path

    def display(self, path: Path) -> str:
        """How problems and reports name a file: relative to the project root."""
        try:
            return path.resolve().relative_to(_real(self.root)).as_posix()
        except ValueError:
            return path.as_posix()

    @classmethod
    def find(cls, start: Path) -> Project:
        """The nearest directory at or above ``start`` with a settings file."""
        start = start.resolve()
        for candidate in (start, *start.parents):
            if (candidate / SETTINGS_FILE).is_file():
                return cls(candidate)
        return cls(start)
