"""`kamgen diff` and `validate --changed-since` on real Git repositories
holding the sample portfolio: what a reviewer reads, in the model's terms."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli_helpers import assert_golden, kamgen_here
from tests.conftest import TODAY, copy_sample
from tests.git_helpers import commit, edit, git, init

GUANGZHOU = Path("accounts/guangzhou-yaju-furniture.yaml")
MEGAMART = Path("accounts/megamart-retail.yaml")

# The pull request of the "done when": one person neutral -> supporter,
# one goal re-dated. Neither moves a health finding or the score.
HE_JUN_NEUTRAL = "    influence: low\n    stance: neutral\n    mode: trouble\n"
HE_JUN_SUPPORTER = "    influence: low\n    stance: supporter\n    mode: trouble\n"


def sample_repo(root: Path, project: str = "") -> Path:
    """A repository with the sample portfolio committed on main (in ``project``,
    a subfolder, if given); the project folder."""
    init(root)
    folder = root / project if project else root
    copy_sample(folder)
    (root / "README.md").write_text("a team's repository\n", encoding="utf-8")
    commit(root, "the sample portfolio")
    return folder


def pull_request(folder: Path) -> None:
    """On a branch: the done-when change, committed."""
    git(folder, "checkout", "-q", "-b", "move-he-jun")
    edit(folder / GUANGZHOU, HE_JUN_NEUTRAL, HE_JUN_SUPPORTER)
    edit(folder / GUANGZHOU, "target: 2027-09-30", "target: 2027-12-31")
    commit(folder, "He Jun supports the pilot; showroom slips a quarter")


def diff(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return kamgen_here("-C", str(folder), "diff", "--today", TODAY, *args)


def anonymous(text: str, folder: Path, *revs: str) -> str:
    """Output with commit ids, which depend on the sample's bytes, as names."""
    for rev in revs:
        sha = git(folder, "rev-parse", rev).strip()
        text = text.replace(sha, f"<{rev}>").replace(sha[:10], f"<{rev}>")
    return text


def change_lines(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("- ")]


# ------------------------------------------------------------------ done when


