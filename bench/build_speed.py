"""Build speed against plain mkdocs, on a large synthetic catalog.

    .venv/bin/python bench/build_speed.py [--services 2000] [--audience public|all] [--rounds 2]
        [--parts check,cold,cache]

Writes (once) a catalog of N services with bench/make_catalog.py into bench/out/, then measures
on this machine:

* ``kb check`` alone (median of three);
* in --rounds rounds, one after the other: the baseline, then ``kb build`` from nothing with
  ``--jobs 1`` and with ``--jobs 2``. The baseline is the same pages (the Markdown kb generates,
  each language's mkdocs project) built by plain ``mkdocs build`` with Material, the same theme
  settings and navigation, Material's own search, and no kb hooks, theme overrides or exports,
  one language after another. Each run: wall time, CPU time, milliseconds per page, peak memory
  summed over every process (PSS: a page two processes share counts once; RSS summed is given
  too) and kb's seconds of work per stage (the exports: JSON, Open311, lunr). The machine is
  shared and its speed drifts over minutes, so each round's ratios are its own;
* the build cache: the same build again with nothing changed, and with one service changed
  (how many pages mkdocs rendered again);
* page HTML sizes and search index sizes.

Prints a Markdown report (for bench/RESULTS.md) and keeps the numbers in
bench/out/build-speed-<N>-<audience>.json (a run of some --parts keeps the others' numbers).
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
from generator.pipeline.build import build
timings = {}
build(Path(sys.argv[1]), Path(sys.argv[2]), audience=sys.argv[3], jobs=int(sys.argv[4]),
      quiet=True, timings=timings)
Path(sys.argv[5]).write_text(json.dumps(timings))
"""

