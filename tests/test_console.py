"""The agent console and the live parts of pages, in Chromium: search as you type (misspellings
and "not ours" questions), open now at fixed clocks in a browser whose time zone is not the
city's, alerts between their start and end, the script copy button, the caller's language and
decision flows with and without JavaScript."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from conftest import BASE_TREE, DEPARTMENT, StaticServer, write_tree
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TWO_LANGUAGES = BASE_TREE["mkdocs.yml"].replace(
    "phones: {main: \"311\", outside: \"+1 555-555-0311\", tty: \"555-555-0312\"}",
    "phones: {main: \"311\", outside: \"+1 555-555-0311\", tty: \"555-555-0312\", "
    "text: \"555-555-0313\", interpreter: \"555-555-0314\"}",
).replace("      - {code: en, name: English}\n",
          "      - {code: en, name: English}\n      - {code: es, name: Español}\n")

TREE = {
    **BASE_TREE,
    "mkdocs.yml": TWO_LANGUAGES,
    "catalog/departments/public-works.yaml": DEPARTMENT.replace(
        "  transfer_line: \"555-555-0199\"\n",
        "  transfer_line: \"555-555-0199\"\n  after_hours_line: \"555-555-0198\"\n"),
    "catalog/departments/libraries.yaml": (
        "name: Libraries\nkind: city\nphone: \"555-555-0400\"\n"
        "hours:\n  timezone: America/Chicago\n  mon: [\"10:00-18:00\"]\n  tue: [\"10:00-18:00\"]\n"
        "  wed: [\"10:00-18:00\"]\n  thu: [\"10:00-18:00\"]\n  fri: [\"10:00-18:00\"]\n"
        "  sat: closed\n  sun: [\"08:00-12:00\"]\n"
        "agent: {transfer_line: \"555-555-0499\"}\n"),
    "catalog/departments/county.yaml": (
        "name: Hennepin County\nkind: partner\nphone: \"555-555-0900\"\n"
        "description: The county government.\n"
        "jurisdiction: [property tax assessment appeals, marriage licenses]\n"),
    "catalog/services/library-card.yaml": (
        "name: Library card\ndepartment: libraries\ngroup: Libraries\n"
        "summary: Get a free library card.\nresponse_time: {value: 1, unit: days}\n"),
    "catalog/calendar.yaml": (
        "holidays:\n  - {date: 2026-11-26, name: Thanksgiving Day}\n"
        "  - {date: 2026-12-25, name: Christmas Day}\n"),
    "catalog/alerts/snow-emergency.yaml": (
        "title: Snow emergency\nmessage: Crews are plowing; pothole repairs wait until it ends.\n"
        "starts: \"2026-12-01T18:00:00-06:00\"\nends: \"2026-12-03T06:00:00-06:00\"\n"
        "services: [pothole-repair]\naudience: both\n"),
    "articles/street-problem.md": (
        "---\ntitle: Street problem triage\nservices: [pothole-repair]\n"
        "flow:\n  start: danger\n  steps:\n"
        "    danger: {ask: \"Is anyone in danger?\", options: [{label: \"Yes\", next: call-911},"
        " {label: \"No\", next: what}]}\n"
        "    what: {ask: \"What is the problem?\", options: [{label: A hole, next: hole},"
        " {label: A dark light, next: light}]}\n"
        "    call-911: {outcome: \"Tell the caller to hang up and call 911.\"}\n"
        "    hole: {outcome: \"Create a pothole request.\", service: pothole-repair}\n"
        "    light: {outcome: \"Create a streetlight request.\", service: streetlight-outage}\n"
        "---\nAsk these questions in order.\n"),
}

CITY_TZ_AWAY = "Asia/Tokyo"  # the browser is far from the city (America/Chicago)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from generator.pipeline.build import build

    root = write_tree(tmp_path_factory.mktemp("console-city"), TREE)
    out = root / "site"
    build(root, out, quiet=True)
    server = StaticServer(out)
    yield out, server.url
    server.close()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def open_page(browser, url: str, when: str | None = None, tz: str = CITY_TZ_AWAY, **options):
    context = browser.new_context(timezone_id=tz, **options)
    page = context.new_page()
    if when:
        page.clock.set_fixed_time(at(when))
    page.goto(url)
    return page


def console(browser, site, when: str | None = None, tz: str = CITY_TZ_AWAY, **options):
    page = open_page(browser, site[1] + "agent/en/", when, tz, **options)
    page.wait_for_selector("#kb-console-lang option[value=es]", state="attached")
    return page


def first_result(page, query: str):
    box = page.locator("#kb-console-q")
    box.fill("")
    box.press_sequentially(query)
    page.locator("#kb-console-results:not([aria-busy])").wait_for(state="attached")  # answered
    result = page.locator("#kb-console-results [role=option]").first
    result.wait_for()
    return result


def test_console_has_focus_and_slash_brings_it_back(browser, site):
    page = console(browser, site)
    phones = page.locator(".kb-console__phones").inner_text()  # always there, for any caller
    assert phones == "Interpreter line: 555-555-0314 · TTY: 555-555-0312 · Text or relay: 555-555-0313"
    assert page.evaluate("document.activeElement.id") == "kb-console-q"
    page.locator("h1").click()
    assert page.evaluate("document.activeElement.id") != "kb-console-q"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "kb-console-q"
    assert page.locator("#kb-console-q").input_value() == ""  # "/" is not typed into it
    page.context.close()


def test_misspelled_name_and_enter_opens_the_service(browser, site):
    page = console(browser, site)
    result = first_result(page, "potole repiar")
    assert "Pothole repair" in result.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/agent/en/services/pothole-repair/")
    assert page.locator("h1").inner_text() == "Pothole repair"
    page.context.close()


def test_enter_typed_before_the_answer_came_opens_its_first_result(browser, site):
    page = console(browser, site)
    held, holding = [], [True]

    def hold(route):
        if holding[0]:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v2/en/search/*.json", hold)  # the index's shards wait
    page.locator("#kb-console-q").fill("potole repiar")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    assert held and page.locator("#kb-console-results").get_attribute("aria-busy") == "true"
    page.keyboard.press("Enter")  # a hurried agent, before the results show
    page.wait_for_timeout(300)
    assert "/services/" not in page.url
    holding[0] = False
    for route in held:
        route.continue_()
    page.wait_for_url("**/agent/en/services/pothole-repair/")
    page.context.close()


def test_arrow_keys_choose_a_result(browser, site):
    page = console(browser, site)
    first_result(page, "street")
    options = page.locator("#kb-console-results [role=option]")
    assert options.count() >= 2
    second = options.nth(1).locator(".kb-result__name").inner_text()
    page.keyboard.press("ArrowDown")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    active = page.locator("#kb-console-q").get_attribute("aria-activedescendant")
    assert active == options.nth(1).get_attribute("id")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == second
    page.context.close()


def test_a_result_shows_department_transfer_open_now_and_response_time(browser, site):
    page = console(browser, site, "2026-11-18T10:00:00-06:00")  # a Wednesday morning
    text = first_result(page, "library card").inner_text()
    for expected in ["Library card", "Get a free library card.", "Libraries",
                     "Transfer: 555-555-0499", "Open now", "Response: 1 day"]:
        assert expected in text, (expected, text)
    page.context.close()


def test_not_ours_finds_the_partner_by_what_the_caller_asks(browser, site):
    page = console(browser, site)
    result = first_result(page, "property tax appeal")
    text = result.inner_text()
    assert "Hennepin County" in text and "555-555-0900" in text
    assert result.locator(".kb-result__kind").text_content() == "Not ours: partner agency"
    assert "Send the caller to Hennepin County" in page.locator("#kb-console-detail").inner_text()
    page.context.close()


@pytest.mark.parametrize("when, query, expected", [
    # An ordinary Wednesday: open at 10:00 in Chicago (01:00 Thursday in Tokyo) ...
    ("2026-11-18T10:00:00-06:00", "pothole", "Open now · closes at 4:30 PM"),
    # ... closed at 17:00 (08:00 Thursday in Tokyo), with the after-hours line.
    ("2026-11-18T17:00:00-06:00", "pothole",
     "Closed now · opens Thursday at 7:30 AM · After hours: 555-555-0198"),
    # Thanksgiving, a city holiday, on a weekday morning.
    ("2026-11-26T10:00:00-06:00", "pothole",
     "Closed now · closed today: Thanksgiving Day · opens Friday at 7:30 AM · After hours: 555-555-0198"),
    # The day daylight saving time ends (1 November 2026): 13:30 UTC is 07:30 CST, not 08:30.
    ("2026-11-01T13:30:00+00:00", "library card", "Closed now · opens Sunday at 8:00 AM"),
    ("2026-11-01T14:30:00+00:00", "library card", "Open now · closes at 12:00 PM"),
    # The day it starts (8 March 2026): 13:30 UTC is 08:30 CDT.
    ("2026-03-08T13:30:00+00:00", "library card", "Open now · closes at 12:00 PM"),
])
def test_open_now_at_a_fixed_clock(browser, site, when, query, expected):
    page = console(browser, site, when)
    status = first_result(page, query).locator(".kb-open")
    assert status.inner_text() == expected
    page.context.close()


def alerts_checked(page) -> None:
    """Wait until alerts.js has looked at the alerts (it marks each box, even when it shows none)."""
    page.locator(".kb-alerts[data-kb-shown]").first.wait_for(state="attached")


def test_alert_shows_between_start_and_end_and_not_after(browser, site):
    base = site[1]
    during, after = "2026-12-02T09:00:00-06:00", "2026-12-03T06:00:00-06:00"
    for url in [base + "agent/en/", base + "agent/en/services/pothole-repair/",
                base + "public/en/services/pothole-repair/", base + "public/en/"]:
        page = open_page(browser, url, during)
        alert = page.locator(".kb-alerts [data-kb-alert=snow-emergency]")
        alert.wait_for()
        assert "Snow emergency" in alert.inner_text()
        assert "pothole repairs wait" in alert.inner_text()
        page.context.close()
    for url in [base + "agent/en/", base + "public/en/services/pothole-repair/"]:
        page = open_page(browser, url, after)
        alerts_checked(page)
        assert page.locator(".kb-alert").count() == 0, url
        page.context.close()
    page = open_page(browser, base + "public/en/services/streetlight-outage/", during)
    alerts_checked(page)
    assert page.locator(".kb-alert").count() == 0  # not a service the alert names
    page.context.close()


def test_alert_goes_away_at_its_end_without_a_reload(browser, site):
    context = browser.new_context(timezone_id=CITY_TZ_AWAY)
    page = context.new_page()
    page.clock.install(time=at("2026-12-03T05:59:00-06:00"))  # one minute before the end
    page.goto(site[1] + "agent/en/services/pothole-repair/")
    page.locator("[data-kb-alert=snow-emergency]").wait_for()
    page.clock.run_for("02:00")
    page.locator("[data-kb-alert=snow-emergency]").wait_for(state="detached")
    context.close()


def test_copy_button_copies_the_script(browser, site):
    options = {"permissions": ["clipboard-read", "clipboard-write"]}
    page = console(browser, site, **options)
    first_result(page, "pothole")
    page.locator("#kb-console-detail .kb-copy").click()
    page.locator("#kb-console-detail .kb-copy-status").filter(has_text="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == (
        "\"I can take that report. Where is the pothole?\"")
    page.context.close()
    page = open_page(browser, site[1] + "agent/en/services/pothole-repair/", **options)
    page.locator(".admonition.say .kb-copy").click()
    page.locator(".admonition.say .kb-copy-status").filter(has_text="Copied").wait_for()
    assert "Where is the pothole?" in page.evaluate("navigator.clipboard.readText()")
    page.context.close()


def test_callers_language_shows_resident_text_with_interpreter_and_relay(browser, site):
    page = console(browser, site)
    first_result(page, "pothole")
    page.select_option("#kb-console-lang", "es")
    column = page.locator(".kb-caller__column[lang=es]")
    # the Spanish catalog loads first ("Loading the catalog…"); then, with no Spanish text yet,
    # the source text
    expect(column).to_contain_text("Pothole repair")
    phones = page.locator(".kb-caller__phones").inner_text()
    assert "Interpreter line: 555-555-0314" in phones
    assert "TTY: 555-555-0312" in phones and "Text or relay: 555-555-0313" in phones
    assert page.locator(".kb-caller__column[lang=en]").count() == 1
    page.context.close()


def test_decision_flow_walks_to_an_outcome_and_back(browser, site):
    for audience in ("public", "agent"):
        page = open_page(browser, site[1] + f"{audience}/en/answers/street-problem/")
        steps = page.locator(".kb-flow-step:visible")
        assert steps.count() == 1 and "Is anyone in danger?" in steps.inner_text()
        page.get_by_role("link", name="No", exact=True).click()
        assert "What is the problem?" in page.locator(".kb-flow-step:visible").inner_text()
        page.get_by_role("link", name="A hole").click()
        assert "Create a pothole request." in page.locator(".kb-flow-step:visible").inner_text()
        page.get_by_role("button", name="Back").click()
        assert "What is the problem?" in page.locator(".kb-flow-step:visible").inner_text()
        page.get_by_role("button", name="Back").click()
        assert "Is anyone in danger?" in page.locator(".kb-flow-step:visible").inner_text()
        assert page.get_by_role("button", name="Back").is_disabled()
        page.context.close()


def test_decision_flow_without_javascript_lists_every_step(browser, site):
    page = open_page(browser, site[1] + "public/en/answers/street-problem/", java_script_enabled=False)
    assert page.locator(".kb-flow-step:visible").count() == 5
    assert page.locator(".kb-flow-nav").is_hidden()
    page.get_by_role("link", name="A dark light").click()  # an anchor to the step
    assert page.url.endswith("#flow-light")
    page.context.close()


def test_console_data_is_per_language_and_only_in_the_agent_site(site):
    out = site[0]
    for lang in ("en", "es"):
        data = json.loads((out / "agent" / lang / "console.json").read_text("utf-8"))
        assert data["lang"] == lang
        assert [lg["code"] for lg in data["languages"]] == ["en", "es"]
        assert data["departments"]["public-works"]["transfer_line"] == "555-555-0199"
        assert not (out / "public" / lang / "console.json").exists()
        assert not (out / "public" / lang / "kb" / "agent").exists()
    home = (out / "public" / "en" / "index.html").read_text("utf-8")
    assert "console" not in home


def test_transfer_directory_lists_lines_hours_and_open_now(browser, site):
    page = open_page(browser, site[1] + "agent/en/transfers/", "2026-11-18T17:00:00-06:00")
    row = page.locator("tr", has_text="Public Works")
    row.locator("[data-kb-open=closed]").wait_for()
    text = row.inner_text()
    text = text.replace("\u202f", " ")  # CLDR puts a narrow space before AM
    for expected in ["555-555-0199", "555-555-0198", "Monday–Friday: 7:30 AM–4:30 PM",
                     "Saturday–Sunday: Closed", "Closed now"]:
        assert expected in text, (expected, text)
    county = page.locator("tr", has_text="Hennepin County").inner_text()
    assert "property tax assessment appeals" in county and "555-555-0900" in county
    page.context.close()


def test_console_has_no_accessibility_violations(browser, site):
    from axe_playwright_python.sync_playwright import Axe

    page = console(browser, site, "2026-11-18T17:00:00-06:00")  # closed: after-hours lines shown
    first_result(page, "pothole")
    page.select_option("#kb-console-lang", "es")
    page.locator(".kb-caller__column[lang=es]").wait_for()
    results = Axe().run(page, context=".kb-console")  # what this part adds; the theme has its own test
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]
    assert violations == []
    page.context.close()


def test_console_works_under_a_sub_path(browser, site):
    server = StaticServer(site[0], "/city/311/")
    try:
        page = open_page(browser, server.url + "agent/en/", "2026-12-02T09:00:00-06:00")
        page.locator("[data-kb-alert=snow-emergency]").wait_for()
        assert "Pothole repair" in first_result(page, "pothole").inner_text()
        page.keyboard.press("Enter")
        page.wait_for_url(server.url + "agent/en/services/pothole-repair/")
        page.context.close()
    finally:
        server.close()


def test_console_without_javascript_says_what_to_use_instead(browser, site):
    page = open_page(browser, site[1] + "agent/en/", java_script_enabled=False)
    assert "The console needs JavaScript" in page.locator(".kb-console").inner_text()
    assert page.get_by_role("link", name="Public Works").first.is_visible()  # the lists below
    page.context.close()


def test_open_now_changes_at_closing_time_without_a_reload(browser, site):
    context = browser.new_context(timezone_id=CITY_TZ_AWAY)
    page = context.new_page()
    page.clock.install(time=at("2026-11-18T16:29:00-06:00"))
    page.goto(site[1] + "agent/en/")
    result = first_result(page, "pothole")
    assert result.locator(".kb-open").get_attribute("data-kb-open") == "open"
    page.keyboard.press("ArrowDown")  # the agent has moved on to the second result
    page.clock.run_for("02:00")
    result.locator("[data-kb-open=closed]").wait_for()
    assert page.locator("#kb-console-results [role=option]").nth(1).get_attribute("aria-selected") == "true"
    context.close()


def test_console_ranks_as_kb_search_and_says_who_handles_an_answer(browser, site):
    from generator.search import rank, shards

    data = shards.read(site[0] / "agent" / "api" / "v2" / "en" / "search.json")
    page = console(browser, site, "2026-11-18T10:00:00-06:00")  # a Wednesday morning
    for query in ["pothole", "street", "potole repiar", "property tax appeal", "library card",
                  "triage"]:
        first_result(page, query)
        shown = page.locator("#kb-console-results .kb-result__name").all_inner_texts()
        assert shown == [r["title"] for r in rank.search(data, query, 12)], query
    answer = first_result(page, "street problem triage")
    assert answer.locator(".kb-result__kind").text_content() == "Answer"
    text = answer.inner_text()
    for expected in ["Street problem triage", "Public Works", "Transfer: 555-555-0199", "Open now"]:
        assert expected in text, (expected, text)
    assert "Public Works" in page.locator("#kb-console-detail .kb-detail__transfer").inner_text()
    page.context.close()
