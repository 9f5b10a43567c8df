"""How a use case reports long work: a callback that takes one line."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass
