"""The validate cache (.kamgen/cache) never changes a result.

Every test compares what a run with the cache prints with what a run without
it prints, on realistic generated portfolios (bench/portfolio.py), valid and
with errors; nothing is timed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench import portfolio
from kamgen import app, incremental, workers
from kamgen.cache import Store
from kamgen.project import Project
from tests import git_helpers
from tests.cli_helpers import kamgen_here

N = 12
TODAY = ["--today", portfolio.TODAY.isoformat()]
RUNS = {
    "text": ["validate", *TODAY],
    "json": ["validate", "--format", "json", *TODAY],
    "no-health": ["validate", "--no-health", "--format", "json", *TODAY],
    "one file": ["validate", "accounts/account-0003.yaml", *TODAY],
    "report": ["report", "--format", "json", *TODAY],
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return portfolio.write_portfolio(tmp_path_factory.mktemp("portfolio") / "p", N)


@pytest.fixture
def valid(generated: Path, tmp_path: Path) -> Path:
    root = tmp_path / "valid"
    shutil.copytree(generated, root)
    return root


@pytest.fixture
def broken(valid: Path) -> Path:
    """The same portfolio with errors of every stage in some files."""
    accounts = valid / "accounts"
    yaml_file = accounts / "account-0001.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("stakeholders:", "stakeholders: [oops\n", 1), encoding="utf-8")
    text = (accounts / "account-0003.yaml").read_text(encoding="utf-8")
    (accounts / "account-0003.yaml").write_text(text + "tier: key\n", encoding="utf-8")  # duplicate key
    path = next(accounts.glob("account-0006.*"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nowner: ", "\nowner: nobody-", 1), encoding="utf-8")  # a reference
    (accounts / "Bad Name.yaml").write_text("name: X\nowner: nobody\ntier: nonsense\n", encoding="utf-8")
    (accounts / "empty.yml").write_text("", encoding="utf-8")
    (accounts / "binary.yaml").write_bytes(b"name: \xff\xfe\n")
    return valid


def outputs(root: Path) -> dict[str, tuple[int, str]]:
    return {name: _run(root, args) for name, args in RUNS.items()}


def _run(root: Path, args: list[str]) -> tuple[int, str]:
    done = kamgen_here("-C", str(root), *args)
    return done.returncode, done.stdout


def cold(root: Path) -> dict[str, tuple[int, str]]:
    shutil.rmtree(root / ".kamgen", ignore_errors=True)
    return {
        name: _run(root, [*args, "--no-cache"] if args[0] == "validate" else args)
        for name, args in RUNS.items()
    }


def entries(root: Path) -> list[Path]:
    return sorted((root / ".kamgen" / "cache").glob("*.json"))


@pytest.mark.parametrize("project", ["valid", "broken"])
def test_warm_runs_print_what_cold_runs_print(project: str, request: pytest.FixtureRequest) -> None:
    root: Path = request.getfixturevalue(project)
    without = cold(root)
    assert not (root / ".kamgen" / "cache").exists(), "--no-cache writes nothing"
    first = outputs(root)  # fills the cache
    assert len(entries(root)) >= len(list((root / "accounts").iterdir()))
    second = outputs(root)  # reads it
    assert first == without
    assert second == without
    code, text = without["text"]
    if project == "valid":
        assert code == 0 and " H" in text, "health findings are part of what is compared"
    else:
        assert code == 1
        for expected in ("K002", "K003", "K005", "K007", "K009", "K104", "K201"):
            assert f" {expected} " in text, expected


def test_an_edit_of_the_same_size_and_time_is_seen(valid: Path) -> None:
    path = valid / "accounts" / "account-0004.yaml"
    before = outputs(valid)
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("stance: supporter", "stance: opponent ", 1)
    if edited == text:
        edited = text.replace("tier: key", "tier: k3y", 1)
    assert edited != text and len(edited.encode()) == stat.st_size
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = outputs(valid)
    assert after != before
    assert after == cold(valid)


def test_settings_and_day_are_part_of_the_key(valid: Path) -> None:
    outputs(valid)
    settings = valid / "kamgen.yml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "limits:\n  problems_per_file: 2\n", encoding="utf-8"
    )
    assert outputs(valid) == cold(valid)
    later = ["validate", "--today", "2027-06-30"]
    warm = _run(valid, later)
    assert warm == _run(valid, [*later, "--no-cache"])
    assert warm != _run(valid, RUNS["text"])


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "wrong shape", "wrong types", "folder", "cache is a file"],
)
def test_a_damaged_cache_is_ignored_and_rewritten(broken: Path, damage: str) -> None:
    expected = cold(broken)
    outputs(broken)
    cache = broken / ".kamgen" / "cache"
    for entry in entries(broken):
        content = entry.read_text(encoding="utf-8")
        if damage == "garbage":
            entry.write_bytes(b"\x00\xff not json")
        elif damage == "truncated":
            entry.write_text(content[: len(content) // 2], encoding="utf-8")
        elif damage == "wrong shape":
            entry.write_text('{"problems": 3, "valid": true, "extra": []}', encoding="utf-8")
        elif damage == "wrong types":
            entry.write_text(
                '{"problems": [["a", "1", 1, "error", "K001", "x"]], "valid": 1, "extra": []}',
                encoding="utf-8",
            )
        elif damage == "folder":
            entry.unlink()
            entry.mkdir()
    if damage == "cache is a file":
        shutil.rmtree(cache)
        cache.write_text("not a folder", encoding="utf-8")
    assert outputs(broken) == expected
    if damage in ("garbage", "truncated", "wrong shape", "wrong types"):
        for entry in entries(broken):
            json.loads(entry.read_text(encoding="utf-8"))  # rewritten whole
        assert outputs(broken) == expected


def test_the_cache_is_in_the_project_given_with_C(valid: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = kamgen_here("-C", str(valid), "validate", *TODAY, cwd=elsewhere)
    assert done.returncode == 0
    assert entries(valid)
    assert not (elsewhere / ".kamgen").exists()


def test_runs_at_the_same_time_leave_whole_entries(broken: Path) -> None:
    expected = cold(broken)["json"]
    command = [sys.executable, "-m", "kamgen", "-C", str(broken), *RUNS["json"]]

    def one(_: int) -> tuple[int, str]:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        return done.returncode, done.stdout

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(one, range(4)))
    assert results == [expected] * 4
    for entry in entries(broken):
        json.loads(entry.read_text(encoding="utf-8"))
    assert not list((broken / ".kamgen" / "cache").glob(".tmp-*")), "no temporary file is left"


def test_a_run_over_every_file_drops_entries_it_did_not_use(valid: Path) -> None:
    outputs(valid)
    store = Store(valid / ".kamgen" / "cache")
    store.put("0" * 64, {"problems": [], "valid": True, "extra": []})
    assert (valid / ".kamgen" / "cache" / f"{'0' * 64}.json").is_file()
    _run(valid, RUNS["text"])
    assert not (valid / ".kamgen" / "cache" / f"{'0' * 64}.json").exists()
    kept = len(entries(valid))
    _run(valid, ["validate", "accounts/account-0003.yaml", "--today", "2027-01-01"])
    assert len(entries(valid)) == kept + 1, "a run over some files keeps the others' entries"


def test_files_worked_out_by_several_processes_give_the_same_problems(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = app.validate(Project(broken), health_on=portfolio.TODAY, cache=False, jobs=1)
    monkeypatch.setattr(incremental, "PARALLEL_FROM", 2)
    monkeypatch.setattr(workers, "_threads", lambda: 1)  # threads earlier tests left do not count
    forked = app.validate(Project(broken), health_on=portfolio.TODAY, cache=False, jobs=3)
    assert forked.problems == expected.problems and forked.accounts == expected.accounts
    valid = Project(broken)
    for bad in ("Bad Name.yaml", "empty.yml", "binary.yaml", "account-0001.yaml", "account-0003.yaml"):
        (broken / "accounts" / bad).unlink()
    next((broken / "accounts").glob("account-0006.*")).unlink()
    alone = app.validate(valid, health_on=portfolio.TODAY, jobs=1, cache=False)
    assert alone.ok and any(p.code.startswith("H") for p in alone.problems)
    assert app.validate(valid, health_on=portfolio.TODAY, jobs=3).problems == alone.problems


def test_forked_workers_store_the_entries_one_process_stores(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker stores the outcomes it works out: the same entries, named
    and written as one process writes them, and a warm run reads them back."""
    project = Project(broken)
    alone = app.validate(project, health_on=portfolio.TODAY, jobs=1)
    written = {entry.name: entry.read_bytes() for entry in entries(broken)}
    readable = [p for p in (broken / "accounts").iterdir() if p.name != "binary.yaml"]  # not UTF-8
    assert len(written) == len(readable)
    shutil.rmtree(broken / ".kamgen")
    monkeypatch.setattr(incremental, "PARALLEL_FROM", 2)
    monkeypatch.setattr(workers, "_threads", lambda: 1)  # threads earlier tests left do not count
    forked = app.validate(project, health_on=portfolio.TODAY, jobs=3)
    assert forked.problems == alone.problems
    assert {entry.name: entry.read_bytes() for entry in entries(broken)} == written
    assert app.validate(project, health_on=portfolio.TODAY, jobs=3).problems == alone.problems
    for entry in entries(broken)[:3]:  # some stored, some to work out again
        entry.unlink()
    assert app.validate(project, health_on=portfolio.TODAY, jobs=3).problems == alone.problems
    assert {entry.name: entry.read_bytes() for entry in entries(broken)} == written


def test_a_cache_committed_to_git_is_never_read(broken: Path) -> None:
    """A pull request can commit `.kamgen/cache` entries whose names anyone can
    compute (content, settings, day, kamgen): one that says a broken file is
    clean must not make CI pass."""
    assert _run(broken, RUNS["text"])[0] == 1  # writes the entries
    for entry in entries(broken):  # forged: every file clean
        entry.write_text(json.dumps({"problems": [], "valid": True, "extra": []}), encoding="utf-8")
    # Outside Git the folder is the user's own, and the forgery works: the
    # attack is real, so what follows is a real defence.
    assert "accounts/account-0001.yaml" not in _run(broken, RUNS["text"])[1]
    git_helpers.init(broken)
    git_helpers.git(broken, "add", "--force", "-A")  # .kamgen/ is git-ignored: a pull request must force it
    git_helpers.commit(broken, "planted cache")
    code, out = _run(broken, RUNS["text"])
    assert code == 1
    assert "accounts/account-0001.yaml" in out
    assert ".kamgen:1:1: warning K019 " in out
    assert "committed to Git" in out and "git rm -r --cached .kamgen" in out
