"""The agent console, keyboard only, in Chromium on the demo's agent site: focus on load, results
as you type (a misspelling still finds the service), arrow keys move, Enter opens, `/` comes back
to the search field from anywhere on the page."""

from __future__ import annotations

import re

import pytest
import yaml
from browserkit import DESKTOP, HAS_CONSOLE, NO_CONSOLE, new_page, watch_failures
from conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not HAS_CONSOLE, reason=NO_CONSOLE)]

SERVICE = "pothole-repair"


@pytest.fixture(scope="module")
def agent(demo_site):
    from conftest import StaticServer

    server = StaticServer(demo_site / "agent")
    yield server.url
    server.close()


def focused_id(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def test_agent_console_keyboard_flow(browser, agent):
    name = yaml.safe_load((REPO / "catalog" / "services" / f"{SERVICE}.yaml").read_text("utf-8"))["name"]
    page = new_page(browser, DESKTOP)
    failures = watch_failures(page)
    page.goto(f"{agent}en/")
    # The search field has the focus as soon as the console loads: the agent just types.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'kb-console-q'")
    # A caller's words, misspelled the way a hurried agent types them.
    misspelled = name.lower().replace("pothole", "pothol").replace("repair", "repiar")
    page.keyboard.type(misspelled, delay=15)
    options = page.locator("#kb-console-results [role=option]")
    options.first.wait_for(state="visible")
    assert page.locator("#kb-console-q").get_attribute("aria-expanded") == "true"
    first = options.first
    assert first.get_attribute("aria-selected") == "true"
    assert name in first.inner_text()
    if options.count() > 1:  # arrow keys move the selection and the input says which one
        page.keyboard.press("ArrowDown")
        assert options.nth(1).get_attribute("aria-selected") == "true"
        assert first.get_attribute("aria-selected") == "false"
        assert page.locator("#kb-console-q").get_attribute("aria-activedescendant") == \
            options.nth(1).get_attribute("id")
        page.keyboard.press("ArrowUp")
        assert first.get_attribute("aria-selected") == "true"
    assert focused_id(page) == "kb-console-q"  # the focus never left the field
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/en/services/{SERVICE}/"))
    assert page.locator(".md-content h1").first.inner_text().strip() == name

    # Back on the console, focus elsewhere: "/" brings it back to the field, and is not typed.
    page.go_back()
    page.wait_for_url(re.compile(r"/en/$"))
    page.locator("#kb-console-q").wait_for(state="visible")
    for _ in range(3):
        page.keyboard.press("Tab")
    page.wait_for_function("document.activeElement.id !== 'kb-console-q'")
    page.keyboard.press("/")
    assert focused_id(page) == "kb-console-q"
    assert "/" not in page.locator("#kb-console-q").input_value()
    page.keyboard.press("Escape")  # Escape clears the field
    assert page.locator("#kb-console-q").input_value() == ""
    assert failures == []
