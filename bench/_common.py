"""Helpers shared by the search benchmarks: a static server, Chromium (Debian's, offline), and
the two search boxes they type into: kb's in the header of the sites, stock Material's in the
baseline."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


@contextmanager
def serve(folder: Path):
    """A folder over HTTP on 127.0.0.1; yields the base URL (ending in /)."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                          ".json": "application/json", ".js": "text/javascript"}

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Waits until Material's search has answered the query now in the box (the meta line changes
# from the placeholder) and returns the links of the result items, best first.
RESULTS_JS = """async (placeholder) => {
  const meta = document.querySelector(".md-search-result__meta");
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (meta && meta.textContent.trim() && meta.textContent.trim() !== placeholder) break;
    await new Promise(r => setTimeout(r, 10));
  }
  return [...document.querySelectorAll(".md-search-result__item")].map(
    li => (li.querySelector("a.md-search-result__link") || {}).href || "");
}"""


def open_search(page, url: str) -> tuple:
    """Load a page, wait for Material's search to be ready; returns (input, placeholder text)."""
    page.goto(url)
    box = page.locator("input.md-search__input").first
    box.click()
    placeholder = page.evaluate("JSON.parse(document.getElementById('__config').textContent)"
                                ".translations['search.result.placeholder']").strip()
    page.wait_for_function(  # "Initializing search" until the index is ready
        "(p) => document.querySelector('.md-search-result__meta').textContent.trim() === p",
        arg=placeholder, timeout=30000)
    return box, placeholder


def ask(page, box, placeholder: str, query: str) -> list[str]:
    """Type a query into the real search box; the result links, best first."""
    box.fill("")
    box.press("End")
    page.wait_for_function(
        "(p) => { const m = document.querySelector('.md-search-result__meta');"
        " return !document.querySelector('.md-search-result__item') && m &&"
        " m.textContent.trim() === p }", arg=placeholder, timeout=10000)
    box.fill(query)
    box.press("End")
    return page.evaluate(RESULTS_JS, placeholder)


def open_site_search(page, url: str):
    """Load a page of a kb site and open the search in its header (kb/search/box.js) until its
    index has loaded; returns the field."""
    page.goto(url)
    page.locator("[data-kb-search-open]").click()
    page.wait_for_load_state("networkidle")
    return page.locator("#kb-header-q")


def ask_site(page, box, query: str) -> list[str]:
    """Type a query into kb's search box; the result links, best first (the status line is
    emptied first, and says the count once the results are shown)."""
    status = "[data-kb-search-dialog] [role=status]"
    box.fill("")
    page.wait_for_function("(s) => document.querySelector(s).textContent === ''", arg=status)
    box.fill(query)
    page.wait_for_function("(s) => document.querySelector(s).textContent !== ''", arg=status,
                           timeout=10000)
    return page.eval_on_selector_all("[data-kb-search-dialog] .kb-search-result__title",
                                     "links => links.map(a => a.href)")
