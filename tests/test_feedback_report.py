"""kb feedback report: each signal under the department that owns the content, with the file to
edit and its line; searches grouped by their words; words no content or thesaurus term has;
recall on the opened searches; HTML that escapes everything from events. kb feedback prune.
On both databases, SQLite and PostgreSQL (feedback_databases.py), with the same answers."""

from __future__ import annotations

import json
from datetime import date

import pytest
from feedback_databases import database, pg_cluster, pg_url  # noqa: F401 - fixtures
from feedback_tree import FILES

from generator.feedback.database import open_store, shown

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def search(query, results, opened=None, audience="public"):
    return audience, {"v": 1, "type": "search", "lang": "en", "query": query, "results": results,
                      "opened": opened}


def vote(kind, id_, helpful, note=None):
    e = {"v": 1, "type": "vote", "lang": "en", "page": {"kind": kind, "id": id_}, "helpful": helpful}
    return "public", {**e, **({"note": note} if note else {})}


def report(kind, **fields):
    return "agent", {"v": 1, "type": "report", "report": kind, "lang": "en", **fields}


EVENTS = [
    (date(2026, 11, 2), *search("raccoon in attic", 0)),
    (date(2026, 11, 3), *search("Raccoons attic", 0)),
    (date(2026, 11, 3), *search("raccoon attic noise", 0, audience="agent")),
    (date(2026, 11, 4), *search("pothole", 3)),
    (date(2026, 11, 4), *search("pothole", 3, {"kind": "service", "id": "pothole-repair", "rank": 1})),
    (date(2026, 11, 5), *search("hole in the road", 2, {"kind": "service", "id": "pothole-repair", "rank": 1})),
    (date(2026, 11, 5), *vote("service", "pothole-repair", False, XSS)),
    (date(2026, 11, 5), *vote("service", "pothole-repair", False)),
    (date(2026, 11, 6), *vote("service", "pothole-repair", True)),
    (date(2026, 11, 6), *vote("service", "streetlight-outage", True)),
    (date(2026, 11, 7), *report("wrong", page={"kind": "service", "id": "tree-trimming"},
                               note="Parks stopped trimming in winter")),
    (date(2026, 11, 7), *report("wrong", page={"kind": "service", "id": "tree-trimming"},
                               note="parks stopped  trimming in WINTER")),
    (date(2026, 11, 8), *report("nothing_fits", query="brnch on my car", results=0,
                               note="caller wants the branch removed")),
    (date(2026, 12, 1), *vote("service", "tree-trimming", False, "which trees are the city's?")),
]


def fill(db):
    store = open_store(db)
    for day, audience, event in EVENTS:
        store.add(day, audience, {**event, "audience": audience})
    store.close()
    return db


@pytest.fixture
def city(make_tree, database):
    return make_tree(FILES), fill(database)


def run_report(kb, city, *args):
    root, db = city
    result = kb("feedback", "report", "--root", root, "--db", db, *args)
    assert result.exit_code == 0, result.output
    return result.output


def test_each_signal_is_under_its_department_with_its_file_and_line(kb, city):
    data = json.loads(run_report(kb, city, "--format", "json"))
    by = {d["department"]: d for d in data["departments"]}
    assert list(by) == ["parks", "public-works", None]
    works = by["public-works"]
    [page] = works["unhelpful_pages"]
    assert (page["file"], page["line"], page["helpful_no"], page["helpful_yes"]) == \
        ("catalog/services/pothole-repair.yaml", 1, 2, 1)
    assert [n["note"] for n in page["notes"]] == [XSS]
    [not_opened] = works["searches_not_opened"]
    assert not_opened["queries"] == [{"query": "pothole", "count": 1}]
    assert (not_opened["nearest"]["file"], not_opened["nearest"]["line"]) == \
        ("catalog/services/pothole-repair.yaml", 5)  # its keywords
    parks = by["parks"]
    assert parks["wrong_or_out_of_date"][0]["file"] == "catalog/services/tree-trimming.yaml"
    # the same note twice (spaces and case aside) is one note, with how many times it came
    assert parks["wrong_or_out_of_date"][0]["notes"] == [
        {"lang": "en", "note": "Parks stopped trimming in winter", "count": 2}]
    [fits] = parks["nothing_fits"]  # 'brnch' is spelled like the keyword 'branch'
    assert fits["nearest"]["id"] == "tree-trimming" and fits["notes"] == [
        {"lang": "en", "note": "caller wants the branch removed", "count": 1}]
    assert parks["unhelpful_pages"][0]["notes"][0]["note"] == "which trees are the city's?"
    # the searches that found nothing: grouped by similar words, each site apart, routed to no
    # department (no content comes near them)
    public, agent = by[None]["searches_found_nothing"]
    assert (public["count"], public["audience"], agent["count"], agent["audience"]) == (2, "public", 1, "agent")
    assert {q["query"] for q in public["queries"]} == {"raccoon in attic", "Raccoons attic"}
    assert public["words"] == "attic raccoon" and public["nearest"] is None


