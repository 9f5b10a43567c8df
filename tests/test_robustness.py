"""Bad input never produces a traceback: properties over generated documents.

Hypothesis writes the files: the samples mutated as text, the samples with a
value swapped, removed or repeated, documents of odd shapes and bytes, and
mutated settings. Whatever it writes, loading and validating (with the health
findings) returns problems instead of raising, and every problem reads
``path:line:col: level code message`` with a position inside the file it names.
The profile (how many examples, deterministic in CI) is set in conftest.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from kamgen.app import validate
from kamgen.pipeline import Result
from kamgen.problems import Level
from kamgen.project import Project
from tests.conftest import MINIMAL, ROOT, SETTINGS

SAMPLES = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "accounts").glob("*.*"))}
SAMPLE_SETTINGS = (ROOT / "kamgen.yml").read_text(encoding="utf-8")
TODAY = dt.date(2026, 11, 26)

# Characters and snippets that YAML, Markdown front matter or our own rules
# treat specially; mutations insert them more often than arbitrary text.
TOKENS = [
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "&a",
    "*a",
    "!!python/object:os.system",
    "!!binary",
    "\t",
    "\n",
    "\r",
    "---\n",
    "'",
    '"',
    "#",
    "%",
    "@",
    "`",
    "|",
    ">",
    "? ",
    "<<: ",
    "\x00",
    "\ufeff",
    "\u2028",
    "é",
    "陳",
    "no",
    "1.10",
    "0o17",
    "12:30",
    "2026-02-30",
    "~",
]
ACCOUNT_KEYS = sorted(
    {
        *("name", "owner", "tier", "visibility", "narrative_visibility", "tags", "qualification"),
        *("stakeholders", "relationships", "interests", "practices", "goals", "actions"),
        *("checklists", "notes", "id", "holder", "horizon", "target", "due", "from", "to"),
    }
)
# YAML's line breaks; a problem's line and column must exist in the file as
# an editor shows it, counting lines by these or by newlines only.
_YAML_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_CODE = re.compile(r"^[KH]\d{3}$")
# libyaml when present: generating examples should cost little next to checking them.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# --- running the pipeline on one file --------------------------------------------


def validate_files(files: dict[str, bytes], settings: str = SAMPLE_SETTINGS) -> Result:
    """Validate a fresh project holding ``files`` (relative paths), with health findings."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "kamgen.yml").write_text(settings, encoding="utf-8")
        (root / "accounts").mkdir()
        for rel, content in files.items():
            (root / rel).write_bytes(content)
        return validate(Project(root), health_on=TODAY)  # must not raise


def inside(text: str, line: int, col: int) -> bool:
    """Whether (line, col) is a place in ``text`` (col may be just past a line's end)."""
    for lines in (text.split("\n"), _YAML_BREAKS.split(text)):
        if 1 <= line <= len(lines) and 1 <= col <= len(lines[line - 1]) + 1:
            return True
    return False


def assert_well_formed(result: Result, files: dict[str, bytes]) -> None:
    texts = {rel: content.decode("utf-8-sig", errors="replace") for rel, content in files.items()}
    for p in result.problems:
        assert p.path in texts, f"{p} names a file that was not given"
        assert inside(texts[p.path], p.line, p.col), f"{p} points outside {p.path}"
        assert isinstance(p.level, Level) and _CODE.match(p.code), p
        assert p.message.strip(), p
        # One line, whatever the message quotes (here: keys the user wrote).
        assert len(str(p).splitlines()) == 1, repr(str(p))
        assert str(p).startswith(f"{p.path}:{p.line}:{p.col}: {p.level} {p.code} "), str(p)
    has_errors = any(p.level is Level.ERROR for p in result.problems)
    # validate keeps no portfolio; with no error, every account counts as valid.
    assert result.ok != has_errors
    accounts = [rel for rel in files if rel.startswith("accounts/")]
    assert has_errors or result.accounts == len(accounts), "an account without error is valid"


def check_account(name: str, content: bytes) -> Result:
    files = {f"accounts/{name}": content}
    result = validate_files(files)
    assert_well_formed(result, files)
    return result


# --- strategies --------------------------------------------------------------------


