"""The measuring tools in bench/: the realistic generator, the profile
summary and (slow) the benchmark's smoke run. Nothing here is timed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import portfolio
from bench.benchmark import Row, Timing, growth
from bench.profiling import summarise_collapsed
from kamgen import app
from kamgen.problems import Level
from kamgen.project import Project

ROOT = Path(__file__).resolve().parent.parent
N = 12
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return portfolio.write_portfolio(tmp_path_factory.mktemp("portfolio"), N)


def test_generated_portfolio_validates_with_no_error(generated: Path) -> None:
    result = app.validate(Project(generated), health_on=portfolio.TODAY)
    errors = [str(p) for p in result.problems if p.level is Level.ERROR]
    assert errors == []
    assert result.accounts == N
    # Health findings are warnings, as in real portfolios: not an empty plan.
    assert any(p.code.startswith("H") for p in result.problems)


def test_generated_accounts_are_shaped_like_the_samples(generated: Path) -> None:
    loaded = app.load(Project(generated)).portfolio
    assert loaded is not None
    for record in loaded.accounts:
        a = record.data
        assert len(a.stakeholders) == 20
        for s in a.stakeholders:
            filled: list[object] = [
                s.aliases,
                s.title,
                s.department,
                s.role,
                s.political_status,
                s.influence,
                s.stance,
            ]
            filled += [s.rating, s.mode, s.coverage, s.relationship_level, s.last_contact, s.notes]
            assert all(v not in (None, []) for v in filled), s.id
        assert 3 <= len(a.interests) <= 5
        assert 5 <= len(a.goals) <= 7
        assert 8 <= len(a.actions) <= 12
        assert 8 <= len(a.relationships) <= 12
        assert a.notes and a.practices and a.why_key
        q = a.qualification
        assert q.purchases and q.margin_pct is not None and q.potential and q.credit_rating
        for checklist in loaded.checklists:
            assert set(a.checklists[checklist.id]) == {item.id for item in checklist.items}, checklist.id
    files = sorted((generated / "accounts").iterdir())
    markdown = [f for f in files if f.suffix == ".md"]
    assert len(markdown) == N // 3
    assert all(r.body.strip().startswith("# ") for r in loaded.accounts if r.path.endswith(".md"))
    assert sum(bool(CJK.search(r.data.name)) for r in loaded.accounts) == N // 4
    mean = sum(f.stat().st_size for f in files) / len(files)
    assert 18_000 <= mean <= 26_000


def test_an_account_is_the_same_in_every_portfolio_size(tmp_path: Path) -> None:
    small = portfolio.write_portfolio(tmp_path / "small", 3)
    large = portfolio.write_portfolio(tmp_path / "large", 5)
    for path in sorted((small / "accounts").iterdir()):
        assert path.read_bytes() == (large / "accounts" / path.name).read_bytes()
    other_seed = portfolio.account_file(1, seed=portfolio.SEED + 1)[1]
    assert other_seed != portfolio.account_file(1)[1]


def test_never_writes_into_the_repositorys_accounts(tmp_path: Path) -> None:
    before = sorted(p.name for p in (ROOT / "accounts").iterdir())
    with pytest.raises(portfolio.RepoAccounts):
        portfolio.write_portfolio(ROOT, 2)
    assert sorted(p.name for p in (ROOT / "accounts").iterdir()) == before
    portfolio.write_portfolio(tmp_path, 1)
    with pytest.raises(FileExistsError):
        portfolio.write_portfolio(tmp_path, 1)


def test_profile_summary_counts_own_and_total_samples(tmp_path: Path) -> None:
    collapsed = tmp_path / "x.collapsed"
    collapsed.write_text(
        "main (a.py:1);load (b.py:5);load (b.py:9);parse (c.py:3) 6\nmain (a.py:1);render (d.py:2) 4\n",
        encoding="utf-8",
    )
    text = summarise_collapsed(collapsed)
    own, total = text.split("top 25 by total")
    assert "60.0  parse (c.py)" in own and "40.0  render (d.py)" in own
    # A recursive frame counts once per sample; line numbers fold together.
    assert "60.0  load (b.py)" in total and "100.0  main (a.py)" in total


def test_growth_between_sizes_is_the_ratio_of_cpu_times() -> None:
    def row(n: int, cpu: float) -> Row:
        keys = ("validate", "render", "mkdocs", "build")
        return Row(n, timings={k: Timing(99.0, cpu * (i + 1), 0) for i, k in enumerate(keys)})

    failed = Row(300)  # a size that failed has no timings and is left out
    (line,) = growth([row(100, 1.0), failed, row(1000, 12.0)])
    assert line.startswith("N=100->1000 (x10 accounts)")
    assert "validate x12.0" in line and "build x12.0" in line


@pytest.mark.slow  # about a minute: the benchmark's smoke run, `make bench N=10`
@pytest.mark.site
def test_benchmark_smoke_run_prints_a_complete_table(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench.benchmark", "10", "--serve-cap", "120", "--keep", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    row = next(line for line in run.stdout.splitlines() if line.startswith("| 10 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert len(cells) == 16, row
    # Every measurement produced a number; only Zensical may be missing.
    assert all(re.match(r"^\d", c) for c in cells[:15]), row
    assert cells[15] == "not installed" or re.match(r"^\d", cells[15]), row
    assert (tmp_path / "n10" / "plain-site" / "index.html").is_file()


@pytest.mark.slow  # a few seconds: validate and report only, at the smoke size
def test_benchmark_without_the_build_measures_validate_and_report(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench.benchmark", "10", "--no-build", "--keep", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    row = next(line for line in run.stdout.splitlines() if line.startswith("| 10 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    measured = {cells[i] for i in (1, 2, 3, 4)}
    assert all(re.fullmatch(r"\d+\.\d\d \(\d+\.\d\d\)", c) for c in measured), row
    assert cells[5] == "-" and cells[12].endswith("MiB"), row
    assert not (tmp_path / "n10" / "site").exists(), "nothing was built"
