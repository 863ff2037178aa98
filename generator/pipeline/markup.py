"""The content's Markdown, in one place: the extensions it is written with, and its links between
pages, ``[text](service:pothole-repair)`` and ``[text](article:missed-pickup)``.

A link is checked by the validate stage and rewritten by whatever shows the text (the pages, the
console's data) through ``resolve_links``, so that every place agrees on what a link is and what
becomes of one to a page the audience does not have (its words stay, the link goes).
"""

from __future__ import annotations

import re
from typing import Callable

# Python-Markdown extensions of the content (the pages add their table of contents settings).
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "def_list", "pymdownx.details",
              "pymdownx.superfences"]

LINK_RE = re.compile(r"\]\(\s*(service|article):([^)\s]*)\s*\)")
ARTICLE_LINK_RE = re.compile(r"\[([^\]]*)\]\(\s*article:([^)\s]*)\s*\)")
FOLDERS = {"service": "services", "article": "answers"}  # where each kind's pages are
_DEAD = re.compile(r"\[([^\]]*)\]\(#\)")


def resolve_links(text: str, exists: Callable[[str, str], bool],
                  href: Callable[[str, str], str]) -> str:
    """`text` with each link to a page that `exists(kind, id)` pointed at `href(kind, id)`, and
    each link to a page that does not reduced to its words."""
    def repl(m: re.Match) -> str:
        kind, target = m.group(1), m.group(2)
        return f"]({href(kind, target)})" if exists(kind, target) else "](#)"

    return _DEAD.sub(r"\1", LINK_RE.sub(repl, text))
