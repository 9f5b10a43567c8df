"""A team's starting repository: the files `kamgen init` writes.

Everything a team needs to adopt kamgen in its own repository, each file
commented: settings with a small team and qualification criteria, one
example account that validates, the MkDocs configuration, a .gitignore, the
JSON Schemas in a local folder (the modelines point at them), a pre-commit
configuration and, as the team chooses, a GitHub Actions workflow or a GitLab
CI pipeline. Nothing is ever overwritten.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from kamgen.schema import Account, Settings, json_schema

# Where each file goes, and the packaged file it comes from.
STARTER = {
    "kamgen.yml": "starter/kamgen.yml",
    "accounts/example-customer.yaml": "starter/accounts/example-customer.yaml",
    "mkdocs.yml": "default_mkdocs.yml",
    ".gitignore": "starter/dot-gitignore",
    ".pre-commit-config.yaml": "starter/pre-commit-config.yaml",
}
# The CI configuration for each host `kamgen init --ci` offers.
CI = {
    "github": {".github/workflows/kamgen.yml": "starter/github/kamgen.yml"},
    "gitlab": {".gitlab-ci.yml": "starter/gitlab/gitlab-ci.yml"},
    "none": {},
}


def starter_files(ci: str = "github") -> dict[str, str]:
    """Every file of a new project, by path relative to its root, with the CI
    configuration for ``ci`` (a key of :data:`CI`)."""
    package = resources.files("kamgen")
    sources = {**STARTER, **CI[ci]}
    files = {target: package.joinpath(source).read_text("utf-8") for target, source in sources.items()}
    for model, name in ((Account, "account"), (Settings, "settings")):
        schema = json.dumps(json_schema(model, name), indent=2, ensure_ascii=False) + "\n"
        files[f"schema/{name}.schema.json"] = schema
    return files


def existing(root: Path, files: dict[str, str]) -> list[str]:
    """The files that are there already (kamgen init never overwrites)."""
    return sorted(path for path in files if (root / path).exists() or (root / path).is_symlink())


def write(root: Path, files: dict[str, str]) -> list[str]:
    """Write ``files`` under ``root``; the caller has checked :func:`existing`."""
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as out:  # "x": never over a file
            out.write(content)
    return sorted(files)
