"""Translation files (translations/<lang>.po) are content too: a malformed entry or a translation
whose placeholders differ from the source (``%(city)s``) is reported with its line, before a build
could fail on it."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import TranslationError
from babel.messages.checkers import _validate_format

from generator.errors import SYNTAX, Problems
from generator.i18n import poread
from generator.pipeline import contentfiles

NAMED = re.compile(r"%\(\w+\)[a-z]")


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
