"""Feedback in Chromium, with the collector on loopback: an agent's search finds nothing and the
agent presses "Nothing fits"; a resident votes No on a page and says what was missing; both reach
`kb feedback report` under the department that owns the content, with its file and line. The
forms work from the keyboard, and a collector that is blocked changes nothing on the page."""

from __future__ import annotations

import json
import threading
import time

import pytest
from browserkit import DESKTOP, axe_violations, new_page, search, watch_failures
from conftest import BASE_TREE, MKDOCS_YML, StaticServer, write_tree
from feedback_tree import FILES, with_feedback

from generator.feedback.collector import Collector, RateLimit, make_server
from generator.feedback.events import Origins, origin_of
from generator.feedback.store import Store

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The small city with feedback on, built in English, each site on its own loopback origin,
    and the collector beside them."""
    from generator.pipeline.build import build

    tmp = tmp_path_factory.mktemp("feedback")
    store = Store(tmp / "feedback.sqlite3")
    collector = Collector(store, Origins(frozenset(), frozenset()), RateLimit(600, 100))
    server = make_server(collector, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}/events"
    root = tmp / "city"
    write_tree(root, {**BASE_TREE, **FILES, "mkdocs.yml": with_feedback(MKDOCS_YML, endpoint)})
    build(root, tmp / "site", ["en"], quiet=True)
    public, agent = StaticServer(tmp / "site" / "public"), StaticServer(tmp / "site" / "agent")
    collector.origins = Origins(frozenset({origin_of(public.url)}), frozenset({origin_of(agent.url)}))
    yield {"root": root, "db": tmp / "feedback.sqlite3", "public": public.url, "agent": agent.url,
           "collector": collector, "endpoint": endpoint}
    for s in (public, agent):
        s.close()
    server.shutdown()
    server.server_close()


def events_after(collector, n: int, timeout: float = 10.0) -> list[dict]:
    """The stored events once there are at least n (beacons are sent after the click returns)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        rows = collector.store.events()
        if len(rows) >= n:
            return rows
        time.sleep(0.05)
    return collector.store.events()


def console_typed(browser, sites, question: str):
    """(page, failures): the agent console, the question typed in it as an agent types."""
    page = new_page(browser, DESKTOP)
    failures = watch_failures(page)
    page.goto(f"{sites['agent']}en/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'kb-console-q'")
    page.keyboard.type(question, delay=15)
    return page, failures


def test_nothing_fits_and_a_no_vote_reach_the_report_under_the_right_department(browser, sites, kb):
    collector = sites["collector"]
    before = len(collector.store.events())
    # The agent: a search that finds nothing, then "Nothing fits" with what the caller wanted.
    page, failures = console_typed(browser, sites, "arborist")  # a word no content has
    page.wait_for_function("document.getElementById('kb-console-q').value === 'arborist'")
    assert page.locator("#kb-console-results [role=option]").count() == 0
    button = page.get_by_role("button", name="Nothing fits")
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    note = page.get_by_label("What did the caller want? (optional)")
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    hint = page.locator(f"#{note.get_attribute('aria-describedby')}").inner_text()
    assert "personal details" in hint
    page.keyboard.type("the branch over the sidewalk <b>now</b>")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send").click()
    assert "Thank you" in page.locator(".kb-feedback__console [role=status]").inner_text()
    # The resident: No on the pothole page, then what was missing, from the keyboard.
    resident = new_page(browser, DESKTOP)
    failures += watch_failures(resident)
    resident.goto(f"{sites['public']}en/services/pothole-repair/")
    region = resident.get_by_role("region", name="Did this page help?")
    region.get_by_role("button", name="No").focus()
    resident.keyboard.press("Enter")
    assert resident.evaluate("document.activeElement.tagName") == "TEXTAREA"
    resident.keyboard.type("How long until it is fixed?")
    assert axe_violations(resident) == []
    resident.keyboard.press("Tab")
    resident.keyboard.press("Enter")  # Send
    assert "Thank you" in region.get_by_role("status").inner_text()
    rows = events_after(collector, before + 3)[before:]
    assert failures == []
    assert sorted((aud, e["type"], e.get("report")) for _, aud, e in rows) == [
        ("agent", "report", "nothing_fits"), ("agent", "search", None), ("public", "vote", None)]
    search = next(e for _, _, e in rows if e["type"] == "search")
    assert (search["query"], search["results"], search["opened"], search["box"]) == \
        ("arborist", 0, None, "console")
    vote = next(e for _, _, e in rows if e["type"] == "vote")
    assert vote["page"] == {"kind": "service", "id": "pothole-repair"} and vote["helpful"] is False
    # The report: each under its department, with the file to edit and its line.
    result = kb("feedback", "report", "--root", sites["root"], "--db", sites["db"], "--format", "json")
    assert result.exit_code == 0, result.output
    by = {d["department"]: d for d in json.loads(result.output)["departments"]}
    [fits] = by["parks"]["nothing_fits"]
    assert fits["queries"] == [{"query": "arborist", "count": 1}]  # routed by the agent's note
    assert fits["notes"] == [{"lang": "en", "note": "the branch over the sidewalk <b>now</b>", "count": 1}]
    assert (fits["nearest"]["file"], fits["nearest"]["line"]) == ("catalog/services/tree-trimming.yaml", 5)
    [page_] = by["public-works"]["unhelpful_pages"]
    assert (page_["file"], page_["line"]) == ("catalog/services/pothole-repair.yaml", 1)
    assert page_["notes"] == [{"lang": "en", "note": "How long until it is fixed?", "count": 1}]
    html = kb("feedback", "report", "--root", sites["root"], "--db", sites["db"], "--format", "html").output
    assert "&lt;b&gt;now&lt;/b&gt;" in html and "<b>now</b>" not in html


