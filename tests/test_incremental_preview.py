"""The live preview works out again only what a change reaches, and its pages
equal a fresh render of the same files (the served site is compared with a
fresh server's in test_serve.py)."""

from __future__ import annotations

import datetime as dt

from kamgen import app
from kamgen.project import Project
from kamgen.render import Page
from kamgen.schema import Visibility

TODAY = dt.date(2026, 11, 26)
ACCOUNT = "guangzhou-yaju-furniture"


def fresh(project: Project, visibility: Visibility = Visibility.INTERNAL) -> list[Page]:
    problems, site = app.preview(project, today=TODAY, visibility=visibility)
    assert site is not None, problems
    return site.pages


def pages(preview: app.Preview) -> dict[str, Page]:
    problems, site = preview(TODAY)
    assert site is not None, problems
    return {page.path: page for page in site.pages}


def test_an_edit_renders_that_account_again_and_equals_a_fresh_render(sample_project: Project) -> None:
    preview = app.Preview(sample_project, visibility=Visibility.INTERNAL)
    first = pages(preview)
    path = sample_project.accounts_dir / f"{ACCOUNT}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 周敏", "name: 周大敏"), encoding="utf-8")
    second = pages(preview)
    assert list(second.values()) == fresh(sample_project)
    own = f"accounts/{ACCOUNT}.md"
    assert "周大敏" in second[own].content and "周大敏" not in first[own].content
    # The other accounts' pages (and drawings) are the ones rendered before,
    # not rendered again; the edited account's drawings are files of its own.
    mine = f"accounts/{ACCOUNT}/"
    others = [
        p
        for p in second
        if p.startswith("accounts/") and p not in (own, "accounts/index.md") and not p.startswith(mine)
    ]
    assert others and all(second[p] is first[p] for p in others)


def test_a_restricted_preview_equals_a_fresh_one_after_an_edit(sample_project: Project) -> None:
    preview = app.Preview(sample_project, visibility=Visibility.RESTRICTED)
    pages(preview)
    path = sample_project.accounts_dir / "megamart-retail.yaml"
    valid = path.read_text(encoding="utf-8")
    path.write_text(valid.replace("tier: key", "tier: gold"), encoding="utf-8")
    problems, site = preview(TODAY)
    # An error: the preview keeps the last pages, and says why.
    assert site is None and any(p.code == "K104" for p in problems), problems
    path.write_text(valid.replace("tier: key", "tier: strategic"), encoding="utf-8")
    assert list(pages(preview).values()) == fresh(sample_project, Visibility.RESTRICTED)


def test_settings_templates_and_removed_files_render_everything_again(sample_project: Project) -> None:
    preview = app.Preview(sample_project, visibility=Visibility.INTERNAL)
    first = pages(preview)
    settings = sample_project.settings_file
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("language: en", "language: zh-Hant"), encoding="utf-8"
    )
    after_settings = pages(preview)
    assert list(after_settings.values()) == fresh(sample_project)
    assert after_settings[f"accounts/{ACCOUNT}.md"] != first[f"accounts/{ACCOUNT}.md"]
    # An override of the account template reaches every account page.
    sample_project.templates_dir.mkdir(exist_ok=True)
    (sample_project.templates_dir / "account.md.j2").write_text(
        "# {{ account.name }}\n\nOverridden.\n", encoding="utf-8"
    )
    overridden = pages(preview)
    assert overridden[f"accounts/{ACCOUNT}.md"].content.endswith("Overridden.\n")
    assert list(overridden.values()) == fresh(sample_project)
    (sample_project.accounts_dir / "nordwerk-maschinenbau.md").unlink()
    after_removal = pages(preview)
    assert "accounts/nordwerk-maschinenbau.md" not in after_removal
    assert list(after_removal.values()) == fresh(sample_project)


def test_an_edit_of_the_same_size_right_after_a_render_is_seen(sample_project: Project) -> None:
    """The preview reads a file again only when its status changed or was
    too recent to tell; an edit that keeps the size, saved at once, shows."""
    preview = app.Preview(sample_project, visibility=Visibility.INTERNAL)
    path = sample_project.accounts_dir / f"{ACCOUNT}.yaml"
    text = path.read_text(encoding="utf-8")
    own = f"accounts/{ACCOUNT}.md"
    for name in ("周大敏", "周小敏", "周中敏"):
        path.write_text(text.replace("name: 周敏", f"name: {name}"), encoding="utf-8")
        assert name in pages(preview)[own].content
    assert list(pages(preview).values()) == fresh(sample_project)
