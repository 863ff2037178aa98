"""Plain language, measured: the formulas on texts counted by hand, warnings at a text's own
file and line, jargon, waivers, --strict, the settings and kb review --readability."""

from __future__ import annotations

import json

import pytest

from generator.pipeline import readability

MKDOCS = """\
site_name: Testville 311
site_url: https://311.testville.example/
theme:
  name: material
  font: false
extra:
  kb:
    city: Testville
    timezone: America/Chicago
    phones: {main: "311"}
    languages:
      - {code: en, name: English}
"""

# Line 6 of the file is the first line of the description; its second sentence (line 6, column
# 37) has 31
# words. The description has 46 words: enough for a score.
LONG = """\
name: Leaf collection
department: public-works
group: Streets and sidewalks
summary: Rake your leaves to the curb and a crew picks them up.
description: |
  Crews pick up leaves in the fall. Rake your leaves into a pile at the curb, not in the
  street, by 7 in the morning on your collection day, and keep the pile away from cars and drains.
  Bags are fine too.
"""

# Long words in short sentences: Flesch-Kincaid far above grade 8 (counted in the test).
HARD = """\
name: Stormwater utility fee
department: public-works
group: Streets and sidewalks
summary: Ask about the stormwater fee.
description: |
  Stormwater infrastructure maintenance necessitates considerable municipal expenditure.
  Impervious surface calculations determine residential utility assessments.
  Documentation substantiating alternative calculations receives administrative consideration.
  Agricultural properties, educational institutions and religious organizations
  occasionally qualify for exemptions.
"""


@pytest.mark.parametrize("text, lang, counts, score", [
    # 12 words of one syllable, 2 sentences: 0.39 * 6 + 11.8 * 1 - 15.59 = -1.45
    ("The cat sat on the mat. The dog ran to the park.", "en", (12, 2, 12), -1.45),
    # Res-i-dents 3, should 1, reg-is-ter 3, be-fore 2, the 1, e-lec-tion 3 = 13 syllables, 6 words:
    # 0.39 * 6 + 11.8 * 13 / 6 - 15.59 = 2.34 + 25.5667 - 15.59 = 12.3167
    ("Residents should register before the election.", "en", (6, 1, 13), 12.3167),
    # la 1, ca-sa 2, es 1, a-zul 2, el 1, pe-rro 2, co-me 2, pan 1 = 12 syllables, 8 words, 2
    # sentences: 206.835 - 62.3 * 12 / 8 - 8 / 2 = 206.835 - 93.45 - 4 = 109.385
    ("La casa es azul. El perro come pan.", "es", (8, 2, 12), 109.385),
    # le 1, chat 1, dort 1, la 1, pou-belle 2 (the final e is silent), est 1, pleine 1 = 8
    # syllables, 7 words, 2 sentences: 207 - 1.015 * 3.5 - 73.6 * 8 / 7 = 119.3332
    ("Le chat dort. La poubelle est pleine.", "fr", (7, 2, 8), 119.3332),
])
def test_formulas_on_texts_counted_by_hand(text, lang, counts, score):
    c = readability.count(text, lang)
    assert (c.words, c.sentences, c.syllables) == counts
    assert readability.FORMULAS[lang].score(*counts) == pytest.approx(score, abs=1e-4)


def test_syllables_and_sentences_follow_each_language():
    assert [readability.syllables(w, "en") for w in ("garbage", "collection", "make", "the")] == [2, 3, 1, 1]
    assert [readability.syllables(w, "es") for w in ("ciudad", "aéreo", "día", "recolección")] == [2, 4, 2, 4]
    assert [readability.syllables(w, "fr") for w in ("habitants", "collecte", "aujourd'hui")] == [3, 2, 3]
    # '7 a.m.' does not end a sentence; a capital after a full stop starts one; ¿ opens one
    assert [s for _, s in readability.sentences("Open 7 a.m. to 7 p.m. every day. Call us. ¿Qué?")] == [
        "Open 7 a.m. to 7 p.m. every day.", "Call us.", "¿Qué?"]
    assert readability.words("At 7 a.m. pay $1,000.") == ["At", "7", "a.m.", "pay", "1,000"]


