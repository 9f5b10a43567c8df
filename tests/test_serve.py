"""Live preview: `kamgen serve` re-renders when an account file changes."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from kamgen.project import Project
from tests.cli_helpers import free_port

pytestmark = pytest.mark.site


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _poll(ready: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Wait until ``ready()``, checking often, for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {seconds} s")
        time.sleep(0.1)


def _wait_for(url: str, needle: str, seconds: float = 60) -> None:
    _poll(lambda: needle in (_fetch(url) or ""), f"{needle!r} did not appear at {url}", seconds)


class Output:
    """The lines a process writes, read as they come (a pipe left unread would block it)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert proc.stdout is not None
        self._thread = threading.Thread(target=self._read, args=(proc.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.append(line)

    def logged(self, needle: str, after: str | None = None) -> bool:
        """Whether a line holds ``needle`` (after the first line that holds ``after``)."""
        lines = list(self.lines)
        if after is not None:
            start = next((i for i, line in enumerate(lines) if after in line), len(lines))
            lines = lines[start + 1 :]
        return any(needle in line for line in lines)

    def wait_for(self, needle: str, after: str | None = None, seconds: float = 60) -> None:
        where = f" after {after!r}" if after else ""
        _poll(lambda: self.logged(needle, after), f"{needle!r} was not logged{where}", seconds)

    def text(self) -> str:
        self._thread.join(timeout=20)
        return "".join(self.lines)


def test_serve_rerenders_on_account_change(sample_project: Project) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kamgen", "-C", str(sample_project.root), "serve", "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    output = Output(proc)
    try:
        url = f"http://127.0.0.1:{port}/accounts/guangzhou-yaju-furniture/"
        _wait_for(url, "周敏")
        path: Path = sample_project.accounts_dir / "guangzhou-yaju-furniture.yaml"
        valid = path.read_text(encoding="utf-8")
        # A broken edit (an unknown tier, and a new name) keeps the last valid
        # preview and reports the problem: once the rebuild that reported it
        # has finished, the page still has the old name, not the new one.
        path.write_text(
            valid.replace("tier: key", "tier: gold").replace("name: 周敏", "name: 周大敏"), encoding="utf-8"
        )
        output.wait_for("Documentation built", after="K104")
        body = _fetch(url) or ""
        assert "周敏" in body and "周大敏" not in body
        # Fixing it re-renders with the edit.
        path.write_text(valid.replace("name: 周敏", "name: 周大敏"), encoding="utf-8")
        _wait_for(url, "周大敏")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    log = output.text()
    assert "accounts/guangzhou-yaju-furniture.yaml:10:7: error K104" in log, log
