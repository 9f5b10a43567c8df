"""Caps on what one pull request can make kamgen do.

Account files come from whoever opens a pull request, and CI runs on them.
These caps keep a hostile or broken file from exhausting a CI runner or
flooding a log: a file is read only up to a size, a file reports at most so
many problems, and a value quoted in a message is cut. ``limits:`` in
``kamgen.yml`` changes them (the settings file itself is read with the
defaults).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 1_048_576
    """Largest account or settings file read, in bytes (1 MiB)."""
    problems_per_file: int = 200
    """Problems listed for one file; the rest are counted in one line."""
    quote_chars: int = 80
    """Characters of a value quoted in a problem message."""

    def quote(self, value: object) -> str:
        """A value as a message shows it: quoted, and cut when long."""
        text = value if isinstance(value, str) else str(value)
        if len(text) <= self.quote_chars:
            return repr(text)
        return f"{text[: self.quote_chars]!r}… ({len(text):,} characters)"


DEFAULT = Limits()
