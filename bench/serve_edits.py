"""The live preview's edit-to-page time, edit after edit, with a timeline.

Starts ``kamgen serve`` on a project (a copy: it writes ``.kamgen/`` and edits
an account file, which it puts back), waits until the server is quiet, then
saves ``--edits`` visible changes to one account, one after the other, and
for each prints how long until the served page showed it, with every line
the server logged meanwhile and when (seconds after the save). It waits as
a browser with the page open does (``benchmark.shown_after_reload``).

    .venv/bin/python -m bench.serve_edits /tmp/copy-of-p1000 --edits 5
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import portfolio
from bench.benchmark import EDITED, fetch, free_port, shown_after_reload, stop, tool


class Log:
    """The server's lines, each with the time it arrived."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[tuple[float, str]] = []
        assert proc.stdout is not None
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.append((time.perf_counter(), line.rstrip("\n")))

    def quiet(self, seconds: float, cap: float) -> None:
        """Until no line has come for ``seconds``."""
        deadline = time.perf_counter() + cap
        while time.perf_counter() < deadline:
            last = self.lines[-1][0] if self.lines else 0.0
            if time.perf_counter() - last >= seconds:
                return
            time.sleep(0.05)


def until(check: object, poll: float, cap: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < cap:
        if check():  # type: ignore[operator]
            return time.perf_counter()
        time.sleep(poll)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("project", type=Path, help="a project to serve (a copy: it is edited and written in)")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--cap", type=float, default=600, help="seconds to wait for anything")
    parser.add_argument(
        "--quiet",
        type=float,
        default=8.0,
        help="seconds without a log line before an edit (a rebuild is over)",
    )
    parser.add_argument(
        "--kamgen", default=None, help="the command that runs kamgen (default: this environment's)"
    )
    args = parser.parse_args(argv)
    root: Path = args.project.resolve()
    port = free_port()
    page = f"http://127.0.0.1:{port}/accounts/{portfolio.account_id(EDITED)}/"
    source = next((root / "accounts").glob(f"{portfolio.account_id(EDITED)}.*"))
    original = source.read_text(encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*(args.kamgen.split() if args.kamgen else tool("kamgen")), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        start_new_session=True,
    )
    log = Log(proc)
    times: list[float] = []
    try:
        up = until(lambda: fetch(page, 10) is not None, 0.2, args.cap)
        if up is None:
            print("the server did not serve the page in time", file=sys.stderr)
            return 1
        print(f"serve start: {up - started:.1f} s", flush=True)
        for edit in range(args.edits):
            log.quiet(args.quiet, args.cap)
            marker = f"BenchEdit{time.time_ns()}"
            edited = original.replace("\nindustry: ", f"\nindustry: {marker} ", 1)
            seen = len(log.lines)
            saved = time.perf_counter()
            source.write_text(edited, encoding="utf-8")
            took = (
                time.perf_counter() - saved
                if shown_after_reload(page, marker, saved + args.cap, proc)
                else None
            )
            log.quiet(args.quiet, args.cap)
            print(f"edit {edit + 1}: {'>cap' if took is None else f'{took:.2f} s'}", flush=True)
            timeline = [(at - saved, line) for at, line in log.lines[seen:]]
            if took is not None:
                timeline.append((took, "== the page shows the edit"))
            for at, line in sorted(timeline, key=lambda t: t[0]):
                print(f"  {at:7.2f}  {line}", flush=True)
            if took is not None:
                times.append(took)
        if times:
            print(
                f"edit→page median {statistics.median(times):.2f} s of {len(times)}: "
                + ", ".join(f"{t:.2f}" for t in times),
                flush=True,
            )
    finally:
        stop(proc)  # type: ignore[arg-type]
        source.write_text(original, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
