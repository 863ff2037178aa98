"""mkdocs hook for the generated projects: the page's text direction on <html> as well.

Material sets ``dir`` on <body> only; screen readers, the browser's own controls and CSS
``:dir()`` look at the root element.
"""

from __future__ import annotations

import re

_HTML = re.compile(r"<html\b([^>]*)>", re.I)


def on_post_page(output: str, page, config) -> str:  # noqa: ARG001 - mkdocs' hook signature
    direction = (config.get("extra") or {}).get("kb_build", {}).get("dir") or "ltr"

    def repl(m: re.Match) -> str:
        attrs = m.group(1)
        if re.search(r"\sdir=", attrs):
            return m.group(0)
        return f'<html{attrs} dir="{direction}">'

    return _HTML.sub(repl, output, count=1)


def on_post_template(output: str, template_name: str, config) -> str:  # noqa: ARG001
    """The same for pages built from a theme template alone (404.html)."""
    return on_post_page(output, None, config) if template_name.endswith(".html") else output
