"""Languages: interface and content translations for one language, and locale-aware formats.

One PO file per language (``translations/<lang>.po``) holds both the interface strings of the
templates and the content strings of the catalog and articles. A language with no CLDR data in
Babel (Hmong) still builds: dates and numbers use neutral formats (ISO dates, 24-hour times).
"""

from __future__ import annotations

import gettext
import json
import re
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from pathlib import Path

import jinja2
from babel import Locale, dates, numbers

from generator.errors import SYNTAX, ContentError, Problem
from generator.i18n import poread
from generator.pipeline.model import Language


@lru_cache(maxsize=32)
def interface_strings(messages) -> dict:
    """The interface words kb's code needs, in the language of `messages` (a gettext object),
    from templates/interface/strings.json.j2: the words live in templates and translations."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("generator", "templates"),
                             extensions=["jinja2.ext.i18n"], autoescape=False)
    env.install_gettext_translations(messages, newstyle=True)
    return json.loads(env.get_template("interface/strings.json.j2").render())


class Fallback(str):
    """Source-language text shown where a translation is missing or fuzzy.

    ``lang`` is the source language (pages put it on the element); ``notice`` is the short note,
    in the page's language, that this part is not yet translated ("" for none).
    """

    lang: str = ""
    notice: str = ""
    dir: str = "ltr"  # the source language's direction (English in an Arabic page stays ltr)

    def __new__(cls, text: str, lang: str, notice: str = "", dir: str = "ltr"):  # noqa: A002
        obj = super().__new__(cls, text)
        obj.lang = lang
        obj.notice = notice
        obj.dir = dir
        return obj


@lru_cache(maxsize=None)
def _locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


@lru_cache(maxsize=4096)
def _time(identifier: str | None, hhmm: str) -> str:
    """'13:30' in a locale's short time format (every service page shows its office's hours)."""
    loc = _locale(identifier) if identifier else None
    if hhmm == "24:00":
        hhmm = "23:59" if not loc else "00:00"
    h, m = (int(x) for x in hhmm.split(":"))
    return dates.format_time(time(h, m), "short", locale=loc) if loc else f"{h:02d}:{m:02d}"


@dataclass
class Formatter:
    """Dates, times, numbers and weekday names in one language's conventions."""

    language: Language
    words: dict  # interface_strings: names of days and months where there is no locale data
    currency: str = "USD"

    @property
    def locale(self) -> Locale | None:
        return _locale(self.language.locale) if self.language.locale else None

    def date(self, d: date) -> str:
        loc = self.locale
        return dates.format_date(d, "long", locale=loc) if loc else d.isoformat()

    def time(self, hhmm: str) -> str:
        return _time(self.language.locale, hhmm)

    def day(self, index: int) -> str:
        """Weekday name, Monday = 0."""
        loc = self.locale
        if not loc:
            return self.words["weekdays"][index]
        return loc.days["format"]["wide"][index]

    def month_day(self, mmdd: str) -> str:
        """'10-15' -> 'October 15' in the language's conventions."""
        month, day = (int(x) for x in mmdd.split("-"))
        loc = self.locale
        if not loc:
            return f"{self.words['months'][month - 1]} {day}"
        return dates.format_skeleton("MMMMd", date(2024, month, day), locale=loc)

    def number(self, value: float) -> str:
        loc = self.locale
        return numbers.format_decimal(value, locale=loc) if loc else f"{value:g}"

    def money(self, amount: float) -> str:
        """An amount in the site's currency: '$25.00', '25,00 US$'; neutral: '25.00 USD'."""
        loc = self.locale
        if not loc:
            return f"{amount:.2f} {self.currency}"
        return numbers.format_currency(amount, self.currency, locale=loc)

    def fees(self, text):
        """A fee text with its amounts ('$25', '$1,200.50') in the page's conventions."""
        if not text:
            return text
        symbol = re.escape(numbers.get_currency_symbol(self.currency, "en"))
        pattern = re.compile(symbol + r"\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?(?![\d,.]\d)")

        def repl(m: re.Match) -> str:
            return self.money(float(m.group(1).replace(",", "") + (m.group(2) or "")))

        out = pattern.sub(repl, str(text))
        if isinstance(text, Fallback):
            return Fallback(out, text.lang, text.notice, text.dir)
        return out


class NoMessages(gettext.NullTranslations):
    """A language with no PO file yet: every message is missing."""

    def lookup(self, msgid: str) -> str | None:  # noqa: ARG002
        return None


def interface_translations(root: Path, lang: str, source: str) -> gettext.NullTranslations:
    """The interface and content messages of one language (identity for the source)."""
    if lang == source:
        return _SOURCE
    po = root / "translations" / f"{lang}.po"
    if not po.exists():
        return _NO_MESSAGES
    try:
        return _messages(poread.read(po))
    except FileNotFoundError:
        return _NO_MESSAGES
    except poread.Unreadable as exc:  # replaced since kb check read it (the live preview)
        raise ContentError(exc.problems) from None
    except (poread.PoFileError, ValueError, TypeError) as exc:
        raise ContentError([Problem(f"translations/{po.name}", getattr(exc, "lineno", 0) + 1, 1,
                                    SYNTAX, f"not a valid PO file: {exc}")]) from None


_NO_MESSAGES = NoMessages()
_SOURCE = gettext.NullTranslations()


@lru_cache(maxsize=16)
def _messages(po: poread.PoFile) -> poread.Messages:
    """One object per state of a PO file (a build asks for a language's messages many times)."""
    return poread.Messages(po)


def language_partial(theme: Path, language: Language) -> None:
    """Material's interface strings for a language it has none for: an English copy that says
    the language and direction, so a new language builds (translate it in
    theme/partials/languages/<lang>.html)."""
    import material

    name = f"{language.code}.html"
    ours = theme / "partials" / "languages" / name
    material_dir = Path(material.__file__).parent / "templates" / "partials" / "languages"
    if ours.exists() or (material_dir / name).exists():
        return
    text = (material_dir / "en.html").read_text("utf-8")
    text = text.replace('"language": "en"', f'"language": "{language.code}"')
    text = text.replace('"direction": "ltr"', f'"direction": "{language.dir}"')
    ours.parent.mkdir(parents=True, exist_ok=True)
    ours.write_text(text, "utf-8")
