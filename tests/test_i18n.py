"""Languages: translation files, the translate stage, one site per language, fallbacks."""

from __future__ import annotations

import html as htmlmod
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
from babel.messages.pofile import read_po
from conftest import BASE_TREE, MKDOCS_YML, write_tree

from generator.commands.i18n import load
from generator.i18n import catalog, mdsplit
from generator.pipeline.build import build
from generator.pipeline.translate import FIELDS
from generator.search import shards

LANGS = MKDOCS_YML.replace("      - {code: en, name: English}\n", (
    "      - {code: en, name: English}\n"
    "      - {code: es, name: Español}\n"
    "      - {code: ar, name: العربية}\n"
    "      - {code: hmn, name: Hmoob, formats: neutral}\n"))

TABLE_ARTICLE = """\
---
title: Bulky items
services: [pothole-repair]
---
Put bulky items out by 6 a.m.

- A sofa or a chair
- A mattress,
  wrapped in plastic

| Item | Fee |
|---|---|
| Sofa | $25 |

!!! ask
    "What is the item?"

!!! note "Good to know"
    We take up to three items.
"""


def fill(path: Path, translations: dict[str, str], fuzzy: set[str] = frozenset()) -> None:
    """Translate some messages of a PO file, the way a translator's tool would."""
    with path.open("rb") as fh:
        cat = read_po(fh)
    for msg in cat:
        key = msg.id[0] if isinstance(msg.id, tuple) else msg.id
        if key in translations:
            value = translations[key]
            msg.string = (value,) * cat.num_plurals if isinstance(msg.id, tuple) else value
            if key in fuzzy:
                msg.flags.add("fuzzy")
    path.write_bytes(catalog.render(cat))


def pot_ids(root: Path) -> dict[str, list]:
    with (root / "translations" / "content.pot").open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0]: m.locations for m in read_po(fh) if m.id}


# --- extraction ----------------------------------------------------------------------------------

def test_markdown_splits_into_blocks_and_back():
    text = "Para one\ncontinues.\n\n- item *one*\n- item two\n\n| A | B |\n|---|---|\n| c | 1 |\n"
    units = [m.text for m in mdsplit.messages(text)]
    assert units == ["Para one continues.", "item *one*", "item two", "A", "B", "c"]
    back = mdsplit.join(mdsplit.split(text), lambda m: m.text.upper())
    assert back == "PARA ONE CONTINUES.\n\n- ITEM *ONE*\n- ITEM TWO\n\n| A | B |\n|---|---|\n| C | 1 |\n"


def test_extract_is_stable_and_complete(make_tree, kb):
    root = make_tree({"articles/bulky.md": TABLE_ARTICLE})
    assert kb("i18n", "extract", "--root", root).exit_code == 0
    pot = root / "translations" / "content.pot"
    first = pot.read_bytes()
    assert kb("i18n", "extract", "--root", root).exit_code == 0
    assert pot.read_bytes() == first  # no byte changes on unchanged content
    ids = pot_ids(root)
    # one message per paragraph, list item, heading and table cell; admonition titles too
    for text in ("Put bulky items out by 6 a.m.", "A sofa or a chair", "A mattress, wrapped in plastic",
                 "Item", "Fee", "Sofa", "Good to know", "We take up to three items.",
                 "What happens next", "Pothole repair", "Where is the pothole?", "Smaller than a plate",
                 "pothole, hole in the road", "Testville",
                 "What do you need help with?", "Last reviewed: %(date)s"):
        assert text in ids, text
    assert ids["Sofa"] == [("articles/bulky.md", 13)]
    assert ids["A mattress, wrapped in plastic"] == [("articles/bulky.md", 8)]
    assert ("catalog/services/pothole-repair.yaml", 13) in ids["Where is the pothole?"]
    assert any(p.startswith("generator/templates/pages/") for p, _ in ids["What happens next"])
    # internal content never goes to translators
    raw = first.decode()
    for secret in ("What is the item?", "Thanks for calling", "I can take that report", "sinkhole",
                   "Dispatcher answers", "streets@testville.example"):
        assert secret not in raw
    assert "$25" not in ids  # no letters: nothing to translate


