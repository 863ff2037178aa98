"""kb's one search (generator/search/): the index api/v2/<lang>/search.json and its shards follow
their schemas and keep agent-only words out of the public one; the ranking finds what callers
mean (typos, joined and split words, whole words above prefixes, the thesaurus, agencies with
their phone); and the JavaScript ranking the sites use, fetching the shards as it needs them,
gives the same results, scores included, as `kb search` over the whole index on every question
of bench/queries/ (run under node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.pipeline.build import check
from generator.pipeline.model import build_site
from generator.pipeline.translate import in_language
from generator.search import index, rank, schema, shards

REPO = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")
QUERIES = REPO / "bench" / "queries"


def demo_index(root: Path, lang: str, audience: str) -> dict:
    checked = check(root)
    site, _ = in_language(build_site(checked.tree, checked.config, audience), lang)
    return json.loads(index.dumps(index.build(site, lang)))


@pytest.fixture(scope="module")
def indexes(demo_root):
    return {(lang, audience): demo_index(demo_root, lang, audience)
            for lang in ("en", "es", "fr", "ar") for audience in ("public", "agent")}


def first(data: dict, query: str) -> str:
    results = rank.search(data, query)
    return f"{results[0]['kind']}:{results[0]['id']}" if results else ""


def test_the_index_and_its_shards_follow_their_schemas_and_read_back_whole(indexes, tmp_path):
    cut = {"postings_bytes": 3000, "docs_bytes": 1000, "whole_bytes": 0}  # as a big catalog's
    for (lang, audience, small), data in [(k + (s,), v) for k, v in indexes.items()
                                          for s in (False, True)]:
        head = tmp_path / lang / audience / str(small) / "search.json"
        head.parent.mkdir(parents=True)
        written = shards.write(data, head, **(cut if small else {}))
        if small:
            assert len(written) > 10
        else:
            assert len(written) == 3  # the demo: the head, one shard of each
        jsonschema.validate(json.loads(head.read_text("utf-8")), schema.HEAD)
        for path in written[1:]:
            shard = json.loads(path.read_text("utf-8"))
            jsonschema.validate(shard, schema.POSTINGS if path.name.startswith("p-") else schema.DOCS)
        assert shards.read(head) == data


def test_callers_words_find_the_service(indexes):
    en = indexes["en", "public"]
    assert first(en, "grafitti on my garage") == "service:graffiti-removal"  # two edits
    assert first(en, "stret lite out") == "service:streetlight-outage"  # typos in short words
    assert first(en, "street light is out") == "service:streetlight-outage"  # split
    assert first(en, "potholes") in ("service:pothole-repair", "article:potholes")  # word forms
    assert first(en, "tagging on a wall") == "service:graffiti-removal"  # the thesaurus
    assert rank.search(en, "the and of") == []  # stop words only


def test_a_whole_word_ranks_above_a_prefix_of_a_longer_one(indexes):
    engine = rank.engine(indexes["en", "public"])
    found = engine.matches("park", True)
    assert found[engine.form_id["park"]] > found[engine.form_id["parking"]]


def test_a_broader_terms_synonyms_find_the_name_a_catalog_gives_that_case(make_tree):
    # a couch is a case of "bulk pickup" (shipped thesaurus), which some cities call "heavy trash"
    data = names_only(make_tree, {"heavy-trash": "Heavy trash", "tree-removal": "Tree removal"})
    engine = rank.engine(data)
    assert ("heavy", "trash") in [unit[0] for unit in engine.units("old couch")]
    assert [r["id"] for r in rank.search(data, "old couch")] == ["heavy-trash"]


def test_a_broader_terms_own_broader_terms_count_too(make_tree):
    # a rat is a case of "rodent control", which is a case of "environmental health"
    data = names_only(make_tree, {"environmental-health": "Environmental Health Services",
                                  "alley-maintenance": "Alley maintenance"})
    assert [r["id"] for r in rank.search(data, "rat")] == ["environmental-health"]


def test_a_word_of_the_thesaurus_is_not_read_as_a_typo(make_tree):
    data = names_only(make_tree, {"oil-sale": "Oil sale issue", "snow-plowing": "Snow plowing request"})
    engine = rank.engine(data)
    assert engine.form_id["sale"] not in engine.matches("salt", True)  # a word, spelled as meant
    assert engine.form_id["sale"] in engine.matches("sael", True)  # a typo
    assert [r["id"] for r in rank.search(data, "salt")] == ["snow-plowing"]  # salt: snow removal


def test_parking_is_not_a_form_of_park(indexes):
    engine = rank.engine(indexes["en", "public"])
    park, parking = engine.form_id["park"], engine.form_id["parking"]
    assert park in engine.matches("parks", False)  # the same word
    assert park not in engine.matches("parked", False) and parking in engine.matches("parked", False)
    assert first(indexes["en", "public"], "cars parked on the sidewalk").startswith("service:")
    assert "parks-board" not in [r["id"] for r in rank.search(indexes["en", "public"], "parked car")][:3]


def test_a_short_word_matches_words_one_edit_away_not_two(indexes):
    engine = rank.engine(indexes["en", "public"])
    assert engine.matches("potole", True) == {engine.form_id["pothole"]: engine.q["edit1"]}
    assert engine.matches("qqqqq", True) == {}  # nothing like any word of the content


def test_an_agency_answers_with_who_to_call(indexes):
    result = rank.search(indexes["en", "agent"], "power outage")[0]
    assert (result["kind"], result["id"]) == ("department", "electric-utility")
    assert result["handler"]["phone"] and result["handler"]["transfer"]
    public = rank.search(indexes["en", "public"], "power outage")[0]
    assert public["handler"]["phone"] and "transfer" not in public["handler"]


def names_only(make_tree, names: dict[str, str]) -> dict:
    """The index of a small catalog whose services have names and nothing to say."""
    short = "department: public-works\ngroup: Other\nsummary: Ask the city.\n"
    root = make_tree({f"catalog/services/{sid}.yaml": f"name: {name}\n{short}"
                      for sid, name in names.items()})
    return demo_index(root, "en", "public")


def test_a_broader_term_counts_in_part_where_a_name_has_only_some_of_its_words(make_tree, tmp_path):
    """A catalog imported with names only: "coyote" is a case of "animal control" (the shipped
    thesaurus), and a service named "General animal help" has one of those two words."""
    data = names_only(make_tree, {"general-animal-help": "General animal help",
                                  "parking-help": "Parking help"})
    engine = rank.engine(data)
    assert ("animal", "control") in [unit[0] for unit in engine.units("coyote") if unit[3]]
    assert [r["id"] for r in rank.search(data, "coyote in the yard")] == ["general-animal-help"]
    if NODE:  # and the sites' ranking agrees
        head = tmp_path / "names" / "search.json"
        head.parent.mkdir()
        shards.write(data, head)
        asked = ["coyote in the yard", "coyote", "animal control", "raccoon parking"]
        assert run_js(head, asked, tmp_path)["results"] == python_results(data, asked)


def test_a_name_the_question_matches_whole_ranks_above_one_it_matches_in_part(make_tree, tmp_path):
    """Names only: "Standing water" has a word the question does not match, "Water related
    issues" none but generic ones; a department's name is not held against it."""
    data = names_only(make_tree, {"standing-water": "Standing water",
                                  "water-issues": "Water related issues",
                                  "water-meter": "Water meter"})
    asked = "brown water coming out of my tap"
    assert [r["id"] for r in rank.search(data, asked)][:1] == ["water-issues"]
    ids = [d["id"] for d in data["docs"]]
    water = data["in_names"][data["forms"].index("water")]
    assert [ids[water[k]] for k in range(0, len(water), 3) if water[k + 2] == 100] == [
        "water-issues"]  # all of its only name
    assert {ids[d] for d in data["unnamed"]} == {d["id"] for d in data["docs"]
                                                 if d["kind"] == "department"}
    plain = dict(data, query=dict(data["query"], name=1.0))  # names not asked about
    found = [r["id"] for r in rank.search(plain, asked)]
    assert found.index("standing-water") < found.index("water-issues")  # the shorter name
    if NODE:
        head = tmp_path / "names" / "search.json"
        head.parent.mkdir()
        shards.write(data, head)
        questions_ = [asked, "standing water", "water", "meter issues", "department"]
        assert run_js(head, questions_, tmp_path)["results"] == python_results(data, questions_)


