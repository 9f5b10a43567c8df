"""History on the site, read from real Git repositories made in tmp_path.

Each test commits account files with set authors and dates, then reads the
history as a build does (`history.read`, `app.render`), or builds the site
with the real `mkdocs build --strict`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kamgen import app, history, vcs
from kamgen.escape import text as escaped
from kamgen.history import History, Unavailable
from kamgen.pipeline import load
from kamgen.project import Project
from kamgen.schema import HistorySettings, Stance, Visibility
from tests import git_helpers
from tests.conftest import ROOT, SETTINGS, dedent, kamgen_build

TODAY = dt.date(2026, 11, 26)

ACCOUNT = """\
name: Acme
owner: li-wei
tier: key
stakeholders:
  - {{id: zhou-min, name: Zhou Min, role: champion, influence: {zhou_influence}, stance: {zhou_stance}}}
  - {{id: he-jun, name: He Jun, stance: {he_stance}, visibility: {he_visibility}}}
"""


def account(
    zhou_stance: str = "neutral",
    zhou_influence: str = "medium",
    he_stance: str = "neutral",
    he_visibility: str = "internal",
) -> str:
    return ACCOUNT.format(
        zhou_stance=zhou_stance,
        zhou_influence=zhou_influence,
        he_stance=he_stance,
        he_visibility=he_visibility,
    )


class Repo:
    """A project in a real Git repository, committed with chosen authors and dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "kamgen.yml").write_text(SETTINGS, encoding="utf-8")
        (root / "accounts").mkdir(exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        return subprocess.run(
            ["git", "-c", "commit.gpgsign=false", *args],
            cwd=self.root,
            env={**os.environ, **git_helpers.ENV, **(env or {})},
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def write(self, name: str, text: str) -> None:
        (self.root / "accounts" / name).write_text(text, encoding="utf-8")

    def commit(self, subject: str, author: str, date: str) -> None:
        self.git("add", "-A")
        stamp = f"{date}T10:00:00+08:00"
        self.git(
            "commit",
            "-q",
            "-m",
            subject,
            env={
                "GIT_AUTHOR_NAME": author,
                "GIT_AUTHOR_EMAIL": "someone@example.com",
                "GIT_COMMITTER_NAME": "CI",
                "GIT_COMMITTER_EMAIL": "ci@example.com",
                "GIT_AUTHOR_DATE": stamp,
                "GIT_COMMITTER_DATE": stamp,
            },
        )

    @property
    def project(self) -> Project:
        return Project(self.root)


def read(project: Project, visibility: Visibility = Visibility.INTERNAL) -> History:
    result = load(project)
    assert result.portfolio is not None, result.problems
    return history.read(project, result.portfolio, visibility)


def rows(found: History, account_id: str = "acme") -> list[tuple[str, str, str, str, str, object, object]]:
    return [
        (c.date.isoformat(), c.author, c.subject, c.person, c.field, c.before, c.after)
        for c in found.of(account_id).changes
    ]


def page(project: Project, visibility: Visibility = Visibility.INTERNAL, account_id: str = "acme") -> str:
    result = load(project)
    assert result.portfolio is not None, result.problems
    site = app.render(project, result.portfolio, today=TODAY, visibility=visibility)
    return next(p.content for p in site.pages if p.path == f"accounts/{account_id}.md")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    made = Repo(tmp_path / "team")
    made.write("acme.yaml", account())
    made.commit("Start the Acme plan", "Li Wei", "2026-01-05")
    return made


def test_folder_log_and_blobs_read_the_whole_folder_in_two_processes(repo: Repo) -> None:
    repo.git("mv", "accounts/acme.yaml", "accounts/acme-group.yaml")
    repo.commit("Rename", "Li Wei", "2026-02-01")
    git = vcs.Repo.of(repo.root)
    log = git.folder_log("accounts")
    assert [
        (c.subject, c.author, [(x.status, x.old_path, x.new_path) for x in changes]) for c, changes in log
    ] == [
        ("Rename", "Li Wei", [("R", "accounts/acme.yaml", "accounts/acme-group.yaml")]),
        ("Start the Acme plan", "Li Wei", [("A", None, "accounts/acme.yaml")]),
    ]
    (_, [created]), missing = log[1], "0" * 39 + "1"
    assert created.new_blob is not None and created.old_blob is None
    text = account().encode()
    assert git.blobs([created.new_blob, missing]) == {created.new_blob: text}
    assert git.blobs([created.new_blob], max_bytes=len(text) - 1) == {}


def test_a_stance_change_shows_its_date_author_subject_and_values(repo: Repo) -> None:
    repo.write("acme.yaml", account(zhou_stance="supporter"))
    repo.commit("Zhou Min came round after the demo", "Anna Schmidt", "2026-03-10")
    repo.write("acme.yaml", account(zhou_stance="supporter", zhou_influence="high"))
    repo.commit("Zhou Min now runs design", "Li Wei", "2026-05-02")

    found = read(repo.project)
    assert rows(found) == [
        ("2026-05-02", "Li Wei", "Zhou Min now runs design", "zhou-min", "influence", "medium", "high"),
        (
            "2026-03-10",
            "Anna Schmidt",
            "Zhou Min came round after the demo",
            "zhou-min",
            "stance",
            Stance.NEUTRAL,
            Stance.SUPPORTER,
        ),
    ]
    assert found.of("acme").revisions == 3
    text = page(repo.project)
    cells = [
        escaped("2026-03-10"),
        "Zhou Min",
        escaped("Stance: Neutral → Supporter"),
        "Anna Schmidt",
        escaped("Zhou Min came round after the demo"),
    ]
    assert "| " + " | ".join(cells) + " |" in text
    # The map as it was before each change, drawn at build time, in <details>.
    snapshots = found.of("acme").snapshots
    assert [s.date for s in snapshots] == [dt.date(2026, 3, 10), dt.date(2026, 1, 5)]
    assert [s.account.stakeholders[0].stance for s in snapshots] == [Stance.SUPPORTER, Stance.NEUTRAL]
    assert text.count('<details class="kg-history-map" markdown="1" data-search-exclude>') == 2
    # Each an image of its own SVG file beside the page, which the build inlines.
    embeds = re.findall(
        r"\]\((acme/map-2026-0[31]-\d\d-[0-9a-f]{12}\.svg)\)\{ \.kg-drawing \}", text.split("<details", 1)[1]
    )
    assert len(embeds) == 2
    result = load(repo.project)
    assert result.portfolio is not None
    files = {p.path: p.content for p in app.render(repo.project, result.portfolio, today=TODAY).pages}
    assert all(files[f"accounts/{embed}"].startswith("<svg") for embed in embeds)


def test_joined_and_departed(repo: Repo) -> None:
    repo.write("acme.yaml", account() + "  - {id: new-cfo, name: Wang Fang, role: economic-buyer}\n")
    repo.commit("New CFO", "Anna Schmidt", "2026-02-01")
    repo.write("acme.yaml", account().replace("  - {id: he-jun", "  - {id: he-jun, left_on: 2026-02-20"))
    repo.commit("He Jun left; CFO entry was a rumour", "Li Wei", "2026-03-01")
    assert [(r[0], r[3], r[4], r[6]) for r in rows(read(repo.project))] == [
        ("2026-03-01", "he-jun", "departed", dt.date(2026, 2, 20)),
        ("2026-03-01", "new-cfo", "departed", None),
        ("2026-02-01", "new-cfo", "joined", None),
    ]


def test_a_renamed_account_file_keeps_its_history(repo: Repo) -> None:
    repo.write("acme.yaml", account(zhou_stance="mentor"))
    repo.commit("Zhou Min coaches us now", "Anna Schmidt", "2026-02-14")
    repo.git("mv", "accounts/acme.yaml", "accounts/acme-group.yaml")
    repo.commit("Acme is now Acme Group", "Li Wei", "2026-04-01")
    repo.write("acme-group.yaml", account(zhou_stance="mentor", he_stance="supporter"))
    repo.commit("He Jun supports the pilot", "Li Wei", "2026-06-01")

    found = read(repo.project)
    assert [(r[0], r[3], r[4], r[5], r[6]) for r in rows(found, "acme-group")] == [
        ("2026-06-01", "he-jun", "stance", Stance.NEUTRAL, Stance.SUPPORTER),
        ("2026-02-14", "zhou-min", "stance", Stance.NEUTRAL, Stance.MENTOR),
    ]
    assert found.of("acme-group").revisions == 4  # created, changed, renamed, changed


def test_a_revision_that_does_not_validate_is_skipped_and_counted(repo: Repo) -> None:
    repo.write("acme.yaml", account(zhou_stance="supportive"))  # not a stance
    repo.commit("Typo", "Anna Schmidt", "2026-02-01")
    repo.write("acme.yaml", account(zhou_stance="supporter"))
    repo.commit("Fix the typo", "Anna Schmidt", "2026-02-02")

    found = read(repo.project).of("acme")
    assert found.skipped == 1
    # Compared with the last revision that validated, not the broken one.
    assert [(c.subject, c.before, c.after) for c in found.changes] == [
        ("Fix the typo", Stance.NEUTRAL, Stance.SUPPORTER)
    ]
    assert escaped("1 earlier revision(s)").split("(")[0] in page(repo.project)


def test_an_oversized_revision_is_skipped_unread(repo: Repo) -> None:
    repo.write("acme.yaml", account(zhou_stance="mentor") + "# " + "x" * 1_100_000 + "\n")
    repo.commit("Paste a whole e-mail thread", "Anna Schmidt", "2026-02-01")
    repo.write("acme.yaml", account(zhou_stance="supporter"))
    repo.commit("Trim it", "Anna Schmidt", "2026-02-02")
    found = read(repo.project).of("acme")
    assert found.skipped == 1
    assert [(c.subject, c.before, c.after) for c in found.changes] == [
        ("Trim it", Stance.NEUTRAL, Stance.SUPPORTER)
    ]


def test_a_project_in_a_monorepo_folder(tmp_path: Path) -> None:
    mono = tmp_path / "mono"
    made = Repo(mono / "sales")
    made.git("init", "-q", "-b", "main", str(mono))
    made.write("acme.yaml", account())
    made.commit("Start", "Li Wei", "2026-01-05")
    (mono / "other").mkdir()
    (mono / "other" / "acme.yaml").write_text("not: an account\n", encoding="utf-8")
    made.write("acme.yaml", account(zhou_stance="supporter"))
    made.commit("Zhou Min came round", "Anna Schmidt", "2026-03-10")
    assert [(r[2], r[4]) for r in rows(read(made.project))] == [("Zhou Min came round", "stance")]


def test_changes_merged_from_two_branches_each_show_once(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "anna")
    repo.write("acme.yaml", account(zhou_stance="supporter"))
    repo.commit("Zhou Min came round", "Anna Schmidt", "2026-02-01")
    repo.git("checkout", "-q", "main")
    repo.write("acme.yaml", account() + "  - {id: wang-fang, name: Wang Fang}\n")
    repo.commit("Wang Fang joins as CFO", "Li Wei", "2026-02-02")
    merged = {"GIT_AUTHOR_NAME": "Li Wei", "GIT_AUTHOR_EMAIL": "l@example.com"}
    repo.git(
        "-c",
        "user.name=CI",
        "-c",
        "user.email=ci@example.com",
        "merge",
        "-q",
        "--no-edit",
        "anna",
        env=merged,
    )
    assert "supporter" in (repo.root / "accounts" / "acme.yaml").read_text(encoding="utf-8")
    # Each commit is compared with its own parent, not with the other branch.
    assert sorted((r[2], r[3], r[4], r[5], r[6]) for r in rows(read(repo.project))) == [
        ("Wang Fang joins as CFO", "wang-fang", "joined", None, None),
        ("Zhou Min came round", "zhou-min", "stance", Stance.NEUTRAL, Stance.SUPPORTER),
    ]


def test_a_restricted_change_never_reaches_an_internal_build(repo: Repo) -> None:
    repo.write("acme.yaml", account(he_visibility="restricted"))
    repo.commit("He Jun is sensitive", "Li Wei", "2026-02-01")
    repo.write("acme.yaml", account(he_stance="enemy", he_visibility="restricted"))
    repo.commit("He Jun blocks us: the kickback", "Li Wei", "2026-03-01")
    repo.write("acme.yaml", account(he_stance="enemy"))
    repo.commit("Publish He Jun", "Li Wei", "2026-04-01")

    internal = rows(read(repo.project, Visibility.INTERNAL))
    restricted = rows(read(repo.project, Visibility.RESTRICTED))
    assert internal == []  # hidden in one revision of every pair that changed him
    assert [r[2] for r in restricted] == ["He Jun blocks us: the kickback"]
    assert "kickback" not in page(repo.project, Visibility.INTERNAL)
    assert "kickback" in page(repo.project, Visibility.RESTRICTED)
    # Nor does an earlier map, nor the subject of a commit that changed only
    # what the build hides: the map without him dates from when he was hidden.
    snapshots = read(repo.project).of("acme").snapshots
    assert [(s.date.isoformat(), s.subject) for s in snapshots] == [
        ("2026-02-01", "He Jun is sensitive"),
        ("2026-01-05", "Start the Acme plan"),
    ]
    assert all(p.stance is not Stance.ENEMY for s in snapshots for p in s.account.stakeholders)


def test_a_person_hidden_now_is_hidden_in_the_history_too(repo: Repo) -> None:
    repo.write("acme.yaml", account(zhou_stance="supporter", he_stance="supporter"))
    repo.commit("Both support the pilot", "Li Wei", "2026-02-01")
    repo.write(
        "acme.yaml", account(zhou_stance="supporter", he_stance="supporter", he_visibility="restricted")
    )
    repo.commit("Keep He Jun to the account team", "Li Wei", "2026-03-01")

    found = read(repo.project).of("acme")
    assert [c.person for c in found.changes] == ["zhou-min"]
    assert [s.date.isoformat() for s in found.snapshots] == ["2026-01-05"]
    assert all("he-jun" not in {s.id for s in snap.account.stakeholders} for snap in found.snapshots)
    assert "He Jun" not in page(repo.project)


def test_shallow_clone_shows_a_note(repo: Repo, tmp_path: Path) -> None:
    repo.write("acme.yaml", account(zhou_stance="supporter"))
    repo.commit("Zhou Min came round", "Anna Schmidt", "2026-03-10")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)],
        check=True,
        capture_output=True,
    )
    assert read(Project(clone)).of("acme").unavailable is Unavailable.SHALLOW
    text = page(Project(clone))
    assert escaped("No history: the site was built from a shallow clone") in text
    assert "Zhou Min came round" not in text


