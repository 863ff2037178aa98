"""Size of kb's search index, whole (before it is split into api/v2/<lang>/search.json and its
shards), and the time to load it and answer a first query, in Python and in node (the ranking the
sites use), on a content tree. bench/search_v2_browser.py measures the split index in Chromium.

    .venv/bin/python bench/make_catalog.py 5000 --out /tmp/cat5000
    .venv/bin/python bench/search_v2_size.py /tmp/cat5000 --lang en --lang ar

Prints, per language: documents, forms, bytes and gzip bytes of the index, the time to build it,
to load it in Python and in node, and the median time of a query (node) over a few questions.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.pipeline.build import check  # noqa: E402
from generator.pipeline.model import build_site  # noqa: E402
from generator.pipeline.translate import in_language  # noqa: E402
from generator.search import index, rank  # noqa: E402

QUESTIONS = ["pothole", "stret lite out", "garbage not picked up", "graffiti on my garage",
             "noise complaint at night", "park", "tree branch down", "water main break"]

NODE_SCRIPT = """
const fs = require("fs"); const t0 = process.hrtime.bigint();
const [script, file, first, all] = process.argv.slice(-4);
const kbSearch = require(script);
const engine = kbSearch.load(JSON.parse(fs.readFileSync(file, "utf-8")));
(async () => {
const t1 = process.hrtime.bigint(); await engine.search(first); const t2 = process.hrtime.bigint();
const times = [];
for (const q of JSON.parse(all)) { const a = process.hrtime.bigint();
  await engine.search(q); times.push(Number(process.hrtime.bigint() - a) / 1e6) }
times.sort((a, b) => a - b);
console.log(JSON.stringify({load: Number(t1 - t0) / 1e6, first: Number(t2 - t1) / 1e6,
  median: times[times.length >> 1], worst: times[times.length - 1]}));
})();
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--lang", action="append")
    parser.add_argument("--audience", default="public")
    args = parser.parse_args()
    checked = check(args.root)
    model = build_site(checked.tree, checked.config, args.audience)
    node = shutil.which("node")
    print("| language | docs | forms | bytes | gzip | build | Python load + first query | "
          "node load | node first query | node median / worst query |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for lang in args.lang or [checked.config.source.code]:
        site, _ = in_language(model, lang)
        t0 = time.perf_counter()
        data = index.build(site, lang)
        text = index.dumps(data)
        built = time.perf_counter() - t0
        raw = text.encode("utf-8")
        t0 = time.perf_counter()
        rank.search(json.loads(text), QUESTIONS[0])
        py = time.perf_counter() - t0
        row = [lang, len(data["docs"]), len(data["forms"]), f"{len(raw):,}",
               f"{len(gzip.compress(raw, 9)):,}", f"{built:.1f} s", f"{py * 1000:.0f} ms"]
        if node:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "search.json"
                path.write_bytes(raw)
                out = subprocess.run([node, "-e", NODE_SCRIPT, "--",
                                      str(REPO / "generator/engine/theme/kb/search/rank.js"),
                                      str(path), QUESTIONS[0], json.dumps(QUESTIONS)],
                                     check=True, capture_output=True, text=True)
                t = json.loads(out.stdout)
            row += [f"{t['load']:.0f} ms", f"{t['first']:.0f} ms",
                    f"{t['median']:.0f} / {t['worst']:.0f} ms"]
        print("| " + " | ".join(str(x) for x in row) + " |")


if __name__ == "__main__":
    main()
