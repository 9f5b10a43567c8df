"""Helpers for the browser tests: serve a built site, find Chromium,
record what a page requests and logs, and check screenshots and colours.

Nothing here downloads a browser: the tests drive Debian's Chromium.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import struct
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Error, Page, Request

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "test-output" / "browser"

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "install Debian's Chromium with `sudo apt-get install chromium` "
    "(and `fonts-noto-cjk` for Chinese names); never `playwright install`"
)

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
INLINE_SCHEMES = frozenset({"data", "blob"})


# --- the browser-missing policy ------------------------------------------------


def in_ci() -> bool:
    """True when the CI environment variable is set to a true value."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def unavailable(reason: str) -> None:
    """Fail in CI (a missing browser must never pass unnoticed there); skip elsewhere."""
    if in_ci():
        pytest.fail(f"browser tests cannot run in CI: {reason}; {INSTALL_HINT}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}; to run them, {INSTALL_HINT}")


def find_chromium() -> str:
    """The path of Debian's Chromium, or fail/skip under the policy above."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    found = shutil.which("chromium")
    if found:
        return found
    unavailable(f"{CHROMIUM} not found and no `chromium` on PATH")
    raise AssertionError("unreachable")  # pytest.fail/skip raise


# --- serving a built site ------------------------------------------------------


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    """Ignores clients that hang up mid-response (the browser cancels requests)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) and yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- what the page does --------------------------------------------------------


def is_local(url: str) -> bool:
    """True for requests that stay on this machine (or inside the page)."""
    parts = urlsplit(url)
    if parts.scheme in INLINE_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOCAL_HOSTS


