"""Load stage: read the content tree into documents that remember where every value came from.

YAML is composed into nodes (safe loading only) and turned into plain Python values by hand, so
that each value and each mapping key keeps its 1-based line and column. Timestamps stay strings
(the schemas check their form), keys stay the text that was typed (``no:`` is the key "no"), and
anchors/aliases are refused, which also makes an alias bomb harmless.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from generator.errors import FILE, SYNTAX, Problems
from generator.pipeline import contentfiles

try:  # libyaml is much faster; the pure-Python loader gives the same marks
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):
    """The safe loader without path resolvers (which no one registers here): the composer asks
    the resolver about every node, and these two calls were a tenth of the loading time."""

    def descend_resolver(self, current_node, current_index):  # noqa: ARG002
        pass

    def ascend_resolver(self):
        pass

MAX_FILE_BYTES = 1_000_000  # one service, department or article
MAX_PO_BYTES = 32_000_000  # one language's translations of a whole catalog (2,000 services: 4 MB)
MAX_DEPTH = 24
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_HINT = "use lowercase letters, digits and hyphens, like 'pothole-repair'"

Path_ = tuple  # a path into a document: ("request", "questions", 1, "datatype")


def field_name(path: Path_) -> str:
    """("request", "questions", 1, "datatype") -> "request.questions[1].datatype"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or FILE


@dataclass
class Doc:
    """One source file: its data and where each piece of it is."""

    path: str  # relative to the content root, with forward slashes
    kind: str  # department | service | alert | calendar | article | config
    id: str
    data: Any = None
    values: dict = field(default_factory=dict)  # path -> (line, col) of the value
    keys: dict = field(default_factory=dict)  # path -> (line, col) of the mapping key
    body: str = ""  # Markdown body of an article
    body_line: int = 1  # line of the body's first line in the file
    line_offset: int = 0  # front matter starts after this many lines

    def pos(self, path: Path_) -> tuple[int, int]:
        """Where the value at `path` is, or its nearest ancestor."""
        path = tuple(path)
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1 + self.line_offset, 1))

    def key_pos(self, path: Path_) -> tuple[int, int]:
        """Where the key of the entry at `path` is (falls back to the value)."""
        path = tuple(path)
        return self.keys.get(path) or self.pos(path)

    def get(self, path: Path_, default: Any = None) -> Any:
        cur = self.data
        for part in path:
            try:
                cur = cur[part]
            except (KeyError, IndexError, TypeError):
                return default
        return cur


class LoadError(Exception):
    def __init__(self, line: int, col: int, field: str, message: str):
        super().__init__(message)
        self.line, self.col, self.field, self.message = line, col, field, message


_STR = "tag:yaml.org,2002:str"
_SCALARS = SafeConstructor()
_CONSTRUCT = {
    "tag:yaml.org,2002:null": _SCALARS.construct_yaml_null,
    "tag:yaml.org,2002:bool": _SCALARS.construct_yaml_bool,
    "tag:yaml.org,2002:int": _SCALARS.construct_yaml_int,
    "tag:yaml.org,2002:float": _SCALARS.construct_yaml_float,
}


