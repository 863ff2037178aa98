"""`kb i18n extract | update | init LANG | status`: the translators' commands."""

from __future__ import annotations

from pathlib import Path

import click

from generator.commands.options import ROOT
from generator.i18n import catalog
from generator.pipeline.build import check


def load(root: Path) -> catalog.Loaded:
    """The checked content, as the translation commands need it."""
    cfg = (checked := check(root)).config
    return catalog.Loaded(Path(root), checked.tree, str(cfg.city), cfg.source.code,
                          [lang.code for lang in cfg.languages])



@click.group("i18n")
def i18n_cli() -> None:
    """Translation files: extract texts, update and start languages, see what is left."""


@i18n_cli.command("extract")
@ROOT
def extract_cmd(root: Path) -> None:
    """Write translations/content.pot from the content and the templates."""
    path, changed, _ = catalog.extract(root, load(root))
    click.echo(f"{'Wrote' if changed else 'Unchanged:'} {path}", err=True)


@i18n_cli.command("update")
@ROOT
def update_cmd(root: Path) -> None:
    """Extract, then merge into every translations/<lang>.po (changed texts become fuzzy)."""
    for path, changed in catalog.update(root, load(root)):
        click.echo(f"{'Updated' if changed else 'Unchanged:'} {path}", err=True)


@i18n_cli.command("init")
@click.argument("lang")
@ROOT
def init_cmd(lang: str, root: Path) -> None:
    """Start translations/LANG.po, then print the line to add to mkdocs.yml."""
    path, line = catalog.init(root, lang, load(root))
    click.echo(f"Created {path}", err=True)
    click.echo("Now add this line under extra.kb.languages in mkdocs.yml:", err=True)
    click.echo(line)


@i18n_cli.command("status")
@ROOT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def status_cmd(root: Path, fmt: str) -> None:
    """Per language and per file: translated, fuzzy and untranslated messages."""
    click.echo(catalog.format_status(catalog.status(root, load(root)), fmt))
