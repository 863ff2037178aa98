"""Translation files: ``kb i18n extract | update | init LANG | status``.

``translations/content.pot`` holds every translatable text of the site: the fields the schemas
mark ``x-translate`` (public ones only), every block of every public article (one message per
paragraph, list item, heading or table cell; see ``mdsplit``), and the interface strings of the
package's templates and code. ``translations/<lang>.po`` holds one language's translations of
those messages. Internal content (``x-internal`` fields, agent-only articles and blocks) is never
extracted: PO files often go to translators outside the city.

Files are written only when their content changes, and with the dates they already carry, so
re-running a command on unchanged content changes no byte.
"""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract as babel_extract
from babel.messages.pofile import read_po, write_po

from generator import clock
from generator.errors import WARNING, ContentError, KbError, Problem, Problems
from generator.i18n import mdsplit, poread
from generator.i18n.pocheck import placeholder_problems
from generator.pipeline import schema
from generator.pipeline.load import MAX_PO_BYTES, Doc, Tree, read_text

POT = "content.pot"
INTERFACE = "(interface: kb's templates and code)"
PACKAGE = Path(__file__).resolve().parent.parent  # generator/
KEYWORDS_COMMENT = ("Search words, separated by commas. Translate them freely: use the words "
                    "people really say, add or drop words.")
MARKDOWN_COMMENT = "Markdown: keep link targets like (service:...) and marks like ** as they are."
# Languages without CLDR plural rules that we know: Hmong nouns do not inflect for number.
PLURALS = {"hmn": (1, "0")}
# Extraction keywords for our own code and templates (``ng`` is ngettext in render.py).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "ng": (1, 2), "N_": None}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true",
                 "newstyle_gettext": "true"}


# --- what is translatable ----------------------------------------------------------------------

def translatable_fields(kind: str) -> list[tuple[tuple, bool]]:
    """(schema path, is Markdown) of every public field a kind's schema marks x-translate."""
    out: list[tuple[tuple, bool]] = []

    def walk(node: dict, path: tuple) -> None:
        is_md = str(node.get("$ref", "")).endswith("/markdown")
        node = schema.resolve(node)
        if node.get("x-internal"):
            return
        if node.get("x-translate"):
            out.append((path, is_md))
            return
        for key, sub in node.get("properties", {}).items():
            walk(sub, path + (key,))
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + ("*",))
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], path + ("*",))

    walk(schema._walkable(schema.KIND_SCHEMAS[kind]), ())
    return out


