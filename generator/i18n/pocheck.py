"""Translation files (translations/<lang>.po) are content too: a malformed entry or a translation
whose placeholders differ from the source (``%(city)s``) is reported with its line, before a build
could fail on it."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import TranslationError
from babel.messages.checkers import _validate_format

from generator.errors import SYNTAX, Problems
from generator.i18n import poread
from generator.pipeline.load import MAX_PO_BYTES, read_text

NAMED = re.compile(r"%\(\w+\)[a-z]")


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
            # Only what says it is a format string: Babel would take any '%' for one
            # ("60% of the households").
            if entry.fuzzy or not ("python-format" in entry.flags or NAMED.search(entry.id)):
                continue
            pairs = [(entry.ids[0], entry.strings[0])]
            pairs += [(entry.ids[-1], s) for s in entry.strings[1:]]
            for source, translation in pairs:
                if not translation:
                    continue
                try:
                    _validate_format(source, translation)
                except TranslationError as err:
                    problems.add(rel, entry.line, 1, "msgstr", f"{err} (msgid \"{entry.id}\")")
