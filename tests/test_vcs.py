"""kamgen.vcs on real repositories: revisions, files, renames, logs, and
every way Git can be missing turned into one GitUnavailable message."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamgen.vcs import WORKTREE, Change, GitUnavailable, Repo
from tests.git_helpers import commit, git, init


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = init(tmp_path / "repo")
    (root / "sales" / "accounts").mkdir(parents=True)
    (root / "sales" / "accounts" / "acme.yaml").write_text("name: Acme\n", encoding="utf-8")
    (root / "README.md").write_text("top\n", encoding="utf-8")
    commit(root, "first")
    return root


def test_of_finds_the_top_and_the_prefix(repo: Path) -> None:
    found = Repo.of(repo / "sales" / "accounts")
    assert found.top.resolve() == repo.resolve()
    assert found.prefix(repo / "sales") == "sales"
    assert found.prefix(repo) == ""


def test_not_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(GitUnavailable, match="is not inside a Git repository"):
        Repo.of(plain)


def test_git_not_installed(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(GitUnavailable, match="`git` command is not installed"):
        Repo.of(repo)


def test_unknown_revision_and_option_lookalikes(repo: Path) -> None:
    found = Repo.of(repo)
    with pytest.raises(GitUnavailable, match=r"^unknown revision 'nope'$"):
        found.resolve("nope")
    with pytest.raises(GitUnavailable, match="is not a revision"):
        found.resolve("--output=/tmp/x")


def test_files_read_and_export(repo: Path, tmp_path: Path) -> None:
    found = Repo.of(repo)
    first = found.resolve("HEAD")
    (repo / "sales" / "accounts" / "acme.yaml").write_text("name: Acme Corp\n", encoding="utf-8")
    commit(repo, "rename the customer")
    assert set(found.files(first, "sales")) == {"sales/accounts/acme.yaml"}
    assert found.read(first, "sales/accounts/acme.yaml") == b"name: Acme\n"
    written = found.export(first, "sales", tmp_path / "out")
    assert written == [tmp_path / "out" / "accounts" / "acme.yaml"]
    assert written[0].read_text(encoding="utf-8") == "name: Acme\n"


def test_default_branch_and_merge_base(repo: Path) -> None:
    found = Repo.of(repo)
    start = found.resolve("HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "sales" / "accounts" / "beta.yaml").write_text("name: Beta\n", encoding="utf-8")
    commit(repo, "beta")
    git(repo, "checkout", "-q", "main")
    (repo / "README.md").write_text("moved on\n", encoding="utf-8")
    commit(repo, "main moves on")
    git(repo, "checkout", "-q", "feature")
    assert found.default_branch() == "main"
    assert found.merge_base("main", "HEAD") == start


def test_a_rename_is_one_change_not_a_delete_and_an_add(repo: Path) -> None:
    found = Repo.of(repo)
    base = found.resolve("HEAD")
    git(repo, "mv", "sales/accounts/acme.yaml", "sales/accounts/acme-corp.yaml")
    # Staged in the working tree, then committed: both are followed.
    staged = found.changes(base, WORKTREE, "sales")
    assert staged == [Change("R", "sales/accounts/acme.yaml", "sales/accounts/acme-corp.yaml")]
    head = commit(repo, "rename")
    assert found.changes(base, head, "sales") == staged
    history = found.log("sales/accounts/acme-corp.yaml")
    assert [(r.commit.subject, r.path) for r in history] == [
        ("rename", "sales/accounts/acme-corp.yaml"),
        ("first", "sales/accounts/acme.yaml"),
    ]
    assert history[0].commit.author == "Test Author"


def test_working_tree_changes_include_untracked_files(repo: Path) -> None:
    found = Repo.of(repo)
    (repo / "sales" / "accounts" / "new.yaml").write_text("name: New\n", encoding="utf-8")
    (repo / "sales" / "accounts" / "acme.yaml").write_text("name: Changed\n", encoding="utf-8")
    (repo / "README.md").write_text("outside the project\n", encoding="utf-8")
    assert sorted(found.changes("HEAD", WORKTREE, "sales"), key=str) == sorted(
        [
            Change("A", None, "sales/accounts/new.yaml"),
            Change("M", "sales/accounts/acme.yaml", "sales/accounts/acme.yaml"),
        ],
        key=str,
    )


def test_shallow_clone_names_the_cause(repo: Path, tmp_path: Path) -> None:
    (repo / "README.md").write_text("second\n", encoding="utf-8")
    commit(repo, "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    found = Repo.of(clone)
    assert found.is_shallow()
    with pytest.raises(GitUnavailable, match=r"unknown revision 'HEAD~1' \(this is a shallow clone"):
        found.resolve("HEAD~1")


def test_a_repository_without_commits(tmp_path: Path) -> None:
    found = Repo.of(init(tmp_path / "empty"))
    assert not found.has_commits()
    with pytest.raises(GitUnavailable, match="unknown revision 'HEAD'"):
        found.resolve("HEAD")
