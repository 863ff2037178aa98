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
AGENT_BLOCKS = ("agent", "say", "ask", "transfer")  # admonitions for agents only
_DEAD = re.compile(r"\[([^\]]*)\]\(#\)")


def resolve_links(text: str, exists: Callable[[str, str], bool],
                  href: Callable[[str, str], str]) -> str:
    """`text` with each link to a page that `exists(kind, id)` pointed at `href(kind, id)`, and
    each link to a page that does not reduced to its words."""
    def repl(m: re.Match) -> str:
        kind, target = m.group(1), m.group(2)
        return f"]({href(kind, target)})" if exists(kind, target) else "](#)"

    return _DEAD.sub(r"\1", LINK_RE.sub(repl, text))


_BLOCK_RE = re.compile(r"^(?:!!!|\?\?\?\+?)\s+([A-Za-z][\w-]*)")


def split_agent_blocks(body: str) -> str:
    """The body without its agent-only admonitions (``!!! say`` ...), for residents.

    A block is its opening line and every following line that is indented or blank (a blank line
    belongs to the block only when indented text follows it).
    """
    lines = body.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _BLOCK_RE.match(lines[i])
        if m and m.group(1).lower() in AGENT_BLOCKS:
            i += 1
            while i < len(lines):
                if lines[i].startswith(("    ", "\t")):
                    i += 1
                    continue
                if not lines[i].strip():
                    j = i
                    while j < len(lines) and not lines[j].strip():
                        j += 1
                    if j < len(lines) and lines[j].startswith(("    ", "\t")):
                        i = j
                        continue
                break
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)
