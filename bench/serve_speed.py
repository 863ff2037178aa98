"""How long after an edit the live preview shows it, on a large catalog.

    .venv/bin/python bench/serve_speed.py [--services 2000] [--lang es] [--edits 5]

Starts ``kb serve`` on a copy of the synthetic catalog (bench/make_catalog.py, written once into
bench/out/), opens a service page in headless Chromium and then, --edits times, changes that
service's name in its YAML file (adds "(edit N)": a fix that keeps its place in the A to Z) and
measures the time from the write to the moment the page in the browser shows the new name (the
preview rebuilds, the page reloads itself). Prints each time and the median, beside the time of
the first full preview build and of the preview's own updates.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import chromium  # noqa: E402
from build_speed import ensure_tree, env  # noqa: E402

PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--services", type=int, default=2000)
    ap.add_argument("--lang", default=None, help="[default: the source language]")
    ap.add_argument("--edits", type=int, default=5)
    args = ap.parse_args(argv)
    tree = ensure_tree(args.services)
    with tempfile.TemporaryDirectory(prefix="kb-serve-speed-") as tmp:
        root = Path(tmp) / "tree"
        shutil.copytree(tree, root)
        service = sorted((root / "catalog" / "services").glob("*.yaml"))[11]
        port = free_port()
        cmd = [PY, "-m", "generator", "serve", "--root", str(root), "--port", str(port)]
        if args.lang:
            cmd += ["--lang", args.lang]
        start = time.perf_counter()
        server = subprocess.Popen(cmd, env=env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  start_new_session=True, text=True)
        url = f"http://127.0.0.1:{port}/services/{service.stem}/"
        times = []
        try:
            with chromium() as browser:
                page = browser.new_page()
                while True:
                    try:
                        page.goto(url)
                        break
                    except Exception:  # noqa: BLE001 - still building the first preview
                        if server.poll() is not None:
                            raise SystemExit(server.stdout.read())
                        time.sleep(0.5)
                first = time.perf_counter() - start
                print(f"first preview of {args.services} services: {first:.1f} s", flush=True)
                original = re.search(r"^name: (.*)$", service.read_text("utf-8"), re.M).group(1)
                for i in range(args.edits):
                    text = service.read_text("utf-8")
                    name = f"{original} (edit {i + 1})"  # an editor's fix: same letter, same place
                    text = re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.M)
                    time.sleep(1.0)  # let the previous reload settle
                    t0 = time.perf_counter()
                    service.write_text(text, "utf-8")
                    page.wait_for_function(
                        "(n) => (document.querySelector('h1') || {}).textContent === n",
                        arg=name, timeout=60_000)
                    times.append(time.perf_counter() - t0)
                    print(f"edit {i + 1}: the browser showed it after {times[-1]:.2f} s", flush=True)
        finally:
            os.killpg(server.pid, 9)
            server.wait()
        log = server.stdout.read()
    builds = [float(m) for m in re.findall(r"Preview updated: \d+ pages? in ([\d.]+) s", log)]
    if os.environ.get("KB_BENCH_LOG"):
        print(log)
    print(f"\nmedian {statistics.median(times):.2f} s, worst {max(times):.2f} s over {len(times)} edits"
          f" (of which the preview's own update: median {statistics.median(builds):.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