@dataclass
class Recorder:
    """Every request, console error and uncaught exception of one page."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_pageerror)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            loc = message.location
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc and loc.get("url") else ""
            self.console_errors.append(f"{message.text}{where}")

    def _on_pageerror(self, error: Error) -> None:
        self.page_errors.append(f"{error.name}: {error.message}")

    @property
    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not is_local(url)]

    def assert_only_local_requests(self) -> None:
        assert self.requests, "no requests were recorded at all: is the recorder attached?"
        foreign = self.foreign_requests
        assert not foreign, f"{len(foreign)} request(s) left 127.0.0.1/localhost:\n" + "\n".join(
            f"  {url}" for url in foreign
        )

    def assert_no_errors(self) -> None:
        problems = [f"  console error: {m}" for m in self.console_errors]
        problems += [f"  page error: {m}" for m in self.page_errors]
        assert not problems, "the page reported errors:\n" + "\n".join(problems)


# --- the sample data -----------------------------------------------------------

VISIBILITY_ORDER = ("public", "internal", "restricted")


def visible_stakeholders(account_file: Path, level: str = "internal") -> dict[str, str]:
    """Id and name of each stakeholder a build at ``level`` shows (items default to internal)."""
    data = yaml.safe_load(account_file.read_text(encoding="utf-8"))
    allowed = VISIBILITY_ORDER[: VISIBILITY_ORDER.index(level) + 1]
    return {
        str(s["id"]): str(s["name"])
        for s in data.get("stakeholders") or []
        if s.get("visibility", "internal") in allowed
    }


# --- screenshots ---------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file, checking that it is one."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def assert_screenshot(path: Path, *, min_bytes: int, min_width: int, min_height: int) -> None:
    assert path.is_file(), f"screenshot {path} was not written"
    size = path.stat().st_size
    assert size >= min_bytes, f"{path} is only {size} bytes (expected at least {min_bytes})"
    width, height = png_size(path)
    assert width >= min_width and height >= min_height, (
        f"{path} is {width}x{height} px (expected at least {min_width}x{min_height})"
    )


# --- colours -------------------------------------------------------------------

# Runs in the page with the first text element of the map. Returns its fill,
# the colour painted behind its centre (SVG shapes and HTML backgrounds under
# it, composited), the page background, and the text colour composited over
# that backdrop. Colours are normalised through a canvas, so any CSS syntax
# (hex, rgb(), hsl(), color-mix()) comes back as [r, g, b, a].
TEXT_COLOURS_JS = """
(text) => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const rgba = (css) => {
    if (!css || css === "none" || css.startsWith("url(")) return null;
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = "rgba(0, 0, 0, 0)";
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const opacity = (el, prop) => {
    const s = getComputedStyle(el);
    return parseFloat(s.opacity || "1") * parseFloat(s[prop] || "1");
  };
  const SHAPES = new Set(["rect", "circle", "ellipse", "path", "polygon", "polyline"]);
  const layerOf = (el) => {
    if (el instanceof SVGElement && el.tagName.toLowerCase() !== "svg") {
      if (!SHAPES.has(el.tagName.toLowerCase())) return null;
      const c = rgba(getComputedStyle(el).fill);
      if (!c) return null;
      c[3] *= opacity(el, "fillOpacity");
      return c;
    }
    const c = rgba(getComputedStyle(el).backgroundColor);
    return c && c[3] > 0 ? c : null;
  };
  const box = text.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const layers = [];
  for (const el of document.elementsFromPoint(x, y)) {
    if (el === text || text.contains(el)) continue;
    const c = layerOf(el);
    if (!c || c[3] === 0) continue;
    layers.push(c);
    if (c[3] >= 1) break;
  }
  let backdrop = [255, 255, 255, 1];
  for (const c of layers.reverse()) backdrop = over(c, backdrop);
  const fill = rgba(getComputedStyle(text).fill);
  if (fill) fill[3] *= opacity(text, "fillOpacity");
  const bodyBg = rgba(getComputedStyle(document.body).backgroundColor);
  const pageBg = bodyBg && bodyBg[3] > 0 ? bodyBg : rgba(getComputedStyle(document.documentElement).backgroundColor);
  return {
    text: text.textContent,
    fillCss: getComputedStyle(text).fill,
    fill,
    backdrop,
    pageBackground: pageBg,
    effective: fill ? over(fill, backdrop) : null,
  };
}
"""


def parse_rgb(css: str) -> list[float]:
    """The channels of a computed ``rgb()``/``rgba()`` colour."""
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    assert css.startswith("rgb") and len(values) >= 3, f"not an rgb() colour: {css!r}"
    return [*values[:3], values[3] if len(values) > 3 else 1.0]


def luminance(rgb: list[float]) -> float:
    """WCAG relative luminance of an sRGB colour given as 0-255 channels."""

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def same_colour(a: list[float], b: list[float], tolerance: float = 2.0) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a[:3], b[:3], strict=True))


# --- Material's search ------------------------------------------------------------


def search_ready(page: Page, initializing: str, timeout_ms: int = 15_000) -> str:
    """Wait until Material's search has loaded its index (the results say
    something else than ``initializing``); returns what they say while the box is empty."""
    from playwright.sync_api import expect

    meta = page.locator(".md-search-result__meta")
    expect(meta).not_to_have_text(initializing, timeout=timeout_ms)
    return (meta.text_content() or "").strip()


def search_results(page: Page, query: str, ready: str, timeout_ms: int = 15_000) -> list[str]:
    """Type ``query`` into Material's search box (``ready`` from :func:`search_ready`)
    and return the paths (with fragments) of the results, best first."""
    from playwright.sync_api import expect

    meta = page.locator(".md-search-result__meta")
    box = page.locator("input.md-search__input")
    box.click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Backspace")
    expect(box).to_have_value("")
    expect(meta).to_have_text(ready)
    before = ready
    page.keyboard.type(query)
    # Material searches on keyup; CJK text arrives without key events (as from an
    # IME), so finish with a key that moves the caret, as committing an IME does.
    page.keyboard.press("End")
    expect(meta).not_to_have_text(before, timeout=timeout_ms)
    hrefs: list[str] = page.locator(".md-search-result__link").evaluate_all("links => links.map(a => a.href)")
    parts = [urlsplit(h) for h in hrefs]
    return [unquote(u.path) + (f"#{unquote(u.fragment)}" if u.fragment else "") for u in parts]
