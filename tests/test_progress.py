"""Long work says how far it is: accounts validated, pages rendered, MkDocs' stages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kamgen import app
from kamgen.pipeline import load
from kamgen.progress import Ticker
from kamgen.project import Project
from tests.conftest import MINIMAL, TODAY, kamgen_build


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run(seconds_per_item: float, total: int) -> list[str]:
    """What a Ticker says over ``total`` items that take ``seconds_per_item`` each."""
    said: list[str] = []
    clock = Clock()
    tick = Ticker(said.append, "doing", clock=clock)
    for done in range(1, total + 1):
        clock.now += seconds_per_item
        tick(done, total)
    return said


def test_quick_work_says_nothing() -> None:
    assert run(1 / 128, 100) == []  # 0.8 s in all


def test_long_work_is_said_each_tenth_at_most_once_a_second() -> None:
    assert run(0.25, 100) == [f"doing {n}/100" for n in (10, 20, 30, 40, 50, 60, 70, 80, 90)]
    # Items quicker than a tenth a second: a line a second, not every tenth.
    assert run(1 / 16, 100) == [f"doing {n}/100" for n in (16, 32, 48, 64, 80, 96)]


def test_a_slow_tenth_is_said_every_ten_seconds() -> None:
    said = run(4.0, 100)  # a tenth takes 40 s
    assert said[:4] == ["doing 3/100", "doing 6/100", "doing 9/100", "doing 10/100"]
    assert "doing 100/100" not in said  # the caller says the end


def test_load_and_render_count_every_account(project: Project) -> None:
    for name in ("a", "b", "c"):
        (project.accounts_dir / f"{name}.yaml").write_text(MINIMAL, encoding="utf-8")
    loaded: list[tuple[int, int]] = []
    result = load(project, progress=lambda done, total: loaded.append((done, total)))
    assert loaded == [(1, 3), (2, 3), (3, 3)]
    assert result.portfolio is not None
    rendered: list[tuple[int, int]] = []
    app.render(
        project,
        result.portfolio,
        today=dt.date.fromisoformat(TODAY),
        progress=lambda done, total: rendered.append((done, total)),
    )
    assert rendered == [(1, 3), (2, 3), (3, 3)]


STAGES = [
    "kamgen: validated 4 account(s)",
    "kamgen: rendered ",
    "kamgen: MkDocs: reading ",
    "kamgen: MkDocs: writing ",
    "kamgen: MkDocs: writing the search index",
    "kamgen: built ",
]


@pytest.mark.site
def test_a_build_says_its_stages_in_order_and_q_quiets_them(sample_project: Project) -> None:
    result = kamgen_build(sample_project.root)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert all(line.startswith("kamgen: ") for line in lines), lines
    at = [next(i for i, line in enumerate(lines) if line.startswith(stage)) for stage in STAGES]
    assert at == sorted(at), lines
    # MkDocs reads and writes the same pages: kamgen's and the hand-written ones.
    counts = re.findall(r"MkDocs: (?:reading|writing) (\d+) page", result.stderr)
    rendered = re.search(r"rendered (\d+) page", result.stderr)
    assert rendered and len(counts) == 2 and counts[0] == counts[1]
    assert int(counts[0]) > int(rendered[1])
    quiet = kamgen_build(sample_project.root, "-q")
    assert quiet.returncode == 0, quiet.stderr
    assert [line.split(" in ")[0] for line in quiet.stderr.splitlines()] == [lines[-1].split(" in ")[0]]
