"""Reading YAML in one pass (kamgen.yamlstream) gives what composing it gives.

The loader reads most files straight from libyaml's events and composes
PyYAML's nodes only for what the one pass leaves to it. Both must give the
same document: the same values of the same types, in the same order, the
same positions of values and keys, the same implicit types, grouped numbers
and reported values, and the same problems. The composed path
(``one_pass=False``) is the reference here, on the samples, a generated
portfolio, the broken fixtures, hand-written corner cases and documents
Hypothesis writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from frontmatter import default_handlers
from hypothesis import given
from hypothesis import strategies as st

from bench import portfolio
from kamgen import loader, yamlstream
from kamgen.document import Document
from kamgen.problems import Collector
from tests.conftest import ROOT
from tests.test_robustness import mutated_text, odd_values

pytestmark = pytest.mark.skipif(
    not yamlstream.available(loader.Loader), reason="the one pass needs libyaml (tested in test_loader)"
)


def outcome(name: str, text: str, *, one_pass: bool) -> tuple[Any, ...]:
    doc, problems = loader.parse_text(Path(name), name, text, one_pass=one_pass)
    tables = (doc.values, doc.keys, doc.implicit, doc.implicit_keys, doc.grouped)
    # repr: True and 1, 1 and 1.0, a date and a datetime are equal but not the same.
    return (
        repr(doc.data),
        *(list(t.items()) for t in tables),
        sorted(doc.reported, key=repr),
        doc.body,
        doc.body_line,
        problems,
    )


def assert_same(name: str, text: str) -> None:
    assert outcome(name, text, one_pass=True) == outcome(name, text, one_pass=False)


def read_in_one_pass(name: str, text: str) -> bool:
    """Whether the one pass reads the file's YAML itself, leaving nothing to
    the composed path."""
    source = default_handlers.YAMLHandler().split(text)[0] if name.endswith(".md") else text
    try:
        yamlstream.build(Document(name), Collector(name), source, loader.Loader.yaml_implicit_resolvers, 0, 0)
    except yamlstream.Unsupported:
        return False
    return True


def files(folder: Path) -> list[tuple[str, str]]:
    paths = [p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix in (".yaml", ".yml", ".md")]
    return [(p.name, p.read_bytes().decode("utf-8", errors="replace")) for p in paths]


def test_samples_are_read_in_one_pass_as_composed() -> None:
    samples = [*files(ROOT / "accounts"), ("kamgen.yml", (ROOT / "kamgen.yml").read_text(encoding="utf-8"))]
    for name, text in samples:
        assert read_in_one_pass(name, text), name
        assert_same(name, text)


def test_generated_portfolio_is_read_in_one_pass_as_composed(tmp_path: Path) -> None:
    portfolio.write_portfolio(tmp_path, 24)
    generated = files(tmp_path / "accounts")
    assert {Path(n).suffix for n, _ in generated} == {".yaml", ".md"}
    for name, text in generated:
        assert read_in_one_pass(name, text), name
        assert_same(name, text)


def test_broken_fixtures_read_as_composed() -> None:
    for folder in sorted((ROOT / "tests" / "fixtures").rglob("*")):
        if folder.is_dir():
            for name, text in files(folder):
                assert_same(name, text)


CORNERS = {
    "duplicate keys, block and flow": "a: 1\nb: {x: 1, x: 2}\na: [1, 2]\nc: x\n",
    "duplicate key skips a nested value": "a: 1\na:\n  b: [12:30, yes]\n  c: {d: 1}\nz: 2\n",
    "implicit types": "a: [yes, No, on, OFF, ~, null, '', 0x1F, 0b11, 017, 1_000, .inf, -.NaN, 1e3]\n",
    "implicit keys": "checklists:\n  r:\n    no: done\n    1: x\n    ~: y\n    2026-01-01: z\n    '5': q\n",
    "base 60": "a: 12:30\nb: 1:20:30.5\nc: '12:30'\nd: [190:20:30]\n",
    "dates": "a: 2026-02-30\nb: 2026-11-26\nc: 2026-11-26T10:00:00Z\nd: 2026-11-26 10:00:00.5 +02:00\n",
    "grouped numbers": "p:\n  - {period: 2025, amount: 2,900,000, note: x}\n  - {a: 1,234.5}\n  - {a: 1,23}\n"
    "  - {a: 1,234,5678}\n  - {a: 1, 234: }\n  - {a: 1,\n     234: , b: 2}\n",
    "grouped number of a duplicate key": "p: {a: 1, a: 2,900}\n",
    "nested flow": "a: {b: [1, {c: 2}], d: {e: [], f: {}}}\nb: [[], [[yes]]]\n",
    "anchors and aliases": "a: &x {b: 1}\nc: *x\nd: &y 5\ne: [*y, *y]\n",
    "an anchor never named": "a: &x 1\nb: 2\n",
    "an anchor in a duplicate": "a: 1\na: &x 2\nb: *x\n",
    "a recursive alias": "a: &x [1, *x]\n",
    "an undefined alias": "a: *nowhere\n",
    "a duplicate anchor": "a: &x 1\nb: &x 2\n",
    "tags": "a: !!str 5\nb: !!int 12:30\nc: !x y\nd: !!binary aGk=\ne: ! 5\nf: !!map {a: 1}\n",
    "merge and value keys": "<<: {a: 1}\n=: 2\nb: <<\nc: =\n",
    "complex keys": "? [a, b]\n: 1\n? {c: d}\n: 2\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "empty": "",
    "only a comment": "# nothing\n",
    "a scalar": "just text\n",
    "a full-width colon": "name: Acme\nstance\uff1a neutral\n",
    "a tab": "a:\n\tb: 1\n",
    "a colon in text": "why_key: it is: big\n",
    "block scalars": "a: |\n  one\n  two\nb: >-\n  folded\n  text\nc: |+\n  kept\n\n",
    "quoted": "a: 'yes'\nb: \"2026-01-01\"\nc: \"tab\\there\"\nd: 'it''s'\n",
    "windows line breaks": "a: 1\r\nb:\r\n  - x\r\n",
    "explicit document": "--- \na: 1\n...\n",
    "a directive": "%YAML 1.1\n---\na: 1\n",
    "a bad character": "a: \x07\n",
}


@pytest.mark.parametrize("text", CORNERS.values(), ids=CORNERS.keys())
def test_corner_cases_read_as_composed(text: str) -> None:
    assert_same("corner.yaml", text)
    for opening in ("---\n", "---   \n", "---\n\n\n", "---\r\n"):
        assert_same("corner.md", f"{opening}{text}---\nbody\n")


def test_the_one_pass_reads_what_accounts_are_made_of() -> None:
    """Not everything goes to the composed path: the corner cases an account
    may hold are read here."""
    for name in (
        "duplicate keys, block and flow",
        "implicit types",
        "base 60",
        "grouped numbers",
        "nested flow",
    ):
        assert read_in_one_pass("corner.yaml", CORNERS[name]), name


# --- generated documents -------------------------------------------------------------

SCALARS = [
    "text",
    "a b",
    "中文",
    "yes",
    "No",
    "on",
    "OFF",
    "~",
    "null",
    "",
    "12:30",
    "1:20:30.5",
    "0x1F",
    "017",
    "1_000",
    "-5",
    "+3.5",
    ".inf",
    ".NaN",
    "1e3",
    "2026-02-30",
    "2026-11-26",
    "2026-11-26T10:00:00Z",
    "'quoted'",
    "'yes'",
    '"dq\\n"',
    "2",
    "900",
    "000",
    "2,900,000",
    "1,234.5",
    "<<",
    "=",
    "&a x",
    "*a",
    "!!str 5",
    "!x y",
    "a:b",
    "a: b",
    "- x",
    "#c",
]
# Repeated, typed, grouped, merge, quoted, aliased and anchored, complex.
KEYS = ["a", "b", "a", "no", "yes", "1", "900", "000", "000.5", "~", "<<", "2026-01-01"]
KEYS += ["'q'", "*k", "&k a", "[k]"]

Tree = Any


def trees() -> st.SearchStrategy[Tree]:
    def extend(inner: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
        seqs = st.tuples(st.just("seq"), st.booleans(), st.lists(inner, max_size=4))
        maps = st.tuples(
            st.just("map"), st.booleans(), st.lists(st.tuples(st.sampled_from(KEYS), inner), max_size=4)
        )
        return seqs | maps

    return st.recursive(st.sampled_from(SCALARS), extend, max_leaves=14)


def inline(tree: Tree) -> str:
    if isinstance(tree, str):
        return tree
    kind, _, items = tree
    if kind == "seq":
        return "[" + ", ".join(inline(i) for i in items) + "]"
    return "{" + ", ".join(f"{k}: {inline(v)}" for k, v in items) + "}"


def block(tree: Tree, indent: int) -> str:
    """``tree`` written where a value starts: after `key:` or `- `."""
    if isinstance(tree, str) or tree[1] or not tree[2]:  # flow style, or empty
        return f" {inline(tree)}\n"
    kind, _, items = tree
    pad = " " * indent
    if kind == "seq":
        return "\n" + "".join(f"{pad}-{block(i, indent + 2)}" for i in items)
    return "\n" + "".join(f"{pad}{k}:{block(v, indent + 2)}" for k, v in items)


@given(trees(), st.sampled_from(["x.yaml", "x.md"]))
def test_generated_documents_read_as_composed(tree: Tree, name: str) -> None:
    text = block(tree, 0)[1:] if isinstance(tree, tuple) and not tree[1] and tree[2] else inline(tree) + "\n"
    assert_same(name, f"---\n{text}---\nbody\n" if name.endswith(".md") else text)


@given(odd_values(), st.sampled_from([None, True, False]), st.booleans())
def test_dumped_values_read_as_composed(value: Any, flow: bool | None, md: bool) -> None:
    text = yaml.safe_dump(
        {"a": value, "b": [value, {"c": value}]}, default_flow_style=flow, allow_unicode=True
    )
    assert_same("x.md" if md else "x.yaml", f"---\n{text}---\n" if md else text)


@given(mutated_text())
def test_mutated_samples_read_as_composed(case: tuple[str, str]) -> None:
    assert_same(*case)
