"""The ranking: a query against an index (``index.build``'s JSON), in pure Python.

``generator/engine/theme/kb/search/rank.js`` does the same, step for step and in the same order
(so the scores are the same numbers): change both or neither. The steps:

1. Fold the query (case, accents, punctuation) into words. A place word that says where, not
   what ("on my street": ``words.PLACES``, the index's ``places``) weighs ``place``.
2. Expand them with the index's thesaurus (``pipeline.thesaurus.Thesaurus.expand``): the words
   typed weigh 1, a synonym's words 0.5, a broader term's 0.3 (1 and 0.9 when the words that
   brought them include one that is not a word of the content; a broader term's 0.9 also when
   a phrase of several words brought it); a broader term's synonyms and own broader terms weigh
   0.1 (0.9 for a word the content never uses). A phrase of the thesaurus is found whatever stop
   words the query puts in it, and with one more word of the query inside it. A broader term of
   several words ("animal control")
   also counts, at a share (``broader_part``), in a document that has only some of its words
   ("General animal help"). Stop words are dropped after the
   expansion (so that a phrase with one still expands). Two words typed that the content writes
   as one ("street light") count as that word too; a word typed that the content writes as two
   ("streetlight") counts as both.
3. Each word typed matches forms of the content: itself, the other forms of its stem, longer
   words it begins (a word being typed; they count less than the whole word), and, when it is
   not a word of the content, words one edit away (4 letters or more) or two (7 or more); a
   word of the thesaurus is spelled as meant: it matches no longer word and none a few edits
   away ("salt" is not a misspelt "sale"). An
   expansion's words match themselves and their stem's forms only. A word of the thesaurus that
   the content has only in other forms ("building", "Buildings") matches those forms as its
   stem's (the index's ``aliases``).
4. A document's score: for each query word, its best match in the document (the word's weight x
   the match's factor x the form's weight in the document), summed; then times the share of the
   words typed that it matched (half of the score is kept whatever the share): a word typed is
   matched by the units that stand for it (itself, its synonyms, the phrases it is part of),
   their weights added up to one word at most, so that a document with three synonyms of one
   word has matched that word, not three. Then times the share of the document's best-matched
   name (a service's or answer's title, or one of its keywords) whose words a word of the query
   or of its expansions matches, a word that a word typed only begins counting as much as a
   prefix does ("out" is a part of "outage"). ``name`` of the score is kept whatever the share; a
   department has no names: its name says who it is, not what is asked. "Standing Water" is
   half matched by "brown water from my tap", "Water Related Issues" all (``words.GENERIC``).
5. Highest score first; equal scores in the index's order; scores below a share of the first's
   (``floor``) are left out.
"""

from __future__ import annotations

from bisect import bisect_left

from generator.pipeline.thesaurus import Thesaurus, fold