def test_an_agent_reports_an_answer_wrong_from_the_console(browser, sites):
    collector = sites["collector"]
    before = len(collector.store.events())
    page, failures = console_typed(browser, sites, "tree trimming")
    detail = page.locator("#kb-console-detail")
    detail.get_by_role("heading", name="Tree trimming").wait_for()
    detail.get_by_role("button", name="Wrong or out of date").click()
    detail.get_by_label("What is wrong or out of date?").fill("Trimming stops in winter now")
    detail.get_by_role("button", name="Send").click()
    assert "Thank you" in detail.get_by_role("status").inner_text()
    rows = events_after(collector, before + 1)[before:]
    assert failures == []
    [(_, audience, event)] = rows  # the search is sent when the agent opens a result or leaves
    assert audience == "agent"
    assert (event["report"], event["page"], event["note"]) == \
        ("wrong", {"kind": "service", "id": "tree-trimming"}, "Trimming stops in winter now")


def test_a_search_on_the_resident_site_says_which_result_was_opened(browser, sites):
    collector = sites["collector"]
    before = len(collector.store.events())
    page = new_page(browser, DESKTOP)
    page.goto(f"{sites['public']}en/a-z/")
    link = search(page, "tree trimming").locator("a.kb-search-result__title").first  # the header's box
    link.click()
    page.wait_for_url("**/services/tree-trimming/**")
    rows = events_after(collector, before + 1)[before:]
    [(_, audience, event)] = rows
    assert audience == "public" and event["box"] == "site"
    assert event["query"] == "tree trimming" and event["results"] >= 1
    assert event["opened"] == {"kind": "service", "id": "tree-trimming", "rank": 1}
    # The home page's box reports the same way, and the collector takes it.
    page.goto(f"{sites['public']}en/")
    page.locator("#kb-home-q").press_sequentially("tree trimming", delay=20)
    page.locator(".kb-home-search .kb-search-result").first.wait_for()
    page.locator("#kb-home-q").press("Enter")
    page.wait_for_url("**/services/tree-trimming/**")
    rows = events_after(collector, before + 2)[before:]
    assert rows[-1][2]["box"] == "site" and rows[-1][2]["opened"]["id"] == "tree-trimming"


def test_a_blocked_collector_changes_nothing_on_the_page(browser, sites):
    page = new_page(browser, DESKTOP)
    failures = watch_failures(page)
    blocked = []
    page.context.route(f"{sites['endpoint']}*", lambda route: (blocked.append(1), route.abort()))
    page.goto(f"{sites['public']}en/services/tree-trimming/")
    region = page.get_by_role("region", name="Did this page help?")
    start = time.monotonic()
    region.get_by_role("button", name="Yes").click()
    assert "Thank you" in region.get_by_role("status").inner_text()
    assert time.monotonic() - start < 2
    page.wait_for_timeout(300)
    assert blocked  # the beacon went, and was refused by the network
    assert [f for f in failures if "script error" in f] == []


def test_without_feedback_the_pages_carry_none_of_it(demo_site):
    page = (demo_site / "public" / "en" / "services" / "pothole-repair" / "index.html").read_text("utf-8")
    assert "kb-feedback" not in page and "feedback.js" not in page
    assert not list(demo_site.rglob("feedback*"))
