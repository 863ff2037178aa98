"""kb build on small trees: real mkdocs builds, what a resident and an agent see, and safety."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from conftest import SERVICE


def manifest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner
    from conftest import BASE_TREE, write_tree

    from generator.cli import main

    root = write_tree(tmp_path_factory.mktemp("city"), {
        **BASE_TREE,
        "catalog/services/gas-smell.yaml": (
            "name: Gas smell\ndepartment: public-works\ngroup: Health and safety\n"
            "summary: Report a smell of gas.\nemergency: true\n"),
    })
    result = CliRunner().invoke(main, ["build", "--root", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


def page(site: Path, audience: str, path: str) -> str:
    return (site / audience / "en" / path / "index.html").read_text("utf-8")


def content(html: str) -> str:
    """The page's main text, without header, navigation and table of contents."""
    start = html.index('<article class="md-content__inner md-typeset">')
    return visible_text(html[start:html.index("</article>", start)])


def test_output_layout(built):
    public = built / "public"
    for path in ["index.html", "en/index.html", "en/services/pothole-repair/index.html",
                 "en/departments/public-works/index.html", "en/answers/potholes/index.html",
                 "en/a-z/index.html", "en/404.html", "api/v2/en/search.json"]:
        assert (public / path).is_file(), path
    assert (built / "agent" / "en" / "transfers" / "index.html").is_file()
    assert not (public / "en" / "transfers").exists()


def test_service_page_shows_what_a_resident_needs(built):
    text = content(page(built, "public", "services/pothole-repair"))
    assert "{:" not in text  # no attribute-list syntax left over
    for expected in [
        "Pothole repair", "Report a pothole on a city street so a crew can fill it.",
        "How to ask for this service", "Make a request online", "Call 311",
        "from outside the city: +1 555-555-0311",
        "What you will be asked", "Where is the pothole? (required)", "Smaller than a plate",
        "We aim to respond within 3 business days.", "Cost", "Free",
        "Who handles this", "Public Works", "555-555-0100", "Monday", "7:30", "Saturday", "Closed",
        "Related services", "Streetlight outage", "Answers about this", "Potholes",
        "Also called: pothole, hole in the road", "Last reviewed: September 1, 2026",
    ]:
        assert expected in text, expected
    html = page(built, "public", "services/pothole-repair")
    assert 'href="../streetlight-outage/"' in html  # service: link rewritten to a relative URL
    assert 'href="tel:311"' in html
    assert "Is anyone in danger?" not in text  # not an emergency service


def test_emergency_service_leads_with_911(built):
    text = content(page(built, "public", "services/gas-smell"))
    assert text.index("Is anyone in danger?") < text.index("How to ask for this service")
    assert "Call 911 now" in text


def test_public_pages_have_no_agent_content_but_agent_pages_do(built):
    public = visible_text(page(built, "public", "services/pothole-repair"))
    agent = visible_text(page(built, "agent", "services/pothole-repair"))
    script = "I can take that report. Where is the pothole?"
    assert script not in public and script in agent
    assert "555-555-0199" not in public and "555-555-0199" in agent  # transfer line
    article_public = visible_text(page(built, "public", "answers/potholes"))
    article_agent = visible_text(page(built, "agent", "answers/potholes"))
    assert "Thanks for calling about the pothole." not in article_public
    assert "Thanks for calling about the pothole." in article_agent
    assert "A crew visits." in article_public  # the public part of a shared article stays
    for p in (built / "public").rglob("*"):
        if p.is_file() and p.suffix in (".html", ".json", ".xml"):
            data = p.read_text("utf-8", errors="replace")
            assert "555-555-0199" not in data and "Thanks for calling" not in data, p


def test_home_page_browses_by_topic_and_department(built):
    text = visible_text(page(built, "public", ""))
    assert "Browse by topic" in text and "Streets and sidewalks" in text
    assert "Departments" in text and "Public Works" in text
    assert "call 911 now" in text.lower()


def test_navigation_lists_departments_not_services(built):
    html = page(built, "public", "services/pothole-repair")
    nav = html[html.index('class="md-nav md-nav--primary"'):html.index("</nav>", html.index('class="md-nav md-nav--primary"'))]
    assert "Public Works" in nav and "Streetlight outage" not in nav


def test_no_third_party_requests(built):
    html = page(built, "public", "services/pothole-repair")
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_failed_build_leaves_previous_site_intact(kb, make_tree):
    root = make_tree()
    assert kb("build", "--root", root, "--audience", "public").exit_code == 0
    before = manifest(root / "site")
    (root / "catalog/services/pothole-repair.yaml").write_text(SERVICE.replace("department: public-works", "department: nowhere"))
    result = kb("build", "--root", root, "--audience", "public")
    assert result.exit_code == 1
    assert "catalog/services/pothole-repair.yaml:2:13: department: no department 'nowhere'" in result.stderr
    assert "nothing was written" in result.stderr
    assert manifest(root / "site") == before


def test_unknown_language_is_a_clear_error(kb, make_tree):
    result = kb("build", "--root", make_tree(), "--lang", "xx")
    assert result.exit_code == 1
    assert "--lang xx: not a language of this site" in result.output


def test_init_creates_a_site_that_builds(kb, tmp_path):
    target = tmp_path / "newcity"
    assert kb("init", target, "--city", "Lakeside").exit_code == 0
    assert kb("new", "service", "pothole-repair", "--root", target).exit_code == 0
    assert kb("new", "article", "potholes", "--root", target).exit_code == 0
    assert kb("check", "--root", target).exit_code == 0
    result = kb("build", "--root", target, "--audience", "public")
    assert result.exit_code == 0, result.output
    home = (target / "site/public/en/index.html").read_text("utf-8")
    assert "Lakeside 311" in home


def test_new_refuses_to_overwrite_and_bad_ids(kb, make_tree):
    root = make_tree()
    result = kb("new", "service", "pothole-repair", "--root", root)
    assert result.exit_code == 1 and "already exists" in result.output
    result = kb("new", "service", "Pot Hole", "--root", root)
    assert result.exit_code == 1 and "'Pot Hole' is not a valid id" in result.output