def test_every_translatable_field_is_translated():
    """The translate stage covers every field the schemas mark x-translate."""
    for kind, mapped in FIELDS.items():
        assert {p for p, _ in catalog.translatable_fields(kind)} == mapped, kind


LONG = ("Potholes get filled within three business days, and the crew checks the rest of the "
        "block for more holes while it is there, so one report is enough for a street.")


def test_update_marks_changed_source_fuzzy(make_tree, kb):
    article_text = BASE_TREE["articles/potholes.md"].replace(
        "Potholes get filled within three business days.", LONG)
    root = make_tree({"mkdocs.yml": LANGS, "articles/potholes.md": article_text})
    assert kb("i18n", "init", "es", "--root", root).exit_code == 0
    es = root / "translations" / "es.po"
    fill(es, {LONG: "Los baches se rellenan en un plazo de tres días hábiles.",
              "A crew visits.": "Una cuadrilla acude."})
    article = root / "articles" / "potholes.md"
    article.write_text(article.read_text().replace("three business days", "two business days"))
    result = kb("i18n", "update", "--root", root)
    assert result.exit_code == 0, result.output
    cat = catalog.read(es)
    changed = cat[LONG.replace("three", "two")]
    assert changed.fuzzy and changed.string.startswith("Los baches")
    assert changed.previous_id == [LONG]  # '#| msgid', for the translator's tool to compare
    assert not cat["A crew visits."].fuzzy
    before = es.read_bytes()
    assert kb("i18n", "update", "--root", root).exit_code == 0
    assert es.read_bytes() == before
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(es)]).returncode == 0
    check = kb("check", "--root", root)
    assert "translations/es.po:1:1: (file): warning: 1 translation is out of date (fuzzy)" in check.output


def test_a_text_that_comes_back_gets_its_translation_back(make_tree, kb):
    root = make_tree({"mkdocs.yml": LANGS})
    assert kb("i18n", "init", "es", "--root", root).exit_code == 0
    es = root / "translations" / "es.po"
    fill(es, {"A crew visits.": "Una cuadrilla acude."})
    article = root / "articles" / "potholes.md"
    original = article.read_text()
    article.write_text(original.replace("A crew visits.\n", ""))
    assert kb("i18n", "update", "--root", root).exit_code == 0
    assert "A crew visits." not in catalog.read(es) and '#~ msgid "A crew visits."' in es.read_text()
    article.write_text(original)
    assert kb("i18n", "update", "--root", root).exit_code == 0
    back = catalog.read(es)["A crew visits."]
    assert back.string == "Una cuadrilla acude." and not back.fuzzy


def test_status_numbers_on_a_bilingual_tree(make_tree, kb):
    root = make_tree({"mkdocs.yml": MKDOCS_YML.replace(
        "      - {code: en, name: English}\n",
        "      - {code: en, name: English}\n      - {code: es, name: Español}\n")})
    assert kb("i18n", "init", "es", "--root", root).exit_code == 0
    fill(root / "translations" / "es.po", {
        "Potholes": "Baches", "A crew visits.": "Una cuadrilla acude.",
        "What happens next": "Qué pasa después",
        "Potholes get filled within three business days.": "Los baches se rellenan pronto."},
        fuzzy={"Potholes get filled within three business days."})
    result = kb("i18n", "status", "--root", root, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.output)["languages"]["es"]
    art = report["files"]["articles/potholes.md"]
    assert (art["translated"], art["fuzzy"], art["untranslated"], art["total"]) == (3, 1, 0, 4)
    assert art["percent"] == 75.0
    assert report["translated"] == 3 and report["fuzzy"] == 1
    assert report["total"] == report["translated"] + report["fuzzy"] + report["untranslated"]
    assert report["percent"] == round(100 * 3 / report["total"], 1)
    text = kb("i18n", "status", "--root", root).output
    assert "articles/potholes.md: 75.0% (3/4; 1 fuzzy, 0 untranslated)" in text


