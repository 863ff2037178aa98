"""The pipeline as one function: load -> validate -> model -> translate -> render -> export -> write.

Everything is read and checked before anything is rendered; nothing reaches the output folder
until every language of an audience has built, and then the audience folder is swapped in whole.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

import click

from . import api, cache, changes, export, parallel, write
from .errors import ContentError, KbError, Problem, Problems
from .i18n import interface_translations
from .load import Tree, load_tree
from .model import Config, Site, build_site, make_config
from .render import Project, write_project
from .searchindex import tune_material_index
from .translate import translate
from .validate import validate

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@dataclass
class Checked:
    """A tree that passed validation, with its configuration and warnings."""

    tree: Tree
    config: Config
    warnings: list[Problem] = field(default_factory=list)


def check(root: Path, strict: bool = False, fmt: str = "text", cache: dict | None = None) -> Checked:
    """Load and validate; raise ContentError with every problem when anything is wrong.
    `cache`: see load.load_tree."""
    root = Path(root)
    if not root.is_dir():
        raise KbError(f"{root}: no such folder; give the content folder with --root")
    problems = Problems()
    tree = load_tree(root, problems, cache)
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


@contextmanager
def _timed(timings: dict[str, float] | None, stage: str) -> Iterator[None]:
    """Add the seconds spent in the block to timings[stage] (benchmarks pass a dict)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


@dataclass
class _Context:
    """What every language's build needs (a forked child has it without being sent it)."""

    config: Config
    sources: dict[str, Site]  # audience -> the model in the source language
    langs: list[str]
    out: Path  # the output folder: its live site is the cache
    stages: dict[str, Path]  # audience -> staging folder
    work: Path  # where the generated mkdocs projects go
    stamp: str  # generated_at of the JSON
    events: Any  # the content's history, for the change lists
    inputs: str  # cache.inputs_digest
    use_cache: bool


@dataclass
class _Built:
    audience: str
    lang: str
    manifest: cache.Manifest
    rendered: int  # pages mkdocs rendered
    warnings: list[str]
    timings: dict[str, float]


def build(root: Path, out: Path, langs: list[str] | None = None, audience: str = "all",
          strict: bool = False, jobs: int | None = None, quiet: bool = False,
          timings: dict[str, float] | None = None, use_cache: bool = True) -> list[Path]:
    """Build the sites. Returns the audience folders written.

    Each language of each audience is built in a process of its own (at most `jobs` at once),
    reusing what has not changed since the last build into `out` (see cache.py; `use_cache`
    False builds everything). `timings`, when given, receives the seconds of work per stage,
    summed over the processes, the number of pages ("pages") and how many mkdocs rendered
    ("pages rendered").
    """
    with _timed(timings, "check"):
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
    with write.lock(out):
        # The generated mkdocs projects stay at one place between builds, so that the compiled
        # theme templates kept beside them (cache.FOLDER/templates) are found again.
        work = out / cache.FOLDER / "projects"
        with _timed(timings, "model"):
            sources = {aud: build_site(checked.tree, config, aud) for aud in audiences}
            events = changes.history(config.root)
            stamp = api.generated_at(config.root)
            inputs = cache.inputs_digest(config.root, stamp, repr(events))
        ctx = _Context(config, sources, langs, out, {aud: write.staging(out) for aud in audiences},
                       Path(work), stamp, events, inputs, use_cache)
        tasks = [(ctx, aud, lang) for aud in audiences for lang in langs]
        built: dict[tuple[str, str], _Built] = {}
        jobs = max(1, jobs or min(len(tasks), os.cpu_count() or 1))
        with _progress(len(tasks), quiet) as bar:
            for _, result in parallel.run(_build_language, tasks, jobs):
                built[(result.audience, result.lang)] = result
                bar.update(1)
        problems = [f"{b.audience}/{b.lang}: {w}" for b in built.values() for w in b.warnings]
        if problems:
            raise KbError("mkdocs reported problems in the generated site (a bug in kb; please "
                          "report it):\n  " + "\n  ".join(problems))
        for b in built.values():
            for stage, seconds in b.timings.items():
                if timings is not None:
                    timings[stage] = timings.get(stage, 0.0) + seconds
        if timings is not None:
            timings["pages rendered"] = sum(b.rendered for b in built.values())
            timings["pages"] = sum(len(b.manifest.pages) for b in built.values())
        with _timed(timings, "export"):
            for aud in audiences:
                parts = {lang: built[(aud, lang)].manifest.changes for lang in langs}
                export.audience(sources[aud], ctx.stages[aud], langs, parts, events)
        written = []
        with _timed(timings, "write"):
            for aud in audiences:  # only now, with everything built, touch the output
                cache.forget(out, aud)
                write.swap_in(ctx.stages[aud], out / aud)
                written.append(out / aud)
                for lang in langs:
                    cache.save(out, aud, lang, built[(aud, lang)].manifest)
    return written


