"""Search: the prebuilt lunr index per language, ``api/v1/<lang>/search-index.json``.

Per language and audience, a lunr index made here with lunr.py (it loads in lunr.js 2.3.9) plus
the documents needed to show a result (id, kind, title, url, summary), for other tools: a
chatbot, an IVR or a mobile app. (The sites and ``kb search`` rank with kb's own index,
``api/v2``, generator/search/.)

Stemming without downloads: lunr.py's ``languages=`` calls ``nltk.download``, which cannot work
offline. Here a non-English pipeline is the Snowball stemmer from ``snowballstemmer`` registered
under the lunr-languages name (``stemmer-es``), with lunr-languages' own stop words and word
characters read from the copy Material ships, so lunr.js with ``lunr.<lang>.js`` loaded reads the
index and stems queries the same way.

Queries (the same recipe in Python here, in ``kb-query.js`` for the browser and for lunr.js):
every word goes through the index's search pipeline (trimmer, stop words, stemmer); its stem is
looked up exactly, as a prefix (a partial word) and at edit distance 1 (a misspelling), with
falling boosts.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from lunr.builder import Builder
from lunr.field_ref import FieldRef
from lunr.idf import idf as lunr_idf
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.query import Query
from lunr.stemmer import porter_stemmer as porter
from lunr.stop_word_filter import generate_stop_word_filter, stop_word_filter
from lunr.token import Token
from lunr.trimmer import trimmer as en_trimmer
from lunr.vector import Vector

from generator.engine.material import lunr_language_file
from generator.pipeline.model import Site

FORMAT_VERSION = 1

# Field boosts of the prebuilt index, chosen with bench/search_quality.py --engine kb.
KB_FIELDS = {"title": 3, "keywords": 3, "summary": 2, "body": 1}
KIND_BOOST = {"service": 1.0, "article": 1.0, "department": 0.5}

# Query recipe: clause boosts for an exact stem, a prefix of it and a near miss of it.
EXACT_BOOST, PREFIX_BOOST, FUZZY_BOOST = 10, 2, 1
PREFIX_MIN, FUZZY_MIN = 2, 4  # shortest stems that get a prefix / fuzzy clause

# lunr-languages stemmers that are Snowball's algorithm (Arabic's, for one, is not): for these a
# Python Snowball stemmer gives the stems lunr.js gives.
SNOWBALL = {"da": "danish", "de": "german", "du": "dutch", "es": "spanish", "fi": "finnish",
            "fr": "french", "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian",
            "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish"}

SEPARATOR = re.compile(r"[\s\-]+")


# --- language pipelines -------------------------------------------------------------------------

@lru_cache(maxsize=None)
def pipeline_functions(lang: str) -> list:
    """[trimmer, stop word filter, stemmer] for a language, registered under lunr.js' names.

    A language without a Snowball stemmer in lunr-languages gets the English trimmer only: no
    stemming and no stop words of another language.
    """
    _quiet_registration()  # lunr.py logs a warning when a name is registered again
    if lang == "en":
        stem = lru_cache(maxsize=None)(porter.stem)  # a catalog repeats its words many times

        def english(token, i=None, tokens=None):
            return token.update(lambda s, metadata=None: stem(s))

        Pipeline.register_function(english, "stemmer")  # lunr.js' name for the Porter stemmer
        return [en_trimmer, stop_word_filter, english]
    if lang not in SNOWBALL:
        return [en_trimmer]
    import snowballstemmer

    source = lunr_language_file(lang) or ""
    chars = re.search(r'wordCharacters="([^"]*)"', source)
    words = re.search(r'generateStopWordFilter\("([^"]*)"\.split\(" "\)\)', source)
    word_chars = chars.group(1) if chars else r"\w"
    full_re = re.compile(r"^[^{0}]*?([{0}]+)[^{0}]*?$".format(word_chars))

    @lru_cache(maxsize=None)
    def trim(s: str) -> str:
        m = full_re.match(s)
        return m.group(1) if m else s

    def trimmer(token, i=None, tokens=None):
        return token.update(lambda s, metadata=None: trim(s))

    algorithm = lru_cache(maxsize=None)(snowballstemmer.stemmer(SNOWBALL[lang]).stemWord)

    def stemmer(token, i=None, tokens=None):
        return token.update(lambda s, metadata=None: algorithm(s))

    Pipeline.register_function(trimmer, f"trimmer-{lang}")
    Pipeline.register_function(stemmer, f"stemmer-{lang}")
    fns = [trimmer]
    if words:
        fns.append(generate_stop_word_filter(set(words.group(1).split(" ")), language=lang))
    fns.append(stemmer)
    return fns


def _quiet_registration() -> None:
    import logging
    logging.getLogger("lunr.pipeline").setLevel(logging.ERROR)


# --- documents ------------------------------------------------------------------------------------

_EXCLUDED = re.compile(r"<(\w+)[^>]*\bdata-search-exclude\b[^>]*>.*?</\1>", re.S)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_ATTRS = re.compile(r"\{:?[^}]*\}")
_ADMONITION = re.compile(r'^\s*(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+"([^"]*)")?\s*$', re.M)
_MARKS = re.compile(r"[*_`#>|~]+")


def plain(markdown: str | None) -> str:
    """Markdown to plain words (for indexing only: no markup survives)."""
    if not markdown:
        return ""
    text = _EXCLUDED.sub(" ", str(markdown))  # e.g. "not yet translated" notes
    text = _ADMONITION.sub(lambda m: m.group(1) or "", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _ATTRS.sub(" ", text)
    text = _MARKS.sub(" ", text)
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def documents(site: Site, lang: str) -> list[dict]:
    """One document per service, answer and department of a (translated) site model."""
    depts = site.departments
    docs = [_service_doc(svc, depts, site.audience, lang) for svc in site.services.values()]
    docs += [_article_doc(art, lang) for art in site.articles.values()]
    docs += [_department_doc(dept, site.audience, lang) for dept in depts.values()]
    return docs


def _service_doc(svc, depts, audience: str, lang: str) -> dict:
    body = [plain(svc.description)]
    body += [str(q.prompt) for q in svc.questions if q.variable]
    body += [str(v.name) for q in svc.questions for v in q.values]
    body += [plain(svc.fees), plain(svc.eligibility), str(svc.group)]
    if svc.department in depts:
        body.append(str(depts[svc.department].name))
    if audience == "agent" and svc.agent:
        body += [plain(svc.agent.script), plain(svc.agent.notes)]
    return {"ref": f"service:{svc.id}", "id": svc.id, "kind": "service",
            "title": str(svc.name), "url": f"{lang}/services/{svc.id}/",
            "summary": str(svc.summary),
            "keywords": " ; ".join(str(k) for k in svc.keywords),
            "names": [str(svc.name), *(str(k) for k in svc.keywords)],
            "body": " ".join(b for b in body if b)}


def _article_doc(art, lang: str) -> dict:
    body = [plain(art.body), _flow_words(art)]
    return {"ref": f"article:{art.id}", "id": art.id, "kind": "article",
            "title": str(art.title), "url": f"{lang}/answers/{art.id}/",
            "summary": str(art.summary or ""),
            "keywords": " ; ".join(str(k) for k in art.keywords),
            "names": [str(art.title), *(str(k) for k in art.keywords)],
            "body": " ".join(b for b in body if b)}


def _flow_words(art) -> str:
    words = []
    for step in art.flow.steps if art.flow else ():
        words += [str(step.ask or ""), str(step.outcome or "")]
        words += [str(o.label) for o in step.options]
    return " ".join(w for w in words if w)


def _department_doc(dept, audience: str, lang: str) -> dict:
    # on the agent site, its notes for agents count as a service's do ("a past theft goes to
    # the police non-emergency line")
    notes = dept.agent.notes if audience == "agent" and dept.agent else None
    return {"ref": f"department:{dept.id}", "id": dept.id, "kind": "department",
            "title": str(dept.name), "url": f"{lang}/departments/{dept.id}/",
            "summary": str(dept.description or ""),
            "keywords": " ; ".join(str(j) for j in dept.jurisdiction),
            # a department's name says who it is, not what a caller asks about: no names
            "names": [],
            "body": plain(notes) if notes else ""}


def build_index(site: Site, lang: str, fields: dict | None = None) -> dict:
    """The prebuilt index of one language: lunr index (lunr.js 2.3.9 format) and documents."""
    _quiet_registration()
    fields = fields or KB_FIELDS
    fns = pipeline_functions(lang)
    builder = _Builder()
    builder.pipeline.add(*fns)
    builder.search_pipeline.add(*fns)
    builder.ref("ref")
    for name, boost in fields.items():
        builder.field(name, boost=boost)
    docs = documents(site, lang)
    for doc in docs:
        builder.add(doc, attributes={"boost": KIND_BOOST.get(doc["kind"], 1.0)})
    index = builder.build()
    return {
        "version": FORMAT_VERSION,
        "lang": lang,
        "audience": site.audience,
        "lunr": "2.3.9",
        "docs": {d["ref"]: {k: d[k] for k in ("id", "kind", "title", "url", "summary")}
                 for d in docs},
        "index": index.serialize(),
    }


_WORD = re.compile(r"[^ \t\n\r\f\v\xa0-]+")  # lunr's Tokenizer splits on these characters


class _Builder(Builder):
    """lunr.py's Builder, quicker at adding documents and making the vectors (a language of 2,000
    services: 2.4 s instead of 4.3 s), for the same index (tests/test_search.py compares the two byte for byte).

    lunr's `add` makes a Token with its metadata for every word of every field and runs every
    word through the pipeline; here a word's terms are worked out once per field and kept. That
    holds for pipeline functions that look at one token at a time and no metadata, as lunr's own
    and kb's do, and only when no metadata is kept in the index (the default)."""

    def __init__(self) -> None:
        super().__init__()
        self._terms: dict[tuple[str, str], list[str]] = {}

    def add(self, doc, attributes=None):
        if self.metadata_whitelist:
            return super().add(doc, attributes)
        doc_ref = str(doc[self._ref])
        self._documents[doc_ref] = attributes or {}
        self.document_count += 1
        for field_name, field in self._fields.items():
            value = doc[field_name] if field.extractor is None else field.extractor(doc)
            terms = self._field_terms(value, field_name)
            field_ref = str(FieldRef(doc_ref, field_name))
            counts = Counter(terms)  # in the order of first use, as lunr's
            self.field_term_frequencies[field_ref] = counts
            self.field_lengths[field_ref] = len(terms)
            for term in counts:
                posting = self.inverted_index.get(term)
                if posting is None:
                    posting = {name: {} for name in self._fields}
                    posting["_index"] = self.term_index
                    self.term_index += 1
                    self.inverted_index[term] = posting
                if doc_ref not in posting[field_name]:
                    posting[field_name][doc_ref] = defaultdict(list)

    def _field_terms(self, value, field_name: str) -> list[str]:
        if value is None:
            return []
        if isinstance(value, (list, tuple)):
            words = [str(v).lower() for v in value]
        else:
            words = _WORD.findall(str(value).lower())
        terms: list[str] = []
        memo = self._terms
        for word in words:
            key = (word, field_name)
            found = memo.get(key)
            if found is None:
                found = memo[key] = [str(t) for t in self.pipeline.run([Token(word, {})], field_name)]
            terms += found
        return terms

    def _create_field_vectors(self):
        field_vectors = {}
        idfs: dict[str, float] = {}
        k1, b, count = self._k1, self._b, self.document_count
        for field_ref, frequencies in self.field_term_frequencies.items():
            if not frequencies:  # an empty field (its average length may be 0)
                field_vectors[field_ref] = Vector()
                continue
            ref = FieldRef.from_string(field_ref)
            field_name = ref.field_name
            field_length = self.field_lengths[field_ref]
            field_boost = self._fields[field_name].boost
            doc_boost = self._documents[ref.doc_ref].get("boost", 1)
            norm = 1 - b + b * (field_length / self.average_field_length[field_name])
            scored = []
            for term, tf in frequencies.items():
                posting = self.inverted_index[term]
                idf = idfs.get(term)
                if idf is None:
                    idf = idfs[term] = lunr_idf(posting, count)
                score = idf * ((k1 + 1) * tf) / (k1 * norm + tf)
                score *= field_boost
                score *= doc_boost
                scored.append((posting["_index"], round(score, 3)))
            scored.sort()
            field_vectors[field_ref] = Vector([x for pair in scored for x in pair])
        self.field_vectors = field_vectors


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


