"""`kb feedback report`: what the collector received, per owning department.

For each department that owns content (the owner fields; pipeline/reviews.py owner_of): the
searches that found nothing or whose results nobody opened (grouped by similar words, with the
content they came nearest to), the pages residents voted unhelpful with their notes, and the
agents' "nothing fits" and "wrong or out of date" reports, each with the file to edit and its
line. Then the words callers use that match no content and no thesaurus term, and the search's
recall measured on the logged searches whose results were opened.

The search is passed in (`Search`), so the report measures the same engine as `kb search`.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable

from generator.pipeline.load import Doc, Tree
from generator.pipeline.reviews import owner_of
from generator.pipeline.thesaurus import Thesaurus, fold

# (query, lang, audience) -> results [{id, kind, title, ...}], best first ([] for a language the
# site does not have)
Search = Callable[[str, str, str], list]
NO_OWNER = ""  # the key of what matched no content: for the contact centre to route
DOC_KIND = {"service": "service", "answer": "article", "article": "article", "department": "department"}
TITLE_FIELD = {"service": ("name",), "article": ("title",), "department": ("name",)}


@dataclass(frozen=True)
class Place:
    """A content file to edit: its kind, id, title, owner, path and the line to look at."""

    kind: str
    id: str
    title: str
    owner: str
    file: str
    line: int

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "title": self.title, "file": self.file,
                "line": self.line}


class Content:
    """The content's files by (kind, id), with their owners and lines."""

    def __init__(self, tree: Tree):
        self.docs: dict[tuple[str, str], Doc] = {(d.kind, d.id): d for d in tree.docs
                                                 if d.kind in ("service", "article", "department")}
        self.names = {d.id: str(d.get(("name",)) or d.id) for d in tree.of("department")}
        # The words of titles and keywords (source language), for a query the search misses.
        self.words: dict[str, tuple[str, str]] = {}
        for doc in self.docs.values():
            if doc.kind == "department":
                continue
            texts = [doc.get(TITLE_FIELD[doc.kind])] + list(doc.get(("keywords",)) or [])
            for text in texts:
                for w in words_of(str(text or "")):
                    self.words.setdefault(w, (doc.kind, doc.id))

    def spelled_like(self, query: str) -> Place | None:
        """The content whose title or keywords hold a word spelled like one of the query's."""
        vocabulary = sorted(self.words)
        for w in words_of(query):
            close = difflib.get_close_matches(w, vocabulary, n=1, cutoff=0.8)
            if close:
                return self.place(*self.words[close[0]], ("keywords",))
        return None

    def place(self, kind: str, id_: str, field_: tuple | None = None) -> Place | None:
        doc = self.docs.get((DOC_KIND.get(kind, kind), id_))
        if doc is None:
            return None
        owner, _ = owner_of(doc)
        where = field_ if field_ and doc.get(field_) is not None else TITLE_FIELD[doc.kind]
        line, _col = doc.pos(where)
        return Place(doc.kind, doc.id, str(doc.get(TITLE_FIELD[doc.kind]) or doc.id), owner or NO_OWNER,
                     doc.path, line)


def _stem(word: str) -> str:
    for end in ("ies", "es", "s"):
        if len(word) > len(end) + 3 and word.endswith(end):
            return word[: -len(end)] + ("y" if end == "ies" else "")
    return word


def words_of(query: str) -> tuple[str, ...]:
    """A query's significant words, folded and roughly singular ('Potholes!' -> ('pothole',))."""
    return tuple(sorted({_stem(w) for w in fold(query).split() if len(w) > 2 and not w.isdigit()}))


def group_similar(queries: list[str]) -> list[list[str]]:
    """Queries grouped by their words: a query joins the first group sharing at least half of
    its words (of the larger word set). Groups are in order of size."""
    groups: list[tuple[set, list[str]]] = []
    for q in queries:
        words = set(words_of(q)) or {fold(q)}
        for gwords, members in groups:
            if len(words & gwords) * 2 >= max(len(words), len(gwords)):
                members.append(q)
                gwords |= words
                break
        else:
            groups.append((set(words), [q]))
    return sorted((m for _, m in groups), key=lambda m: (-len(m), fold(m[0])))


