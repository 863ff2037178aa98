"""Search cost: index sizes (gzip bytes) per language and the time Chromium takes, after a page
has loaded, to show the first search result.

    .venv/bin/python bench/search_size.py [--root .] [--synthetic N] [--query pothole] [--runs 3]

Builds the public site of the demo (and, with --synthetic N, of a catalog of N services written
by bench/make_catalog.py N, when that script is present) into a temporary folder. For every
language: the gzip size of the sites' search index (api/v2/<lang>/search.json) and of the
prebuilt api/v1/<lang>/search-index.json, and the milliseconds from the page's load event to the
first result of the search in the header (kb/search/box.js: the dialog opened, the index fetched,
the query ranked) for a query (the language's name of the first service; median of --runs fresh
page loads, cold cache each time).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import chromium, serve  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("SOURCE_DATE_EPOCH", "1790000000")


def first_result_ms(browser, url: str, query: str) -> float:
    context = browser.new_context()  # a fresh context: nothing cached
    page = context.new_page()
    page.goto(url, wait_until="load")
    start = page.evaluate("performance.now()")
    page.locator("[data-kb-search-open]").click()
    page.locator("#kb-header-q").fill(query)
    page.locator("[data-kb-search-dialog] .kb-search-result").first.wait_for(timeout=60000)
    ms = page.evaluate("performance.now()") - start
    context.close()
    return ms


def first_service_name(prebuilt: Path) -> str:
    """A query every language's site can answer: the name of its first service, in that language."""
    import json

    docs = json.loads(prebuilt.read_text("utf-8"))["docs"].values()
    return next(d["title"] for d in docs if d["kind"] == "service")


def gzip_size(path: Path) -> int:
    return len(gzip.compress(Path(path).read_bytes(), mtime=0))


def measure(name: str, root: Path, out: Path, query: str, runs: int, browser) -> list[dict]:
    from generator.pipeline.build import build, check

    t0 = time.time()
    build(root, out, None, "public", quiet=True)
    print(f"{name}: built in {time.time() - t0:.1f} s", flush=True)
    langs = [lang.code for lang in check(root).config.languages]
    public = out / "public"
    rows = []
    with serve(public) as base:
        for lang in langs:
            index = public / "api" / "v2" / lang / "search.json"
            prebuilt = public / "api" / "v1" / lang / "search-index.json"
            words = query or first_service_name(prebuilt)
            times = [first_result_ms(browser, f"{base}{lang}/a-z/", words) for _ in range(runs)]
            row = {"catalog": name, "lang": lang,
                   "index_gzip": gzip_size(index), "index_bytes": index.stat().st_size,
                   "prebuilt_gzip": gzip_size(prebuilt), "prebuilt_bytes": prebuilt.stat().st_size,
                   "query": words, "first_result_ms": round(statistics.median(times))}
            rows.append(row)
            print(f"  {lang}: index {row['index_gzip']:,} B gzip "
                  f"({row['index_bytes']:,} B), prebuilt {row['prebuilt_gzip']:,} B gzip "
                  f"({row['prebuilt_bytes']:,} B), first result for {words!r} {row['first_result_ms']} ms",
                  flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, default=REPO)
    ap.add_argument("--synthetic", type=int, default=1000, help="Services in the synthetic catalog.")
    ap.add_argument("--query", default=None,
                    help="[default: each language's name of the first service]")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    rows = []
    with tempfile.TemporaryDirectory(prefix="kb-size-") as tmp, chromium() as browser:
        tmp = Path(tmp)
        rows += measure("demo", args.root, tmp / "demo", args.query, args.runs, browser)
        maker = BENCH / "make_catalog.py"
        if not args.synthetic:
            pass
        elif not maker.is_file():
            print(f"bench/make_catalog.py is not in this checkout: synthetic {args.synthetic}-service "
                  "catalog skipped")
        else:
            synthetic = tmp / "synthetic"
            subprocess.run([sys.executable, str(maker), str(args.synthetic), "--out",
                            str(synthetic)], check=True)
            rows += measure(f"synthetic-{args.synthetic}", synthetic, tmp / "synthetic-site",
                            args.query, args.runs, browser)
    print("\n| catalog | language | index, api/v2 (gzip) | prebuilt index, api/v1 (gzip) | "
          "first result after load |\n|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['catalog']} | {r['lang']} | {r['index_gzip']:,} B | "
              f"{r['prebuilt_gzip']:,} B | {r['first_result_ms']} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
