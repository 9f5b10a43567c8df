"""Portfolio-scale benchmark: prints numbers, asserts nothing.

For each size N it writes a realistic portfolio (bench/portfolio.py) into a
temporary folder and measures whole processes, one after the other:

- ``kamgen validate``: cold (``.kamgen/`` removed first), warm (again, files
  unchanged) and on one file; ``kamgen report --format json``;
- ``kamgen build``, and a plain ``mkdocs build --strict`` of the Markdown that
  build left in ``.kamgen/docs``, with the config kamgen wrote (only the
  output folder differs); the ratio is build / plain MkDocs;
- kamgen's render alone (load and render in one process, the render timed
  inside it), which is what kamgen adds before MkDocs starts;
- the largest HTML page and the search index of the built site, and the peak
  RSS of build and validate (``wait4`` gives each child's own);
- ``kamgen serve``: the time until it serves an account page, then from
  saving a visible change to that account until the page shows it, capped;
- Zensical on the same folder, when it is installed.

Times are "wall (CPU)" seconds, medians of ``--repeat`` runs. The table is
Markdown, to paste into an issue. Only the messages on stderr say where the
run is; kamgen's own output goes to log files in each project's folder.

    make bench N="100 1000"
    .venv/bin/python -m bench.benchmark 10 100 [--repeat 3] [--keep DIR] [--serve-cap 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench import portfolio

BIN = Path(sys.executable).parent
REPO = portfolio.REPO
EDITED = 1  # the account the serve measurement edits (a .yaml file with an English name)
SERVE_EDITS = 3  # edits in a row: the serve edit→page column is their median


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def tool(name: str) -> list[str]:
    """The console script beside this interpreter, as a user would run it."""
    script = BIN / name
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", name]


# ------------------------------------------------------------------ processes


@dataclass
class Run:
    wall: float
    cpu: float  # user + system of the process and the children it waited for
    rss_mib: float  # that process's own peak resident set
    returncode: int


def run(cmd: Sequence[str], cwd: Path, log: Path) -> Run:
    """One whole process, its output to ``log``."""
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4 above
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode)


@dataclass
class Timing:
    wall: float
    cpu: float
    rss_mib: float

    def cell(self) -> str:
        return f"{self.wall:.2f} ({self.cpu:.2f})"


class Failed(Exception):
    """A measured command failed; the message names its log."""


def measure(
    name: str, cmd: Sequence[str], cwd: Path, repeat: int, before: Callable[[], None] | None = None
) -> Timing:
    """Median of ``repeat`` runs of a command that must exit 0 (validate
    does with warnings, which realistic portfolios have)."""
    runs = []
    for k in range(repeat):
        if before:
            before()
        log = cwd / f"bench-{name}-{k}.log"
        result = run(cmd, cwd, log)
        if result.returncode != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise Failed(f"{name} exited {result.returncode}; see {log}:\n{tail}")
        runs.append(result)
    return Timing(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(r.rss_mib for r in runs),
    )


# ------------------------------------------------------------------ render alone


def _cpu_with_workers() -> float:
    """CPU seconds of this process and of the workers it has waited for
    (kamgen renders accounts in forked workers, see kamgen.workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def render_only(root: Path, today: dt.date) -> dict[str, float]:
    """Load, then render timed alone: kamgen's work before MkDocs starts."""
    from kamgen import app
    from kamgen.project import Project

    project = Project(root)
    result = app.load(project)
    if result.portfolio is None:
        raise SystemExit(f"{root} does not validate")
    wall, cpu = time.perf_counter(), _cpu_with_workers()
    site = app.render(project, result.portfolio, today=today)
    return {
        "wall": time.perf_counter() - wall,
        "cpu": _cpu_with_workers() - cpu,
        "pages": len(site.pages),
        "markdown_bytes": sum(len(p.content.encode("utf-8")) for p in site.pages),
    }


def measure_render(root: Path, today: dt.date, repeat: int) -> tuple[Timing, dict[str, float]]:
    runs = []
    for k in range(repeat):
        log = root / f"bench-render-{k}.log"
        cmd = [
            sys.executable,
            "-m",
            "bench.benchmark",
            "--render-only",
            str(root),
            "--today",
            today.isoformat(),
        ]
        with log.open("wb") as err:
            out = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=err, check=False)
        if out.returncode != 0:
            raise Failed(f"render exited {out.returncode}; see {log}")
        runs.append(json.loads(out.stdout))
    timing = Timing(statistics.median(r["wall"] for r in runs), statistics.median(r["cpu"] for r in runs), 0)
    return timing, runs[-1]


