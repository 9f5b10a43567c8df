"""`kamgen init`: a team's own repository starts valid, builds, and is never overwritten."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from kamgen.cli import build_parser
from tests.conftest import ROOT

STARTER = [
    ".github/workflows/kamgen.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "accounts/example-customer.yaml",
    "kamgen.yml",
    "mkdocs.yml",
    "schema/account.schema.json",
    "schema/settings.schema.json",
]


def kamgen(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamgen", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env
    )


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def started(tmp_path: Path) -> Path:
    result = kamgen("init", "team-repo", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "next: cd team-repo && kamgen validate && kamgen build" in result.stderr
    return tmp_path / "team-repo"


def test_init_writes_a_project_that_validates(started: Path) -> None:
    assert files(started) == STARTER
    result = kamgen("validate", cwd=started)
    assert result.returncode == 0, result.stdout
    assert not [line for line in result.stdout.splitlines() if ": error " in line]
    assert "1 account(s) valid" in result.stderr


def test_modelines_point_at_the_local_schemas_which_accept_the_files(started: Path) -> None:
    for name, schema in (("kamgen.yml", "settings"), ("accounts/example-customer.yaml", "account")):
        path = started / name
        first = path.read_text(encoding="utf-8").splitlines()[0]
        target = (path.parent / first.split("$schema=")[1]).resolve()
        assert target == (started / "schema" / f"{schema}.schema.json").resolve()
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        jsonschema.validate(json.loads(json.dumps(data, default=str)), json.loads(target.read_text()))


def test_pre_commit_calls_commands_that_exist(started: Path) -> None:
    # The CI files' commands are checked, options included, in test_ci.py.
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    hooks = yaml.safe_load((started / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = [hook["entry"] for repo in hooks["repos"] for hook in repo["hooks"]]
    assert entries and all(shlex.split(e)[0] == "kamgen" and shlex.split(e)[1] in commands for e in entries)


def test_init_never_overwrites(started: Path) -> None:
    (started / "kamgen.yml").write_text("# ours\n", encoding="utf-8")
    (started / "accounts" / "example-customer.yaml").unlink()
    before = {p: (started / p).read_bytes() for p in files(started)}
    result = kamgen("init", cwd=started)
    assert result.returncode == 1
    assert "kamgen.yml:1:1: error K016 exists already; kamgen init never overwrites a file" in result.stdout
    assert "example-customer" not in result.stdout  # only what is there is named
    assert {p: (started / p).read_bytes() for p in files(started)} == before


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_an_empty_settings_file_is_valid(tmp_path: Path, text: str) -> None:
    (tmp_path / "kamgen.yml").write_text(text, encoding="utf-8")
    (tmp_path / "accounts").mkdir()
    result = kamgen("validate", cwd=tmp_path)
    assert "kamgen.yml" not in result.stdout
    assert result.returncode == 0


@pytest.mark.slow
@pytest.mark.site
def test_init_and_build_from_an_installed_wheel_outside_the_source_tree(tmp_path: Path) -> None:
    """As a team meets it: kamgen installed from a wheel, not this checkout."""
    wheels, target = tmp_path / "wheels", tmp_path / "installed"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)], check=True
    )
    (wheel,) = wheels.glob("kamgen-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import kamgen; print(kamgen.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(target)), where
    assert kamgen("init", "repo", cwd=tmp_path, env=env).returncode == 0
    built = kamgen("build", cwd=tmp_path / "repo", env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "repo" / "site" / "accounts" / "example-customer" / "index.html").is_file()


def test_the_pre_commit_hook_runs_kamgen_in_a_real_repository(started: Path, tmp_path: Path) -> None:
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=started, check=True)
    subprocess.run([*git, "add", "-A"], cwd=started, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PATH": _with_kamgen_on_path()}
    ok = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=started,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "kamgen validate" in ok.stdout and "Passed" in ok.stdout
    account = started / "accounts" / "example-customer.yaml"
    account.write_text(
        account.read_text(encoding="utf-8").replace("tier: key", "tier: gold"), encoding="utf-8"
    )
    bad = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=started,
        env=env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert "accounts/example-customer.yaml:7:7: error K104 tier: 'gold' is not allowed" in bad.stdout


def _with_kamgen_on_path() -> str:
    """PATH with this interpreter's scripts first, where `kamgen` is installed."""
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def test_the_published_hook_calls_a_command_that_exists() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert [h["id"] for h in hooks] == ["kamgen-validate"]
    entry = shlex.split(hooks[0]["entry"])
    assert entry[0] == "kamgen" and entry[1] in commands
    assert build_parser().parse_args(entry[1:]).func.__name__ == "cmd_validate"


def test_actionlint_accepts_the_workflow(started: Path) -> None:
    actionlint = Path(sys.executable).parent / "actionlint"
    assert actionlint.is_file(), "actionlint is a test dependency: pip install -e '.[test]'"
    subprocess.run(["git", "init", "-q"], cwd=started, check=True)
    result = subprocess.run([str(actionlint)], cwd=started, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