def test_done_when_two_changes_two_lines_named_by_person_and_goal(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    pull_request(folder)
    result = diff(folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert change_lines(result.stdout) == [
        "- 何軍 (he-jun): stance neutral → supporter",
        "- Goal “Open a Shenzhen showroom for architects and developers” (showroom-2027): "
        "re-dated 2027-09-30 → 2027-12-31 (92 days later)",
    ]
    assert_golden("diff-done-when.md", anonymous(result.stdout, folder, "main"))


def test_done_when_json(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    pull_request(folder)
    result = diff(folder, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["diff_version"] == 1
    assert data["base"]["merge_base"] is True
    [account] = data["accounts"]
    assert [(c["kind"], c["subject"]["id"], c["before"], c["after"]) for c in account["changes"]] == [
        ("stance-changed", "he-jun", "neutral", "supporter"),
        ("goal-redated", "showroom-2027", "2027-09-30", "2027-12-31"),
    ]
    assert account["changes"][1]["params"] == {"days": 92}
    assert_golden("diff-done-when.json", anonymous(result.stdout, folder, "main"))


# ------------------------------------------------------------------ revisions


def test_two_revisions_ignore_the_working_tree(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    pull_request(folder)
    edit(folder / GUANGZHOU, HE_JUN_SUPPORTER, HE_JUN_SUPPORTER.replace("low", "high"))
    between = diff(folder, "main", "move-he-jun")
    assert between.returncode == 0, between.stderr
    assert len(change_lines(between.stdout)) == 2
    heading = anonymous(between.stdout, folder, "main", "move-he-jun").splitlines()[0]
    assert heading == "## Key accounts: main (<main>) → move&#45;he&#45;jun (<move-he-jun>)"
    # One revision: that against the working tree, uncommitted edit included.
    against_tree = diff(folder, "HEAD")
    assert change_lines(against_tree.stdout) == ["- 何軍 (he-jun): influence low → high"]


def test_an_uncommitted_new_file_is_an_account_added(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    shutil.copy(folder / MEGAMART, folder / "accounts" / "megamart-uk.yaml")
    data = json.loads(diff(folder, "HEAD", "--format", "json").stdout)
    [added] = data["accounts"]
    assert added["id"] == "megamart-uk"
    kinds = [c["kind"] for c in added["changes"]]
    assert kinds[0] == "account-added"
    # A new account brings its findings with it; nothing else is a change.
    assert set(kinds[1:]) == {"finding-introduced"}


def test_a_renamed_file_is_followed_not_removed_and_added(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    git(folder, "mv", str(MEGAMART), "accounts/megamart.yaml")
    edit(
        folder / "accounts/megamart.yaml", "stance: supporter\n    rating: 2", "stance: mentor\n    rating: 2"
    )
    commit(folder, "MegaMart: shorter id; Daniel is a mentor now")
    data = json.loads(diff(folder, "HEAD~1", "HEAD", "--format", "json").stdout)
    [account] = data["accounts"]
    assert (account["id"], account["previous_id"]) == ("megamart", "megamart-retail")
    assert (account["path"], account["previous_path"]) == (
        "accounts/megamart.yaml",
        "accounts/megamart-retail.yaml",
    )
    kinds = [c["kind"] for c in account["changes"]]
    assert kinds == ["account-renamed", "stance-changed"]
    markdown = diff(folder, "HEAD~1", "HEAD").stdout
    assert (
        "file renamed accounts&#47;megamart&#45;retail&#46;yaml → accounts&#47;megamart&#46;yaml" in markdown
    )


def test_a_project_in_a_subfolder(tmp_path: Path) -> None:
    root = tmp_path / "monorepo"
    folder = sample_repo(root, "sales")
    (root / "README.md").write_text("other teams' changes are not ours\n", encoding="utf-8")
    pull_request(folder)
    result = kamgen_here("-C", "sales", "diff", "--today", TODAY, "--format", "json", cwd=root)
    assert result.returncode == 0, result.stderr
    [account] = json.loads(result.stdout)["accounts"]
    assert account["path"] == "accounts/guangzhou-yaju-furniture.yaml"
    assert len(account["changes"]) == 2


# ------------------------------------------------------------------ visibility


def test_a_restricted_persons_change_is_absent_at_internal(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    # Priya Nair is restricted; moving her to supporter also resolves the
    # finding "no supporter among the high-influence people", which names her.
    edit(folder / MEGAMART, "stance: neutral\n    rating: -1", "stance: supporter\n    rating: -1")
    internal = diff(folder, "HEAD")
    assert internal.returncode == 0, internal.stderr
    assert "megamart" not in internal.stdout.lower() and "Priya" not in internal.stdout
    assert "No changes to the key accounts visible at the internal level." in internal.stdout
    assert "Priya" not in diff(folder, "HEAD", "--format", "json").stdout
    restricted = diff(folder, "HEAD", "--visibility", "restricted")
    assert change_lines(restricted.stdout) == [
        "- Priya Nair (priya-nair): stance neutral → supporter",
        "- Health finding resolved: H104 no supporter among the high&#45;influence people",
    ]


def test_widening_visibility_is_flagged_and_describes_nothing_else(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    edit(
        folder / MEGAMART,
        "stance: neutral\n    rating: -1",
        "stance: supporter\n    rating: -1",
    )
    edit(
        folder / MEGAMART,
        "competitor chain.\n    visibility: restricted",
        "competitor chain.\n    visibility: internal",
    )
    lines = change_lines(diff(folder, "HEAD").stdout)
    assert lines[0] == "- Priya Nair (priya-nair): ⚠️ **visibility changed**: restricted → internal"
    assert not any("stance" in line for line in lines)


# ------------------------------------------------------------------ failures


def test_a_side_with_errors_is_a_problem_not_a_diff(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    edit(
        folder / GUANGZHOU, HE_JUN_NEUTRAL, "    influence: low\n    stance: supportive\n    mode: trouble\n"
    )
    result = diff(folder, "HEAD")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "accounts/guangzhou-yaju-furniture.yaml:" in result.stderr and " error K104 " in result.stderr
    assert "no diff: a side of the comparison has errors" in result.stderr
    commit(folder, "broken")
    at_base = diff(folder, "HEAD", "HEAD~1")
    assert "error K104 at HEAD: " in at_base.stderr


def test_not_a_repository(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path / "plain").root
    result = diff(folder)
    assert result.returncode == 1
    assert result.stdout == ""
    assert (
        result.stderr
        == f".:1:1: error K017 {folder} is not inside a Git repository\n1 error(s), 0 warning(s)\n"
    )


def test_unknown_revision(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    result = diff(folder, "v9")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines()[0] == ".:1:1: error K017 unknown revision 'v9'"


def test_shallow_clone_says_so(tmp_path: Path) -> None:
    origin = sample_repo(tmp_path / "origin")
    pull_request(origin)
    git(origin, "checkout", "-q", "main")
    edit(origin / "README.md", "a team's repository", "main moves on")
    commit(origin, "main moves on")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{origin}", str(clone))
    git(clone, "checkout", "-q", "move-he-jun")
    result = kamgen_here("-C", str(clone), "diff", "--today", TODAY)
    assert (result.returncode, result.stdout) == (1, "")
    first, *_ = result.stderr.splitlines()
    assert first == (
        ".:1:1: error K017 'origin/main' and 'HEAD' have no common commit "
        "(this is a shallow clone: fetch more history)"
    )
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ validate --changed-since


def health_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stdout.splitlines() if " warning H" in line or " error H" in line]


def test_changed_since_reports_only_what_the_change_introduced(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    git(folder, "checkout", "-q", "-b", "pr")
    edit(folder / GUANGZHOU, "    role: technical-buyer\n", "")  # 梁輝's role: now unknown
    everything = kamgen_here("-C", str(folder), "validate", "--today", TODAY)
    introduced = kamgen_here("-C", str(folder), "validate", "--today", TODAY, "--changed-since", "main")
    assert len(health_lines(everything)) > 20
    assert health_lines(introduced) == [
        "accounts/guangzhou-yaju-furniture.yaml:57:5: warning H116 梁輝: buying role unknown; "
        "next step: Find out what part they play in the decision"
    ]
    assert introduced.returncode == 0
    assert kamgen_here("-C", str(folder), "validate", "--strict", "--changed-since", "main").returncode == 2


def test_changed_since_does_not_depend_on_the_date(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    commit(folder, "a pull request that changes nothing")
    for today in (TODAY, "2027-08-01", "2030-01-01"):
        plain = kamgen_here("-C", str(folder), "validate", "--today", today, "--strict")
        assert plain.returncode == 2  # time alone makes findings
        since = kamgen_here(
            "-C", str(folder), "validate", "--today", today, "--strict", "--changed-since", "main"
        )
        assert (since.returncode, health_lines(since)) == (0, []), since.stdout


def test_changed_since_still_reports_schema_errors_everywhere(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    commit(folder, "nothing")
    edit(folder / MEGAMART, "tier: key", "tier: keystone")
    result = kamgen_here("-C", str(folder), "validate", "--changed-since", "HEAD")
    assert result.returncode == 1
    assert "accounts/megamart-retail.yaml:" in result.stdout and "error K104" in result.stdout


def test_changed_since_without_git_is_one_problem(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path / "plain").root
    result = kamgen_here("-C", str(folder), "validate", "--changed-since", "main")
    assert result.returncode == 1
    assert f".:1:1: error K017 {folder} is not inside a Git repository" in result.stdout.splitlines()


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_untrusted_text_is_escaped(tmp_path: Path, fmt: str) -> None:
    folder = sample_repo(tmp_path / "repo")
    edit(
        folder / GUANGZHOU,
        "statement: Open a Shenzhen showroom for architects and developers\n",
        'statement: "<img src=x onerror=alert(1)> [click](javascript:alert(1)) | **x**"\n',
    )
    edit(folder / GUANGZHOU, "target: 2027-09-30", "target: 2027-10-30")
    out = diff(folder, "HEAD", "--format", fmt).stdout
    if fmt == "markdown":
        assert "<img" not in out and "](" not in out and "**x**" not in out
        assert "&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62;" in out
    else:
        [account] = json.loads(out)["accounts"]
        assert account["changes"][0]["subject"]["name"].startswith("<img src=x")


def test_a_settings_change_is_judged_in_every_account(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    edit(folder / "kamgen.yml", "min_contacts: 3", "min_contacts: 6")
    data = json.loads(diff(folder, "HEAD", "--format", "json").stdout)
    introduced = {
        (a["id"], c["finding"]["code"]) for a in data["accounts"] for c in a["changes"] if "finding" in c
    }
    assert ("guangzhou-yaju-furniture", "H101") in introduced and ("megamart-retail", "H101") in introduced
    since = kamgen_here("-C", str(folder), "validate", "--today", TODAY, "--changed-since", "HEAD")
    assert {line.split(":")[0] for line in health_lines(since)} >= {
        "accounts/guangzhou-yaju-furniture.yaml",
        "accounts/megamart-retail.yaml",
    }
    assert {line.split(" ")[2] for line in health_lines(since)} == {"H101"}


def test_a_deleted_account_is_removed(tmp_path: Path) -> None:
    folder = sample_repo(tmp_path / "repo")
    git(folder, "rm", "-q", str(MEGAMART))
    result = diff(folder, "HEAD")
    assert result.returncode == 0, result.stderr
    assert change_lines(result.stdout) == ["- Account: removed"]
    assert "### MegaMart Retail Group plc (megamart-retail)" in result.stdout
