"""The loader: positions, duplicate keys, implicit types, hostile files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from kamgen import loader
from kamgen.loader import Document, load_file, parse_yaml
from kamgen.pipeline import load
from kamgen.problems import Collector, Problem
from kamgen.project import Project
from tests.conftest import MINIMAL, positions


@dataclass
class Parsed:
    """A parsed document with the problems the loader returned beside it."""

    doc: Document
    problems: list[Problem]

    @property
    def values(self) -> dict[loader.Key, loader.Pos]:
        return self.doc.values

    @property
    def keys(self) -> dict[loader.Key, loader.Pos]:
        return self.doc.keys

    @property
    def data(self) -> object:
        return self.doc.data


def parse(text: str) -> Parsed:
    doc, out = Document("t.yaml"), Collector("t.yaml")
    parse_yaml(doc, out, text)
    return Parsed(doc, out.problems)


def read(path: Path, shown: str) -> Parsed:
    return Parsed(*load_file(path, shown))


def test_values_and_keys_have_one_based_positions() -> None:
    doc = parse("name: Acme\nstakeholders:\n  - id: chen\n    name: 陳靜\n")
    assert doc.values[("name",)] == loader.Pos(1, 7)
    assert doc.keys[("stakeholders",)] == loader.Pos(2, 1)
    assert doc.values[("stakeholders", 0, "name")] == loader.Pos(4, 11)


def test_duplicate_key_reported_at_second_key_and_first_value_kept() -> None:
    doc = parse("name: Acme\nowner: a\nname: Other\n")
    assert positions(doc.problems) == [(3, 1, "K005")]
    assert "first at line 1" in doc.problems[0].message
    assert doc.data["name"] == "Acme"


def test_duplicate_key_in_nested_flow_mapping() -> None:
    doc = parse("a:\n  - {id: x, id: y}\n")
    assert positions(doc.problems) == [(2, 13, "K005")]


def test_non_string_key_is_kept_as_written_for_validation_to_report() -> None:
    # Validation knows whether quoting the key helps (tests/test_messages.py).
    doc = parse("checklists:\n  review:\n    no: {done: true}\n")
    assert doc.problems == []
    assert doc.doc.implicit_keys == {("checklists", "review", "no"): loader.Implicit("no", "a boolean")}
    assert doc.data["checklists"]["review"] == {"no": {"done": True}}


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("name: [unclosed\n", 2, 1, "expected ',' or ']'"),
        ("name: a\n  bad: indent\n", 2, 6, "mapping values are not allowed"),
        ("name: 'open\n", 2, 1, "found unexpected end of stream"),
        ("a: 1\n---\nb: 2\n", 2, 1, "expected a single document"),
    ],
)
def test_syntax_errors_point_where_the_parser_stopped(text: str, line: int, col: int, message: str) -> None:
    doc = parse(text)
    assert positions(doc.problems) == [(line, col, "K003")]
    assert message in doc.problems[0].message


def test_control_character_is_reported_with_position() -> None:
    doc = parse("name: ok\nowner: bad\x07char\n")
    assert positions(doc.problems) == [(2, 11, "K003")]
    assert "U+0007" in doc.problems[0].message


def test_unexpected_end_without_a_final_line_break_points_inside_the_file() -> None:
    # libyaml reports it on the line after the last one, which the file does not have.
    doc = parse("name: ok\nowner: [unclosed")
    assert positions(doc.problems) == [(2, 17, "K003")]


def test_control_character_after_chinese_text_is_counted_in_characters() -> None:
    # libyaml reports the offset in UTF-8 bytes; an editor counts characters.
    doc = parse("name: 廣州雅居\nowner: 陳杰\x07\n")
    assert positions(doc.problems) == [(2, 10, "K003")]


def test_empty_and_non_mapping_documents() -> None:
    assert positions(parse("").problems) == [(1, 1, "K009")]
    assert positions(parse("# only a comment\n").problems) == [(1, 1, "K009")]
    assert positions(parse("- a\n- b\n").problems) == [(1, 1, "K009")]


def test_billion_laughs_is_stopped() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    doc = parse("\n".join(lines) + "\n")
    assert [p.code for p in doc.problems] == ["K010"]


def test_recursive_alias_is_stopped() -> None:
    doc = parse("a: &x\n  b: *x\n")
    assert [p.code for p in doc.problems] == ["K010"]
    assert "recursive" in doc.problems[0].message


def test_markdown_front_matter_positions_include_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "acme.md"
    path.write_text("---\n\n\nname: Acme\nowner: li-wei\n---\n# Story\n\nBody text.\n", encoding="utf-8")
    doc = read(path, "acme.md").doc
    assert doc.values[("name",)] == loader.Pos(4, 7)
    assert doc.values[("owner",)] == loader.Pos(5, 8)
    assert doc.body.startswith("# Story")
    assert doc.body_line == 7


def test_markdown_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "acme.md"
    path.write_bytes("\ufeff---\r\nname: Acme\r\nowner: [x\r\n---\r\nbody\r\n".encode())
    doc = read(path, "acme.md")
    assert [p.code for p in doc.problems] == ["K003"]
    assert doc.problems[0].line == 4


def test_markdown_without_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "acme.md"
    path.write_text("# Just a story\n", encoding="utf-8")
    assert positions(read(path, "acme.md").problems) == [(1, 1, "K004")]


def test_non_utf8_file_reports_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_bytes(b"name: Acme\nowner: caf\xe9\n")
    assert positions(read(path, "acme.yaml").problems) == [(2, 11, "K002")]


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.mkdir()
    assert positions(read(path, "acme.yaml").problems) == [(1, 1, "K001")]


def test_libyaml_and_pure_python_give_the_same_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    if not yaml.__with_libyaml__:
        pytest.fail("PyYAML was installed without libyaml; kamgen expects the C loader")
    text = "name: 廣州雅居\nstakeholders:\n  - {id: a, name: 黃志強, title: x}\n  - id: b\n    name: 'q'\n"
    fast = parse(text)
    monkeypatch.setattr(loader, "Loader", yaml.SafeLoader)
    slow = parse(text)
    assert fast.values == slow.values and fast.keys == slow.keys
    assert fast.data == slow.data


def test_invalid_account_file_names(project: Project) -> None:
    (project.accounts_dir / "Acme Corp.yaml").write_text(MINIMAL, encoding="utf-8")
    assert positions(load(project).problems) == [(1, 1, "K007")]


def test_same_id_in_yaml_and_markdown(project: Project) -> None:
    (project.accounts_dir / "acme.yaml").write_text(MINIMAL, encoding="utf-8")
    (project.accounts_dir / "acme.md").write_text(f"---\n{MINIMAL}---\n", encoding="utf-8")
    problems = load(project).problems
    assert positions(problems) == [(1, 1, "K008")]
    assert problems[0].path == "accounts/acme.yaml"


def test_missing_settings_file(tmp_path: Path) -> None:
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "acme.yaml").write_text(MINIMAL, encoding="utf-8")
    problems = load(Project(tmp_path)).problems
    assert [(p.path, p.code) for p in problems] == [("kamgen.yml", "K012")]


def test_no_accounts_is_a_warning(project: Project) -> None:
    problems = load(project).problems
    assert [(p.code, p.level) for p in problems] == [("K011", "warning")]


def test_a_number_with_commas_in_braces_is_kept_whole_for_validation_to_report() -> None:
    doc = parse("p:\n  - {period: 2025, amount: 2,900,000, note: x}\n")
    assert doc.problems == []
    assert doc.data == {"p": [{"period": 2025, "amount": "2,900,000", "note": "x"}]}
    assert doc.doc.grouped == {("p", 0, "amount"): ("2", ["900", "000"])}
    assert doc.values[("p", 0, "amount")] == loader.Pos(2, 28)
