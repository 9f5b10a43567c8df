"""The preview server answers only this machine's preview, and bad paths with 400."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kamgen.guard import host_allowed
from kamgen.project import Project
from tests.cli_helpers import free_port


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("[::1]:8000", True),
        ("192.168.1.20:8000", True),
        ("127.0.0.1:8001", False),
        ("127.0.0.1", False),
        ("attacker.example:8000", False),
        ("localhost.attacker.example:8000", False),
        ("", False),
    ],
)
def test_host_header(host: str, ok: bool) -> None:
    assert host_allowed(host, 8000) is ok


def _status(port: int, path: bytes, host: bytes) -> int | None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            conn.sendall(b"GET " + path + b" HTTP/1.0\r\nHost: " + host + b"\r\n\r\n")
            reply = conn.recv(200)
    except OSError:
        return None
    return int(reply.split()[1]) if reply.startswith(b"HTTP/") else None


@pytest.mark.site
def test_serve_refuses_other_hosts_and_bad_paths(sample_project: Project) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kamgen", "-C", str(sample_project.root), "serve", "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    own = f"127.0.0.1:{port}".encode()
    try:
        deadline = time.monotonic() + 120
        while _status(port, b"/", own) != 200:
            assert time.monotonic() < deadline, "the preview did not start"
            assert proc.poll() is None, "kamgen serve exited"
            time.sleep(0.3)
        assert _status(port, b"/", f"localhost:{port}".encode()) == 200
        assert _status(port, b"/", f"rebound.example:{port}".encode()) == 400
        assert _status(port, b"/%00", own) == 400
        assert _status(port, b"/%ff%fe", own) == 400
        assert _status(port, b"/no-such-page/", own) == 404
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_busy_port_is_one_line_with_a_free_one_to_try(tmp_path: Path) -> None:
    (tmp_path / "kamgen.yml").write_text("", encoding="utf-8")
    (tmp_path / "accounts").mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "kamgen", "-C", str(tmp_path), "serve", "-a", f"127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"kamgen: cannot serve: 127.0.0.1:{port} is in use by another program; try: ")
    suggested = int(lines[0].rsplit(":", 1)[1])
    assert suggested > port
