"""The CI a team copies unchanged: the GitHub and GitLab files `kamgen init`
writes, the job summary that lists every problem, and the GitLab Code
Quality report."""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml

from kamgen.cli import build_parser
from kamgen.problems import SUMMARY_BYTES, Level, Problem, format_markdown
from kamgen.scaffold import CI, starter_files
from kamgen.schema import Visibility
from tests.conftest import MINIMAL, ROOT

BROKEN = ROOT / "tests" / "fixtures" / "broken"
GITHUB = ".github/workflows/kamgen.yml"
GITLAB = ".gitlab-ci.yml"
# Where the tests themselves run in CI, its workspace must not move the paths.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("GITHUB_WORKSPACE", "CI_PROJECT_DIR")}


def kamgen(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**CLEAN_ENV, **(env or {})},
        check=False,
    )


def config(path: str) -> Any:
    ci = next(name for name, files in CI.items() if path in files)
    return yaml.safe_load(starter_files(ci)[path])


def shell_lines(path: str) -> list[str]:
    """Every shell line the CI file runs (GitHub `run:`, GitLab scripts)."""
    data = config(path)
    if path == GITHUB:
        scripts = [s["run"] for job in data["jobs"].values() for s in job["steps"] if "run" in s]
    else:
        jobs = [data["default"], *(v for v in data.values() if isinstance(v, dict) and "script" in v)]
        scripts = [line for job in jobs for key in ("before_script", "script") for line in job.get(key, [])]
    return [line.strip() for script in scripts for line in script.splitlines()]


# Where a command line's own words end: its output goes to a file or a pipe.
_REDIRECTS = (">>", ">", "|")


def command_and_output(line: str) -> tuple[list[str], str | None]:
    """A `kamgen ...` shell line's arguments, and the file its output goes to."""
    words = shlex.split(line)[1:]
    ends = [i for i, word in enumerate(words) if word in _REDIRECTS]
    if not ends:
        return words, None
    target = words[ends[0] + 1]
    return words[: ends[0]], None if words[ends[0]] == "|" and target == "tee" else target


def kamgen_commands(path: str) -> list[list[str]]:
    return [command_and_output(line)[0] for line in shell_lines(path) if line.startswith("kamgen ")]


def parsed(argv: list[str]) -> Any:
    try:
        return build_parser().parse_args(argv)
    except SystemExit:
        pytest.fail(f"not a kamgen command line: kamgen {shlex.join(argv)}")


# ------------------------------------------------------------------ init --ci


