"""`kamgen diff`: the project at two revisions, compared in the model's terms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kamgen import changes, snapshots
from kamgen.app.checking import git_problem
from kamgen.problems import Problem, sort_problems
from kamgen.project import Project
from kamgen.schema import Visibility
from kamgen.vcs import WORKTREE, GitUnavailable, Repo

if TYPE_CHECKING:
    # Rendering (Jinja, drawings, Markdown) is imported by the use cases that
    # render: validate, run by a pre-commit hook on every commit, never needs it.
    pass


# ------------------------------------------------------------------ diff


@dataclass
class Diffed:
    """What `kamgen diff` found, or the problems that kept it from comparing."""

    problems: list[Problem] = field(default_factory=list)
    diff: changes.Diff | None = None


def diff(
    project: Project,
    base: str | None = None,
    head: str | None = None,
    *,
    today: dt.date,
    visibility: Visibility = Visibility.INTERNAL,
) -> Diffed:
    """The changes from ``base`` (default: where HEAD left the default
    branch) to ``head`` (default: the working tree), account by account."""
    try:
        repo = Repo.of(project.root)
        base_name = base or repo.default_branch()
        base_rev = base or repo.merge_base(base_name, "HEAD")
        head_rev = head or WORKTREE
        change = snapshots.touched(repo, project, base_rev, head_rev)
        before = snapshots.at(repo, project, base_rev, None if change.settings else change.before)
        after = snapshots.at(repo, project, head_rev, None if change.settings else change.after)
    except GitUnavailable as exc:
        return Diffed([git_problem(project, exc)])
    problems = sort_problems(before.result.problems + after.result.problems)
    if before.result.portfolio is None or after.result.portfolio is None:
        return Diffed(problems)
    old, new = before.result.portfolio, after.result.portfolio
    found = changes.compare(old, new, today=today, level=visibility, renamed=change.renamed)
    team = {m.id: m.name for m in new.settings.team}
    return Diffed(
        problems,
        changes.Diff(
            base_name,
            before.commit,
            head,
            after.commit,
            today,
            visibility,
            tuple(found),
            team,
            merge_base=base is None,
        ),
    )