def odd_values() -> st.SearchStrategy[Any]:
    """Values of every type YAML can write, nested a little."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=12),
        st.sampled_from(TOKENS),
        st.dates(),
        st.sampled_from(["li-wei", "zhou-min", "premium-line", "key", "internal", "restricted"]),
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=6,
    )


@st.composite
def mutated_text(draw: st.DrawFn) -> tuple[str, str]:
    """A sample file with a few characters inserted, deleted or repeated."""
    name = draw(st.sampled_from(sorted(SAMPLES)))
    chars = list(SAMPLES[name])
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(chars)))
        op = draw(st.sampled_from(["insert", "delete", "repeat"]))
        if op == "insert":
            chars[pos:pos] = list(draw(st.sampled_from(TOKENS) | st.text(min_size=1, max_size=3)))
        elif op == "delete":
            del chars[pos : pos + draw(st.integers(1, 20))]
        else:  # a repeated span makes duplicate keys and ids
            chars[pos:pos] = chars[pos : pos + draw(st.integers(1, 40))]
    return name, "".join(chars)


def _split(name: str) -> tuple[dict[str, Any], str | None]:
    text = SAMPLES[name]
    if name.endswith(".md"):
        _, front, body = text.split("---\n", 2)
        return yaml.load(front, Loader=_Loader), body
    return yaml.load(text, Loader=_Loader), None


# Each sample's data and Markdown body (None for .yaml), parsed once.
PARSED = {name: _split(name) for name in SAMPLES}


def value_paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value under ``data`` (not the root)."""
    found: list[tuple[Any, ...]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found.append((*path, key))
        found.extend(value_paths(value, (*path, key)))
    return found


@st.composite
def changed_sample(draw: st.DrawFn) -> tuple[str, str]:
    """A sample with one value replaced by an odd one, removed, or repeated in its list."""
    name = draw(st.sampled_from(sorted(SAMPLES)))
    data, body = copy.deepcopy(PARSED[name])
    path = draw(st.sampled_from(value_paths(data)))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    op = draw(st.sampled_from(["replace", "remove", "repeat"]))
    if op == "replace":
        parent[key] = draw(odd_values())
    elif op == "remove":
        del parent[key]
    elif isinstance(parent, list):
        parent.insert(key, parent[key])  # the same item twice: duplicate ids
    else:
        parent[key] = [parent[key], parent[key]]
    front = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    return name, front if body is None else f"---\n{front}---\n{body}"


# --- properties --------------------------------------------------------------------


@given(mutated_text())
def test_mutated_sample_text_is_problems_never_a_traceback(case: tuple[str, str]) -> None:
    name, text = case
    check_account(name, text.encode("utf-8"))


@given(changed_sample())
def test_changed_sample_value_is_problems_never_a_traceback(case: tuple[str, str]) -> None:
    name, text = case
    check_account(name, text.encode("utf-8"))


def test_unchanged_samples_are_valid() -> None:
    """The properties above start from valid files, so each problem comes from the change."""
    for name, text in SAMPLES.items():
        result = check_account(name, text.encode("utf-8"))
        assert result.ok and result.accounts == 1, name


@given(
    st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8")),
    st.sampled_from(["odd.yaml", "odd.md"]),
)
def test_any_bytes_are_problems_or_a_valid_account(content: bytes, name: str) -> None:
    check_account(name, content)


def _not_a_mapping() -> st.SearchStrategy[bytes]:
    """YAML whose top level is a list or a scalar, or nothing at all."""
    top = (
        st.lists(odd_values(), max_size=4) | st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    )
    return top.map(lambda v: yaml.safe_dump(v, allow_unicode=True).encode("utf-8"))


def _without_tier() -> st.SearchStrategy[bytes]:
    """A mapping of account fields (with odd values) that lacks the required tier."""
    fields = st.dictionaries(st.sampled_from(ACCOUNT_KEYS) | st.text(max_size=8), odd_values(), max_size=8)
    return fields.map(
        lambda d: yaml.safe_dump({k: v for k, v in d.items() if k != "tier"}, allow_unicode=True).encode()
    )


def _not_utf8() -> st.SearchStrategy[bytes]:
    # 0xff is never part of UTF-8, wherever it stands.
    return st.tuples(st.binary(max_size=40), st.binary(max_size=40)).map(
        lambda t: b"a" + t[0] + b"\xff" + t[1]
    )


@given(_not_a_mapping() | _without_tier() | _not_utf8())
@example(b"")
@example(b"\xff\xfe\x00\x00")
@example(b"---\n---\n")
@example(b"- just\n- a list\n")
@example(b"name: [1, 2]\nowner: {a: b}\ntier: [key]\n")
@example(b"? [complex, key]\n: value\n")
@example(b"<<: {name: x}\nowner: li-wei\ntier: key\n")
@example(b"name: !!binary aGVsbG8=\nowner: li-wei\ntier: key\n")
@example(b"name: !!python/name:os.system\nowner: li-wei\ntier: key\n")
@example(b"name: " + b"x" * 200_000 + b"\nowner: li-wei\ntier: key\n")
@example(b"stakeholders: " + b"[" * 5000 + b"]" * 5000 + b"\n")
@example(b"a: &a [*a]\n")
@example(b'checklists:\n  "\\r": null\n  "\\n1:1: error K000 forged": null\n')
@example(
    b"a: &x [1]\nb: &y [*x, *x, *x, *x, *x, *x, *x, *x, *x]\n" + b"c: [*y, *y, *y, *y, *y, *y, *y, *y, *y]\n"
)
def test_odd_documents_are_always_problems(content: bytes) -> None:
    result = check_account("odd.yaml", content)
    assert any(p.level is Level.ERROR and p.path == "accounts/odd.yaml" for p in result.problems)


@st.composite
def mutated_settings(draw: st.DrawFn) -> str:
    """kamgen.yml with a few characters inserted, deleted or repeated."""
    chars = list(SAMPLE_SETTINGS)
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(chars)))
        if draw(st.booleans()):
            chars[pos:pos] = list(draw(st.sampled_from(TOKENS)))
        else:
            del chars[pos : pos + draw(st.integers(1, 20))]
    return "".join(chars)


@given(mutated_settings())
def test_mutated_settings_are_problems_never_a_traceback(settings: str) -> None:
    account = f"{MINIMAL}team: [anna-schmidt]\n".encode()
    files = {"accounts/acme.yaml": account}
    result = validate_files(files, settings)
    assert_well_formed(result, {**files, "kamgen.yml": settings.encode("utf-8")})


def test_settings_file_broken_too() -> None:
    result = validate_files({}, SETTINGS + "checklists: [oops\n")
    assert ("kamgen.yml", "K003") in [(p.path, p.code) for p in result.problems]
