"""Build speed against plain mkdocs, on a large synthetic catalog.

    .venv/bin/python bench/build_speed.py [--services 2000] [--audience public|all]

Writes (once) a catalog of N services with bench/make_catalog.py into bench/out/, then, in one
run on this machine:

* ``kb check`` alone (median of three);
* ``kb build`` cold with ``--jobs 1`` and ``--jobs 2``: wall time, milliseconds per page per
  language, peak memory summed over every process (PSS: a page shared by two processes counts
  once; RSS summed is given too), and the time of each stage (the exports: JSON, Open311, lunr);
* the build cache: the same build again with nothing changed, and with one service changed
  (how many pages mkdocs rendered again);
* the baseline: the same pages (the Markdown kb generates, each language's mkdocs project) built
  by plain ``mkdocs build`` with Material and the same theme settings and navigation, without kb's
  hooks, theme overrides or exports, one language after another;
* page HTML sizes and search index sizes.

Prints a Markdown report (paste it into bench/RESULTS.md) and writes the numbers as JSON to
bench/out/build-speed-<N>.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import run  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
PY = sys.executable

RUNNER = """
import json, sys
from pathlib import Path
from generator.build import build
timings = {}
build(Path(sys.argv[1]), Path(sys.argv[2]), audience=sys.argv[3], jobs=int(sys.argv[4]),
      quiet=True, timings=timings)
Path(sys.argv[5]).write_text(json.dumps(timings))
"""

PROJECTS = """
import sys
from pathlib import Path
from generator.build import check
from generator.i18n import interface_translations
from generator.model import build_site
from generator.render import write_project
from generator.translate import translate
root, work, audiences = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].split(",")
checked = check(root)
config = checked.config
for aud in audiences:
    source = build_site(checked.tree, config, aud)
    for lang in [lg.code for lg in config.languages]:
        messages = interface_translations(config.root, lang, config.source.code)
        site = translate(source, lang, messages)
        write_project(site, source, lang, messages, config.root, work / f"{aud}-{lang}",
                      work / "site" / f"{aud}-{lang}")
