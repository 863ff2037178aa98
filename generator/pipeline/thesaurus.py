"""The civic thesaurus: the words residents use for city services, and query expansion with them.

kb ships one file per language (``generator/data/thesaurus/<lang>.yaml``); a city adds its own
words in ``catalog/thesaurus.yaml``, in the same format (docs/search.md):

    en:
      synonyms:                       # groups of terms that mean the same thing to a caller
        - [trash, garbage, rubbish]
      broader:                        # one way: a search for the word also finds these terms
        coyote: [wildlife, animal control]

Terms are compared folded (``fold``): lowercase, accents and punctuation ignored. ``check`` reports
a city file's problems with file and line; ``for_language`` merges the shipped and the city's
words; ``Thesaurus.expand`` turns a query's tokens into weighted terms for a search engine.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from generator.errors import WARNING, Problems
from generator.pipeline import schema
from generator.pipeline.load import Doc, LoadError, parse_yaml

# Starting weights for expanded terms (the query's own words weigh 1). Not tuned on any set.
SYNONYM_WEIGHT = 0.5
BROADER_WEIGHT = 0.3
# The synonyms of a broader term ("bulk collection" for "bulk pickup"), and its own broader terms
# (a rat is a case of rodent control, which is environmental health's): the other words a catalog
# may name that case by. Tuned on bench/queries' tuning sets (bench/RESULTS-search.md).
RELATED_WEIGHT = 0.1

_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")
_NOT_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """'Street-Lite’s  Ñandú' -> 'street lites nandu': lowercase, no accents (nor Arabic vowel
    marks), apostrophes dropped, other punctuation a space, spaces collapsed."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NOT_WORD.sub(" ", text).replace("_", " ").split())


@dataclass
class Thesaurus:
    """One language's words: synonym groups and one-way expansions, indexed by folded phrase."""

    lang: str
    groups: list[tuple[str, ...]] = field(default_factory=list)
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the language's stop words (folded), when phrases should match whatever stop words a caller
    # puts in them or leaves out ("can't pay my rent" is "can't pay rent")
    stop: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._index: dict[tuple[str, ...], list[int]] = {}
        self._loose: dict[tuple[str, ...], list[str]] = {}  # phrase without stop words -> terms
        self._longest = 1
        for i, group in enumerate(self.groups):
            for term in group:
                self._add(term, i)
        for word in self.broader:
            self._longest = max(self._longest, len(word.split()))
            self._add_loose(word)

    def _add(self, term: str, i: int) -> None:
        key = tuple(term.split())
        if i not in self._index.setdefault(key, []):
            self._index[key].append(i)
        self._longest = max(self._longest, len(key))
        self._add_loose(term)

    def _add_loose(self, term: str) -> None:
        """A phrase of two or more words besides its stop words is found without them too."""
        key = tuple(w for w in term.split() if w not in self.stop)
        if self.stop and len(key) > 1 and term not in self._loose.setdefault(key, []):
            self._loose[key].append(term)

    def words(self) -> set[str]:
        """Every word of its terms (a phrase's words one by one)."""
        out = {w for group in self.groups for term in group for w in term.split()}
        return out | {w for key, terms in self.broader.items() for term in (key, *terms)
                      for w in term.split()}

    def add(self, synonyms: list[list[str]], broader: dict[str, list[str]]) -> None:
        """More words (a city's): its groups are added, its expansions join the shipped ones."""
        for group in synonyms:
            terms = _unique(fold(t) for t in group)
            if len(terms) > 1:
                self.groups.append(tuple(terms))
                for term in terms:
                    self._add(term, len(self.groups) - 1)
        for word, terms in broader.items():
            key = fold(word)
            if key:
                self.broader[key] = tuple(_unique([*self.broader.get(key, ()), *map(fold, terms)]))
                self._longest = max(self._longest, len(key.split()))
                self._add_loose(key)

    def expand(self, tokens: list[str]) -> list[tuple[str, float, int, int]]:
        """A query's tokens -> (term, weight, start, end) for each term: each token (weight 1,
        its own position), then the other terms of every synonym group one of its phrases (up to
        the longest term) belongs to, then the terms its phrases (or their synonyms) expand to one
        way; start:end is the phrase of the query (in folded words) that brought the term (the
        first, for a term two phrases bring at the same weight). Terms are folded; a term may be
        several words."""
        words = [w for t in tokens for w in fold(t).split()]
        out: dict[str, tuple[float, int, int]] = {}
        for i, w in enumerate(words):
            if w not in out:
                out[w] = (1.0, i, i + 1)
        extra: dict[str, tuple[float, int, int]] = {}

        def put(term: str, weight: float, start: int, end: int) -> None:
            if term not in extra or weight > extra[term][0]:
                extra[term] = (weight, start, end)

        def look(text: str, start: int, end: int) -> None:
            same = [text]
            for i in self._index.get(tuple(text.split()), ()):
                for term in self.groups[i]:
                    if term != text:
                        put(term, SYNONYM_WEIGHT, start, end)
                        same.append(term)
            for word in same:  # what a synonym expands to, the phrase does too
                for term in self.broader.get(word, ()):
                    put(term, BROADER_WEIGHT, start, end)
                    for j in self._index.get(tuple(term.split()), ()):  # and its synonyms
                        for other in self.groups[j]:
                            put(other, RELATED_WEIGHT, start, end)
                    for other in self.broader.get(term, ()):  # and what it is a case of
                        put(other, RELATED_WEIGHT, start, end)

        for start in range(len(words)):
            for size in range(min(self._longest, len(words) - start), 0, -1):
                look(" ".join(words[start:start + size]), start, start + size)
        # phrases of the thesaurus, stop words aside: "hole in my road" is "hole in the road"
        kept = [i for i, w in enumerate(words) if w not in self.stop] if self.stop else []
        for a in range(len(kept)):
            for size in range(min(self._longest, len(kept) - a), 1, -1):
                at = kept[a:a + size]
                for term in self._loose.get(tuple(words[i] for i in at), ()):
                    if " ".join(words[at[0]:at[-1] + 1]) != term:  # (found above)
                        look(term, at[0], at[-1] + 1)
        # ... and with one more word of the query inside the phrase ("parked right in front of")
        for a in range(len(kept)):
            for size in range(min(self._longest, len(kept) - a - 1), 1, -1):
                span = kept[a:a + size + 1]
                for skip in range(1, size):
                    at = span[:skip] + span[skip + 1:]
                    for term in self._loose.get(tuple(words[i] for i in at), ()):
                        look(term, at[0], at[-1] + 1)
        for term, value in extra.items():
            if term not in out:
                out[term] = value
        return [(term, *value) for term, value in out.items()]