# --- querying -------------------------------------------------------------------------------------

def query_terms(index: Index, text: str) -> list[str]:
    """The stems of a query's words after the index's search pipeline (stop words dropped)."""
    stems = []
    for word in SEPARATOR.split(text.lower()):
        word = word.strip("*+")
        if not word:
            continue
        for stem in index.pipeline.run_string(word):
            if stem and stem not in stems:
                stems.append(stem)
    return stems


def add_clauses(query: Query, stems: list[str]) -> None:
    for stem in stems:
        query.term(stem, use_pipeline=False, boost=EXACT_BOOST)
        if len(stem) >= PREFIX_MIN:
            query.term(stem, use_pipeline=False, boost=PREFIX_BOOST,
                       wildcard=Query.WILDCARD_TRAILING)
        if len(stem) >= FUZZY_MIN:
            query.term(stem, use_pipeline=False, boost=FUZZY_BOOST, edit_distance=1)


def search(data: dict, text: str, limit: int = 10) -> list[dict]:
    """Results of a query against a prebuilt index (as loaded from its JSON)."""
    pipeline_functions(data["lang"])  # registers the language's functions before loading
    index = _load(data["index"])
    stems = query_terms(index, text)
    if not stems:
        return []
    hits = index.query(callback=lambda q: add_clauses(q, stems))
    results = []
    for rank, hit in enumerate(hits[:limit], start=1):
        doc = data["docs"][hit["ref"]]
        results.append({"rank": rank, "id": doc["id"], "kind": doc["kind"], "title": doc["title"],
                        "url": doc["url"], "score": round(hit["score"], 4)})
    return results