def _tree(make_tree, files):
    return make_tree({"mkdocs.yml": MKDOCS, **files})


def test_a_long_sentence_is_reported_at_its_own_line(make_tree, kb):
    root = _tree(make_tree, {"catalog/services/leaf-collection.yaml": LONG})
    result = kb("check", "--root", root)
    assert result.exit_code == 0, result.output
    assert ("catalog/services/leaf-collection.yaml:6:37: description: warning: a sentence of 31 "
            "words ('Rake your leaves into a pile ...'); keep sentences to 25 words or fewer "
            "(extra.kb.readability.max_sentence_words)") in result.output
    assert "Flesch-Kincaid" not in result.output  # 46 words at grade 6.6: meets the target


def test_a_hard_text_is_reported_with_its_score_and_target(make_tree, kb):
    root = _tree(make_tree, {"catalog/services/stormwater-fee.yaml": HARD})
    result = kb("check", "--root", root, "--format", "json")
    found = [p for p in json.loads(result.output) if p["path"].endswith("stormwater-fee.yaml")]
    assert len(found) == 1
    p = found[0]
    assert (p["line"], p["col"], p["field"], p["severity"]) == (6, 3, "description", "warning")
    assert p["message"].startswith("Flesch-Kincaid grade ")
    grade = float(p["message"].split()[2])
    assert grade > 16
    assert "the target is 8 or lower (extra.kb.readability.en.max_grade)" in p["message"]


def test_strict_makes_readability_warnings_errors(make_tree, kb):
    root = _tree(make_tree, {"catalog/services/leaf-collection.yaml": LONG})
    result = kb("check", "--root", root, "--strict")
    assert result.exit_code == 1
    assert "catalog/services/leaf-collection.yaml:6:37: description: warning: a sentence of 31 words" in result.output
    assert "nothing was written" in result.output


def test_jargon_from_the_list_and_from_the_city(make_tree, kb):
    service = LONG.replace("Bags are fine too.", "Please utilize paper bags.").replace(
        "Crews pick up leaves", "Crews pick up foliage")
    config = MKDOCS + "    readability:\n      en: {jargon: [foliage]}\n"
    root = make_tree({"mkdocs.yml": config, "catalog/services/leaf-collection.yaml": service})
    out = kb("check", "--root", root).output
    assert ("leaf-collection.yaml:8:3: description: warning: 'utilize' is on the en jargon list; "
            "say 'use'") in out
    assert ("leaf-collection.yaml:6:3: description: warning: 'foliage' is on the en jargon list; "
            "use an everyday word") in out


def test_a_waiver_silences_a_file_and_says_when_it_is_no_longer_needed(make_tree, kb):
    waived = LONG + 'readability: {waive: "The pile rules come from the city ordinance."}\n'
    root = _tree(make_tree, {"catalog/services/leaf-collection.yaml": waived})
    result = kb("check", "--root", root, "--strict")
    assert result.exit_code == 0, result.output
    clean = "name: Leaf collection\ndepartment: public-works\ngroup: Streets\nsummary: Rake leaves.\n" \
            'readability: {waive: "Old reason."}\n'
    root = _tree(make_tree, {"catalog/services/leaf-collection.yaml": clean})
    out = kb("check", "--root", root).output
    assert ("catalog/services/leaf-collection.yaml:5:22: readability.waive: warning: the texts meet "
            "the readability targets now; remove the waiver") in out


def test_a_waiver_needs_its_reason(make_tree, kb):
    root = _tree(make_tree, {"catalog/services/leaf-collection.yaml": LONG + "readability: {}\n"})
    result = kb("check", "--root", root)
    assert result.exit_code == 1
    assert "catalog/services/leaf-collection.yaml:9:1: readability.waive: required field 'waive' is missing" in result.output