def test_broken_po_file_is_a_clear_error(make_tree, kb):
    root = make_tree({"mkdocs.yml": LANGS, "translations/es.po": 'msgid "A"\nmsgstr "B"\nmsgid\n'})
    result = kb("check", "--root", root)
    assert result.exit_code == 1
    assert result.output.startswith("translations/es.po:3:1: (syntax): missing msgstr for msgid ''; "
                                     "each entry is a msgid line and a msgstr line, in double quotes\n")
    assert "Traceback" not in result.output


def test_translation_that_drops_a_placeholder_is_an_error(make_tree, kb):
    root = make_tree({"mkdocs.yml": LANGS})
    assert kb("i18n", "init", "es", "--root", root).exit_code == 0
    fill(root / "translations" / "es.po", {"Last reviewed: %(date)s": "Revisado"})
    result = kb("check", "--root", root)
    assert result.exit_code == 1
    assert "msgstr: the translation must keep the placeholders %(date)s of the source text" in result.output


# --- one small multilingual build, shared by the tests below ------------------------------------

@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    from click.testing import CliRunner

    from generator.cli import main

    root = write_tree(tmp_path_factory.mktemp("i18n") / "city",
                      {**BASE_TREE, "mkdocs.yml": LANGS, "articles/bulky.md": TABLE_ARTICLE,
                       "catalog/services/streetlight-outage.yaml":
                       BASE_TREE["catalog/services/streetlight-outage.yaml"]
                       + "fees: A $25 fee for a new pole, $1,200.50 for a cable.\n"})
    runner = CliRunner()
    for lang in ("es", "ar", "hmn"):
        assert runner.invoke(main, ["i18n", "init", lang, "--root", str(root)]).exit_code == 0
    fill(root / "translations" / "es.po", {
        "Pothole repair": "Reparación de baches", "Sofa": "Sofá", "Closed": "Cerrado",
        "Bulky items": "¿Qué hago con los objetos grandes?",
        "Cost": "Costo", "Free": "Gratis", "not yet translated": "aún no traducido",
        "Put bulky items out by 6 a.m.": "Saque los objetos grandes antes de las 6 a. m."})
    fill(root / "translations" / "hmn.po", {"Monday": "Hnub Ib", "not yet translated": "tsis tau txhais"})
    fill(root / "translations" / "ar.po", {"Pothole repair": "إصلاح الحفر"})
    out = root.parent / "site"
    build(root, out, quiet=True)
    return out / "public"


def page(public: Path, rel: str) -> str:
    return (public / rel).read_text("utf-8")


def test_fallback_keeps_source_language_and_says_so(small_site):
    text = page(small_site, "es/services/pothole-repair/index.html")
    assert '<h1 id="reparacion-de-baches">Reparación de baches</h1>' in text
    # untranslated plain text: source text, lang of the source, a notice in Spanish
    assert ('<span lang="en" dir="ltr" class="kb-untranslated">Where is the pothole?</span> '
            '<span class="kb-fallback-note" data-search-exclude="">aún no traducido</span>') in text
    bulky = page(small_site, "es/answers/bulky/index.html")
    assert "<p>Saque los objetos grandes antes de las 6 a. m.</p>" in bulky
    assert '<td>Sofá</td>' in bulky
    assert re.search(r'<li><span lang="en" dir="ltr" class="kb-untranslated">A sofa or a chair</span> '
                     r'<span class="kb-fallback-note"[^>]*>aún no traducido</span></li>', bulky)
    # the notice is not searchable text
    index = shards.read(small_site / "api/v2/es/search.json")  # the head and its shards
    assert "Reparación de baches" in [d["title"] for d in index["docs"]]
    assert "traducido" not in index["forms"]


def test_a_to_z_files_titles_under_their_first_letter(small_site):
    text = page(small_site, "es/a-z/index.html")
    headings = re.findall(r'<h2 id="letter-\d+">([^<]*)</h2>', text)
    assert all(h.strip() for h in headings) and "Q" in headings  # "¿Qué ...?" under Q
    assert "#" not in headings


