"""Languages: interface and content translations for one language, and locale-aware formats.

One PO file per language (``translations/<lang>.po``) holds both the interface strings of the
templates and the content strings of the catalog and articles. A language with no CLDR data in
Babel (Hmong) still builds: dates and numbers use neutral formats (ISO dates, 24-hour times).
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from babel import Locale, dates, numbers

from .model import Language


class Fallback(str):
    """Source-language text shown where a translation is missing or fuzzy."""

    lang: str = ""

    def __new__(cls, text: str, lang: str):
        obj = super().__new__(cls, text)
        obj.lang = lang
        return obj


@dataclass
class Formatter:
    """Dates, times, numbers and weekday names in one language's conventions."""

    language: Language

    @property
    def locale(self) -> Locale | None:
        return Locale.parse(self.language.locale) if self.language.locale else None

    def date(self, d: date) -> str:
        loc = self.locale
        return dates.format_date(d, "long", locale=loc) if loc else d.isoformat()

    def time(self, hhmm: str) -> str:
        loc = self.locale
        if hhmm == "24:00":
            hhmm = "23:59" if not loc else "00:00"
        h, m = (int(x) for x in hhmm.split(":"))
        return dates.format_time(time(h, m), "short", locale=loc) if loc else f"{h:02d}:{m:02d}"

    def day(self, index: int) -> str:
        """Weekday name, Monday = 0."""
        loc = self.locale
        if not loc:
            return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[index]
        return loc.days["format"]["wide"][index]

    def month_day(self, mmdd: str) -> str:
        """'10-15' -> 'October 15' in the language's conventions."""
        month, day = (int(x) for x in mmdd.split("-"))
        loc = self.locale
        if not loc:
            return f"{month:02d}-{day:02d}"
        return dates.format_skeleton("MMMMd", date(2024, month, day), locale=loc)

    def number(self, value: float) -> str:
        loc = self.locale
        return numbers.format_decimal(value, locale=loc) if loc else f"{value:g}"


def interface_translations(root: Path, lang: str, source: str) -> gettext.NullTranslations:
    """The compiled interface and content messages of one language (identity for the source)."""
    if lang == source:
        return gettext.NullTranslations()
    po = root / "translations" / f"{lang}.po"
    if not po.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    import io
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=None)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)
