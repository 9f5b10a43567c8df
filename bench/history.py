"""History benchmark: prints numbers, asserts nothing.

Makes a synthetic portfolio in a real Git repository, with ``--commits``
commits that each change one person's stance in every account (the worst
case: every commit touches every file), then times reading the history
(`history.read`) and rendering every page with and without it.

    .venv/bin/python bench/history.py [--accounts 100] [--commits 20] [--people 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kamgen import app, history
from kamgen.pipeline import load
from kamgen.project import Project
from kamgen.schema import Visibility
from tests import synth

TODAY = dt.date(2026, 11, 26)


def git(root: Path, *args: str, date: str = "2026-01-01T10:00:00+00:00") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args], cwd=root, env=env, check=True, capture_output=True
    )


def make_repo(root: Path, accounts: int, commits: int, people: int) -> None:
    synth.write_portfolio(root, accounts, people)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Start")
    data = {i: synth.account(i, people) for i in range(accounts)}
    for c in range(commits):
        for i, acc in data.items():
            person = acc["stakeholders"][c % people]  # type: ignore[index]
            person["stance"] = synth.STANCES[(synth.STANCES.index(person["stance"]) + 1) % 5]
            text = yaml.safe_dump(acc, allow_unicode=True, sort_keys=False)
            (root / "accounts" / f"account-{i:04d}.yaml").write_text(text, encoding="utf-8")
        git(
            root,
            "commit",
            "-qam",
            f"Change {c}",
            date=f"2026-{1 + c % 12:02d}-{1 + c % 28:02d}T10:00:00+00:00",
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--people", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        started = time.perf_counter()
        make_repo(root, args.accounts, args.commits, args.people)
        made = time.perf_counter() - started
        print(f"made {args.accounts} accounts x {args.commits + 1} commits in {made:.1f} s")
        project = Project(root)
        result = load(project)
        assert result.portfolio is not None, result.problems[:5]
        portfolio = result.portfolio
        t0 = time.perf_counter()
        load(project)
        t1 = time.perf_counter()
        found = history.read(project, portfolio, Visibility.INTERNAL)
        t2 = time.perf_counter()
        app.render(project, portfolio, today=TODAY, history=False)
        t3 = time.perf_counter()
        app.render(project, portfolio, today=TODAY)  # fills .kamgen/history.cache
        t4 = time.perf_counter()
        app.render(project, portfolio, today=TODAY)
        t5 = time.perf_counter()
        revisions = sum(h.revisions for h in found.accounts.values())
        changes = sum(len(h.changes) for h in found.accounts.values())
        maps = sum(len(h.snapshots) for h in found.accounts.values())
        print(f"load (today's files):          {t1 - t0:6.2f} s")
        print(f"history.read, no cache:        {t2 - t1:6.2f} s  ({revisions} revisions, {changes} changes)")
        print(f"  earlier maps:                {maps}")
        print(f"  per revision:                {(t2 - t1) / max(revisions, 1) * 1000:6.1f} ms")
        print(f"render without history:        {t3 - t2:6.2f} s")
        print(f"render with history, 1st build:{t4 - t3:6.2f} s")
        print(f"render with history, rebuild:  {t5 - t4:6.2f} s  (revisions from .kamgen/history.cache)")


if __name__ == "__main__":
    main()
