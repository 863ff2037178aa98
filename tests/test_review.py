"""Review dates: `kb review` at a fixed date, the overdue warning in `kb check`, the overdue badge
(agent site only) and the print stylesheet."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ARTICLE, SERVICE2

AS_OF = "2026-09-21"
# pothole-repair: reviewed 2026-09-01, every 180 days -> due 2027-02-28 (fine)
OVERDUE_SERVICE = SERVICE2 + "owner: {department: public-works, contact: lights@testville.example}\n" \
                             "review: {last_reviewed: 2025-09-01, every_days: 365}\n"  # due 2026-09-01
DUE_SOON_ARTICLE = ARTICLE.replace("audience: both\n", "audience: both\nowner: {department: parks}\n"
                                   "review: {last_reviewed: 2025-10-01, every_days: 365}\n")  # 2026-10-01
PARKS = "name: Parks\nkind: city\n"
NEVER = "---\ntitle: Leaf collection\n---\nLeaves are collected in the fall.\n"
TREE = {
    "catalog/services/streetlight-outage.yaml": OVERDUE_SERVICE,
    "catalog/departments/parks.yaml": PARKS,
    "articles/potholes.md": DUE_SOON_ARTICLE,
    "articles/leaves.md": NEVER,
}


def test_review_lists_overdue_and_due_soon_by_owner(make_tree, kb):
    root = make_tree(TREE)
    result = kb("review", "--root", root, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Parks (parks)",
        "  articles/potholes.md:6: due soon: Potholes (due 2026-10-01, in 10 days)",
        "",
        "Public Works (public-works)",
        "  catalog/services/streetlight-outage.yaml:6: overdue: Streetlight outage "
        "(due 2026-09-01, 20 days ago)",
        "      contact: lights@testville.example",
        "",
        "No owner (add owner: {department: ...})",
        "  articles/leaves.md:2: no review date: Leaf collection "
        "(add review: {last_reviewed: YYYY-MM-DD, every_days: N})",
        "",
        "1 overdue, 1 due within 30 days, 1 with no review date (as of 2026-09-21).",
        "After checking a page with its owner, set review.last_reviewed to the date of the check.",
    ]


def test_review_json_and_the_edges_of_due(make_tree, kb):
    root = make_tree(TREE)
    # On the due date itself a review is due, not overdue; the day after, it is overdue.
    on_due = json.loads(kb("review", "--root", root, "--as-of", "2026-09-01", "--format", "json",
                           "--within", "0").stdout)
    statuses = {i["id"]: (i["status"], i["days"]) for g in on_due["owners"] for i in g["items"]}
    assert statuses == {"streetlight-outage": ("due-soon", 0), "leaves": ("no-review-date", None)}
    after = json.loads(kb("review", "--root", root, "--as-of", "2026-09-02", "--format", "json").stdout)
    assert after["as_of"] == "2026-09-02" and after["within"] == 30
    assert after["counts"] == {"overdue": 1, "due-soon": 1, "no-review-date": 1}
    group = next(g for g in after["owners"] if g["owner"] == "public-works")
    assert group["name"] == "Public Works"
    assert group["items"] == [{
        "kind": "service", "id": "streetlight-outage",
        "path": "catalog/services/streetlight-outage.yaml", "line": 6,
        "title": "Streetlight outage", "owner": "public-works",
        "contact": "lights@testville.example", "last_reviewed": "2025-09-01", "due": "2026-09-01",
        "status": "overdue", "days": 1}]


def test_fail_on_overdue(make_tree, kb):
    root = make_tree(TREE)
    assert kb("review", "--root", root, "--as-of", AS_OF, "--fail-on-overdue").exit_code == 1
    assert kb("review", "--root", root, "--as-of", "2026-08-01", "--fail-on-overdue").exit_code == 0
    # Without --as-of the day is SOURCE_DATE_EPOCH's (2026-09-21 here): deterministic.
    assert kb("review", "--root", root, "--fail-on-overdue").exit_code == 1


def test_check_warns_about_an_overdue_review_and_strict_fails(make_tree, kb):
    root = make_tree(TREE)
    result = kb("check", "--root", root)
    assert result.exit_code == 0
    assert result.stderr.strip() == (
        "catalog/services/streetlight-outage.yaml:6:25: review.last_reviewed: warning: review was "
        "due on 2026-09-01 (every 365 days); check this page with its owner, then set "
        "last_reviewed to the date of the check")
    strict = kb("check", "--root", root, "--strict")
    assert strict.exit_code == 1
    assert "streetlight-outage.yaml:6:25: review.last_reviewed: warning: review was due" in strict.stderr


def test_owner_without_reviewer_warns_only_when_reviewers_are_used(make_tree, kb):
    from conftest import MKDOCS_YML

    root = make_tree(TREE)
    assert "no reviewer" not in kb("check", "--root", root).stderr
    make_tree({"mkdocs.yml": MKDOCS_YML + "    reviewers: {public-works: \"@testville/streets\"}\n"},
              base=False)
    result = kb("check", "--root", root, "--format", "json")
    assert result.exit_code == 0
    found = [(p["path"], p["line"], p["field"], p["message"]) for p in json.loads(result.stdout)
             if "reviewer" in p["message"]]
    assert found == [("articles/potholes.md", 5, "owner.department",
                      "owner 'parks' has no reviewer: add 'parks: \"@org/team\"' to extra.kb.reviewers "
                      "in mkdocs.yml so that CODEOWNERS asks them to review changes"),
                     ("catalog/departments/parks.yaml", 1, "(file)",
                      "owner 'parks' has no reviewer: add 'parks: \"@org/team\"' to extra.kb.reviewers "
                      "in mkdocs.yml so that CODEOWNERS asks them to review changes")]
    assert kb("check", "--root", root, "--strict").exit_code == 1


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner
    from conftest import BASE_TREE, write_tree

    from generator.cli import main

    root = write_tree(tmp_path_factory.mktemp("review") / "city", {**BASE_TREE, **TREE})
    result = CliRunner().invoke(main, ["build", "--root", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_overdue_badge_only_in_the_agent_site(built):
    from test_build import content, page

    agent = content(page(built, "agent", "services/streetlight-outage"))
    public = content(page(built, "public", "services/streetlight-outage"))
    assert "Last reviewed: September 1, 2025 Overdue for review since September 1, 2026" in agent
    assert "Last reviewed: September 1, 2025" in public
    assert "Overdue" not in public
    assert 'class="kb-overdue"' not in page(built, "public", "services/streetlight-outage")
    # A page within its review period has the date and no badge, in both sites.
    fresh = content(page(built, "agent", "services/pothole-repair"))
    assert "Last reviewed: September 1, 2026" in fresh and "Overdue" not in fresh
    assert "Overdue" not in content(page(built, "agent", "answers/potholes"))  # due soon only


@pytest.mark.browser
def test_service_page_prints_without_navigation_and_with_links(built, browser):
    # pytest-playwright's browser (Debian's Chromium, conftest.py): a second sync_playwright()
    # in the same session fails once another test has started Playwright.
    path = built / "public" / "en" / "services" / "pothole-repair" / "index.html"
    tab = browser.new_page()
    try:
        tab.goto(path.as_uri())
        tab.emulate_media(media="print")
        tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        hidden = tab.evaluate("""() => ['.md-header', '.md-sidebar--primary',
            '.md-sidebar--secondary', '.md-footer', '.md-search']
            .map(s => document.querySelector(s))
            .filter(e => e && getComputedStyle(e).display !== 'none').map(e => e.className)""")
        assert hidden == []
        after = tab.evaluate("""() => Array.from(document.querySelectorAll('.md-content a'))
            .map(a => [a.textContent.trim(), getComputedStyle(a, '::after').content])""")
        shown = dict(after)
        assert shown["Make a request online"] == '" (https://testville.example/report/pothole)"'
        related = shown["Streetlight outage"]  # a link between pages: its full address
        assert re.fullmatch(r'" \(file://.*/en/services/streetlight-outage/\)"', related), related
        assert shown["311"] == "none"  # a phone number is already its own text
        assert tab.evaluate("getComputedStyle(document.querySelector('h1')).display") == "block"
    finally:
        tab.close()
