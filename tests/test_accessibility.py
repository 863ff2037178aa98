"""Accessibility: axe-core finds nothing on any page template, in English, Spanish and Arabic, at
desktop and phone widths (and in the dark scheme), best-practice rules included.

The demo city is built once (the `demo_site` fixture) and served over HTTP; each case opens one
page in a fresh browser context, brings it to the state a person sees (search open with a query
typed, console with results) and runs axe-core (axe-playwright-python ships it: no network).
A language the demo does not configure yet is skipped, saying so.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browserkit import (
    DEMO_LANGS,
    HAS_CONSOLE,
    NO_CONSOLE,
    PHONE,
    WIDTHS,
    axe_violations,
    demo_lacks,
    new_page,
    search,
    settle,
)
from conftest import BASE_TREE, write_tree

pytestmark = pytest.mark.browser

LANGS = ["en", "es", "ar"]
PUBLIC = ["home", "search-results", "service", "department", "group", "article", "a-z", "404"]
AGENT = ["console", "transfers", "agent-service"]


def pick(folder: Path, preferred: list[str]) -> str:
    """A page id in folder: the first preferred one that exists, else the first by name."""
    ids = sorted(p.name for p in folder.iterdir() if (p / "index.html").exists())
    assert ids, f"no pages in {folder}"
    return next((i for i in preferred if i in ids), ids[0])


@pytest.fixture(scope="module")
def pages(browser):
    """pages(viewport, scheme) -> a new page in a context shared by the module's cases of that
    viewport and scheme (a context costs more than a page; each case still gets its own page)."""
    contexts = {}

    def open_page(viewport, scheme="light"):
        key = (viewport["width"], scheme)
        if key not in contexts:
            contexts[key] = new_page(browser, viewport, scheme=scheme).context
        return contexts[key].new_page()

    yield open_page
    for context in contexts.values():
        context.close()


@pytest.fixture(scope="module")
def sites(demo_site):
    """URL bases for the demo's public and agent sites, served over HTTP for the module."""
    from conftest import StaticServer

    servers = [StaticServer(demo_site / "public"), StaticServer(demo_site / "agent")]
    yield {"public": servers[0].url, "agent": servers[1].url, "out": demo_site}
    for server in servers:
        server.close()


def open_template(pages, sites, lang: str, template: str, viewport, scheme="light"):
    """Open one page template in the state a person sees it; returns the page."""
    out = sites["out"]
    public, agent = out / "public" / lang, out / "agent" / lang
    paths = {
        "home": ("public", ""),
        "search-results": ("public", ""),
        "service": ("public", f"services/{pick(public / 'services', ['pothole-repair'])}/"),
        "department": ("public", f"departments/{pick(public / 'departments', ['public-works'])}/"),
        "group": ("public", f"groups/{pick(public / 'groups', [])}/"),
        "article": ("public", f"answers/{pick(public / 'answers', ['missed-garbage-pickup'])}/"),
        "a-z": ("public", "a-z/"),
        "404": ("public", "404.html"),
        "console": ("agent", ""),
        "transfers": ("agent", "transfers/"),
        "agent-service": ("agent", f"services/{pick(agent / 'services', ['pothole-repair'])}/"),
    }
    audience, path = paths[template]
    page = pages(viewport, scheme)
    page.goto(f"{sites[audience]}{lang}/{path}")
    if template == "search-results":
        search(page, translated_name(out / "public", lang))
    elif template == "console":
        query = first_heading(agent / "services" / pick(agent / "services", ["pothole-repair"])
                              / "index.html")
        box = page.locator("#kb-console-q")
        box.press_sequentially(query, delay=10)
        page.locator("#kb-console-results > *").first.wait_for(state="visible")
    return page


def translated_name(public: Path, lang: str) -> str:
    """The name of a service as this language's site shows it, preferring one that is translated
    (a resident searches in their language; an untranslated name is the English one)."""
    names = []
    for folder in sorted((public / lang / "services").iterdir(), key=lambda p: p.name != "pothole-repair"):
        name = first_heading(folder / "index.html")
        english = public / "en" / "services" / folder.name / "index.html"
        if lang == "en" or not english.exists() or name != first_heading(english):
            return name
        names.append(name)
    return names[0]


def first_heading(html_file: Path) -> str:
    import re

    match = re.search(r"<h1[^>]*>(.*?)</h1>", html_file.read_text("utf-8"), re.S)
    assert match, html_file
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def cases():
    for lang in LANGS:
        for width in WIDTHS:
            for template in PUBLIC + AGENT:
                marks = [pytest.mark.skipif(lang not in DEMO_LANGS, reason=demo_lacks(lang))]
                if template == "console":
                    marks.append(pytest.mark.skipif(not HAS_CONSOLE, reason=NO_CONSOLE))
                yield pytest.param(lang, width, template, id=f"{lang}-{width}-{template}", marks=marks)


@pytest.mark.parametrize("lang, width, template", list(cases()))
def test_no_axe_violations(pages, sites, lang, width, template):
    page = open_template(pages, sites, lang, template, WIDTHS[width])
    assert axe_violations(page) == []
    page.close()


@pytest.mark.parametrize("template", [
    "home", "search-results", "service",
    pytest.param("console", marks=pytest.mark.skipif(not HAS_CONSOLE, reason=NO_CONSOLE))])
def test_no_axe_violations_in_the_dark_scheme(pages, sites, template):
    """Phones in dark mode get Material's slate scheme: its colours must pass too (the
    templates with their own colours: buttons, search results, the console)."""
    page = open_template(pages, sites, "en", template, PHONE, scheme="dark")
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    assert axe_violations(page) == []
    page.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_language_chooser_has_no_axe_violations(pages, sites, width):
    page = pages(WIDTHS[width])
    page.goto(sites["public"] + "index.html?choose")  # ?choose: stay, do not follow the browser
    assert page.locator("a[hreflang]").count() == len(DEMO_LANGS)
    assert axe_violations(page) == []


# --- Stock Material's three violations, fixed in the package theme -------------------------------

@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    """A two-language fixture city (English, Arabic) with the demo's Material settings."""
    from generator.pipeline.build import build

    base = tmp_path_factory.mktemp("a11y")
    root = write_tree(base / "city", BASE_TREE)
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text("utf-8").replace(
        "  font: false\n",
        "  font: false\n  features: [navigation.instant]\n"
        "  palette: {scheme: default, primary: indigo, accent: indigo}\n").replace(
        "      - {code: en, name: English}\n",
        "      - {code: en, name: English}\n      - {code: ar, name: العربية}\n"), "utf-8")
    build(root, base / "site", audience="public", quiet=True)
    return base / "site" / "public"


def test_stock_material_violations_are_fixed(browser, serve, small_site):
    """Material 9.8 alone fails aria-dialog-name (its search dialog has no name; kb's search
    dialog has one), color-contrast (footer) and link-in-text-block (links told apart by colour
    only)."""
    page = new_page(browser)
    page.goto(serve(small_site) + "ar/services/pothole-repair/")
    assert page.locator("[data-kb-search-dialog]").get_attribute("aria-labelledby")
    underlined = page.locator(".md-content p a[href]").evaluate_all(
        "links => links.map(a => getComputedStyle(a).textDecorationLine)")
    assert set(underlined) <= {"underline"}
    assert axe_violations(page) == []
    search(page, "pothole")
    settle(page)
    assert axe_violations(page) == []
