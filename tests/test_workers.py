"""kamgen.workers: accounts rendered on every core give the same pages."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from kamgen import app, workers
from kamgen.pipeline import load
from kamgen.project import Project
from tests import synth

TODAY = dt.date(2026, 11, 26)


def _square_unless_three(n: int) -> int:
    if n % 3 == 0:
        raise ValueError(n)
    return n * n


@pytest.fixture(autouse=True)
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two workers even on a one-core runner: the fork is what is tested. The
    # threads earlier tests of the run may leave (the browser's) are not this
    # module's: its own thread test counts the threads it starts.
    monkeypatch.setattr(workers, "cores", lambda: 2)
    monkeypatch.setattr(workers, "_threads", lambda: 1)
    monkeypatch.delenv(workers.ENV, raising=False)


def test_results_come_back_in_order_and_a_failure_as_none() -> None:
    items = list(range(1, workers.MIN_ITEMS + 20))
    assert workers.workers(len(items)) == 2
    got = list(workers.fork_map(_square_unless_three, items))
    assert got == [None if n % 3 == 0 else n * n for n in items]


def test_few_items_threads_or_one_worker_asked_work_here(monkeypatch: pytest.MonkeyPatch) -> None:
    assert workers.workers(workers.MIN_ITEMS - 1) == 1
    monkeypatch.setenv(workers.ENV, "1")
    assert workers.workers(1000) == 1
    monkeypatch.delenv(workers.ENV)
    monkeypatch.setattr(workers, "_threads", threading.active_count)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert workers.workers(1000) == 1
    finally:
        stop.set()
        thread.join()
    # Worked here, a failure is raised as it is.
    with pytest.raises(ValueError):
        list(workers.fork_map(_square_unless_three, [3]))


def test_render_on_two_cores_gives_the_pages_of_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project(synth.write_portfolio(tmp_path, workers.MIN_ITEMS + 2, people=6))
    result = load(project)
    assert result.portfolio is not None, result.problems
    assert workers.workers(len(result.portfolio.accounts)) == 2
    forked = app.render(project, result.portfolio, today=TODAY, history=False)
    monkeypatch.setenv(workers.ENV, "1")
    alone = app.render(project, result.portfolio, today=TODAY, history=False)
    assert [(p.path, p.content) for p in forked.pages] == [(p.path, p.content) for p in alone.pages]
    assert sum(
        p.path.startswith("accounts/account-") and p.path.endswith(".md") for p in forked.pages
    ) == len(result.portfolio.accounts)


def test_a_heap_frozen_by_the_caller_stays_frozen() -> None:
    import gc

    items = list(range(1, workers.MIN_ITEMS + 2))
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert list(workers.fork_map(_square_unless_three, items))[1] == 4
        # Still frozen (the count itself may drop as frozen objects are freed).
        assert frozen > 0 and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert list(workers.fork_map(_square_unless_three, items))[1] == 4
    assert gc.get_freeze_count() == 0  # frozen for the fork only