def expand(data: Any, path: tuple, at: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(concrete path, value) for a schema path ('*': every item of a list or map)."""
    if not path:
        yield at, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for i, v in enumerate(data):
                yield from expand(v, rest, at + (i,))
        elif isinstance(data, dict):
            for k, v in data.items():
                yield from expand(v, rest, at + (k,))
    elif isinstance(data, dict) and head in data:
        yield from expand(data[head], rest, at + (head,))


def is_public(doc: Doc) -> bool:
    return not (doc.kind in ("article", "alert") and doc.data.get("audience", "both") == "agent")


def keywords_message(words) -> str:
    return ", ".join(str(w) for w in words)


def split_keywords(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in re.split(r"[,،、;]", text) if w.strip())


@dataclass
class Found:
    msgid: str
    path: str
    line: int
    comments: tuple[str, ...] = ()
    python_format: bool = False


def _markdown_start(lines: list[str], line: int, col: int) -> int:
    """The file line where the text of a YAML scalar starting at (line, col) begins."""
    text = lines[line - 1][col - 1:] if 0 < line <= len(lines) else ""
    return line + 1 if text[:1] in ("|", ">") else line


def _source_lines(root: Path, rel: str) -> list[str]:
    """A content file's lines as the loader read them (no byte-order mark, LF line ends)."""

    return (read_text(Path(root) / rel, rel, Problems()) or "").split("\n")


def content_messages(tree: Tree) -> Iterator[Found]:
    """Every translatable text of the public content, with its place."""
    docs = ([tree.config] if tree.config else []) + list(tree.docs)
    for doc in sorted(docs, key=lambda d: d.path):
        if not is_public(doc):
            continue
        kind = doc.kind
        prefix: tuple = ("extra", "kb") if kind == "config" else ()
        data = doc.get(prefix) if prefix else doc.data
        if not isinstance(data, dict):
            continue
        data = schema.public_view(kind, data)
        raw_lines: list[str] | None = None
        for spath, is_md in translatable_fields(kind):
            for cpath, value in expand(data, spath):
                where = doc.pos(prefix + cpath)
                if spath[-1:] == ("keywords",) and isinstance(value, list):
                    if value:
                        yield Found(keywords_message(value), doc.path, where[0], (KEYWORDS_COMMENT,))
                    continue
                values = [(cpath + (i,), v) for i, v in enumerate(value)] \
                    if isinstance(value, list) else [(cpath, value)]
                for vpath, v in values:
                    if not isinstance(v, str) or not v.strip():
                        continue
                    line, col = doc.pos(prefix + vpath)
                    if spath == ("fees",) and v.strip().lower() == "none":
                        continue  # a keyword ('free'), shown with an interface string
                    if is_md:
                        if raw_lines is None:
                            raw_lines = _source_lines(tree.root, doc.path)
                        start = _markdown_start(raw_lines, line, col)
                        for m in mdsplit.messages(v):
                            yield Found(m.text, doc.path, start + m.line, _md_comment(m.text))
                    elif mdsplit.translatable(v):
                        yield Found(v.strip(), doc.path, line)
        if kind == "article" and doc.body.strip():
            for m in mdsplit.messages(doc.body):
                yield Found(m.text, doc.path, doc.body_line + m.line, _md_comment(m.text))


def _md_comment(text: str) -> tuple[str, ...]:
    return (MARKDOWN_COMMENT,) if re.search(r"\]\(|\*\*|`|<", text) else ()


def interface_messages() -> Iterator[Found]:
    """The interface strings of the package: its templates (Babel's Jinja extraction) and code."""
    files = sorted(p for p in (PACKAGE / "templates").rglob("*") if p.suffix in (".j2", ".html"))
    files += sorted(p for p in (PACKAGE / "engine" / "theme").rglob("*.html"))
    code = sorted(p for p in PACKAGE.rglob("*.py") if "scaffold" not in p.relative_to(PACKAGE).parts[:1])
    for path in files + code:
        method = "python" if path.suffix == ".py" else "jinja2.ext:babel_extract"
        rel = path.relative_to(PACKAGE.parent).as_posix()
        with path.open("rb") as fh:
            for lineno, message, comments, _context in babel_extract(
                    method, fh, keywords=KEYWORDS, comment_tags=("Translators:",),
                    options=JINJA_OPTIONS if method != "python" else {}):
                ids = message if isinstance(message, tuple) else (message,)
                if not ids or not ids[0]:
                    continue
                yield Found(message, rel, lineno, tuple(comments), True)  # type: ignore[arg-type]


# --- the template --------------------------------------------------------------------------------

def _stamp() -> datetime:
    return clock.now().replace(microsecond=0)


def template(tree: Tree, city: str, created: datetime | None = None) -> Catalog:
    """The catalog of every message, in the order of their first place."""
    cat = Catalog(project=f"{city} 311", version="1", copyright_holder=city,
                  msgid_bugs_address="", creation_date=created or _stamp(),
                  revision_date=created or _stamp(), fuzzy=True)
    found = list(content_messages(tree)) + list(interface_messages())
    found.sort(key=lambda f: (f.path, f.line))
    for f in found:
        flags = ("python-format",) if f.python_format and _has_format(f.msgid) else ()
        cat.add(f.msgid, locations=[(f.path, f.line)], auto_comments=f.comments, flags=flags)
        msg = cat[f.msgid if not isinstance(f.msgid, tuple) else f.msgid[0]]
        if not f.python_format and msg is not None:
            msg.flags.discard("python-format")
    for msg in cat:
        if msg.id:
            msg.locations = sorted(set(msg.locations))
            msg.auto_comments = list(dict.fromkeys(msg.auto_comments))
    return cat


def _has_format(msgid) -> bool:
    ids = msgid if isinstance(msgid, tuple) else (msgid,)
    return any("%(" in i for i in ids)


def render(cat: Catalog, width: int = 76) -> bytes:
    """The PO text of a catalog. Previous msgids of fuzzy messages ('#| msgid') are written here:
    Babel wraps long ones into lines that no PO tool (Babel included) reads back."""
    from babel.messages.pofile import normalize

    for msg in cat:  # Babel flags any text with a '%' in it; only our interface strings are
        if msg.id and "python-format" in msg.flags and msg.locations and not any(
                path.startswith("generator/") for path, _ in msg.locations):
            msg.flags.discard("python-format")  # ... content ('2.4% fee') is not a format
    buf = io.BytesIO()
    write_po(buf, cat, width=width, sort_output=False, sort_by_file=False, include_previous=False,
             ignore_obsolete=False)
    text = buf.getvalue().decode("utf-8")
    if cat.locale is None and cat.locale_identifier and '"Plural-Forms:' not in text[:2000]:
        # Babel writes Plural-Forms only for languages it has data for; msgfmt needs it
        text = text.replace('"MIME-Version: 1.0\\n"\n',
                            f'"Plural-Forms: {cat.plural_forms}\\n"\n"MIME-Version: 1.0\\n"\n', 1)
    for msg in cat:
        if not msg.id or not msg.fuzzy or not msg.previous_id:
            continue
        first = msg.id[0] if isinstance(msg.id, tuple) else msg.id
        key = "\nmsgid " + normalize(first, prefix="", width=width) + "\n"
        at = text.find(key)
        if at < 0:
            continue
        prev = []
        for label, value in zip(("msgid", "msgid_plural"), msg.previous_id):
            lines = normalize(value, prefix="", width=width).split("\n")
            prev.append(f"#| {label} {lines[0]}")
            prev.extend(f"#| {line}" for line in lines[1:])
        text = text[:at + 1] + "\n".join(prev) + "\n" + text[at + 1:]
    return text.encode("utf-8")


def write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


_CREATED = re.compile(rb'"POT-Creation-Date: ([^\\"]+)\\n"')


def _existing_date(path: Path) -> datetime | None:
    if not path.exists():
        return None
    m = _CREATED.search(path.read_bytes()[:4000])
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1).decode(), "%Y-%m-%d %H:%M%z")
    except ValueError:
        return None


