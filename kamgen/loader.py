"""Discover and parse account and settings files, keeping every position.

The loader builds plain Python values from YAML itself, so that it can see
what ``yaml.safe_load`` hides: duplicate keys, YAML 1.1 implicit types, and
where each value was written. It reads libyaml's events in one pass
(:mod:`kamgen.yamlstream`) when the document is made of what accounts are
made of, and composes nodes for the rest (anchors, aliases, tags, errors).
Nothing here raises on bad input; problems are collected on the document.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from frontmatter import default_handlers

from kamgen import codes, slips, yamlstream
from kamgen.document import (
    MAX_NODES,
    NUMBER_TAGS,
    STR_TAG,
    TYPE_NAMES,
    Document,
    Implicit,
    Key,
    Pos,
    base_sixty,
    duplicate_key,
)
from kamgen.limits import DEFAULT, Limits
from kamgen.problems import Collector, Problem

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ACCOUNT_SUFFIXES = (".yaml", ".yml", ".md")

# Re-exported: the parsed document is read everywhere as the loader's.
__all__ = ["Document", "Implicit", "Key", "Pos", "load_file", "parse_text", "parse_yaml"]


class _Builder:
    """Turns a composed node tree into plain values plus position tables."""

    def __init__(self, doc: Document, out: Collector, line_offset: int, col_offset: int) -> None:
        self.doc = doc
        self.out = out
        self.line_offset = line_offset
        self.col_offset = col_offset
        # A bare constructor: a whole SafeLoader is a reference cycle that keeps
        # every constructed node alive until the cyclic collector runs.
        self.constructor = yaml.constructor.SafeConstructor()
        self.count = 0
        self.stopped = False

    def pos(self, mark: yaml.Mark) -> Pos:
        col = mark.column + (self.col_offset if mark.line == 0 else 0)
        return Pos(mark.line + 1 + self.line_offset, col + 1)

    def build(self, node: yaml.Node, key: Key, active: frozenset[int]) -> Any:
        self.count += 1
        if self.count > MAX_NODES or id(node) in active:
            if not self.stopped:
                self.stopped = True
                what = "a recursive alias" if id(node) in active else f"over {MAX_NODES:,} values"
                self.out.add(
                    self.pos(node.start_mark),
                    codes.TOO_LARGE,
                    f"document has {what}; stopped reading here",
                )
            return None
        self.doc.values[key] = self.pos(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, key, active | {id(node)})
        if isinstance(node, yaml.SequenceNode):
            inner = active | {id(node)}
            return [self.build(item, (*key, i), inner) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self.scalar(node, key)

    def mapping(self, node: yaml.MappingNode, key: Key, active: frozenset[int]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Pos] = {}
        pairs = list(node.value)
        n = 0
        while n < len(pairs):
            key_node, value_node = pairs[n]
            groups = _digit_groups(pairs, n) if node.flow_style else []
            n += 1 + len(groups)
            name = self.key_text(key_node)
            where = self.pos(key_node.start_mark)
            if name in first_seen:
                self.out.add(where, codes.DUPLICATE_KEY, duplicate_key(name, first_seen[name]))
                continue
            first_seen[name] = where
            self.doc.keys[(*key, name)] = where
            if isinstance(key_node, yaml.ScalarNode) and _implicit(key_node):
                self.doc.implicit_keys[(*key, name)] = Implicit(key_node.value, TYPE_NAMES[key_node.tag])
            if groups:
                result[name] = self.grouped_number(value_node, groups, (*key, name))
            else:
                result[name] = self.build(value_node, (*key, name), active)
        return result

    def grouped_number(self, node: yaml.Node, groups: list[str], key: Key) -> str:
        """`{amount: 2,900,000}`: in a flow mapping the commas split the number
        into fields; keep it whole, as written, for validation to report."""
        written = ",".join([str(node.value), *groups])
        self.doc.values[key] = self.pos(node.start_mark)
        self.doc.grouped[key] = (str(node.value), groups)
        self.doc.reported.add(key)
        return written

    def key_text(self, node: yaml.Node) -> str:
        if not isinstance(node, yaml.ScalarNode):
            self.out.add(
                self.pos(node.start_mark),
                codes.WRONG_TYPE,
                "a key must be plain text, not a list or mapping",
            )
            return f"<complex key at line {self.pos(node.start_mark).line}>"
        return str(node.value)

    def scalar(self, node: yaml.ScalarNode, key: Key) -> Any:
        if node.tag == STR_TAG:
            return node.value
        if node.tag in NUMBER_TAGS and ":" in node.value:
            quoted = self.out.limits.quote(node.value)
            try:
                value = self.constructor.construct_object(node)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError):
                return node.value  # `!!int 1:zz` is no number: the schema reports the text
            self.out.add(self.pos(node.start_mark), codes.IMPLICIT_TYPE, base_sixty(quoted, value))
            self.doc.reported.add(key)
            return node.value
        if _implicit(node):
            self.doc.implicit[key] = Implicit(node.value, TYPE_NAMES[node.tag])
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            # e.g. 2026-02-30 matches the timestamp pattern but is no date;
            # keep the text so the schema reports it with its field.
            return node.value


def _implicit(node: yaml.ScalarNode) -> bool:
    """Whether YAML read a plain scalar as something other than text."""
    return node.tag != STR_TAG and not node.style and node.tag in TYPE_NAMES


_GROUP = re.compile(r"^\d{3}$")
_LAST_GROUP = re.compile(r"^\d{3}(?:\.\d+)?$")


def _digit_groups(pairs: list[tuple[yaml.Node, yaml.Node]], n: int) -> list[str]:
    """The digit groups of a number written with commas in a flow mapping:
    after a plain whole number, keys such as 900 and 000 with no value."""
    value = pairs[n][1]
    if not (isinstance(value, yaml.ScalarNode) and not value.style and value.value.isdigit()):
        return []
    groups: list[str] = []
    line = value.end_mark.line
    for key_node, value_node in pairs[n + 1 :]:
        bare = (
            isinstance(key_node, yaml.ScalarNode)
            and not key_node.style
            and isinstance(value_node, yaml.ScalarNode)
            and value_node.value == ""
            and key_node.start_mark.line == line
            and _LAST_GROUP.match(key_node.value)
        )
        if not bare:
            break
        groups.append(key_node.value)
        if not _GROUP.match(key_node.value):
            break
    return groups


def _position_of(text: str, index: int) -> Pos:
    line = text.count("\n", 0, index) + 1
    return Pos(line, index - (text.rfind("\n", 0, index) + 1) + 1)


# What YAML counts as a line break, as its marks count lines.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _yaml_error(out: Collector, exc: yaml.YAMLError, source: str, line_offset: int) -> None:
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, yaml.reader.ReaderError):
        index = exc.position
        if Loader is not yaml.SafeLoader:
            # libyaml counts this position in UTF-8 bytes, not characters.
            index = len(source.encode("utf-8")[:index].decode("utf-8", errors="ignore"))
        pos = _position_of(source, index)
        out.add(
            Pos(pos.line + line_offset, pos.col),
            codes.YAML_SYNTAX,
            f"character U+{exc.character:04X} is not allowed in YAML",
        )
        return
    pos = Pos(1 + line_offset, 1)
    lines = _LINE_BREAK.split(source)
    slip = slips.explain(exc, lines)
    if slip is not None:
        line, col, message = slip
        out.add(Pos(line + 1 + line_offset, col + 1), codes.YAML_SYNTAX, message)
        return
    if mark is not None:
        line, col = mark.line, mark.column
        if line >= len(lines):
            # libyaml puts the end of a file without a final line break on the
            # line after it; point at the end of the last line instead.
            line, col = len(lines) - 1, len(lines[-1])
        pos = Pos(line + 1 + line_offset, col + 1)
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    message = "; ".join(p for p in parts if p) or str(exc).splitlines()[0]
    out.add(pos, codes.YAML_SYNTAX, message)


def parse_yaml(
    doc: Document,
    out: Collector,
    source: str,
    line_offset: int = 0,
    col_offset: int = 0,
    *,
    empty_ok: bool = False,
    one_pass: bool = True,
) -> None:
    """Fill ``doc.data`` and its position tables from ``source``: in one pass
    over libyaml's events when the document allows (and ``one_pass``), else
    composed. Both give the same document and problems."""
    if not (one_pass and _streamed(doc, out, source, line_offset, col_offset)):
        compose_yaml(doc, out, source, line_offset, col_offset, empty_ok=empty_ok)


def _streamed(doc: Document, out: Collector, source: str, line_offset: int, col_offset: int) -> bool:
    """Whether ``source`` was read from the event stream (:mod:`kamgen.yamlstream`);
    when it was not, ``doc`` and ``out`` are as they were."""
    if not yamlstream.available(Loader):
        return False
    read, found = Document(doc.path), Collector(out.path, out.limits)
    resolvers = Loader.yaml_implicit_resolvers
    try:
        data, start = yamlstream.build(read, found, source, resolvers, line_offset, col_offset)
    except (yamlstream.Unsupported, yaml.YAMLError):
        return False
    doc.values, doc.keys, doc.implicit = read.values, read.keys, read.implicit
    doc.implicit_keys, doc.grouped, doc.reported = read.implicit_keys, read.grouped, read.reported
    out.problems += found.problems
    _keep(doc, out, data, start)
    return True


def compose_yaml(
    doc: Document,
    out: Collector,
    source: str,
    line_offset: int = 0,
    col_offset: int = 0,
    *,
    empty_ok: bool = False,
) -> None:
    """:func:`parse_yaml` through PyYAML's composed nodes, which knows all of
    YAML (anchors, aliases, tags, complex keys) and words every parse error."""
    try:
        node = yaml.compose(source, Loader=Loader)
    except yaml.YAMLError as exc:
        _yaml_error(out, exc, source, line_offset)
        return
    if node is None:
        if empty_ok:  # nothing written (or only comments): every default holds
            doc.data = {}
            return
        out.add(Pos(1 + line_offset, 1), codes.NOT_A_MAPPING, "the document is empty")
        return
    builder = _Builder(doc, out, line_offset, col_offset)
    data = builder.build(node, (), frozenset())
    _keep(doc, out, data, builder.pos(node.start_mark))


def _keep(doc: Document, out: Collector, data: Any, start: Pos) -> None:
    if not isinstance(data, dict):
        out.add(
            start,
            codes.NOT_A_MAPPING,
            "expected a mapping of fields at the top level"
            + (slips.fullwidth_colon(data) if isinstance(data, str) else ""),
        )
        return
    doc.data = data


def _unreadable(path: Path, root: Path | None) -> str | None:
    """Why a path must not be read, if it must not: only regular files are
    read (a FIFO would hang, /dev/zero never end), and a symbolic link only
    when it stays inside the project (else a pull request could publish any
    file of the machine that builds the site)."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve(strict=True)
            if root is not None and not target.is_relative_to(root.resolve()):
                return f"it is a symbolic link to {target}, outside the project; links must stay inside"
            info = target.stat()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        return f"cannot read file: {getattr(exc, 'strerror', None) or exc}"
    if stat.S_ISDIR(info.st_mode):
        return "cannot read file: it is a folder"
    if not stat.S_ISREG(info.st_mode):
        return "cannot read file: it is not a regular file (a device, a pipe or a socket)"
    return None


