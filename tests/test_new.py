"""`kamgen new`: a new account that validates, and items added without losing a line the user wrote."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kamgen import additem
from kamgen.pipeline import load
from kamgen.project import Project
from kamgen.schema import TEXT_PATTERN
from tests.cli_helpers import kamgen_here
from tests.conftest import MINIMAL, copy_sample

KINDS = {"stakeholder": "stakeholders", "interest": "interests", "goal": "goals", "action": "actions"}
PROBLEM_LINE = r"^\S+:\d+:\d+: (error|warning|info) [KH]\d{3} "


def kamgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "kamgen", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def in_order(old: str, new: str) -> bool:
    """Every line of ``old`` is in ``new``, in the same order, as written."""
    rest = iter(new.splitlines(keepends=True))
    return all(line in rest for line in old.splitlines(keepends=True))


def account(project: Project, name: str) -> dict[str, object]:
    result = load(project)
    assert [str(p) for p in result.problems if p.level == "error"] == []
    assert result.portfolio is not None
    (record,) = [r for r in result.portfolio.accounts if r.id == name]
    return record.data.model_dump(by_alias=True)


def problem_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line and not line.startswith(tuple("0123456789"))]


@pytest.fixture
def started(tmp_path: Path) -> Path:
    assert kamgen_here("init", str(tmp_path)).returncode == 0
    return tmp_path


@pytest.fixture
def sample(tmp_path: Path) -> Project:
    return copy_sample(tmp_path / "sample")


# ------------------------------------------------------------------ accounts


def test_a_new_account_is_commented_validates_and_points_at_the_local_schema(started: Path) -> None:
    result = kamgen("new", "account", "acme-corp", "--name", "雅居 Acme: Holdings", cwd=started)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrote accounts/acme-corp.yaml" in result.stderr
    path = started / "accounts" / "acme-corp.yaml"
    text = path.read_text(encoding="utf-8")
    first, *rest = text.splitlines()
    assert (path.parent / first.split("$schema=")[1]).resolve() == started / "schema" / "account.schema.json"
    assert sum(line.lstrip().startswith("#") for line in rest) >= 10  # a guide, not a bare form
    data = yaml.safe_load(text)
    assert data["name"] == "雅居 Acme: Holdings" and data["owner"] == "account-manager"
    schema = json.loads((started / "schema" / "account.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    checked = kamgen_here("validate", "--no-health", cwd=started)
    assert checked.returncode == 0 and checked.stdout == "", checked.stdout
    assert "2 account(s) valid" in checked.stderr


def test_a_new_account_without_a_local_schema_has_no_modeline(sample: Project) -> None:
    assert kamgen_here("-C", str(sample.root), "new", "account", "beta").returncode == 0
    text = (sample.accounts_dir / "beta.yaml").read_text(encoding="utf-8")
    assert "$schema" not in text
    assert account(sample, "beta")["name"] == "Beta"
    assert account(sample, "beta")["owner"] == "li-wei"  # the first team member in kamgen.yml


@pytest.mark.parametrize(
    ("existing", "id_"),
    [
        ("guangzhou-yaju-furniture.yaml", "guangzhou-yaju-furniture"),
        ("nordwerk-maschinenbau.md", "nordwerk-maschinenbau"),
    ],
)
def test_a_new_account_never_overwrites(sample: Project, existing: str, id_: str) -> None:
    before = {p.name: p.read_bytes() for p in sample.accounts_dir.iterdir()}
    result = kamgen_here("-C", str(sample.root), "new", "account", id_)
    assert result.returncode == 1
    assert problem_lines(result.stdout) == [
        f"accounts/{existing}:1:1: error K018 account '{id_}' exists already; kamgen new never overwrites a file"
    ]
    assert {p.name: p.read_bytes() for p in sample.accounts_dir.iterdir()} == before


@pytest.mark.parametrize("bad", ["Acme", "acme_corp", "../escape", "acme-", "a--b", ""])
def test_a_new_account_needs_a_valid_id(started: Path, bad: str) -> None:
    before = sorted(p.name for p in (started / "accounts").iterdir())
    result = kamgen_here("new", "account", bad, cwd=started)
    assert result.returncode == 1
    assert problem_lines(result.stdout) == [
        f"accounts:1:1: error K018 '{bad}' is not a valid account id: use a lowercase slug such as acme-corp"
    ]
    assert sorted(p.name for p in (started / "accounts").iterdir()) == before
    assert not (started / "escape.yaml").exists()


# ------------------------------------------------------------------ items


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("file", ["guangzhou-yaju-furniture.yaml", "taiwan-precision-electronics.md"])
def test_an_item_joins_its_list_and_every_line_stays(sample: Project, kind: str, file: str) -> None:
    path = sample.accounts_dir / file
    name = path.stem
    old_text, old = path.read_text(encoding="utf-8"), account(sample, name)
    result = kamgen_here("-C", str(sample.root), "new", kind, name, f"new-{kind}", "--name", "新的：項目")
    assert result.returncode == 0, result.stdout + result.stderr
    new_text = path.read_text(encoding="utf-8")
    assert in_order(old_text, new_text)
    added = [line for line in new_text.splitlines() if line not in old_text.splitlines()]
    assert added[0].lstrip().startswith(f"- id: new-{kind}")
    assert any(line.lstrip().startswith("# ") for line in added[1:])  # commented: what to fill in
    new = account(sample, name)
    section = KINDS[kind]
    assert new[section][:-1] == old[section]  # type: ignore[index]
    assert new[section][-1]["id"] == f"new-{kind}"  # type: ignore[index]
    assert {k: v for k, v in new.items() if k != section} == {k: v for k, v in old.items() if k != section}
    assert "新的：項目" in new_text


def test_items_added_one_after_another_keep_their_comments(started: Path) -> None:
    path = started / "accounts" / "example-customer.yaml"
    original = path.read_text(encoding="utf-8")
    for kind in KINDS:
        for n in (1, 2):
            assert (
                kamgen_here("new", kind, "example-customer", f"new-{kind}-{n}", cwd=started).returncode == 0
            )
    text = path.read_text(encoding="utf-8")
    assert in_order(original, text)
    # The second item comes after the first one's commented-out fields, not among them.
    first = text.index("- id: new-stakeholder-1")
    assert text.index("# next_step:", first) < text.index("- id: new-stakeholder-2")
    data = account(Project(started), "example-customer")
    for kind, section in KINDS.items():
        assert [item["id"] for item in data[section][-2:]] == [f"new-{kind}-1", f"new-{kind}-2"]  # type: ignore[index]
    checked = kamgen_here("validate", "--no-health", cwd=started)
    assert checked.returncode == 0 and checked.stdout == "", checked.stdout


@pytest.mark.parametrize(
    ("written", "expected_tail"),
    [
        ("goals: []  # none yet\n", "goals: # none yet\n    -   id: g\n"),
        ("", "# The customer's business goals"),
    ],
)
def test_an_empty_or_missing_list_is_created(project: Project, written: str, expected_tail: str) -> None:
    path = project.accounts_dir / "acme.yaml"
    old = MINIMAL + "stakeholders:\n    -   id: p\n        name: P\n" + written + "# the end\n"
    path.write_text(old, encoding="utf-8")
    result = kamgen_here("-C", str(project.root), "new", "goal", "acme", "g")
    assert result.returncode == 0, result.stdout + result.stderr
    text = path.read_text(encoding="utf-8")
    assert expected_tail in text
    assert [g["id"] for g in account(project, "acme")["goals"]] == ["g"]  # type: ignore[index]
    if not written:  # a new list follows the file's own indentation
        assert in_order(old, text) and "goals:\n    -   id: g\n        statement: G" in text


def test_line_endings_and_byte_order_mark_stay(project: Project) -> None:
    path = project.accounts_dir / "acme.yaml"
    old = ("\ufeff" + MINIMAL + "stakeholders:\n  - id: p\n    name: 林美玲\n").replace("\n", "\r\n")
    path.write_bytes(old.encode("utf-8"))
    assert kamgen_here("-C", str(project.root), "new", "stakeholder", "acme", "q").returncode == 0
    new = path.read_bytes().decode("utf-8")
    assert new.startswith(old) and "\n" not in new.replace("\r\n", "")
    assert [s["id"] for s in account(project, "acme")["stakeholders"]] == ["p", "q"]  # type: ignore[index]


# ------------------------------------------------------------------ refusals


def test_an_existing_id_is_refused_where_it_is(sample: Project) -> None:
    path = sample.accounts_dir / "guangzhou-yaju-furniture.yaml"
    before = path.read_bytes()
    lines = before.decode("utf-8").splitlines()
    stakeholder = next(i for i, line in enumerate(lines) if line.strip().startswith("- id:"))
    person = lines[stakeholder].split("id:")[1].strip()
    col = lines[stakeholder].index("id:") + 5
    same = kamgen_here("-C", str(sample.root), "new", "stakeholder", path.stem, person)
    other = kamgen_here("-C", str(sample.root), "new", "goal", path.stem, person)
    assert same.returncode == other.returncode == 1
    where = f"accounts/{path.name}:{stakeholder + 1}:{col}: error K018"
    assert problem_lines(same.stdout) == [f"{where} stakeholder '{person}' exists already"]
    assert problem_lines(other.stdout) == [
        f"{where} '{person}' is already the id of an item in stakeholders; pick another id"
    ]
    assert path.read_bytes() == before


def test_an_unknown_account_is_one_clear_line(sample: Project) -> None:
    result = kamgen(
        "-C", str(sample.root), "new", "stakeholder", "guangzhou-yaju", "someone", cwd=sample.root
    )
    assert result.returncode == 1
    assert problem_lines(result.stdout) == [
        "accounts:1:1: error K018 no account 'guangzhou-yaju': no guangzhou-yaju.yaml, "
        "guangzhou-yaju.yml or guangzhou-yaju.md in accounts; did you mean 'guangzhou-yaju-furniture'?"
    ]
    assert "Traceback" not in result.stderr and "nothing was written" in result.stderr


def test_a_malformed_file_is_reported_and_left_alone(project: Project) -> None:
    path = project.accounts_dir / "acme.yaml"
    path.write_text(MINIMAL + "stakeholders:\n  - id: p\n    name: [unclosed\n", encoding="utf-8")
    before = path.read_bytes()
    result = kamgen("new", "stakeholder", "acme", "q", cwd=project.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = problem_lines(result.stdout)
    assert (
        lines[0]
        == "accounts/acme.yaml:1:1: error K018 fix the errors in this file first; kamgen new changed nothing"
    )
    assert any(" error K003 " in line for line in lines[1:])
    assert path.read_bytes() == before


def test_an_item_that_would_not_validate_is_not_written(sample: Project) -> None:
    path = sample.accounts_dir / "nordwerk-maschinenbau.md"
    before = path.read_bytes()
    result = kamgen_here("-C", str(sample.root), "new", "stakeholder", path.stem, "nobody", "--name", "")
    assert result.returncode == 1
    lines = problem_lines(result.stdout)
    assert lines[0] == (
        "accounts/nordwerk-maschinenbau.md:1:1: error K018 "
        "with the new content the file would not validate; it was left as it was"
    )
    assert any(
        line.startswith("accounts/nordwerk-maschinenbau.md:") and " K106 " in line for line in lines[1:]
    )
    assert path.read_bytes() == before
    assert not [p for p in sample.accounts_dir.iterdir() if p.name.startswith(".")]  # no staging left


def test_a_list_on_one_line_is_refused_not_rewritten(project: Project) -> None:
    path = project.accounts_dir / "acme.yaml"
    path.write_text(MINIMAL + "stakeholders: [{id: p, name: P}]\n", encoding="utf-8")
    before = path.read_bytes()
    result = kamgen_here("-C", str(project.root), "new", "stakeholder", "acme", "q")
    assert result.returncode == 1
    assert "error K018 cannot add the stakeholder: 'stakeholders' is written on one line" in result.stdout
    assert path.read_bytes() == before


def test_an_interest_needs_someone_to_hold_it(project: Project) -> None:
    (project.accounts_dir / "acme.yaml").write_text(MINIMAL, encoding="utf-8")
    result = kamgen_here("-C", str(project.root), "new", "interest", "acme", "kickback")
    assert result.returncode == 1
    assert "add one first: kamgen new stakeholder acme ID" in result.stdout


@given(name=st.text(max_size=30), kind=st.sampled_from(sorted(KINDS)))
def test_any_text_reads_back_as_written_or_is_refused_as_text_is_anywhere(
    tmp_path_factory: pytest.TempPathFactory, name: str, kind: str
) -> None:
    root = tmp_path_factory.mktemp("p")
    (root / "kamgen.yml").write_text("team: [{id: li-wei, name: Li Wei}]\n", encoding="utf-8")
    (root / "accounts").mkdir()
    path = root / "accounts" / "acme.yaml"
    path.write_text(MINIMAL + "stakeholders:\n  - id: p\n    name: P\n", encoding="utf-8")
    before = path.read_bytes()
    result = kamgen_here("-C", str(root), "new", kind, "acme", "q", f"--name={name}")
    if name and re.fullmatch(TEXT_PATTERN, name):  # text any field accepts: written, read back as given
        assert result.returncode == 0, result.stdout
        item = account(Project(root), "acme")[KINDS[kind]][-1]  # type: ignore[index]
        assert name in item.values()
    else:  # empty, or a control character: refused as in any file, never a traceback
        assert result.returncode == 1 and path.read_bytes() == before
        lines = problem_lines(result.stdout)
        assert " error K018 " in lines[0] and " error K106 " in lines[1]
        assert all(re.match(PROBLEM_LINE, line) for line in lines)


def test_the_command_line_explains_itself(tmp_path: Path) -> None:
    helped = " ".join(kamgen("new", "--help", cwd=tmp_path).stdout.split())
    assert "stakeholder|interest|goal|action ACCOUNT ID" in helped and "Never overwrites" in helped
    wrong = kamgen_here("new", "goal", "acme", cwd=tmp_path)
    assert wrong.returncode == 2 and "usage: kamgen new goal ACCOUNT ID" in wrong.stderr


def test_the_readme_commands_work_as_written(started: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    commands = [shlex.split(line, comments=True) for line in re.findall(r"^kamgen new .*$", readme, re.M)]
    assert len(commands) >= 3
    for command in commands:
        result = kamgen_here(*command[1:], cwd=started)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    checked = kamgen_here("validate", "--no-health", cwd=started)
    assert checked.returncode == 0 and checked.stdout == "", checked.stdout


# ------------------------------------------------------------------ the text surgery itself

ITEM = "- id: new\n  name: New  # fill in\n"


@pytest.mark.parametrize(
    "old",
    [
        # The last item ends in a block scalar that keeps its trailing blank lines.
        "people:\n  - id: a\n    note: |+\n      kept\n\n\nnext: 1\n",
        # ... or one that strips them, followed by a comment for the next key.
        "people:\n  - id: a\n    note: >-\n      folded\n      text\n\n# about next\nnext: 1\n",
        # The last item ends in a nested list, or is written in flow style.
        "people:\n- id: a\n  tags:\n  - x\n  - y\nnext: 1\n",
        "people:\n  - {id: a, name: A}\n  - {id: b,\n     name: B}\nnext: 1\n",
        # A quoted key, and the list as the file's last lines without a final line break.
        '"people":\n    - id: a\n      name: "A: quoted"  # a comment',
    ],
)
def test_an_item_goes_after_the_last_one_whatever_it_ends_with(old: str) -> None:
    new = additem.add_item(old, markdown=False, section="people", snippet=ITEM, heading=[])
    before, after = yaml.safe_load(old), yaml.safe_load(new)
    assert after == {**before, "people": [*before["people"], {"id": "new", "name": "New"}]}
    assert in_order(old.rstrip("\n") + "\n", new)
    assert "# fill in" in new


def test_a_list_whose_items_start_below_their_dash_is_refused() -> None:
    old = "people:\n  -\n    id: a\n"
    with pytest.raises(additem.CannotAdd, match="does not start on the line of its '-'"):
        additem.add_item(old, markdown=False, section="people", snippet=ITEM, heading=[])
