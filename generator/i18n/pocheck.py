"""Translation files (translations/<lang>.po) are content too: a malformed entry or a translation
whose placeholders differ from the source (``%(city)s``) is reported with its line, before a build
could fail on it."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Message, TranslationError
from babel.messages.checkers import python_format

from generator.errors import SYNTAX, Problems
from generator.i18n import poread
from generator.pipeline import contentfiles

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


def check_po_files(root: Path, problems: Problems, languages: list[str] | None = None) -> None:
    """The PO files of translations/ that cannot be read; `languages` (the codes in mkdocs.yml)
    tells which name is meant when two differ only in case (ES.po beside es.po)."""
    try:
        contentfiles.check_path(root, "translations")
    except contentfiles.Refused as r:
        problems.add(r.rel, message=r.message)
        return
    folder = root / "translations"
    if not folder.is_dir():
        return
    names = sorted(p.name for p in folder.iterdir()
                   if p.name.casefold().endswith(".po") and not p.name.startswith("."))
    wanted = {f"{code}.po" for code in languages or ()}
    for rel, message in contentfiles.clashes("translations", names, keep=wanted):
        problems.add(rel, message=message)
        names.remove(rel.split("/", 1)[1])
    by_fold = {contentfiles.fold(name): name for name in wanted}
    for name in list(names):
        meant = by_fold.get(contentfiles.fold(name))
        if meant is not None and meant != name:  # the only file for a language, misnamed
            problems.add(f"translations/{name}", message=f"is not read: the language in "
                         f"mkdocs.yml is '{meant[:-3]}'; rename it to '{meant}'")
            names.remove(name)
    for name in names:
        if not name.endswith(".po"):
            continue
        path, rel = folder / name, f"translations/{name}"
        try:
            po = poread.read(path)
        except FileNotFoundError:
            continue  # gone since the folder was listed
        except poread.Unreadable as exc:  # a link out of the folder, binary, UTF-16, too big
            problems.extend(exc.problems)
            continue
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
