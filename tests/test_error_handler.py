"""One error handler at the top: a line and exit 3 for a crash, never a traceback."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kamgen.error_handler import EXIT_CRASH, LOG_NAME, guarded
from tests.conftest import MINIMAL, ROOT, SETTINGS


def kamgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamgen", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "sales"
    (project / "accounts").mkdir(parents=True)
    (project / "kamgen.yml").write_text(SETTINGS, encoding="utf-8")
    (project / "accounts" / "acme.yaml").write_text(MINIMAL.replace("li-wei", "nobody"), encoding="utf-8")
    return project


def test_a_crash_is_one_line_with_the_trace_in_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def bug() -> int:
        return {}["no such key"]  # type: ignore[no-any-return]

    assert guarded(tmp_path / ".kamgen", bug) == EXIT_CRASH
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        f"kamgen: unexpected error: KeyError: 'no such key'; the full trace is in {tmp_path / '.kamgen' / LOG_NAME}"
    )
    assert "Traceback" not in err
    trace = (tmp_path / ".kamgen" / LOG_NAME).read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in trace and "in bug" in trace


def test_a_closed_pipe_ends_quietly() -> None:
    # `kamgen codes | head -c 100`: the reader goes away early. The pipe is
    # made smaller than the output, so kamgen is still writing when it closes.
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kamgen", "codes"], cwd=ROOT, stdout=write_end, stderr=subprocess.PIPE
    )
    os.close(write_end)
    assert proc.stderr is not None
    assert os.read(read_end, 100)[:1] in (b"H", b"K")
    os.close(read_end)
    err = proc.stderr.read().decode()
    proc.wait(timeout=30)
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert proc.returncode == 141


def test_a_broken_user_template_names_its_file_and_line(root: Path) -> None:
    (root / "accounts" / "acme.yaml").write_text(MINIMAL, encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "account.md.j2").write_text("# {{ account.name }}\n\n{{ account.no.such }}\n")
    result = kamgen("-C", str(root), "build", "--today", "2026-11-26", cwd=root.parent)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("templates/account.md.j2:3:1: error K014 UndefinedError: ")
    assert not (root / "site").exists()


def test_dash_c_reads_and_shows_paths_against_the_project(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for args in (("validate",), ("validate", "accounts/acme.yaml"), ("validate", "accounts")):
        result = kamgen("-C", str(root), *args, "--no-health", cwd=elsewhere)
        assert result.returncode == 1, result.stderr
        assert result.stdout.startswith("accounts/acme.yaml:2:8: error K201 unknown team member 'nobody'"), (
            args,
            result.stdout,
        )
