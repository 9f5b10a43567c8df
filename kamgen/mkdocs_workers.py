"""MkDocs' Markdown conversion of kamgen's pages, on every core.

MkDocs converts one page after the other, on one core; on kamgen's pages
that conversion is most of a build. Once MkDocs knows every file (its `nav`
event), :class:`Converted` converts the generated pages in forked workers
(:mod:`kamgen.workers`), each exactly as MkDocs' own ``Page.render`` does,
with kamgen's HTML tables held aside as in the build (``site.HtmlBlocks``),
and keeps what each conversion gave: the HTML, the table of contents, the
title, the anchors, and what MkDocs logged. When MkDocs then reads the page,
it hands MkDocs an empty page to convert and puts the kept conversion in
its place; what was logged is logged again, so a strict build still fails
on a broken link.

It only steps in where that changes nothing: no plugin but MkDocs' and
kamgen's own reading the Markdown on the way; in a dirty build (the
preview's), only for the pages MkDocs is about to build. The pages are
the same either way (``tests/test_build_shortcuts.py``). It relies on what
``Page.render`` sets in MkDocs 1.6, the last 1.x release.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.pages import Page as MkDocsPage

from kamgen import workers
from kamgen.progress import Say, Ticker

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation

CONVERTED = "kamgen/converted"
# Plugins known not to read or change the Markdown of a page on the way:
# MkDocs' and Material's search, kamgen's preview plugin and its own build plugins.
_HARMLESS = ("search", "material/search", "kamgen")


@dataclass
class Conversion:
    """What converting one page gave MkDocs."""

    content: bytes  # the HTML, compressed: a thousand pages wait here at once
    toc: Any
    title: str | None
    anchors: set[str]
    links_to_anchors: dict[str, dict[str, str]] | None  # by the linked file's src_uri
    logged: list[tuple[str, int, str]] = field(default_factory=list)  # logger, level, message


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


class _NoOptions(Config):  # type: ignore[no-untyped-call]
    pass


class Converted(BasePlugin[_NoOptions]):  # type: ignore[no-untyped-call]
    """Generated pages converted ahead, on every core; see the module."""

    def __init__(
        self, generated: AbstractSet[str], html_blocks: BasePlugin[Any], say: Say, *, dirty: bool = False
    ) -> None:
        self.generated = generated  # read at each build: the preview's set changes
        self.dirty = dirty  # a dirty build (the preview's) converts only the pages it builds
        self.html_blocks = html_blocks
        self.say = say
        self.done: dict[str, Conversion] = {}
        self.markdown: dict[str, str] = {}
        self._config: MkDocsConfig | None = None
        self._files: Files | None = None

    @event_priority(-100)  # after every other plugin has settled the files
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        todo = [
            f
            for f in files.documentation_pages()
            if f.src_uri in self.generated and (not self.dirty or f.is_modified())
        ]
        if not _only_known_plugins(config) or workers.workers(len(todo)) < 2:
            return nav
        self._config, self._files = config, files
        count = workers.workers(len(todo))
        self.say(f"MkDocs: converting {len(todo)} page(s) on {count} cores")
        tick = Ticker(self.say, "MkDocs: converting pages")
        for n, (file, conversion) in enumerate(
            zip(todo, workers.fork_map(self._convert, todo), strict=True), 1
        ):
            if conversion is not None:  # else MkDocs converts it itself, as always
                self.done[file.src_uri] = conversion
            tick(n, len(todo))
        self._config = self._files = None
        return nav

    def _convert(self, file: File) -> Conversion:
        """In a worker: the page converted as MkDocs' build would."""
        assert self._config is not None and self._files is not None
        config, files = self._config, self._files
        # What MkDocs logs goes back to the parent, which logs it (and counts
        # its warnings) in the page's turn; the worker prints nothing itself.
        collect = _Collect()
        mkdocs_log = logging.getLogger("mkdocs")
        handlers, propagate = mkdocs_log.handlers, mkdocs_log.propagate
        mkdocs_log.handlers, mkdocs_log.propagate = [collect], False
        try:
            page = file.page if file.page is not None else MkDocsPage(None, file, config)
            page.read_source(config)
            assert page.markdown is not None
            blocks = self.html_blocks  # the build's site.HtmlBlocks: tables held aside here too
            markdown = page.markdown
            page.markdown = (
                blocks.on_page_markdown(markdown, page=page, config=config, files=files) or markdown
            )
            page.render(config, files)
            html = page.content or ""
            content = blocks.on_page_content(html, page=page, config=config, files=files) or html
        finally:
            mkdocs_log.handlers, mkdocs_log.propagate = handlers, propagate
        links = page.links_to_anchors
        return Conversion(
            zlib.compress(content.encode("utf-8"), 1),
            page.toc,
            page._title_from_render,
            set(page.present_anchor_ids or ()),
            None if links is None else {f.src_uri: dict(a) for f, a in links.items()},
            collect.records,
        )

    @event_priority(100)  # before any other plugin sees the Markdown
    def on_page_markdown(
        self, markdown: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        if page.file.src_uri not in self.done:
            return markdown
        self.markdown[page.file.src_uri] = markdown
        return ""  # converted already: MkDocs has nothing left to do

    @event_priority(100)  # before any other plugin sees the HTML
    def on_page_content(self, html: str, /, *, page: MkDocsPage, config: MkDocsConfig, files: Files) -> str:
        done = self.done.pop(page.file.src_uri, None)
        if done is None:
            return html
        page.markdown = self.markdown.pop(page.file.src_uri)
        page.toc = done.toc
        page._title_from_render = done.title
        page.present_anchor_ids = done.anchors
        if done.links_to_anchors is not None:
            page.links_to_anchors = {
                linked: anchors
                for uri, anchors in done.links_to_anchors.items()
                if (linked := files.get_file_from_path(uri)) is not None
            }
        for name, level, message in done.logged:
            logging.getLogger(name).log(level, message)
        return zlib.decompress(done.content).decode("utf-8")


def _only_known_plugins(config: MkDocsConfig) -> bool:
    return all(name in _HARMLESS or name.startswith("kamgen/") for name in config.plugins)