@dataclass
class Loaded:
    root: Path
    tree: Tree
    city: str
    source: str
    languages: list[str] = field(default_factory=list)  # configured, source first


def extract(root: Path, loaded: Loaded) -> tuple[Path, bool, Catalog]:
    """Write translations/content.pot; returns (path, whether it changed, the catalog)."""
    path = Path(root) / "translations" / POT
    old = _existing_date(path)
    cat = template(loaded.tree, loaded.city, old)
    data = render(cat)
    if old is not None and path.read_bytes() != data:
        cat = template(loaded.tree, loaded.city, _stamp())
        data = render(cat)
    return path, write_if_changed(path, data), cat


# --- language files ------------------------------------------------------------------------------

def po_path(root: Path, lang: str) -> Path:
    return Path(root) / "translations" / f"{lang}.po"


def read(path: Path, lang: str | None = None) -> Catalog:
    """A PO file; a broken one is a content error naming the file and line."""

    problems = Problems()
    text = read_text(path, f"translations/{path.name}", problems, MAX_PO_BYTES)
    if text is None:
        raise ContentError(problems.items or [Problem(f"translations/{path.name}",
                                                      message="is gone; it was removed")])
    try:
        cat = read_po(io.BytesIO(text.encode("utf-8")), locale=None, abort_invalid=True)
        _previous_ids(cat)
        return cat
    except Exception as exc:  # noqa: BLE001 - babel raises several kinds; all mean a broken file
        line = getattr(exc, "lineno", None) or 1
        rel = f"translations/{path.name}"
        raise ContentError([Problem(rel, int(line), 1, "(syntax)",
                                    f"not a valid PO file: {_po_error(exc)}")]) from None


def _previous_ids(cat: Catalog) -> None:
    """Babel reads '#| msgid' lines as translator comments; make them previous ids again, so
    that writing the file back keeps them as they were."""
    for msg in cat:
        prev = [c for c in msg.user_comments if c.startswith("| ")]
        if not prev:
            continue
        msg.user_comments = [c for c in msg.user_comments if not c.startswith("| ")]
        ids, current = [], None
        for c in prev:
            body = c[2:].strip()
            if body.startswith("msgid_plural "):
                current = [_unquote(body[len("msgid_plural "):])]
                ids.append(current)
            elif body.startswith("msgid "):
                current = [_unquote(body[len("msgid "):])]
                ids.append(current)
            elif current is not None:
                current.append(_unquote(body))
        msg.previous_id = ["".join(parts) for parts in ids]


def _po_error(exc: Exception) -> str:
    text = str(exc).strip().split("\n")[0]
    return re.sub(r"^.*?line \d+:\s*", "", text) or type(exc).__name__


