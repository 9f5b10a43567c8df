"""`kamgen report` and health findings in `kamgen validate` (in-process: test_cli runs the real command)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamgen.project import Project
from tests.cli_helpers import assert_golden
from tests.cli_helpers import kamgen_here as kamgen
from tests.conftest import MINIMAL

TODAY = "2026-11-26"


@pytest.fixture(scope="module")
def sample_report() -> str:
    """`kamgen report --format json` of the samples, run once for the tests that read it."""
    result = kamgen("report", "--format", "json", "--today", TODAY)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_json_report_golden(sample_report: str) -> None:
    assert_golden("report.json", sample_report)


def test_json_report_shape_is_stable(sample_report: str) -> None:
    data = json.loads(sample_report)
    assert data["report_version"] == 2
    assert set(data) == {
        "report_version", "today", "visibility", "currency", "accounts", "owners", "portfolio", "neglected", "senior_visits",
    }  # fmt: skip
    account = data["accounts"][0]
    assert set(account) == {
        "id",
        "name",
        "path",
        "tier",
        "owner",
        "health",
        "qualification",
        "development",
        "effort",
        "last_activity",
    }
    assert [a["id"] for a in data["accounts"]] == sorted(a["id"] for a in data["accounts"])
    statuses = {a["id"]: a["health"]["status"] for a in data["accounts"]}
    assert set(statuses.values()) == {"red", "amber", "green"}
    assert data["portfolio"]["mismatches"] == ["megamart-retail"]


def test_json_report_gives_each_account_its_development_verdict(sample_report: str) -> None:
    """Issue 12: the Guangzhou case (attractive, our position weak) is a develop
    account; the verdicts are counted, and the field is additive (version 2)."""
    data = json.loads(sample_report)
    dev = {a["id"]: a["development"] for a in data["accounts"]}
    guangzhou = dev["guangzhou-yaju-furniture"]
    assert guangzhou["verdict"] == "develop"
    assert guangzhou["attractive"] and not guangzhou["strong"]
    assert guangzhou["share_of_wallet"] == pytest.approx(2_900_000 / 18_000_000 * 100, abs=0.01)
    assert (guangzhou["key_players"], guangzhou["key_players_covered"]) == (3, 2)
    counts = data["portfolio"]["verdict_counts"]
    assert list(counts) == ["key", "develop", "maintain", "reconsider"]
    assert sum(counts.values()) == len(data["accounts"])
    assert counts == {v: sum(d["verdict"] == v for d in dev.values()) for v in counts}


def test_finding_parameters_keep_their_types_in_json(sample_report: str) -> None:
    assert '"None"' not in sample_report
    params = [
        f["params"]
        for a in json.loads(sample_report)["accounts"]
        for f in a["health"]["findings"]
        if f["code"] == "H108"
    ]
    days = [p["days"] for p in params]
    assert None in days and all(d is None or isinstance(d, int) for d in days)


def test_each_finding_says_why_it_matters(sample_report: str) -> None:
    findings = [f for a in json.loads(sample_report)["accounts"] for f in a["health"]["findings"]]
    assert {f["code"] for f in findings} >= {"H109", "H117", "H118", "H119", "H120"}
    assert all(f["why"] and f["why"] != f["message"] for f in findings)
    path = next(f for f in findings if f["code"] == "H119")
    assert path["why"] == "An opponent who influences the people who decide is the biggest risk on the map."
    assert path["params"] == {"name": "梁輝", "target": "黃志強", "via": "周敏"}


def test_report_respects_visibility(sample_report: str) -> None:
    internal = sample_report
    restricted = kamgen("report", "--format", "json", "--today", TODAY, "--visibility", "restricted").stdout
    assert "wu-lei" not in internal and "wu-lei" in restricted


def test_text_and_markdown_reports() -> None:
    text = kamgen("report", "--today", TODAY).stdout
    assert (
        "megamart-retail: health red, score 40%, does not qualify  MISMATCH: declared-not-qualified" in text
    )
    md = kamgen("report", "--format", "markdown", "--today", TODAY).stdout
    assert "| Nordwerk Maschinenbau GmbH | strategic | green | 100% | yes |  |" in md


def _project(tmp_path: Path, settings_extra: str = "") -> Path:
    (tmp_path / "kamgen.yml").write_text(
        "team: [{id: li-wei, name: Li}]\n" + settings_extra, encoding="utf-8"
    )
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "acme.yaml").write_text(
        MINIMAL + "stakeholders:\n  - {id: a, name: A, role: coach}\n", encoding="utf-8"
    )
    return tmp_path


def test_health_findings_are_warnings_in_validate(tmp_path: Path) -> None:
    root = _project(tmp_path)
    result = kamgen("validate", "--today", TODAY, cwd=root)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert (
        "accounts/acme.yaml:5:3: warning H101 1 current contact(s), fewer than 3; next step: Ask your contacts to introduce you to colleagues"
        in lines
    )
    # A was never met (known_in_person defaults to false): meet them, not "get back in touch".
    assert (
        "accounts/acme.yaml:5:5: warning H111 A: last contact never; "
        "next step: Meet them in person: find an ally who can introduce us" in lines
    )
    assert kamgen("validate", "--today", TODAY, "--strict", cwd=root).returncode == 2
    assert kamgen("validate", "--today", TODAY, "--no-health", "--strict", cwd=root).returncode == 0


def test_health_levels_are_configurable(tmp_path: Path) -> None:
    root = _project(tmp_path, "health:\n  levels: {H101: error, H111: 'off'}\n")
    result = kamgen("validate", "--today", TODAY, cwd=root)
    assert result.returncode == 1
    assert "error H101" in result.stdout and "H111" not in result.stdout


def test_unknown_finding_code_in_settings(tmp_path: Path) -> None:
    root = _project(tmp_path, "health:\n  levels: {H999: error}\n")
    result = kamgen("validate", "--no-health", cwd=root)
    assert result.stdout.splitlines()[0] == "kamgen.yml:3:12: error K208 no health finding has the code H999"


def test_unknown_currency(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "accounts" / "acme.yaml").write_text(
        MINIMAL + "qualification:\n  currency: JPY\n", encoding="utf-8"
    )
    result = kamgen("validate", "--no-health", cwd=root)
    assert result.stdout.splitlines()[0] == (
        "accounts/acme.yaml:5:13: error K209 no exchange rate for JPY; add it to exchange_rates in kamgen.yml"
    )


def test_samples_report_without_errors() -> None:
    result = kamgen("validate", "--today", TODAY)
    assert result.returncode == 0
    assert " error " not in result.stdout


def test_restricted_figures_leave_the_share_of_wallet_out_but_not_the_verdict(
    sample_project: Project,
) -> None:
    """The verdict is computed from the whole account; the share of wallet is
    one of the figures a reader not cleared for them may not see."""
    path = sample_project.root / "accounts" / "guangzhou-yaju-furniture.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  currency: CNY\n", "  currency: CNY\n  visibility: restricted\n"), "utf-8")
    result = kamgen("report", "--format", "json", "--today", TODAY, cwd=sample_project.root)
    assert result.returncode == 0, result.stderr
    (guangzhou,) = [a for a in json.loads(result.stdout)["accounts"] if a["id"] == "guangzhou-yaju-furniture"]
    assert guangzhou["qualification"]["annual_volume"] is None  # the figures are hidden
    assert guangzhou["development"]["verdict"] == "develop"
    assert guangzhou["development"]["share_of_wallet"] is None
