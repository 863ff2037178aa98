"""Translation files (translations/<lang>.po) are content too: a malformed entry or a translation
whose placeholders differ from the source (``%(city)s``) is reported with its line, before a build
could fail on it."""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from .errors import SYNTAX, Problems
from .load import read_text


def check_po_files(root: Path, problems: Problems) -> None:
    folder = root / "translations"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.po")):
        rel = f"translations/{path.name}"
        text = read_text(path, rel, problems)
        if text is None:
            continue
        try:
            catalog = read_po(io.StringIO(text), abort_invalid=True)
        except PoFileError as exc:
            message = re.sub(r" on \d+$", "", str(exc))
            problems.add(rel, getattr(exc, "lineno", 0) + 1, 1, SYNTAX,
                         f"{message}; each entry is a msgid line and a msgstr line, in double quotes")
            continue
        except (ValueError, TypeError) as exc:  # a header Babel cannot read (plural forms, charset)
            problems.add(rel, 1, 1, SYNTAX, f"the header cannot be read: {exc}")
            continue
        lines = text.splitlines()
        for message, errors in catalog.check():
            if message.fuzzy or not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            if not (_flagged_python_format(lines, message.lineno) or NAMED.search(msgid)):
                continue  # Babel guesses python-format from any '%' ("60% of the households")
            for err in errors:
                problems.add(rel, message.lineno or 1, 1, "msgstr",
                             f"{err} (msgid \"{message.id if isinstance(message.id, str) else message.id[0]}\")")


NAMED = re.compile(r"%\(\w+\)[a-z]")


def _flagged_python_format(lines: list[str], lineno: int | None) -> bool:
    """True when the entry starting at line `lineno` (1-based msgid line) says `#, python-format`."""
    i = (lineno or 1) - 2
    while i >= 0 and lines[i].startswith("#"):
        if lines[i].startswith("#,") and "python-format" in lines[i]:
            return True
        i -= 1
    return False