def test_a_keyword_is_a_name_too(make_tree):
    short = "department: public-works\ngroup: Other\nsummary: Ask the city.\n"
    root = make_tree({
        "catalog/services/collection-day.yaml":
            f"name: Route finder\nkeywords: [garbage day, trash day]\n{short}",
        "catalog/services/missed-garbage.yaml": f"name: Missed garbage day pickup\n{short}"})
    data = demo_index(root, "en", "public")
    assert [r["id"] for r in rank.search(data, "what is my garbage day")][:1] == ["collection-day"]
    # were its title its only name, the other title, more of it matched, would come first
    at = [d["id"] for d in data["docs"]].index("collection-day")
    assert {p[k + 1] for p in data["in_names"] for k in range(0, len(p), 3) if p[k] == at} == {
        0, 1, 2}
    titles = dict(data, in_names=[title_only(p) for p in data["in_names"]])
    assert [r["id"] for r in rank.search(titles, "what is my garbage day")][:1] == ["missed-garbage"]


@pytest.mark.parametrize(("lang", "title", "word"), [
    ("ar", "شكوى ضوضاء", "ضوضاء"),  # noise complaint: noise
    ("so", "Cabashada buuqa", "buuqa"),
    ("es", "Queja por ruido", "ruido")])
def test_a_word_that_says_what_kind_of_request_is_not_half_of_a_name(demo_root, lang, title,
                                                                      word):
    """The demo's "Noise complaint" in Arabic, Somali and Spanish: "noise" is all of its name."""
    data = demo_index(demo_root, lang, "public")
    at = [d["title"] for d in data["docs"]].index(title)
    p = data["in_names"][data["forms"].index(word)]
    assert [p[k + 2] for k in range(0, len(p), 3) if p[k] == at and p[k + 1] == 0] == [100]


