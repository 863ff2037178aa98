"""Export stage: files beside the per-language sites of one audience.

Per language (``language``, run beside that language's mkdocs build): alerts and console data,
the change feed, the catalog JSON, the Open311 files and the prebuilt search index. Per audience
(``audience``, once every language has built): the language chooser, the JSON Schemas and
changes.json.
"""

from __future__ import annotations

import html
from pathlib import Path

import jinja2

from generator.formats import (
    catalog_json,
    changes,
    console_data,
    feedback_schema,
    hsds,
    open311,
    search_index,
    sitemap,
)
from generator.pipeline.model import Site
from generator.search import index as search
from generator.search import schema as search_schema


def language(site: Site, lang: str, langs: list[str], stage: Path, stamp: str,
             events) -> tuple[list[Path], dict]:
    """Write one language's files into the audience's staging folder. Returns the files written
    outside <lang>/ and the language's part of changes.json."""
    root = lang == (site.config.source.code if site.config.source.code in langs else langs[0])
    console_data.write_language(site, lang, stage / lang, langs)  # <lang>/alerts.json, console.json
    files, part = changes.write_language(site, lang, stage, events, root)  # <lang>/changes.xml
    files += catalog_json.write_language(site, lang, stage, stamp)  # api/v1/<lang>/catalog.json, articles.json
    files += open311.write_language(site, lang, stage, stamp, root)  # open311/v2/<lang>/
    files += search_index.write_language(site, lang, stage)  # api/v1/<lang>/search-index.json
    files += search.write_language(site, lang, stage)  # api/v2/<lang>/search.json
    return files, part


def audience(source_site: Site, stage: Path, langs: list[str], parts: dict[str, dict],
             events) -> None:
    """Write the audience-level files once every language has been written."""
    write_language_chooser(source_site, stage, langs)
    catalog_json.write_schemas(source_site, stage)
    search_index.write_schema(stage)
    search_schema.write_schema(stage)
    feedback_schema.write(source_site, stage)  # only when extra.kb.feedback is set
    changes.write_index(source_site, stage, langs, parts, events)
    hsds.write(source_site, stage)  # api/hsds/ (public site only, source language)
    sitemap.write(source_site, stage, langs)  # sitemaps and robots.txt


def write_language_chooser(site: Site, stage: Path, langs: list[str]) -> None:
    """index.html at the audience root: pick a language; follows the browser's preference."""
    config = site.config
    choices = [lang for lang in config.languages if lang.code in langs]
    page = _chooser_env().get_template("chooser/index.html.j2").render(
        choices=choices, title=f"{config.city} 311",
        source=choices[0].code if choices else config.source.code,
        noindex=site.audience == "agent")
    (stage / "index.html").write_text(page, "utf-8")


def _chooser_env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("generator", "templates"),
                             autoescape=False, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["h"] = html.escape
    return env