class _Converter:
    def __init__(self, doc: Doc, lenient_tags: bool):
        self.doc = doc
        self.lenient_tags = lenient_tags
        self.off = doc.line_offset

    def at(self, mark) -> tuple[int, int]:
        return mark.line + 1 + self.off, mark.column + 1

    def convert(self, node, path: Path_, depth: int) -> Any:
        if depth > MAX_DEPTH:
            line, col = self.at(node.start_mark)
            raise LoadError(line, col, field_name(path),
                            f"nested more than {MAX_DEPTH} levels deep; flatten this value")
        mark = node.start_mark
        self.doc.values[path] = (mark.line + 1 + self.off, mark.column + 1)
        tag = node.tag
        if tag == _STR and node.id == "scalar":  # most values: plain text
            return node.value
        if tag.startswith(_CODE_TAGS):
            line, col = self.at(node.start_mark)
            raise LoadError(line, col, field_name(path),
                            f"the YAML tag '!!{node.tag.split(':', 2)[2]}' makes mkdocs run Python "
                            "code when it reads this file; remove it")
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = self.at(key_node.start_mark)
                    raise LoadError(line, col, field_name(path),
                                    "a key must be a plain word, not a list or a mapping")
                if key_node.tag == "tag:yaml.org,2002:merge":
                    line, col = self.at(key_node.start_mark)
                    raise LoadError(line, col, field_name(path),
                                    "merge keys ('<<') are not supported; write the fields out")
                key = key_node.value
                sub = path + (key,)
                if key in out:
                    line, col = self.at(key_node.start_mark)
                    first = self.doc.keys[sub][0]
                    raise LoadError(line, col, field_name(sub),
                                    f"'{key}' is given twice (first on line {first}); keep one")
                self.doc.keys[sub] = self.at(key_node.start_mark)
                out[key] = self.convert(value_node, sub, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if tag in _CONSTRUCT:
            return _CONSTRUCT[tag](node)
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
            return node.value
        if self.lenient_tags:  # mkdocs.yml: !ENV, !!python/name:... belong to mkdocs, not to us
            return None
        line, col = self.at(node.start_mark)
        raise LoadError(line, col, field_name(path), f"unsupported YAML tag '{tag}'; remove it")


def _yaml_problem(exc: yaml.YAMLError, offset: int, text: str = "") -> LoadError:
    if isinstance(exc, yaml.reader.ReaderError):  # a control character; no mark, only a position
        before = text[: exc.position]
        code = exc.character if isinstance(exc.character, int) else ord(exc.character or "?")
        return LoadError(before.count("\n") + 1 + offset, exc.position - (before.rfind("\n") + 1) + 1,
                         SYNTAX, f"contains the control character U+{code:04X}, which YAML does not "
                                 "allow; delete it (it often comes with pasted text)")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1 + offset, mark.column + 1) if mark else (1 + offset, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = problem if not context else f"{problem} ({context})"
    lines = text.split("\n")
    at = lines[mark.line][mark.column:mark.column + 1] if mark and mark.line < len(lines) else ""
    if "nesting depth" in message:
        message = f"nested more than {MAX_DEPTH} levels deep; flatten it"
    elif "found another document" in message:
        message = "a second document starts here (a line '---'); keep one document per file"
    elif at == "\t" or "\t" in message or "'\\t'" in message or "tab character" in message:
        message += "; indent with spaces, not tabs"
    elif "mapping values are not allowed" in message:
        message += "; put quotes around a value that contains ': '"
    elif "found undefined alias" in message or "found unhashable key" in message:
        pass
    return LoadError(line, col, SYNTAX, message)


# libyaml composes nested values recursively in C: thousands of '[' crash the process. Nesting
# this deep is refused from the event stream (which is not recursive) before composing.
PRESCAN_DEPTH = 200
# Tags that make mkdocs (which loads mkdocs.yml with PyYAML's unsafe loader) run code.
_CODE_TAGS = ("tag:yaml.org,2002:python/object", "tag:yaml.org,2002:python/module")


def _prescan(text: str, offset: int) -> None:
    """Refuse anchors and aliases, and nesting deep enough to crash the YAML composer."""
    deep = text.count("[") + text.count("{") > PRESCAN_DEPTH
    if not deep and "*" not in text and "&" not in text:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                m = event.start_mark
                raise LoadError(m.line + 1 + offset, m.column + 1, SYNTAX,
                                "YAML anchors and aliases (&name, *name) are not allowed; "
                                "write the value out in full")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > PRESCAN_DEPTH:
                    m = event.start_mark
                    raise LoadError(m.line + 1 + offset, m.column + 1, SYNTAX,
                                    f"nested more than {MAX_DEPTH} levels deep; flatten it")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None and "nesting depth" in (getattr(exc, "problem", None) or ""):
            # libyaml's own limit (PyYAML 6.0.4), met while it scans ahead of the events
            raise LoadError(mark.line + 1 + offset, mark.column + 1, SYNTAX,
                            f"nested more than {MAX_DEPTH} levels deep; flatten it") from None
        return  # composing reports the syntax error with its place


def parse_yaml(doc: Doc, text: str, lenient_tags: bool = False) -> None:
    """Fill doc.data, doc.values and doc.keys from YAML text; raise LoadError on bad input."""
    _prescan(text, doc.line_offset)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, doc.line_offset, text) from None
    except RecursionError:
        raise LoadError(1 + doc.line_offset, 1, SYNTAX,
                        f"nested more than {MAX_DEPTH} levels deep; flatten it") from None
    if node is None:
        doc.data = None
        return
    doc.data = _Converter(doc, lenient_tags).convert(node, (), 0)


