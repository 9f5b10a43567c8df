"""Profile ``kamgen validate`` and ``kamgen build`` on a realistic portfolio.

    make profile N=100                    # both commands, py-spy
    .venv/bin/python -m bench.profiling 100 [--command validate] [--native] [--out DIR]
    .venv/bin/python -m bench.profiling --project DIR   # an existing project instead

It writes a portfolio of N accounts (bench/portfolio.py), or uses
``--project``, and runs each command as a whole process under py-spy, a
sampling profiler that sees every frame without slowing the code down the
way a tracing profiler does on many small calls. For each command it keeps:

- ``<command>-N.collapsed``: every sampled stack, in the collapsed format
  that speedscope (File > Import), flamegraph.pl and inferno read;
- ``<command>-N.txt``: the functions with the most samples, by own time and
  by total time (the same table is printed).

Without py-spy (``pip install -e '.[bench]'``; ``make profile`` installs it)
it falls back to cProfile, writing ``<command>-N.pstats`` and the same kind
of table; cProfile's overhead inflates small, frequent calls.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench import portfolio

BIN = Path(sys.executable).parent
COMMANDS = {
    "validate": ["validate"],
    "build": ["build"],
    "report": ["report", "--format", "json"],
}
TOP = 25
_LINE = re.compile(r":\d+\)$")


def py_spy() -> str | None:
    found = BIN / "py-spy"
    return str(found) if found.is_file() else shutil.which("py-spy")


def kamgen_args(root: Path, command: str, today: dt.date) -> list[str]:
    return ["-m", "kamgen", "-C", str(root), *COMMANDS[command], "--today", today.isoformat()]


def summarise_collapsed(path: Path, top: int = TOP) -> str:
    """Own and total samples per function (line numbers folded together)."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_LINE.sub(")", f) for f in stack.split(";")]
        samples += n
        own[frames[-1]] += n
        for frame in set(frames):  # a recursive function counts once per sample
            total[frame] += n
    return _table(samples, own, total, top)


def _table(samples: int, own: Counter[str], total: Counter[str], top: int) -> str:
    out = [f"{samples} samples"]
    for title, counts in (("own time", own), ("total time (with callees)", total)):
        out += ["", f"top {top} by {title}:", f"{'%':>6}  function"]
        out += [f"{100 * n / max(samples, 1):6.1f}  {name}" for name, n in counts.most_common(top)]
    return "\n".join(out) + "\n"


def summarise_pstats(path: Path, top: int = TOP) -> str:
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def profile(root: Path, command: str, n: str, out: Path, args: argparse.Namespace) -> Path:
    spy = None if args.cprofile else py_spy()
    child = kamgen_args(root, command, args.today)
    if spy:
        collapsed = out / f"{command}-{n}.collapsed"
        cmd = [spy, "record", "--rate", str(args.rate), "--format", "raw", "--output", str(collapsed)]
        cmd += ["--native"] if args.native else []
        cmd += ["--", sys.executable, *child]
        _run(cmd, out / f"{command}-{n}.log")
        summary = summarise_collapsed(collapsed)
    else:
        stats = out / f"{command}-{n}.pstats"
        _run([sys.executable, "-m", "cProfile", "-o", str(stats), *child], out / f"{command}-{n}.log")
        summary = summarise_pstats(stats)
    text = out / f"{command}-{n}.txt"
    text.write_text(summary, encoding="utf-8")
    return text


def _run(cmd: list[str], log: Path) -> None:
    with log.open("wb") as sink:
        done = subprocess.run(cmd, stdout=sink, stderr=subprocess.STDOUT, check=False)
    # validate exits 0 on warnings, 1 on errors: a profile of a failing run
    # still says where the time went, so only say so.
    if done.returncode != 0:
        print(f"profile: {cmd[-1]} exited {done.returncode}; see {log}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("accounts", nargs="?", type=int, default=100, help="portfolio size (default 100)")
    parser.add_argument("--project", type=Path, help="profile this project instead of a generated one")
    parser.add_argument(
        "--command", choices=sorted(COMMANDS), action="append", help="default: validate, build"
    )
    parser.add_argument("--out", type=Path, default=Path("bench/profiles"), help="default: bench/profiles")
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    parser.add_argument("--native", action="store_true", help="py-spy: include C frames (libyaml, regex)")
    parser.add_argument("--cprofile", action="store_true", help="use cProfile even when py-spy is there")
    parser.add_argument("--seed", type=int, default=portfolio.SEED)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=portfolio.TODAY)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.cprofile and py_spy() is None:
        print("profile: py-spy is not installed (make profile installs it); using cProfile", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="kamgen-profile-") as tmp:
        if args.project:
            root, n = args.project.resolve(), args.project.name
        else:
            root, n = Path(tmp) / "project", str(args.accounts)
            portfolio.write_portfolio(root, args.accounts, seed=args.seed, today=args.today)
        for command in args.command or ["validate", "build"]:
            print(f"profile: {command} at N={n}", file=sys.stderr, flush=True)
            text = profile(root, command, n, args.out, args)
            print(f"== {command}, N={n}: {text}")
            print(text.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
