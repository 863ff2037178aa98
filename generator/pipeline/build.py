"""The pipeline as one function: load -> validate -> model -> translate -> render -> export -> write.

Everything is read and checked before anything is rendered; nothing reaches the output folder
until every language of an audience has built, and then the audience folder is swapped in whole.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import click

from generator import clock
from generator.engine import engines
from generator.errors import ContentError, KbError, Problem, Problems
from generator.formats import catalog_json, changes
from generator.i18n.catalog import check as check_translations
from generator.i18n.pocheck import check_po_files
from generator.pipeline import (
    cache,
    contentfiles,
    export,
    language_build,
    parallel,
    write,
)
from generator.pipeline.language_build import timed
from generator.pipeline.load import Tree, load_config, load_tree
from generator.pipeline.model import Config, build_site, make_config
from generator.pipeline.validate import validate

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
    # A large city's translation files take as long to read as all its content: beside it.
    po_bytes = sum(p.lstat().st_size for p in (root / "translations").glob("*.po")) \
        if (root / "translations").is_dir() else 0
    translations = parallel.Beside(_translation_problems, root, fork=cache is None and po_bytes > 2_000_000)
    tree = load_tree(root, problems, cache)
    contentfiles.walk(root, "theme", problems)  # what the build copies: nothing from outside
    validate(tree, problems)
    unreadable, content = translations.result()
    problems.items.extend(unreadable)
    if not problems.errors():
        problems.items.extend(content)
    errors = problems.errors(strict)
    if errors:
        raise ContentError(errors, fmt)
    config = replace(make_config(tree.config), root=root.resolve())
    return Checked(tree, config, problems.warnings())


def _translation_problems(root: Path) -> tuple[list[Problem], list[Problem]]:
    """The problems of the PO files: those that make them unreadable (syntax, placeholders
    Babel's checks refuse), and those of what they say (a link or placeholder a translation
    drops, fuzzy entries), which are only worth reporting once everything else is right."""

    unreadable, content = Problems(), Problems()
    config = load_config(root, Problems())
    check_po_files(root, unreadable, _language_codes(config))
    if not unreadable.errors():
        check_translations(root, Tree(root, config, []), content)
    return unreadable.items, content.items


def _language_codes(config) -> list[str]:
    """The codes of extra.kb.languages in mkdocs.yml, as far as they can be read."""
    items = config.get(("extra", "kb", "languages")) if config is not None else None
    return [str(i["code"]) for i in items if isinstance(i, dict) and "code" in i] \
        if isinstance(items, list) else []


def progress_enabled() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def build(root: Path, out: Path, langs: list[str] | None = None, audience: str = "all",
          strict: bool = False, jobs: int | None = None, quiet: bool = False,
          timings: dict[str, float] | None = None, use_cache: bool = True,
          engine: str = engines.DEFAULT) -> list[Path]:
    """Build the sites. Returns the audience folders written. `engine` lays out the pages
    (engine/engines.py: mkdocs, properdocs or zensical).

    Each language of each audience is built in steps run in processes of their own, at most
    `jobs` at once (language_build.py), reusing what has not changed since the last build into `out`
    (cache.py; `use_cache` False builds everything). `timings`, when given, receives the
    seconds of work per stage, summed over the processes, the number of pages ("pages") and
    how many mkdocs rendered ("pages rendered").
    """
    engines.check_installed(engine)
    with timed(timings, "check"):
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
        with timed(timings, "model"):
            sources = {aud: build_site(checked.tree, config, aud) for aud in audiences}
            del checked  # the positions of every value: not needed past this point, and every
            # process the build forks would carry them
            events = changes.history(config.root)
            stamp = catalog_json.generated_at(config.root)
            inputs = cache.inputs_digest(config.root, stamp, repr(events),
                                         clock.today(config.timezone).isoformat(), engine)
        count = len(audiences) * len(langs)
        jobs = max(1, jobs or os.cpu_count() or 1)
        # The generated mkdocs projects stay at one place between builds, so that the compiled
        # theme templates kept beside them (cache.FOLDER/templates) are found again.
        ctx = language_build.Context(config, sources, langs, out,
                               {aud: write.staging(out) for aud in audiences},
                               out / cache.FOLDER / "projects", stamp, events, inputs, use_cache,
                               shares=jobs if count % jobs else 1, engine=engine,
                               mark=cache.mark(out))
        built = _run(ctx, audiences, langs, jobs, quiet)
        problems = [f"{b.audience}/{b.lang}: {w}" for b in built.values() for w in b.warnings]
        if problems:
            raise KbError(f"{engine} reported problems in the generated site (a bug in kb; please "
                          "report it):\n  " + "\n  ".join(problems))
        if timings is not None:
            for b in built.values():
                for stage, seconds in b.timings.items():
                    timings[stage] = timings.get(stage, 0.0) + seconds
            timings["pages rendered"] = sum(b.rendered for b in built.values())
            timings["pages"] = sum(len(b.manifest.pages) for b in built.values())
        with timed(timings, "export"):
            for aud in audiences:
                parts = {lang: built[(aud, lang)].manifest.changes for lang in langs}
                export.audience(sources[aud], ctx.stages[aud], langs, parts, events)
        written = []
        with timed(timings, "write"):
            for aud in audiences:  # only now, with everything built, touch the output
                cache.forget(out, aud)
                write.swap_in(ctx.stages[aud], out / aud)
                written.append(out / aud)
                for lang in langs:
                    cache.save(out, aud, lang, built[(aud, lang)].manifest)
    return written


def _run(ctx: language_build.Context, audiences: list[str], langs: list[str], jobs: int,
         quiet: bool) -> dict[tuple[str, str], language_build.Built]:
    """Every language's steps, each as soon as the one before it has finished."""
    built: dict[tuple[str, str], language_build.Built] = {}
    waiting: dict[tuple[str, str], tuple[language_build.Plan, list]] = {}  # plan, warnings and timings

    def then(task, result):
        step = task[0]
        if step == "prepare":
            plan = result
            if plan.reused is not None:
                return [("finish", plan)]
            waiting[(plan.audience, plan.lang)] = (plan, [])
            return [("share", plan, i) for i in range(len(plan.shares))]
        if step == "share":
            plan = task[1]
            done = waiting[(plan.audience, plan.lang)][1]
            done.append(result)
            return [("finish", plan)] if len(done) == len(plan.shares) else []
        return []

    tasks = [("prepare", aud, lang) for aud in audiences for lang in langs]
    with _progress(len(tasks), quiet) as bar:
        for task, result in parallel.run(partial(_step, ctx), tasks, jobs, then):
            if task[0] == "finish":
                plan = task[1]
                if (plan.audience, plan.lang) in waiting:
                    for warnings, seconds in waiting.pop((plan.audience, plan.lang))[1]:
                        result.warnings += warnings
                        for stage, value in seconds.items():
                            result.timings[stage] = result.timings.get(stage, 0.0) + value
                built[(plan.audience, plan.lang)] = result
                bar.update(1)
    return built


def _step(ctx: language_build.Context, task: tuple):
    if task[0] == "prepare":
        return language_build.prepare(ctx, task[1], task[2])
    if task[0] == "share":
        return language_build.render_share(ctx, task[1], task[2])
    return language_build.finish(ctx, task[1])


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

