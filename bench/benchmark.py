"""Build benchmark: prints numbers, asserts nothing.

Builds synthetic portfolios of several sizes in one run and prints, per size,
the time of each pipeline stage and the size of one account page, with
ratios against the smallest portfolio (compare ratios, not seconds: this
machine is small and noisy).

    .venv/bin/python bench/benchmark.py [--sizes 10,100,300] [--people 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kamgen import app
from kamgen.project import Project
from tests import synth

TODAY = dt.date(2026, 11, 26)


def run(size: int, people: int, root: Path) -> dict[str, float]:
    """One whole `kamgen build` through the application layer; the stage
    times come from its progress messages, so nothing is wired here."""
    synth.write_portfolio(root, size, people)
    marks: dict[str, float] = {}
    t0 = time.perf_counter()
    built = app.build(
        Project(root), today=TODAY, progress=lambda m: marks.setdefault(m.split()[0], time.perf_counter())
    )
    t3 = time.perf_counter()
    assert built.ok, built.problems[:5] or built.engine_error
    t1, t2 = marks["validated"], marks["rendered"]
    page = root / "site" / "accounts" / "account-0001" / "index.html"
    return {
        "load": t1 - t0,
        "render": t2 - t1,
        "mkdocs": t3 - t2,
        "total": t3 - t0,
        "page_bytes": page.stat().st_size,
        "per_account_ms": (t3 - t0) / size * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,100,300")
    parser.add_argument("--people", type=int, default=20)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            rows.append((size, run(size, args.people, Path(tmp) / str(size))))
            print(f"built {size} accounts", file=sys.stderr)
    base = rows[0][1]
    print(
        f"{'accounts':>8} {'load s':>8} {'render s':>9} {'mkdocs s':>9} {'total s':>8} "
        f"{'ms/acct':>8} {'page B':>8} {'page ratio':>10} {'ms/acct ratio':>13}"
    )
    for size, r in rows:
        print(
            f"{size:>8} {r['load']:>8.2f} {r['render']:>9.2f} {r['mkdocs']:>9.2f} {r['total']:>8.2f} "
            f"{r['per_account_ms']:>8.1f} {r['page_bytes']:>8.0f} "
            f"{r['page_bytes'] / base['page_bytes']:>10.3f} "
            f"{r['per_account_ms'] / base['per_account_ms']:>13.2f}"
        )


if __name__ == "__main__":
    main()
