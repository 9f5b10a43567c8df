"""Hostile files from a pull request: each is a problem, fast and small.

Each case runs the real `kamgen validate` in a child process and bounds its
wall time and peak memory (from the child's own rusage), since these files
are aimed at the CI runner, not at kamgen's output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, SETTINGS

MAX_SECONDS = 10.0
MAX_RSS_MIB = 300


# Runs `kamgen validate` as its only child, so that RUSAGE_CHILDREN is that
# one process's peak memory.
MEASURE = """
import resource, subprocess, sys
proc = subprocess.run([sys.executable, "-m", "kamgen", "-C", sys.argv[1], "validate", "--no-health"])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
"""


def run_validate(root: Path, timeout: float = 60) -> tuple[str, float, float]:
    """stdout, wall seconds and peak RSS in MiB of one `kamgen validate`."""
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", MEASURE, str(root)], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"validate hung for {timeout} s")
    seconds = time.monotonic() - started
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout, seconds, int(proc.stderr.strip().splitlines()[-1]) / 1024


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "accounts").mkdir(parents=True)
    (project / "kamgen.yml").write_text(SETTINGS, encoding="utf-8")
    return project


def write(root: Path, name: str, text: str) -> None:
    (root / "accounts" / name).write_text(text, encoding="utf-8")


def unknown_keys(root: Path) -> None:
    write(root, "acme.yaml", MINIMAL + "".join(f"k{i:07d}: v\n" for i in range(500_000)))


def huge_list(root: Path) -> None:
    write(root, "acme.yaml", MINIMAL + "tags:\n" + "  - x\n" * 9_000_000)


def outside_link(root: Path) -> None:
    secret = root.parent / "secret.yaml"
    secret.write_text(MINIMAL.replace("Acme", "Top secret"), encoding="utf-8")
    (root / "accounts" / "acme.yaml").symlink_to(secret)


def dev_zero(root: Path) -> None:
    (root / "accounts" / "acme.yaml").symlink_to("/dev/zero")


def fifo(root: Path) -> None:
    os.mkfifo(root / "accounts" / "acme.yaml")


def not_a_number(root: Path) -> None:
    write(
        root,
        "acme.yaml",
        MINIMAL + "qualification:\n  purchases:\n    - {period: 2025, amount: .inf}\n  margin_pct: .nan\n",
    )


def base_sixty(root: Path) -> None:
    write(
        root,
        "acme.yaml",
        MINIMAL + "actions:\n  - {id: a, title: T, kind: demo, owner: li-wei, effort_hours: 12:30}\n",
    )


def tagged_base_sixty(root: Path) -> None:
    # An explicit tag makes PyYAML convert the text itself, and '1:zz' is no number.
    write(
        root,
        "acme.yaml",
        MINIMAL + "actions:\n  - {id: a, title: T, kind: demo, owner: li-wei, effort_hours: !!int 1:zz}\n",
    )


def control_character(root: Path) -> None:
    write(root, "acme.yaml", MINIMAL.replace("name: Acme", 'name: "Acme\\x80"'))


def many_problems(root: Path) -> None:
    write(root, "acme.yaml", MINIMAL + "".join(f"unknown{i}: x\n" for i in range(300)))


def long_name(root: Path) -> None:
    write(root, "acme.yaml", MINIMAL.replace("name: Acme", "name: " + "x" * 900_000))


CASES: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "5 MB of unknown keys": (
        unknown_keys,
        ["acme.yaml:1:1: error K010 the file is larger than 1,048,576 bytes"],
    ),
    "50 MB list": (huge_list, ["acme.yaml:1:1: error K010 the file is larger than"]),
    "symlink out of the project": (outside_link, ["acme.yaml:1:1: error K001 it is a symbolic link to "]),
    "symlink to /dev/zero": (dev_zero, ["acme.yaml:1:1: error K001 it is a symbolic link to /dev/zero"]),
    "FIFO": (fifo, ["acme.yaml:1:1: error K001 cannot read file: it is not a regular file"]),
    ".inf and .nan": (
        not_a_number,
        [
            "acme.yaml:6:30: error K106 qualification.purchases[0].amount: the number inf is invalid",
            "acme.yaml:7:15: error K106 qualification.margin_pct: the number nan",
        ],
    ),
    "12:30": (
        base_sixty,
        ["acme.yaml:5:64: error K006 '12:30' is read by YAML as an integer in base 60 (750)"],
    ),
    "!!int 1:zz": (
        tagged_base_sixty,
        ["acme.yaml:5:64: error K103 T (a): effort_hours: expected a number, found str '1:zz'"],
    ),
    "U+0080": (control_character, ["acme.yaml:1:7: error K106 name: 'Acme\\x80' is not plain text"]),
    "300 problems": (many_problems, ["acme.yaml:204:1: error K015 and 100 more problem(s) in this file"]),
    "900 KB name": (long_name, ["acme.yaml:1:7: error K106 name: str 'xxxxxxxx"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_is_a_problem_in_bounds(root: Path, case: str) -> None:
    make, expected = CASES[case]
    make(root)
    out, seconds, rss = run_validate(root)
    for text in expected:
        assert f"accounts/{text}" in out or text in out, (case, out[:2000])
    assert max(len(line) for line in out.splitlines()) < 1000, "a problem line quotes too much"
    assert seconds < MAX_SECONDS, f"{case}: {seconds:.1f} s"
    assert rss < MAX_RSS_MIB, f"{case}: {rss:.0f} MiB"
    print(f"{case}: {seconds:.2f} s, {rss:.0f} MiB")


def test_a_link_inside_the_project_is_read(root: Path) -> None:
    (root / "shared").mkdir()
    (root / "shared" / "acme.yaml").write_text(MINIMAL, encoding="utf-8")
    (root / "accounts" / "acme.yaml").symlink_to(root / "shared" / "acme.yaml")
    out, _, _ = run_validate(root)
    assert out == ""


def test_the_caps_are_settings(root: Path) -> None:
    (root / "kamgen.yml").write_text(
        SETTINGS + "limits: {file_bytes: 2048, problems_per_file: 3, quote_chars: 10}\n", encoding="utf-8"
    )
    write(root, "big.yaml", MINIMAL + "notes: []\n" + "# padding\n" * 300)
    write(
        root,
        "typos.yaml",
        MINIMAL.replace("name: Acme", 'name: "Acme\\x85 Corporation"') + "a: 1\nb: 2\nc: 3\n",
    )
    out, _, _ = run_validate(root)
    assert "accounts/big.yaml:1:1: error K010 the file is larger than 2,048 bytes" in out
    assert "accounts/typos.yaml:6:1: error K015 and 1 more problem(s) in this file" in out
    assert "typos.yaml:1:7: error K106 name: 'Acme\\x85 Corp'… (17 characters) is not plain text" in out
