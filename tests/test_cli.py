"""The command line as CI meets it: output formats, golden listings, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kamgen.problems import Level, Problem, exit_code, format_github, format_text
from tests.cli_helpers import assert_golden
from tests.conftest import MINIMAL, ROOT

BROKEN = ROOT / "tests" / "fixtures" / "broken"


def kamgen(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


@pytest.mark.parametrize(
    ("fmt", "golden"),
    [("text", "broken.txt"), ("github", "broken.github"), ("json", "broken.json")],
)
def test_broken_fixture_listing(fmt: str, golden: str) -> None:
    result = kamgen("-C", str(BROKEN), "validate", "--format", fmt, cwd=BROKEN)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert_golden(golden, result.stdout)


def test_every_line_reads_path_line_col_level_code_message() -> None:
    result = kamgen("-C", str(BROKEN), "validate")
    lines = result.stdout.splitlines()[:-1]
    assert len(lines) >= 10
    for line in lines:
        path, ln, col, rest = line.split(":", 3)
        level, code, message = rest.strip().split(" ", 2)
        assert Path(BROKEN / path).exists() and int(ln) >= 1 and int(col) >= 1
        assert level in ("error", "warning") and code[0] == "K" and message


def test_samples_are_clean() -> None:
    # Schema and reference checks; health findings are judgement (test_report).
    result = kamgen("validate", "--no-health")
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


def test_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "kamgen.yml").write_text("team: [{id: li-wei, name: Li}]\n", encoding="utf-8")
    (tmp_path / "accounts").mkdir()
    assert kamgen("validate", cwd=tmp_path).returncode == 0  # only a warning: no accounts
    assert kamgen("validate", "--strict", cwd=tmp_path).returncode == 2
    (tmp_path / "accounts" / "acme.yaml").write_text(MINIMAL + "tier: key\n", encoding="utf-8")
    assert kamgen("validate", "--strict", cwd=tmp_path).returncode == 1


def test_validate_named_files_only(tmp_path: Path) -> None:
    (tmp_path / "kamgen.yml").write_text("team: [{id: li-wei, name: Li}]\n", encoding="utf-8")
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "good.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "accounts" / "bad.yaml").write_text("name: x\n", encoding="utf-8")
    assert kamgen("validate", "accounts/good.yaml", cwd=tmp_path).returncode == 0
    assert kamgen("validate", cwd=tmp_path).returncode == 1


def test_found_from_a_subdirectory() -> None:
    result = kamgen("validate", cwd=ROOT / "accounts")
    assert result.returncode == 0


def test_json_format_is_machine_readable() -> None:
    data = json.loads(kamgen("-C", str(BROKEN), "validate", "--format", "json").stdout)
    assert {"path", "line", "col", "level", "code", "message"} == set(data[0])


def test_github_escaping() -> None:
    problem = Problem("a,b:c.yaml", 3, 4, Level.WARNING, "K1", "50% done\nnext: line")
    assert format_github([problem]) == (
        "::warning file=a%2Cb%3Ac.yaml,line=3,col=4,title=K1::50%25 done%0Anext: line\n"
    )


def test_text_format_keeps_a_problem_on_one_line() -> None:
    # A key the user wrote is quoted in the message; its line break must not
    # split the problem or forge a second one.
    problem = Problem(
        "a\nb.yaml", 3, 4, Level.ERROR, "K102", "checklists.\r\nx:1:1: error K000\u2028 is empty"
    )
    assert format_text([problem]).splitlines() == [
        "a\\nb.yaml:3:4: error K102 checklists.\\r\\nx:1:1: error K000\\u2028 is empty",
        "1 error(s), 0 warning(s)",
    ]


def test_exit_code_mapping() -> None:
    warn = Problem("a", 1, 1, Level.WARNING, "K1", "w")
    err = Problem("a", 1, 1, Level.ERROR, "K1", "e")
    assert exit_code([]) == 0
    assert exit_code([warn]) == 0
    assert exit_code([warn], strict=True) == 2
    assert exit_code([warn, err], strict=True) == 1


def test_codes_command_lists_every_code() -> None:
    out = kamgen("codes").stdout
    for code in ("K001", "K005", "K006", "K101", "K106", "K201", "K203", "K207", "K209", "H101", "H116"):
        assert f"\n{code} " in "\n" + out


def test_codes_command_says_why_each_finding_matters() -> None:
    entries = ("\n" + kamgen("codes").stdout).split("\n")
    heads = [i for i, line in enumerate(entries) if line and not line.startswith(" ")]
    said = {
        entries[i].split()[0]: entries[i + 1 : j]
        for i, j in zip(heads, [*heads[1:], len(entries)], strict=True)
    }
    assert said["H119"][-1] == (
        "    Why it matters: An opponent who influences the people who decide is the biggest risk on the map."
    )
    for code, lines in said.items():
        assert any(line.startswith("    Why it matters: ") for line in lines) is code.startswith("H"), code


def test_schema_command_writes_file(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    assert kamgen("schema", "-o", str(target)).returncode == 0
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "Account"


def test_checks_still_run_when_an_optional_field_fails(tmp_path: Path) -> None:
    (tmp_path / "kamgen.yml").write_text("team: [{id: li-wei, name: Li}]\n", encoding="utf-8")
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "acme.yaml").write_text(
        MINIMAL + "industry: [x]\nteam: [nobody]\n", encoding="utf-8"
    )
    codes = [line.split()[2] for line in kamgen("validate", cwd=tmp_path).stdout.splitlines()[:-1]]
    assert codes == ["K103", "K201"]


def test_annotations_land_on_the_diff_in_a_monorepo(tmp_path: Path) -> None:
    """`-C sales` keeps problem paths relative to the project, but GitHub
    annotations need them from the repository's root (the workspace)."""
    sales = tmp_path / "sales"
    (sales / "accounts").mkdir(parents=True)
    (sales / "kamgen.yml").write_text("team: [{id: li-wei, name: Li Wei}]\n", encoding="utf-8")
    (sales / "accounts" / "acme.yaml").write_text(
        MINIMAL.replace("tier: key", "tier: gold"), encoding="utf-8"
    )
    github = kamgen("-C", "sales", "validate", "--no-health", "--format", "github", cwd=tmp_path)
    assert github.stdout.startswith(
        "::error file=sales/accounts/acme.yaml,line=3,col=7,title=K104 enum value::"
    )
    text = kamgen("-C", "sales", "validate", "--no-health", cwd=tmp_path)
    assert text.stdout.startswith("accounts/acme.yaml:3:7: error K104")
    inside = subprocess.run(
        [sys.executable, "-m", "kamgen", "validate", "--no-health", "--format", "github"],
        cwd=sales,
        capture_output=True,
        text=True,
        env={**os.environ, "GITHUB_WORKSPACE": str(tmp_path)},
        check=False,
    )
    assert inside.stdout == github.stdout
