"""The last line of defence: no traceback ever reaches the user.

Bad input is reported as problems long before this point. What arrives here
is a bug in kamgen or in a library: the user gets one line saying what went
wrong and where the full trace was written, and exit status 3, so that CI
can tell a crash from a failed validation (1) or warnings (2). A closed
pipe (``kamgen codes | head``) ends the program quietly, as Unix tools do.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from kamgen import __version__

EXIT_CRASH = 3
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for `... | head`
LOG_NAME = "kamgen.log"


def guarded(work_dir: Path, run: Callable[[], int]) -> int:
    """``run()``, with every unexpected exception turned into one line and exit 3."""
    try:
        code = run()
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except KeyboardInterrupt:
        print("kamgen: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # the one place where anything is caught
        log = write_trace(work_dir, exc)
        where = f"; the full trace is in {log}" if log else ""
        summary = str(exc).splitlines()[0] if str(exc) else ""
        print(f"kamgen: unexpected error: {type(exc).__name__}: {summary}{where}", file=sys.stderr)
        print("kamgen: this is a bug in kamgen; please report it with that file", file=sys.stderr)
        return EXIT_CRASH


def write_trace(work_dir: Path, exc: BaseException) -> Path | None:
    """Write the full trace to the project's work folder, else to a temp file."""
    text = (
        f"kamgen {__version__} on Python {sys.version.split()[0]}, {dt.datetime.now().isoformat()}\n"
        f"command: {' '.join(sys.argv)}\n\n" + "".join(traceback.format_exception(exc))
    )
    for folder in (work_dir, Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / LOG_NAME
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def _silence_stdout() -> None:
    # Python flushes stdout at exit and would raise again on the closed pipe.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