def test_no_page_is_missing_in_any_language(small_site):
    def pages(lang):
        return {p.relative_to(small_site / lang).as_posix() for p in (small_site / lang).rglob("*.html")}
    english = pages("en")
    assert len(english) > 8
    for lang in ("es", "ar", "hmn"):
        assert pages(lang) == english


def switcher_links(html: str) -> list[str]:
    block = html.split("data-kb-switcher", 1)
    assert len(block) == 2, "no language switcher"
    return re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', block[1].split("</ul>", 1)[0])


def assert_switchers_resolve(public: Path, langs: list[str]) -> int:
    checked = 0
    for file in public.rglob("*.html"):
        rel = file.relative_to(public).as_posix()
        if "/" not in rel or rel.endswith("404.html"):
            continue  # the chooser at the root; 404 pages use absolute links (tested below)
        links = switcher_links(file.read_text("utf-8"))
        assert [code for _, code in links] == langs, rel
        for href, code in links:
            target = urljoin("http://x/" + rel, htmlmod.unescape(href))
            path = target[len("http://x/"):]
            assert path.split("/", 1)[0] == code
            dest = public / path
            assert (dest / "index.html" if path.endswith("/") or not path else dest).is_file(), \
                f"{rel}: {href}"
            # the same page, in the other language
            assert path.split("/", 1)[1] == rel.split("/", 1)[1].removesuffix("index.html")
        checked += 1
    return checked


def test_every_switcher_link_leads_to_the_same_page(small_site):
    assert assert_switchers_resolve(small_site, ["en", "es", "ar", "hmn"]) > 30
    # search engines get the same page in each language, as absolute addresses
    service = page(small_site, "ar/services/pothole-repair/index.html")
    for code in ("en", "es", "ar", "hmn"):
        assert (f'<link rel="alternate" href="https://311.testville.example/{code}/services/'
                f'pothole-repair/" hreflang="{code}">') in service
    # the 404 page is served at any depth: its links are absolute, to each language's home
    notfound = page(small_site, "es/404.html")
    assert [href for href, _ in switcher_links(notfound)] == [
        "/es/../en/", "/es/../es/", "/es/../ar/", "/es/../hmn/"]


def test_arabic_pages_are_right_to_left(small_site):
    for rel in ("ar/index.html", "ar/services/pothole-repair/index.html", "ar/404.html"):
        text = page(small_site, rel)
        assert re.search(r'<html lang="ar"[^>]*dir="rtl"', text), rel
        assert '<body dir="rtl"' in text
    assert re.search(r'<html lang="es"[^>]*dir="ltr"', page(small_site, "es/index.html"))
    # phone numbers keep their order inside right-to-left text
    dept = page(small_site, "ar/departments/public-works/index.html")
    assert '<span dir="ltr">555-555-0100</span>' in dept
    assert '<span dir="ltr">' not in page(small_site, "es/departments/public-works/index.html")


def test_search_per_language(small_site):
    def index(lang):
        return shards.read(small_site / f"api/v2/{lang}/search.json")
    for lang in ("en", "es", "ar", "hmn"):
        data = index(lang)
        assert data["lang"] == lang
        assert all(d["url"].startswith(f"{lang}/") for d in data["docs"])
    assert "Reparación de baches" in [d["title"] for d in index("es")["docs"]]
    assert "de" in index("es")["stop"] and "de" not in index("hmn")["stop"]  # no other language's stop words


