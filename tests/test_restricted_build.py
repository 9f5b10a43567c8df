"""A restricted build says so on every page; every build names its audience."""

from __future__ import annotations

import pytest

from kamgen.project import Project
from tests.conftest import kamgen_build

pytestmark = pytest.mark.site
META = '<meta name="kamgen-visibility" content="{}">'
BANNER = "Restricted build: for the account team only."


def test_every_page_of_a_restricted_build_carries_the_banner_and_meta(sample_project: Project) -> None:
    result = kamgen_build(sample_project.root, "--visibility", "restricted")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "for restricted readers" in result.stderr
    pages = list((sample_project.root / "site").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert META.format("restricted") in html, page
        assert BANNER in html, page