def test_words_no_content_and_no_thesaurus_term_has_are_listed(kb, city):
    data = json.loads(run_report(kb, city, "--format", "json"))
    # 'raccoon' matches no content but is a term of the shipped thesaurus (raccoon -> wildlife)
    assert data["unknown_words"] == [
        {"word": "attic", "lang": "en", "count": 3, "example": "raccoon in attic"}]


def test_recall_is_measured_on_the_searches_whose_result_was_opened(kb, city):
    data = json.loads(run_report(kb, city, "--format", "json"))
    assert data["recall"] == {"searches": 2, "recall_at_1": 1.0, "recall_at_5": 1.0, "mrr": 1.0}


def test_html_escapes_every_note_and_query(kb, city):
    page = run_report(kb, city, "--format", "html")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "catalog/services/pothole-repair.yaml:1" in page


def test_text_names_the_department_file_and_line(kb, city):
    text = run_report(kb, city)
    assert "Public Works (public-works)" in text
    assert "Pothole repair (service pothole-repair): 2 no, 1 yes; edit catalog/services/pothole-repair.yaml:1" in text
    assert "Recall on 2 logged searches whose result was opened: recall@1 1.000" in text


def test_owner_and_since_narrow_the_report(kb, city):
    data = json.loads(run_report(kb, city, "--format", "json", "--owner", "parks"))
    assert [d["department"] for d in data["departments"]] == ["parks"]
    data = json.loads(run_report(kb, city, "--format", "json", "--since", "2026-12-01"))
    assert data["events"] == 1
    assert [d["department"] for d in data["departments"]] == ["parks"]


def test_an_unknown_owner_is_a_usage_error_naming_the_departments(kb, city):
    root, db = city
    result = kb("feedback", "report", "--root", root, "--db", db, "--owner", "park")
    assert result.exit_code == 2
    assert "'park' is not a department (catalog/departments/ has: parks, public-works)" in result.output


def test_prune_deletes_events_past_the_retention(kb, city, monkeypatch):
    root, db = city
    result = kb("feedback", "prune", "--root", root, "--db", db, "--older-than", "0")
    assert result.exit_code == 0
    assert "left" in result.output
    store = open_store(db)
    assert store.count() == 0
    store.close()


def test_report_and_prune_say_the_same_on_sqlite_and_postgresql(kb, make_tree, tmp_path, pg_url):
    root = make_tree(FILES)
    dbs = {"sqlite": fill(tmp_path / "f.sqlite3"), "postgresql": fill(pg_url)}
    said = {}
    for name, db in dbs.items():
        said[name] = [kb("feedback", "report", "--root", root, "--db", db, *args).output for args in (
            ["--format", "text"], ["--format", "json"], ["--format", "html"],
            ["--format", "json", "--since", "2026-11-05", "--owner", "public-works"])]
        result = kb("feedback", "prune", "--root", root, "--db", db, "--older-than", "30")
        said[name].append(result.output.replace(shown(db), "DB"))
        said[name].append(kb("feedback", "report", "--root", root, "--db", db, "--format", "json").output)
    assert said["sqlite"] == said["postgresql"]
    assert "Public Works (public-works)" in said["sqlite"][0]
    assert said["sqlite"][-2].startswith("Deleted ") and "from DB;" in said["sqlite"][-2]