def test_settings_change_the_targets(make_tree, kb):
    config = MKDOCS + "    readability:\n      max_sentence_words: 40\n      min_words: 100\n"
    root = make_tree({"mkdocs.yml": config, "catalog/services/leaf-collection.yaml": LONG,
                      "catalog/services/stormwater-fee.yaml": HARD})
    result = kb("check", "--root", root, "--strict")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("settings, message", [
    ("      es: {max_grade: 8}\n",
     "mkdocs.yml:14:12: extra.kb.readability.es.max_grade: 'es' is measured with Szigriszt-Pazos "
     "perspicuity (0 to 100; higher is easier): set min_ease instead (0 to 100; higher is easier)"),
    ("      so: {min_ease: 50}\n",
     "mkdocs.yml:14:12: extra.kb.readability.so.min_ease: 'so' has no readability formula in kb: "
     "remove it; long sentences and jargon are still checked"),
    ("      english: {max_grade: 8}\n",
     "mkdocs.yml:14:7: extra.kb.readability.english: unknown field 'english': takes "
     "max_sentence_words, min_words, and a language code (like 'en')"),
    ("      en: {max_grade: high}\n",
     "mkdocs.yml:14:23: extra.kb.readability.en.max_grade: must be a number, not the text 'high'"),
])
def test_wrong_settings_are_errors_at_their_line(make_tree, kb, settings, message):
    root = make_tree({"mkdocs.yml": MKDOCS + "    readability:\n" + settings})
    result = kb("check", "--root", root)
    assert result.exit_code == 1
    assert message in result.output


def test_agent_blocks_and_agent_articles_are_not_measured(make_tree, kb):
    long = " ".join(["word"] * 30) + "."
    article = (f"---\ntitle: Leaves\naudience: both\n---\nShort.\n\n!!! say\n    {long}\n\n"
               f"After.\n")
    agent = f"---\ntitle: Guide\naudience: agent\n---\n{long}\n"
    root = _tree(make_tree, {"articles/leaves.md": article, "articles/guide.md": agent})
    assert "sentence of" not in kb("check", "--root", root).output
    root = _tree(make_tree, {"articles/leaves.md": article.replace("After.", long)})
    assert "articles/leaves.md:10:1: body: warning: a sentence of 30 words" in kb("check", "--root", root).output


def test_review_lists_pages_by_owner_hardest_first(make_tree, kb):
    waived = HARD + 'readability: {waive: "Fee law wording."}\n'
    root = _tree(make_tree, {"catalog/services/leaf-collection.yaml": LONG,
                             "catalog/services/stormwater-fee.yaml": waived})
    result = kb("review", "--root", root, "--readability", "--format", "json")
    assert result.exit_code == 0, result.output
    rep = json.loads(result.output)
    assert (rep["formula"], rep["target"]) == ("Flesch-Kincaid grade", 8)
    items = rep["owners"][0]["items"]
    assert rep["owners"][0]["owner"] == "public-works"
    assert [i["id"] for i in items[:2]] == ["stormwater-fee", "leaf-collection"]
    assert items[0]["waiver"] == "Fee law wording."
    assert items[0]["score"] > items[1]["score"]
    text = kb("review", "--root", root, "--readability").output
    assert "catalog/services/stormwater-fee.yaml: Stormwater utility fee (waived: Fee law wording.)" in text
    assert "catalog/services/leaf-collection.yaml: Leaf collection (1 problem)" in text


def test_the_demo_meets_the_targets_or_says_why(demo_root):
    from generator.errors import Problems
    from generator.pipeline.load import load_tree

    tree = load_tree(demo_root, Problems())
    results = readability.measure_tree(tree)
    assert len(results) > 80
    missing = [r.doc.path for r in results if r.findings and not r.waiver]
    assert missing == []
    waived = [r for r in results if r.waiver]
    assert all(len(r.waiver) > 40 for r in waived)
