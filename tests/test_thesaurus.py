"""The civic thesaurus: the shipped words of every language load and pass the checks, a city's
catalog/thesaurus.yaml is checked by kb check with file and line, and query expansion."""

from __future__ import annotations

import pytest

from generator.errors import Problems
from generator.pipeline import thesaurus
from generator.pipeline.thesaurus import BROADER_WEIGHT, SYNONYM_WEIGHT, Thesaurus, fold


@pytest.mark.parametrize("lang", ["en", "es", "fr", "so", "hmn", "ar"])
def test_the_shipped_words_load_and_pass_the_checks(lang):
    assert lang in thesaurus.shipped_languages()
    problems = Problems()
    assert thesaurus.check(thesaurus._shipped_doc(lang), problems), [p.text() for p in problems.items]
    words = thesaurus.shipped(lang)
    assert len(words.groups) >= (150 if lang in ("en", "es", "fr") else 15)


def test_fold_ignores_case_accents_apostrophes_and_punctuation():
    assert fold("  Señal-de ALTO ") == "senal de alto"
    assert fold("Driver’s license") == fold("driver's license") == "drivers license"
    assert fold("أ") == fold("إ") == "ا"  # the hamza on alif does not count
    assert fold("!!!") == ""


def weights(pairs):
    return {term: weight for term, weight, *_ in pairs}


def test_expand_finds_multi_word_terms_and_one_way_broader_terms():
    words = Thesaurus("en")
    words.add([["street light", "streetlight", "stret lite"], ["trash", "garbage"]],
              {"coyote": ["animal control"], "garbage": ["waste"]})
    expanded = words.expand(["Stret", "lite", "out"])
    got = weights(expanded)
    assert got["stret"] == got["lite"] == got["out"] == 1.0
    assert got["street light"] == got["streetlight"] == SYNONYM_WEIGHT
    assert "stret lite" not in got  # the phrase typed is not added again
    spans = {term: (start, end) for term, _, start, end in expanded}
    assert spans["streetlight"] == (0, 2) and spans["out"] == (2, 3)  # the words that brought it
    assert weights(words.expand(["coyote"]))["animal control"] == BROADER_WEIGHT
    assert "coyote" not in weights(words.expand(["animal", "control"]))  # one way only
    assert weights(words.expand(["GARBAGE"])) == {"garbage": 1.0, "trash": SYNONYM_WEIGHT,
                                                  "waste": BROADER_WEIGHT}
    # what a synonym expands to, its group's other terms do too
    assert weights(words.expand(["trash"]))["waste"] == BROADER_WEIGHT
    assert words.expand([]) == []


def test_a_phrase_matches_whatever_stop_words_the_caller_puts_in_or_leaves_out():
    words = Thesaurus("en", stop=frozenset({"my", "in", "the", "a"}))
    words.add([["rent help", "can't pay rent"], ["pothole", "hole in the road"]], {})
    said = weights(words.expand("i can't pay my rent".split()))
    assert said["rent help"] == SYNONYM_WEIGHT
    assert weights(words.expand("a hole in my road".split()))["pothole"] == SYNONYM_WEIGHT
    assert weights(words.expand("hole road".split()))["pothole"] == SYNONYM_WEIGHT
    # without stop words known, only the phrase as written
    plain = Thesaurus("en")
    plain.add([["rent help", "can't pay rent"]], {})
    assert "rent help" not in weights(plain.expand("i can't pay my rent".split()))
    # a single word left is not a phrase: "the road" does not stand for "hole in the road"
    assert "pothole" not in weights(words.expand("the road".split()))


def test_a_phrase_is_found_with_one_more_word_of_the_caller_inside_it():
    words = Thesaurus("en", stop=frozenset({"in", "of", "the", "a"}))
    words.add([["illegal parking", "parked in front of the hydrant"]], {})
    said = weights(words.expand("car parked right in front of the hydrant".split()))
    assert said["illegal parking"] == SYNONYM_WEIGHT
    # one word, not two; and not a word before or after the phrase's own
    assert "illegal parking" not in weights(words.expand(
        "car parked right there in front of the hydrant".split()))
    assert "illegal parking" not in weights(words.expand("parked front".split()))


