"""A restricted build says so on every page; every build names its audience."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kamgen.project import Project

pytestmark = pytest.mark.site
META = '<meta name="kamgen-visibility" content="{}">'
BANNER = "Restricted build: for the account team only."


def test_every_page_of_a_restricted_build_carries_the_banner_and_meta(sample_project: Project) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kamgen",
            "-C",
            str(sample_project.root),
            "build",
            "--visibility",
            "restricted",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "for restricted readers" in result.stderr
    pages = list((sample_project.root / "site").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert META.format("restricted") in html, page
        assert BANNER in html, page