def title_only(in_names: list[int]) -> list[int]:
    out = []
    for k in range(0, len(in_names), 3):
        if in_names[k + 1] == 0:
            out += in_names[k:k + 3]
    return out


def test_where_a_caller_says_it_is_counts_less_than_what(make_tree):
    data = names_only(make_tree, {"street-sweeping": "Street sweeping",
                                  "missed-trash": "Missed trash"})
    weights = {unit[0]: unit[1] for unit in rank.engine(data).units("trash on my street")}
    assert weights[("street",)] == data["query"]["place"] < 1 == weights[("trash",)]
    assert {unit[0]: unit[1] for unit in rank.engine(data).units("hole in the street")}[
        ("street",)] == 1  # what is wrong
    found = [r["id"] for r in rank.search(data, "trash not collected on my street")]
    assert found[0] == "missed-trash"
    plain = dict(data, query=dict(data["query"], place=1.0))
    assert rank.search(plain, "trash not collected on my street")[0]["id"] == "street-sweeping"


@pytest.mark.parametrize(("lang", "asked", "place"), [
    ("es", "basura no recogida en mi calle", "calle"),
    ("fr", "poubelle pas ramassée dans ma rue", "rue")])
def test_where_a_caller_says_it_is_counts_less_in_spanish_and_french_too(indexes, lang, asked,
                                                                         place):
    data = indexes[lang, "public"]
    weights = {unit[0]: unit[1] for unit in rank.engine(data).units(asked) if unit[2]}
    assert weights[(place,)] == data["query"]["place"]
    assert all(w == 1 for term, w in weights.items() if term != (place,))


