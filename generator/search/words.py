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


# Where a caller says it is, rather than what: a place word after a preposition and a
# possessive ("on my street", "in front of our house", "at their building"). Such a word is
# searched for at the query's ``place`` weight: "garbage not picked up on my street" is about
# garbage, not streets. "The" is not among them ("a hole in the road" is what is wrong), nor are
# places that often are what is wrong ("on my sidewalk", "in our alley"). Spanish and French
# the same way ("en mi calle", "dans ma rue"); the words are folded when the index is built.
PLACES = {
    "en": {"prepositions": ("on", "in", "at", "along", "down", "across", "near", "by", "outside",
                            "behind", "of", "up", "around", "from", "to"),
           "possessives": ("my", "our", "this", "his", "her", "their"),
           "words": ("street", "road", "block", "corner", "house", "home", "yard", "lawn",
                     "driveway", "building", "apartment", "neighborhood", "neighbourhood", "area",
                     "avenue", "place", "property")},
    "es": {"prepositions": ("en", "de", "a", "por", "cerca", "frente", "enfrente", "junto",
                            "afuera", "detras", "delante"),
           "possessives": ("mi", "mis", "nuestra", "nuestro", "nuestras", "nuestros", "su", "sus"),
           "words": ("calle", "casa", "cuadra", "barrio", "colonia", "edificio", "apartamento",
                     "departamento", "esquina", "patio", "vecindario", "zona", "propiedad",
                     "avenida")},
    "fr": {"prepositions": ("dans", "sur", "devant", "de", "pres", "a", "derriere", "en",
                            "chez"),
           "possessives": ("ma", "mon", "mes", "notre", "nos", "leur", "leurs"),
           "words": ("rue", "maison", "quartier", "immeuble", "appartement", "cour", "coin",
                     "terrain", "propriete", "avenue", "batiment", "secteur")},
}


def places(lang: str) -> dict[str, list[str]]:
    """The language's ``PLACES``, folded and sorted (empty lists for a language without)."""
    table = PLACES.get(lang, {})
    return {key: sorted({w for word in table.get(key, ()) for w in words(word)})
            for key in ("prepositions", "possessives", "words")}


# Words that say what kind of request a name is rather than what it is about ("Pothole Repair
# Request", "Noise Complaint", "Water Related Issues"). They do not count when the ranking asks how
# much of a name a question matches (``names``): "Water Related Issues" is all matched by "brown
# water from my tap", as "Water" would be. The English words are those of the kind among the
# words most of the tuning cities' request types share (bench/data/open311/, Chicago's aside).
GENERIC = {
    "en": ("request", "requests", "complaint", "complaints", "issue", "issues", "concern",
           "concerns", "problem", "problems", "report", "reports", "related", "general", "other",
           "service", "services", "inquiry", "inquiries", "enquiry", "enquiries", "question",
           "questions", "information", "info", "violation", "violations", "repair", "repairs",
           "inspection", "inspections", "maintenance", "enforcement", "program", "removal",
           "help", "assistance", "support"),
    "es": ("solicitud", "solicitudes", "queja", "quejas", "problema", "problemas", "reporte",
           "reportes", "informe", "denuncia", "general", "otro", "otros", "otra", "otras",
           "servicio", "servicios", "consulta", "pregunta", "preguntas", "información",
           "infracción", "reparación", "inspección", "mantenimiento"),
    "fr": ("demande", "demandes", "plainte", "plaintes", "problème", "problèmes", "signalement",
           "général", "générale", "autre", "autres", "service", "services", "question",
           "questions", "information", "informations", "infraction", "réparation", "inspection",
           "entretien"),
    # Arabic and Somali: the common words, with the article (Arabic al-) or the definite
    # endings (Somali -ka, -ta, -da, -yada) that titles give them; not checked by a native
    # speaker. Hmong has none: its words of one syllable are words of their own ("teeb meem",
    # a problem, begins with "teeb", a lamp).
    "ar": ("طلب", "الطلب", "طلبات", "شكوى", "الشكوى", "شكاوى", "مشكلة", "المشكلة", "مشاكل",
           "بلاغ", "البلاغ", "إبلاغ", "الإبلاغ", "استفسار", "الاستفسار", "سؤال", "معلومات",
           "المعلومات", "خدمة", "الخدمة", "خدمات", "الخدمات", "إصلاح", "الإصلاح", "إصلاحات",
           "صيانة", "الصيانة", "تفتيش", "التفتيش", "مخالفة", "المخالفة", "مخالفات", "مساعدة",
           "المساعدة", "عام", "عامة", "أخرى", "آخر"),
    "so": ("codsi", "codsiga", "codsiyo", "codso", "cabasho", "cabashada", "cabashooyin",
           "dhibaato", "dhibaatada", "warbixin", "warbixinta", "su'aal", "su'aasha", "su'aalo",
           "macluumaad", "macluumaadka", "adeeg", "adeegga", "adeegyo", "adeegyada", "dayactir",
           "dayactirka", "kormeer", "kormeerka", "caawimo", "caawimaad", "caawimada", "guud",
           "kale"),
}


@lru_cache(maxsize=None)
def generic_words(lang: str) -> frozenset[str]:
    """The language's ``GENERIC`` words, folded (none for a language without a list)."""
    return frozenset(w for word in GENERIC.get(lang, ()) for w in words(word))


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
