"""Translation files (translations/<lang>.po) are content too: a malformed entry or a translation
whose placeholders differ from the source (``%(city)s``) is reported with its line, before a build
could fail on it."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Message, TranslationError
from babel.messages.checkers import python_format

from generator.errors import SYNTAX, Problems
from generator.i18n import poread
from generator.pipeline.load import MAX_PO_BYTES, read_text

NAMED = re.compile(r"%\(\w+\)[a-z]")
_KEPT = re.compile(r"%\((\w+)\)[sd]")


def placeholder_problems(entry: poread.Entry) -> list[tuple[str, bool]]:
    """What is wrong with the placeholders (``%(city)s``) of an entry's translation, each with
    whether it breaks the page (True: a placeholder the source does not have, or one of another
    kind, as Babel's python-format check finds) or drops text (False: a placeholder of the source
    the translation leaves out; every form keeps those of the last source, the plural: in many
    languages the first form also says 21 or 0). Only what says it is a format string is
    checked: Babel would take any '%' for one ("60% of the households")."""
    if entry.fuzzy or not ("python-format" in entry.flags or any(NAMED.search(i) for i in entry.ids)):
        return []
    found = []
    pairs = [(entry.ids[0], entry.strings[0])] + [(entry.ids[-1], s) for s in entry.strings[1:]]
    for source, translation in pairs:
        if not translation:
            continue
        try:
            python_format(None, Message(source, translation, flags={"python-format"}))
        except TranslationError as err:
            found.append((f"{err} (msgid \"{entry.id}\")", True))
    want = sorted(set(_KEPT.findall(entry.ids[-1])))
    for translation in entry.strings:
        if translation and want != sorted(set(_KEPT.findall(translation))):
            names = ", ".join(f"%({n})s" for n in want)
            found.append((f"the translation must keep the placeholders {names or '(none)'} of the "
                          f"source text", False))
    return found


@lru_cache(maxsize=32)
def _readable(path: str, rel: str, mtime_ns: int, size: int) -> tuple[bool, tuple]:  # noqa: ARG001
    """Whether a PO file is text kb can read, and the problems if not (a preview asks again
    after every edit: a file that did not change is not read again)."""
    problems = Problems()
    ok = read_text(Path(path), rel, problems, MAX_PO_BYTES) is not None
    return ok, tuple(problems.items)


def check_po_files(root: Path, problems: Problems) -> None:
    folder = root / "translations"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.po")):
        rel = f"translations/{path.name}"
        st = path.stat()
        readable, found = _readable(str(path), rel, st.st_mtime_ns, st.st_size)
        problems.items.extend(found)
        if not readable:  # too big, binary, not UTF-8
            continue
        try:
            po = poread.read(path)
        except poread.PoFileError as exc:
            message = re.sub(r" on \d+$", "", str(exc))
            problems.add(rel, getattr(exc, "lineno", 0) + 1, 1, SYNTAX,
                         f"{message}; each entry is a msgid line and a msgstr line, in double quotes")
            continue
        except (ValueError, TypeError) as exc:  # a header Babel cannot read (plural forms, charset)
            problems.add(rel, 1, 1, SYNTAX, f"the header cannot be read: {exc}")
            continue
        for entry in po.entries:
            for message, breaks in placeholder_problems(entry):
                if breaks:  # the others are reported with what the translations say (catalog.py)
                    problems.add(rel, entry.line, 1, "msgstr", message)
