"""What residents do, in Chromium, on the demo city: search (in Spanish too) and open a service,
switch language on a service page, browse by department, read and navigate without JavaScript,
use the site hosted under a sub-path, reach a 404 page in their language; Arabic is right to left.

Tests for a language the demo does not configure yet skip, saying which (browserkit.DEMO_LANGS).
"""

from __future__ import annotations

import re

import pytest
import yaml
from browserkit import (
    DEMO_LANGS,
    DESKTOP,
    PHONE,
    demo_lacks,
    new_page,
    search,
    watch_failures,
)
from conftest import BASE_TREE, REPO, write_tree

pytestmark = pytest.mark.browser

SERVICE, DEPARTMENT = "pothole-repair", "public-works"


def source_name(kind: str, ident: str) -> str:
    """The English name of a demo service or department, from its YAML file."""
    return yaml.safe_load((REPO / "catalog" / kind / f"{ident}.yaml").read_text("utf-8"))["name"]


@pytest.fixture(scope="module")
def public(demo_site):
    """The demo's public site over HTTP at the root path: base URL ending in '/'."""
    from conftest import StaticServer

    server = StaticServer(demo_site / "public")
    yield server.url
    server.close()


def heading(page) -> str:
    return page.locator(".md-content h1").first.inner_text().strip()


# --- Search --------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, query, viewport", [
    pytest.param("en", "potholes", DESKTOP, id="en-desktop"),
    pytest.param("es", "baches", PHONE, id="es-phone",
                 marks=pytest.mark.skipif("es" not in DEMO_LANGS, reason=demo_lacks("es"))),
])
def test_resident_searches_and_opens_a_service(browser, public, lang, query, viewport):
    """A resident types how they would say it, in their language, and opens the service."""
    page = new_page(browser, viewport)
    failures = watch_failures(page)
    page.goto(f"{public}{lang}/")
    results = search(page, query)
    link = results.locator(f"a[href*='services/{SERVICE}/']").first
    link.wait_for(state="visible")
    title = link.inner_text().strip()  # the result shows the service's name
    link.click()
    page.wait_for_url(re.compile(rf"/{lang}/services/{SERVICE}/$"))
    assert page.locator("html").get_attribute("lang") == lang
    assert heading(page) == title
    if lang != "en":  # the page is translated, not the English one
        assert heading(page) != source_name("services", SERVICE)
    assert failures == []


# --- Language switcher ---------------------------------------------------------------------------

def switch_language(page, lang: str) -> None:
    """Use the page's language switcher with the keyboard: focus its button, Tab to the
    language, Enter (Material's select opens on keyboard focus as on hover)."""
    target = page.locator(f"a[hreflang='{lang}']").first
    select = page.locator(".md-select").filter(has=target).first
    select.locator("button").first.focus()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == lang:
            break
    assert target.is_visible(), "the focused language link is shown"
    page.keyboard.press("Enter")


@pytest.mark.skipif("es" not in DEMO_LANGS, reason=demo_lacks("es"))
def test_switching_language_on_a_service_page_lands_on_the_same_service(browser, public):
    page = new_page(browser, DESKTOP)
    failures = watch_failures(page)
    page.goto(f"{public}en/services/{SERVICE}/")
    english = heading(page)
    switch_language(page, "es")
    page.wait_for_url(re.compile(rf"/es/services/{SERVICE}/$"))
    assert page.locator("html").get_attribute("lang") == "es"
    assert heading(page) != english
    switch_language(page, "en")
    page.wait_for_url(re.compile(rf"/en/services/{SERVICE}/$"))
    assert heading(page) == english
    assert failures == []


@pytest.mark.skipif("es" not in DEMO_LANGS, reason=demo_lacks("es"))
def test_language_chooser_follows_the_browsers_language(browser, public):
    page = new_page(browser, PHONE, locale="es-MX")
    page.goto(public)
    page.wait_for_url(re.compile(r"/es/$"))
    assert page.locator("html").get_attribute("lang") == "es"


