"""The thin adapter to MkDocs: generated pages on disk in, a site out.

kamgen's core hands over plain Markdown files. This module writes them,
next to a copy of the hand-written ``docs/``, into the git-ignored work
directory, writes an MkDocs config that inherits the project's
``mkdocs.yml``, and runs a strict build into a temporary folder that replaces
``site/`` only when the build succeeded.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from kamgen.pipeline import Project
from kamgen.render import Page
from kamgen.schema import Language, Settings

log = logging.getLogger("kamgen")

# Material's theme language for each site language.
THEME_LANGUAGE = {Language.EN: "en", Language.ZH_HANT: "zh-Hant"}


class BuildError(Exception):
    """MkDocs refused to build; the message says why."""


def write_docs(project: Project, pages: Iterable[Page]) -> Path:
    """Hand-written docs plus generated pages, in a fresh docs folder."""
    docs = project.work_dir / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    if project.docs_dir.is_dir():
        shutil.copytree(project.docs_dir, docs)
    docs.mkdir(parents=True, exist_ok=True)
    for page in pages:
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.content, encoding="utf-8")
    return docs


def config_overrides(settings: Settings) -> dict[str, Any]:
    overrides: dict[str, Any] = {
        "site_name": settings.site.title,
        "theme": {"name": "material", "language": THEME_LANGUAGE[settings.language]},
    }
    if settings.site.repo_url:
        overrides["repo_url"] = settings.site.repo_url
    return overrides


def write_config(project: Project, settings: Settings, site_dir: Path) -> Path:
    config: dict[str, Any] = {
        "INHERIT": str(project.mkdocs_file.resolve()),
        "docs_dir": "docs",
        "site_dir": str(site_dir.resolve()),
        **config_overrides(settings),
    }
    path = project.work_dir / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_mkdocs(config_file: Path) -> None:
    """``mkdocs build --strict``, in-process, raising BuildError on failure."""
    from mkdocs import exceptions
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config

    try:
        config = load_config(str(config_file), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build.build(config)
        finally:
            config.plugins.on_shutdown()
    except (exceptions.MkDocsException, exceptions.Abort) as exc:
        raise BuildError(str(exc)) from exc


def build_site(project: Project, settings: Settings, pages: list[Page], site_dir: Path) -> None:
    """Build into a temporary folder, then swap it in: a failed build keeps the old site."""
    write_docs(project, pages)
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        run_mkdocs(write_config(project, settings, staging))
        if site_dir.exists():
            shutil.rmtree(site_dir)
        staging.rename(site_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
