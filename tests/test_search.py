"""Search: the prebuilt lunr index (lunr.js 2.3.9 reads it and agrees with kb search), kb search's
output, Spanish stemming without accents, no agent-only words in public indexes, and the site's
search box answering a full, inflected word."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from browserkit import first_result_leads_to, search

from generator.formats import search_index
from generator.pipeline.build import build

REPO = Path(__file__).resolve().parent.parent
NODE_SCRIPT = REPO / "tests" / "js" / "search.js"
NODE = shutil.which("node")


def lunr_languages_dir() -> Path:
    import material
    return Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "lunr" / "min"


def node_search(index_file: Path, queries: list[str]) -> list[list[list]]:
    if not NODE:
        pytest.skip("node is not installed")
    out = subprocess.run([NODE, str(NODE_SCRIPT), str(index_file), str(lunr_languages_dir()),
                          *queries], check=True, capture_output=True, text=True, timeout=60)
    return json.loads(out.stdout)


def kb_json(kb, root: Path, query: str, *args: str) -> dict:
    result = kb("search", query, "--root", root, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_same_as_lunr_js(kb, root: Path, index_file: Path, lang: str, queries: list[str]):
    """The published v1 index: its Python query recipe and lunr.js agree (kept for a release)."""
    js = node_search(index_file, queries)
    data = json.loads(index_file.read_text("utf-8"))
    for query, hits in zip(queries, js):
        ours = search_index.search(data, query)
        assert ours, query
        assert hits, f"lunr.js found nothing for {query!r}"
        kind, _, id_ = hits[0][0].partition(":")
        assert (ours[0]["kind"], ours[0]["id"]) == (kind, id_), query
        assert ours[0]["score"] == pytest.approx(hits[0][1], abs=1e-3), query


# --- English: the shared small tree -----------------------------------------------------------

@pytest.fixture
def built(make_tree):
    root = make_tree({"articles/potholes.md": None})
    build(root, root / "site", audience="public", quiet=True)
    return root


EXPECTED_JSON = """\
{
  "query": "hole in the road",
  "lang": "en",
  "audience": "public",
  "results": [
    {
      "rank": 1,
      "id": "pothole-repair",
      "kind": "service",
      "title": "Pothole repair",
      "summary": "Report a pothole on a city street so a crew can fill it.",
      "url": "en/services/pothole-repair/",
      "score": 1457.62,
      "handler": {
        "id": "public-works",
        "name": "Public Works",
        "kind": "city",
        "phone": "555-555-0100",
        "url": "en/departments/public-works/"
      }
    }
  ]
}
"""


def test_kb_search_json_is_stable(built, kb):
    result = kb("search", "hole in the road", "--root", built, "--format", "json")
    assert result.exit_code == 0
    assert result.stdout == EXPECTED_JSON


def test_kb_search_text_and_limits(built, kb):
    result = kb("search", "streetlights flickering", "--root", built)
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first.split() == ["1.", "Streetlight", "outage", "service",
                             "en/services/streetlight-outage/"]
    limited = kb_json(kb, built, "street", "--limit", "1")
    assert len(limited["results"]) == 1
    assert kb("search", "x", "--root", built, "--lang", "zz").exit_code == 1
    assert kb("search", "x", "--root", built, "--limit", "0").exit_code == 2


def test_lunr_js_loads_the_index_and_agrees(built, kb):
    index_file = built / "site" / "public" / "api" / "v1" / "en" / "search-index.json"
    data = json.loads(index_file.read_text("utf-8"))
    assert data["index"]["version"] == "2.3.9"
    assert data["docs"]["service:pothole-repair"] == {
        "id": "pothole-repair", "kind": "service", "title": "Pothole repair",
        "url": "en/services/pothole-repair/",
        "summary": "Report a pothole on a city street so a crew can fill it."}
    # an inflected word, a partial word, a misspelling, a description of the problem
    assert_same_as_lunr_js(kb, built, index_file, "en",
                           ["potholes", "streetl", "flickring light", "hole in the road"])


def test_kb_search_without_a_build_searches_the_content(make_tree, kb):
    root = make_tree()
    result = kb("search", "potholes", "--root", root, "--format", "json")
    assert result.exit_code == 0
    assert "no built index" in result.stderr
    assert json.loads(result.stdout)["results"][0]["id"] == "pothole-repair"
    assert not (root / "site").exists()  # nothing written


def test_agent_words_stay_out_of_public_indexes(make_tree, kb):
    root = make_tree()
    build(root, root / "site", quiet=True)
    public = (root / "site/public/api/v1/en/search-index.json").read_text("utf-8")
    site = "".join(p.read_text("utf-8")  # the sites' boxes: the index's head and shards
                   for p in sorted((root / "site/public/api/v2/en").rglob("*.json")))
    agent = (root / "site/agent/api/v1/en/search-index.json").read_text("utf-8")
    for text in (public, site):
        assert "take that report" not in text.lower()
        assert "thanks for calling" not in text.lower()
    terms = lambda text: [t for t, _ in json.loads(text)["index"]["invertedIndex"]]  # noqa: E731
    assert "take" in terms(agent) and "take" not in terms(public)
    assert kb_json(kb, root, "take", "--audience", "agent")["results"][0]["id"] == "pothole-repair"


def test_index_is_deterministic(make_tree):
    from generator.pipeline.build import check
    from generator.pipeline.model import build_site

    checked = check(make_tree())
    site = build_site(checked.tree, checked.config, "public")
    assert search_index.dumps(search_index.build_index(site, "en")) == \
        search_index.dumps(search_index.build_index(site, "en"))


def test_quick_builder_makes_lunrs_own_index(demo_root, monkeypatch):
    """kb's quicker lunr Builder gives the very index lunr.py's own gives, in every language of
    the demo and both audiences (stemmers, stop words and word characters differ)."""
    from lunr.builder import Builder

    from generator.i18n.locale import interface_translations
    from generator.pipeline.build import check
    from generator.pipeline.model import build_site
    from generator.pipeline.translate import translate

    checked = check(demo_root)
    config = checked.config
    compared = 0
    for audience in ("public", "agent"):
        source = build_site(checked.tree, config, audience)
        for lang in [lg.code for lg in config.languages]:
            site = translate(source, lang, interface_translations(config.root, lang, config.source.code))
            quick = search_index.dumps(search_index.build_index(site, lang))
            with monkeypatch.context() as m:
                m.setattr(search_index, "_Builder", Builder)
                own = search_index.dumps(search_index.build_index(site, lang))
            assert quick == own, (audience, lang)
            assert len(json.loads(own)["index"]["invertedIndex"]) > 100
            compared += 1
    assert compared >= 2


def test_quick_builder_on_odd_documents():
    """Empty fields (an average length of 0), lists, hyphens, no-break spaces, stop words only."""
    from lunr.builder import Builder

    docs = [{"ref": "a", "title": "Pot-hole\xa0repair  on Main", "body": "", "tags": ["Snow", "ice"]},
            {"ref": "b", "title": "the and of", "body": "", "tags": []},
            {"ref": "c", "title": "Potholes, potholes!", "body": "", "tags": None}]

    def index(cls):
        builder = cls()
        builder.pipeline.add(*search_index.pipeline_functions("en"))
        builder.ref("ref")
        for name, boost in (("title", 3), ("body", 1), ("tags", 2)):
            builder.field(name, boost=boost)
        for doc in docs:
            builder.add(doc, attributes={"boost": 2 if doc["ref"] == "a" else 1})
        return search_index.dumps(builder.build().serialize())

    assert index(search_index._Builder) == index(Builder)


# --- Spanish and French: trees whose source language is that language ------------------------

def language_tree(lang: str, name: str, service: str, other: str) -> dict:
    return {
        "mkdocs.yml": f"""\
