"""What changed: changes.json and the Atom feeds from the content's git history, and the agent
site's What's new page."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from conftest import BASE_TREE, SERVICE, write_tree
from gitrepo import Repo, clean_env

from generator.formats import changes
from generator.pipeline.build import check
from generator.pipeline.model import build_site

ATOM = "{http://www.w3.org/2005/Atom}"

GRAFFITI = """\
name: Graffiti & tag removal
department: public-works
group: Streets and sidewalks
summary: Ask for <graffiti> to be removed from public property.
review: {last_reviewed: 2026-08-15, every_days: 365}
"""

SECRET = """\
---
title: Supervisor override codes
audience: agent
---
Ask a supervisor.
"""


def history_repo(root: Path) -> Repo:
    """Six commits: added, changed (public), changed (agent only), review date only, removed,
    and a change to an agent-only article."""
    repo = Repo(root)
    repo.commit({**BASE_TREE, "catalog/services/graffiti.yaml": GRAFFITI,
                 "articles/override-codes.md": SECRET}, "Start the catalog",
                "2026-09-01T10:00:00-05:00")
    repo.commit({"catalog/services/pothole-repair.yaml": SERVICE.replace(
        "so a crew can fill it.", "so a crew can fill it within three days.")},
        "Pothole repair: say how fast", "2026-09-08T09:00:00-05:00")
    repo.commit({"catalog/services/pothole-repair.yaml": SERVICE.replace(
        "so a crew can fill it.", "so a crew can fill it within three days.").replace(
        "I can take that report.", "I can take that report now.")},
        "Pothole script", "2026-09-09T09:00:00-05:00")
    repo.commit({"catalog/services/pothole-repair.yaml": SERVICE.replace(
        "so a crew can fill it.", "so a crew can fill it within three days.").replace(
        "I can take that report.", "I can take that report now.").replace(
        "2026-09-01", "2026-09-10")}, "Reviewed pothole repair", "2026-09-10T09:00:00-05:00")
    repo.commit({"catalog/services/graffiti.yaml": None}, "Graffiti moves to the county",
                "2026-09-12T16:30:00-05:00")
    repo.commit({"articles/override-codes.md": SECRET.replace("Ask a", "Call a")},
                "Override codes", "2026-09-14T08:00:00-05:00")
    return repo


def write_changes(root: Path, out: Path) -> dict[str, Path]:
    """Run the changes writer on the models of both audiences; returns the audience folders."""
    checked = check(root)
    folders = {}
    for audience in ("public", "agent"):
        stage = out / audience
        stage.mkdir(parents=True)
        site = build_site(checked.tree, checked.config, audience)
        events = changes.history(root)
        _, part = changes.write_language(site, "en", stage, events, root=True)
        changes.write_index(site, stage, ["en"], {"en": part}, events)
        folders[audience] = stage
    return folders


def entries_of(folder: Path) -> list[tuple[str, str, str]]:
    data = json.loads((folder / "changes.json").read_text("utf-8"))
    return [(e["change"], e["kind"], e["id"]) for e in data["languages"]["en"]]


def assert_valid_atom(text: str) -> ET.Element:
    """Atom 1.0 (RFC 4287) structure: the elements a feed reader needs, well formed."""
    feed = ET.fromstring(text.encode("utf-8"))
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"

    def rfc3339(value: str) -> None:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", value), value
        datetime.fromisoformat(value.replace("Z", "+00:00"))

    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
        assert feed.findtext(f"{ATOM}{name}").strip(), name
    rfc3339(feed.findtext(f"{ATOM}updated"))
    assert feed.find(f"{ATOM}author/{ATOM}name").text.strip()
    assert [l.get("rel") for l in feed.findall(f"{ATOM}link")].count("self") == 1
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
            assert entry.findtext(f"{ATOM}{name}").strip(), name
        rfc3339(entry.findtext(f"{ATOM}updated"))
        links = [l for l in entry.findall(f"{ATOM}link") if l.get("rel", "alternate") == "alternate"]
        assert links and links[0].get("href").startswith("https://"), ET.tostring(entry)
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    return feed


def test_public_feed_lists_changes_residents_can_see(tmp_path):
    history_repo(tmp_path / "city")
    public = write_changes(tmp_path / "city", tmp_path / "out")["public"]
    assert entries_of(public) == [
        ("removed", "service", "graffiti"),
        ("changed", "service", "pothole-repair"),
        ("added", "article", "potholes"),
        ("added", "service", "graffiti"),
        ("added", "service", "pothole-repair"),
        ("added", "service", "streetlight-outage"),
    ]  # not the agent-script change, not the review-date change, no agent-only article
    data = json.loads((public / "changes.json").read_text("utf-8"))
    assert data["from"] == "git" and data["audience"] == "public"
    assert data["generated_at"] == "2026-09-21T14:13:20Z"  # SOURCE_DATE_EPOCH
    first, second = data["languages"]["en"][:2]
    assert first == {"date": "2026-09-12T21:30:00Z", "kind": "service", "id": "graffiti",
                     "title": "Graffiti & tag removal", "change": "removed",
                     "url": "https://311.testville.example/en/a-z/"}
    assert second["url"] == "https://311.testville.example/en/services/pothole-repair/"
    assert second["title"] == "Pothole repair" and second["date"] == "2026-09-08T14:00:00Z"


def test_feed_is_valid_atom_and_lists_the_change(tmp_path):
    history_repo(tmp_path / "city")
    folders = write_changes(tmp_path / "city", tmp_path / "out")
    feed = assert_valid_atom((folders["public"] / "changes.xml").read_text("utf-8"))
    assert feed.findtext(f"{ATOM}id") == "https://311.testville.example/changes.xml"
    assert feed.findtext(f"{ATOM}updated") == "2026-09-12T21:30:00Z"  # the newest change
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[:2] == ["Removed: Graffiti & tag removal", "Changed: Pothole repair"]
    changed = entries[1]
    assert changed.find(f"{ATOM}link").get("href") == \
        "https://311.testville.example/en/services/pothole-repair/"
    assert changed.findtext(f"{ATOM}summary") == \
        "Report a pothole on a city street so a crew can fill it within three days."
    graffiti_added = entries[3]
    assert graffiti_added.findtext(f"{ATOM}title") == "Added: Graffiti & tag removal"
    # The language feed is the same list in that language.
    lang_feed = assert_valid_atom((folders["public"] / "en" / "changes.xml").read_text("utf-8"))
    assert [e.findtext(f"{ATOM}title") for e in lang_feed.findall(f"{ATOM}entry")] == titles
    assert_valid_atom((folders["agent"] / "changes.xml").read_text("utf-8"))


def test_agent_only_articles_never_reach_the_public_lists(tmp_path):
    history_repo(tmp_path / "city")
    folders = write_changes(tmp_path / "city", tmp_path / "out")
    for name in ("changes.json", "changes.xml", "en/changes.xml"):
        text = (folders["public"] / name).read_text("utf-8")
        assert "override-codes" not in text and "Supervisor override" not in text, name
    assert entries_of(folders["agent"]) == [
        ("changed", "article", "override-codes"),
        ("removed", "service", "graffiti"),
        ("changed", "service", "pothole-repair"),  # the script change
        ("changed", "service", "pothole-repair"),
        ("added", "article", "override-codes"),
        ("added", "article", "potholes"),
        ("added", "service", "graffiti"),
        ("added", "service", "pothole-repair"),
        ("added", "service", "streetlight-outage"),
    ]


def test_an_article_made_agent_only_leaves_the_public_list(tmp_path):
    repo = history_repo(tmp_path / "city")
    repo.commit({"articles/potholes.md": BASE_TREE["articles/potholes.md"].replace(
        "audience: both", "audience: agent")}, "Potholes: agents only", "2026-09-15T08:00:00-05:00")
    folders = write_changes(tmp_path / "city", tmp_path / "out")
    assert "potholes" not in {id_ for _, _, id_ in entries_of(folders["public"])}
    assert ("changed", "article", "potholes") in entries_of(folders["agent"])


def test_renames_and_content_in_a_subfolder(tmp_path):
    repo = Repo(tmp_path / "repo")
    root = tmp_path / "repo" / "site-content"
    write_tree(root, BASE_TREE)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "start", date="2026-09-01T10:00:00Z")
    repo.git("mv", "site-content/articles/potholes.md", "site-content/articles/pothole-answers.md")
    repo.git("commit", "-q", "-m", "rename", date="2026-09-02T10:00:00Z")
    folders = write_changes(root, tmp_path / "out")
    assert entries_of(folders["public"])[:2] == [("removed", "article", "potholes"),
                                                  ("added", "article", "pothole-answers")]


def test_without_history_the_list_comes_from_review_dates(tmp_path, make_tree):
    root = make_tree({"catalog/services/graffiti.yaml": GRAFFITI})  # not a git repository
    folders = write_changes(root, tmp_path / "out")
    data = json.loads((folders["public"] / "changes.json").read_text("utf-8"))
    assert data["from"] == "review-dates"
    assert [(e["date"], e["id"], e["change"]) for e in data["languages"]["en"]] == [
        ("2026-09-01T00:00:00Z", "pothole-repair", "reviewed"),
        ("2026-08-15T00:00:00Z", "graffiti", "reviewed")]
    feed = assert_valid_atom((folders["public"] / "changes.xml").read_text("utf-8"))
    assert "last reviewed" in feed.findtext(f"{ATOM}subtitle")


def test_a_shallow_clone_does_not_pretend_everything_was_just_added(tmp_path):
    history_repo(tmp_path / "city")
    import subprocess
    subprocess.run(["git", "clone", "-q", "--depth", "1", (tmp_path / "city").as_uri(),
                    str(tmp_path / "clone")], check=True, env=clean_env(), capture_output=True)
    folders = write_changes(tmp_path / "clone", tmp_path / "out")
    assert json.loads((folders["public"] / "changes.json").read_text("utf-8"))["from"] == \
        "review-dates"


def test_changes_are_deterministic(tmp_path):
    history_repo(tmp_path / "city")
    a = write_changes(tmp_path / "city", tmp_path / "a")
    b = write_changes(tmp_path / "city", tmp_path / "b")
    for audience in ("public", "agent"):
        for name in ("changes.json", "changes.xml", "en/changes.xml"):
            assert (a[audience] / name).read_bytes() == (b[audience] / name).read_bytes()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner

    from generator.cli import main

    root = tmp_path_factory.mktemp("history") / "city"
    history_repo(root)
    result = CliRunner().invoke(main, ["build", "--root", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_build_writes_the_feeds_in_both_sites(built):
    for audience in ("public", "agent"):
        for name in ("changes.json", "changes.xml", "en/changes.xml"):
            assert (built / audience / name).is_file(), (audience, name)
    assert_valid_atom((built / "public" / "changes.xml").read_text("utf-8"))


def test_agent_whats_new_page(built):
    from test_build import content

    html = (built / "agent" / "en" / "whats-new" / "index.html").read_text("utf-8")
    text = content(html)
    assert "What's new" in text
    assert re.search(r"September 12, 2026 Removed Service: Graffiti &amp; tag removal", text)
    assert re.search(r"September 8, 2026 Changed Service: Pothole repair", text)
    assert "Changed Answer: Supervisor override codes" in text
    assert 'href="../services/pothole-repair/"' in html
    assert 'href="../changes.xml"' in html
    nav = (built / "agent" / "en" / "transfers" / "index.html").read_text("utf-8")
    assert re.search(r'href="\.\./whats-new/"[^>]*>\s*(<[^>]+>\s*)*What\'s new', nav)  # in the nav
    assert not (built / "public" / "en" / "whats-new").exists()


def test_an_unreadable_version_of_an_article_is_never_public(tmp_path):
    repo = Repo(tmp_path / "city")
    repo.commit({**BASE_TREE, "articles/override-codes.md": SECRET.replace(
        "audience: agent", "audience: [agent")}, "Broken front matter", "2026-09-01T10:00:00Z")
    repo.commit({"articles/override-codes.md": None}, "Remove it", "2026-09-02T10:00:00Z")
    public = write_changes(tmp_path / "city", tmp_path / "out")["public"]
    assert "override-codes" not in (public / "changes.json").read_text("utf-8")
    assert "override-codes" not in (public / "changes.xml").read_text("utf-8")
