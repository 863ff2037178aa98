"""The site engine's entry point: build one generated mkdocs project, and the URL mkdocs gives a
page of it."""

from __future__ import annotations

import logging
import os


def page_url(path: str) -> str:
    """The URL (relative to the language's root) mkdocs gives a docs page: 'services/x.md' ->
    'services/x/', 'index.md' -> ''."""
    stem = path[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def mkdocs_build(config_file: str, dirty: bool = False) -> list[str]:
    """Build one generated mkdocs project; returns mkdocs' warnings. `dirty`: render only the
    pages whose source is newer than their HTML (the others are already in the site folder)."""
    # mkdocs and its plugins take a second to import: `kb check` and the other commands that
    # build no site never load them.
    from mkdocs.commands.build import build as mk_build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    caught: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if record.levelno >= logging.WARNING and not message.startswith(DIRTY_WARNING):
                caught.append(message)

    # mkdocs' warnings come to kb, which reports them (with a handler on its logger, Python does
    # not print them itself).
    log = logging.getLogger("mkdocs")
    handler = Collect(logging.WARNING)
    log.addHandler(handler)
    try:
        cfg = load_config(config_file)
        # Every kb build is a build of its own: mkdocs keeps the plugins that have startup hooks
        # for the next build in the same process (for its own serve), and a plugin told of a
        # dirty build keeps what it made for the next (Material's search merges the last build's
        # entries into this one's). The dirty build is mkdocs' own business (`mk_build`).
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mk_build(cfg, dirty=dirty)
        except RecursionError:  # Markdown nested thousands deep (quotes, lists, emphasis)
            pages = [m for m in caught if m.startswith("Error reading page")]
            return ["content nested too deeply to render (thousands of nested lists, quotes or "
                    "emphasis marks); " + ("; ".join(pages) or "simplify the Markdown")]
        finally:
            cfg.plugins.on_shutdown()
    finally:
        log.removeHandler(handler)
    return caught


# What mkdocs says of every dirty build; kb's dirty builds give every page they leave a file.
DIRTY_WARNING = "A 'dirty' build is being performed"
