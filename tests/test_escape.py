"""escape.text: the site pages' escaper, tested through real Markdown.

It leaves most punctuation as written (see kamgen.escape), so the proof that
no syntax can form is a conversion: every hostile value, in every place a
template puts a value, must come out as exactly its own text inside exactly
the markup a harmless word gets, with the extensions of kamgen's sites and
the ones Material sites commonly add.
"""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
import pytest

from kamgen.escape import md_block, text

EXTENSIONS = [
    "tables",
    "attr_list",
    "md_in_html",
    "admonition",
    "toc",
    "def_list",
    "abbr",
    "footnotes",
    "pymdownx.tasklist",
    "pymdownx.magiclink",
    "pymdownx.tilde",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.keys",
    "pymdownx.critic",
    "pymdownx.arithmatex",
    "pymdownx.emoji",
    "pymdownx.betterem",
    "pymdownx.inlinehilite",
    "pymdownx.superfences",
    "pymdownx.details",
    "pymdownx.tabbed",
    "pymdownx.blocks.admonition",
]

HOSTILE = [
    "*a* _b_ **c** __d__",
    "[x](javascript:alert(1)) [y][1]",
    "![i](https://t.example/p.png)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "a | b || c",
    "`code` ``x``",
    "{: .cls #id onclick=x }",
    "{++ins++} {--del--} {==mark==} {>>c<<}",
    "++ctrl+alt+del++",
    "==mark== ~~del~~ ~sub~ ^sup^ ^^ins^^",
    "$x^2$ and $$y$$",
    ":smile: :+1: 10:30:00",
    "https://evil.example www.evil.example mail@evil.example",
    "@user #123 org/repo#1",
    "&amp; &#60; &lt; &",
    "# heading",
    "###### h6",
    "- item",
    "+ item",
    "* item",
    "1. one",
    "2026) x",
    "> quote",
    "    indented code",
    "\tcode",
    "---",
    "***",
    "===",
    "!!! note",
    "???+ note",
    "[ ] task",
    "[x] done",
    "[^1]: footnote",
    "[1]: https://evil.example",
    "*[HTML]: abbr",
    ": definition",
    '--8<-- "secrets.md"',
    "/// admonition",
    '=== "Tab"',
    "\\*not em\\*",
    "trailing  ",
    "a\x02wzxhzdk:0\x03b",
    "\"double\" 'single' O'Brien",
    "Riverside Marine S.A., 2026-11-26 (draft); 50% / 3? x-y",
]

_MARKDOWN = markdown.Markdown(extensions=EXTENSIONS)

# Where templates put a value: {v} is replaced.
CONTEXTS = [
    "{v}\n",
    "text {v}\n",
    "- {v}\n",
    "- [ ] {v}\n",
    "## {v}\n",
    "| a | b |\n|---|---|\n| {v} | x |\n",
    "| a | b |\n|---|---|\n| x | {v} |\n",
    "**{v}**\n",
    "[{v}](#anchor)\n",
    '<a href="#anchor">{v}</a>\n',
    '<span title="{v}">x</span>\n',
    "{v}\n{v}\n",
    "{v}\n\n{v}\n",
]


class _Shape(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.text.extend(f"{v} " for k, v in attrs if k == "title")

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def shape(context: str, value: str) -> tuple[list[str], str]:
    source = context.replace("{v}", str(text(value)))
    html = _MARKDOWN.reset().convert(source)
    parser = _Shape()
    parser.feed(html)
    parser.close()
    # Heading permalinks and ids are not the value's text.
    return parser.tags, " ".join("".join(parser.text).split())


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("value", HOSTILE)
def test_no_syntax_forms(context: str, value: str) -> None:
    tags, shown = shape(context, value)
    benign_tags, benign_text = shape(context, "word")
    assert tags == benign_tags, f"{value!r} in {context!r} made markup"
    # Markdown drops the STX/ETX placeholder markers from its source.
    expected = " ".join(value.replace("\x02", "").replace("\x03", "").split())
    assert shown == benign_text.replace("word", expected)


def test_line_breaks_and_paragraphs() -> None:
    assert text("one\ntwo\r\nthree") == "one<br>two<br>three"
    assert md_block("- one\n\n\n1. two") == "&#45; one\n\n1&#46; two"


def test_plain_punctuation_stays_as_written() -> None:
    # The point of this escaper: ordinary text makes no references.
    assert text("Riverside Marine S.A., 2026-11-26 (draft); 50% / 3? Note: x") == (
        "Riverside Marine S.A., 2026-11-26 (draft); 50% / 3? Note: x"
    )