_LOADED: dict[int, tuple[dict, Index]] = {}


def _load(serialized: dict) -> Index:
    """lunr.Index.load, remembered for the same (unchanged) serialized index object."""
    hit = _LOADED.get(id(serialized))
    if hit is None or hit[0] is not serialized:
        if len(_LOADED) > 8:
            _LOADED.clear()
        hit = _LOADED[id(serialized)] = (serialized, Index.load(serialized))
    return hit[1]


# --- the export step ------------------------------------------------------------------------------

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Prebuilt search index",
    "description": "A lunr.js 2.3.9 index (lunr.Index.load(data.index)) and the documents its "
                   "refs name. Non-English indexes need lunr-languages' lunr.stemmer.support.js "
                   "and lunr.<lang>.js loaded first (their pipeline names are lunr-languages').",
    "type": "object",
    "required": ["version", "lang", "audience", "lunr", "docs", "index"],
    "properties": {
        "version": {"const": FORMAT_VERSION},
        "lang": {"type": "string"},
        "audience": {"enum": ["public", "agent"]},
        "lunr": {"const": "2.3.9"},
        "docs": {
            "type": "object",
            "description": "By lunr ref, '<kind>:<id>'.",
            "additionalProperties": {
                "type": "object",
                "required": ["id", "kind", "title", "url", "summary"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                    "kind": {"enum": ["service", "article", "department"]},
                    "title": {"type": "string"},
                    "url": {"type": "string", "description": "Relative to the site's root."},
                    "summary": {"type": "string"},
                },
            },
        },
        "index": {"type": "object", "required": ["version", "fields", "fieldVectors",
                                                   "invertedIndex", "pipeline"]},
    },
}


def write_schema(stage: Path) -> None:
    schema_dir = stage / "api" / "v1" / "schema"
    schema_dir.mkdir(parents=True, exist_ok=True)
    (schema_dir / "search-index.schema.json").write_text(
        json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n", "utf-8")


def write_language(site: Site, lang: str, stage: Path) -> list[Path]:
    """api/v1/<lang>/search-index.json."""
    target = stage / "api" / "v1" / lang / "search-index.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dumps(build_index(site, lang)), "utf-8")
    return [target]