@pytest.mark.parametrize(("ci", "expected"), [("github", [GITHUB]), ("gitlab", [GITLAB]), ("none", [])])
def test_init_writes_the_ci_the_team_chooses(tmp_path: Path, ci: str, expected: list[str]) -> None:
    result = kamgen("init", "--ci", ci, "repo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = {p.relative_to(tmp_path / "repo").as_posix() for p in (tmp_path / "repo").rglob("*")}
    assert [path for path in (GITHUB, GITLAB) if path in written] == expected
    assert "accounts/example-customer.yaml" in written


# ------------------------------------------------------------ both CI files


@pytest.mark.parametrize("path", [GITHUB, GITLAB])
def test_every_kamgen_command_in_the_ci_file_parses(path: str) -> None:
    commands = kamgen_commands(path)
    assert {argv[0] for argv in commands} >= {"validate", "build"}
    for argv in commands:
        parsed(argv)


@pytest.mark.parametrize("path", [GITHUB, GITLAB])
def test_what_pages_publishes_is_built_for_the_public(path: str) -> None:
    builds = [parsed(argv) for argv in kamgen_commands(path) if argv[0] == "build"]
    data = config(path)
    if path == GITHUB:
        steps = data["jobs"]["check"]["steps"]
        (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
        published = upload["with"]["path"].rstrip("/")
    else:
        assert data["pages"]["artifacts"]["paths"] == ["public/"]  # the folder GitLab Pages serves
        published = "public"
    (pages,) = [b for b in builds if b.site_dir == published]
    assert pages.visibility is Visibility.PUBLIC
    assert all(b.visibility is not Visibility.RESTRICTED for b in builds)


@pytest.mark.site
@pytest.mark.parametrize("path", [GITHUB, GITLAB])
def test_the_ci_commands_pass_on_a_new_project_and_pages_get_a_public_site(tmp_path: Path, path: str) -> None:
    """Each kamgen line of the CI file, as the runner runs it, in what
    `kamgen init` writes: the starter validates, builds and publishes."""
    ci = next(name for name, files in CI.items() if path in files)
    assert kamgen("init", "--ci", ci, "repo", cwd=tmp_path).returncode == 0
    repo, summary = tmp_path / "repo", tmp_path / "step-summary.md"
    base = _as_the_runner_checks_it_out(repo)
    env = {
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_BASE_REF": "main",
        "CI_PROJECT_DIR": str(repo),
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
    }
    for line in shell_lines(path):
        if line.startswith("kamgen "):
            words, output = command_and_output(line)
            argv = [re.sub(r"\$(\w+)", lambda m: env[m[1]], word) for word in words]
            ran = kamgen(*argv, cwd=repo, env=env)
            assert ran.returncode == 0, f"{line}\n{ran.stdout}{ran.stderr}"
            if output == "$GITHUB_STEP_SUMMARY":
                with summary.open("a", encoding="utf-8") as out:
                    out.write(ran.stdout)
    published = repo / ("pages" if path == GITHUB else "public")
    assert '<meta name="kamgen-visibility" content="public">' in (published / "index.html").read_text("utf-8")
    assert '<meta name="kamgen-visibility" content="internal">' in (repo / "site" / "index.html").read_text(
        "utf-8"
    )
    if path == GITHUB:
        text = summary.read_text(encoding="utf-8")
        assert text.startswith("### kamgen: 0 error(s)")
        assert "## Key accounts:" in text  # the review of the change follows
    else:
        assert json.loads((repo / "gl-code-quality-report.json").read_text(encoding="utf-8"))


def _as_the_runner_checks_it_out(repo: Path) -> str:
    """A real Git repository as CI sees it: the base branch fetched from
    origin, the change on top; the base commit's id."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("-c", "user.name=CI", "-c", "user.email=ci@example.com", "commit", "-qm", "start")
    base = git("rev-parse", "HEAD")
    git("update-ref", "refs/remotes/origin/main", base)
    return base


# ------------------------------------------------------------------- GitHub


def test_the_workflow_lists_every_problem_in_the_job_summary() -> None:
    (validate,) = [
        parsed(argv) for argv in kamgen_commands(GITHUB) if argv[0] == "validate" and "--write" in argv
    ]
    assert validate.format == "github"
    assert ("markdown", "$GITHUB_STEP_SUMMARY") in validate.write


def test_only_the_deploy_job_may_publish_and_only_from_the_default_branch() -> None:
    data = config(GITHUB)
    assert data["permissions"] == {"contents": "read"}
    deploy = data["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "default_branch" in deploy["if"] and "pull_request" in deploy["if"]
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    check = data["jobs"]["check"]
    assert "permissions" not in check
    pages_steps = [
        s for s in check["steps"] if "pages" in s.get("uses", "") or "--site-dir" in s.get("run", "")
    ]
    assert len(pages_steps) == 2 and all(s["if"] == "env.PUBLISH == 'true'" for s in pages_steps)
    assert "default_branch" in check["env"]["PUBLISH"] and "pull_request" in check["env"]["PUBLISH"]


# ------------------------------------------------------------------- GitLab


def test_gitlab_accepts_the_pipeline(tmp_path: Path) -> None:
    """GitLab's own CI schema, shipped inside check-jsonschema (no download)."""
    checker = Path(sys.executable).parent / "check-jsonschema"
    assert checker.is_file(), "check-jsonschema is a test dependency: pip install -e '.[test]'"
    (tmp_path / GITLAB).write_text(starter_files("gitlab")[GITLAB], encoding="utf-8")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.gitlab-ci", str(tmp_path / GITLAB)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_quality_report_is_the_file_validate_writes() -> None:
    data = config(GITLAB)
    (validate,) = [
        parsed(argv) for argv in kamgen_commands(GITLAB) if argv[0] == "validate" and "--write" in argv
    ]
    (written,) = [name for fmt, name in validate.write if fmt == "gitlab"]
    assert data["validate"]["artifacts"]["reports"]["codequality"] == written
    assert data["validate"]["artifacts"]["when"] == "always"  # the report matters most when it fails
    assert data["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]


# ------------------------------------------------------ the Markdown summary


def table_rows(rendered: str) -> list[list[str]]:
    body = rendered.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)] for row in rows]


def test_the_summary_lists_every_problem_errors_first(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = kamgen(
        "-C", str(BROKEN), "validate", "--format", "json", "--write", f"markdown={summary}", cwd=BROKEN
    )
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert len(problems) > 10  # more than GitHub annotates in one step
    rows = table_rows(markdown.markdown(summary.read_text(encoding="utf-8"), extensions=["tables"]))
    expected = sorted(problems, key=lambda p: p["level"] != "error")
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (p["level"], f"{p['path']}:{p['line']}:{p['col']}", p["message"]) for p in expected
    ]
    assert rows[0][3] == "K104 enum value"  # the code with the problem in words


def test_the_summary_escapes_what_the_user_wrote(tmp_path: Path) -> None:
    hostile = "x|y <script>a</script> ![p](//e.io/p) [l](//e.io) **b** `c`"
    (tmp_path / "kamgen.yml").write_text("team: [{id: li-wei, name: Li Wei}]\n", encoding="utf-8")
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "acme.yaml").write_text(
        MINIMAL + f"{json.dumps(hostile)}: 1\n", encoding="utf-8"
    )
    summary = tmp_path / "summary.md"
    result = kamgen("validate", "--no-health", "--write", f"markdown={summary}", cwd=tmp_path)
    assert result.returncode == 1
    rendered = markdown.markdown(summary.read_text(encoding="utf-8"), extensions=["tables"])
    for markup in ("<script", "<img", "<a ", "<strong", "<code"):
        assert markup not in rendered
    (row,) = table_rows(rendered)
    assert len(row) == 4 and hostile in row[2]