def _unique(items) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


@lru_cache(maxsize=None)
def shipped_languages() -> tuple[str, ...]:
    folder = resources.files("generator") / "data" / "thesaurus"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


@lru_cache(maxsize=None)
def _shipped_doc(lang: str) -> Doc | None:
    if lang not in shipped_languages():
        return None
    name = f"generator/data/thesaurus/{lang}.yaml"
    text = (resources.files("generator") / "data" / "thesaurus" / f"{lang}.yaml").read_text("utf-8")
    doc = Doc(name, "thesaurus", lang)
    try:
        parse_yaml(doc, text)
    except LoadError as e:  # pragma: no cover - the package's own data; tests load every file
        raise ValueError(f"{name}:{e.line}:{e.col}: {e.message}") from None
    return doc


def shipped(lang: str) -> Thesaurus:
    """The words kb ships for a language (empty when it ships none)."""
    out = Thesaurus(lang)
    doc = _shipped_doc(lang)
    if doc is not None:
        section = (doc.data or {}).get(lang) or {}
        out.add(section.get("synonyms") or [], section.get("broader") or {})
    return out


def for_language(lang: str, city: Doc | None = None) -> Thesaurus:
    """The shipped words of a language and the city's own (catalog/thesaurus.yaml), merged."""
    out = shipped(lang)
    section = (city.data or {}).get(lang) if city is not None and isinstance(city.data, dict) else None
    if isinstance(section, dict):
        out.add(section.get("synonyms") or [], section.get("broader") or {})
    return out


def check(doc: Doc, problems: Problems, languages: list[str] | None = None) -> bool:
    """A thesaurus file's problems, each with its line: the schema, then what it cannot say."""
    if not schema.check_doc(doc, "thesaurus", problems):
        return False
    before = len(problems.errors())
    for lang, section in doc.data.items():
        if languages is not None and lang not in languages:
            line, col = doc.key_pos((lang,))
            problems.add(doc.path, line, col, lang, f"'{lang}' is not a language of this site "
                         f"(mkdocs.yml extra.kb.languages: {', '.join(languages)}); these words are "
                         "not used", WARNING)
        seen_groups: dict[frozenset, int] = {}
        for i, group in enumerate(section.get("synonyms") or ()):
            path = (lang, "synonyms", i)
            terms: set[str] = set()  # folded: "semáforo" and "semaforo" may both be written
            for j, term in enumerate(group):
                line, col = doc.pos(path + (j,))
                field_ = f"{lang}.synonyms[{i}][{j}]"
                if not fold(term):
                    problems.add(doc.path, line, col, field_, f"'{term}' has no letters or digits; "
                                 "write a word or remove it")
                elif term in group[:j]:
                    problems.add(doc.path, line, col, field_, f"'{term}' is in this group twice; "
                                 "keep one")
                terms.add(fold(term))
            terms.discard("")
            same = frozenset(terms)
            if len(same) > 1 and same in seen_groups:
                line, col = doc.pos(path)
                problems.add(doc.path, line, col, f"{lang}.synonyms[{i}]", "repeats the group on "
                             f"line {seen_groups[same]}; keep one")
            elif len(same) > 1:
                seen_groups[same] = doc.pos(path)[0]
        folded_words: dict[str, str] = {}
        for word, terms in (section.get("broader") or {}).items():
            path = (lang, "broader", word)
            line, col = doc.key_pos(path)
            key = fold(word)
            if not key:
                problems.add(doc.path, line, col, f"{lang}.broader.{word}", f"'{word}' has no "
                             "letters or digits; write a word or remove the entry")
                continue
            if key in folded_words:
                problems.add(doc.path, line, col, f"{lang}.broader.{word}", f"'{word}' is the same "
                             f"word as '{folded_words[key]}' (case and accents do not count); "
                             "merge the two entries")
            folded_words.setdefault(key, word)
            for j, term in enumerate(terms):
                if not fold(term) or fold(term) == key:
                    tline, tcol = doc.pos(path + (j,))
                    why = "has no letters or digits" if not fold(term) else "is the word itself"
                    problems.add(doc.path, tline, tcol, f"{lang}.broader.{word}[{j}]",
                                 f"'{term}' {why}; remove it")
    return len(problems.errors()) == before
