"""Options every `kb` command shares."""

from __future__ import annotations

from pathlib import Path

import click

ROOT = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
                    show_default=True, help="The content folder (holds mkdocs.yml).")

ENGINE = click.option("--engine", type=click.Choice(["mkdocs", "properdocs", "zensical"]),
                      default="mkdocs", show_default=True,
                      help="What lays out the pages (docs/engines.md); the others are extras: "
                           "pip install 'kb311[properdocs]' or 'kb311[zensical]'.")
