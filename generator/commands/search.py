"""`kb search QUERY`: the site's search from a terminal, from the prebuilt index."""

from __future__ import annotations

import json
from pathlib import Path

import click

from generator.commands import search_eval
from generator.commands.options import ROOT
from generator.errors import KbError
from generator.pipeline.build import check
from generator.pipeline.model import build_site
from generator.pipeline.translate import in_language
from generator.search import index as search_v2
from generator.search import rank, shards


def load_index(root: Path, lang: str | None, audience: str) -> tuple[dict, str | None]:
    """(index, note): the built api/v2/<lang>/search.json and its shards when there is one, else
    the same index made in memory from the content (nothing is written)."""

    checked = check(root)
    config = checked.config
    codes = [lang_.code for lang_ in config.languages]
    lang = lang or config.source.code
    if lang not in codes:
        raise KbError(f"--lang {lang}: not a language of this site (mkdocs.yml extra.kb."
                      f"languages has: {', '.join(codes)})")
    built = root / "site" / audience / "api" / "v2" / lang / "search.json"
    if built.is_file():
        return shards.read(built), None
    source = build_site(checked.tree, config, audience)
    site, _ = in_language(source, lang)
    note = f"no built index at {built}; searched the content directly (kb build writes the index)"
    return json.loads(search_v2.dumps(search_v2.build(site, lang))), note


@click.command("search")
@click.argument("query", required=False)
@ROOT
@click.option("--lang", default=None, help="Language to search [default: the source language].")
@click.option("--audience", type=click.Choice(["public", "agent"]), default=None,
              help="agent: also agent-only answers and scripts [default: public; with --eval, "
                   "each question's own].")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--eval", "eval_file", type=click.Path(path_type=Path), default=None,
              help="Measure the search on a YAML file of questions and the answers that are right "
                   "(docs/search.md): recall@1, recall@5, MRR and the misses.")
def search_cli(query: str | None, root: Path, lang: str | None, audience: str | None, limit: int,
               fmt: str, eval_file: Path | None) -> None:
    """Search services, answers and departments the way the site's search box does."""
    if eval_file is not None:
        return _evaluate(eval_file, root, lang, audience, fmt)
    if not query:
        raise click.UsageError("give a QUERY to search for, or --eval FILE")
    audience = audience or "public"
    data, note = load_index(root, lang, audience)
    if note:
        click.echo(note, err=True)
    results = [{**r, "score": round(r["score"], 4)} for r in rank.search(data, query, limit)]
    if fmt == "json":
        click.echo(json.dumps({"query": query, "lang": data["lang"], "audience": audience,
                               "results": results}, ensure_ascii=False, indent=2))
        return
    if not results:
        click.echo(f"No results for {query!r}.")
        return
    width = max(len(r["title"]) for r in results)
    for r in results:
        click.echo(f"{r['rank']:>3}. {r['title']:<{width}}  {r['kind']:<10}  {r['url']}")
        if r["summary"]:
            click.echo(f"     {r['summary']}")
        who = r.get("handler")
        if who:
            reach = ", ".join(x for x in (who["phone"], who.get("transfer") and
                                          f"transfer {who['transfer']}") if x)
            click.echo(f"     {who['name']}" + (f": {reach}" if reach else ""))


def _evaluate(path: Path, root: Path, lang: str | None, audience: str | None, fmt: str) -> None:
    """kb search --eval: every question through the same index and search as kb search."""
    file_lang, questions = search_eval.read_questions(path)
    indexes: dict[str, dict] = {}

    def run(text: str, aud: str) -> list[dict]:
        if aud not in indexes:
            indexes[aud], note = load_index(root, lang or file_lang, aud)
            if note:
                click.echo(note, err=True)
        return rank.search(indexes[aud], text, search_eval.LIMIT)

    report = search_eval.evaluate(questions, run, str(path), lang or file_lang or "", audience)
    report.lang = next((d["lang"] for d in indexes.values()), report.lang)
    if fmt == "json":
        click.echo(json.dumps(search_eval.as_json(report), ensure_ascii=False, indent=2))
    else:
        click.echo(search_eval.as_text(report))