def read_text(out: Collector, path: Path, root: Path | None = None, limits: Limits = DEFAULT) -> str | None:
    refused = _unreadable(path, root)
    if refused:
        out.add(Pos(1, 1), codes.READ_ERROR, refused)
        return None
    try:
        with path.open("rb") as file:
            raw = file.read(limits.file_bytes + 1)  # never more, whatever the file claims
    except OSError as exc:
        out.add(Pos(1, 1), codes.READ_ERROR, f"cannot read file: {exc.strerror or exc}")
        return None
    if len(raw) > limits.file_bytes:
        out.add(
            Pos(1, 1),
            codes.TOO_LARGE,
            f"the file is larger than {limits.file_bytes:,} bytes, the limit (limits.file_bytes "
            "in kamgen.yml); nothing of it was read",
        )
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        pos = _position_of(good, len(good))
        out.add(pos, codes.ENCODING, f"not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded")
        return None


_FM = default_handlers.YAMLHandler()


def parse_markdown(doc: Document, out: Collector, text: str, *, one_pass: bool = True) -> None:
    """Parse YAML front matter at its true position, and keep the body."""
    if not _FM.detect(text):
        out.add(Pos(1, 1), codes.FRONT_MATTER, "no YAML front matter: start the file with a '---' line")
        return
    opening = _FM.FM_BOUNDARY.search(text)
    try:
        fm, body = _FM.split(text)
    except ValueError:
        out.add(Pos(1, 1), codes.FRONT_MATTER, "front matter is not closed by a second '---' line")
        return
    assert opening is not None  # detect() matched
    start = opening.end()
    # The boundary pattern may swallow blank lines; count from where the
    # YAML really starts so that positions match the editor's.
    start = text.index(fm, start) if fm else start
    line_offset = text.count("\n", 0, start)
    col_offset = start - (text.rfind("\n", 0, start) + 1)
    parse_yaml(doc, out, fm, line_offset, col_offset, one_pass=one_pass)
    # The body starts on the line after the closing '---'.
    body = body[2:] if body.startswith("\r\n") else body[1:] if body.startswith("\n") else body
    doc.body = body
    doc.body_line = text.count("\n", 0, len(text) - len(body)) + 1