PROJECTS = """
import sys
from pathlib import Path
from generator.pipeline.build import check
from generator.i18n.locale import interface_translations
from generator.pipeline.model import build_site
from generator.pipeline.render import write_project
from generator.pipeline.translate import translate
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
    return {"seconds": result.seconds, "cpu_seconds": result.cpu_seconds,
            "pss_mb": result.peak_pss_mb, "rss_mb": result.peak_rss_mb, "stages": timings}


def baseline_projects(tree: Path, audiences: list[str], work: Path) -> list[Path]:
    """The same mkdocs projects, made plain: no hooks, no theme overrides, no kb extras (the
    interface strings of a language Material has none for stay: without them it cannot build),
    and Material's own search, which reads every page (kb's sites use no engine search: kb writes
    its index from the model)."""
    projects = work / "baseline"
    subprocess.run([PY, "-c", PROJECTS, str(tree), str(projects), ",".join(audiences)], check=True,
                   env=env())
    configs = sorted(projects.glob("*/mkdocs.yml"))
    for cfg_file in configs:
        cfg = yaml.safe_load(cfg_file.read_text("utf-8"))
        cfg.pop("hooks", None)
        cfg.pop("extra_css", None)
        cfg.pop("extra_javascript", None)
        cfg["plugins"] = ["search"]
        cfg["extra"] = {k: v for k, v in cfg.get("extra", {}).items() if k == "alternate"}
        cfg_file.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), "utf-8")
        for page in (cfg_file.parent / "docs").rglob("*.md"):
            text = page.read_text("utf-8")
            head, sep, body = text[4:].partition("\n---\n")
            head = re.sub(r"(?m)^template: .*\n?", "", head + "\n")  # kb's page templates
            head = re.sub(r"(?m)^search:\n(  .*\n)*|^search: \{[^\n]*\}\n", "", head)
            page.write_text(f"---\n{head.rstrip()}\n---\n{body}" if head.strip() else body, "utf-8")
        theme = cfg_file.parent / "theme"
        for path in sorted(theme.rglob("*"), reverse=True):
            if path.is_file() and path.parent.name != "languages":
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return configs


def baseline(configs: list[Path]) -> dict:
    """Plain `mkdocs build` of each project, one after the other."""
    total = cpu = peak_pss = peak_rss = 0.0
    per = {}
    for cfg_file in configs:
        result = run([PY, "-m", "mkdocs", "build", "-q", "-f", str(cfg_file)], env=env())
        if result.returncode:
            raise SystemExit(f"baseline build failed:\n{result.output}")
        total += result.seconds
        cpu += result.cpu_seconds
        peak_pss, peak_rss = max(peak_pss, result.peak_pss_mb), max(peak_rss, result.peak_rss_mb)
        per[cfg_file.parent.name] = round(result.seconds, 1)
    return {"seconds": total, "cpu_seconds": cpu, "pss_mb": peak_pss, "rss_mb": peak_rss,
            "per_project": per}


def pages_of(out: Path) -> list[Path]:
    return [p for p in out.rglob("*.html") if "/assets/" not in str(p)]


def sizes(out: Path) -> dict:
    pages = pages_of(out)
    lengths = sorted(p.stat().st_size for p in pages)
    big = sorted(((p.stat().st_size, str(p.relative_to(out))) for p in pages), reverse=True)[:5]
    index = {}
    for idx in sorted(out.glob("*/api/v2/*/search.json")):  # kb's index, per audience and language
        lang = f"{idx.parent.parent.parent.parent.name}/{idx.parent.name}"
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
    ap.add_argument("--parts", default="check,cold,cache",
                    help="what to measure (a previous run's numbers fill in the rest)")
    ap.add_argument("--rounds", type=int, default=2, help="rounds of baseline, --jobs 1, --jobs 2")
    args = ap.parse_args(argv)
    parts = set(args.parts.split(","))
    audiences = ["public", "agent"] if args.audience == "all" else [args.audience]
    saved = BENCH / "out" / f"build-speed-{args.services}-{args.audience}.json"
    report: dict = json.loads(saved.read_text()) if saved.is_file() else {}
    report.pop("baseline", None)  # an older report's layout
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
        if "cold" in parts:
            # Rounds of: the baseline, kb with one process, kb with two. The machine is shared
            # and its speed drifts over minutes: each round's ratios are taken within the round.
            configs = baseline_projects(tree, audiences, work)
            report["rounds"] = []
            for n in range(args.rounds):
                one = {"baseline": baseline(configs)}
                print(f"round {n + 1} baseline: {one['baseline']}", flush=True)
                for jobs in (1, 2):
                    out = work / f"site-j{jobs}"
                    shutil.rmtree(out, ignore_errors=True)
                    one[f"j{jobs}"] = kb_build(scratch, out, args.audience, jobs, work, f"cold{jobs}")
                    print(f"round {n + 1} kb build --jobs {jobs}: {one[f'j{jobs}']}", flush=True)
                report["rounds"].append(one)
                save()
            report["sizes"] = sizes(work / "site-j2")
            report["pages"] = report["sizes"]["pages"]
            save()
        if "cache" in parts:
            out = work / "site-j2"
            if not out.is_dir():
                kb_build(scratch, out, args.audience, 2, work, "cold")
            report["warm_unchanged"] = kb_build(scratch, out, args.audience, 2, work, "warm")
            print(f"unchanged: {report['warm_unchanged']}", flush=True)
            changed_one_service(scratch)
            report["warm_one_service"] = kb_build(scratch, out, args.audience, 2, work, "one")
            print(f"one service changed: {report['warm_one_service']}", flush=True)
            save()
    print(markdown(report))
    return 0


def markdown(r: dict) -> str:
    """The report as Markdown (what has not been measured is left out)."""
    pages = r.get("pages", 0)
    lines = [f"Machine: {r['machine']}.", f"Catalog: {r['services']} services, audience "
             f"{r['audience']}: {pages} pages.", ""]
    rounds = r.get("rounds", [])
    if rounds:
        lines += ["| round | run | wall | ms per page | CPU | peak memory (PSS / RSS summed) | "
                  "sites vs baseline (wall) | (CPU) |", "|---|---|---|---|---|---|---|---|"]
        for n, one in enumerate(rounds, 1):
            base = one["baseline"]
            for name, m in (("baseline: plain mkdocs + Material, serial", base),
                            ("kb build --jobs 1", one["j1"]), ("kb build --jobs 2", one["j2"])):
                sites = m["seconds"] - exports_wall(m) if "stages" in m else m["seconds"]
                cpu = m["cpu_seconds"] - m.get("stages", {}).get("export", 0)
                lines.append(f"| {n} | {name} | {m['seconds']:.1f} s | {1000 * m['seconds'] / pages:.1f} "
                             f"| {m['cpu_seconds']:.0f} s | {m['pss_mb']:.0f} / {m['rss_mb']:.0f} MB "
                             f"| {sites / base['seconds']:.2f}x | {cpu / base['cpu_seconds']:.2f}x |")
        lines.append("")
        for jobs in (1, 2):
            ratios = sorted((o[f"j{jobs}"]["seconds"] - exports_wall(o[f"j{jobs}"])) / o["baseline"]["seconds"]
                            for o in rounds)
            lines.append(f"- sites with --jobs {jobs} against the baseline, each round's own: "
                         + ", ".join(f"{x:.2f}x" for x in ratios))
        last = rounds[-1]
        for jobs in (1, 2):
            m = last[f"j{jobs}"]
            st = m["stages"]
            work = {k: v for k, v in st.items() if not k.startswith("pages")}
            lines.append(f"- --jobs {jobs} (last round), seconds of work per stage, summed over "
                         f"processes: " + ", ".join(f"{k} {v:.1f}" for k, v in work.items())
                         + f"; the exports: {exports_wall(m):.1f} s of the wall time, "
                           f"{100 * st.get('export', 0) / (st.get('render', 0) + st.get('mkdocs', 0)):.0f}% "
                           f"of the sites' work")
        cold = last["j2"]["seconds"]
        for name in ("warm_unchanged", "warm_one_service"):
            if name in r:
                m = r[name]
                lines.append(f"- {name.replace('_', ' ')} (--jobs 2): {m['seconds']:.1f} s = "
                             f"{m['seconds'] / cold:.2f}x the cold build; "
                             f"{int(m['stages'].get('pages rendered', 0))} pages rendered")
    if "check_s" in r:
        lines.append(f"- `kb check`: {r['check_s']:.2f} s (median of three)")
    if "sizes" in r:
        s = r["sizes"]
        lines.append(f"- page HTML: median {s['median_kb']:.1f} KB, 95th percentile {s['p95_kb']:.1f} KB, "
                     f"largest {s['max_kb']:.1f} KB, {s['over_60kb']} pages over 60 KB")
        lines.append("- search index, api/v2 (gzip): " + ", ".join(
            f"{k} {v / 1024:.0f} KB" for k, v in s["search_index_gzip"].items()))
    return "\n".join(lines)


def exports_wall(m: dict) -> float:
    """The exports' share of the wall time: their work, spread like the rest over the processes."""
    st = m.get("stages", {})
    work = st.get("render", 0) + st.get("mkdocs", 0) + st.get("export", 0)
    per_process = m["seconds"] - st.get("check", 0) - st.get("model", 0) - st.get("write", 0)
    return per_process * st.get("export", 0) / work if work else 0.0


if __name__ == "__main__":
    sys.exit(main())
