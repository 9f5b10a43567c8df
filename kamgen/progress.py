"""Progress on long work: a count said now and then, never for quick work.

A stage that loops over files or pages takes a ``Tick`` and calls it with
``(done, total)`` after each item; it words nothing. A :class:`Ticker` turns
those calls into a few short lines: none when the stage is over within a
second, and on a long one a line each tenth of the way (at most once a
second), or every ten seconds when a tenth takes longer. The last item is
never said: the caller says what the stage did once it is over.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Say = Callable[[str], None]
Tick = Callable[[int, int], None]
TENTHS = 10


def no_tick(done: int, total: int) -> None:
    pass


class Ticker:
    """Says ``"{what} {done}/{total}"`` as the module docstring describes,
    ``every`` seconds being the shortest wait."""

    def __init__(
        self, say: Say, what: str, *, every: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.say, self.what, self.every, self.clock = say, what, every, clock
        self.last = clock()
        self.tenth = 0

    def __call__(self, done: int, total: int) -> None:
        if done >= total:
            return
        now = self.clock()
        waited = now - self.last
        tenth = done * TENTHS // total
        if waited >= self.every and (tenth > self.tenth or waited >= TENTHS * self.every):
            self.last, self.tenth = now, tenth
            self.say(f"{self.what} {done}/{total}")
