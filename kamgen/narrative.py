"""The Markdown body of a .md account, made safe to publish.

The body is the account manager's own Markdown, so it keeps its formatting,
but it is untrusted: raw HTML, script, event handlers, javascript: links and
images from other hosts are removed. It is converted here and cleaned with
nh3 (the Ammonia sanitizer), then handed to the site engine as a finished
HTML block that the engine passes through unchanged.
"""

from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup

EXTENSIONS = ["tables", "fenced_code", "sane_lists", "def_list"]
# No <img>: an image from another host would make every reader's browser
# request it, and the site must load nothing from other hosts.
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


def render_narrative(body: str) -> Markup:
    html = markdown.markdown(body, extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup('<div class="kg-narrative">\n{}\n</div>').format(Markup(clean))
