"""The resident home page's search box, kb's own (kb/search/box.js), in Chromium: results as you
type, ranked as `kb search` ranks them over the public api/v2 index, with who handles each and
their phone; the count announced; the keyboard alone is enough; Arabic, right to left; no axe
violation; the same with Zensical, whose own search finds nothing on kb's pages. Without
JavaScript the form goes to the A to Z (tests/test_browser_resident.py)."""

from __future__ import annotations

import re

import pytest
from browserkit import DEMO_LANGS, DESKTOP, PHONE, demo_lacks, new_page, watch_failures
from conftest import BASE_TREE, StaticServer, write_tree
from playwright.sync_api import expect

from generator.search import rank, shards

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def public(demo_site):
    server = StaticServer(demo_site / "public")
    yield demo_site / "public", server.url
    server.close()


def index_of(site, lang: str) -> dict:
    return shards.read(site / "api" / "v2" / lang / "search.json")


def type_in_home_search(page, query: str):
    box = page.locator("#kb-home-q")
    box.click()
    box.press_sequentially(query, delay=10)
    page.locator(".kb-home-search .kb-search-box__results:not([aria-busy])").wait_for(state="attached")  # answered
    results = page.locator(".kb-home-search .kb-search-result")
    results.first.wait_for(state="visible")
    return results


def test_home_search_ranks_as_kb_search_and_the_keyboard_opens_a_result(browser, public):
    site, url = public
    page = new_page(browser, DESKTOP)
    failures = watch_failures(page)
    page.goto(f"{url}en/")
    results = type_in_home_search(page, "potole in my stret")
    expected = rank.search(index_of(site, "en"), "potole in my stret", 10)
    titles = results.locator(".kb-search-result__title").all_inner_texts()
    assert titles == [r["title"] for r in expected]
    assert titles[0] == "Pothole repair"
    handler = expected[0]["handler"]
    assert f"{handler['name']} · {handler['phone']}" in results.first.inner_text()
    status = page.locator(".kb-home-search [role=status]")
    assert status.get_attribute("role") == "status"
    assert status.inner_text() == f"{len(titles)} results"
    page.keyboard.press("ArrowDown")  # into the results, then back to the field
    assert page.evaluate("document.activeElement.textContent") == "Pothole repair"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "kb-home-q"
    page.keyboard.press("Enter")  # Enter in the field opens the first result
    page.wait_for_url(re.compile(r"/en/services/pothole-repair/$"))
    assert failures == []


class ShardedIndex:
    """The demo's English index cut into many small shards, served in place of the built one
    (page.route), as a large catalog's is; a held request waits until released."""

    def __init__(self, site, folder):
        self.data = index_of(site, "en")
        self.folder = folder
        self.written = shards.write(self.data, folder / "search.json", postings_bytes=2000,
                                    docs_bytes=1000, whole_bytes=0)
        self.asked: list[str] = []
        self.holding = False
        self.held: list = []

    def serve(self, route):
        name = route.request.url.split("/api/v2/en/", 1)[1]
        self.asked.append(name)
        if self.holding:
            self.held.append((route, name))
        else:
            route.fulfill(path=str(self.folder / name), content_type="application/json")

    def release(self):
        self.holding = False
        for route, name in self.held:
            route.fulfill(path=str(self.folder / name), content_type="application/json")
        self.held = []

    def on(self, page):
        page.route("**/api/v2/en/search.json", self.serve)
        page.route("**/api/v2/en/search/*.json", self.serve)

    def titles(self, query: str) -> list[str]:
        return [r["title"] for r in rank.search(self.data, query, 10)]


def test_home_search_fetches_only_the_shards_a_question_needs(browser, public, tmp_path):
    site, url = public
    index = ShardedIndex(site, tmp_path)
    postings = [p.name for p in index.written if p.name.startswith("p-")]
    docs = [p.name for p in index.written if p.name.startswith("d-")]
    page = new_page(browser, DESKTOP)
    failures = watch_failures(page)
    index.on(page)
    page.goto(f"{url}en/")
    results = type_in_home_search(page, "grafitti on my garage")
    titles = results.locator(".kb-search-result__title").all_inner_texts()
    assert titles == index.titles("grafitti on my garage")
    assert index.asked[0] == "search.json"
    assert 0 < len([a for a in index.asked if "/p-" in a]) < len(postings) / 2
    # once a question is answered, the documents' shards follow in the background
    for _ in range(100):
        if {a.rsplit("/", 1)[1] for a in index.asked if "/d-" in a} == set(docs):
            break
        page.wait_for_timeout(50)
    assert {a.rsplit("/", 1)[1] for a in index.asked if "/d-" in a} == set(docs)
    assert len(index.asked) == len(set(index.asked))  # each file once
    assert failures == []


