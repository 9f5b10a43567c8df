"""The command line: parse arguments, call the core, report, exit."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kamgen import __version__, app, codes, scaffold
from kamgen.error_handler import guarded
from kamgen.guard import PortInUse
from kamgen.pipeline import Result
from kamgen.problems import CI_FORMATS, FORMATTERS, Problem, exit_code, rebased
from kamgen.project import Project
from kamgen.rules import RULES
from kamgen.schema import Account, Settings, Visibility, json_schema


def _say(message: str) -> None:
    print(f"kamgen: {message}", file=sys.stderr)


def _report(problems: list[Problem], fmt: str, project: Project | None = None) -> None:
    text = _formatted(problems, fmt, project)
    if text:
        sys.stdout.write(text)


def _formatted(problems: list[Problem], fmt: str, project: Project | None = None) -> str:
    problems = app.localized(problems, fmt, project)
    if fmt in CI_FORMATS and project is not None:
        # Annotations and reports land on the diff only with paths from the
        # repository's root (the CI workspace), which may be above the project.
        problems = rebased(problems, _from_workspace(project))
    return FORMATTERS[fmt](problems, {code: rule.name for code, rule in RULES.items()})


def _from_workspace(project: Project) -> str:
    root = os.environ.get("GITHUB_WORKSPACE") or os.environ.get("CI_PROJECT_DIR")
    workspace = Path(root or Path.cwd()).resolve()
    try:
        return project.root.resolve().relative_to(workspace).as_posix()
    except ValueError:
        return ""  # the project is not below the workspace: keep its own paths


def _write_reports(args: argparse.Namespace, problems: list[Problem], project: Project) -> bool:
    """``--write FORMAT=FILE``: the same problems in other formats, in files
    (a job summary, a Code Quality report); False when a file cannot be written."""
    ok = True
    for fmt, name in args.write:
        try:
            _user_path(args, name).write_text(_formatted(problems, fmt, project), encoding="utf-8")
        except OSError as exc:
            _say(f"cannot write {name}: {exc.strerror or exc}")
            ok = False
    return ok


def cmd_validate(args: argparse.Namespace, project: Project) -> int:
    paths = [_user_path(args, p) for p in args.paths] or None
    health_on = args.today if args.health else None
    result = app.validate(
        project,
        paths,
        health_on=health_on,
        changed_since=args.changed_since,
        cache=args.cache,
        jobs=args.jobs,
    )
    _report(result.problems, args.format, project)
    if args.format == "text" and result.ok:
        _say(f"{result.accounts} account(s) valid")
    written = _write_reports(args, result.problems, project)
    return exit_code(result.problems, strict=args.strict) or (0 if written else 1)


def cmd_schema(args: argparse.Namespace, project: Project) -> int:
    model, name = (Settings, "settings") if args.settings else (Account, "account")
    text = json.dumps(json_schema(model, name), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        _say(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_init(args: argparse.Namespace, project: Project) -> int:
    root = _user_path(args, args.dir)
    written, problems = app.init(root, args.ci)
    if problems:
        _report(problems, "text")
        return exit_code(problems)
    for path in written:
        print(f"  wrote {path}")
    where = "" if root.resolve() == Path.cwd().resolve() else f"cd {args.dir} && "
    _say(f"started a kamgen project in {root}")
    _say(f"next: {where}kamgen validate && kamgen build   (then open site/index.html)")
    return 0


def cmd_new(args: argparse.Namespace, project: Project) -> int:
    if args.kind == "account":
        if args.extra:
            _say("usage: kamgen new account ID [--name NAME]")
            return 2
        written, problems = app.new_account(project, args.account, args.name)
        done = f"wrote {written}"
    else:
        if len(args.extra) != 1:
            _say(f"usage: kamgen new {args.kind} ACCOUNT ID [--name TEXT]")
            return 2
        written, problems = app.new_item(project, args.kind, args.account, args.extra[0], args.name)
        done = f"added {args.kind} '{args.extra[0]}' to {written}"
    _report(problems, "text", project)
    if written is None:
        _say("nothing was written")
        return exit_code(problems) or 1
    _say(f"{done}; fill in what its comments ask, then run kamgen validate")
    return 0


def cmd_codes(args: argparse.Namespace, project: Project) -> int:
    from kamgen.labels import Labels
    from kamgen.rules import RULES
    from kamgen.schema import Language

    why = Labels(Language.EN).why
    for code in RULES.values():
        print(f"{code.code} {code.name} ({code.level})\n    {code.doc}")
        if why(code.code):
            print(f"    Why it matters: {why(code.code)}")
    return 0


def cmd_build(args: argparse.Namespace, project: Project) -> int:
    site_dir = _user_path(args, args.site_dir) if args.site_dir else None
    progress = _silent if args.quiet else _say
    built = app.build(project, site_dir, today=args.today, visibility=args.visibility, progress=progress)
    _report(built.problems, "text", project)
    if built.engine_error is not None:
        _say(f"MkDocs build failed: {built.engine_error} (the previous site is unchanged)")
        return 1
    if not built.ok:
        if not any(p.code == codes.SITE_DIR.code for p in built.problems):
            _say("not building: fix the errors above (the previous site is unchanged)")
        return exit_code(built.problems) or 1
    _say(f"built {built.site_dir} for {args.visibility} readers in {built.seconds:.1f} s")
    return 0


def cmd_report(args: argparse.Namespace, project: Project) -> int:
    result, text = app.report(project, today=args.today, visibility=args.visibility, fmt=args.format)
    if text is None:
        sys.stderr.write(FORMATTERS["text"](app.localized(result.problems, "text", project), None))
        _say("no report: fix the errors above first")
        return exit_code(result.problems)
    sys.stdout.write(text)
    return 0


def cmd_diff(args: argparse.Namespace, project: Project) -> int:
    from kamgen.diffreport import FORMATS

    found = app.diff(project, args.base, args.head, today=args.today, visibility=args.visibility)
    if found.problems:
        sys.stderr.write(_formatted(found.problems, "text"))
    if found.diff is None:
        if not any(p.code == codes.GIT.code for p in found.problems):
            _say("no diff: a side of the comparison has errors (listed above)")
        return exit_code(found.problems) or 1
    sys.stdout.write(FORMATS[args.format](found.diff))
    return 0


def cmd_serve(args: argparse.Namespace, project: Project) -> int:
    def ready(result: Result) -> None:
        _report(result.problems, "text", project)
        if result.portfolio is None:
            _say("fix the errors above first; the preview starts from a valid portfolio")
        else:
            _say(
                f"serving on http://{args.dev_addr}/ ; "
                "edits to accounts, templates, docs or settings reload it"
            )

    try:
        progress = None if args.quiet else _say
        result = app.serve(
            project, args.dev_addr, visibility=args.visibility, progress=progress, on_ready=ready
        )
    except PortInUse as busy:
        hint = f"; try: kamgen serve -a {busy.host}:{busy.free}" if busy.free else ""
        _say(f"cannot serve: {busy.host}:{busy.port} is in use by another program{hint}")
        return 1
    return exit_code(result.problems) if result.portfolio is None else 0


def _silent(message: str) -> None:
    pass


def _user_path(args: argparse.Namespace, text: str) -> Path:
    """A path on the command line: with -C, read against the project (as git -C
    does); otherwise against the current directory."""
    path = Path(text)
    base = args.root if args.root else Path.cwd()
    return path if path.is_absolute() else base.resolve() / path


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a whole number above 0: {text!r}")
    return number


def _format_and_file(text: str) -> tuple[str, str]:
    fmt, sep, name = text.partition("=")
    if not sep or not name or fmt not in FORMATTERS:
        raise argparse.ArgumentTypeError(
            f"expected FORMAT=FILE, FORMAT one of {', '.join(FORMATTERS)}: {text!r}"
        )
    return fmt, name


def _visibility_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--visibility",
        type=Visibility,
        choices=list(Visibility),
        default=Visibility.INTERNAL,
        help="highest visibility level to include (default: internal)",
    )


def _today_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        type=_date,
        default=dt.date.today(),
        help="the date that due, overdue and stale are computed from (default: today)",
    )


def _quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress messages; problems still show"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamgen", description="Key-account playbooks: validate and build the site."
    )
    parser.add_argument("--version", action="version", version=f"kamgen {__version__}")
    parser.add_argument(
        "-C", "--root", type=Path, help="project folder (default: the nearest one with kamgen.yml)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check account files and settings")
    p.add_argument("paths", nargs="*", help="account files or folders (default: accounts/)")
    p.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="on standard output")
    p.add_argument(
        "--write",
        metavar="FORMAT=FILE",
        type=_format_and_file,
        action="append",
        default=[],
        help="also write the problems in FORMAT to FILE, replacing it (repeatable), "
        'e.g. markdown="$GITHUB_STEP_SUMMARY" or gitlab=gl-code-quality-report.json',
    )
    p.add_argument("--strict", action="store_true", help="exit 2 when there are warnings")
    p.add_argument(
        "--no-health",
        dest="health",
        action="store_false",
        help="schema and reference checks only, no health findings",
    )
    p.add_argument(
        "--changed-since",
        metavar="REV",
        help="health findings only where the change since the Git revision REV introduced them",
    )
    p.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="work out every file again, neither reading nor writing .kamgen/cache",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        metavar="N",
        help="processes that work out changed files (default: one per core)",
    )
    _today_option(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of account files (or of the settings)")
    p.add_argument("--settings", action="store_true", help="the settings file's schema")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("build", help="validate, render and build the site into site/")
    p.add_argument("--site-dir", help="output folder (default: site/)")
    _visibility_option(p)
    _today_option(p)
    _quiet_option(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("report", help="qualification, health and time allocation across the portfolio")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    _today_option(p)
    _visibility_option(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("diff", help="what changed, account by account, between Git revisions")
    p.add_argument(
        "base", nargs="?", help="revision to compare from (default: merge base with the default branch)"
    )
    p.add_argument("head", nargs="?", help="revision to compare to (default: the working tree)")
    p.add_argument("--format", choices=["markdown", "json"], default="markdown")
    _visibility_option(p)
    _today_option(p)
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("serve", help="live preview: re-render and reload on every change")
    p.add_argument(
        "-a", "--dev-addr", default="127.0.0.1:8000", help="IP:PORT to serve on (default 127.0.0.1:8000)"
    )
    _visibility_option(p)
    _quiet_option(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("init", help="start a project: settings, an example account, CI and editor schemas")
    p.add_argument("dir", nargs="?", default=".", help="folder to start in (default: the current one)")
    p.add_argument(
        "--ci",
        choices=list(scaffold.CI),
        default="github",
        help="CI configuration to write: a GitHub Actions workflow, a GitLab CI pipeline, or none "
        "(default: github)",
    )
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "new",
        help="add a commented account file, or a stakeholder, interest, goal or action to one",
        description="kamgen new account ID: a new account file that validates. "
        "kamgen new stakeholder|interest|goal|action ACCOUNT ID: one item added to the "
        "account's list; every comment and line already in the file stays as written. "
        "Never overwrites a file or an existing id; writes nothing unless the result validates.",
    )
    p.add_argument("kind", choices=["account", *scaffold.ITEM_KINDS], help="what to add")
    p.add_argument("account", metavar="ACCOUNT", help="the account's id (its file name)")
    p.add_argument("extra", nargs="*", metavar="ID", help="the new item's id (not for an account)")
    p.add_argument(
        "--name",
        help="the account's or person's name, a goal's statement, an action's title or what an "
        "interest is (default: made from the id)",
    )
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("codes", help="list every problem code with its meaning")
    p.set_defaults(func=cmd_codes)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(levelname)s %(message)s")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    project = Project(args.root.resolve()) if args.root else Project.find(Path.cwd())
    return guarded(project.work_dir, lambda: int(args.func(args, project)))
