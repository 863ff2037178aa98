"""The `kb` command. Exit codes: 0 ok, 1 content errors (nothing written), 2 usage errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator import __version__
from generator.commands import scaffold
from generator.commands.options import ENGINE, ROOT
from generator.errors import ContentError, format_problems


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kb")
def main() -> None:
    """Build and check a city's 311 knowledge base and service catalog."""


@main.command()
@ROOT
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="json: an array of problems; github: CI annotations.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def check(root: Path, fmt: str, strict: bool, files: tuple[Path, ...]) -> None:
    """Validate all content and write nothing.

    FILES (optional) limit the report to those files; the whole tree is still checked, because
    a change in one file can break a reference in another.
    """
    # imported here: `kb --help` starts without loading the pipeline
    from generator.pipeline.build import check as run_check

    only = {_rel(root, f) for f in files}
    try:
        checked = run_check(root, strict, fmt)
    except ContentError as exc:
        if only:
            exc = _limit(exc, only)
            if exc is None:
                return
        raise exc
    warnings = [w for w in checked.warnings if not only or w.path in only]
    if fmt == "json":
        click.echo(format_problems(warnings, "json"))
    elif warnings:
        click.echo(format_problems(warnings, fmt), err=fmt == "text")


def _rel(root: Path, f: Path) -> str:
    try:
        return Path(os.path.relpath(f.resolve(), root.resolve())).as_posix()
    except ValueError:
        return f.as_posix()


def _limit(exc: ContentError, only: set[str]) -> ContentError | None:
    """The same error, about the named files only (None when they have no problem)."""
    kept = [p for p in exc.problems if p.path in only]
    return ContentError(kept, exc.fmt) if kept else None


@main.command()
@ROOT
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder [default: ROOT/site].")
@click.option("--lang", "langs", multiple=True, help="Build only this language (repeat for more).")
@click.option("--audience", type=click.Choice(["public", "agent", "all"]), default="all",
              show_default=True)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Languages built at once [default: one per core].")
@click.option("--no-cache", is_flag=True,
              help="Build every page again, even those that have not changed since the last build.")
@ENGINE
def build(root: Path, out: Path | None, langs: tuple[str, ...], audience: str, strict: bool,
          jobs: int | None, no_cache: bool, engine: str) -> None:
    """Validate, then build the sites and the JSON into OUT/public and OUT/agent.

    Only what changed since the last build into OUT is built again: a page whose content did
    not change is kept, and a language none of whose inputs changed is kept whole.
    """
    # imported here: `kb --help` starts without loading the pipeline
    from generator.pipeline.build import build as run_build

    out = out or root / "site"
    stats: dict[str, float] = {}
    written = run_build(root, out, list(langs) or None, audience, strict, jobs, timings=stats,
                        use_cache=not no_cache, engine=engine)
    pages, rendered = int(stats.get("pages", 0)), int(stats.get("pages rendered", 0))
    for path in written:
        click.echo(f"Built {path}", err=True)
    if rendered < pages:
        click.echo(f"{rendered:,} of {pages:,} pages built again; the others had not changed.",
                   err=True)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--city", default="Example City", show_default=True, help="The city's name.")
@click.option("--lang", "langs", multiple=True, help="Languages, source first [default: en].")
@click.option("--ci", type=click.Choice(["github", "gitlab", "none"]), default="github",
              show_default=True, help="The forge's CI files: check, build, publish site/public/.")
@click.option("--from-open311", "open311", type=click.Path(path_type=Path), default=None,
              help="Start the catalog from a GeoReport v2 service list (.json, .xml or a folder).")
@click.option("--force", is_flag=True,
              help="Write into a folder that is not empty, replacing the files kb init writes.")
def init(directory: Path, city: str, langs: tuple[str, ...], ci: str, open311: Path | None,
         force: bool) -> None:
    """Create a new city content repository in DIRECTORY.

    It holds the site settings, a README for editors, their guides, .gitignore, a pre-commit
    check, requirements.txt pinning this kb version, and the CI files of the forge.
    """
    # imported here: `kb --help` starts without loading the pipeline
    from generator.commands.init_repo import init as run_init

    written, report = run_init(directory, city, list(langs) or ["en"], ci, open311, force)
    for line in report:
        click.echo(line, err=True)
    services = sum(1 for rel in written if rel.startswith("catalog/services/") and
                   rel.endswith(".yaml"))
    click.echo(f"Created {directory} with kb {__version__}: {len(written)} files"
               + (f", {services} services from {open311}" if open311 is not None else "")
               + f". Next: cd {directory} && git init && git add . && git commit -m 'Start' "
               f"&& kb build. README.md tells editors what to do.", err=True)


@main.group()
def new() -> None:
    """Start a new service or article from a commented template."""


@new.command("service")
@click.argument("id_")
@ROOT
def new_service(id_: str, root: Path) -> None:
    """Create catalog/services/ID.yaml."""
    path = scaffold.new(root, "service", id_)
    click.echo(f"Created {path}", err=True)


@new.command("article")
@click.argument("id_")
@ROOT
def new_article(id_: str, root: Path) -> None:
    """Create articles/ID.md."""
    path = scaffold.new(root, "article", id_)
    click.echo(f"Created {path}", err=True)


@main.command()
@ROOT
@click.option("--lang", default=None, help="Language to preview [default: the source language].")
@click.option("--audience", type=click.Choice(["public", "agent"]), default="public",
              show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@ENGINE
def serve(root: Path, lang: str | None, audience: str, port: int, engine: str) -> None:
    """Live preview: rebuilds and reloads the page when content changes."""
    # imported here: `kb --help` starts without loading the pipeline
    from generator.commands.serve import serve as run_serve

    run_serve(root, lang, audience, port, engine)


@main.group("import")
def import_() -> None:
    """Start a catalog from another system's data."""


@import_.command("open311")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--departments", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML mapping of Open311 groups and codes to department ids.")
@ROOT
@click.option("--force", is_flag=True, help="Replace services already in the catalog.")
def import_open311(path: Path, departments: Path | None, root: Path, force: bool) -> None:
    """Write catalog YAML from a GeoReport v2 service list (PATH: .json, .xml or a folder).

    Service definitions are read from services/<code>.json or .xml beside the list.
    """
    # imported here: `kb --help` starts without loading the pipeline
    from generator.commands.import_open311 import run

    planned, report, counts = run(path, root, departments, force)
    for line in report.lines:
        click.echo(line, err=True)
    made = sum(1 for p in planned if not p.replaces and p.path.parent.name == "services")
    replaced = sum(1 for p in planned if p.replaces)
    click.echo(f"Imported {counts['services']} services ({made} new, {replaced} replaced, "
               f"{counts['skipped']} not imported, {counts['without_definition']} without their "
               f"questions) and created {counts['departments']} "
               f"department{'' if counts['departments'] == 1 else 's'} in "
               f"{root / 'catalog'}. Next: kb check --root {root}", err=True)


from generator.commands.review import review_cli  # noqa: E402

main.add_command(review_cli, "review")
from generator.commands.codeowners import codeowners_cli  # noqa: E402

main.add_command(codeowners_cli, "codeowners")
from generator.commands.diff import diff_cli  # noqa: E402

main.add_command(diff_cli, "diff")
from generator.commands.i18n import i18n_cli  # noqa: E402

main.add_command(i18n_cli, "i18n")
from generator.commands.search import search_cli  # noqa: E402

main.add_command(search_cli, "search")
from generator.commands.feedback import feedback_cli  # noqa: E402

main.add_command(feedback_cli, "feedback")


def run() -> None:  # pragma: no cover - the console script
    main(prog_name="kb")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