def _set_plurals(cat: Catalog, lang: str) -> None:
    if lang in PLURALS and cat.locale is None:
        count, expr = PLURALS[lang]
        cat.mime_headers = [("Plural-Forms", f"nplurals={count}; plural={expr};")]


def new_language(template_cat: Catalog, lang: str, city: str) -> Catalog:
    cat = Catalog(locale=lang.replace("-", "_"), project=f"{city} 311", version="1",
                  copyright_holder=city, msgid_bugs_address="",
                  creation_date=template_cat.creation_date, revision_date=template_cat.creation_date,
                  last_translator=f"{city} translators", language_team=f"{lang} <{lang}@li.org>",
                  fuzzy=False)
    _set_plurals(cat, lang)
    for msg in template_cat:
        if not msg.id:
            continue
        string = ("",) * cat.num_plurals if isinstance(msg.id, tuple) else ""
        cat[msg.id] = Message(msg.id, string, locations=list(msg.locations),
                              flags=set(msg.flags) - {"fuzzy"}, auto_comments=list(msg.auto_comments))
    return cat


def init(root: Path, lang: str, loaded: Loaded) -> tuple[Path, str]:
    """Start translations/<lang>.po; returns its path and the configuration line to add."""
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", lang):
        raise KbError(f"{lang}: not a language code; use a code like 'es', 'so' or 'pt-BR'")
    if lang == loaded.source:
        raise KbError(f"{lang} is the source language; it needs no translation file")
    path = po_path(root, lang)
    if path.exists():
        raise KbError(f"{path} already exists; run 'kb i18n update' to bring it up to date")
    _, _, tmpl = extract(root, loaded)
    write_if_changed(path, render(new_language(tmpl, lang, loaded.city)))
    return path, config_line(lang)


def config_line(lang: str) -> str:
    try:
        loc = Locale.parse(lang.replace("-", "_"))
        name = loc.get_display_name(loc) or lang
        name = name[:1].upper() + name[1:]
        return f"      - {{code: {lang}, name: \"{name}\"}}"
    except (UnknownLocaleError, ValueError):
        return (f"      - {{code: {lang}, name: \"{lang}\", formats: neutral}}"
                f"    # no locale data: neutral dates and numbers")


def update(root: Path, loaded: Loaded) -> list[tuple[Path, bool]]:
    """Extract, then merge the template into every translations/<lang>.po."""
    pot, changed, tmpl = extract(root, loaded)
    out = [(pot, changed)]
    for lang in loaded.languages[1:]:
        path = po_path(root, lang)
        if not path.exists():
            continue
        cat = read(path)
        _set_plurals(cat, lang)
        previous = {m.id: m.previous_id for m in cat if m.id and m.fuzzy and m.previous_id}
        for key, msg in list(cat.obsolete.items()):  # a text that comes back gets its old
            if key in tmpl and key not in cat:       # translation back (as msgmerge does)
                del cat.obsolete[key]
                cat[msg.id] = msg
        cat.update(tmpl, no_fuzzy_matching=False, update_header_comment=False,
                   keep_user_comments=True)
        for msg in cat:  # still fuzzy, same source: keep what it was translated from
            if msg.id in previous and msg.fuzzy and not msg.previous_id:
                msg.previous_id = previous[msg.id]
        cat.fuzzy = False
        out.append((path, write_if_changed(path, render(cat))))
    for path in sorted((Path(root) / "translations").glob("*.po")):
        if path.stem not in loaded.languages:
            out.append((path, False))  # not configured: left alone
    return out


# --- status ------------------------------------------------------------------------------------

@dataclass
class Counts:
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return round(100 * self.translated / self.total, 1) if self.total else 100.0

    def add(self, state: str) -> None:
        setattr(self, state, getattr(self, state) + 1)

    def as_dict(self) -> dict:
        return {"translated": self.translated, "fuzzy": self.fuzzy,
                "untranslated": self.untranslated, "total": self.total, "percent": self.percent}


def state_of(msg: Message) -> str:
    strings = msg.string if isinstance(msg.string, (tuple, list)) else (msg.string,)
    if not all(strings):
        return "untranslated"
    return "fuzzy" if msg.fuzzy else "translated"