# ------------------------------------------------------------------ engines on kamgen's Markdown


def engine_config(root: Path, name: str, site_dir: Path) -> Path:
    """kamgen's MkDocs config from the last build, writing into ``site_dir``.

    It stays in .kamgen/ beside kamgen's own, so that ``docs_dir: docs``
    resolves to the same generated Markdown."""
    work = root / ".kamgen"
    if not (work / "mkdocs.yml").is_file():
        raise Failed(f"kamgen build left no {work / 'mkdocs.yml'} to build the same Markdown with")
    cfg = yaml.safe_load((work / "mkdocs.yml").read_text(encoding="utf-8"))
    cfg["site_dir"] = str(site_dir)
    path = work / name
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def zensical() -> list[str] | None:
    found = BIN / "zensical"
    if found.is_file():
        return [str(found)]
    on_path = shutil.which("zensical")
    return [on_path] if on_path else None


# ------------------------------------------------------------------ serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str, timeout: float) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except (urllib.error.URLError, OSError):
        return None


def wait_until(check: Callable[[], bool], deadline: float, proc: subprocess.Popen[bytes]) -> bool:
    while time.perf_counter() < deadline:
        if check():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.2)
    return False


_LIVERELOAD = re.compile(r"livereload\((\d+), (\d+)\);")


def shown_after_reload(page: str, marker: str, deadline: float, proc: subprocess.Popen[Any]) -> bool:
    """Whether ``page`` shows ``marker`` before ``deadline``, waited for as a
    browser with the page open waits: on MkDocs' live-reload poll (answered
    when a build has finished), then fetching the page again, at once. A
    poll on a timer would be late by up to its interval, and could fall into
    the build the server runs next and wait for it (requests wait for a
    build to finish), which the browser's reload does not."""
    html = fetch(page, 30) or ""
    while marker not in html:
        found = _LIVERELOAD.search(html)
        if found is None or proc.poll() is not None or time.perf_counter() >= deadline:
            return False
        epoch, request = found.groups()
        base = page.split("/accounts/", 1)[0]
        timeout = max(1.0, min(70.0, deadline - time.perf_counter()))
        fetch(f"{base}/livereload/{epoch}/{request}", timeout)  # answers with a newer build, or after 60 s
        html = fetch(page, 30) or ""
    return True


def wait_quiet(log: Path, quiet: float, deadline: float) -> None:
    """Until the server's log has not grown for ``quiet`` seconds: a rebuild
    it set off itself is over (its wording is not read, only its length)."""
    size, since = -1, time.perf_counter()
    while time.perf_counter() < deadline:
        now = log.stat().st_size
        if now != size:
            size, since = now, time.perf_counter()
        elif time.perf_counter() - since >= quiet:
            return
        time.sleep(0.2)


@dataclass
class Served:
    start: float | None  # seconds until the account page was served
    edit: float | None  # seconds from saving the edit until the page showed it
    cap: float

    def cells(self) -> tuple[str, str]:
        def one(v: float | None) -> str:
            return f">{self.cap:.0f}" if v is None else f"{v:.1f}"

        return one(self.start), ("n/a" if self.start is None else one(self.edit))


