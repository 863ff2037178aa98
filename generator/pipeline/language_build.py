"""One language of one audience, built in steps that may run in processes of their own.

1. ``prepare``: translate the model, render the mkdocs project, and decide what the last build
   can give (see cache.py): the whole language, or the HTML of every page whose Markdown did
   not change. What is left to render is split into shares when two cores would otherwise wait
   on one language (five languages do not split evenly between two cores).
2. ``render_share``: mkdocs renders one share of the pages. Every share is a build of the whole
   project (links and navigation as they will be) in which the pages of the other shares already
   have a file, so mkdocs' dirty build leaves them alone.
3. ``finish``: the shares' pages join the first share's folder, then the files for other tools
   (the search index among them) are moved in.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from generator.engine import engines
from generator.engine.mkdocs import page_url
from generator.formats import changes
from generator.pipeline import cache, export, safety
from generator.pipeline.model import Config, Site
from generator.pipeline.render import write_project
from generator.pipeline.translate import in_language

SHARE_MIN_PAGES = 300  # fewer pages to render than this: not worth a second mkdocs run


@dataclass
class Context:
    """What every step needs (a forked child has it without being sent it)."""

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
    shares: int  # how many shares a language with many pages to render is split into
    engine: str = engines.DEFAULT  # what lays out the pages (engine/engines.py)
    mark: str = ""  # the secret of the markers around content (pipeline/safety.py)


@dataclass
class Plan:
    """What `prepare` decided for one language."""

    audience: str
    lang: str
    digest: str
    key: str = ""
    pages: dict[str, str] = field(default_factory=dict)  # docs path -> hash of its Markdown
    shares: list[list[str]] = field(default_factory=list)  # docs paths mkdocs renders, per share
    reused: cache.Manifest | None = None  # the whole language from the last build
    exported: list[str] = field(default_factory=list)  # files for other tools, relative to the stage
    part: dict = field(default_factory=dict)  # the language's part of changes.json
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Built:
    audience: str
    lang: str
    manifest: cache.Manifest
    rendered: int  # pages mkdocs rendered
    warnings: list[str]
    timings: dict[str, float]


@contextmanager
def timed(timings: dict[str, float] | None, stage: str) -> Iterator[None]:
    """Add the seconds spent in the block to timings[stage]."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def _project_dir(ctx: Context, aud: str, lang: str) -> Path:
    return ctx.work / f"{aud}-{lang}"


def _export_dir(ctx: Context, aud: str, lang: str) -> Path:
    """Where `prepare` writes the language's files for other tools until `finish` moves them
    into the staging folder (mkdocs empties the language's folder when it builds)."""
    return ctx.work / f"{aud}-{lang}.export"


def _share_dir(ctx: Context, plan: Plan, i: int) -> Path:
    """Where share i writes: the staging folder of the language for the first share."""
    if i == 0:
        return ctx.stages[plan.audience] / plan.lang
    return ctx.work / f"{plan.audience}-{plan.lang}.share{i}"


def prepare(ctx: Context, aud: str, lang: str) -> Plan:
    config, stage, live = ctx.config, ctx.stages[aud], ctx.out / aud / lang
    digest = cache.task_digest(ctx.inputs, aud, lang, ctx.langs,
                               config.root / "translations" / f"{lang}.po")
    plan = Plan(aud, lang, digest)
    old = cache.read(ctx.out, aud, lang) if ctx.use_cache else None
    if old is not None and old.digest == digest:  # nothing it is made from has changed
        with timed(plan.timings, "reuse"):
            cache.link_tree(live, stage / lang)
            for rel in old.files:
                cache.link(ctx.out / aud / rel, stage / rel)
        plan.reused = old
        return plan
    with timed(plan.timings, "render"):
        site, messages = in_language(ctx.sources[aud], lang)
        project_dir = _project_dir(ctx, aud, lang)
        shutil.rmtree(project_dir, ignore_errors=True)
        whats_new = changes.entries(site, lang, ctx.events) if aud == "agent" else None
        project = write_project(site, ctx.sources[aud], lang, messages, config.root, project_dir,
                                stage / lang, ctx.out / cache.FOLDER / "templates", whats_new,
                                ctx.mark)
        plan.key = cache.project_key(project.dir, project.site_dir)
        plan.pages = {p.path: cache.page_hash(p.text) for p in project.pages}
        render = list(plan.pages)
        if old is not None and old.key == plan.key and ctx.engine in engines.DIRTY:
            render = _link_unchanged(project_dir, stage / lang, plan.pages, old, live)
        sizes = {p.path: len(p.text) for p in project.pages}
        many = len(render) >= SHARE_MIN_PAGES and ctx.engine in engines.DIRTY
        plan.shares = _split(render, sizes, ctx.shares if many else 1)
    with timed(plan.timings, "export"):  # from the same translation: each language is translated once
        side = _export_dir(ctx, aud, lang)
        shutil.rmtree(side, ignore_errors=True)
        files, plan.part = export.language(site, lang, ctx.langs, side, ctx.stamp, ctx.events)
        plan.exported = sorted(f.relative_to(side).as_posix() for f in files)
    return plan