def load_file(
    path: Path,
    display: str,
    *,
    root: Path | None = None,
    limits: Limits = DEFAULT,
    empty_ok: bool = False,
) -> tuple[Document, list[Problem]]:
    """The parsed file, and the problems found reading and parsing it.

    ``root`` is the project folder, which symbolic links must not leave."""
    doc, out = Document(display), Collector(display, limits)
    text = read_text(out, path, root, limits)
    if text is None:
        return doc, out.problems
    return parse_text(path, display, text, limits=limits, empty_ok=empty_ok)


def parse_text(
    path: Path,
    display: str,
    text: str,
    *,
    limits: Limits = DEFAULT,
    empty_ok: bool = False,
    one_pass: bool = True,
) -> tuple[Document, list[Problem]]:
    """The file at ``path`` parsed from ``text``, its content as already read."""
    doc, out = Document(display), Collector(display, limits)
    if path.suffix == ".md":
        parse_markdown(doc, out, text, one_pass=one_pass)
    else:
        parse_yaml(doc, out, text, empty_ok=empty_ok, one_pass=one_pass)
    return doc, out.problems


def account_id(path: Path) -> str:
    return path.stem


def discover(accounts_dir: Path) -> Iterator[Path]:
    """Account files, in a stable order. Hidden files and README are skipped."""
    if not accounts_dir.is_dir():
        return
    for path in sorted(accounts_dir.iterdir()):
        if path.name.startswith(".") or path.stem.upper() == "README":
            continue
        if path.suffix in ACCOUNT_SUFFIXES:
            yield path
