"""`kb search --eval FILE`: how well the search answers a list of questions (recall@1, recall@5,
MRR and the misses), with the same index and ranking as `kb search`.

FILE is YAML, the format of bench/queries/ (docs/search.md):

    lang: en                       # optional; --lang wins, else the site's source language
    queries:
      - {q: garbage not picked up, expect: missed-garbage-pickup}
      - {q: power outage, expect: [electric-utility, article:power-cuts], audience: agent}

``expect``: the ids of the services, answers or departments that answer the question (any of them
counts); ``kind:id`` (service:, article:, department:) when ids of two kinds are the same.
``audience: agent``: a question only the agent site can answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import FILE, KbError, Problems
from generator.pipeline.load import Doc, LoadError, parse_yaml, read_text

LIMIT = 10  # results looked at per question: MRR counts a right answer up to this rank
KINDS = ("service", "article", "department")


@dataclass
class Question:
    q: str
    expect: list[str]
    audience: str = "public"


@dataclass
class Miss:
    q: str
    expect: list[str]
    rank: int | None  # of the first right answer within LIMIT results, None when none is
    first: dict | None  # the first result (id, kind, title), None when there is no result


@dataclass
class Report:
    file: str
    lang: str
    audience: str  # public | agent | "each question's own"
    n: int = 0
    at1: int = 0
    at5: int = 0
    rr: float = 0.0
    skipped: int = 0  # agent-only questions left out of a public run
    misses: list[Miss] = field(default_factory=list)

    def numbers(self) -> dict:
        n = self.n or 1
        return {"questions": self.n, "recall@1": round(self.at1 / n, 3),
                "recall@5": round(self.at5 / n, 3), "mrr": round(self.rr / n, 3)}


def _bad(rel: str, doc: Doc | None, path: tuple, message: str) -> KbError:
    line, col = doc.pos(path) if doc is not None else (1, 1)
    where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
    return KbError(f"{rel}:{line}:{col}: {where or FILE}: {message}")


def read_questions(path: Path) -> tuple[str | None, list[Question]]:
    """(the file's lang or None, its questions); a KbError with file and line when it is wrong."""
    rel = str(path)
    problems = Problems()
    # read as a file of its own folder: the path may be absolute or lead up (../)
    text = read_text(path, path.name, problems) if path.is_file() else None
    if text is None:
        why = problems.items[0].message if problems.items else "no such file"
        raise KbError(f"{rel}: {why}")
    doc = Doc(rel, "questions", path.stem)
    try:
        parse_yaml(doc, text)
    except LoadError as e:
        raise KbError(f"{rel}:{e.line}:{e.col}: {e.field}: {e.message}") from None
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list):
        raise _bad(rel, doc, (), "must be a mapping with 'queries:', a list of "
                                 "{q: question, expect: [ids]} (see docs/search.md)")
    lang = data.get("lang")
    out = []
    for i, item in enumerate(data["queries"]):
        at = ("queries", i)
        if not isinstance(item, dict) or "q" not in item or "expect" not in item:
            raise _bad(rel, doc, at, "each question needs 'q' (the question) and 'expect' "
                                     "(the ids that answer it)")
        expect = item["expect"]
        expect = [expect] if isinstance(expect, str) else expect
        if not isinstance(expect, list) or not expect or not all(isinstance(e, str) and e
                                                                  for e in expect):
            raise _bad(rel, doc, at + ("expect",), "must be an id or a list of ids, like "
                                                   "[pothole-repair, article:potholes]")
        for j, e in enumerate(expect):
            kind, _, _ = e.rpartition(":")
            if kind and kind not in KINDS:
                raise _bad(rel, doc, at + ("expect", j), f"'{kind}:' is not a kind; use "
                                                         f"{', '.join(k + ':' for k in KINDS)}")
        audience = item.get("audience", "public")
        if audience not in ("public", "agent"):
            raise _bad(rel, doc, at + ("audience",), "must be public or agent")
        out.append(Question(str(item["q"]), expect, audience))
    return (str(lang) if lang else None), out


def rank_of(question: Question, results: list[dict]) -> int | None:
    for r in results:
        if r["id"] in question.expect or f"{r['kind']}:{r['id']}" in question.expect:
            return r["rank"]
    return None


def evaluate(questions: list[Question], search, file: str, lang: str,
             audience: str | None) -> Report:
    """Run each question through `search(text, audience) -> results` (kb search's results)."""
    report = Report(file, lang, audience or "each question's own")
    for question in questions:
        if audience == "public" and question.audience == "agent":
            report.skipped += 1
            continue
        results = search(question.q, audience or question.audience)
        rank = rank_of(question, results)
        report.n += 1
        report.at1 += rank == 1
        report.at5 += rank is not None and rank <= 5
        report.rr += 1 / rank if rank else 0.0
        if rank != 1:
            first = {k: results[0][k] for k in ("id", "kind", "title")} if results else None
            report.misses.append(Miss(question.q, question.expect, rank, first))
    return report


def as_json(report: Report) -> dict:
    return {"file": report.file, "lang": report.lang, "audience": report.audience,
            **report.numbers(), "skipped": report.skipped, "limit": LIMIT,
            "misses": [{"q": m.q, "expect": m.expect, "rank": m.rank, "first": m.first}
                       for m in report.misses]}


def as_text(report: Report) -> str:
    num = report.numbers()
    lines = [f"{report.file}: {report.n} questions, language {report.lang}, "
             f"audience: {report.audience}"]
    if report.skipped:
        lines.append(f"({report.skipped} agent-only questions left out; run with --audience "
                     "agent to include them)")
    lines += [f"recall@1  {num['recall@1']:.3f}  ({report.at1} of {report.n} first)",
              f"recall@5  {num['recall@5']:.3f}  ({report.at5} of {report.n} in the top five)",
              f"MRR       {num['mrr']:.3f}  (right answers up to rank {LIMIT})"]
    if report.misses:
        lines.append(f"Not first ({len(report.misses)}):")
    for m in report.misses:
        rank = f"rank {m.rank}" if m.rank else f"not in the first {LIMIT}"
        first = f"{m.first['title']} ({m.first['kind']} {m.first['id']})" if m.first else "no result"
        lines.append(f"  {m.q!r}: {rank}; want {', '.join(m.expect)}; first: {first}")
    return "\n".join(lines)