def _build_language(task: tuple[_Context, str, str]) -> _Built:
    """Translate, render, build with mkdocs and export one language of one audience."""
    ctx, aud, lang = task
    config, stage, live = ctx.config, ctx.stages[task[1]], ctx.out / aud / lang
    timings: dict[str, float] = {}
    digest = cache.task_digest(ctx.inputs, aud, lang, ctx.langs,
                               config.root / "translations" / f"{lang}.po")
    old = cache.read(ctx.out, aud, lang) if ctx.use_cache else None
    if old is not None and old.digest == digest:  # nothing it is made from has changed
        with _timed(timings, "reuse"):
            cache.link_tree(live, stage / lang)
            for rel in old.files:
                cache.link(ctx.out / aud / rel, stage / rel)
        return _Built(aud, lang, old, 0, [], timings)
    with _timed(timings, "render"):
        messages = interface_translations(config.root, lang, config.source.code)
        site = translate(ctx.sources[aud], lang, messages)
        project_dir = ctx.work / f"{aud}-{lang}"
        shutil.rmtree(project_dir, ignore_errors=True)
        project = write_project(site, ctx.sources[aud], lang, messages, config.root,
                                project_dir, stage / lang,
                                ctx.out / cache.FOLDER / "templates")
        key = cache.project_key(project.dir, project.site_dir)
        pages = {p.path: cache.page_hash(p.text) for p in project.pages}
        unchanged = set()
        if old is not None and old.key == key:
            unchanged = _link_unchanged(project, pages, old, live)
    with _timed(timings, "mkdocs"):
        warnings = _mkdocs_build(str(project.config_file), dirty=bool(unchanged))
    with _timed(timings, "export"):
        order = {page_url(p): i for i, p in enumerate(sorted(pages, key=_walk_key))}
        index = stage / lang / "search" / "search_index.json"
        if index.is_file():
            previous = live / "search" / "search_index.json"
            tune_material_index(index, site, previous=previous if unchanged else None,
                                unchanged=frozenset(unchanged), order=order)
        files, part = export.language(site, lang, ctx.langs, stage, ctx.stamp, ctx.events)
    manifest = cache.Manifest(digest, key, pages,
                              sorted(f.relative_to(stage).as_posix() for f in files), part)
    return _Built(aud, lang, manifest, len(pages) - len(unchanged), warnings, timings)


def page_url(path: str) -> str:
    """The URL (relative to the language's root) mkdocs gives a docs page: 'services/x.md' ->
    'services/x/', 'index.md' -> ''."""
    stem = path[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def _walk_key(path: str) -> tuple:
    """mkdocs' order of docs pages: a folder's files (index first) before its subfolders."""
    *folders, name = path.split("/")
    return tuple((1, f) for f in folders) + ((0, name != "index.md", name),)


def _link_unchanged(project: Project, pages: dict[str, str], old: cache.Manifest,
                    live: Path) -> set[str]:
    """Link the live HTML of every page whose Markdown is unchanged into the new site, and
    date its source back, so that mkdocs' dirty build renders only the others. Returns the
    URLs of the pages linked."""
    linked = set()
    for path, digest in pages.items():
        url = page_url(path)
        html_file = live / url / "index.html"
        if old.pages.get(path) != digest or not html_file.is_file():
            continue
        cache.link(html_file, project.site_dir / url / "index.html")
        os.utime(project.dir / "docs" / path, (0, 0))
        linked.add(url)
    return linked


def _mkdocs_build(config_file: str, dirty: bool = False) -> list[str]:
    """Build one generated mkdocs project; returns mkdocs' warnings. `dirty`: render only the
    pages whose source is newer than their HTML (the others are already in the site folder)."""
    from mkdocs.commands.build import build as mk_build
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    caught: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if record.levelno >= logging.WARNING and not message.startswith(_DIRTY_WARNING):
                caught.append(message)

    log = logging.getLogger("mkdocs")
    handler = Collect()
    log.addHandler(handler)
    log.setLevel(logging.WARNING)
    log.propagate = False
    try:
        # mkdocs keeps plugins that have startup hooks for the next build in the same process
        # (for its own serve); Material's search then merges the last build's entries into this
        # one's. Every kb build is a build of its own.
        MkDocsConfig.plugins.plugin_cache.clear()
        cfg = load_config(config_file)
        cfg.plugins.on_startup(command="build", dirty=dirty)
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


# What mkdocs says of every dirty build; kb's dirty builds link every page they do not render.
_DIRTY_WARNING = "A 'dirty' build is being performed"


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

