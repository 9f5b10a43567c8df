"""Independent work spread over the machine's cores, in forked processes.

kamgen renders each account on its own, and a portfolio of a thousand
accounts keeps one core busy for most of a minute. Where the operating
system can fork, :func:`fork_map` hands the items to one worker per core;
each worker starts as a copy of this process, so it already holds the
renderer and the portfolio, and only the results travel back.

Nothing depends on it: with one core, few items, threads running (a live
preview server, where forking could copy a held lock), no ``fork``, or
``KAMGEN_WORKERS=1``, the items are worked here, one after the other. A
worker that fails gives back None, and the caller works that item itself,
so that an error is raised, and reported, where it would be without workers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items the fork does not pay for itself.
MIN_ITEMS = 48
ENV = "KAMGEN_WORKERS"

# The work of the pool being run: set before the fork, so every worker has it.
_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _threads() -> int:
    return threading.active_count()


def workers(items: int, processes: int | None = None, least: int = MIN_ITEMS) -> int:
    """How many processes work ``items`` items: 1 means here, alone.
    ``processes`` is what the caller was asked for (``validate -j``), else
    ``KAMGEN_WORKERS``, else one per core; below ``least`` items, one."""
    if processes is None:
        wanted = os.environ.get(ENV, "").strip()
        # Asked for a number, it is used even beyond the cores (to test on one).
        processes = int(wanted) if wanted.isdigit() and int(wanted) > 0 else cores()
    if (
        processes < 2
        or items < least
        or "fork" not in multiprocessing.get_all_start_methods()
        or _threads() > 1
    ):
        return 1
    return min(processes, items)


def fork_map(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    processes: int | None = None,
    least: int = MIN_ITEMS,
    chunks: int = 8,
) -> Iterator[R | None]:
    """``func`` of each item, in order; None where a worker failed. Each
    worker takes about ``chunks`` slices of the items in turn, so that none
    waits long for the last one; see :func:`workers` for the others."""
    count = workers(len(items), processes, least)
    if count == 1:
        yield from map(func, items)
        return
    global _job
    _job = (func, items)
    # Objects that exist now are never collected in the workers: without
    # this their collector would touch, and so copy, every shared page. A
    # caller that froze the heap itself (the build) keeps it frozen.
    first_freeze = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        try:
            pool = multiprocessing.get_context("fork").Pool(count)
        except OSError:  # no semaphores here (some containers): one process it is
            yield from map(func, items)
            return
        with pool:
            yield from pool.imap(_work, range(len(items)), chunksize=max(1, len(items) // (count * chunks)))
    finally:
        _job = None
        if first_freeze:
            gc.unfreeze()


def _work(index: int) -> Any:
    assert _job is not None
    func, items = _job
    try:
        return func(items[index])
    except Exception:  # the caller works it again, and reports it
        return None
