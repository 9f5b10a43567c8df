"""Golden-file comparison shared by the tests."""

from __future__ import annotations

import os

from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>; KAMGEN_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("KAMGEN_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs; rerun with KAMGEN_UPDATE_GOLDEN=1 to accept"
    )
