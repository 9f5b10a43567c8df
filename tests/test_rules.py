"""The rule registry and the typed results rules yield."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from kamgen import checks, cli, codes
from kamgen.analytics import health
from kamgen.labels import Labels
from kamgen.model import AccountRecord
from kamgen.problems import Level
from kamgen.rule import Finding, Result, Rule, Severity, rule
from kamgen.rules import FINDING_CODES, RULES, _index
from kamgen.schema import Account, Language
from tests.test_health import HEALTHY, SETTINGS, TODAY, people, person


def _defined(module: ModuleType) -> list[Rule[Any, Any]]:
    return [value for value in vars(module).values() if isinstance(value, Rule)]


@pytest.mark.parametrize("module", [codes, checks, health], ids=lambda m: m.__name__)
def test_every_rule_a_module_defines_is_in_the_registry(module: ModuleType) -> None:
    # A rule written but left out of its module's list would never run.
    defined = _defined(module)
    assert defined
    for r in defined:
        assert RULES.get(r.code) is r, r.code


def test_registry_shape() -> None:
    assert list(RULES) == sorted(RULES)
    assert len({r.name for r in RULES.values()}) == len(RULES)
    for r in RULES.values():
        assert r.code[0] in "KH" and r.name and r.text, r.code
        finding = r.code.startswith("H")
        assert (r.severity is not None) is finding, r.code
        assert (r.run is None) is r.code.startswith(("K0", "K1")), r.code
        if finding:
            assert r.level is Level.WARNING
            assert r.doc == f"({r.severity} severity) {r.text}"
    assert {c for c in RULES if c.startswith("H")} == FINDING_CODES


def test_a_code_used_twice_is_refused() -> None:
    twin = codes.define("K001", "another-read-error", "Something else.")
    with pytest.raises(ValueError, match="K001 is used twice"):
        _index(codes.FILE_CODES, [twin])


def test_a_rule_yields_only_its_own_code() -> None:
    @rule("K299", "wrong")
    def wrong(ctx: object) -> Iterator[Result]:
        """Yields another rule's result."""
        yield Result("K201", ("owner",))

    with pytest.raises(ValueError, match="K299 yielded a result of K201"):
        list(wrong.results(None))


def test_codes_command_reads_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["codes"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert listed == list(RULES)


def _findings(fn: Any) -> dict[str, Finding]:
    data = copy.deepcopy(HEALTHY)
    fn(data)
    record = AccountRecord("acme", "accounts/acme.yaml", Account.model_validate(data))
    return {f.code: f for f in health.assess(record, SETTINGS, TODAY).findings}


def _never_contacted(d: dict[str, Any]) -> None:
    del people(d)["coach"]["last_contact"]


def test_parameters_keep_their_types() -> None:
    assert _findings(_never_contacted)["H111"].params == {
        "name": "Coach",
        "days": None,
        "met": True,
        "via": None,
    }
    stale = _findings(lambda d: people(d)["coach"].update(last_contact="2026-07-01"))["H111"]
    assert stale.params["days"] == 148
    gone = _findings(lambda d: d["stakeholders"].append(person("gone", left_on="2026-06-30")))["H110"]
    assert gone.params["date"] == dt.date(2026, 6, 30)
    few = _findings(lambda d: d.__setitem__("stakeholders", d["stakeholders"][:2]))["H101"]
    assert few.params == {"count": 2, "minimum": 3}
    assert few.severity is Severity.MEDIUM and few.name == "few-contacts"


@pytest.mark.parametrize(
    ("language", "never", "days", "left"),
    [
        (
            Language.EN,
            "Coach: last contact never",
            "Coach: last contact 148 days ago",
            "Gone left on 2026-06-30",
        ),
        (Language.ZH_HANT, "Coach：最近聯絡從未", "Coach：最近聯絡148 天前", "Gone 已於 2026-06-30 離職"),
    ],
)
def test_typed_parameters_are_worded_by_the_catalog(
    language: Language, never: str, days: str, left: str
) -> None:
    labels = Labels(language)
    assert labels.finding(_findings(_never_contacted)["H111"]) == never
    stale = _findings(lambda d: people(d)["coach"].update(last_contact="2026-07-01"))["H111"]
    assert labels.finding(stale) == days
    gone = _findings(lambda d: d["stakeholders"].append(person("gone", left_on="2026-06-30")))["H110"]
    assert labels.finding(gone).startswith(left)
