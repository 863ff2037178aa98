"""What mkdocs.yml inherits (``INHERIT: base.yml``): mkdocs reads those files when it builds,
so they are content too. Each must be inside the content folder, outside hidden folders, and
as safe to read as mkdocs.yml itself (no tags that run code); a chain that comes back to a
file it has passed would make mkdocs inherit forever."""

from __future__ import annotations

import os
from pathlib import Path

from generator.errors import Problems
from generator.pipeline import contentfiles
from generator.pipeline.load import load_yaml_file


def check_inherited(root: Path, doc, problems: Problems) -> None:
    """Follow the INHERIT chain of the settings `doc` (mkdocs.yml), reporting what is wrong."""

    real = contentfiles.real_root(root)
    here = Path(os.path.realpath(real / doc.path))
    seen = {here}
    while isinstance(doc.data, dict) and "INHERIT" in doc.data:
        value = doc.data["INHERIT"]
        line, col = doc.pos(("INHERIT",))

        def problem(message: str) -> None:
            problems.add(doc.path, line, col, "INHERIT", message)

        if not isinstance(value, str) or not value.strip():
            return problem("must name another settings file, like 'base.yml'")
        # as mkdocs finds it: beside the file that names it, '..' taken away by its text
        target = Path(os.path.normpath(os.path.join(here.parent, value)))
        try:
            rel = target.relative_to(real).as_posix()
        except ValueError:
            return problem(f"'{value}' is outside the content folder; kb reads only files "
                           "inside it: move the settings it holds into the content folder")
        if any(part.startswith(".") for part in rel.split("/")):
            return problem(f"'{value}' is hidden (like .git/) and not content: move the settings "
                           "it holds into a file of the content folder")
        if not os.path.lexists(target):
            return problem(f"names '{value}', which does not exist")
        real_target = Path(os.path.realpath(target))
        if real_target in seen:
            return problem(f"'{value}' inherits from this file again, so mkdocs would never "
                           "finish; remove one INHERIT")
        parent = load_yaml_file(target, rel, "config", rel, problems, lenient_tags=True)
        if parent is None:
            return None
        seen.add(real_target)
        doc, here = parent, real_target
    return None
