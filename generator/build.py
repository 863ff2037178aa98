"""The pipeline as one function: load -> validate -> model -> translate -> render -> export -> write.

Everything is read and checked before anything is rendered; nothing reaches the output folder
until every language of an audience has built, and then the audience folder is swapped in whole.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import click

from . import export, write
from .errors import ContentError, KbError, Problem, Problems
from .i18n import interface_translations
from .load import Tree, load_tree
from .model import Config, Site, build_site, make_config
from .render import Project, write_project
from .translate import translate
from .validate import validate

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@dataclass
class Checked:
    """A tree that passed validation, with its configuration and warnings."""

    tree: Tree
    config: Config
    warnings: list[Problem] = field(default_factory=list)


def check(root: Path, strict: bool = False, fmt: str = "text") -> Checked:
    """Load and validate; raise ContentError with every problem when anything is wrong."""
    root = Path(root)
    if not root.is_dir():
        raise KbError(f"{root}: no such folder; give the content folder with --root")
    problems = Problems()
    tree = load_tree(root, problems)
    validate(tree, problems)
    if not problems.errors():
        from .po import check as check_translations
        check_translations(root, tree, problems)
    errors = problems.errors(strict)
    if errors:
        raise ContentError(errors, fmt)
    config = replace(make_config(tree.config), root=root.resolve())
    return Checked(tree, config, problems.warnings())


def progress_enabled() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def build(root: Path, out: Path, langs: list[str] | None = None, audience: str = "all",
          strict: bool = False, jobs: int | None = None, quiet: bool = False) -> list[Path]:
    """Build the sites. Returns the audience folders written."""
    checked = check(root, strict)
    config = checked.config
    known = [lang.code for lang in config.languages]
    langs = langs or known
    unknown = [code for code in langs if code not in known]
    if unknown:
        raise KbError(f"--lang {unknown[0]}: not a language of this site (mkdocs.yml extra.kb."
                      f"languages has: {', '.join(known)})")
    audiences = ["public", "agent"] if audience == "all" else [audience]
    out = Path(out).resolve()
    written = []
    with write.lock(out), tempfile.TemporaryDirectory(prefix="kb-projects-") as work:
        staged: dict[str, Path] = {}
        for aud in audiences:
            stage = write.staging(out)
            staged[aud] = stage
            source_site = build_site(checked.tree, config, aud)
            projects, sites = [], {}
            for lang in langs:
                messages = interface_translations(config.root, lang, config.source.code)
                site = translate(source_site, lang, messages)
                sites[lang] = site
                projects.append(write_project(site, source_site, lang, messages, config.root,
                                              Path(work) / f"{aud}-{lang}", stage / lang))
            run_mkdocs(projects, jobs, quiet)
            export.export(sites, source_site, stage, langs)
        for aud in audiences:  # only now, with everything built, touch the output
            write.swap_in(staged[aud], out / aud)
            written.append(out / aud)
    return written


def _mkdocs_build(config_file: str) -> list[str]:
    """Build one generated mkdocs project; returns mkdocs' warnings."""
    from mkdocs.commands.build import build as mk_build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    caught: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                caught.append(record.getMessage())

    log = logging.getLogger("mkdocs")
    handler = Collect()
    log.addHandler(handler)
    log.setLevel(logging.WARNING)
    log.propagate = False
    try:
        cfg = load_config(config_file)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mk_build(cfg)
        except RecursionError:  # Markdown nested thousands deep (quotes, lists, emphasis)
            pages = [m for m in caught if m.startswith("Error reading page")]
            return ["content nested too deeply to render (thousands of nested lists, quotes or "
                    "emphasis marks); " + ("; ".join(pages) or "simplify the Markdown")]
        finally:
            cfg.plugins.on_shutdown()
    finally:
        log.removeHandler(handler)
    return caught


def run_mkdocs(projects: list[Project], jobs: int | None, quiet: bool = False) -> None:
    jobs = max(1, jobs or min(len(projects), os.cpu_count() or 1))
    files = [str(p.config_file) for p in projects]
    if jobs == 1 or len(files) == 1:
        results = []
        with _progress(len(files), quiet) as bar:
            for f in files:
                results.append(_mkdocs_build(f))
                bar.update(1)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool, _progress(len(files), quiet) as bar:
            results = []
            for r in pool.map(_mkdocs_build, files):
                results.append(r)
                bar.update(1)
    problems = [f"{p.audience}/{p.lang}: {w}" for p, ws in zip(projects, results) for w in ws]
    if problems:
        raise KbError("mkdocs reported problems in the generated site (a bug in kb; please "
                      "report it):\n  " + "\n  ".join(problems))


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int) -> None:
        pass


def _progress(total: int, quiet: bool):
    if quiet or not progress_enabled():
        return _NoBar()
    return click.progressbar(length=total, label="Building sites", file=sys.stderr)


def clean_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
