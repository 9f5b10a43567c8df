"""Live preview: `kamgen serve` re-renders when an account file changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kamgen.project import Project

pytestmark = pytest.mark.site


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, needle: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = _fetch(url)
        if body and needle in body:
            return body
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} did not appear at {url} within {seconds} s")


def test_serve_rerenders_on_account_change(sample_project: Project) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kamgen", "-C", str(sample_project.root), "serve", "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/accounts/guangzhou-yaju-furniture/"
        _wait_for(url, "周敏")
        path: Path = sample_project.accounts_dir / "guangzhou-yaju-furniture.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("name: 周敏", "name: 周敏敏"), encoding="utf-8"
        )
        _wait_for(url, "周敏敏")
        # A broken edit keeps the last valid preview and reports the problem.
        path.write_text(path.read_text(encoding="utf-8").replace("tier: key", "tier: gold"), encoding="utf-8")
        time.sleep(6)
        assert "周敏敏" in (_fetch(url) or "")
        path.write_text(
            path.read_text(encoding="utf-8").replace("tier: gold", "tier: key").replace("周敏敏", "周小敏"),
            encoding="utf-8",
        )
        _wait_for(url, "周小敏")
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    assert "K104" in output, output
