"""`kb i18n extract | update | init LANG | status`: the translators' commands."""

from __future__ import annotations

from pathlib import Path

import click

ROOT = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
                    show_default=True, help="The content folder (holds mkdocs.yml).")


@click.group("i18n")
def i18n_cli() -> None:
    """Translation files: extract texts, update and start languages, see what is left."""


@i18n_cli.command("extract")
@ROOT
def extract_cmd(root: Path) -> None:
    """Write translations/content.pot from the content and the templates."""
    from generator.i18n import catalog

    path, changed, _ = catalog.extract(root)
    click.echo(f"{'Wrote' if changed else 'Unchanged:'} {path}", err=True)


@i18n_cli.command("update")
@ROOT
def update_cmd(root: Path) -> None:
    """Extract, then merge into every translations/<lang>.po (changed texts become fuzzy)."""
    from generator.i18n import catalog

    for path, changed in catalog.update(root):
        click.echo(f"{'Updated' if changed else 'Unchanged:'} {path}", err=True)


@i18n_cli.command("init")
@click.argument("lang")
@ROOT
def init_cmd(lang: str, root: Path) -> None:
    """Start translations/LANG.po, then print the line to add to mkdocs.yml."""
    from generator.i18n import catalog

    path, line = catalog.init(root, lang)
    click.echo(f"Created {path}", err=True)
    click.echo("Now add this line under extra.kb.languages in mkdocs.yml:", err=True)
    click.echo(line)


@i18n_cli.command("status")
@ROOT
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def status_cmd(root: Path, fmt: str) -> None:
    """Per language and per file: translated, fuzzy and untranslated messages."""
    from generator.i18n import catalog

    click.echo(catalog.format_status(catalog.status(root), fmt))
