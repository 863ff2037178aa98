"""kb's search on the resident home page, in Chromium: what it fetches and how fast it answers.

    .venv/bin/python bench/make_catalog.py 5000 --out /tmp/cat5000
    .venv/bin/kb build --root /tmp/cat5000 --lang en --lang ar --audience public
    .venv/bin/kb build --lang en --lang ar --audience public        # the demo
    .venv/bin/python bench/search_v2_browser.py site/public /tmp/cat5000/site/public --lang en --lang ar

For each built public site and language, served over HTTP with gzip (level 6, as a server with
gzip on sends it; the bytes counted are the gzip bodies the page received, from its resource
timing):

- first result: a fresh browser (nothing cached) opens `<lang>/`; when the page's load event
  fires, a question is put in the home search box (one input event, as a paste); the time from
  the load event to the first result shown, and the bytes of kb's search index sent before it
  (the head and the shards; the page's own HTML, CSS and scripts are counted apart). Median of
  --runs.
- keystrokes: in that page, questions typed letter by letter, each letter once its previous
  letter's results are shown (and --pace ms more); per letter, the time from its input event to its results shown (the box
  clears aria-busy when the latest query's results are in). Median, 95th percentile and worst
  over all letters (the JSON line names the worst one), and the index bytes fetched by the whole
  session (the documents fetched in the background included).

English questions are callers' words (with typos); other languages' questions are the first
words of a few services' names in that language, and the same with a letter dropped (a typo),
taken from the index itself, so that they work on any catalog.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import statistics
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import chromium  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.search import shards  # noqa: E402

ENGLISH = ["garbage not picked up", "stret lite out", "pothole on my street",
           "graffitti on my garage", "noise complaint at night", "abandoned car in the alley",
           "tree branch down", "water main break"]

# Runs in the page before its scripts: on the load event, when asked, puts the question in the
# box; marks when results are shown (aria-busy cleared) and when a letter comes in (the input
# event, seen before the box's own listener; Playwright types letters not on its keyboard
# without key events).
PROBE = """
window.__kb = {shown: [], keys: []};
performance.setResourceTimingBufferSize(100000);
addEventListener("input", () => window.__kb.keys.push(performance.now()), true);
addEventListener("load", () => {
  window.__kb.load = performance.now();
  const box = document.querySelector("#kb-home-q");
  const list = box.form.querySelector("[data-kb-search-results]");  // the home box's, not the header's
  new MutationObserver(() => {
    if (!list.hasAttribute("aria-busy")) window.__kb.shown.push([performance.now(), list.children.length]);
  }).observe(list, {attributes: true, attributeFilter: ["aria-busy"], childList: true});
  if (window.__kbAsk) { box.value = window.__kbAsk; box.dispatchEvent(new Event("input")); }
});
"""


@contextmanager
def gzip_server(folder: Path):
    """The folder over HTTP on 127.0.0.1, gzip-encoded; yields the base URL. The search index's
    files are compressed before the first request, as a static host or CDN serves them ready
    (compressing a shard on demand, in Python threads that share one lock, would be timed as
    the engine's)."""
    cache: dict[Path, bytes] = {}
    for path in sorted(folder.glob("api/v2/*/search*")) + sorted(folder.glob("api/v2/*/search/*")):
        if path.is_file():
            cache[path.resolve()] = gzip.compress(path.read_bytes(), 6, mtime=0)

    class Handler(http.server.SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # connections kept open, as a real server does

        def do_GET(self):  # noqa: N802 (the http.server name)
            path = Path(self.translate_path(self.path)).resolve()
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                self.send_error(404)
                return
            if path not in cache:
                cache[path] = gzip.compress(path.read_bytes(), 6, mtime=0)
            body = cache[path]
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 128  # the default 5 drops a burst of connections (a 1 s retry)

    httpd = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def questions(site: Path, lang: str) -> list[str]:
    if lang == "en":
        return ENGLISH
    data = shards.read(site / "api" / "v2" / lang / "search.json")
    names = [d["title"] for d in data["docs"] if d["kind"] == "service"]
    picked = [" ".join(n.split()[:3]) for n in names[:: max(1, len(names) // 4)][:4]]
    return picked + [q[:2] + q[3:] for q in picked]


def first_result(browser, base: str, lang: str, question: str, without) -> dict:
    context = browser.new_context()  # nothing cached
    page = context.new_page()
    for pattern in without:
        page.route(pattern, lambda route: route.abort())
    page.add_init_script(f"window.__kbAsk = {json.dumps(question)};" + PROBE)
    page.goto(f"{base}{lang}/", wait_until="load")
    page.wait_for_function("window.__kb.shown.some(s => s[1] > 0)", timeout=60000)
    kb = page.evaluate("window.__kb")
    shown = next(t for t, n in kb["shown"] if n > 0)
    got = fetched(page, 0, shown)
    row = {"ms": shown - kb["load"], "index": sum(b for path, b in got if "/api/v2/" in path),
           "page": sum(b for path, b in got if "/api/v2/" not in path)}
    return row, context, page


def fetched(page, start: float, end: float) -> list[tuple[str, int]]:
    """(address, gzip bytes of the body) of the page's requests that started at `start` or later
    and were answered by `end` (ms since the page's start)."""
    return [(name, size) for name, size in page.evaluate(
        "([s, e]) => performance.getEntriesByType('resource').filter(r => r.startTime >= s &&"
        " r.responseEnd <= e).map(r => [r.name, r.encodedBodySize])", [start, end])]


def keystrokes(page, asked: list[str], pace: int) -> tuple[list[tuple[float, str]], int]:
    """(ms, the text in the box) for each letter typed; the index bytes fetched meanwhile."""
    box = page.locator("#kb-home-q")
    start, times = page.evaluate("performance.now()"), []
    for question in asked:
        box.fill("")
        page.wait_for_function("!document.querySelector('#kb-home-q').form.querySelector('[data-kb-search-results]')"
                               ".hasAttribute('aria-busy')")
        for letter in question:
            if pace:
                page.wait_for_timeout(pace)
            page.evaluate("window.__kb.shown = []; window.__kb.keys = []")
            page.keyboard.type(letter)
            page.wait_for_function("window.__kb.shown.length > 0 && !document.querySelector("
                                   "'#kb-home-q').form.querySelector('[data-kb-search-results]')"
                                   ".hasAttribute('aria-busy')")
            kb = page.evaluate("window.__kb")
            times.append((kb["shown"][-1][0] - kb["keys"][0], box.input_value()))
    page.wait_for_timeout(2000)  # what is still coming (the documents fetched in the background)
    got = fetched(page, start, page.evaluate("performance.now()"))
    return times, sum(b for path, b in got if "/api/v2/" in path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sites", nargs="+", type=Path, help="built public sites (site/public)")
    ap.add_argument("--lang", action="append")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pace", type=int, default=0, metavar="MS",
                    help="Wait this long after a letter's results before the next letter (a "
                         "person's typing; default: at once).")
    ap.add_argument("--without", action="append", default=[], metavar="GLOB",
                    help="Refuse the page's requests for these URLs (e.g. '**/search/"
                         "search_index.json', Material's own header search index).")
    args = ap.parse_args(argv)
    rows = []
    with chromium() as browser:
        for site in args.sites:
            with gzip_server(site) as base:
                for lang in args.lang or ["en"]:
                    asked = questions(site, lang)
                    head = site / "api" / "v2" / lang / "search.json"
                    table = json.loads(head.read_text("utf-8"))["shards"]
                    whole = sum(len(gzip.compress(p.read_bytes(), 6, mtime=0))
                                for p in [head, *(head.parent / f for t in table.values()
                                                  for f in t["files"])])
                    firsts = []
                    for run in range(args.runs):
                        row, context, page = first_result(browser, base, lang, asked[0],
                                                          args.without)
                        firsts.append(row)
                        if run < args.runs - 1:
                            context.close()
                    times, session = keystrokes(page, asked, args.pace)
                    context.close()
                    times.sort()
                    ms = [t for t, _ in times]
                    rows.append({
                        "site": str(site), "lang": lang, "question": asked[0],
                        "without": " ".join(args.without) or "-", "pace": args.pace,
                        "files": 1 + sum(len(t["files"]) for t in table.values()),
                        "whole": whole,
                        "first_ms": statistics.median(r["ms"] for r in firsts),
                        "first_index": statistics.median(r["index"] for r in firsts),
                        "page": statistics.median(r["page"] for r in firsts),
                        "keys": len(times), "median": statistics.median(ms),
                        "p95": ms[int(len(ms) * 0.95)], "worst": ms[-1],
                        "worst_at": times[-1][1], "session": session})
                    print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    print("\n| site | language | refused | index files | whole index (gzip) | first result after "
          "load | index bytes before it | other bytes before it | keystrokes | median / 95th / worst | "
          "index bytes, whole session |\n|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['site']} | {r['lang']} | {r['without']} | {r['files']} | {r['whole']:,} B | "
              f"{r['first_ms']:.0f} ms | {r['first_index']:,.0f} B | {r['page']:,.0f} B | "
              f"{r['keys']} | {r['median']:.1f} / {r['p95']:.0f} / {r['worst']:.0f} ms | "
              f"{r['session']:,} B |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
