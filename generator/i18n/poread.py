"""Reading PO files on the hot path of ``kb check`` and ``kb build``.

A large city's PO file has tens of thousands of entries; Babel's reader takes a third of a second
for 4 MB, and a build reads each language more than once. This reader takes the well-formed
files tools write (Poedit, Weblate, ``kb i18n update``) about ten times faster, and reads each
file once per process (cached by modification time and size). Whatever it is not sure of (a
keyword it does not know, an unquoted line, a duplicate, another charset) it hands to Babel, which
stays the reference: its result is used, and its error message names the line.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po, unescape

from generator.errors import Problems
from generator.pipeline.contentfiles import recent, stamp
from generator.pipeline.load import MAX_PO_BYTES, read_text


@dataclass(frozen=True)
class Entry:
    line: int  # 1-based line of the msgid
    ids: tuple[str, ...]  # (msgid,) or (msgid, msgid_plural)
    strings: tuple[str, ...]  # one, or one per plural form
    flags: frozenset[str]  # as written in the file ("#, fuzzy, python-format")
    context: str | None = None

    @property
    def id(self) -> str:
        return self.ids[0]

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


@dataclass(frozen=True, eq=False)  # one object per state of a file: hashed by identity
class PoFile:
    entries: tuple[Entry, ...]  # in file order, without the header and obsolete entries
    headers: dict[str, str]

    @property
    def num_plurals(self) -> int:
        return _plural_forms(self.headers)[0]

    @property
    def plural_expr(self) -> str:
        return _plural_forms(self.headers)[1]


class _Unsure(Exception):
    pass


class Unreadable(Exception):
    """A PO file that is not text kb reads (a link out of the folder, binary, UTF-16, ...);
    `problems` says why, at its place."""

    def __init__(self, problems: list):
        super().__init__("; ".join(p.text() for p in problems))
        self.problems = problems


def read(path: Path) -> PoFile:
    """The PO file root/translations/<name>; raises babel's PoFileError (with ``lineno``) when
    it is not a valid one, Unreadable when it is not text kb reads, FileNotFoundError when it
    is gone. The file is read once (a byte-order mark and CRLF line ends as if not there) and
    parsed from memory; it is read again only when it changed."""

    now = stamp(path)
    return _read.__wrapped__(str(path), now) if recent(now) else _read(str(path), now)


@lru_cache(maxsize=16)
def _read(path: str, stamp: tuple | None) -> PoFile:  # noqa: ARG001 - the cache key

    problems = Problems()
    text = read_text(Path(path), f"translations/{Path(path).name}", problems, MAX_PO_BYTES)
    if text is None:
        if not problems:
            raise FileNotFoundError(path)
        raise Unreadable(problems.items)
    return parse(text)


def parse(text: str) -> PoFile:
    """A PO file's text; raises PoFileError when it is not a valid PO file."""
    try:
        return _parse(text)
    except _Unsure:
        return _with_babel(text.encode("utf-8"))


def _with_babel(data: bytes) -> PoFile:
    catalog = read_po(io.BytesIO(data), locale=None, abort_invalid=True)
    headers = {k.lower(): v for k, v in catalog.mime_headers}
    # What the header said, as Babel read it (without the header: Babel's default, which is
    # also kb's: nplurals=2; plural=(n != 1);)
    headers.setdefault("plural-forms", catalog.plural_forms)
    entries = []
    for msg in catalog:
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        flags = _written_flags(data, msg.lineno) if msg.lineno else frozenset(msg.flags)
        entries.append(Entry(msg.lineno or 1, ids, tuple(strings), flags, msg.context))
    return PoFile(tuple(entries), headers)


def _written_flags(data: bytes, lineno: int) -> frozenset[str]:
    """The flags on the comment lines above line `lineno` (Babel adds python-format itself)."""
    lines = data.decode("utf-8", "replace").split("\n")
    flags: set[str] = set()
    i = lineno - 2
    while 0 <= i < len(lines) and lines[i].startswith("#"):
        if lines[i].startswith("#,"):
            flags.update(f.strip() for f in lines[i][2:].split(",") if f.strip())
        i -= 1
    return frozenset(flags)


def _string(line: str) -> str:
    if len(line) < 2 or line[0] != '"' or line[-1] != '"':
        raise _Unsure
    return unescape(line)


