"""Material for MkDocs' search: the plugin's settings per language, and the lunr-languages
files Material ships (which languages have a stemmer, which letters a language's trimmer keeps)."""

from __future__ import annotations

import re
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


# Languages lunr-languages (as Material ships it) has a pipeline for.
MATERIAL_LANGS = {"ar", "da", "de", "du", "en", "es", "fi", "fr", "hi", "hu", "hy", "it", "ja",
                  "kn", "ko", "nl", "no", "pt", "ro", "ru", "sa", "sv", "ta", "te", "th", "tr",
                  "vi", "zh"}


def material_search(lang: str, source: str) -> dict:
    """The search plugin's settings for one language's site.

    A language with no lunr pipeline gets the trimmer alone (no stemmer or stop words of another
    language). One whose word characters leave out the source language's script (Arabic's keep
    Arabic letters only) also gets the source language, or the untranslated text its pages show
    in the source language could not be found.
    """
    if lang not in MATERIAL_LANGS:
        return {"lang": "en", "pipeline": ["trimmer"]}
    langs = [lang]
    if lang != source and source in MATERIAL_LANGS and not keeps_latin(lang):
        langs.append(source)
    return {"lang": langs if len(langs) > 1 else lang,
            "pipeline": ["trimmer", "stopWordFilter", "stemmer"]}


def keeps_latin(lang: str) -> bool:
    """Whether lunr-languages' trimmer for `lang` keeps Latin letters."""
    if lang == "en":
        return True
    chars = re.search(r'wordCharacters="([^"]*)"', lunr_language_file(lang) or "")
    return bool(chars and re.match(f"[{chars.group(1)}]", "a"))
