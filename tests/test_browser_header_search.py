"""The search in the header of every page (partials/search.html, kb/search/box.js), kb's own on
both sites and with every engine, in Chromium: a dialog its button, "/" or "s" opens; results as
you type, ranked as `kb search` ranks them over the site's api/v2 index, with who handles each
(their phone; on the agent site their transfer line); the count announced; the keyboard alone is
enough; it keeps working through instant navigation and under a sub-path; an answer that comes
after a newer query's is dropped; no axe violation with results shown; Arabic, right to left, on
a 360 px wide phone; without JavaScript the header links to the A to Z page."""

from __future__ import annotations

import re

import pytest
from browserkit import (
    DEMO_LANGS,
    DESKTOP,
    axe_violations,
    demo_lacks,
    new_page,
    search,
    settle,
    watch_failures,
)
from conftest import BASE_TREE, ENGINES, MKDOCS_YML, StaticServer, write_tree

from generator.search import rank, shards

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}


def index_of(site, lang: str) -> dict:
    return shards.read(site / "api" / "v2" / lang / "search.json")  # the head and its shards


@pytest.fixture(scope="module", params=ENGINES)
def engine_site(request, tmp_path_factory):
    """The small tree, with instant navigation, built by each engine (both sites)."""
    from generator.pipeline.build import build

    root = write_tree(tmp_path_factory.mktemp(f"header-{request.param}") / "city", {
        **BASE_TREE, "mkdocs.yml": MKDOCS_YML.replace(
            "  font: false\n", "  font: false\n  features: [navigation.instant]\n")})
    build(root, root / "site", quiet=True, engine=request.param)
    return request.param, root / "site"


def test_header_search_on_a_page_that_is_not_home_with_every_engine(browser, engine_site):
    engine, site = engine_site
    server = StaticServer(site / "public", "/city/311/")  # and under a sub-path
    try:
        page = new_page(browser, DESKTOP)
        failures = watch_failures(page)
        page.goto(server.url + "en/a-z/")
        results = search(page, "potole")
        expected = rank.search(index_of(site / "public", "en"), "potole", 10)
        titles = results.locator(".kb-search-result__title").all_inner_texts()
        assert titles == [r["title"] for r in expected], engine
        assert titles[0] == "Pothole repair"
        assert "Public Works · 555-555-0100" in results.first.inner_text()
        status = page.locator("[data-kb-search-dialog] [role=status]")
        assert status.inner_text() == ("1 result" if len(titles) == 1 else f"{len(titles)} results")
        results.first.locator("a.kb-search-result__title").click()  # instant navigation, deeper
        page.wait_for_url(server.url + "en/services/pothole-repair/")
        assert page.locator("[data-kb-search-dialog]").evaluate("d => d.open") is False
        # The header stayed through the navigation: its addresses still lead to the right place.
        page.keyboard.press("/")
        box = page.locator("#kb-header-q")
        assert page.evaluate("document.activeElement.id") == "kb-header-q"
        box.press_sequentially("streetlight", delay=10)
        page.locator("[data-kb-search-dialog] .kb-search-result").first.wait_for()
        box.press("Enter")
        page.wait_for_url(server.url + "en/services/streetlight-outage/")
        assert failures == [], engine
    finally:
        server.close()


def test_agent_pages_search_the_agent_index_and_show_the_transfer_line(browser, engine_site):
    engine, site = engine_site
    server = StaticServer(site / "agent")
    try:
        page = new_page(browser, DESKTOP)
        failures = watch_failures(page)
        page.goto(server.url + "en/departments/public-works/")
        results = search(page, "pothole")
        expected = rank.search(index_of(site / "agent", "en"), "pothole", 10)
        titles = results.locator(".kb-search-result__title").all_inner_texts()
        assert titles == [r["title"] for r in expected], engine
        assert "Public Works · Transfer: 555-555-0199" in results.first.inner_text()
        assert failures == [], engine
    finally:
        server.close()


@pytest.fixture(scope="module")
def public(demo_site):
    server = StaticServer(demo_site / "public")
    yield demo_site / "public", server.url
    server.close()


