"""mkdocs hook for the generated projects: what every page needs for its language.

- The page's text direction on <html> as well (Material sets ``dir`` on <body> only; screen
  readers, the browser's own controls and CSS ``:dir()`` look at the root element).
- In a right-to-left page, phone numbers keep their left-to-right order ("+1 612-555-0311"
  would otherwise read "0311-555-612 1+").
- The ``<link rel="alternate" hreflang>`` of each language point at this same page in that
  language, as absolute addresses under ``site_url`` (Material points them at each language's
  home page). That is what search engines want, and it keeps Material's language-switch script
  from sending a click on the switcher to the other language's home page when the site is
  previewed or hosted under another address. A letter's page of a long A to Z points at the
  other language's A to Z: each language has its own letters.
"""

from __future__ import annotations

import re

_HTML = re.compile(r"<html\b([^>]*)>", re.I)
_ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="([^"]+)">')


def _kb(config) -> dict:
    return (config.get("extra") or {}).get("kb_build") or {}


_TEXT = re.compile(r">([^<]+)<")
_PHONE = re.compile(r"\+?\d[\d .()-]{5,}\d")


def on_page_content(html: str, page, config, files) -> str:  # noqa: ARG001
    if _kb(config).get("dir") != "rtl":
        return html

    def phones(m: re.Match) -> str:
        text = _PHONE.sub(lambda p: f'<span dir="ltr">{p.group(0)}</span>'
                          if sum(c.isdigit() for c in p.group(0)) >= 7 else p.group(0), m.group(1))
        return f">{text}<"

    return _TEXT.sub(phones, html)


def on_post_page(output: str, page, config) -> str:  # noqa: ARG001 - mkdocs' hook signature
    kb = _kb(config)
    direction = kb.get("dir") or "ltr"

    def html_tag(m: re.Match) -> str:
        attrs = m.group(1)
        if re.search(r"\sdir=", attrs):
            return m.group(0)
        return f'<html{attrs} dir="{direction}">'

    output = _HTML.sub(html_tag, output, count=1)
    lang, site_url = kb.get("lang"), str(config.get("site_url") or "")
    if lang and site_url.endswith(f"/{lang}/"):
        base = site_url[: -len(lang) - 1]
        here = page.url if page is not None and getattr(page, "url", None) else ""
        if here == "404.html":
            here = ""
        elif here.startswith("a-z/"):  # a letter of the A to Z: each language has its own letters
            here = "a-z/"

        def alternate(m: re.Match) -> str:
            code = m.group(1)
            return f'<link rel="alternate" href="{base}{code}/{here}" hreflang="{code}">'

        output = _ALTERNATE.sub(alternate, output)
    return output


def on_post_template(output: str, template_name: str, config) -> str:  # noqa: ARG001
    """The same for pages built from a theme template alone (404.html)."""
    return on_post_page(output, None, config) if template_name.endswith(".html") else output