def test_what_callers_say_around_a_question_is_not_searched_for(make_tree):
    data = names_only(make_tree, {"permit-needed": "Do I need a permit",
                                  "streetlight-out": "Streetlight out"})
    assert {"need", "please", "someone", "hi"} <= set(data["stop"])
    assert rank.search(data, "hi i need someone please") == []
    found = [r["id"] for r in rank.search(data, "hi, i need someone for the streetlight please")]
    assert "streetlight-out" in found and "permit-needed" not in found
    assert "didnt" not in data["stop"]  # a negation says what is wrong


def test_public_index_has_no_agent_only_words(indexes):
    public = json.dumps(indexes["en", "public"], ensure_ascii=False)
    agent = indexes["en", "agent"]
    assert any("transfer" in h for h in agent["handlers"])
    assert '"transfer"' not in public
    assert len(agent["docs"]) > len(indexes["en", "public"]["docs"])  # agent-only answers


def test_a_departments_notes_for_agents_are_found_on_the_agent_site_only(indexes):
    # catalog/departments/health.yaml's agent notes: "an epidemiologist returns the call"
    assert first(indexes["en", "agent"], "epidemiologist") == "department:health"
    assert "epidemiologist" not in indexes["en", "public"]["forms"]
    assert rank.search(indexes["en", "public"], "epidemiologist") == []


def questions(lang: str) -> list[str]:
    out = []
    for path in sorted(QUERIES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if data.get("lang", "en") == lang and not path.name.startswith("chicago"):
            out += [str(q["q"]) for q in data["queries"]]
    return out


def run_js(head: Path, asked: list[str], tmp_path: Path) -> dict:
    (tmp_path / "q.json").write_text(json.dumps(asked), "utf-8")
    out = subprocess.run([NODE, str(REPO / "tests" / "js" / "rank.js"), str(head),
                          str(tmp_path / "q.json"), "10"], check=True, capture_output=True,
                         text=True, timeout=300)
    return json.loads(out.stdout)


def python_results(data: dict, asked: list[str]) -> list:
    return [[[f"{r['kind']}:{r['id']}", r["score"]] for r in rank.search(data, q, 10)] for q in asked]


@pytest.mark.parametrize("lang", ["en", "es", "fr", "ar"])
def test_javascript_ranks_exactly_as_python(indexes, tmp_path, lang):
    if not NODE:
        pytest.skip("node is not installed")
    asked = questions(lang) or []
    asked += ["stret lite", "streetlight", "street light", "parking", "park", "Señal", "graffitti",
              "\u0634\u0627\u0631\u0639 \u0645\u0638\u0644\u0645", "", "   ", "l'eau", "bac à ordures"]
    for audience in ("public", "agent"):
        data = indexes[lang, audience]
        head = tmp_path / audience / "search.json"
        head.parent.mkdir()
        shards.write(data, head)
        js = run_js(head, asked, tmp_path)["results"]
        for query, ours, theirs in zip(asked, python_results(data, asked), js):
            assert ours == theirs, (audience, query)


def test_many_small_shards_give_the_results_of_the_whole_index_fetching_only_some(indexes, tmp_path):
    """A catalog big enough to need many shards (the demo cut small): as the letters of questions
    are typed, the JavaScript fetches only the shards it needs and ranks as Python does over the
    whole index."""
    if not NODE:
        pytest.skip("node is not installed")
    data = indexes["en", "public"]
    head = tmp_path / "search.json"
    written = shards.write(data, head, postings_bytes=2000, docs_bytes=1000, whole_bytes=0)
    table = json.loads(head.read_text("utf-8"))["shards"]
    assert len(table["postings"]["files"]) > 20 and len(table["docs"]["files"]) > 20
    asked = [q[:n] for q in ("grafitti on my garage", "stret lite out", "garbage not picked up")
             for n in range(1, len(q) + 1)]
    js = run_js(head, asked, tmp_path)
    assert js["results"] == python_results(data, asked)
    one = run_js(head, ["pothole"], tmp_path)  # one question: the head and a few shards
    assert one["results"] == python_results(data, ["pothole"])
    assert 2 < one["fetched"] < len(written) / 4
