"""Live preview: one language and audience, rebuilt when content changes.

mkdocs' own live-reload server serves the preview; its builder runs our pipeline (check, model,
render, mkdocs build) into a temporary folder. A content error is printed with its place and the
last good preview stays up. The real output folder (site/) is never touched.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

import click

from . import console
from .build import _mkdocs_build, check
from .errors import ContentError, KbError
from .i18n import interface_translations
from .model import build_site
from .render import write_project
from .translate import translate

WATCHED = ("mkdocs.yml", "catalog", "articles", "translations", "theme")


def preview(root: Path, lang: str | None, audience: str, work: Path, site_dir: Path) -> str:
    """Build the preview once into site_dir; returns the language built."""
    checked = check(root)
    config = checked.config
    lang = lang or config.source.code
    if lang not in [lg.code for lg in config.languages]:
        raise KbError(f"--lang {lang}: not a language of this site")
    source_site = build_site(checked.tree, config, audience)
    messages = interface_translations(config.root, lang, config.source.code)
    site = translate(source_site, lang, messages)
    project_dir = work / "project"
    if project_dir.exists():
        shutil.rmtree(project_dir)
    project = write_project(site, source_site, lang, messages, config.root, project_dir, site_dir)
    warnings = _mkdocs_build(str(project.config_file))
    console.write_language(site, lang, site_dir, [lang])  # alerts.json, console.json
    for w in warnings:
        click.echo(f"mkdocs: {w}", err=True)
    return lang


def serve(root: Path, lang: str | None, audience: str, port: int) -> None:
    from mkdocs.livereload import LiveReloadServer

    root = Path(root).resolve()
    work = Path(tempfile.mkdtemp(prefix="kb-serve-"))
    site_dir = work / "site"
    state = {"lang": lang}

    def rebuild() -> None:
        try:
            state["lang"] = preview(root, lang, audience, work, site_dir)
            click.echo("Preview updated.", err=True)
        except ContentError as exc:
            exc.show()
            click.echo("The preview still shows the last version without errors.", err=True)

    try:
        state["lang"] = preview(root, lang, audience, work, site_dir)  # errors stop here, exit 1
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        server = LiveReloadServer(builder=rebuild, host="127.0.0.1", port=port, root=str(site_dir))
        for name in WATCHED:
            if (root / name).exists():
                server.watch(str(root / name))
        click.echo(f"Previewing {audience} site ({state['lang']}) at http://127.0.0.1:{port}/ "
                   "— edit content and the page reloads. Ctrl+C stops.", err=True)
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