# --- Browsing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [pytest.param(DESKTOP, id="desktop"),
                                      pytest.param(PHONE, id="phone")])
def test_resident_browses_by_department(browser, public, viewport):
    """Home -> the department -> one of its services, by clicking what is on the page."""
    page = new_page(browser, viewport)
    failures = watch_failures(page)
    page.goto(f"{public}en/")
    page.locator(f".md-content a[href$='departments/{DEPARTMENT}/']").first.click()
    page.wait_for_url(re.compile(rf"/en/departments/{DEPARTMENT}/$"))
    assert heading(page) == source_name("departments", DEPARTMENT)
    page.locator(f".md-content a[href$='services/{SERVICE}/']").first.click()
    page.wait_for_url(re.compile(rf"/en/services/{SERVICE}/$"))
    assert heading(page) == source_name("services", SERVICE)
    # The service page names its department and links back to it.
    assert page.locator(f".md-content a[href$='departments/{DEPARTMENT}/']").count() >= 1
    assert failures == []


# --- Without JavaScript --------------------------------------------------------------------------

def test_resident_pages_work_without_javascript(browser, public):
    """No JavaScript, phone width: the menu opens, the A to Z lists the services, a service page
    is readable, and the home page's search box still leads somewhere useful."""
    page = new_page(browser, PHONE, javascript=False)
    failures = watch_failures(page)
    page.goto(f"{public}en/")
    assert page.locator(".md-content h1").first.is_visible()
    assert "911" in page.locator(".md-content").inner_text()
    assert page.locator("[data-kb-search-open]").is_hidden()  # no search box that cannot work
    assert page.locator("[data-kb-search-az]").is_visible()  # but a way to the A to Z
    # Material's drawer is a checkbox and a label: it opens without scripts.
    page.locator("label.md-header__button[for='__drawer']").click()
    drawer_link = page.locator(".md-nav--primary a[href$='a-z/']").first
    drawer_link.wait_for(state="visible")
    drawer_link.click()
    page.wait_for_url(re.compile(r"/en/a-z/$"))
    page.locator(f".md-content a[href$='services/{SERVICE}/']").first.click()
    page.wait_for_url(re.compile(rf"/en/services/{SERVICE}/$"))
    assert heading(page) == source_name("services", SERVICE)
    body = page.locator(".md-content").inner_text()
    assert len(body) > 200 and "311" in body
    # The home search form falls back to the A to Z page.
    page.goto(f"{public}en/")
    page.locator("#kb-home-q").fill("pothole")
    page.locator("#kb-home-q").press("Enter")
    page.wait_for_url(re.compile(r"/en/a-z/\?q=pothole$"))
    assert page.locator(f".md-content a[href$='services/{SERVICE}/']").count() >= 1
    assert failures == []


@pytest.mark.parametrize("lang", [
    pytest.param(lang, marks=pytest.mark.skipif(lang not in DEMO_LANGS, reason=demo_lacks(lang)))
    for lang in ["en", "es", "ar"]])
def test_each_language_has_its_own_404_page(browser, public, demo_site, lang):
    assert (demo_site / "public" / lang / "404.html").is_file()
    page = new_page(browser, DESKTOP, javascript=False)
    failures = watch_failures(page)
    page.goto(f"{public}{lang}/404.html")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator(".md-content h1").first.is_visible()
    if lang == "en":
        assert heading(page) == "Page not found"
    # Styled (the stylesheet loaded), with ways on: this language's A to Z and home page.
    assert page.locator(".md-header").evaluate("h => getComputedStyle(h).position") != "static"
    page.locator(f".md-content a[href='/{lang}/a-z/']").click()
    page.wait_for_url(re.compile(rf"/{lang}/a-z/$"))
    page.go_back()
    page.locator(f".md-content a[href='/{lang}/']").click()
    page.wait_for_url(re.compile(rf"/{lang}/$"))
    assert failures == []