@dataclass
class Department:
    id: str
    name: str
    not_found: list[dict] = field(default_factory=list)
    not_opened: list[dict] = field(default_factory=list)
    nothing_fits: list[dict] = field(default_factory=list)
    unhelpful: list[dict] = field(default_factory=list)
    wrong: list[dict] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.not_found or self.not_opened or self.nothing_fits or self.unhelpful or self.wrong)

    def as_dict(self) -> dict:
        return {"department": self.id or None, "name": self.name, "searches_found_nothing": self.not_found,
                "searches_not_opened": self.not_opened, "nothing_fits": self.nothing_fits,
                "unhelpful_pages": self.unhelpful, "wrong_or_out_of_date": self.wrong}


def _nearest(content: Content, search: Search, query: str, lang: str, audience: str) -> Place | None:
    """The content a query comes nearest to: the search's first result, else a title or keyword
    spelled like one of its words (a misspelling the search does not forgive)."""
    for hit in search(query, lang, audience)[:1]:
        return content.place(hit["kind"], hit["id"], ("keywords",))
    return content.spelled_like(query)


def _search_groups(items: list[tuple[dict, str]], content: Content, search: Search,
                   with_notes: bool = False) -> dict[str, list[dict]]:
    """Searches (event, audience) grouped by similar words, then by the owner of the content the
    group's most frequent query comes nearest to, else the content its notes (what an agent says
    the caller wanted) come nearest to (NO_OWNER: none)."""
    by_query: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for event, audience in items:
        by_query[(event["query"].strip(), event["lang"], audience)].append(event)
    out: dict[str, list[dict]] = defaultdict(list)
    for (lang, audience), keys in _by(list(by_query), lambda k: (k[1], k[2])).items():
        counts = Counter({k[0]: len(by_query[k]) for k in keys})
        for members in group_similar(sorted(counts, key=lambda q: (-counts[q], q))):
            top = max(members, key=lambda q: (counts[q], q))
            place = _nearest(content, search, top, lang, audience)
            notes = [e["note"] for q in members for e in by_query[(q, lang, audience)] if e.get("note")]
            for note in dict.fromkeys(notes) if place is None else ():  # what the caller wanted
                place = _nearest(content, search, note, lang, audience)
                if place:
                    break
            entry = {"words": " ".join(words_of(top)) or fold(top), "lang": lang, "audience": audience,
                     "count": sum(counts[q] for q in members),
                     "queries": [{"query": q, "count": counts[q]} for q in members],
                     "nearest": place.as_dict() if place else None}
            if with_notes:
                entry["notes"] = same_notes([{"lang": lang, "note": n} for n in notes])
            out[place.owner if place else NO_OWNER].append(entry)
    for entries in out.values():
        entries.sort(key=lambda e: (-e["count"], e["words"]))
    return out


def same_notes(notes: list[dict]) -> list[dict]:
    """Notes ({lang, note}) with the same words (spaces and case aside) once, with how many times
    they came, most frequent first."""
    counts: Counter = Counter()
    first: dict[tuple[str, str], dict] = {}
    for n in notes:
        key = (n["lang"], " ".join(n["note"].split()).casefold())
        counts[key] += 1
        first.setdefault(key, n)
    return [{**first[k], "count": counts[k]} for k in sorted(counts, key=lambda k: (-counts[k], k))]


def _by(items: list, key) -> dict:
    out: dict = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return dict(sorted(out.items()))


def _pages(events: list[dict], content: Content) -> dict[str, list[dict]]:
    """Votes or reports on pages, per page, per owner: counts and notes."""
    out: dict[str, list[dict]] = defaultdict(list)
    for (kind, id_), evs in _by(events, lambda e: (e["page"]["kind"], e["page"]["id"])).items():
        place = content.place(kind, id_)
        entry = {"page": {"kind": kind, "id": id_}, "count": len(evs),
                 "notes": same_notes([{"lang": e["lang"], "note": e["note"]} for e in evs if e.get("note")])}
        if evs[0]["type"] == "vote":
            entry["helpful_yes"] = sum(1 for e in evs if e["helpful"])
            entry["helpful_no"] = entry["count"] - entry["helpful_yes"]
            if not entry["helpful_no"]:
                continue
        entry.update(place.as_dict() if place else {"file": None, "line": None, "title": id_})
        out[place.owner if place else NO_OWNER].append(entry)
    for entries in out.values():
        entries.sort(key=lambda e: (-e.get("helpful_no", e["count"]), e["page"]["id"]))
    return out


