"""extra.kb.feedback in mkdocs.yml: checked at its line; with it set the sites carry the form and
publish the event schema; `kb feedback serve` as a city runs it."""

from __future__ import annotations

import html
import http.client
import json
import subprocess
import sys

import pytest
from conftest import ENGINES, MKDOCS_YML
from feedback_databases import PASSWORD, database, pg_cluster, pg_url  # noqa: F401 - fixtures
from feedback_tree import FILES, with_feedback

from generator.feedback.database import open_store, shown


@pytest.mark.parametrize("setting, message", [
    ('{collector: "http://feedback.example.gov/events"}',
     "mkdocs.yml:11:27: extra.kb.feedback.collector: must be the collector's address, like "
     "https://feedback.example.gov/events (http:// only for 127.0.0.1 or localhost, to test)"),
    ('{collector: "https://f.example.gov/e", retention_days: 0}',
     "mkdocs.yml:11:70: extra.kb.feedback.retention_days: must be at least 1 (not 0)"),
    ('{collector: "https://f.example.gov/e", retention: 30}',
     "mkdocs.yml:11:54: extra.kb.feedback.retention: unknown field 'retention'; did you mean "
     "'retention_days'?"),
    ('{retention_days: 30}',
     "mkdocs.yml:11:5: extra.kb.feedback.collector: required field 'collector' is missing"),
])
def test_a_wrong_setting_is_reported_at_its_line(kb, make_tree, setting, message):
    text = MKDOCS_YML.replace("    languages:\n", f"    feedback: {setting}\n    languages:\n")
    root = make_tree({"mkdocs.yml": text})
    result = kb("check", "--root", root)
    assert result.exit_code == 1
    assert message in result.output, result.output


@pytest.mark.parametrize("engine", ENGINES)
def test_with_feedback_on_the_site_carries_the_form_and_the_event_schema(make_tree, tmp_path, engine):
    from generator.pipeline.build import build

    root = make_tree({**FILES, "mkdocs.yml": with_feedback(MKDOCS_YML, "https://feedback.testville.example/events")})
    build(root, tmp_path / "site", ["en"], "public", quiet=True, engine=engine)
    public = tmp_path / "site" / "public"
    schema = json.loads((public / "api/v1/schema/feedback-event.schema.json").read_text("utf-8"))
    assert schema["$id"] == "https://311.testville.example/api/v1/schema/feedback-event.schema.json"
    config = json.loads((public / "api/v1/schema/config.schema.json").read_text("utf-8"))
    assert "feedback" in config["properties"]
    page = (public / "en/services/pothole-repair/index.html").read_text("utf-8")
    assert 'data-collector="https://feedback.testville.example/events"' in page
    assert "kb/feedback.js" in page and (public / "en/kb/feedback.js").is_file()
    strings = json.loads(html.unescape(page.split('data-strings="', 1)[1].split('"', 1)[0]))
    assert strings["page_question"] == "Did this page help?"


def test_without_feedback_the_setting_is_not_published(make_tree, tmp_path):
    from generator.pipeline.build import build

    build(make_tree(), tmp_path / "site", ["en"], "public", quiet=True)
    public = tmp_path / "site" / "public"
    config = json.loads((public / "api/v1/schema/config.schema.json").read_text("utf-8"))
    assert "feedback" not in config["properties"]
    assert not list(public.rglob("*feedback*"))


def test_kb_feedback_serve_takes_events_from_the_sites_origins(make_tree, database):
    root = make_tree({**FILES, "mkdocs.yml": with_feedback(
        MKDOCS_YML, "https://feedback.testville.example/events",
        agent_site_url="https://agents.testville.example/")})
    proc = subprocess.Popen([sys.executable, "-m", "generator", "feedback", "serve", "--root", str(root),
                             "--db", str(database), "--port", "0"], stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        assert f"/events into {shown(database)}; public origin https://311.testville.example; agent " \
               "origin https://agents.testville.example; events kept 90 days" in line
        assert PASSWORD not in line and "s3cret" not in line
        port = int(line.split("http://127.0.0.1:", 1)[1].split("/", 1)[0])
        event = {"v": 1, "type": "report", "report": "nothing_fits", "lang": "en", "query": "x"}
        statuses = []
        for origin in ("https://agents.testville.example", "https://311.testville.example"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", "/events", json.dumps(event), {"Origin": origin, "Content-Type": "text/plain"})
            statuses.append(conn.getresponse().status)
            conn.close()
        assert statuses == [204, 403]
        proc.terminate()  # a service manager's stop: a clean end, the database closed
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    store = open_store(database)
    assert [(aud, e["report"]) for _, aud, e in store.events()] == [("agent", "nothing_fits")]
    store.close()


def test_serve_warns_when_the_agent_site_shares_the_public_origin(make_tree, tmp_path):
    root = make_tree({**FILES, "mkdocs.yml": with_feedback(MKDOCS_YML, "https://f.testville.example/e")})
    proc = subprocess.Popen([sys.executable, "-m", "generator", "feedback", "serve", "--root", str(root),
                             "--db", str(tmp_path / "f.sqlite3"), "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    try:
        warning = proc.stderr.readline()
        assert warning.startswith("warning: the agent site shares the origin https://311.testville.example")
        assert "agent origin none" in proc.stderr.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("command, says", [
    (["serve", "--port", "0"], "cannot open the feedback database"),  # serve makes the file
    (["report"], "no such database"),  # report and prune read one that is there
    (["prune", "--older-than", "30"], "no such database"),
])
def test_a_database_file_that_cannot_be_made_is_one_line_and_exit_1(kb, tmp_path, command, says):
    (tmp_path / "blocker").write_text("a file where the folder should be")
    db = tmp_path / "blocker" / "feedback.sqlite"
    result = kb("feedback", *command, "--db", db)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert f"{db}: {says}" in lines[0]
