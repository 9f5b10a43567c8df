"""Every YAML sample in the README validates as it is written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from kamgen.pipeline import load
from kamgen.project import Project
from tests.conftest import ROOT

SAMPLES = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_readme_has_samples() -> None:
    assert SAMPLES


def test_every_account_sample_validates_with_the_repository_settings(tmp_path: Path) -> None:
    shutil.copy(ROOT / "kamgen.yml", tmp_path / "kamgen.yml")
    (tmp_path / "accounts").mkdir()
    accounts = [s for s in SAMPLES if re.search(r"^name: ", s, re.M)]
    assert accounts
    for i, sample in enumerate(accounts):
        (tmp_path / "accounts" / f"sample-{i}.yaml").write_text(sample, encoding="utf-8")
    result = load(Project(tmp_path))
    assert [str(p) for p in result.problems] == []
    assert result.portfolio is not None and len(result.portfolio.accounts) == len(accounts)