def measure_serve(root: Path, cap: float, quiet: float = 3.0) -> Served:
    """Serve start, then the median of SERVE_EDITS edits, each after the
    server's log has been quiet for ``quiet`` seconds."""
    port = free_port()
    page = f"http://127.0.0.1:{port}/accounts/{portfolio.account_id(EDITED)}/"
    source = next((root / "accounts").glob(f"{portfolio.account_id(EDITED)}.*"))
    log = root / "bench-serve.log"
    original = source.read_text(encoding="utf-8")
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*tool("kamgen"), "serve", "-a", f"127.0.0.1:{port}"],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped below as one
        )
        try:
            if not wait_until(lambda: fetch(page, 10) is not None, started + cap, proc):
                return Served(None, None, cap)
            start = time.perf_counter() - started
            edits: list[float | None] = []
            for _ in range(SERVE_EDITS):
                # The rebuild the last edit set off has finished (its portfolio
                # pages take seconds at N = 1,000 without a line said).
                wait_quiet(log, quiet, time.perf_counter() + cap)
                marker = f"BenchEdit{time.time_ns()}"
                edited = original.replace("\nindustry: ", f"\nindustry: {marker} ", 1)
                assert edited != original, f"{source} has no industry line to edit"
                saved = time.perf_counter()
                source.write_text(edited, encoding="utf-8")
                shown = shown_after_reload(page, marker, saved + cap, proc)
                edits.append(time.perf_counter() - saved if shown else None)
                if not shown:
                    break
            done = [e for e in edits if e is not None]
            edit = statistics.median(done) if done and len(done) == len(edits) else None
            return Served(start, edit, cap)
        finally:
            stop(proc)
            source.write_text(original, encoding="utf-8")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server we started (its process group), gently first."""
    for sig, grace in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            continue


# ------------------------------------------------------------------ one size


@dataclass
class Row:
    n: int
    cells: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, Timing] = field(default_factory=dict)
    info: dict[str, float] = field(default_factory=dict)


def html_pages(site: Path) -> list[tuple[int, str]]:
    """(bytes, path) of every HTML page of a built site, largest first."""
    return sorted(
        ((p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")), reverse=True
    )


def kib(n: float) -> str:
    return f"{n / 1024:,.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MiB"


def bench_size(n: int, work: Path, args: argparse.Namespace) -> Row:
    row = Row(n)
    root = work / f"n{n}"
    say(f"N={n}: writing the portfolio to {root}")
    portfolio.write_portfolio(root, n, seed=args.seed, today=args.today)
    try:
        row.timings, row.info = measure_commands(root, n, args)
    except Failed as exc:
        say(f"N={n}: {exc}")
        row.cells = {"validate": "failed"}
        row.notes.append(f"N={n}: {str(exc).splitlines()[0]}")
        return row
    t = row.timings
    if args.no_build:
        row.cells = {key: t[key].cell() for key in ("validate", "validate_warm", "validate_one", "report")}
        row.cells["rss_validate"] = f"{t['validate'].rss_mib:,.0f} MiB"
        return row
    pages = html_pages(root / "site")
    index = root / "site" / "search" / "search_index.json"
    row.cells = {
        **{key: t[key].cell() for key in ("validate", "validate_warm", "validate_one", "report", "render")},
        "mkdocs": t["mkdocs"].cell(),
        "build": t["build"].cell(),
        "ratio": f"{t['build'].wall / t['mkdocs'].wall:.2f} ({t['build'].cpu / t['mkdocs'].cpu:.2f})",
        "largest": kib(pages[0][0]) if pages else "none",
        "index": kib(index.stat().st_size) if index.is_file() else "none",
        "rss_build": f"{t['build'].rss_mib:,.0f} MiB",
        "rss_validate": f"{t['validate'].rss_mib:,.0f} MiB",
    }
    largest = ", ".join(f"{name} {kib(size)}" for size, name in pages[:3])
    accounts = [size for size, name in pages if name.startswith("accounts/account-")]
    row.notes.append(
        f"N={n}: largest pages {largest}; account pages up to {kib(max(accounts, default=0))}; "
        f"{row.info['pages']:.0f} generated pages, {kib(row.info['markdown_bytes'])} of Markdown"
    )
    row.cells["zensical"] = bench_zensical(root, n, args.repeat)
    if args.serve_cap > 0:
        say(f"N={n}: kamgen serve (cap {args.serve_cap:.0f} s)")
        served = measure_serve(root, args.serve_cap, quiet=max(3.0, n / 125))
        row.cells["serve_start"], row.cells["serve_edit"] = served.cells()
    else:
        row.cells["serve_start"] = row.cells["serve_edit"] = "skipped"
    return row


def measure_commands(
    root: Path, n: int, args: argparse.Namespace
) -> tuple[dict[str, Timing], dict[str, float]]:
    kamgen, today, repeat = tool("kamgen"), ["--today", args.today.isoformat()], args.repeat
    work = root / ".kamgen"
    one = next((root / "accounts").iterdir()).relative_to(root).as_posix()

    def cold() -> None:
        # kamgen keeps what it may reuse in .kamgen/: none of it for a cold run.
        shutil.rmtree(work, ignore_errors=True)

    t: dict[str, Timing] = {}
    say(f"N={n}: kamgen validate, cold (no .kamgen/), then warm (files unchanged), then one file")
    t["validate"] = measure("validate", [*kamgen, "validate", *today], root, repeat, before=cold)
    t["validate_warm"] = measure("validate-warm", [*kamgen, "validate", *today], root, repeat)
    t["validate_one"] = measure("validate-one", [*kamgen, "validate", one, *today], root, repeat)
    say(f"N={n}: kamgen report --format json")
    t["report"] = measure("report", [*kamgen, "report", "--format", "json", *today], root, repeat)
    if args.no_build:
        return t, {}
    say(f"N={n}: kamgen render (load, then render timed alone)")
    t["render"], info = measure_render(root, args.today, repeat)
    say(f"N={n}: kamgen build")
    t["build"] = measure("build", [*kamgen, "build", *today], root, repeat)
    say(f"N={n}: plain mkdocs build of .kamgen/docs")
    plain_cfg = engine_config(root, "bench-plain-mkdocs.yml", root / "plain-site")
    t["mkdocs"] = measure(
        "mkdocs", [*tool("mkdocs"), "build", "--strict", "-q", "-f", str(plain_cfg)], root, repeat
    )
    return t, info


def bench_zensical(root: Path, n: int, repeat: int) -> str:
    command = zensical()
    if command is None:
        return "not installed"
    say(f"N={n}: zensical build of .kamgen/docs")
    # Zensical's project root is the config's folder, and it refuses a
    # site_dir outside it ("site_dir must be within project root").
    cfg = engine_config(root, "bench-zensical.yml", root / ".kamgen" / "zensical-site")
    try:
        return measure("zensical", [*command, "build", "--clean", "-f", str(cfg)], root, repeat).cell()
    except Failed as exc:
        return f"failed ({str(exc).splitlines()[0]})"


# ------------------------------------------------------------------ table

COLUMNS = {
    "validate": "validate",
    "validate_warm": "validate warm",
    "validate_one": "validate 1 file",
    "report": "report json",
    "render": "kamgen render",
    "mkdocs": "plain MkDocs",
    "build": "total build",
    "ratio": "ratio build / MkDocs",
    "largest": "largest page",
    "index": "search index",
    "rss_build": "peak RSS build",
    "rss_validate": "peak RSS validate",
    "serve_start": "serve start s",
    "serve_edit": "serve edit→page s",
    "zensical": "Zensical",
}


def table(rows: list[Row]) -> str:
    head = ["N accounts", *COLUMNS.values()]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        lines.append("| " + " | ".join([f"{row.n:,}", *(row.cells.get(k, "-") for k in COLUMNS)]) + " |")
    return "\n".join(lines)


def growth(rows: list[Row]) -> list[str]:
    """CPU time at each size over the one before: linear cost keeps it near
    the ratio of accounts (issue 10 allows 11x for 10x)."""
    done = [r for r in rows if r.timings]
    out = []
    for small, large in itertools.pairwise(done):
        times = ", ".join(
            f"{key} x{large.timings[key].cpu / max(small.timings[key].cpu, 1e-9):.1f}"
            for key in ("validate", "validate_warm", "report", "render", "mkdocs", "build")
            if key in small.timings and key in large.timings
        )
        out.append(f"N={small.n}->{large.n} (x{large.n / small.n:g} accounts), CPU: {times}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "sizes", nargs="*", type=int, default=[100, 1000], help="portfolio sizes (default 100 1000)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is shown")
    parser.add_argument("--seed", type=int, default=portfolio.SEED)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=portfolio.TODAY)
    parser.add_argument("--serve-cap", type=float, default=300, help="seconds to wait for serve (0: skip it)")
    parser.add_argument("--keep", type=Path, help="keep the generated projects in this folder")
    parser.add_argument(
        "--no-build",
        action="store_true",
        help="validate and report only: no render, build, plain MkDocs, Zensical or serve",
    )
    parser.add_argument("--render-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.render_only:
        print(json.dumps(render_only(args.render_only, args.today)))
        return 0
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="kamgen-bench-"))
    try:
        rows = [bench_size(n, work, args) for n in args.sizes]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"kamgen benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs; times are wall (CPU) s"
    )
    print()
    print(table(rows))
    print()
    for note in [*(note for row in rows for note in row.notes), *growth(rows)]:
        print(f"- {note}")
    return 1 if any(r.cells.get("validate") == "failed" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