def status(root: Path, loaded: Loaded) -> dict:
    """Per language and per source file: translated / fuzzy / untranslated."""
    tmpl = template(loaded.tree, loaded.city)  # what extract would write; status writes nothing
    result: dict = {"source": loaded.source, "template": f"translations/{POT}", "languages": {}}
    for lang in loaded.languages[1:]:
        path = po_path(root, lang)
        cat = read(path) if path.exists() else None
        total, files = Counts(), {}
        for msg in tmpl:
            if not msg.id:
                continue
            have = cat.get(msg.id) if cat is not None else None
            state = state_of(have) if have is not None else "untranslated"
            total.add(state)
            for f in sorted({INTERFACE if p.startswith("generator/") else p
                             for p, _ in msg.locations}):
                files.setdefault(f, Counts()).add(state)
        result["languages"][lang] = {
            "file": f"translations/{lang}.po" if cat is not None else None,
            **total.as_dict(),
            "files": {f: c.as_dict() for f, c in sorted(files.items())},
        }
    return result


def format_status(report: dict, fmt: str, per_file: bool = True) -> str:
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False)
    lines = []
    for lang, s in report["languages"].items():
        where = s["file"] or f"translations/{lang}.po missing: run 'kb i18n init {lang}'"
        lines.append(f"{lang}: {s['percent']:.1f}% translated ({s['translated']} of {s['total']}; "
                     f"{s['fuzzy']} fuzzy, {s['untranslated']} untranslated) [{where}]")
        if per_file:
            for f, c in s["files"].items():
                if c["translated"] == c["total"]:
                    continue
                lines.append(f"  {f}: {c['percent']:.1f}% ({c['translated']}/{c['total']}; "
                             f"{c['fuzzy']} fuzzy, {c['untranslated']} untranslated)")
    return "\n".join(lines) if lines else "Only the source language is configured."


# --- checks (kb check) -----------------------------------------------------------------------------

_LINK = re.compile(r"\]\(((?:service|article):[a-z0-9-]+)\)")


def check(root: Path, tree: Tree, problems: Problems) -> None:
    """PO files that cannot be read are errors; placeholders or cross-reference links a
    translation drops or changes are errors (the page would break); fuzzy messages are warnings.
    A language with no locale data says how to format dates and numbers ('formats: neutral')."""
    doc = tree.config
    try:
        items = doc.data["extra"]["kb"]["languages"] if doc else []
        languages = [item["code"] for item in items]
    except (KeyError, TypeError):
        return
    for i, item in enumerate(items):
        if item.get("locale") or item.get("formats"):
            continue  # a known locale is checked with the configuration
        try:
            Locale.parse(str(item["code"]).replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            line, col = doc.pos(("extra", "kb", "languages", i))
            problems.add(doc.path, line, col, f"extra.kb.languages[{i}]",
                         f"'{item['code']}' has no locale data (CLDR): dates and numbers use "
                         f"neutral formats (ISO dates, 24-hour times); say so with "
                         f"'formats: neutral', or borrow a locale's formats ('locale: en')",
                         severity=WARNING)
    for lang in languages[1:]:
        path = po_path(root, lang)
        if not path.exists():
            continue
        rel = f"translations/{path.name}"
        try:
            entries = poread.read(path).entries
        except FileNotFoundError:
            continue
        except poread.Unreadable as exc:
            problems.extend(exc.problems)
            continue
        except poread.PoFileError as exc:
            problems.add(rel, getattr(exc, "lineno", 0) + 1, 1, "(syntax)",
                         f"not a valid PO file: {_po_error(exc)}")
            continue
        fuzzy = 0
        for msg in entries:
            if msg.fuzzy and any(msg.strings):
                fuzzy += 1
                continue
            for message, breaks in placeholder_problems(msg):
                if not breaks:  # those that break a page are reported with the PO's syntax
                    problems.add(rel, msg.line, 1, "msgstr", message)
            for s in msg.strings:
                if not s:
                    continue
                if sorted(_LINK.findall(msg.id)) != sorted(_LINK.findall(s)):
                    want = ", ".join(sorted(set(_LINK.findall(msg.id)))) or "none"
                    problems.add(rel, msg.line, 1, "msgstr",
                                 f"the translation must keep the links of the source text "
                                 f"({want})")
        if fuzzy:
            problems.add(rel, 1, 1, "(file)", f"{fuzzy} translation{'s are' if fuzzy != 1 else ' is'}"
                         f" out of date (fuzzy): the source text changed; review them, then remove "
                         f"the fuzzy flag", severity=WARNING)


def _unquote(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] == '"':
        s = s[1:-1]
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
