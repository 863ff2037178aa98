"""The lunr-languages files Material for MkDocs ships: each language's stop words and the letters
its trimmer keeps, read by kb's search indexes (generator/search/words.py and
generator/formats/search_index.py). The sites use no search of Material's: kb's own search box
is in the theme (partials/search.html, kb/search/box.js)."""

from __future__ import annotations

from pathlib import Path


def lunr_language_file(lang: str) -> str | None:
    """The text of Material's copy of lunr-languages' lunr.<lang>.min.js, if any."""
    try:
        import material
    except ImportError:  # pragma: no cover - Material is a dependency
        return None
    path = (Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "lunr"
            / "min" / f"lunr.{lang}.min.js")
    return path.read_text("utf-8") if path.is_file() else None
