"""The search index of one language and audience: ``api/v2/<lang>/search.json`` and its shards.

The index holds everything a front end needs to rank and to show a result (docs/search.md).
``build`` makes it whole, as one dict; ``shards`` writes it as a head and shards fetched on demand
(their schemas are in ``schema``):

* ``docs``: per service, answer and department its kind, id, title, one-line summary, address and
  who handles it (``by``: an index into ``handlers``, the department or partner with its phone;
  on the agent site also its transfer line).
* ``forms``: every word of the content, folded (``words.words``), and ``postings``, beside it:
  the documents each word is in, with its weight there (BM25 over the fields title, keywords
  (departments: their jurisdiction), summary and body, times the field's boost, x100, rounded).
* ``stems``: the groups of forms that share a Snowball stem ("pothole", "potholes"), so that no
  front end needs a stemmer: a word typed is looked up among the forms, and its stem's other
  forms count a little less.
* ``stop``, ``thesaurus`` (shipped + the city's, folded) and ``query``: the factors of the
  ranking, so that every front end (``rank.py``, ``rank.js``) reads them from the same place.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from pathlib import Path

from generator.formats.search_index import documents
from generator.pipeline import thesaurus
from generator.pipeline.model import Site
from generator.search import shards
from generator.search import words as language

FORMAT_VERSION = 2

FIELDS = {"title": 3.0, "keywords": 3.0, "summary": 2.0, "body": 1.0}
KIND_BOOST = {"service": 1.0, "article": 1.0, "department": 1.0}
K1, B = 1.2, 0.75

# The ranking's factors (rank.py, rank.js read them from the index): how much a match of each
# sort counts against a word typed exactly.
QUERY = {
    "exact": 1.0,      # the word itself
    "stem": 0.7,       # another form of its stem ("potholes" for "pothole")
    "prefix": 0.4,     # a longer word it begins ("parking" for "park"): below the whole word
    "edit1": 0.5,      # one edit away (a typo), for words of 4 letters or more
    "edit2": 0.25,     # two edits away, for words of 7 letters or more
    "split": 0.9,      # a word the content writes as two ("streetlight": street light)
    "join": 1.0,       # two words the content writes as one ("street light": streetlight)
    "floor": 0.1,      # results scoring under this share of the first's are left out
    "prefix_min": 3, "edit1_min": 4, "edit2_min": 7, "split_min": 6, "split_part_min": 3,
    "synonym": thesaurus.SYNONYM_WEIGHT,   # a synonym's words, against 1 for the words typed
    "broader": thesaurus.BROADER_WEIGHT,   # a broader term's words
    "related": thesaurus.RELATED_WEIGHT,   # a broader term's synonyms' words
    # the same, when the words typed are a phrase of several words or a word the content never
    # uses (then the thesaurus' reading is all there is to go on)
    "sure_synonym": 1.0, "sure_broader": 0.9,
    # a broader term of several words ("animal control") in a document with only some of them
    # ("General animal help"): that share of what its words count
    "broader_part": 0.4,
    # a document's names (a service's or answer's title and each of its keywords): the score is
    # kept at this share, and the rest in the share of its best-matched name that the query's
    # words (and their expansions) match ("Standing Water" half, "Water Related Issues" all, for
    # "brown water from my tap"); the words of a name are its content words but the generic ones,
    # each weighing what it tells apart (``_names``)
    "name": 0.2,
    # a place word where it says where, not what ("on my street": ``words.PLACES``)
    "place": 0.3,
}

# a document's names that count (a service's title and its first keywords; rank.js keys a
# document's name as document x 32 + name)
MAX_NAMES = 30


def build(site: Site, lang: str) -> dict:
    """The index of one (translated) site model in one language."""
    stem = language.stemmer(lang)
    docs = documents(site, lang)
    field_words = [{f: language.words(d[f]) for f in FIELDS} for d in docs]
    forms: dict[str, int] = {}
    for fw in field_words:
        for f in FIELDS:
            for w in fw[f]:
                forms.setdefault(w, 0)
    form_list = sorted(forms)
    for i, w in enumerate(form_list):
        forms[w] = i
    averages = {f: (sum(len(fw[f]) for fw in field_words) / len(docs) if docs else 0) or 1
                for f in FIELDS}
    frequencies = [{f: Counter(fw[f]) for f in FIELDS} for fw in field_words]
    df: Counter = Counter()
    for freq in frequencies:
        df.update({w for f in FIELDS for w in freq[f]})
    n = len(docs)
    postings: list[list[int]] = [[] for _ in form_list]
    for d, (doc, freq) in enumerate(zip(docs, frequencies)):
        scores: dict[str, float] = defaultdict(float)
        for f, boost in FIELDS.items():
            norm = 1 - B + B * (len(field_words[d][f]) / averages[f])
            for w, tf in freq[f].items():
                idf = math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5))
                scores[w] += boost * idf * ((K1 + 1) * tf) / (K1 * norm + tf)
        for w, score in sorted(scores.items(), key=lambda kv: forms[kv[0]]):
            weight = round(score * KIND_BOOST[doc["kind"]] * 100)
            if weight > 0:
                postings[forms[w]] += [d, weight]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, w in enumerate(form_list):
        groups[stem(w)].append(i)
    handlers, by = _handlers(site, lang)
    unnamed, in_names = _names(docs, forms, lang)
    words = thesaurus.shipped(lang)
    city = site.words.get(lang) if isinstance(site.words, dict) else None
    if isinstance(city, dict):
        words.add(city.get("synonyms") or [], city.get("broader") or {})
    return {
        "version": FORMAT_VERSION,
        "lang": lang,
        "audience": site.audience,
        "query": QUERY,
        "stop": list(language.stop_words(lang)),
        "places": language.places(lang),
        "thesaurus": {"synonyms": [list(g) for g in words.groups],
                      "broader": {k: list(v) for k, v in sorted(words.broader.items())}},
        "handlers": handlers,
        "docs": [_doc(doc, by(doc)) for doc in docs],
        "forms": form_list,
        "stems": [g for _, g in sorted(groups.items()) if len(g) > 1],
        "aliases": _aliases(words, forms, groups, stem),
        "postings": postings,
        "unnamed": unnamed,
        "in_names": in_names,
    }


def _names(docs: list[dict], forms: dict[str, int], lang: str) -> tuple[list, list]:
    """(unnamed, in_names): the documents without names (departments, and names of stop and
    generic words only); per form, the names it is in: [document, name, per cent, ...], where
    name is the document's j-th and per cent the share of that name the form is. A name's words
    are its content words but stop words and ``words.GENERIC``; each weighs the more, the fewer
    documents have it in a name (log(1 + documents with names / documents it is in a name of)),
    so that a word most names share, such as a department's code before each name of an
    imported list, is a small share of each."""
    skip = set(language.stop_words(lang)) | language.generic_words(lang)
    kept_names: list[list[list[int]]] = []
    df: Counter = Counter()
    for doc in docs:
        kept: list[list[int]] = []
        for name in doc["names"]:
            ids = sorted({forms[w] for w in language.words(name) if w in forms and w not in skip})
            if ids and len(kept) < MAX_NAMES:
                kept.append(ids)
        kept_names.append(kept)
        df.update({i for ids in kept for i in ids})
    named = sum(1 for kept in kept_names if kept)
    weight = {i: math.log(1 + named / n) for i, n in df.items()}
    in_names: list[list[int]] = [[] for _ in forms]
    for d, kept in enumerate(kept_names):
        for j, ids in enumerate(kept):
            total = sum(weight[i] for i in ids)
            for i in ids:
                in_names[i] += [d, j, round(100 * weight[i] / total)]
    return [d for d, kept in enumerate(kept_names) if not kept], in_names


def _aliases(words: thesaurus.Thesaurus, forms: dict[str, int], groups: dict[str, list[int]],
             stem) -> dict[str, list[int]]:
    """The thesaurus' words that the content writes in another form ("building" where a
    service says "Buildings"), each with the forms of its stem: no front end has a stemmer."""
    return {w: groups[stem(w)] for w in sorted(words.words())
            if w not in forms and stem(w) in groups}


def _doc(doc: dict, by: int | None) -> dict:
    return {"kind": doc["kind"], "id": doc["id"], "title": doc["title"],
            "summary": doc["summary"], "url": doc["url"], "by": by}


def _handlers(site: Site, lang: str):
    """(handlers, by): the departments and partners that handle something, and a function giving
    a document's handler (its department; an answer's first service's; a department itself)."""
    handlers: list[dict] = []
    position: dict[str, int] = {}
    for dept in site.departments.values():
        entry = {"id": dept.id, "name": str(dept.name), "kind": dept.kind,
                 "phone": dept.phone or "", "url": f"{lang}/departments/{dept.id}/"}
        if site.audience == "agent" and dept.agent and dept.agent.transfer_line:
            entry["transfer"] = dept.agent.transfer_line
        position[dept.id] = len(handlers)
        handlers.append(entry)

    def by(doc: dict) -> int | None:
        if doc["kind"] == "department":
            return position.get(doc["id"])
        if doc["kind"] == "service":
            return position.get(site.services[doc["id"]].department)
        for sid in site.articles[doc["id"]].services:
            if sid in site.services:
                return position.get(site.services[sid].department)
        return None

    return handlers, by


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write_language(site: Site, lang: str, stage: Path) -> list[Path]:
    """api/v2/<lang>/search.json (the head) and its shards beside it (``shards``)."""
    target = stage / "api" / "v2" / lang / "search.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    return shards.write(build(site, lang), target)