site_name: Testville 311
site_url: https://311.testville.example/
theme: {{name: material, font: false}}
extra:
  kb:
    city: Testville
    timezone: America/Chicago
    phones: {{main: "311"}}
    languages:
      - {{code: {lang}, name: {name}}}
""",
        "catalog/services/pothole-repair.yaml": None,
        "catalog/services/streetlight-outage.yaml": None,
        "articles/potholes.md": None,
        "catalog/services/garbage.yaml": service,
        "catalog/services/streetlight.yaml": other,
    }


SPANISH = language_tree("es", "Español", """\
name: Recolección de basura
department: public-works
group: Calles y basura
summary: Avise si no recogieron su basura o su contenedor el día de recolección.
keywords: [basura, camión de la basura, contenedor, desechos]
""", """\
name: Alumbrado público apagado
department: public-works
group: Calles y basura
summary: Avise de una farola o un poste de luz que no enciende o parpadea.
keywords: [farola, luz de la calle, poste de luz]
""")

FRENCH = language_tree("fr", "Français", """\
name: Collecte des ordures
department: public-works
group: Rues et déchets
summary: Signalez une collecte des déchets manquée ou un bac oublié.
keywords: [ordures, poubelle, déchets ménagers, bac]
""", """\
name: Lampadaire en panne
department: public-works
group: Rues et déchets
summary: Signalez un lampadaire éteint ou qui clignote dans une rue.
keywords: [lampadaire, éclairage de rue, lumière]
""")


@pytest.mark.parametrize("lang, tree, queries, expected", [
    ("es", SPANISH, ["recoleccion", "camion basura", "farolas", "no recogieron"],
     ["garbage", "garbage", "streetlight", "garbage"]),
    ("fr", FRENCH, ["poubelles", "déchet", "lampadaires", "eclairage"],
     ["garbage", "garbage", "streetlight", "streetlight"]),
])
def test_other_languages_stem_offline_and_agree_with_lunr_js(make_tree, kb, lang, tree, queries,
                                                             expected):
    root = make_tree(tree)
    build(root, root / "site", audience="public", quiet=True)
    index_file = root / "site" / "public" / "api" / "v1" / lang / "search-index.json"
    data = json.loads(index_file.read_text("utf-8"))
    assert data["index"]["pipeline"] == [f"trimmer-{lang}", f"stopWordFilter-{lang}",
                                         f"stemmer-{lang}"]
    for query, want in zip(queries, expected):
        assert kb_json(kb, root, query)["results"][0]["id"] == want, query
    assert_same_as_lunr_js(kb, root, index_file, lang, queries)


def test_spanish_query_without_accents_finds_the_accented_page(make_tree, kb):
    root = make_tree(SPANISH)
    results = kb_json(kb, root, "recoleccion camion")["results"]
    assert results[0]["title"] == "Recolección de basura"


# --- the site's search box ------------------------------------------------------------------------

@pytest.mark.browser
def test_search_box_finds_full_and_inflected_words(built, page, serve):
    """The search in the header (kb's, over api/v2) finds word forms and misspellings."""

    base = serve(built / "site" / "public")
    page.goto(base + "en/")
    page.locator("[data-kb-search-open]").click()
    for query, want in [("potholes", "services/pothole-repair/"),
                        ("streetlights", "services/streetlight-outage/"),
                        ("flickring", "services/streetlight-outage/")]:
        first_result_leads_to(page, query, want)


# --- the demo city (once its content is in the checkout) ----------------------------------------

DEMO_QUERIES = {
    "en": ["my trash wasn't picked up", "dead racoon", "street light out", "pot hole"],
    "es": ["no recogieron mi basura", "bache en la calle", "perro suelto"],
    "fr": ["poubelle pas vidée", "nid de poule", "odeur de gaz"],
}


def test_demo_indexes_agree_with_lunr_js(demo_site):
    checked = 0
    for lang, queries in DEMO_QUERIES.items():
        index_file = demo_site / "public" / "api" / "v1" / lang / "search-index.json"
        if not index_file.is_file():
            continue  # a language the demo does not have (yet)
        data = json.loads(index_file.read_text("utf-8"))
        js = node_search(index_file, queries)
        for query, hits in zip(queries, js):
            ours = search_index.search(data, query, 5)
            assert ours and hits, (lang, query)
            assert f"{ours[0]['kind']}:{ours[0]['id']}" == hits[0][0], (lang, query)
        checked += 1
    assert checked, "the demo has none of en, es, fr"


def test_prebuilt_index_follows_its_published_schema(built):
    import jsonschema

    public = built / "site" / "public" / "api" / "v1"
    schema = json.loads((public / "schema" / "search-index.schema.json").read_text("utf-8"))
    jsonschema.validate(json.loads((public / "en" / "search-index.json").read_text("utf-8")), schema)


@pytest.mark.browser
def test_search_box_finds_accented_spanish_page_without_accents(make_tree, page, serve):
    root = make_tree(SPANISH)
    build(root, root / "site", audience="public", quiet=True)
    page.goto(serve(root / "site" / "public") + "es/")
    first = search(page, "recoleccion camion").first
    assert "Recolección de basura" in first.inner_text()
    assert "/services/garbage/" in first.locator("a").first.get_attribute("href")


@pytest.mark.browser
def test_arabic_search_box_finds_arabic_words_and_untranslated_english_ones(make_tree, kb, page, serve):
    """An untranslated (English) name on an Arabic page is found, and a translated one by its
    Arabic words."""
    from test_i18n import fill

    root = make_tree()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "      - {code: en, name: English}\n",
        "      - {code: en, name: English}\n      - {code: ar, name: العربية}\n"), "utf-8")
    assert kb("i18n", "init", "ar", "--root", root).exit_code == 0
    fill(root / "translations" / "ar.po", {"Pothole repair": "إصلاح الحفر"})
    build(root, root / "site", audience="public", quiet=True)
    page.goto(serve(root / "site" / "public") + "ar/")
    page.locator("[data-kb-search-open]").click()
    for query, want in [("الحفر", "services/pothole-repair/"),
                        ("streetlight", "services/streetlight-outage/")]:
        first_result_leads_to(page, query, want)