def unknown_words(searches: list[tuple[dict, str]], search: Search,
                  thesaurus_for: Callable[[str], Thesaurus]) -> list[dict]:
    """Words of the logged queries that find nothing on their own and are no thesaurus term."""
    counts: Counter = Counter()
    examples: dict[tuple[str, str], str] = {}
    audiences: dict[tuple[str, str], str] = {}
    for event, audience in searches:
        for w in set(fold(event["query"]).split()):
            if len(w) > 2 and not w.isdigit():
                counts[(w, event["lang"])] += 1
                examples.setdefault((w, event["lang"]), event["query"])
                audiences.setdefault((w, event["lang"]), audience)
    out = []
    for (word, lang), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if search(word, lang, audiences[(word, lang)]):
            continue
        if _in_thesaurus(thesaurus_for(lang), word):
            continue
        out.append({"word": word, "lang": lang, "count": n, "example": examples[(word, lang)]})
    return out


def _in_thesaurus(thes: Thesaurus, word: str) -> bool:
    terms = {w for group in thes.groups for t in group for w in t.split()}
    terms |= {w for k, ts in thes.broader.items() for t in (k, *ts) for w in t.split()}
    return word in terms


def recall(opened: list[tuple[dict, str]], search: Search) -> dict:
    """On the searches whose result was opened: is the opened result the first, in the first
    five, and the mean reciprocal rank, by today's search (the same as kb search)."""
    n = at1 = at5 = 0
    rr = 0.0
    for event, audience in opened:
        want = (DOC_KIND[event["opened"]["kind"]], event["opened"]["id"])
        results = search(event["query"], event["lang"], audience)
        rank = next((i for i, r in enumerate(results, 1) if (DOC_KIND.get(r["kind"], r["kind"]), r["id"]) == want), None)
        n += 1
        at1 += rank == 1
        at5 += rank is not None and rank <= 5
        rr += 1.0 / rank if rank else 0.0
    if not n:
        return {"searches": 0, "recall_at_1": None, "recall_at_5": None, "mrr": None}
    return {"searches": n, "recall_at_1": round(at1 / n, 3), "recall_at_5": round(at5 / n, 3),
            "mrr": round(rr / n, 3)}


def build(events: list[tuple[str, str, dict]], tree: Tree, search: Search,
          thesaurus_for: Callable[[str], Thesaurus], owner: str | None = None) -> dict:
    """The report of (day, audience, event) rows: a dict the formats print."""
    content = Content(tree)
    searches = [(e, a) for _, a, e in events if e["type"] == "search"]
    found_nothing = [(e, a) for e, a in searches if e["results"] == 0]
    not_opened = [(e, a) for e, a in searches if e["results"] > 0 and e["opened"] is None]
    reports = [e for _, a, e in events if e["type"] == "report"]
    parts = {
        "not_found": _search_groups(found_nothing, content, search),
        "not_opened": _search_groups(not_opened, content, search),
        "nothing_fits": _search_groups([(e, "agent") for e in reports if e["report"] == "nothing_fits"],
                                       content, search, with_notes=True),
        "unhelpful": _pages([e for _, a, e in events if e["type"] == "vote"], content),
        "wrong": _pages([e for e in reports if e["report"] == "wrong"], content),
    }
    owners = sorted({o for part in parts.values() for o in part})
    departments = []
    for dept in owners:
        if owner is not None and dept != owner:
            continue
        d = Department(dept, content.names.get(dept, dept) if dept else "")
        for name, part in parts.items():
            setattr(d, name, part.get(dept, []))
        if not d.empty():
            departments.append(d.as_dict())
    departments.sort(key=lambda d: (d["department"] is None, d["department"] or ""))
    return {
        "events": len(events),
        "searches": len(searches),
        "departments": departments,
        "unknown_words": unknown_words(found_nothing + not_opened, search, thesaurus_for)
        if owner is None else [],
        "recall": recall([(e, a) for e, a in searches if e["opened"]], search),
    }