def test_the_shipped_english_words_know_how_callers_talk():
    words = weights(thesaurus.shipped("en").expand("someone is tagging the wall".split()))
    assert words["graffiti"] == SYNONYM_WEIGHT
    assert "garbage" in weights(thesaurus.shipped("en").expand(["trash"]))
    assert "bathroom" in weights(thesaurus.shipped("en").expand(["restroom"]))
    assert "baches" in weights(thesaurus.shipped("es").expand(["bache"]))


def test_a_city_adds_its_own_words(make_tree):
    city = thesaurus.Doc("catalog/thesaurus.yaml", "thesaurus", "thesaurus",
                         data={"en": {"synonyms": [["blue box", "recycling"]],
                                      "broader": {"coyote": ["wildlife hotline"]}}})
    words = thesaurus.for_language("en", city)
    assert "blue box" in weights(words.expand(["recycling"]))
    got = weights(words.expand(["coyote"]))
    assert got["wildlife hotline"] == got["animal control"] == BROADER_WEIGHT
    assert thesaurus.for_language("de", city).groups == []


CITY_WORDS = """\
en:
  synonyms:
    - [trash, garbage]
    - [blue box, blue box]
    - [rubbish, "!!"]
    - [garbage, Trash]
    - [alone]
    - [lamp, 3]
  broader:
    coyote: [coyote, wildlife]
    Coyote: [animal control]
de:
  synonyms:
    - [Müll, Abfall]
es:
  sinonimos: []
"""


def test_kb_check_reports_a_citys_thesaurus_with_file_and_line(make_tree, kb):
    root = make_tree({"catalog/thesaurus.yaml": CITY_WORDS})
    result = kb("check", "--root", root)
    assert result.exit_code == 1
    out = result.output
    f = "catalog/thesaurus.yaml"
    assert f"{f}:7:7: en.synonyms[4]: must list at least 2 items" in out
    assert f"{f}:8:14: en.synonyms[5][1]: must be text, not the number 3" in out
    assert f"{f}:16:3: es.sinonimos: unknown field 'sinonimos'; did you mean 'synonyms'?" in out
    # the schema's errors come first; fix them and the rest is reported
    fixed = CITY_WORDS.replace("    - [alone]\n", "").replace("[lamp, 3]", "[lamp, light]") \
        .replace("es:\n  sinonimos: []\n", "")
    root = make_tree({"catalog/thesaurus.yaml": fixed})
    result = kb("check", "--root", root)
    assert result.exit_code == 1
    out = result.output
    assert f"{f}:4:18: en.synonyms[1][1]: 'blue box' is in this group twice; keep one" in out
    assert f"{f}:5:17: en.synonyms[2][1]: '!!' has no letters or digits" in out
    assert f"{f}:6:7: en.synonyms[3]: repeats the group on line 3; keep one" in out
    assert f"{f}:9:14: en.broader.coyote[0]: 'coyote' is the word itself; remove it" in out
    assert f"{f}:10:5: en.broader.Coyote: 'Coyote' is the same word as 'coyote'" in out


def test_a_good_city_thesaurus_passes_kb_check_with_a_warning_for_a_language_not_on_the_site(
        make_tree, kb):
    root = make_tree({"catalog/thesaurus.yaml": "en:\n  synonyms:\n    - [blue box, recycling]\n"
                                                "de:\n  synonyms:\n    - [Müll, Abfall]\n"})
    result = kb("check", "--root", root)
    assert result.exit_code == 0, result.output
    assert "catalog/thesaurus.yaml:4:1: de: warning: 'de' is not a language of this site" \
        in result.output
