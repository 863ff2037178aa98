"""Every question set of bench/queries on its catalog, in one table: the tuning sets apart from
the held-out ones (the roles in ``SETS``, ``REFERRALS`` and ``SECOND``), with `kb search`'s index
and ranking (built in memory, as `kb search --eval` does).

    .venv/bin/python bench/search_sets.py            # the table
    .venv/bin/python bench/search_sets.py --misses   # and what each tuning set ranks below first
    .venv/bin/python bench/search_sets.py --tune     # the tuning sets only

The cities' lists and Chicago's are imported into temporary content trees first (kb init + kb
import open311), from the copies in bench/data/open311/; a list with more than names also runs
with names only (its descriptions, keywords and groups left out), as Chicago's list is.
Chicago's list also runs with the keywords an editor wrote for its types
(data/open311/chicago-keywords.yaml): content, reported apart ("held out, city's keywords").

A set with a second reader's labels (``queries/second-reading/<set>.tsv``) has a second row,
"<set>, either reading": a question is answered when a type of either reading is found.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from generator.commands import search_eval  # noqa: E402
from generator.commands.search import load_index  # noqa: E402
from generator.search import rank  # noqa: E402

Q = HERE / "queries"
# The tuning catalogs: (city, its list in bench/data/open311/, whether it has more than names and
# so runs a second time with names only, as Chicago's list is). The set is "<city>-en".
CITIES = [
    ("bloomington", "bloomington-2018-services.json", True),
    ("washington-dc", "washington-dc-services.json", True),
    ("boston", "boston-services.json", True),
    ("new-york-city", "new-york-city-services.json", False),
    ("baltimore", "baltimore-services.json", False),
    ("austin", "austin-services.json", False),
    ("ottawa", "ottawa-services.json", False),
    ("toronto", "toronto-services.json", False),
    ("calgary", "calgary-services.json", False),
    ("san-francisco", "san-francisco-services.json", True),
    ("philadelphia", "philadelphia-services.json", False),
    ("louisville", "louisville-services.json", False),
    ("cincinnati", "cincinnati-services.json", False),
    ("pittsburgh", "pittsburgh-services.json", False),
    ("kansas-city", "kansas-city-services.json", False),
    ("new-orleans", "new-orleans-services.json", False),
    ("san-diego", "san-diego-services.json", False),
    ("los-angeles", "los-angeles-services.json", False),
]


def _catalogs(city: str, more: bool) -> list[str]:
    return [city, f"{city}-names"] if more else [city]


# Referral questions on the demo, each on both sites: (set, role).
REFERRALS = [
    ("referrals-en", "tune"), ("referrals-2-en", "held out"), ("referrals-3-en", "tune"),
    ("referrals-4-en", "tune"), ("referrals-5-en", "held out"), ("referrals-6-en", "tune"),
    ("referrals-7-en", "held out"), ("referrals-8-en", "held out"), ("referrals-9-en", "tune"),
    ("referrals-10-en", "tune"), ("referrals-11-en", "tune"), ("referrals-12-en", "tune"),
    ("referrals-13-en", "tune"), ("referrals-14-en", "tune"), ("referrals-15-en", "held out"),
    ("referrals-16-en", "held out"),
]
# The second author's residents' questions on the tuning cities' catalogs: (set, catalog).
SECOND = [
    *[(f"{city}-2-en", city) for city in ("calgary", "ottawa", "baltimore", "toronto", "austin",
                                          "kansas-city", "new-york-city", "louisville",
                                          "pittsburgh", "cincinnati")],
    ("boston-2-en", "boston-names"), ("calgary-3-en", "calgary"),
    ("philadelphia-2-en", "philadelphia"), ("washington-dc-2-en", "washington-dc-names"),
    ("pittsburgh-3-en", "pittsburgh"), ("new-york-city-3-en", "new-york-city"),
    ("boston-3-en", "boston-names"), ("toronto-3-en", "toronto"),
    ("kansas-city-3-en", "kansas-city"), ("washington-dc-3-en", "washington-dc-names"),
    ("ottawa-3-en", "ottawa"), ("baltimore-3-en", "baltimore"), ("austin-3-en", "austin"),
    ("pittsburgh-4-en", "pittsburgh"), ("new-york-city-4-en", "new-york-city"),
    ("boston-4-en", "boston-names"),
]
# (set, catalog, audience, role)
SETS = [
    ("callers-en", "demo", "public", "tune"),
    ("callers-en", "demo", "agent", "tune"),
    ("callers-es", "demo", "public", "tune"),
    ("callers-fr", "demo", "public", "tune"),
    ("en", "demo", None, "tune"),
    ("es", "demo", "public", "tune"),
    ("fr", "demo", "public", "tune"),
    *[(f"{city}-en", catalog, "public", "tune") for city, _, more in CITIES
      for catalog in _catalogs(city, more)],
    *[(name, catalog, "public", "tune") for name, catalog in SECOND],
    *[(name, "demo", audience, role) for name, role in REFERRALS
      for audience in ("public", "agent")],
    ("chicago-en", "chicago", "public", "held out"),
    ("chicago-2-en", "chicago", "public", "held out"),
    ("chicago-3-en", "chicago", "public", "held out"),
    ("chicago-4-en", "chicago", "public", "held out"),
    # content, not the engine: Chicago's list with the keywords an editor wrote for its types
    # (data/open311/chicago-keywords.yaml), reported apart from the engine's figures
    *[(f"chicago{n}-en", "chicago-keywords", "public", "held out, city's keywords")
      for n in ("", "-2", "-3", "-4")],
]
IMPORTS = {catalog: source for city, source, more in CITIES for catalog in _catalogs(city, more)}
IMPORTS["chicago"] = IMPORTS["chicago-keywords"] = "chicago-request-types.json"


def imported(name: str, work: Path) -> Path:
    root = work / name
    source = HERE / "data" / "open311" / IMPORTS[name]
    if name.endswith(("-names", "-keywords")):  # the list changed, in a file of its own
        services = json.loads(source.read_text("utf-8"))
        if name.endswith("-names"):  # its descriptions and groups left out
            for service in services:
                service.update(description="", group="", keywords="")
        else:  # with an editor's keywords for each type
            words = yaml.safe_load((source.parent / f"{name}.yaml").read_text("utf-8"))
            for service in services:
                service["keywords"] = words[service["slug"]]
        source = work / f"{name}.json"
        source.write_text(json.dumps(services), "utf-8")
    kb = [sys.executable, "-m", "generator.cli"]
    subprocess.run(kb + ["init", str(root)], check=True, capture_output=True, cwd=ROOT)
    subprocess.run(kb + ["import", "open311", str(source), "--root", str(root)], check=True,
                   capture_output=True, cwd=ROOT)
    return root


def either_reading(name: str, questions: list) -> list | None:
    """The questions with the request types a second reader gave them added to their answers
    (``second-reading/<set>.tsv``: a line per question, in order, "number<TAB>id,id,..." or
    "none"), or None for a set without a second reading."""
    path = Q / "second-reading" / f"{name}.tsv"
    if not path.exists():
        return None
    lines = path.read_text("utf-8").splitlines()
    assert len(lines) == len(questions), f"{path}: one line per question of {name}"
    out = []
    for question, line in zip(questions, lines):
        ids = line.split("\t")[1]
        more = [] if ids == "none" else [i for i in ids.split(",") if i not in question.expect]
        out.append(dataclasses.replace(question, expect=[*question.expect, *more]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--only", help="run the sets whose name contains this")
    parser.add_argument("--tune", action="store_true", help="run the tuning sets only")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        roots = {"demo": ROOT}
        indexes: dict = {}
        for name, catalog, audience, role in SETS:
            if args.only and args.only not in name or args.tune and role != "tune":
                continue
            if catalog not in roots:
                roots[catalog] = imported(catalog, Path(tmp))
            lang, questions = search_eval.read_questions(Q / f"{name}.yaml")

            def run(text: str, aud: str, catalog=catalog, lang=lang) -> list[dict]:
                key = (catalog, lang, aud)
                if key not in indexes:
                    indexes[key] = load_index(roots[catalog], lang, aud)[0]
                return rank.search(indexes[key], text, search_eval.LIMIT)

            report = search_eval.evaluate(questions, run, name, lang or "en", audience)
            num = report.numbers()
            rows.append((role, name, catalog, audience or "own", num))
            second = either_reading(name, questions)
            if second:  # a right answer by either of two readers' labels
                num = search_eval.evaluate(second, run, name, lang or "en", audience).numbers()
                rows.append((role, f"{name}, either reading", catalog, audience or "own", num))
            if args.misses and role == "tune":  # a held-out set's misses are never shown
                print(search_eval.as_text(report), "\n")
    print("| role | set | catalog | audience | questions | recall@1 | recall@5 | MRR |")
    print("|---|---|---|---|---|---|---|---|")
    for role, name, catalog, audience, num in rows:
        print(f"| {role} | {name} | {catalog} | {audience} | {num['questions']} | "
              f"{num['recall@1']:.3f} | {num['recall@5']:.3f} | {num['mrr']:.3f} |")


if __name__ == "__main__":
    main()
