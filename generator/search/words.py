"""A language's words for the index: folding, stop words and the stemmer.

Folding is the thesaurus' (``pipeline.thesaurus.fold``: case, accents, apostrophes and
punctuation do not count). Stop words are lunr's (English) and lunr-languages' (the copy
Material ships) for the other languages that have them, folded. The stemmer is Snowball's
(``snowballstemmer``) for the languages it has; it runs when the index is built only: the index
groups the words of its content by stem, so the browser needs no stemmer (docs/search.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from lunr.stop_word_filter import WORDS as ENGLISH_STOP_WORDS

from generator.engine.material import lunr_language_file
from generator.pipeline.thesaurus import fold

SNOWBALL = {"ar": "arabic", "da": "danish", "de": "german", "en": "english", "es": "spanish",
            "fi": "finnish", "fr": "french", "hu": "hungarian", "it": "italian", "nl": "dutch",
            "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian",
            "sv": "swedish"}


def words(text: str) -> list[str]:
    """Folded words of a text, in order."""
    folded = fold(text)
    return folded.split(" ") if folded else []


# What callers say around what they ask for, that the language's list lacks ("hi, I need someone
# to ..."): stop words too, so dropped from questions. (Only from questions: the content keeps
# them.) Negations ("didn't", "won't") are not among them: they say what is wrong.
SPOKEN = {
    "en": ("need", "needs", "want", "please", "someone", "somebody", "something", "anyone",
           "anybody", "really", "gonna", "wanna", "im", "ive", "hi", "hello", "hey", "thanks",
           "thank", "ok", "okay"),
}


@lru_cache(maxsize=None)
def stop_words(lang: str) -> tuple[str, ...]:
    """The language's stop words, folded and sorted (none for a language without a list)."""
    if lang == "en":
        found = list(ENGLISH_STOP_WORDS)
    else:
        source = lunr_language_file(lang) or ""
        match = re.search(r'generateStopWordFilter\("([^"]*)"\.split\(" "\)\)', source)
        found = match.group(1).split(" ") if match else []
    return tuple(sorted({w for word in (*found, *SPOKEN.get(lang, ())) for w in words(word)}))


# Words Snowball gives one stem that mean different things to a caller: a park is not parking,
# an officer not an office. Each of these words gets a stem of its own (the value).
APART = {
    "en": {"parking": "parking", "parked": "parking",
           "officer": "officer", "officers": "officer"},
}


@lru_cache(maxsize=None)
def stemmer(lang: str) -> Callable[[str], str]:
    """The language's Snowball stemmer (a folded word -> its stem; the words of ``APART`` kept
    apart); the word itself without one."""
    if lang not in SNOWBALL:
        return lambda word: word
    import snowballstemmer  # only when a language has a stemmer

    stem = snowballstemmer.stemmer(SNOWBALL[lang]).stemWord
    apart = APART.get(lang, {})
    return lru_cache(maxsize=None)(lambda word: apart.get(word) or stem(word))