class Engine:
    """A loaded index, ready to answer queries."""

    def __init__(self, data: dict):
        self.data = data
        self.q = data["query"]
        self.forms: list[str] = data["forms"]
        self.form_id = {w: i for i, w in enumerate(self.forms)}
        self.by_length: dict[int, list[int]] = {}  # forms by length, for the edits
        for i, w in enumerate(self.forms):
            self.by_length.setdefault(len(w), []).append(i)
        self.found: dict[tuple[str, bool], dict[int, float]] = {}  # matches, remembered
        self.stem_group: dict[int, list[int]] = {}
        for group in data["stems"]:
            for i in group:
                self.stem_group[i] = group
        self.aliases: dict[str, list[int]] = data.get("aliases") or {}
        self.stop = set(data["stop"])
        self.places = {k: set(v) for k, v in data["places"].items()}
        words = data["thesaurus"]
        self.thesaurus = Thesaurus(data["lang"], [tuple(g) for g in words["synonyms"]],
                                   {k: tuple(v) for k, v in words["broader"].items()},
                                   frozenset(self.stop))
        # the thesaurus' words: a word typed that is one of them is not a typo, nor being typed
        self.known = self.thesaurus.words()
        self.unnamed = set(data["unnamed"])
        self.in_names: list[list[int]] = data["in_names"]

    # --- 2. the query's words ---------------------------------------------------------------

    def units(self, text: str) -> list[tuple[tuple[str, ...], float, bool, bool, tuple[int, ...]]]:
        """(words, weight, typed, loose, origin) for a query: each word typed; words typed that
        the content writes as one; a word typed that it writes as two; the thesaurus' terms. A
        unit of several words matches a document only when each of its words does, unless it is
        loose (a broader term's: then some of its words count for a share). origin: the words
        typed (as indexes of the typed units, the first units) that the unit stands for."""
        q = self.q
        folded = fold(text)
        words = folded.split(" ") if folded else []
        out: dict[tuple[str, ...], list] = {}
        typed_at: dict[str, int] = {}

        def add(term: tuple[str, ...], weight: float, typed: bool, loose: bool = False,
                origin: tuple[str, ...] = ()) -> None:
            term = tuple(w for w in term if w not in self.stop)
            if not term:
                return
            if typed:
                typed_at.setdefault(term[0], len(typed_at))
            at = tuple(sorted({typed_at[w] for w in origin or term if w in typed_at}))
            if term not in out:
                out[term] = [weight, typed, loose, at]
            elif weight > out[term][0]:
                out[term][0] = weight
                out[term][2] = loose
                out[term][3] = at

        places = self.places
        where = {k for k in range(2, len(words)) if words[k] in places["words"]
                 and words[k - 1] in places["possessives"]
                 and words[k - 2] in places["prepositions"]}
        for k, w in enumerate(words):
            add((w,), q["place"] if k in where else 1.0, True)
        for i in range(len(words) - 1):
            joined = words[i] + words[i + 1]
            if joined in self.form_id:
                add((joined,), q["join"], False, False, (words[i], words[i + 1]))
        for w in words:
            if w in self.form_id or w in self.stop or len(w) < q["split_min"]:
                continue
            for cut in range(q["split_part_min"], len(w) - q["split_part_min"] + 1):
                if w[:cut] in self.form_id and w[cut:] in self.form_id:
                    add((w[:cut], w[cut:]), q["split"], False, False, (w,))
                    break
        for term, weight, start, end in self.thesaurus.expand(words):
            if weight < 1.0:
                broader, related = weight == q["broader"], weight == q["related"]
                unknown = any(w not in self.form_id and w not in self.stop
                              for w in words[start:end])  # stop words aside: "no heat" as "heat"
                if weight == q["synonym"] and unknown:
                    # words the content never uses ("coyote", "grafitti"): the thesaurus'
                    # reading is the best there is of what the caller meant
                    weight = q["sure_synonym"]
                elif weight == q["broader"] and (unknown or end - start > 1):
                    # ... and what a phrase is a case of ("hot car": an emergency)
                    weight = q["sure_broader"]
                elif related and unknown:  # a broader term's synonym, for a word the content lacks
                    weight = q["sure_broader"]
                add(tuple(term.split(" ")), weight, False, broader or related,
                    tuple(words[start:end]))
        return [(term, v[0], v[1], v[2], v[3]) for term, v in out.items()]

    # --- 3. the forms a word matches ----------------------------------------------------------

    def matches(self, word: str, typed: bool) -> dict[int, float]:
        """The forms a word matches, with their factors (remembered: typing repeats words)."""
        key = (word, typed)
        if key not in self.found:
            if len(self.found) > 500:
                self.found.clear()
            self.found[key] = self._matches(word, typed)
        return self.found[key]

    def _matches(self, word: str, typed: bool) -> dict[int, float]:
        q = self.q
        found: dict[int, float] = {}

        def put(i: int, factor: float) -> None:
            if factor > found.get(i, 0.0):
                found[i] = factor

        exact = self.form_id.get(word)
        if exact is not None:
            put(exact, q["exact"])
            for i in self.stem_group.get(exact, ()):
                put(i, q["stem"])
        for i in self.aliases.get(word, ()):  # the content has the word in other forms only
            put(i, q["stem"])
        if not typed or (exact is None and word in self.known):
            return found
        size = len(word)
        edits = 2 if size >= q["edit2_min"] else 1 if size >= q["edit1_min"] else 0
        if exact is not None or word in self.aliases:
            edits = 0
        if size < q["prefix_min"] and not edits:
            return found
        # Longer words it begins: the forms are sorted, so they are the run from where the word
        # would be. They are not matched by edits too (a prefix counts as a prefix).
        forms = self.forms
        start = end = bisect_left(forms, word)
        while size >= q["prefix_min"] and end < len(forms) and forms[end].startswith(word):
            if len(forms[end]) > size:
                put(end, q["prefix"])
            end += 1
        for length in range(size - edits, size + edits + 1) if edits else ():
            for i in self.by_length.get(length, ()):
                if start <= i < end:
                    continue
                d = distance(word, self.forms[i], edits)  # edits + 1 when farther
                if d == 1:
                    put(i, q["edit1"])
                elif d == 2 and edits == 2:  # (distance() says limit + 1 for "more")
                    put(i, q["edit2"])
        return found

    # --- 4. and 5. scores ---------------------------------------------------------------------

    def plan(self, text: str) -> list[tuple[tuple[str, ...], float, bool, list[dict[int, float]],
                                           bool, tuple[int, ...]]]:
        """(words, weight, typed, the forms each word matches, loose, origin) of a query's
        units: all that decides which postings the ranking reads (rank.js fetches their shards
        first)."""
        return [(term, weight, typed, [self.matches(w, typed) for w in term], loose, origin)
                for term, weight, typed, loose, origin in self.units(text)]

    def search(self, text: str, limit: int = 10) -> list[dict]:
        return [self.result(rank, doc, score)
                for rank, (score, doc) in enumerate(self.rank(self.plan(text), limit), start=1)]

    def rank(self, plan: list, limit: int) -> list[tuple[float, int]]:
        """(score, document) of the best `limit` documents, best first."""
        typed = sum(1 for unit in plan if unit[2])
        if not typed:
            return []
        scores: dict[int, float] = {}
        covered: dict[int, list[float]] = {}  # per document, how far each word typed is matched
        part = self.q["broader_part"]
        # how far each form counts in a name: all of it, but a longer word that a word typed
        # only begins (``prefix``: "out" is not "outage"); a typo is the word meant. As whole per
        # cents: the sums below are of whole numbers, the same in every front end.
        prefix = self.q["prefix"]
        factor: dict[int, int] = {}
        for unit in plan:
            for each in unit[3]:
                for i, f in each.items():
                    factor[i] = max(factor.get(i, 0), round(100 * prefix) if f == prefix else 100)
        # per (document, name), how much of it the forms matched are (per cent x factor), and
        # per document its best-matched name's (kept as the sums grow: they only grow)
        named: dict[tuple[int, int], int] = {}
        most: dict[int, int] = {}
        for i, f in factor.items():
            p = self.in_names[i]
            for k in range(0, len(p), 3):
                v = named[p[k], p[k + 1]] = named.get((p[k], p[k + 1]), 0) + p[k + 2] * f
                if v > most.get(p[k], 0):
                    most[p[k]] = v
        for term, weight, _, found, loose, origin in plan:
            # per document, the sum of the unit's words it has, and how many it has: a unit of
            # several words counts where all of them are, a loose one also where some are
            best, count = {}, {}
            for each in found:
                for doc, s in self.best(each, weight).items():
                    best[doc] = best.get(doc, 0.0) + s
                    count[doc] = count.get(doc, 0) + 1
            for doc, s in best.items():
                whole = count[doc] == len(term)
                if not whole and not loose:
                    continue
                scores[doc] = scores.get(doc, 0.0) + (1.0 if whole else part) * s / len(term)
                # it matches the words typed it stands for (up to one each: a word typed and
                # its synonyms are one word matched, not several)
                c = weight if whole else weight * part * count[doc] / len(term)
                mine = covered.setdefault(doc, [0.0] * typed)
                for at in origin:
                    mine[at] = min(1.0, mine[at] + c)
        final = []
        name = self.q["name"]
        for doc, s in scores.items():
            share = sum(covered[doc]) / typed
            named_share = 1.0 if doc in self.unnamed else min(10000, most.get(doc, 0)) / 10000
            final.append((s * (0.5 + 0.5 * share) * (name + (1 - name) * named_share), doc))
        final.sort(key=lambda pair: (-pair[0], pair[1]))
        if final:  # a result far below the first is noise, not a choice
            final = [pair for pair in final if pair[0] >= self.q["floor"] * final[0][0]]
        return final[:limit]

    def best(self, found: dict[int, float], weight: float) -> dict[int, float]:
        """Per document, the best score of a word's matches (`found`) in it."""
        postings = self.data["postings"]
        best: dict[int, float] = {}
        for i, factor in found.items():
            m = weight * factor
            p = postings[i]
            for k in range(0, len(p), 2):
                s = m * p[k + 1]
                if s > best.get(p[k], 0.0):
                    best[p[k]] = s
        return best

    def result(self, rank: int, doc: int, score: float) -> dict:
        d = self.data["docs"][doc]
        out = {"rank": rank, "id": d["id"], "kind": d["kind"], "title": d["title"],
               "summary": d["summary"], "url": d["url"], "score": score}
        if d["by"] is not None:
            out["handler"] = self.data["handlers"][d["by"]]
        return out


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two letters is one edit); limit + 1 when it
    is more than limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i]
        low = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur.append(v)
            low = min(low, v)
        if low > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)] if prev[len(b)] <= limit else limit + 1


_ENGINES: dict[int, tuple[dict, Engine]] = {}


def engine(data: dict) -> Engine:
    """The Engine of an index, remembered for the same (unchanged) index object."""
    hit = _ENGINES.get(id(data))
    if hit is None or hit[0] is not data:
        if len(_ENGINES) > 8:
            _ENGINES.clear()
        hit = _ENGINES[id(data)] = (data, Engine(data))
    return hit[1]


def search(data: dict, text: str, limit: int = 10) -> list[dict]:
    return engine(data).search(text, limit)