def _split(paths: list[str], sizes: dict[str, int], n: int) -> list[list[str]]:
    """`paths` in n shares of about the same amount of Markdown, each in the site's order."""
    shares: list[list[str]] = [[] for _ in range(max(1, n))]
    load = [0] * len(shares)
    for path in sorted(paths, key=lambda p: (-sizes[p], p)):
        i = load.index(min(load))
        shares[i].append(path)
        load[i] += sizes[path]
    return [sorted(s) for s in shares if s] or [[]]


def _link_unchanged(project_dir: Path, site_dir: Path, pages: dict[str, str],
                    old: cache.Manifest, live: Path) -> list[str]:
    """Link the live HTML of every page whose Markdown is unchanged into the new site, and date
    its source back, so that mkdocs' dirty build leaves it. Returns the pages left to render."""
    render = []
    for path, digest in pages.items():
        html_file = live / page_url(path) / "index.html"
        if old.pages.get(path) != digest or not html_file.is_file():
            render.append(path)
            continue
        cache.link(html_file, site_dir / page_url(path) / "index.html")
        os.utime(project_dir / "docs" / path, (0, 0))
    return render


def render_share(ctx: Context, plan: Plan, i: int) -> tuple[list[str], dict[str, float]]:
    """mkdocs renders share i of the plan's pages; returns its warnings and timings."""
    timings: dict[str, float] = {}
    with timed(timings, "mkdocs"):
        project_dir = _project_dir(ctx, plan.audience, plan.lang)
        site_dir = _share_dir(ctx, plan, i)
        mine = set(plan.shares[i])
        config_file = project_dir / "mkdocs.yml"
        if i > 0:
            shutil.rmtree(site_dir, ignore_errors=True)  # a killed build's share: nothing to keep
            config = yaml.safe_load(config_file.read_text("utf-8"))
            config["site_dir"] = str(site_dir)
            config_file = project_dir / f"mkdocs.share{i}.yml"
            config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
        for path in plan.pages:  # every other page already has a file: mkdocs leaves it
            target = site_dir / page_url(path) / "index.html"
            if path not in mine and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
        dirty = len(mine) < len(plan.pages)
        warnings = engines.build(ctx.engine, str(config_file), dirty=dirty)
    if warnings:  # the build stops with them: nothing of this language is published
        return warnings, timings
    with timed(timings, "finish pages"):  # safe and right whatever engine built them
        config = ctx.config
        safety.finish_site(site_dir, sorted(mine), config.language(plan.lang).dir,
                           config.base_url(plan.audience), ctx.mark, not_found=i == 0)
    return warnings, timings


def finish(ctx: Context, plan: Plan) -> Built:
    """Gather the shares and move in the files for other tools (the search index among them)."""
    timings = dict(plan.timings)
    if plan.reused is not None:
        return Built(plan.audience, plan.lang, plan.reused, 0, [], timings)
    stage = ctx.stages[plan.audience]
    with timed(timings, "export"):
        for i in range(1, len(plan.shares)):
            share = _share_dir(ctx, plan, i)
            for path in plan.shares[i]:
                os.replace(share / page_url(path) / "index.html",
                           stage / plan.lang / page_url(path) / "index.html")
            shutil.rmtree(share, ignore_errors=True)
        side = _export_dir(ctx, plan.audience, plan.lang)
        for path in sorted(p for p in side.rglob("*") if p.is_file()):
            target = stage / path.relative_to(side)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        shutil.rmtree(side, ignore_errors=True)
    manifest = cache.Manifest(plan.digest, plan.key, plan.pages, plan.exported, plan.part)
    rendered = sum(len(s) for s in plan.shares)
    return Built(plan.audience, plan.lang, manifest, rendered, [], timings)
