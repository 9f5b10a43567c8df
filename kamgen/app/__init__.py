"""The use cases: validate, render, build, report, diff, init, new, preview and serve.

This is the one place where the pipeline's stages are wired together. The
CLI, the MkDocs plugin and the benchmark call these functions and only
present what they return; none of them loads, renders or builds by itself,
so a preview is built exactly as ``kamgen build`` builds. One module per
kind of use case: ``checking`` (validate), ``rendering``, ``building``
(build, report), ``reviewing`` (diff), ``starting`` (init, new) and
``previewing`` (preview, serve); ``progress`` is how they report long work.
"""

from __future__ import annotations

from kamgen.app.building import Built, build, report
from kamgen.app.checking import (
    committed_cache,
    git_problem,
    health_problems,
    localized,
    problem_language,
    validate,
)
from kamgen.app.previewing import Preview, preview, serve
from kamgen.app.progress import Progress
from kamgen.app.rendering import edit_base, render, template_problem
from kamgen.app.reviewing import Diffed, diff
from kamgen.app.starting import init, new_account, new_item
from kamgen.pipeline import load

__all__ = [
    "Built",
    "Diffed",
    "Preview",
    "Progress",
    "build",
    "committed_cache",
    "diff",
    "edit_base",
    "git_problem",
    "health_problems",
    "init",
    "load",
    "localized",
    "new_account",
    "new_item",
    "preview",
    "problem_language",
    "render",
    "report",
    "serve",
    "template_problem",
    "validate",
]