def test_the_keyboard_alone_opens_chooses_and_closes(browser, public):
    site, url = public
    page = new_page(browser, DESKTOP)
    failures = watch_failures(page)
    page.goto(f"{url}en/services/pothole-repair/")
    opener = page.locator("[data-kb-search-open]")
    assert opener.get_attribute("aria-haspopup") == "dialog"
    assert page.locator("[data-kb-search-az]").is_hidden()  # the no-script link gave way
    page.keyboard.press("s")
    dialog = page.get_by_role("dialog", name="What do you need help with?")
    assert dialog.is_visible() and page.locator("#kb-header-q").input_value() == ""  # the key opened it
    page.keyboard.type("garbage not picked up", delay=10)
    dialog.locator(".kb-search-result").first.wait_for()
    page.keyboard.press("ArrowDown")
    first = dialog.locator(".kb-search-result__title").first
    assert page.evaluate("document.activeElement.textContent") == first.inner_text()
    page.keyboard.press("Escape")  # from a result: back to the field, the dialog stays
    assert page.evaluate("document.activeElement.id") == "kb-header-q" and dialog.is_visible()
    page.keyboard.press("Escape")  # from the field: closed, the focus back where it was
    assert dialog.is_hidden()
    opener.focus()
    page.keyboard.press("Enter")
    assert dialog.is_visible() and page.evaluate("document.activeElement.id") == "kb-header-q"
    box = dialog.bounding_box()
    page.mouse.click(box["x"] + 4, box["y"] + box["height"] - 4)  # inside, on its edge: stays
    assert dialog.is_visible()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] + 20)  # the backdrop
    assert dialog.is_hidden()
    opener.click()
    dialog.get_by_role("button", name="Close").click()
    assert dialog.is_hidden()
    assert page.evaluate("document.activeElement.hasAttribute('data-kb-search-open')")
    assert failures == []


def test_axe_finds_nothing_with_the_dialog_open_and_results_shown(browser, public):
    site, url = public
    for path, scheme in [("departments/public-works/", "light"), ("departments/public-works/", "dark"),
                         ("", "light")]:  # the home page has its own box too
        page = new_page(browser, DESKTOP, scheme=scheme)
        page.goto(f"{url}en/{path}")
        search(page, "pothole")
        settle(page)
        assert axe_violations(page) == [], (path, scheme)


@pytest.mark.skipif("ar" not in DEMO_LANGS, reason=demo_lacks("ar"))
def test_arabic_right_to_left_on_a_narrow_phone(browser, public):
    site, url = public
    service = next(d for d in index_of(site, "ar")["docs"] if d["id"] == "pothole-repair")
    page = new_page(browser, NARROW)
    failures = watch_failures(page)
    page.goto(f"{url}ar/services/pothole-repair/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    results = search(page, service["title"])
    first = results.first
    assert first.locator(".kb-search-result__title").inner_text() == service["title"]
    assert first.locator("a[href^='tel:']").get_attribute("dir") == "ltr"
    dialog = page.locator("[data-kb-search-dialog]")
    assert dialog.evaluate("d => getComputedStyle(d).direction") == "rtl"
    box = dialog.bounding_box()  # the whole screen, nothing wider than it
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
    assert dialog.evaluate("d => d.scrollWidth <= d.clientWidth")
    field = page.locator("#kb-header-q").bounding_box()
    assert field["width"] > 150 and field["x"] + field["width"] <= NARROW["width"]
    settle(page)
    assert axe_violations(page) == []
    assert failures == []


# An engine whose answers come as promises, late for the first question: the answer to an older
# question, come after a newer one's, must not replace it.
SLOW_ENGINE = """
(() => {
  let real;
  Object.defineProperty(window, "kbSearch", {
    configurable: true,
    get() { return real; },
    set(value) {
      const load = value.load;
      real = Object.assign({}, value, { load(data) {
        const engine = load(data);
        let n = 0;
        return { search(q, limit) {
          const wait = n++ === 0 ? 600 : 10;
          return new Promise(done => setTimeout(() => done(engine.search(q, limit)), wait));
        } };
      } });
    }
  });
})();
"""


def test_a_late_answer_to_an_older_question_is_dropped(browser, public):
    site, url = public
    page = new_page(browser, DESKTOP)
    page.add_init_script(SLOW_ENGINE)
    page.goto(f"{url}en/answers/missed-garbage-pickup/")
    page.locator("[data-kb-search-open]").click()
    page.wait_for_load_state("networkidle")  # the index has loaded
    box = page.locator("#kb-header-q")
    box.fill("pothole")  # the first answer: late
    box.fill("streetlight")  # the second: soon
    expected = rank.search(index_of(site, "en"), "streetlight", 10)
    first = page.locator("[data-kb-search-dialog] .kb-search-result__title").first
    first.wait_for()
    assert first.inner_text() == expected[0]["title"]
    page.wait_for_timeout(800)  # the late answer has come, and is dropped
    assert first.inner_text() == expected[0]["title"]


def test_without_javascript_the_header_links_to_the_a_to_z(browser, public):
    site, url = public
    page = new_page(browser, NARROW, javascript=False)
    failures = watch_failures(page)
    page.goto(f"{url}es/services/pothole-repair/")
    assert page.locator("[data-kb-search-open]").is_hidden()
    assert page.locator("[data-kb-search-dialog]").is_hidden()
    link = page.locator("[data-kb-search-az]")
    assert link.is_visible()
    assert link.get_attribute("aria-label")  # a name, in the page's language
    link.click()
    page.wait_for_url(re.compile(r"/es/a-z/$"))
    assert page.locator(".md-content a[href$='services/pothole-repair/']").count() >= 1
    assert failures == []