def test_a_folder_without_git_shows_a_note(repo: Repo, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(repo.root, copy, ignore=shutil.ignore_patterns(".git"))
    assert read(Project(copy)).unavailable is Unavailable.NO_REPOSITORY
    assert escaped("No history: the project is not in a Git repository") in page(Project(copy))


def test_no_git_installed_shows_a_note(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert read(repo.project).unavailable is Unavailable.NO_GIT
    assert escaped("No history: the git command is not installed") in page(repo.project)


def test_history_can_be_switched_off_or_capped(repo: Repo) -> None:
    for n, stance in enumerate(["supporter", "mentor", "neutral"]):
        repo.write("acme.yaml", account(zhou_stance=stance))
        repo.commit(f"Change {n}", "Anna Schmidt", f"2026-0{n + 2}-01")
    settings = repo.root / "kamgen.yml"
    settings.write_text(SETTINGS + "history: {revisions: 2, maps: 1}\n", encoding="utf-8")
    found = read(repo.project).of("acme")
    assert found.capped and found.revisions == 2
    assert [c.subject for c in found.changes] == ["Change 2", "Change 1"]
    assert len(found.snapshots) == 1
    settings.write_text(SETTINGS + "history: {enabled: false}\n", encoding="utf-8")
    assert "## History" not in page(repo.project)


def test_the_readme_documents_the_defaults(repo: Repo) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if b.startswith("history:"))
    (repo.root / "kamgen.yml").write_text(SETTINGS + sample, encoding="utf-8")
    result = load(repo.project)
    assert result.portfolio is not None, result.problems
    assert result.portfolio.settings.history == HistorySettings()
    assert result.portfolio.settings.history.model_fields_set == {"enabled", "revisions", "maps"}


def test_a_cache_between_builds_gives_the_same_history(repo: Repo) -> None:
    repo.write("acme.yaml", account(zhou_stance="supportive"))
    repo.commit("Typo", "Anna Schmidt", "2026-02-01")
    repo.write("acme.yaml", account(zhou_stance="supporter"))
    repo.commit("Fix the typo", "Anna Schmidt", "2026-02-02")
    result = load(repo.project)
    assert result.portfolio is not None
    cache = repo.root / ".kamgen" / "history.cache"

    def run() -> history.AccountHistory:
        return history.read(repo.project, result.portfolio, Visibility.INTERNAL, cache=cache).of("acme")  # type: ignore[arg-type]

    cold = run()
    lines = cache.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 3  # the fingerprint, then three distinct revisions
    assert sum(line.endswith(" null") for line in lines) == 1  # the one that did not validate
    assert run() == cold
    # A damaged entry reads as a revision that did not validate, never a crash.
    cache.write_text("\n".join([lines[0], *(f"{line.split()[0]} {{broken" for line in lines[1:])]) + "\n")
    assert run().skipped == 3
    # Other settings, another fingerprint: the cache is ignored and rewritten.
    (repo.root / "kamgen.yml").write_text(SETTINGS + "thresholds: {min_contacts: 4}\n", encoding="utf-8")
    result = load(repo.project)
    assert run() == cold
    assert cache.read_text(encoding="utf-8").splitlines()[0] != lines[0]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]

    def handle_data(self, data: str) -> None:
        (self.scripts if self.tags and self.tags[-1] == "script" else self.text).append(data)


