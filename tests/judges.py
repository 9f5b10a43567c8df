"""The external judges of the built site: axe-core (in Chromium) and the W3C Nu
HTML checker (vnu-jar, with Java).

Both are npm packages pinned in ``tools/judges/package-lock.json`` and
installed by ``make judges`` (``npm ci``) into the git-ignored
``tools/judges/node_modules``; nothing is downloaded while the tests run.
When they are missing the tests fail, saying how to install them.

A violation or error is kamgen's when it is inside the page content kamgen
wrote (Material's ``<article class="md-content__inner">``), Material's when
it is in the theme's chrome around it (header, navigation, search, footer).
Material's own are accepted only when listed, with a reason, in
``tests/judges/axe-allowlist.yml`` or ``tests/judges/vnu-allowlist.yml``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
JUDGES = ROOT / "tools" / "judges"
AXE_JS = JUDGES / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = JUDGES / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ALLOWLISTS = Path(__file__).resolve().parent / "judges"
INSTALL = "install them with `make judges` (runs `npm ci` in tools/judges; needs npm)"

# The WCAG 2.2 AA rule set (plus axe's best practices, which cover empty table headers).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = frozenset({"critical", "serious"})


def require(path: Path, what: str) -> Path:
    """``path``, or fail (never skip) with how to install it."""
    if not path.is_file():
        pytest.fail(f"{what} is not installed ({path} is missing): {INSTALL}", pytrace=False)
    return path


# --- axe-core ------------------------------------------------------------------

# Runs axe over the whole document and says, for every node, whether it is in
# the content kamgen wrote or in Material's chrome.
AXE_RUN_JS = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => {
    const sel = Array.isArray(n.target[0]) ? n.target[0][0] : n.target[0];
    const el = document.querySelector(sel);
    const inContent = !!(el && el.closest("article.md-content__inner"));
    return {
      rule: v.id, impact: n.impact || v.impact, target: n.target.flat().join(" "),
      html: n.html.slice(0, 200), summary: (n.failureSummary || "").slice(0, 300),
      owner: inContent ? "kamgen" : "material",
    };
  }));
}
"""


@dataclass(frozen=True)
class AxeNode:
    rule: str
    impact: str
    target: str
    html: str
    summary: str
    owner: str  # "kamgen" or "material"

    def __str__(self) -> str:
        return f"[{self.impact}] {self.rule} at {self.target}: {self.html}\n      {self.summary}"


def run_axe(page: Page) -> list[AxeNode]:
    """Every violating node of the page as loaded."""
    page.add_script_tag(path=str(require(AXE_JS, "axe-core")))
    nodes: list[dict[str, str]] = page.evaluate(AXE_RUN_JS, AXE_TAGS)
    return [AxeNode(**n) for n in nodes]


@dataclass(frozen=True)
class Allowed:
    """One accepted violation of Material's: a rule (or message) and where, with a reason."""

    match: str  # an axe rule id, or a regular expression for a vnu message
    where: str  # a regular expression the target (axe) or the source extract (vnu) contains
    reason: str


def allowlist(name: str) -> list[Allowed]:
    data = yaml.safe_load((ALLOWLISTS / name).read_text(encoding="utf-8")) or []
    entries = [Allowed(str(e["match"]), str(e.get("where", "")), str(e["reason"]).strip()) for e in data]
    assert all(e.reason for e in entries), f"every entry in {name} needs a reason"
    return entries


def axe_allowed(node: AxeNode, entries: list[Allowed]) -> bool:
    return node.owner == "material" and any(
        e.match == node.rule and re.search(e.where, node.target) for e in entries
    )


def by_impact(nodes: list[AxeNode]) -> dict[str, Counter[str]]:
    """Node counts by owner, then by impact."""
    counts: dict[str, Counter[str]] = {"kamgen": Counter(), "material": Counter()}
    for node in nodes:
        counts[node.owner][node.impact] += 1
    return counts


# --- the W3C Nu HTML checker -----------------------------------------------------


@dataclass(frozen=True)
class VnuError:
    file: str
    line: int
    message: str
    extract: str
    owner: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}\n      {self.extract!r}"


def _content_lines(html: str) -> tuple[int, int]:
    """First and last line of Material's content article (kamgen's markup)."""
    start = html.find('<article class="md-content__inner')
    end = html.find("</article>", start)
    if start < 0 or end < 0:
        return (0, -1)
    return html.count("\n", 0, start) + 1, html.count("\n", 0, end) + 1


def run_vnu(site: Path) -> list[VnuError]:
    """Every error the Nu checker reports in the site's HTML pages."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("the Nu HTML checker needs Java 17 or later: `sudo apt-get install default-jre-headless`")
    jar = require(VNU_JAR, "vnu-jar")
    pages = sorted(str(p) for p in site.rglob("*.html"))
    done = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--errors-only", "--exit-zero-always", *pages],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"vnu failed ({done.returncode}): {done.stderr[-2000:]}"
    messages: list[dict[str, Any]] = json.loads(done.stderr or done.stdout)["messages"]
    content: dict[str, tuple[int, int]] = {}
    errors = []
    for m in messages:
        if m.get("type") != "error":
            continue
        path = Path(str(m.get("url", "")).removeprefix("file:"))
        if path not in content:
            content[path] = _content_lines(path.read_text(encoding="utf-8")) if path.is_file() else (0, -1)
        first, last = content[path]
        line = int(m.get("lastLine", 0))
        owner = "kamgen" if first <= line <= last else "material"
        rel = path.relative_to(site).as_posix() if path.is_relative_to(site) else str(path)
        errors.append(VnuError(rel, line, str(m.get("message", "")), str(m.get("extract", "")), owner))
    return errors


def vnu_allowed(error: VnuError, entries: list[Allowed]) -> bool:
    return error.owner == "material" and any(
        re.search(e.match, error.message) and re.search(e.where, error.extract) for e in entries
    )