"""


def env() -> dict:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1790000000",
            "PYTHONPATH": str(REPO)}


def ensure_tree(n: int) -> Path:
    tree = BENCH / "out" / f"catalog-{n}"
    if not (tree / ".complete").exists():
        shutil.rmtree(tree, ignore_errors=True)
        subprocess.run([PY, str(BENCH / "make_catalog.py"), str(n), "--out", str(tree)], check=True,
                       env=env())
        (tree / ".complete").write_text("")
    return tree


def kb_build(tree: Path, out: Path, audience: str, jobs: int, work: Path, name: str) -> dict:
    timings_file = work / f"{name}.json"
    result = run([PY, "-c", RUNNER, str(tree), str(out), audience, str(jobs), str(timings_file)],
                 env=env())
    if result.returncode:
        raise SystemExit(f"kb build failed:\n{result.output}")
    timings = json.loads(timings_file.read_text())
    return {"seconds": result.seconds, "pss_mb": result.peak_pss_mb, "rss_mb": result.peak_rss_mb,
            "stages": timings}


def baseline(tree: Path, audiences: list[str], work: Path) -> dict:
    """The same mkdocs projects, made plain: no hooks, no theme overrides, no kb extras (the
    interface strings of a language Material has none for stay: without them it cannot build)."""
    projects = work / "baseline"
    subprocess.run([PY, "-c", PROJECTS, str(tree), str(projects), ",".join(audiences)], check=True,
                   env=env())
    total, peak_pss, peak_rss, per = 0.0, 0.0, 0.0, {}
    for cfg_file in sorted(projects.glob("*/mkdocs.yml")):
        cfg = yaml.safe_load(cfg_file.read_text("utf-8"))
        cfg.pop("hooks", None)
        cfg.pop("extra_css", None)
        cfg.pop("extra_javascript", None)
        cfg["extra"] = {k: v for k, v in cfg.get("extra", {}).items() if k == "alternate"}
        cfg_file.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), "utf-8")
        for page in (cfg_file.parent / "docs").rglob("*.md"):  # kb's page templates are its theme's
            text = page.read_text("utf-8")
            if "\ntemplate:" in text.split("\n---\n", 1)[0]:
                page.write_text(re.sub(r"\ntemplate: [^\n]*", "", text, count=1), "utf-8")
        theme = cfg_file.parent / "theme"
        for path in sorted(theme.rglob("*"), reverse=True):
            if path.is_file() and path.parent.name != "languages":
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        result = run([PY, "-m", "mkdocs", "build", "-q", "-f", str(cfg_file)], env=env())
        if result.returncode:
            raise SystemExit(f"baseline build failed:\n{result.output}")
        total += result.seconds
        peak_pss, peak_rss = max(peak_pss, result.peak_pss_mb), max(peak_rss, result.peak_rss_mb)
        per[cfg_file.parent.name] = result.seconds
    return {"seconds": total, "pss_mb": peak_pss, "rss_mb": peak_rss, "per_project": per,
            "site": str(projects / "site")}


def pages_of(out: Path) -> list[Path]:
    return [p for p in out.rglob("*.html") if "/assets/" not in str(p)]


def sizes(out: Path) -> dict:
    pages = pages_of(out)
    lengths = sorted(p.stat().st_size for p in pages)
    big = sorted(((p.stat().st_size, str(p.relative_to(out))) for p in pages), reverse=True)[:5]
    index = {}
    for idx in sorted(out.glob("*/*/search/search_index.json")):
        lang = f"{idx.parent.parent.parent.name}/{idx.parent.parent.name}"
        index[lang] = len(gzip.compress(idx.read_bytes(), 6))
    return {"pages": len(pages), "median_kb": statistics.median(lengths) / 1024,
            "p95_kb": lengths[int(len(lengths) * 0.95)] / 1024, "max_kb": lengths[-1] / 1024,
            "over_60kb": sum(1 for n in lengths if n > 60 * 1024), "largest": big,
            "search_index_gzip": index}


def changed_one_service(tree: Path) -> Path:
    service = sorted((tree / "catalog" / "services").glob("*.yaml"))[7]
    text = service.read_text("utf-8")
    service.write_text(text.replace("summary: ", "summary: Now also at night. ", 1), "utf-8")
    return service


def check_seconds(tree: Path) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([PY, "-m", "generator", "check", "--root", str(tree)], check=True,
                       env=env(), capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "?")
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores ({cpu}), {mem} GiB, Python {platform.python_version()}, "
            f"load average {load:.1f} at the start")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--services", type=int, default=2000)
    ap.add_argument("--audience", choices=["public", "all"], default="public")
    ap.add_argument("--parts", default="check,cold,cache,baseline",
                    help="what to measure (a previous run's numbers fill in the rest)")
    args = ap.parse_args(argv)
    parts = set(args.parts.split(","))
    audiences = ["public", "agent"] if args.audience == "all" else [args.audience]
    saved = BENCH / "out" / f"build-speed-{args.services}-{args.audience}.json"
    report: dict = json.loads(saved.read_text()) if saved.is_file() else {}
    report.update({"machine": machine(), "services": args.services, "audience": args.audience})
    print(report["machine"], flush=True)
    tree = ensure_tree(args.services)

    def save() -> None:
        saved.write_text(json.dumps(report, indent=2))

    with tempfile.TemporaryDirectory(prefix="kb-speed-") as tmp:
        work = Path(tmp)
        scratch = work / "tree"
        shutil.copytree(tree, scratch)
        if "check" in parts:
            report["check_s"] = check_seconds(scratch)
            print(f"kb check: {report['check_s']:.2f} s", flush=True)
            save()
        if "cold" in parts or "cache" in parts:
            for jobs in (1, 2) if "cold" in parts else (2,):
                out = work / f"site-j{jobs}"
                report[f"cold_j{jobs}"] = kb_build(scratch, out, args.audience, jobs, work, f"cold{jobs}")
                print(f"kb build --jobs {jobs}: {report[f'cold_j{jobs}']}", flush=True)
                save()
            out = work / "site-j2"
            report["sizes"] = sizes(out)
            report["pages"] = report["sizes"]["pages"]
            save()
        if "cache" in parts:
            report["warm_unchanged"] = kb_build(scratch, out, args.audience, 2, work, "warm")
            print(f"unchanged: {report['warm_unchanged']}", flush=True)
            changed_one_service(scratch)
            report["warm_one_service"] = kb_build(scratch, out, args.audience, 2, work, "one")
            print(f"one service changed: {report['warm_one_service']}", flush=True)
            save()
        if "baseline" in parts:
            report["baseline"] = baseline(tree, audiences, work)
            print(f"baseline: {report['baseline']}", flush=True)
            save()
    print(markdown(report))
    return 0


def markdown(r: dict) -> str:
    """The report as Markdown (what has not been measured is left out)."""
    pages = r.get("pages") or r.get("cold_j1", {}).get("stages", {}).get("pages", 0)
    base = r.get("baseline")
    rows = ["| run | wall | ms per page | peak memory (PSS / RSS summed) | sites vs baseline |",
            "|---|---|---|---|---|"]

    def row(name, m, sites=None):
        ratio = f"{(sites or m['seconds']) / base['seconds']:.2f}x" if base else "-"
        rows.append(f"| {name} | {m['seconds']:.1f} s | {1000 * m['seconds'] / pages:.1f} | "
                    f"{m['pss_mb']:.0f} / {m['rss_mb']:.0f} MB | {ratio} |")

    lines = [f"Machine: {r['machine']}.", f"Catalog: {r['services']} services, audience "
             f"{r['audience']}: {pages} pages.", ""]
    for jobs in (1, 2):
        if f"cold_j{jobs}" in r:
            m = r[f"cold_j{jobs}"]
            row(f"kb build --jobs {jobs}", m, m["seconds"] - exports_wall(m))
    if base:
        row("baseline: plain mkdocs + Material, serial", base)
    lines += rows + [""]
    for jobs in (1, 2):
        if f"cold_j{jobs}" not in r:
            continue
        m = r[f"cold_j{jobs}"]
        st = m["stages"]
        work = {k: v for k, v in st.items() if not k.startswith("pages")}
        lines.append(f"- --jobs {jobs}, seconds of work per stage (summed over processes): "
                     + ", ".join(f"{k} {v:.1f}" for k, v in work.items())
                     + f"; the exports: {exports_wall(m):.1f} s of the wall time, "
                       f"{100 * st.get('export', 0) / (st.get('render', 0) + st.get('mkdocs', 0)):.0f}% "
                       f"of the sites' work")
    if "cold_j2" in r:
        cold = r["cold_j2"]["seconds"]
        for name in ("warm_unchanged", "warm_one_service"):
            if name in r:
                m = r[name]
                lines.append(f"- {name.replace('_', ' ')} (--jobs 2): {m['seconds']:.1f} s = "
                             f"{m['seconds'] / cold:.2f}x the cold build; "
                             f"{int(m['stages'].get('pages rendered', 0))} pages rendered")
    if "check_s" in r:
        lines.append(f"- `kb check`: {r['check_s']:.2f} s")
    if "sizes" in r:
        s = r["sizes"]
        lines.append(f"- page HTML: median {s['median_kb']:.1f} KB, 95th percentile {s['p95_kb']:.1f} KB, "
                     f"largest {s['max_kb']:.1f} KB, {s['over_60kb']} pages over 60 KB")
        lines.append("- Material search index (gzip): " + ", ".join(
            f"{k} {v / 1024:.0f} KB" for k, v in s["search_index_gzip"].items()))
    return "\n".join(lines)


def exports_wall(m: dict) -> float:
    """The exports' share of the wall time: their work, spread like the rest over the processes."""
    st = m["stages"]
    work = st.get("render", 0) + st.get("mkdocs", 0) + st.get("export", 0)
    per_process = m["seconds"] - st.get("check", 0) - st.get("model", 0) - st.get("write", 0)
    return per_process * st.get("export", 0) / work if work else 0.0


if __name__ == "__main__":
    sys.exit(main())
