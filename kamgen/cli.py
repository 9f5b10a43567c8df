"""The command line: parse arguments, call the core, report, exit."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from kamgen import __version__, codes
from kamgen.pipeline import Project, Result, load, validate
from kamgen.problems import FORMATTERS, Level, Problem, exit_code
from kamgen.schema import Account, Settings, Visibility, json_schema


def _say(message: str) -> None:
    print(f"kamgen: {message}", file=sys.stderr)


def _report(result: Result, fmt: str) -> None:
    text = FORMATTERS[fmt](result.problems)
    if text:
        sys.stdout.write(text)


def cmd_validate(args: argparse.Namespace, project: Project) -> int:
    paths = [Path(p) for p in args.paths] or None
    result = validate(project, paths, health_on=args.today if args.health else None)
    _report(result, args.format)
    if args.format == "text" and result.ok:
        count = len(result.portfolio.accounts) if result.portfolio else 0
        _say(f"{count} account(s) valid")
    return exit_code(result.problems, strict=args.strict)


def cmd_schema(args: argparse.Namespace, project: Project) -> int:
    model, name = (Settings, "settings") if args.settings else (Account, "account")
    text = json.dumps(json_schema(model, name), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        _say(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_codes(args: argparse.Namespace, project: Project) -> int:
    import kamgen.analytics  # noqa: F401  (registers the health finding codes)

    for code in sorted(codes.CODES.values(), key=lambda c: c.code):
        print(f"{code.code} {code.name} ({code.level})\n    {code.doc}")
    return 0


def cmd_build(args: argparse.Namespace, project: Project) -> int:
    from kamgen.outdir import UnsafeSiteDir, check_site_dir
    from kamgen.render import render_project
    from kamgen.site import BuildError, build_site

    started = time.perf_counter()
    site_dir = Path(args.site_dir) if args.site_dir else project.root / "site"
    try:
        site_dir = check_site_dir(site_dir, project.root)
    except UnsafeSiteDir as exc:
        shown = Path(args.site_dir or "site").as_posix()
        refused = Problem(
            shown, 1, 1, Level.ERROR, codes.SITE_DIR.code, f"refusing to build into {shown}: {exc}"
        )
        _report(Result([refused]), "text")
        return exit_code([refused])
    result = load(project)
    _report(result, "text")
    if not result.ok or result.portfolio is None:
        _say("not building: fix the errors above (the previous site is unchanged)")
        return exit_code(result.problems)
    portfolio = result.portfolio
    _say(f"validated {len(portfolio.accounts)} account(s)")
    site = render_project(project, portfolio, today=args.today, visibility=args.visibility)
    _say(f"rendered {len(site.pages)} page(s); building the site with MkDocs")
    try:
        build_site(project, portfolio.settings, site, site_dir)
    except BuildError as exc:
        _say(f"MkDocs build failed: {exc} (the previous site is unchanged)")
        return 1
    _say(f"built {site_dir} in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_report(args: argparse.Namespace, project: Project) -> int:
    from kamgen import report

    result = load(project)
    if result.portfolio is None:
        sys.stderr.write(FORMATTERS["text"](result.problems))
        _say("no report: fix the errors above first")
        return exit_code(result.problems)
    data = report.build(result.portfolio, args.today, args.visibility)
    sys.stdout.write(report.FORMATS[args.format](data))
    return 0


def cmd_serve(args: argparse.Namespace, project: Project) -> int:
    from kamgen.site import serve

    result = load(project)
    _report(result, "text")
    if result.portfolio is None:
        _say("fix the errors above first; the preview starts from a valid portfolio")
        return exit_code(result.problems)
    _say(f"serving on http://{args.dev_addr}/ ; edits to accounts, templates, docs or settings reload it")
    serve(project, result.portfolio.settings, args.dev_addr)
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


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
    p.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    p.add_argument("--strict", action="store_true", help="exit 2 when there are warnings")
    p.add_argument(
        "--no-health",
        dest="health",
        action="store_false",
        help="schema and reference checks only, no health findings",
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
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("report", help="qualification, health and time allocation across the portfolio")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    _today_option(p)
    _visibility_option(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("serve", help="live preview: re-render and reload on every change")
    p.add_argument(
        "-a", "--dev-addr", default="127.0.0.1:8000", help="IP:PORT to serve on (default 127.0.0.1:8000)"
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("codes", help="list every problem code with its meaning")
    p.set_defaults(func=cmd_codes)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(levelname)s %(message)s")
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    project = Project(args.root.resolve()) if args.root else Project.find(Path.cwd())
    code: int = args.func(args, project)
    return code
