"""The agent console on the demo city (built once per session by the shared demo_site fixture)."""

from __future__ import annotations

import json

import pytest
from conftest import StaticServer


@pytest.fixture(scope="module")
def demo(demo_site):
    server = StaticServer(demo_site)
    yield demo_site, server.url
    server.close()


def demo_langs(demo_site) -> list[str]:
    return sorted(p.parent.name for p in (demo_site / "agent").glob("*/console.json"))


def misspell(name: str) -> str:
    """The name with two letters of its longest word swapped, as a hurried agent types it."""
    words = name.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    if len(w) >= 5:
        words[i] = w[:2] + w[3] + w[2] + w[4:]
    return " ".join(words)


def test_every_language_has_console_data_and_the_public_site_none(demo_site):
    langs = demo_langs(demo_site)
    assert langs and (demo_site / "agent" / langs[0] / "index.html").is_file()
    for lang in langs:
        data = json.loads((demo_site / "agent" / lang / "console.json").read_text("utf-8"))
        assert data["services"] and data["departments"]
        assert sorted(lg["code"] for lg in data["languages"]) == langs
    assert not list((demo_site / "public").rglob("console.json"))
    assert not list((demo_site / "public").rglob("console.js"))


@pytest.mark.browser
def test_console_finds_demo_services_misspelled_and_partners_by_what_they_handle(demo, browser):
    out, url = demo
    lang = json.loads((out / "agent" / demo_langs(out)[0] / "console.json").read_text("utf-8"))["source"]
    data = json.loads((out / "agent" / lang / "console.json").read_text("utf-8"))
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(f"{url}agent/{lang}/")
    box = page.locator("#kb-console-q")
    box.wait_for()
    assert page.evaluate("document.activeElement.id") == "kb-console-q"
    misses = []
    for svc in data["services"]:
        box.fill(misspell(svc["name"]))  # fill() sends one input event: results at once
        first = page.locator("#kb-console-results [role=option]").first
        first.wait_for()
        if first.locator(".kb-result__name").inner_text() != svc["name"]:
            misses.append(svc["name"])
    print("misses:", misses)
    assert len(misses) <= len(data["services"]) // 20, misses  # 19 in 20 at least, in first place
    for dept in data["departments"].values():
        if dept["kind"] != "partner" or not dept["jurisdiction"]:
            continue
        box.fill(dept["jurisdiction"][0])
        names = page.locator("#kb-console-results [role=option] .kb-result__name").all_inner_texts()[:3]
        assert dept["name"] in names, (dept["jurisdiction"][0], names)
    svc = next(s for s in data["services"] if s["name"] not in misses)
    box.fill("")
    box.press_sequentially(misspell(svc["name"]))
    page.locator("#kb-console-results [role=option]").first.wait_for()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/agent/{lang}/{svc['url']}")
    context.close()
