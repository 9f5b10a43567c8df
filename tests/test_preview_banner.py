"""The box a preview page shows while the files have problems (the browser
test in test_serve.py sees it come and go in a real preview)."""

from __future__ import annotations

from typing import Any

from kamgen.problems import Level, Problem
from kamgen.site import BANNER_PROBLEMS, problem_banner, with_banner

PAGE = '<html><head><title>x</title></head><body dir="ltr" class="a">\n<p>page</p></body></html>'


def problem(n: int, message: str = "tier: 'gold' is not allowed", level: Level = Level.ERROR) -> Problem:
    return Problem("accounts/acme.yaml", n, 7, level, "K104", message)


def test_no_problems_no_box() -> None:
    assert problem_banner([]) == ""
    assert with_banner(PAGE, "") == PAGE


def test_the_box_comes_first_in_the_body_and_escapes_what_the_user_typed() -> None:
    html = with_banner(PAGE, problem_banner([problem(10, "tier: '<img src=x onerror=alert(1)>' & more")]))
    body = html.split('<body dir="ltr" class="a">', 1)[1]
    assert body.startswith('<div id="kamgen-problems"')
    assert (
        "accounts/acme.yaml:10:7: error K104 tier: &#39;&lt;img src=x onerror=alert(1)&gt;&#39; &amp; more"
        in body
    )
    assert "<img" not in html
    assert "1 error(s) in the files; this preview shows the last valid version" in body


def test_warnings_alone_are_listed_as_warnings() -> None:
    box = problem_banner([problem(3, level=Level.WARNING)])
    assert "1 warning(s) in the files" in box and "last valid version" not in box


def test_a_long_list_is_capped_and_points_to_the_terminal() -> None:
    box = problem_banner([problem(n) for n in range(1, BANNER_PROBLEMS + 6)])
    assert box.count("<li>") == BANNER_PROBLEMS + 1
    assert f"acme.yaml:{BANNER_PROBLEMS}:7" in box and f"acme.yaml:{BANNER_PROBLEMS + 1}:7" not in box
    assert "and 5 more: see the terminal" in box


def test_the_server_puts_the_box_in_html_pages_only() -> None:
    from kamgen.site import showing

    def served(environ: dict[str, object], start_response: Any) -> list[bytes]:
        html = environ["PATH_INFO"] == "/"
        body = PAGE.encode() if html else b"<body>not a page"
        start_response(
            "200 OK",
            [("Content-Type", "text/html" if html else "text/plain"), ("Content-Length", str(len(body)))],
        )
        return [body]

    shown = [""]
    app = showing(served, lambda: shown[0])
    answers: list[Any] = []

    def get(path: str) -> tuple[dict[str, str], bytes]:
        body = b"".join(app({"PATH_INFO": path}, lambda status, headers: answers.append(headers)))
        return dict(answers[-1]), body

    assert get("/") == ({"Content-Type": "text/html", "Content-Length": str(len(PAGE))}, PAGE.encode())
    shown[0] = problem_banner([problem(10)])
    headers, body = get("/")
    assert body.decode() == with_banner(PAGE, shown[0]) and headers["Content-Length"] == str(len(body))
    assert get("/x.txt")[1] == b"<body>not a page"
