"""What makes a built page safe and right, whatever engine laid it out (mkdocs, ProperDocs or
Zensical): kb does this work itself, on the HTML the engine wrote, so that no engine's hooks are
needed for it.

- **Content HTML is cleaned** with an allow-list (nh3, the Ammonia sanitiser): whatever HTML a
  content field held, no script, event handler, ``javascript:`` URL, iframe or form survives. The
  content is what the theme prints between kb's markers: ``page.content``
  (``theme/partials/content.html``) and the headings in the table of contents
  (``partials/toc-item.html``). The markers carry a secret of the build (``mark``, kept in the
  build cache, never published), so content cannot end a marked part early with a marker of its
  own. Text kb prints elsewhere (titles, the navigation, the meta description, the site name) is
  written escaped into the generated project (render.py).
- **The page's language**: its direction on ``<html>`` as well (Material sets ``dir`` on
  ``<body>`` only; screen readers, the browser's own controls and CSS ``:dir()`` look at the root
  element); in a right-to-left page, phone numbers keep their left-to-right order
  ("+1 612-555-0311" would otherwise read "0311-555-612 1+").
- **Alternate languages**: each ``<link rel="alternate" hreflang>`` points at this same page in
  that language, as an absolute address (Material points them at each language's home page). A
  letter's page of a long A to Z points at the other language's A to Z: each language has its
  own letters.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import nh3

from generator.engine.mkdocs import page_url
from generator.errors import KbError

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "nav", "ol", "p",
    "pre", "s", "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul", "button",
}
GLOBAL_ATTRS = {
    "class", "id", "lang", "dir", "title", "hidden", "role", "aria-label", "aria-hidden",
    "aria-live", "data-search-exclude", "data-kb-service", "data-kb-next", "data-kb-start",
    "data-kb-copy", "data-kb-step", "data-kb-dept", "tabindex",
}
ATTRS = {
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "details": {"open"},
    "button": {"type"},
}
SCHEMES = {"http", "https", "mailto", "tel", "sms"}

_CLEANER = nh3.Cleaner(tags=TAGS, attributes={tag: GLOBAL_ATTRS | ATTRS.get(tag, set()) for tag in TAGS},
                       url_schemes=SCHEMES, link_rel=None, strip_comments=True)

class UnsafePage(KbError):
    """A built page whose content kb cannot find (a theme override without the markers)."""


def new_mark() -> str:
    """A fresh secret for the markers around content."""
    return secrets.token_hex(16)


def sanitize(html: str) -> str:
    """Content HTML with only the allowed tags, attributes and link schemes left."""
    return _CLEANER.clean(html)


_HTML = re.compile(r"<html\b([^>]*)>", re.I)
_ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="([^"]+)">')
_TEXT = re.compile(r">([^<]+)<")
_PHONE = re.compile(r"\+?\d[\d .()-]{5,}\d")


def _isolate_phones(html: str) -> str:
    def phones(m: re.Match) -> str:
        text = _PHONE.sub(lambda p: f'<span dir="ltr">{p.group(0)}</span>'
                          if sum(c.isdigit() for c in p.group(0)) >= 7 else p.group(0), m.group(1))
        return f">{text}<"

    return _TEXT.sub(phones, html)


def finish_page(html: str, here: str | None, direction: str, base: str, mark: str) -> str:
    """One built page made safe and right. `here`: the page's address under its language's root
    ('services/x/'; None for a page that has no content, like 404.html); `base`: the address of
    the folder that holds every language ('https://311.example.gov/'); `mark`: the markers'
    secret."""
    start_mark, end_mark = f"<!--kb:{mark}-->", f"<!--/kb:{mark}-->"
    parts, pos, marked = [], 0, 0
    while (start := html.find(start_mark, pos)) >= 0:
        end = html.find(end_mark, start)
        if end < 0:
            raise UnsafePage("a content marker is not closed: the theme prints "
                             f"{start_mark} without {end_mark}")
        content = sanitize(html[start + len(start_mark):end])
        if direction == "rtl":
            content = _isolate_phones(content)
        parts += [html[pos:start], content]
        pos, marked = end + len(end_mark), marked + 1
    html = "".join(parts) + html[pos:]
    if here is not None and not marked:
        raise UnsafePage("the page has no content markers: the theme's partials/content.html "
                         "must print {{ page.content }} between kb's markers (see "
                         "generator/engine/theme/partials/content.html)")

    def html_tag(m: re.Match) -> str:
        attrs = m.group(1)
        return m.group(0) if re.search(r"\sdir=", attrs) else f'<html{attrs} dir="{direction}">'

    html = _HTML.sub(html_tag, html, count=1)
    where = "a-z/" if (here or "").startswith("a-z/") else (here or "")

    def alternate(m: re.Match) -> str:
        code = m.group(1)
        return f'<link rel="alternate" href="{base}{code}/{where}" hreflang="{code}">'

    return _ALTERNATE.sub(alternate, html)


def page_address(site_dir: Path, path: Path) -> str | None:
    """The address under the language's root of a built page file (None for 404.html)."""
    rel = path.relative_to(site_dir).as_posix()
    if rel == "404.html":
        return None
    return rel[: -len("index.html")]


def finish_site(site_dir: Path, pages: list[str], direction: str, base: str, mark: str,
                not_found: bool = True) -> int:
    """Finish the pages an engine has just built into `site_dir` (the docs paths in `pages`, like
    'services/x.md'; and 404.html when `not_found`); returns how many were finished. Pages that
    came from the last build (hard links into the live site) are not in `pages`: they were
    finished then."""
    files = [site_dir / page_url(p) / "index.html" for p in pages]
    if not_found and (site_dir / "404.html").is_file():
        files.append(site_dir / "404.html")
    for path in files:
        text = path.read_text("utf-8")
        try:
            text = finish_page(text, page_address(site_dir, path), direction, base, mark)
        except UnsafePage as exc:  # nothing is published: the build stops here
            raise UnsafePage(f"{path.relative_to(site_dir).as_posix()}: {exc.message}") from None
        path.write_text(text, "utf-8")
    return len(files)
