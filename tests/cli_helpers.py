"""Golden-file comparison and the command line in-process, shared by the tests."""

from __future__ import annotations

import io
import os
import socket
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from kamgen.cli import main
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>; KAMGEN_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("KAMGEN_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs; rerun with KAMGEN_UPDATE_GOLDEN=1 to accept"
    )


def kamgen_here(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`kamgen ARGS` run in ``cwd`` by the command's own main(), in this process.

    For tests of what a command computes; test_cli runs the real process. It
    saves starting Python and importing kamgen again (about 0.4 s a call).
    """
    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(["kamgen", *args], code, out.getvalue(), err.getvalue())


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now, for a server under test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