def read_text(path: Path, rel: str, problems: Problems, limit: int = MAX_FILE_BYTES) -> str | None:
    """Read a UTF-8 text file (path = root / rel), or report why it is not one (at line 1,
    column 1, or where the first byte that is not UTF-8 is). A byte-order mark and CRLF line
    ends are read as if they were not there. A file gone since it was listed is None, silently."""
    try:
        raw, _ = contentfiles.read(path, rel, limit)
    except contentfiles.Refused as r:
        problems.add(r.rel, message=r.message)
        return None
    except FileNotFoundError:
        return None
    except OSError as exc:
        problems.add(rel, message=f"cannot be read: {exc.strerror}")
        return None
    return decode(raw, rel, problems)


UTF16_HINT = ("is saved as UTF-16; save it as UTF-8 instead (in Notepad: File > Save as, "
              "Encoding: UTF-8)")


def _utf16(raw: bytes) -> bool:
    """Saved as UTF-16: its byte-order mark, or text whose every other byte is zero."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") and raw[:4] != b"\xff\xfe\x00\x00":
        return True
    pairs = len(raw) // 2
    even, odd = raw[0:pairs * 2:2].count(0), raw[1:pairs * 2:2].count(0)
    return pairs >= 2 and min(even, odd) == 0 and max(even, odd) * 2 >= pairs


def decode(raw: bytes, rel: str, problems: Problems) -> str | None:
    """The text of a file's bytes: UTF-8, with a byte-order mark and CRLF line ends read as if
    they were not there; or None, with the reason in `problems`."""
    if _utf16(raw):
        problems.add(rel, message=UTF16_HINT)
        return None
    if b"\x00" in raw:
        problems.add(rel, message="is a binary file, not text; remove it or save it as UTF-8 text")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):  # Notepad's byte-order mark: not part of the text
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[start:exc.start].decode("utf-8", "replace")) + 1
        problems.add(rel, line, col, FILE,
                     f"is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it with UTF-8 encoding")
        return None
    if not text.strip():
        problems.add(rel, message="is empty; add content or delete the file")
        return None
    return text.replace("\r\n", "\n")


def load_yaml_file(path: Path, rel: str, kind: str, id_: str, problems: Problems,
                   lenient_tags: bool = False) -> Doc | None:
    text = read_text(path, rel, problems)
    if text is None:
        return None
    doc = Doc(rel, kind, id_)
    return _mapping(doc, text, problems, 1, "must be a YAML mapping of 'field: value' lines",
                    lenient_tags)


def _mapping(doc: Doc, text: str, problems: Problems, first_line: int, not_mapping: str,
             lenient_tags: bool = False) -> Doc | None:
    """The doc with its YAML parsed, or None with the problem: a YAML error at its place, or
    `not_mapping` at `first_line` when the text is not a mapping of fields."""
    try:
        parse_yaml(doc, text, lenient_tags)
    except LoadError as e:
        problems.add(doc.path, e.line, e.col, e.field, e.message)
        return None
    if not isinstance(doc.data, dict):
        problems.add(doc.path, first_line, 1, FILE, not_mapping)
        return None
    return doc


FRONT_RE = re.compile(r"^---[ \t]*$", re.M)


def load_markdown_file(path: Path, rel: str, kind: str, id_: str, problems: Problems) -> Doc | None:
    """An article: YAML front matter between '---' lines, then a Markdown body."""
    text = read_text(path, rel, problems)
    if text is None:
        return None
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        problems.add(rel, 1, 1, FILE, "must start with front matter: a line '---', the fields "
                                      "(title, services, audience, ...), and another line '---'")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        problems.add(rel, 1, 1, FILE, "front matter is never closed; add a line '---' after "
                                      "its last field")
        return None
    doc = Doc(rel, kind, id_, line_offset=1)
    if _mapping(doc, "\n".join(lines[1:end]) + "\n", problems, 2,
                "front matter must be 'field: value' lines") is None:
        return None
    doc.body = "\n".join(lines[end + 1:])
    doc.body_line = end + 2
    return doc


# Where each kind lives, relative to the root.
KINDS = (
    ("department", "catalog/departments", ".yaml"),
    ("service", "catalog/services", ".yaml"),
    ("alert", "catalog/alerts", ".yaml"),
    ("article", "articles", ".md"),
)


@dataclass
class Tree:
    root: Path
    config: Doc | None
    docs: list[Doc]
    # Files that are there but could not be read: (kind, id) -> their path. A reference to one
    # is not reported as missing; the file's own error says what is wrong with it.
    broken: dict = field(default_factory=dict)
    thesaurus: Doc | None = None  # catalog/thesaurus.yaml: the city's own words (pipeline/thesaurus.py)

    def of(self, kind: str) -> list[Doc]:
        return [d for d in self.docs if d.kind == kind]


def load_config(root: Path, problems: Problems) -> Doc | None:
    path = root / "mkdocs.yml"
    if not os.path.lexists(path):
        problems.add("mkdocs.yml", message="is missing; every site needs one (run 'kb init DIR' "
                                           "to start a new site)")
        return None
    return load_yaml_file(path, "mkdocs.yml", "config", "mkdocs", problems, lenient_tags=True)


def load_tree(root: Path, problems: Problems, cache: dict | None = None) -> Tree:
    """Read every content file under root. Problems are collected, never raised.

    `cache` (a dict kept by a long-running caller, the live preview) holds the files read last
    time: a file whose size and modification time are the same is not read again, unless it
    was modified within the last seconds (two saves within one tick of the file system's clock
    leave the same time: contentfiles.recent).
    """
    config = load_config(root, problems)
    docs: list[Doc] = []
    broken: dict[tuple[str, str], str] = {}
    refused: set[str] = set()
    for kind, folder, ext in KINDS:
        base = root / folder
        try:
            contentfiles.check_path(root, folder)
        except contentfiles.Refused as r:
            if r.rel not in refused:
                problems.add(r.rel, message=r.message)
            refused.add(r.rel)
            continue
        if not base.is_dir():
            continue
        for path in sorted(base.iterdir()):
            rel = f"{folder}/{path.name}"
            if path.name.startswith(".") or path.is_dir():
                continue
            if path.suffix != ext:
                if path.suffix in (".yml", ".markdown", ".yaml", ".md"):
                    problems.add(rel, message=f"has the wrong extension; rename it to "
                                              f"'{path.stem}{ext}'")
                    broken.setdefault((kind, path.stem), rel)
                continue
            if not ID_RE.match(path.stem) or len(path.stem) > 64:
                problems.add(rel, message=f"the file name '{path.stem}' is not a valid id: {ID_HINT}"
                                          f" (at most 64 characters), for example "
                                          f"'{_suggest_id(path.stem)}{ext}'")
                broken.setdefault((kind, _suggest_id(path.stem)), rel)
                continue
            stamp = None
            hit = cache.get(rel) if cache is not None else None
            if cache is not None:
                stamp = contentfiles.stamp(path)
                if hit is not None and hit[0] == stamp and not contentfiles.recent(stamp):
                    docs.append(hit[1])
                    continue
            before = len(problems.items)
            if kind == "article":
                doc = load_markdown_file(path, rel, kind, path.stem, problems)
            else:
                doc = load_yaml_file(path, rel, kind, path.stem, problems)
            if doc is not None:
                if hit is not None and _same(hit[1], doc):
                    doc = hit[1]  # read again, the same: the same document for those who keep it
                docs.append(doc)
                if cache is not None:
                    cache[rel] = (stamp, doc)
            elif len(problems.items) > before:  # there, but not readable (else gone meanwhile)
                broken[(kind, path.stem)] = rel
    cal = root / "catalog" / "calendar.yaml"
    if "catalog" not in refused and os.path.lexists(cal):
        doc = load_yaml_file(cal, "catalog/calendar.yaml", "calendar", "calendar", problems)
        if doc is not None:
            docs.append(doc)
    words = root / "catalog" / "thesaurus.yaml"
    thesaurus = load_yaml_file(words, "catalog/thesaurus.yaml", "thesaurus", "thesaurus", problems) \
        if os.path.lexists(words) else None
    return Tree(root, config, docs, broken, thesaurus)


def _same(a: Doc, b: Doc) -> bool:
    return (a.data, a.body, a.values, a.keys, a.body_line) == (b.data, b.body, b.values, b.keys,
                                                               b.body_line)


def _suggest_id(stem: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return s[:64].strip("-") or "my-id"
