"""The JSON Schemas of the search index's files, published under ``api/v2/schema/``.

``search.schema.json`` is the head (``api/v2/<lang>/search.json``); ``search-postings.schema.json``
and ``search-docs.schema.json`` are its shards (``api/v2/<lang>/search/p-*.json``, ``d-*.json``),
as ``shards.split`` writes them.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.search.index import FORMAT_VERSION

_DRAFT = "https://json-schema.org/draft/2020-12/schema"

_TABLE = {
    "type": "object", "required": ["count", "first", "files"], "additionalProperties": False,
    "properties": {
        "count": {"type": "integer", "minimum": 0, "description": "How many there are in all."},
        "first": {"type": "array", "items": {"type": "integer", "minimum": 0},
                  "description": "The first (form or document) index of each shard, ascending."},
        "files": {"type": "array",
                  "items": {"type": "string", "pattern": "^search/[a-z]-[0-9a-f]+\\.json$"},
                  "description": "Beside first: each shard's file, relative to the head's folder. "
                                 "The name is a hash of the content: it changes when the "
                                 "content does."},
    },
}

HEAD = {
    "$schema": _DRAFT,
    "title": "Search index (version 2): the head",
    "description": "kb's search index of one language and audience, api/v2/<lang>/search.json: "
                   "what finds the words a query matches (the content's words, their stems, stop "
                   "words, the thesaurus, the ranking's factors), who handles the results, and "
                   "the table of the shards that hold the postings and the documents "
                   "(docs/search.md describes the ranking).",
    "type": "object",
    "required": ["version", "lang", "audience", "query", "stop", "thesaurus", "handlers", "forms",
                 "stems", "aliases", "unnamed", "places", "shards"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": FORMAT_VERSION},
        "lang": {"type": "string"},
        "audience": {"enum": ["public", "agent"]},
        "query": {"type": "object", "description": "The ranking's factors.",
                  "additionalProperties": {"type": "number"}},
        "stop": {"type": "array", "items": {"type": "string"},
                 "description": "Stop words, folded: not searched for."},
        "places": {"type": "object", "required": ["prepositions", "possessives", "words"],
                   "additionalProperties": False,
                   "properties": {k: {"type": "array", "items": {"type": "string"}}
                                  for k in ("prepositions", "possessives", "words")},
                   "description": "A word of words after one of possessives after one of "
                                  "prepositions ('on my street') says where, not what: it "
                                  "weighs query.place. Folded."},
        "thesaurus": {
            "type": "object", "required": ["synonyms", "broader"],
            "properties": {
                "synonyms": {"type": "array",
                             "items": {"type": "array", "items": {"type": "string"}}},
                "broader": {"type": "object",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
        },
        "handlers": {
            "type": "array",
            "items": {
                "type": "object", "required": ["id", "name", "kind", "phone", "url"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "kind": {"enum": ["city", "partner"]},
                    "phone": {"type": "string", "description": "Empty when none is published."},
                    "url": {"type": "string", "description": "Relative to the site's root."},
                    "transfer": {"type": "string", "description": "Agent site only: the line "
                                 "a call is transferred to."},
                },
            },
        },
        "forms": {"type": "array", "items": {"type": "string"},
                  "description": "The content's words, folded, sorted by code point."},
        "aliases": {"type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "integer"}},
                    "description": "Words of the thesaurus that the content has only in other "
                                   "forms, each with those forms (indexes): they match as the "
                                   "forms of its stem."},
        "stems": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}},
                  "description": "Groups of forms (indexes) with the same stem."},
        "unnamed": {"type": "array", "items": {"type": "integer", "minimum": 0},
                    "description": "The documents (indexes) that have no names: departments, "
                                   "and those whose names have only stop words and generic "
                                   "words such as 'request'. (A service's or answer's names are "
                                   "its title and its keywords; the postings shards' in_names.)"},
        "shards": {
            "type": "object", "required": ["postings", "docs"], "additionalProperties": False,
            "properties": {"postings": {**_TABLE, "description": "Shards of postings, by form."},
                           "docs": {**_TABLE, "description": "Shards of documents."}},
        },
    },
}

POSTINGS = {
    "$schema": _DRAFT,
    "title": "Search index (version 2): a shard of postings",
    "description": "The documents that a run of the head's forms are in, with the form's weight "
                   "there (BM25 x100, rounded).",
    "type": "object", "required": ["first", "postings", "in_names"], "additionalProperties": False,
    "properties": {
        "first": {"type": "integer", "minimum": 0,
                  "description": "The index in the head's forms of the first form of the shard."},
        "postings": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}},
                     "description": "One list per form from first on: [gap, weight, gap, weight, "
                                    "...], where a gap is the document's index minus the "
                                    "previous document's (the first: minus 0)."},
        "in_names": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}},
                     "description": "Beside postings, one list per form: the names it is in, "
                                    "[gap, name, per cent, gap, name, per cent, ...], where "
                                    "a gap is the document's index minus the previous entry's "
                                    "(0 for another name of the same document), name the "
                                    "document's j-th (its title, then its keywords, without "
                                    "those of stop and generic words only), and per cent the "
                                    "share of that name the form is: each of its words weighs "
                                    "log(1 + documents with names / documents it is in a name "
                                    "of)."},
    },
}

DOCS = {
    "$schema": _DRAFT,
    "title": "Search index (version 2): a shard of documents",
    "description": "What a result shows of a run of documents (services, answers, departments).",
    "type": "object", "required": ["first", "docs"], "additionalProperties": False,
    "properties": {
        "first": {"type": "integer", "minimum": 0,
                  "description": "The index of the shard's first document."},
        "docs": {
            "type": "array",
            "items": {
                "type": "object", "required": ["kind", "id", "title", "summary", "url", "by"],
                "additionalProperties": False,
                "properties": {
                    "kind": {"enum": ["service", "article", "department"]},
                    "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                    "title": {"type": "string"},
                    "summary": {"type": "string"},
                    "url": {"type": "string", "description": "Relative to the site's root."},
                    "by": {"type": ["integer", "null"],
                           "description": "Index in the head's handlers."},
                },
            },
        },
    },
}

FILES = {"search.schema.json": HEAD, "search-postings.schema.json": POSTINGS,
         "search-docs.schema.json": DOCS}


def write_schema(stage: Path) -> None:
    folder = stage / "api" / "v2" / "schema"
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in FILES.items():
        (folder / name).write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