def test_the_summary_stays_under_the_job_summary_limit_and_counts_the_rest() -> None:
    problems = [
        Problem(f"accounts/a{i:05}.yaml", 3, 7, Level.WARNING, "H111", f"[{i}] no contact | for a long time")
        for i in range(20_000)
    ]
    text = format_markdown(problems)
    assert len(text.encode()) <= SUMMARY_BYTES
    listed = sum(line.startswith("| warning |") for line in text.splitlines())
    rest = re.search(r"and ([\d,]+) more problem\(s\), not listed", text)
    assert rest and listed + int(rest.group(1).replace(",", "")) == len(problems)
    assert format_markdown(problems[:3]).count("| warning |") == 3


def test_an_unwritable_report_fails_the_step_in_one_line(tmp_path: Path) -> None:
    shutil.copytree(BROKEN, tmp_path / "p")
    (tmp_path / "p" / "accounts" / "syntax-error.yaml").unlink()
    result = kamgen("validate", "--no-health", "--write", "markdown=missing/summary.md", cwd=tmp_path / "p")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "kamgen: cannot write missing/summary.md: No such file or directory" in result.stderr
    bad = kamgen("validate", "--write", "sarif=x.json", cwd=tmp_path / "p")
    assert bad.returncode == 2 and "expected FORMAT=FILE" in bad.stderr


# ------------------------------------------------- GitLab Code Quality JSON


def code_quality(root: Path, *args: str, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    report = root / "gl-code-quality-report.json"
    kamgen(*args, "validate", "--write", f"gitlab={report}", cwd=root, env=env)
    issues: list[dict[str, Any]] = json.loads(report.read_text(encoding="utf-8"))
    return issues


def test_code_quality_report_has_what_gitlab_reads(tmp_path: Path) -> None:
    shutil.copytree(BROKEN, tmp_path / "p")
    issues = code_quality(tmp_path / "p")
    plain = json.loads(kamgen("validate", "--format", "json", cwd=tmp_path / "p").stdout)
    assert len(issues) == len(plain) > 10
    severity = {"error": "major", "warning": "minor", "info": "info"}
    for issue, problem in zip(issues, plain, strict=True):
        assert issue["check_name"] == problem["code"]
        assert issue["description"].endswith(": " + problem["message"])
        assert issue["severity"] == severity[problem["level"]]
        assert issue["location"] == {"path": problem["path"], "lines": {"begin": problem["line"]}}
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_fingerprints_survive_moved_lines_and_tell_twins_apart(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "accounts").mkdir(parents=True)
    (root / "kamgen.yml").write_text("team: [{id: li-wei, name: Li Wei}]\n", encoding="utf-8")
    account = root / "accounts" / "acme.yaml"
    twins = "stakeholders:\n  - {id: a, name: A, reports_to: [nobody]}\n  - {id: b, name: B, reports_to: [nobody]}\n"
    account.write_text(MINIMAL + twins, encoding="utf-8")
    before = code_quality(root)
    k201 = [i for i in before if i["check_name"] == "K201"]
    assert len(k201) == 2 and k201[0]["description"] == k201[1]["description"]
    assert k201[0]["fingerprint"] != k201[1]["fingerprint"]
    account.write_text("# a new first line\n" + MINIMAL + twins, encoding="utf-8")
    after = code_quality(root)
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    assert [i["location"]["lines"]["begin"] for i in after] == [
        i["location"]["lines"]["begin"] + 1 for i in before
    ]


def test_code_quality_paths_start_at_the_repository_root(tmp_path: Path) -> None:
    sales = tmp_path / "sales"
    (sales / "accounts").mkdir(parents=True)
    (sales / "kamgen.yml").write_text("team: [{id: li-wei, name: Li Wei}]\n", encoding="utf-8")
    (sales / "accounts" / "acme.yaml").write_text(
        MINIMAL.replace("tier: key", "tier: gold"), encoding="utf-8"
    )
    report = tmp_path / "report.json"
    kamgen(
        "validate",
        "--no-health",
        "--write",
        f"gitlab={report}",
        cwd=sales,
        env={"CI_PROJECT_DIR": str(tmp_path)},
    )
    (issue,) = json.loads(report.read_text(encoding="utf-8"))
    assert issue["location"]["path"] == "sales/accounts/acme.yaml"


# ------------------------------------------------------- the publishing guide


def test_the_publishing_guide_runs_only_commands_that_exist_and_is_linked() -> None:
    guide = (ROOT / "PUBLISHING.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", guide, re.S)
    lines = [line.split(" #")[0] for block in blocks for line in block.splitlines()]
    lines += re.findall(r"`(kamgen [^`]+)`", guide)
    commands = [shlex.split(line)[1:] for line in lines if line.startswith("kamgen ")]
    assert len(commands) >= 6
    for argv in commands:
        parsed(argv)
    # What the guide says the CI files run, they run.
    for path in (GITHUB, GITLAB):
        for line in shell_lines(path):
            if line.startswith("kamgen validate"):
                assert f"`{line}`" in guide
    assert "(PUBLISHING.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
