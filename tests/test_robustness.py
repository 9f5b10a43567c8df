"""Bad input never produces a traceback: mutated samples, odd bytes, odd shapes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kamgen.pipeline import load
from kamgen.problems import Level
from kamgen.project import Project
from tests.conftest import ROOT, SETTINGS

SAMPLES = sorted((ROOT / "accounts").glob("*.*"))
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
    "\t",
    "\n",
    "---\n",
    "'",
    '"',
    "#",
    "%",
    "@",
    "`",
    "|",
    ">",
    "\x00",
    "\ufeff",
    "é",
    "陳",
    "no",
    "1.10",
    "2026-02-30",
    "~",
]


def mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randrange(len(chars) + 1)
        op = rng.random()
        if op < 0.4:
            chars[pos:pos] = list(rng.choice(TOKENS))
        elif op < 0.7 and chars:
            del chars[pos : pos + rng.randint(1, 20)]
        elif chars:
            end = pos + rng.randint(1, 40)
            chars[pos:pos] = chars[pos:end]  # duplicate a span: duplicate keys, ids
    return "".join(chars)


@pytest.mark.parametrize("seed", range(120))
def test_mutated_sample_never_crashes(project: Project, seed: int) -> None:
    rng = random.Random(seed)
    source = SAMPLES[seed % len(SAMPLES)]
    text = mutate(source.read_text(encoding="utf-8"), rng)
    (project.accounts_dir / source.name).write_bytes(text.encode("utf-8", errors="surrogatepass"))
    result = load(project)  # must not raise
    for p in result.problems:
        assert p.line >= 1 and p.col >= 1 and p.code and p.message
    if result.portfolio is None:
        assert any(p.level is Level.ERROR for p in result.problems)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe\x00\x00",
        b"---\n---\n",
        b"- just\n- a list\n",
        b"name: [1, 2]\nowner: {a: b}\ntier: [key]\n",
        b"? [complex, key]\n: value\n",
        b"<<: {name: x}\nowner: li-wei\ntier: key\n",
        b"name: !!binary aGVsbG8=\nowner: li-wei\ntier: key\n",
        b"name: !!python/name:os.system\nowner: li-wei\ntier: key\n",
        b"name: " + b"x" * 200_000 + b"\nowner: li-wei\ntier: key\n",
        b"stakeholders: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    ],
)
def test_odd_documents_are_problems(project: Project, content: bytes) -> None:
    (project.accounts_dir / "odd.yaml").write_bytes(content)
    result = load(project)
    assert result.problems
    assert all(p.path == "accounts/odd.yaml" for p in result.problems)


def test_settings_file_broken_too(tmp_path: Path) -> None:
    (tmp_path / "kamgen.yml").write_text(SETTINGS + "checklists: [oops\n", encoding="utf-8")
    (tmp_path / "accounts").mkdir()
    result = load(Project(tmp_path))
    assert ("kamgen.yml", "K003") in [(p.path, p.code) for p in result.problems]