# Git drops "<", ">" and quotes at either end from author names.
HOSTILE_AUTHOR = 'Eve "the" | *bold* [x](javascript:alert(1)) &amp; {{ 7*7 }}'
HOSTILE_SUBJECT = "<img src=x onerror=alert(1)> [x](javascript:alert(2)) | `code` {{ 7*7 }}"


@pytest.mark.site
def test_built_site_shows_history_and_escapes_authors_and_subjects(repo: Repo) -> None:
    repo.write("acme.yaml", account(zhou_stance="supporter"))
    repo.commit(HOSTILE_SUBJECT, HOSTILE_AUTHOR, "2026-03-10")

    built = kamgen_build(repo.root)
    assert built.returncode == 0, built.stdout + built.stderr
    html = (repo.root / "site" / "accounts" / "acme" / "index.html").read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(html)
    text = "".join(parsed.text)
    assert HOSTILE_AUTHOR in text and HOSTILE_SUBJECT in text  # shown as text, whole
    assert not any("alert" in script for script in parsed.scripts)
    assert parsed.handlers == []
    assert "img" not in parsed.tags
    assert "Neutral → Supporter" in text
    assert parsed.tags.count("details") == 1 and "summary" in parsed.tags
    assert (
        dedent("""
        As of 2026-01-05: Start the Acme plan (Li Wei)
    """).strip()
        in text
    )
