"""Plain lunr on a built catalog: the "lunr's defaults" anchor for the search's numbers.

    .venv/bin/python bench/plain_lunr.py SITE/api/v1/<lang>/catalog.json QUESTIONS.yaml [--misses]
        [--keywords]

Indexes every service of catalog.json with lunr.py's defaults (fields name and summary, the
English pipeline: trimmer, stop words, stemmer; no boosts, no keywords, no answers, no
departments; with --keywords, the services' keywords as a third field, the anchor for a catalog
whose editors wrote keywords) and scores a question file (the bench/queries format) exactly as
`kb search --eval` does (generator/commands/search_eval.py), top 10 results per question. The
questions it misses are printed only with --misses: a held-out set's never should be.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lunr import lunr
from lunr.exceptions import QueryParseError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.commands import search_eval  # noqa: E402


def main(argv: list[str]) -> int:
    misses, keywords = "--misses" in argv, "--keywords" in argv
    argv = [a for a in argv if a not in ("--misses", "--keywords")]
    catalog, questions_file = Path(argv[0]), Path(argv[1])
    services = json.loads(catalog.read_text("utf-8"))["services"]
    docs = [{"id": s["id"], "name": s["name"], "summary": s.get("summary") or "",
             "keywords": " ".join(s.get("keywords") or [])} for s in services]
    fields = ("name", "summary", "keywords") if keywords else ("name", "summary")
    index = lunr(ref="id", fields=fields, documents=docs)

    def search(text: str, audience: str) -> list[dict]:
        try:
            hits = index.search(text)
        except QueryParseError:  # lunr's query syntax (a ':' or '~' typed by a caller)
            hits = []
        return [{"rank": i, "id": h["ref"], "kind": "service", "title": h["ref"]}
                for i, h in enumerate(hits[:search_eval.LIMIT], 1)]

    lang, questions = search_eval.read_questions(questions_file)
    report = search_eval.evaluate(questions, search, str(questions_file), lang or "en", "public")
    text = search_eval.as_text(report)
    print(text if misses else text.split("\nNot first")[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