def answered_then_holding(browser, public, tmp_path):
    """The home page over a many-shard index, "pothole" answered (its shards kept), and every
    fetch from then on held back until index.release(): (index, page, failures, box)."""
    site, url = public
    index = ShardedIndex(site, tmp_path)
    page = new_page(browser, DESKTOP)
    failures = watch_failures(page)
    index.on(page)
    page.goto(f"{url}en/")
    type_in_home_search(page, "pothole")
    index.holding = True
    return index, page, failures, page.locator("#kb-home-q")


def test_home_search_drops_an_older_questions_answer_that_comes_after_a_newer_ones(
        browser, public, tmp_path):
    index, page, failures, box = answered_then_holding(browser, public, tmp_path)
    box.fill("tagging on a wall")  # an older question whose shards are held back
    box.fill("pothole")  # a newer one, answered at once
    newer = index.titles("pothole")
    expect(page.locator(".kb-search-result__title")).to_have_text(newer)
    assert any("/p-" in name for _, name in index.held)  # the older question's postings wait
    index.release()  # the older answer comes now, after the newer one
    page.wait_for_timeout(500)
    assert page.locator(".kb-search-result__title").all_inner_texts() == newer
    assert page.locator(".kb-home-search .kb-search-box__results").get_attribute("aria-busy") is None
    assert failures == []


@pytest.mark.skipif("ar" not in DEMO_LANGS, reason=demo_lacks("ar"))
def test_home_search_in_arabic_right_to_left_without_axe_violations(browser, public):
    from axe_playwright_python.sync_playwright import Axe

    site, url = public
    service = next(d for d in index_of(site, "ar")["docs"] if d["id"] == "pothole-repair")
    page = new_page(browser, PHONE)
    failures = watch_failures(page)
    page.goto(f"{url}ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    results = type_in_home_search(page, service["title"])
    assert results.first.locator(".kb-search-result__title").inner_text() == service["title"]
    assert results.first.locator("a[href^='tel:']").get_attribute("dir") == "ltr"
    found = Axe().run(page, context=".kb-home-search")
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in found.response["violations"]] == []
    assert failures == []


def test_home_search_works_when_zensical_lays_out_the_pages(browser, tmp_path):
    from generator.pipeline.build import build

    root = write_tree(tmp_path / "city", BASE_TREE)
    build(root, root / "site", quiet=True, engine="zensical")
    server = StaticServer(root / "site" / "public", "/city/311/")  # and under a sub-path
    try:
        page = new_page(browser, DESKTOP)
        failures = watch_failures(page)
        page.goto(server.url + "en/")
        results = type_in_home_search(page, "pothole")
        assert "Pothole repair" in results.first.inner_text()
        page.locator("#kb-home-q").press("Enter")
        page.wait_for_url(server.url + "en/services/pothole-repair/")
        assert failures == []
    finally:
        server.close()


def test_enter_before_the_last_letters_results_opens_their_first_not_the_older_one(
        browser, public, tmp_path):
    url = public[1]
    index, page, failures, box = answered_then_holding(browser, public, tmp_path)
    box.fill("tagging on a wall")  # its postings are held back: its answer has not come
    for _ in range(100):
        if any("/p-" in name for _, name in index.held):
            break
        page.wait_for_timeout(20)
    assert any("/p-" in name for _, name in index.held)
    box.press("Enter")  # a hurried resident: the list still shows "pothole"'s results
    page.wait_for_timeout(300)
    assert page.url == f"{url}en/"  # nothing opened yet, and not the older question's first
    index.release()
    want = rank.search(index.data, "tagging on a wall", 10)[0]
    page.wait_for_url(f"**/{want['url']}")
    assert failures == []
