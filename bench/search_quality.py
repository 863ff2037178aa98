"""Search quality: recall@1, recall@5 and mean reciprocal rank per language, measured.

    .venv/bin/python bench/search_quality.py [--root .] [--lang en --lang es ...]
        [--engine site --engine baseline --engine kb] [--misses] [--sweep]

Builds the demo (both sites) into a temporary folder, then runs every query of
bench/queries/<lang>.yaml (a query marked `audience: agent` runs on the agent site):

* site: in headless Chromium through the site's real search box (kb's, in the header of the
  A to Z page: kb/search/rank.js over api/v2/<lang>/search.json);
* baseline: the same, on stock Material search over the same services (and answers) as plain
  pages, name and description only, no tuning;
* kb: against the prebuilt lunr index (api/v1/<lang>/search-index.json), as `kb search` does.

A query counts as found at rank r when the r-th result is a page of one of its expected ids
(services/<id>/, answers/<id>/ or departments/<id>/). --sweep also tries other field boosts of
the prebuilt index and prints each setting's numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ask, ask_site, chromium, open_search, open_site_search, serve  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "queries"
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("SOURCE_DATE_EPOCH", "1790000000")

ID_RE = re.compile(r"/(services|answers|departments)/([a-z0-9-]+)/")


def load_queries(lang: str) -> list[dict]:
    path = QUERIES / f"{lang}.yaml"
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    out = []
    for item in data.get("queries", []):
        expect = item["expect"]
        out.append({"q": str(item["q"]), "expect": [expect] if isinstance(expect, str) else expect,
                    "audience": item.get("audience", "public")})
    return out


def id_of(href: str) -> str | None:
    m = ID_RE.search(urlparse(href).path)
    return m.group(2) if m else None


def score(queries: list[dict], ranked: list[list[str]]) -> dict:
    r1 = r5 = rr = 0.0
    misses = []
    for q, ids in zip(queries, ranked):
        rank = next((i for i, x in enumerate(ids, 1) if x in q["expect"]), None)
        if rank == 1:
            r1 += 1
        if rank and rank <= 5:
            r5 += 1
        if rank:
            rr += 1 / rank
        if rank != 1:
            misses.append((q["q"], q["expect"], rank, ids[:3]))
    n = len(queries) or 1
    return {"n": len(queries), "recall@1": r1 / n, "recall@5": r5 / n, "mrr": rr / n,
            "misses": misses}


# --- the sites ------------------------------------------------------------------------------------

def build_demo(root: Path, out: Path, langs: list[str]) -> Path:
    """Both sites (agents' queries run on the agent site); returns the output folder."""
    from generator.pipeline.build import build

    build(root, out, langs, "all", quiet=True)
    return out


def baseline_site(root: Path, out: Path, langs: list[str]) -> Path:
    """Stock Material over the same services and answers as plain pages (name and description)."""
    from mkdocs.commands.build import build as mk_build
    from mkdocs.config import load_config

    from generator.i18n.locale import interface_translations
    from generator.pipeline.build import check
    from generator.pipeline.model import build_site
    from generator.pipeline.translate import translate

    checked = check(root)
    source = build_site(checked.tree, checked.config, "agent")  # every answer, as plain pages
    site_root = out / "baseline"
    for lang in langs:
        site = translate(source, lang, interface_translations(checked.config.root, lang,
                                                              checked.config.source.code))
        project = out / f"baseline-project-{lang}"
        docs = project / "docs"
        (docs / "services").mkdir(parents=True, exist_ok=True)
        (docs / "answers").mkdir(parents=True, exist_ok=True)
        (docs / "index.md").write_text("# Home\n", "utf-8")
        for svc in site.services.values():  # name and description, nothing of the agent's
            text = f"# {svc.name}\n\n{svc.summary}\n\n{svc.description or ''}\n"
            (docs / "services" / f"{svc.id}.md").write_text(text, "utf-8")
        for art in site.articles.values():
            (docs / "answers" / f"{art.id}.md").write_text(f"# {art.title}\n\n{art.body}\n", "utf-8")
        config = {"site_name": "Baseline", "site_url": "https://example.invalid/",
                  "docs_dir": "docs", "site_dir": str(site_root / lang),
                  "theme": {"name": "material", "language": lang, "font": False},
                  "plugins": ["search"], "markdown_extensions": ["admonition"]}
        (project / "mkdocs.yml").write_text(yaml.safe_dump(config), "utf-8")
        cfg = load_config(str(project / "mkdocs.yml"))
        cfg.plugins.on_startup(command="build", dirty=False)
        mk_build(cfg)
    return site_root


# --- engines --------------------------------------------------------------------------------------

def run_browser(folder: Path, lang: str, queries: list[dict], browser) -> list[list[str]]:
    with serve(folder) as base:
        page = browser.new_page()
        box, placeholder = open_search(page, f"{base}{lang}/")
        ranked = []
        for q in queries:
            hrefs = ask(page, box, placeholder, q["q"])
            ranked.append([i for i in (id_of(h) for h in hrefs) if i])
        page.close()
    return ranked


def run_kb(site: Path, lang: str, queries: list[dict]) -> list[list[str]]:
    from generator.formats import search_index

    data = {aud: json.loads((site / aud / "api" / "v1" / lang / "search-index.json")
                            .read_text("utf-8")) for aud in ("public", "agent")}
    out = []
    for q in queries:
        out.append([r["id"] for r in search_index.search(data[q["audience"]], q["q"], limit=10)])
    return out


def run_site_box(folder: Path, lang: str, queries: list[dict], browser) -> list[list[str]]:
    with serve(folder) as base:
        page = browser.new_page()
        box = open_site_search(page, f"{base}{lang}/a-z/")
        ranked = [[i for i in (id_of(h) for h in ask_site(page, box, q["q"])) if i] for q in queries]
        page.close()
    return ranked


def run_sites(site: Path, lang: str, queries: list[dict], browser) -> list[list[str]]:
    """Each query on the site of its audience, in the real search box."""
    ranked: dict[int, list[str]] = {}
    for audience in ("public", "agent"):
        chosen = [(i, q) for i, q in enumerate(queries) if q["audience"] == audience]
        if chosen:
            got = run_site_box(site / audience, lang, [q for _, q in chosen], browser)
            ranked.update({i: r for (i, _), r in zip(chosen, got)})
    return [ranked[i] for i in range(len(queries))]


KB_SWEEP = [
    {"title": 10, "keywords": 8, "summary": 3, "body": 1},
    {"title": 10, "keywords": 10, "summary": 1, "body": 1},
    {"title": 5, "keywords": 10, "summary": 3, "body": 1},
    {"title": 10, "keywords": 5, "summary": 5, "body": 1},
    {"title": 20, "keywords": 10, "summary": 5, "body": 1},
    {"title": 3, "keywords": 3, "summary": 2, "body": 1},
    {"title": 1, "keywords": 1, "summary": 1, "body": 1},
    {"title": 3, "keywords": 5, "summary": 2, "body": 1},
    {"title": 2, "keywords": 3, "summary": 1, "body": 1},
    {"title": 3, "keywords": 3, "summary": 1, "body": 1},
    {"title": 4, "keywords": 4, "summary": 2, "body": 1},
    {"title": 3, "keywords": 3, "summary": 3, "body": 1},
]


def sweep_kb(root: Path, lang: str, queries: list[dict]) -> None:
    """The prebuilt index's field boosts: rebuild it in memory with each setting."""
    from generator.formats import search_index
    from generator.i18n.locale import interface_translations
    from generator.pipeline.build import check
    from generator.pipeline.model import build_site
    from generator.pipeline.translate import translate

    checked = check(root)
    cfg = checked.config
    sites = {aud: translate(build_site(checked.tree, cfg, aud), lang,
                            interface_translations(cfg.root, lang, cfg.source.code))
             for aud in ("public", "agent")}
    for fields in KB_SWEEP:
        data = {aud: json.loads(search_index.dumps(search_index.build_index(site, lang, fields)))
                for aud, site in sites.items()}
        ranked = [[r["id"] for r in search_index.search(data[q["audience"]], q["q"], 10)]
                  for q in queries]
        print(f"{lang} kb sweep {json.dumps(fields)}  {fmt(score(queries, ranked))}", flush=True)


def content_phrases(root: Path, lang: str) -> set[str]:
    """Every keyword, service name and answer title of the content, lowercased (a query equal
    to one of them is 'verbatim'; the rest test wording the content does not contain)."""
    from generator.i18n.locale import interface_translations
    from generator.pipeline.build import check
    from generator.pipeline.model import build_site
    from generator.pipeline.translate import translate

    checked = check(root)
    cfg = checked.config
    site = translate(build_site(checked.tree, cfg, "agent"), lang,
                     interface_translations(cfg.root, lang, cfg.source.code))
    out = set()
    for svc in site.services.values():
        out |= {str(k).lower() for k in svc.keywords} | {str(svc.name).lower()}
    for art in site.articles.values():
        out |= {str(k).lower() for k in art.keywords} | {str(art.title).lower()}
    return out


def fmt(row: dict) -> str:
    return f"{row['recall@1']:.3f} | {row['recall@5']:.3f} | {row['mrr']:.3f}"


def main(argv: list[str] | None = None) -> int:
    global QUERIES
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, default=REPO)
    ap.add_argument("--lang", action="append", dest="langs")
    ap.add_argument("--engine", action="append", dest="engines",
                    choices=["site", "baseline", "kb"])
    ap.add_argument("--misses", action="store_true", help="List the queries not found first.")
    ap.add_argument("--sweep", action="store_true", help="Try other field boosts of the prebuilt index.")
    ap.add_argument("--json", type=Path, help="Also write the numbers here.")
    ap.add_argument("--queries", type=Path, default=QUERIES, help="Folder of <lang>.yaml files.")
    args = ap.parse_args(argv)
    QUERIES = args.queries
    sys.path.insert(0, str(REPO))

    from generator.pipeline.build import check
    config = check(args.root).config
    site_langs = [lang.code for lang in config.languages]
    langs = [lang for lang in (args.langs or site_langs) if load_queries(lang)]
    missing = [lang for lang in (args.langs or ["en", "es", "fr"]) if lang not in site_langs]
    engines = args.engines or ["site", "baseline", "kb"]
    if missing:
        print(f"not languages of this site yet: {', '.join(missing)} (numbers pending)")

    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        tmp = Path(tmp)
        t0 = time.time()
        site = build_demo(args.root, tmp / "site", langs)
        print(f"built the demo ({', '.join(langs)}) in {time.time() - t0:.1f} s")
        base = baseline_site(args.root, tmp, langs) if "baseline" in engines else None
        with chromium() as browser:
            for lang in langs:
                queries = load_queries(lang)
                for engine in engines:
                    t0 = time.time()
                    if engine == "site":
                        ranked = run_sites(site, lang, queries, browser)
                    elif engine == "baseline":
                        ranked = run_browser(base, lang, queries, browser)
                    else:
                        ranked = run_kb(site, lang, queries)
                    row = score(queries, ranked)
                    row["seconds"] = round(time.time() - t0, 1)
                    phrases = content_phrases(args.root, lang)
                    fresh = [(q, r) for q, r in zip(queries, ranked)
                             if q["q"].lower() not in phrases]
                    row["not_verbatim"] = {k: v for k, v in score(
                        [q for q, _ in fresh], [r for _, r in fresh]).items() if k != "misses"}
                    results.setdefault(lang, {})[engine] = row
                    print(f"{lang} {engine:9} n={row['n']:3}  r@1 | r@5 | MRR = {fmt(row)}"
                          f"  ({row['seconds']} s); not verbatim n={row['not_verbatim']['n']}: "
                          f"{fmt(row['not_verbatim'])}", flush=True)
                    if args.misses:
                        for q, expect, rank, top in row["misses"]:
                            print(f"    {q!r}: want {expect}, rank {rank}, top {top}")
                if args.sweep and "kb" in engines:
                    sweep_kb(args.root, lang, queries)
    if args.json:
        for per_lang in results.values():
            for row in per_lang.values():
                row["misses"] = [list(m) for m in row["misses"]]
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), "utf-8")
    print("\n| language | engine | queries | recall@1 | recall@5 | MRR | not verbatim: n | "
          "recall@1 | recall@5 | MRR |\n|---|---|---|---|---|---|---|---|---|---|")
    for lang, per in results.items():
        for engine, row in per.items():
            nv = row["not_verbatim"]
            print(f"| {lang} | {engine} | {row['n']} | {fmt(row)} | {nv['n']} | {fmt(nv)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
