"""kamgen.searchable: the page as the search index reads it, index unchanged."""

from __future__ import annotations

import pytest
from material.plugins.search.plugin import Parser

from kamgen.searchable import searchable, unmarked


def sections(html: str) -> list[tuple[str | None, str, str]]:
    """What Material's search plugin indexes of ``html``: its sections' ids, titles and texts."""
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(s.id, "".join(s.title), "".join(s.text)) for s in parser.data if not s.is_excluded()]


CUT = [
    # An excluded table goes, with all it holds.
    (
        "<h1 id='t'>T</h1>\n<p>a</p>\n<table data-search-exclude><tr><td>x</td></tr></table>\n<p>b</p>",
        "<h1 id='t'>T</h1>\n<p>a</p>\n\n<p>b</p>",
    ),
    # Excluded cells go, their row stays.
    (
        "<table><tr><td>name</td> <td data-search-exclude>High</td> <td>kept</td></tr></table>",
        "<table><tr><td>name</td>  <td>kept</td></tr></table>",
    ),
    # An excluded heading takes its section up to the next heading of any level.
    (
        '<h2 id="a" data-search-exclude>A</h2>\n<p>x</p>\n<ul><li>y</li></ul>\n<h3 id="b">B</h3>\n<p>z</p>',
        '<h3 id="b">B</h3>\n<p>z</p>',
    ),
    # ... and the rest of the page when it is the last section.
    ('<p>a</p>\n<h2 id="a" data-search-exclude>A</h2>\n<p>x</p>', "<p>a</p>\n"),
    # The same tag nested inside an excluded element.
    (
        "<div data-search-exclude><div>in</div><br><img src='x.png'></div><div>out</div>",
        "<div>out</div>",
    ),
    # A ">" inside a quoted attribute is not the end of the tag.
    ('<td title="a > b" data-search-exclude>x</td><td>y</td>', "<td>y</td>"),
]


@pytest.mark.parametrize(("html", "expected"), CUT)
def test_excluded_parts_are_cut_and_the_index_is_the_same(html: str, expected: str) -> None:
    assert searchable(html) == expected
    assert sections(searchable(html)) == sections(html)


LEFT = [
    # Nothing excluded.
    "<h1 id='t'>T</h1><p>data-search-exclude is a word here</p>",
    # The section of an excluded heading is not balanced up to the next heading.
    '<div><h2 id="a" data-search-exclude>A</h2><p>x</p></div><h2 id="b">B</h2>',
    # An excluded element that is never closed.
    "<p>a</p><table data-search-exclude><tr><td>x</td></tr>",
    # Raw text elements and comments, where a "<" may not be a tag.
    "<script>if (a <td data-search-exclude>) {}</script><td data-search-exclude>x</td>",
    "<!-- <td data-search-exclude> --><td data-search-exclude>x</td>",
    # The attribute's name only starts the same.
    "<td data-search-excluded>x</td>",
]


@pytest.mark.parametrize("html", LEFT)
def test_what_cannot_be_cut_safely_is_left_whole(html: str) -> None:
    assert searchable(html) == html


def test_a_page_that_holds_no_exclusion_is_the_same_object() -> None:
    html = "<h1 id='t'>T</h1><p>text</p>"
    assert searchable(html) is html


def test_marks_are_taken_out_of_tags_only() -> None:
    html = (
        '<h2 id="a" data-search-exclude>A</h2><table data-search-exclude>'
        '<tr><td data-search-exclude class="x">1</td></tr></table>'
        "<p>write data-search-exclude on a tag</p><code>&lt;td data-search-exclude&gt;</code>"
        '<td title="a > b" data-search-exclude>kept, as the mark follows a ">"</td>'
    )
    assert unmarked(html) == (
        '<h2 id="a">A</h2><table><tr><td class="x">1</td></tr></table>'
        "<p>write data-search-exclude on a tag</p><code>&lt;td data-search-exclude&gt;</code>"
        '<td title="a > b" data-search-exclude>kept, as the mark follows a ">"</td>'
    )