def _parse(text: str) -> PoFile:
    entries: list[Entry] = []
    headers: dict[str, str] | None = None
    seen: set[tuple[str | None, str]] = set()
    flags: frozenset[str] = frozenset()
    context: str | None = None
    ids: list[str] = []
    strings: dict[int, str] = {}
    current: list | None = None  # the list or dict the next continuation line extends
    key = 0
    line_of_id = 0
    obsolete = False

    def finish() -> None:
        nonlocal flags, context, ids, strings, current, headers, obsolete
        if ids:
            if not strings:
                raise _Unsure  # Babel says which msgid has no msgstr
            if not obsolete:
                if not ids[0] and context is None:
                    if headers is not None:
                        raise _Unsure
                    headers = _headers(strings.get(0, ""))
                else:
                    if (context, ids[0]) in seen:
                        raise _Unsure
                    seen.add((context, ids[0]))
                    entries.append(Entry(line_of_id, tuple(ids), _strings(ids, strings, headers),
                                         flags, context))
        flags, context, ids, strings, current, obsolete = frozenset(), None, [], {}, None, False

    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        in_obsolete = line.startswith("#~")
        if in_obsolete:
            line = line[2:].lstrip()
            if not line:
                continue
        elif line[0] == "#":
            if ids:
                finish()
            if line.startswith("#,"):
                flags = flags | {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line[0] == '"':
            if current is None or in_obsolete != obsolete:
                raise _Unsure
            if isinstance(current, list):
                current[-1] += _string(line)
            else:
                current[key] += _string(line)
            continue
        keyword, _, rest = line.partition(" ")
        rest = rest.strip()
        if keyword in ("msgid", "msgctxt"):
            if ids:
                finish()
            if keyword == "msgctxt":
                if context is not None:
                    raise _Unsure
                context, current = _string(rest), None
            else:
                ids, line_of_id = [_string(rest)], number
                current = ids
            obsolete = in_obsolete
            continue
        if in_obsolete != obsolete or not ids:
            raise _Unsure
        if keyword == "msgid_plural":
            if len(ids) != 1 or strings:
                raise _Unsure
            ids.append(_string(rest))
            current = ids
        elif keyword == "msgstr" and len(ids) == 1:
            if strings:
                raise _Unsure
            strings[0] = _string(rest)
            key, current = 0, strings
        elif keyword.startswith("msgstr[") and keyword.endswith("]") and len(ids) == 2:
            index = keyword[7:-1]
            if not index.isdigit() or int(index) in strings:
                raise _Unsure
            key = int(index)
            strings[key] = _string(rest)
            current = strings
        else:
            raise _Unsure
    finish()
    return PoFile(tuple(entries), headers or {})


def _strings(ids: list[str], strings: dict[int, str], headers: dict[str, str] | None) -> tuple:
    if len(ids) == 1:
        return (strings[0],)
    count = _plural_forms(headers or {})[0]
    if max(strings) >= count:
        raise _Unsure  # Babel: more translations than the catalog's plural forms
    return tuple(strings.get(i, "") for i in range(count))


def _headers(text: str) -> dict[str, str]:
    out = {}
    for line in text.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip()
    charset = out.get("content-type", "").partition("charset=")[2].strip().lower()
    if charset and charset not in ("utf-8", "utf8"):
        raise _Unsure
    return out


def _plural_forms(headers: dict[str, str]) -> tuple[int, str]:
    params = {}
    for part in headers.get("plural-forms", "").split(";"):
        name, sep, value = part.partition("=")
        if sep:
            params[name.strip()] = value.strip()
    try:
        return int(params.get("nplurals", 2)), params.get("plural", "(n != 1)")
    except ValueError:
        return 2, "(n != 1)"


# --- translations for a build --------------------------------------------------------------------

class Messages(gettext.NullTranslations):
    """One language's current translations (fuzzy and empty ones left out), as ``gettext`` and
    ``ngettext``, with a lookup that tells a missing translation apart from one that is the same
    as the source ("311")."""

    def __init__(self, po: PoFile):
        super().__init__()
        self._catalog: dict = {}
        for entry in po.entries:
            if entry.fuzzy or entry.context is not None:
                continue
            if len(entry.ids) == 1:
                if entry.strings[0]:
                    self._catalog[entry.id] = entry.strings[0]
            else:  # an untranslated plural form reads as the source, as msgfmt writes it
                for i, string in enumerate(entry.strings):
                    self._catalog[(entry.id, i)] = string or entry.ids[min(i, 1)]
        try:
            self.plural = gettext.c2py(po.plural_expr)
        except ValueError:
            self.plural = gettext.c2py("(n != 1)")

    def gettext(self, message: str) -> str:
        return self._catalog.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = self._catalog.get((msgid1, self.plural(n)))
        if found is not None:
            return found
        return msgid1 if n == 1 else msgid2

    def lookup(self, msgid: str) -> str | None:
        return self._catalog.get(msgid) or None


__all__ = ["Entry", "Messages", "PoFile", "PoFileError", "parse", "read"]