# --- Sub-path hosting ----------------------------------------------------------------------------

def test_site_works_under_a_sub_path(browser, serve, demo_site):
    """Most cities host the site at a sub-path of their own website: the chooser, search,
    instant navigation and every asset must work there with no request outside the prefix."""
    base = serve(demo_site / "public", "/city/311/")
    page = new_page(browser, PHONE)
    failures = watch_failures(page)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url) if r.url.startswith("http") else None)
    page.goto(base)
    page.wait_for_url(re.compile(r"/city/311/en/$"))  # the chooser follows the browser (en-US)
    search(page, "potholes").locator(f"a[href*='services/{SERVICE}/']").first.click()
    page.wait_for_url(re.compile(rf"/city/311/en/services/{SERVICE}/$"))
    page.locator(f".md-content a[href$='departments/{DEPARTMENT}/']").first.click()
    page.wait_for_url(re.compile(rf"/city/311/en/departments/{DEPARTMENT}/$"))
    assert heading(page) == source_name("departments", DEPARTMENT)
    page.go_back()
    page.wait_for_url(re.compile(rf"/city/311/en/services/{SERVICE}/$"))
    assert failures == []
    # Nothing on the server outside the prefix (a link from the server root would break here).
    # Other hosts: only the site's own address (site_url), which Material reads for the
    # absolute hreflang links of the other languages.
    origin = base.split("/city/")[0]
    site_url = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))["site_url"]
    assert requested and [u for u in requested if u.startswith(origin) and not u.startswith(base)] == []
    assert [u for u in requested if not u.startswith(origin) and not u.startswith(site_url)] == []


# --- Right to left -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def arabic_city(tmp_path_factory):
    """A fixture city in English and Arabic (the demo's Arabic is checked by the axe tests)."""
    from generator.pipeline.build import build

    base = tmp_path_factory.mktemp("rtl")
    root = write_tree(base / "city", BASE_TREE)
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text("utf-8").replace(
        "      - {code: en, name: English}\n",
        "      - {code: en, name: English}\n      - {code: ar, name: العربية}\n"), "utf-8")
    build(root, base / "site", audience="public", quiet=True)
    return base / "site" / "public"


def _assert_right_to_left(page) -> None:
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-content')).direction") == "rtl"
    content = page.locator(".md-content").bounding_box()
    sidebar = page.locator(".md-sidebar--primary").bounding_box()
    assert sidebar["x"] > content["x"], "the navigation is on the right, beside the content"
    logo = page.locator(".md-header .md-logo").bounding_box()
    title = page.locator(".md-header__title").bounding_box()
    assert logo["x"] > title["x"], "the header starts at the right"
    h1 = page.locator(".md-content h1").first
    right_edge = h1.evaluate("h => h.getBoundingClientRect().right")
    text_right = h1.evaluate(
        "h => { const r = document.createRange(); r.selectNodeContents(h);"
        " return r.getBoundingClientRect().right; }")
    assert abs(right_edge - text_right) < 2, "headings are aligned to the right"


def test_arabic_page_is_laid_out_right_to_left(browser, serve, arabic_city):
    page = new_page(browser, DESKTOP)
    page.goto(serve(arabic_city) + f"ar/services/{SERVICE}/")
    assert page.locator("html").get_attribute("lang") == "ar"
    _assert_right_to_left(page)
    page.goto(serve(arabic_city) + f"en/services/{SERVICE}/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"


@pytest.mark.skipif("ar" not in DEMO_LANGS, reason=demo_lacks("ar"))
def test_demo_arabic_pages_are_right_to_left(browser, public):
    page = new_page(browser, DESKTOP)
    for path in ["", f"services/{SERVICE}/", "a-z/"]:
        page.goto(f"{public}ar/{path}")
        assert page.locator("html").get_attribute("lang") == "ar"
        if path:  # the home page hides the navigation
            _assert_right_to_left(page)
        else:
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
