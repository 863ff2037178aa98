"""The search index as files a front end fetches as it needs them: a head and shards.

``index.build`` makes the whole index of a language (one dict); ``split`` cuts it into

* the head, ``api/v2/<lang>/search.json``: everything that finds which forms a query matches
  (the factors, stop words, thesaurus, forms and stem groups) and the handlers, with the table
  of the shards (``shards``: for the postings and for the documents, the first form or document
  of each shard and its file);
* postings shards, ``search/p-<hash>.json`` beside the head: the postings of a range of forms
  (``first``, then one list per form: the gap from the previous document, the weight, ...) and
  the names they are in (``in_names``: the gap, which of the document's names, the per cent of
  it the form is, ...);
* document shards, ``search/d-<hash>.json``: the documents of a range (``first``, ``docs``), what
  a result shows (``rank.js`` fetches the rest of them in the background after a first answer).

A front end reads the head, then only the shards of the forms a query matches and of the
documents it shows (``rank.js``: ``kbSearch.open``). Each shard holds at most about
``POSTINGS_BYTES`` or ``DOCS_BYTES`` of JSON (a form whose postings are larger has a shard of its
own); a small catalog (``WHOLE_BYTES``) has one of each. A shard's name is the hash of its
content: a browser that kept an older shard cannot mix it with a newer head. ``join`` puts the whole index back
together from the files (``kb search`` ranks from it, in Python).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

POSTINGS_BYTES = 24_000
# larger: ten results are often ten documents far apart, and a letter typed waits for their shards
DOCS_BYTES = 96_000
WHOLE_BYTES = 128_000  # postings or documents of this size at most: one shard (a small catalog)
FOLDER = "search"


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _gaps(postings: list[int], step: int = 2) -> list[int]:
    """[doc, weight, ...] (or [doc, name, per cent, ...]: step 3) with each document as the gap
    from the previous one."""
    out, previous = list(postings), 0
    for k in range(0, len(postings), step):
        out[k] = postings[k] - previous
        previous = postings[k]
    return out


def _ungaps(gaps: list[int], step: int = 2) -> list[int]:
    out, doc = list(gaps), 0
    for k in range(0, len(gaps), step):
        doc += gaps[k]
        out[k] = doc
    return out


def _cut(items: list, limit: int, whole: int) -> list[int]:
    """The first item of each run of items whose JSON is about `limit` bytes at most; one run
    when all of them are `whole` bytes at most."""
    lengths = [len(_dumps(item).encode("utf-8")) + 1 for item in items]
    if sum(lengths) <= whole:
        return [0] if items else []
    starts, size = [], 0
    for i, length in enumerate(lengths):
        if not starts or size + length > limit:
            starts.append(i)
            size = 0
        size += length
    return starts


def split(data: dict, postings_bytes: int = POSTINGS_BYTES, docs_bytes: int = DOCS_BYTES,
          whole_bytes: int = WHOLE_BYTES) -> tuple[dict, dict[str, dict]]:
    """(head, {file name relative to the head's folder: shard}) of a whole index."""
    head = {k: v for k, v in data.items() if k not in ("docs", "postings", "in_names")}
    files: dict[str, dict] = {}
    table: dict[str, dict] = {}
    # a form's postings and the names it is in go together
    postings = [(_gaps(p), _gaps(n, 3)) for p, n in zip(data["postings"], data["in_names"])]
    parts = {  # letter, items, size, a run of items as a shard's content
        "postings": ("p", postings, postings_bytes,
                     lambda run: {"postings": [p for p, _ in run],
                                  "in_names": [n for _, n in run]}),
        "docs": ("d", data["docs"], docs_bytes, lambda run: {"docs": run}),
    }
    for key, (letter, items, limit, content) in parts.items():
        starts = _cut(items, limit, whole_bytes)
        names = []
        for n, first in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(items)
            shard = {"first": first, **content(items[first:end])}
            digest = hashlib.sha256(_dumps(shard).encode("utf-8")).hexdigest()[:12]
            names.append(f"{FOLDER}/{letter}-{digest}.json")
            files[names[-1]] = shard
        table[key] = {"count": len(items), "first": starts, "files": names}
    head["shards"] = table
    return head, files


def join(head: dict, shard: Callable[[str], dict]) -> dict:
    """The whole index (``index.build``'s dict) from a head and its shards (`shard` reads one
    by the name the head gives it)."""
    data = {k: v for k, v in head.items() if k != "shards"}
    data["docs"] = [doc for name in head["shards"]["docs"]["files"] for doc in shard(name)["docs"]]
    data["postings"], data["in_names"] = [], []
    for name in head["shards"]["postings"]["files"]:
        part = shard(name)
        data["postings"] += [_ungaps(p) for p in part["postings"]]
        data["in_names"] += [_ungaps(n, 3) for n in part["in_names"]]
    return data


def write(data: dict, head_path: Path, postings_bytes: int = POSTINGS_BYTES,
          docs_bytes: int = DOCS_BYTES, whole_bytes: int = WHOLE_BYTES) -> list[Path]:
    """The head at `head_path` and its shards in the folder beside it."""
    head, files = split(data, postings_bytes, docs_bytes, whole_bytes)
    folder = head_path.parent
    shutil.rmtree(folder / FOLDER, ignore_errors=True)  # no shard of an earlier index stays
    (folder / FOLDER).mkdir(parents=True)
    written = []
    for name, shard in files.items():
        (folder / name).write_text(_dumps(shard), "utf-8")
        written.append(folder / name)
    head_path.write_text(_dumps(head), "utf-8")
    return [head_path, *written]


def read(head_path: Path) -> dict:
    """The whole index from the files ``write`` wrote (an index without shards as it is)."""
    head = json.loads(head_path.read_text("utf-8"))
    if "shards" not in head:
        return head
    return join(head, lambda name: json.loads((head_path.parent / name).read_text("utf-8")))
