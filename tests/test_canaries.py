"""No restricted text reaches a public or internal build, in any file.

Every kind of item that can be hidden carries a canary, a word that appears
nowhere else. Public and internal builds are searched byte by byte, and
again after HTML and JSON unescaping, across the whole output folder,
search index included.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import SETTINGS, kamgen_build

pytestmark = pytest.mark.site

CANARIES = {
    "stakeholder": "Canarystakeholderzq",
    "stakeholder alias": "Canaryaliaszq",
    "stakeholder extra": "Canaryextrazq",
    "stakeholder link": "Canarylinkzq",
    "account extra": "Canaryaccountextrazq",
    "account link": "Canaryaccountlinkzq",
    "interest": "Canaryinterestzq",
    "interest by default": "Canarydefaultzq",
    "practice": "Canarypracticezq",
    "goal": "Canarygoalzq",
    "action": "Canaryactionzq",
    "note": "Canarynotezq",
    "checklist note": "Canarychecklistzq",
    "why key": "Canarywhykeyzq",
    "narrative": "Canarynarrativezq",
    "restricted account": "Canaryaccountzq",
    "中文": "金絲雀秘密詞",
    "qualification figure": "987,654,321",
}
R = {"visibility": "restricted"}


def account() -> dict[str, object]:
    c = CANARIES
    return {
        "name": "Acme",
        "owner": "li-wei",
        "tier": "key",
        "why_key": f"Because {c['why key']}",
        "why_key_visibility": "restricted",
        "extra": {"crm_id": c["account extra"]},
        "links": [{"title": c["account link"], "url": "https://crm.example.com/a/1"}],
        "extra_visibility": "restricted",
        "qualification": {"purchases": [{"period": 2025, "amount": 987654321}], **R},
        "stakeholders": [
            {"id": "open", "name": "Open Person", "influence": "high", "stance": "supporter"},
            {"id": "other", "name": "Other Person"},
            {
                "id": "secret",
                "name": c["stakeholder"],
                "aliases": [c["stakeholder alias"], c["中文"]],
                "extra": {"wechat": c["stakeholder extra"]},
                "links": [{"title": c["stakeholder link"], "url": "https://crm.example.com/p/1"}],
                **R,
            },
        ],
        "relationships": [
            {
                "kind": "influences",
                "from": "open",
                "to": "other",
                "notes": "Relationship notes are not shown on pages yet",
                **R,
            },
            {
                "kind": "allied-with",
                "from": "secret",
                "to": "open",
                "notes": "Relationship notes are not shown on pages yet",
            },
        ],
        "interests": [
            {
                "id": "kick",
                "holder": "open",
                "interest": c["interest"],
                "threat": "x",
                "severity": "high",
                **R,
            },
            {
                "id": "kick2",
                "holder": "open",
                "interest": c["interest by default"],
                "threat": "x",
                "severity": "low",
            },
        ],
        "practices": [{"id": "p", "practice": c["practice"], "impact": "low", **R}],
        "goals": [{"id": "g", "statement": c["goal"], "horizon": "now", **R}],
        "actions": [{"id": "a", "title": c["action"], "kind": "demo", "owner": "li-wei", **R}],
        "notes": [{"date": "2026-01-01", "text": c["note"], **R}],
        "checklists": {"review": {"shared": {"done": True, "note": c["checklist note"], **R}}},
    }


def build(root: Path, level: str) -> Path:
    result = kamgen_build(root, "--visibility", level)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def texts(site: Path) -> list[tuple[str, str]]:
    """Every file as raw text, HTML-unescaped and JSON-decoded where it is JSON."""
    out = []
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        raw = path.read_bytes().decode("utf-8", "replace")
        variants = [raw, html.unescape(raw)]
        if path.suffix == ".json":
            variants.append(html.unescape(json.dumps(json.loads(raw), ensure_ascii=False)))
        out += [(path.relative_to(site).as_posix(), v) for v in variants]
    return out


def test_no_canary_leaks_from_public_or_internal_builds(tmp_path: Path) -> None:
    (tmp_path / "kamgen.yml").write_text(
        SETTINGS + "visibility_defaults: {interests: restricted}\n", encoding="utf-8"
    )
    (tmp_path / "accounts").mkdir()
    front = yaml.safe_dump(account(), allow_unicode=True)
    body = f"The story: {CANARIES['narrative']}.\n"
    (tmp_path / "accounts" / "acme.md").write_text(
        f"---\n{front}narrative_visibility: restricted\n---\n{body}", encoding="utf-8"
    )
    hidden = {"name": CANARIES["restricted account"], "owner": "li-wei", "tier": "key", **R}
    (tmp_path / "accounts" / "hidden.yaml").write_text(yaml.safe_dump(hidden), encoding="utf-8")

    restricted = texts(build(tmp_path, "restricted"))
    planted = [c for c in CANARIES.values() if any(c in t for _, t in restricted)]
    assert len(planted) == len(CANARIES), set(CANARIES.values()) - set(planted)
    for level in ("internal", "public"):
        report = subprocess.run(
            [
                sys.executable,
                "-m",
                "kamgen",
                "-C",
                str(tmp_path),
                "report",
                "--format",
                "json",
                "--visibility",
                level,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "987654321" not in report and not [c for c in CANARIES.values() if c in report], level
        found = {
            (kind, path)
            for path, t in texts(build(tmp_path, level))
            for kind, c in CANARIES.items()
            if c in t
        }
        assert not found, (level, sorted(found))
