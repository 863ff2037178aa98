"""Helpers for the real-browser tests: axe-core, the search in the header, the demo's languages.

Browser tests get Chromium through pytest-playwright's `browser` fixture (Debian's Chromium,
offline flags: see conftest.py) and open their own contexts with `new_page` for a viewport,
colour scheme or JavaScript setting.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import REPO

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}  # below Material's 960 px breakpoint: drawer and search icon
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


def configured_languages(root: Path = REPO) -> list[str]:
    """The language codes in root's mkdocs.yml extra.kb.languages (empty when there is none)."""
    try:
        config = yaml.load((root / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
        return [lang["code"] for lang in config["extra"]["kb"]["languages"]]
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        return []


DEMO_LANGS = configured_languages()
HAS_CONSOLE = (REPO / "generator" / "engine" / "theme" / "kb-console.html").exists()
NO_CONSOLE = "the agent console (generator/engine/theme/kb-console.html) is not in this checkout"


def demo_lacks(lang: str) -> str:
    return f"the demo's mkdocs.yml does not list '{lang}' in extra.kb.languages yet"


def new_page(browser, viewport=DESKTOP, *, javascript: bool = True, scheme: str = "light",
             locale: str = "en-US"):
    """A page in a fresh context (closed with the browser at the end of the session)."""
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript,
                                  color_scheme=scheme, locale=locale, reduced_motion="reduce")
    context.set_default_timeout(10_000)
    return context.new_page()


def watch_failures(page) -> list[str]:
    """Collect every request of the page that fails or answers 4xx/5xx (outside requests
    such as tel: never reach the network; the offline resolver fails anything not local)."""
    failures: list[str] = []
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failures.append(f"failed {r.url}: {r.failure}")
            if r.url.startswith("http://127.0.0.1") and "ERR_ABORTED" not in (r.failure or "")
            else None)  # ERR_ABORTED: a request cut short by leaving the page
    page.on("pageerror", lambda e: failures.append(f"script error: {e}"))
    return failures


def settle(page) -> None:
    """Wait until CSS transitions and animations have finished (axe measures colours as drawn)."""
    page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running')", timeout=5000)


def search(page, query: str):
    """Type query into the search in the header (kb's own: partials/search.html,
    kb/search/box.js) the way a resident does; returns the result items."""
    page.locator("[data-kb-search-open]").click()  # at every width: a button in the header
    box = page.locator("#kb-header-q")
    box.press_sequentially(query, delay=20)
    items = page.locator("[data-kb-search-dialog] .kb-search-result")
    items.first.wait_for(state="visible", timeout=10000)
    return items


def first_result_leads_to(page, query: str, address: str) -> None:
    """Put query in the header's open search box; wait until its first result leads to address."""
    page.locator("#kb-header-q").fill(query)
    page.wait_for_function(
        "(w) => { const a = document.querySelector('[data-kb-search-dialog] .kb-search-result a');"
        " return a && a.href.includes(w) }", arg=address, timeout=5000)


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it is now, every rule (WCAG 2.0/2.1 A and AA and
    best practices), one readable line per element."""
    from axe_playwright_python.sync_playwright import Axe

    settle(page)
    result = Axe().run(page)
    out = []
    for violation in result.response["violations"]:
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            out.append(f"{violation['id']} ({violation['impact']}) at {node['target']}: {summary}")
    return out