def test_locale_formats(small_site):
    es = page(small_site, "es/departments/public-works/index.html")
    assert "<td>lunes</td>" in es and "<td>7:30–16:30</td>" in es
    en = page(small_site, "en/departments/public-works/index.html")
    assert "<td>Monday</td>" in en and "7:30\u202fAM–4:30\u202fPM" in en
    # Hmong has no locale data: weekday names from the PO file, 24-hour times, said in config
    hmn = page(small_site, "hmn/departments/public-works/index.html")
    assert "<td>Hnub Ib</td>" in hmn and "<td>07:30–16:30</td>" in hmn
    assert '<html lang="hmn"' in hmn
    assert "Nrhiav" in hmn  # Material's interface in Hmong (theme/partials/languages/hmn.html)
    # fees in the page's currency conventions
    light = page(small_site, "es/services/streetlight-outage/index.html")
    assert "A 25,00&nbsp;US$ fee for a new pole, 1.200,50&nbsp;US$ for a cable." in light
    assert "A $25.00 fee for a new pole, $1,200.50 for a cable." in page(
        small_site, "en/services/streetlight-outage/index.html")
    assert "A 25.00 USD fee" in page(small_site, "hmn/services/streetlight-outage/index.html")
    assert "<p>Gratis</p>" in page(small_site, "es/services/pothole-repair/index.html")


def test_new_language_in_one_command_and_one_line(make_tree, kb, tmp_path):
    root = make_tree()
    result = kb("i18n", "init", "xx", "--root", root)
    assert result.exit_code == 0, result.output
    line = result.stdout.rstrip().splitlines()[-1]
    assert line.startswith("      - {code: xx")
    assert (root / "translations" / "xx.po").is_file()
    run = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(root / "translations" / "xx.po")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    cfg = root / "mkdocs.yml"
    cfg.write_text(cfg.read_text().replace("      - {code: en, name: English}\n",
                                           "      - {code: en, name: English}\n" + line + "\n"))
    check = kb("check", "--root", root, "--strict")
    assert check.exit_code == 0, check.output
    out = tmp_path / "site"
    result = kb("build", "--root", root, "--out", out, "--lang", "en", "--lang", "xx",
                "--audience", "public")
    assert result.exit_code == 0, result.output
    home = (out / "public" / "xx" / "index.html").read_text()
    assert '<html lang="xx"' in home
    assert (out / "public" / "xx" / "services" / "pothole-repair" / "index.html").is_file()
    assert "hreflang=\"xx\"" in (out / "public" / "index.html").read_text()


# --- the demo city -----------------------------------------------------------------------------------

def demo_languages(root: Path) -> list[str]:
    return re.findall(r"- \{code: ([a-z-]+)", (root / "mkdocs.yml").read_text())


def test_demo_po_files_pass_msgfmt_check(demo_root):
    files = sorted((demo_root / "translations").glob("*.po"))
    assert {f.stem for f in files} >= {"es", "fr", "so", "hmn", "ar"}
    for f in files:
        run = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(f)],
                             capture_output=True, text=True)
        assert run.returncode == 0, f"{f.name}: {run.stderr}"


def test_demo_translation_files_are_current(demo_root, tmp_path):
    """content.pot is what extract writes today (nobody forgot to run kb i18n update)."""
    copy = tmp_path / "demo"
    copy.mkdir()
    for part in ("mkdocs.yml", "catalog", "articles", "translations", "theme"):
        src = demo_root / part
        if src.is_dir():
            shutil.copytree(src, copy / part)
        elif src.exists():
            shutil.copy(src, copy / part)
    path, changed, _ = catalog.extract(copy, load(copy))
    assert not changed, "translations/content.pot is stale: run 'kb i18n update'"


def test_demo_spanish_and_french_are_complete_real_translations(demo_root):
    report = catalog.status(demo_root, load(demo_root))["languages"]
    for lang in ("es", "fr"):
        assert report[lang]["percent"] == 100.0, (lang, report[lang])
        with (demo_root / "translations" / f"{lang}.po").open("rb") as fh:
            cat = read_po(fh)
        # a copy of the English does not count; names ("Northstar Electric") and words that are
        # the same in both languages ("Idea", "Services") aside
        same = [m.id for m in cat if m.id and isinstance(m.id, str) and m.string == m.id
                and len(re.findall(r"\b[a-z]{4,}\b", re.sub(r"%\(\w+\)s", "", m.id))) >= 2]
        assert not same, (lang, same)
    for lang in ("so", "hmn", "ar"):
        assert 25 <= report[lang]["percent"] <= 70, (lang, report[lang]["percent"])


