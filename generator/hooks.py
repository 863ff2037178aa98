"""mkdocs hook for the generated projects: sanitise rendered content.

Content comes from many hands. Whatever HTML reaches a page body after Markdown rendering is
cleaned with an allow-list (nh3, the Ammonia sanitiser): no script, no event handler, no
``javascript:`` URL, no iframe or form survives, whatever a field contained. This runs before
Material builds its search index, so the index only ever sees cleaned text.
"""

from __future__ import annotations

import nh3

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


def sanitize(html: str) -> str:
    attrs = {tag: GLOBAL_ATTRS | ATTRS.get(tag, set()) for tag in TAGS}
    return nh3.clean(html, tags=TAGS, attributes=attrs, url_schemes=SCHEMES, link_rel=None,
                     strip_comments=True)


def on_page_content(html: str, page, config, files) -> str:  # noqa: ARG001 - mkdocs' hook signature
    return sanitize(html)