def test_demo_site_languages(demo_site, demo_root):
    public = demo_site / "public"
    langs = demo_languages(demo_root)
    assert langs[:1] == ["en"] and {"es", "fr", "so", "hmn", "ar"} <= set(langs)
    assert assert_switchers_resolve(public, langs) > 100
    assert re.search(r'<html lang="ar"[^>]*dir="rtl"', page(public, "ar/index.html"))
    # partial languages show the fallback; complete ones never do
    assert any("kb-fallback-note" in p.read_text() for p in (public / "so" / "services").rglob("*.html"))
    for lang in ("es", "fr"):
        leftovers = [p for p in (public / lang).rglob("*.html") if "kb-untranslated" in p.read_text()]
        assert not leftovers, leftovers[:3]


# --- in a browser ----------------------------------------------------------------------------------

@pytest.mark.browser
def test_chooser_follows_browser_language_and_switcher_keeps_the_page(small_site, browser, serve):
    base = serve(small_site, "/city/311/")
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    page.goto(base)
    page.wait_for_url(base + "es/")
    assert page.locator("html").get_attribute("lang") == "es"
    # ?choose shows the chooser itself, whatever the browser prefers
    page.goto(base + "?choose")
    assert page.locator('a[hreflang="hmn"]').inner_text() == "Hmoob"
    # the switcher (Material's JavaScript included) leads to the same page in the other language
    page.goto(base + "es/services/pothole-repair/")
    page.locator('[data-kb-switcher] a[hreflang="ar"]').dispatch_event("click")
    page.wait_for_url(base + "ar/services/pothole-repair/")
    assert page.locator("h1").inner_text() == "إصلاح الحفر"
    context.close()


@pytest.mark.browser
def test_arabic_layout_is_mirrored(small_site, browser, serve):
    base = serve(small_site)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    for lang, side in (("en", "left"), ("ar", "right")):
        page.goto(f"{base}{lang}/departments/public-works/")
        assert page.evaluate("getComputedStyle(document.body).direction") == \
            ("rtl" if lang == "ar" else "ltr")
        nav = page.locator(".md-sidebar--primary").bounding_box()
        content = page.locator(".md-content").bounding_box()
        if side == "left":
            assert nav["x"] < content["x"]
        else:
            assert nav["x"] > content["x"]
    page.close()


def test_a_link_to_an_agent_only_article_is_dropped_and_its_paragraph_stays_translated(make_tree, kb):
    guide = "---\ntitle: Call guide\nservices: [pothole-repair]\naudience: agent\n---\nSteps.\n"
    article = BASE_TREE["articles/potholes.md"] + "\nAsk us about [the call guide](article:call-guide).\n"
    root = make_tree({"mkdocs.yml": LANGS, "articles/call-guide.md": guide, "articles/potholes.md": article})
    assert kb("i18n", "init", "es", "--root", root).exit_code == 0
    fill(root / "translations" / "es.po", {
        "Ask us about [the call guide](article:call-guide).":
            "Pregúntenos por [la guía de llamadas](article:call-guide)."})
    result = kb("build", "--root", root, "--lang", "en", "--lang", "es")
    assert result.exit_code == 0, result.output
    public, agent = root / "site" / "public", root / "site" / "agent"
    es_page = page(public, "es/answers/potholes/index.html")
    assert "Pregúntenos por la guía de llamadas." in es_page
    assert "call-guide" not in es_page
    body = {a["id"]: a["body"] for a in json.loads(page(public, "api/v1/es/articles.json"))["articles"]}
    assert "Pregúntenos por la guía de llamadas." in body["potholes"]
    assert "Ask us about the call guide." in page(public, "en/answers/potholes/index.html")
    assert not any("call-guide" in path.read_text("utf-8", "replace")
                   for path in public.rglob("*") if path.is_file() and path.suffix in {".html", ".json", ".xml"})
    assert 'href="../call-guide/">la guía de llamadas</a>' in page(agent, "es/answers/potholes/index.html")
