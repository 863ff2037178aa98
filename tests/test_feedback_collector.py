"""kb feedback serve: the collector on loopback, with hostile events. It must store what the pages
send and refuse (and count) the rest: too large, not JSON, not the schema, from another origin,
claiming the agent audience from the public site, too many from one client. It keeps no address.
Each test runs on both databases: SQLite and PostgreSQL (feedback_databases.py)."""

from __future__ import annotations

import http.client
import json
import threading
from datetime import date

import pytest
from feedback_databases import database, everything_stored, pg_cluster, pg_url  # noqa: F401 - fixtures

from generator.feedback.collector import Collector, RateLimit, make_server
from generator.feedback.database import open_store
from generator.feedback.events import Origins

PUBLIC = "https://311.testville.example"
AGENT = "https://agents.testville.example"
SEARCH = {"v": 1, "type": "search", "lang": "en", "query": "pothole", "results": 2, "opened": None}
VOTE = {"v": 1, "type": "vote", "lang": "en", "page": {"kind": "service", "id": "pothole-repair"},
        "helpful": False, "note": "no hours"}
NOTHING = {"v": 1, "type": "report", "report": "nothing_fits", "lang": "en", "query": "raccoon"}
WRONG = {"v": 1, "type": "report", "report": "wrong", "lang": "en",
         "page": {"kind": "answer", "id": "potholes"}, "note": "crews take five days now"}


@pytest.fixture
def collector(database):
    made = []

    def start(rate: float = 6000.0, burst: float = 1000.0, max_body: int = 4096):
        store = open_store(database)
        c = Collector(store, Origins(frozenset({PUBLIC}), frozenset({AGENT})), RateLimit(rate, burst),
                      max_body, today=lambda: date(2026, 12, 1))
        server = make_server(c, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()  # quick to stop
        c.port, c.db = server.server_address[1], database
        made.append((server, store))
        return c

    yield start
    for server, store in made:
        server.shutdown()
        server.server_close()
        store.close()


def post(port: int, body, origin: str | None = PUBLIC, path: str = "/events",
         headers: dict | None = None) -> int:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = {"Content-Type": "text/plain;charset=UTF-8", **({"Origin": origin} if origin else {}), **(headers or {})}
    conn.request("POST", path, body=data, headers=h)
    status = conn.getresponse().status
    conn.close()
    return status


def test_good_events_are_stored_with_the_audience_their_origin_decides(collector):
    c = collector()
    assert post(c.port, SEARCH) == 204
    assert post(c.port, VOTE) == 204
    assert post(c.port, {**SEARCH, "query": "raccoon"}, origin=AGENT) == 204
    assert post(c.port, NOTHING, origin=AGENT) == 204
    assert post(c.port, WRONG, origin=AGENT) == 204
    rows = c.store.events()
    assert [(day, aud, e["type"]) for day, aud, e in rows] == [
        ("2026-12-01", "public", "search"), ("2026-12-01", "public", "vote"),
        ("2026-12-01", "agent", "search"), ("2026-12-01", "agent", "report"),
        ("2026-12-01", "agent", "report")]
    assert rows[1][2]["note"] == "no hours"
    raw = everything_stored(c.db)
    assert b"pothole-repair" in raw and b"127.0.0.1" not in raw  # no address is stored


@pytest.mark.parametrize("body, origin, reason, status", [
    (b"x" * 5000, PUBLIC, "too_large", 413),
    (b"{not json", PUBLIC, "not_json", 400),
    (b"\xff\xfe\x00", PUBLIC, "not_json", 400),
    (b"[1, 2]", PUBLIC, "invalid", 400),
    ({**SEARCH, "query": ""}, PUBLIC, "invalid", 400),
    ({**SEARCH, "query": "q" * 201}, PUBLIC, "invalid", 400),
    ({**SEARCH, "email": "someone@example.com"}, PUBLIC, "invalid", 400),  # no field of its own
    ({**SEARCH, "opened": {"kind": "service", "id": "../etc/passwd", "rank": 1}}, PUBLIC, "invalid", 400),
    ({**VOTE, "note": "n" * 1001}, PUBLIC, "invalid", 400),
    ({**SEARCH, "v": 2}, PUBLIC, "invalid", 400),
    (b'{"v": 1, "type": "search", "lang": "en", "query": "\\ud800", "results": 0, "opened": null}',
     PUBLIC, "invalid", 400),  # half a UTF-16 pair: not text any database can store
    ({"v": 1, "type": "report", "report": "wrong", "lang": "en"}, AGENT, "invalid", 400),
    (SEARCH, "https://evil.example", "origin", 403),
    (SEARCH, None, "origin", 403),
    (SEARCH, "null", "origin", 403),
    ({**SEARCH, "audience": "agent"}, PUBLIC, "audience", 403),  # the agent audience from the public site
    (NOTHING, PUBLIC, "audience", 403),  # agents' reports come from the agent site only
    ({**WRONG, "audience": "agent"}, PUBLIC, "audience", 403),
    (VOTE, AGENT, "audience", 403),
])
def test_hostile_events_are_refused_and_counted_by_reason(collector, body, origin, reason, status):
    c = collector()
    assert post(c.port, body, origin=origin) == status
    assert c.store.count() == 0
    assert c.store.refusals() == {reason: 1}
    assert c.counts == {reason: 1}


def test_a_body_longer_than_its_content_length_says_is_not_read_past_the_limit(collector):
    c = collector(max_body=1024)
    conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=10)
    conn.putrequest("POST", "/events")
    conn.putheader("Origin", PUBLIC)
    conn.putheader("Content-Length", str(10 * 1024 * 1024))
    conn.endheaders()
    assert conn.getresponse().status == 413  # answered before the 10 MB were sent
    conn.close()
    assert c.store.refusals() == {"too_large": 1}


def test_one_client_past_its_rate_is_refused_and_others_are_not_held_back(collector):
    c = collector(rate=1.0, burst=5.0)
    statuses = [post(c.port, SEARCH) for _ in range(8)]
    assert statuses == [204] * 5 + [429] * 3
    assert c.store.count() == 5
    assert c.store.refusals() == {"rate": 3}


def test_the_rate_is_kept_under_a_hash_whose_key_changes_and_no_address():
    limit = RateLimit(per_minute=60, burst=1, clock=lambda: 0.0)
    assert limit.allow("203.0.113.7")
    assert not limit.allow("203.0.113.7")
    assert limit.allow("203.0.113.8")
    assert all(b"203.0.113" not in key for key in limit._buckets)
    assert all(len(key) == 16 for key in limit._buckets)


def test_health_and_counts_say_nothing_about_anyone(collector):
    c = collector()
    post(c.port, SEARCH)
    post(c.port, b"{", origin=PUBLIC)
    conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=10)
    conn.request("GET", "/stats")
    stats = json.loads(conn.getresponse().read())
    assert stats == {"since_start": {"not_json": 1, "stored": 1}, "stored": 1}
    conn.request("GET", "/health")
    assert conn.getresponse().read() == b"ok\n"
    conn.close()


def test_a_few_hundred_events_on_loopback_are_all_stored(collector):
    """The small version of bench/feedback_load.py: nothing lost, the hostile ones counted."""
    c = collector()
    answers: list[int] = []

    def worker(n: int) -> None:
        for i in range(n):
            if i % 10 == 9:
                answers.append(post(c.port, {**SEARCH, "query": "<b>x</b>", "results": -1}))
            else:
                answers.append(post(c.port, {**SEARCH, "query": f"pothole {i}"}))
    threads = [threading.Thread(target=worker, args=(100,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [204] * 360 + [400] * 40
    assert c.store.count() == 360
    assert c.store.refusals() == {"invalid": 40}


def test_prune_deletes_what_is_older_than_the_retention(database):
    store = open_store(database)
    store.add(date(2026, 1, 1), "public", SEARCH)
    store.add(date(2026, 11, 30), "public", SEARCH)
    store.refuse(date(2026, 1, 1), "rate")
    store.refuse(date(2026, 11, 30), "invalid")
    assert store.prune(date(2026, 12, 1), 30) == 1
    assert [day for day, _, _ in store.events()] == ["2026-11-30"]
    assert store.refusals() == {"invalid": 1}
    assert store.prune(date(2026, 12, 1), 30) == 0
    store.close()


def test_the_database_keeps_an_event_as_it_came_and_answers_by_day(database):
    """Notes with quotes, SQL, markup, a NUL and every script come back as they were sent."""
    notes = ["'); DROP TABLE events; --", "<b>x</b> \\ \" %s ?", "a\x00b", "قطع الأشجار 木 😀"]
    store = open_store(database)
    for i, note in enumerate(notes):
        store.add(date(2026, 11, 1 + i), "public", {**VOTE, "note": note, "audience": "public"})
    for reason in ("rate", "rate", "origin"):
        store.refuse(date(2026, 11, 1), reason)
    store.refuse(date(2026, 11, 3), "rate")
    assert [e["note"] for _, _, e in store.events()] == notes
    assert [day for day, _, _ in store.events(date(2026, 11, 3))] == ["2026-11-03", "2026-11-04"]
    assert store.count() == 4
    assert store.refusals() == {"origin": 1, "rate": 3}
    assert store.refusals(date(2026, 11, 2)) == {"rate": 1}
    store.close()
    again = open_store(database)  # the tables are made once: opening again keeps what is there
    assert again.count() == 4
    again.close()


def test_a_refused_event_leaves_a_kept_alive_connection_usable(collector):
    c = collector(rate=1.0, burst=1.0)
    conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=10)
    statuses = []
    for body in (SEARCH, SEARCH, b"x" * 5000):
        conn.request("POST", "/events", json.dumps(body) if isinstance(body, dict) else body,
                     {"Origin": PUBLIC})
        response = conn.getresponse()
        response.read()
        statuses.append((response.status, response.getheader("Connection")))
    conn.close()
    # the refused event's body is read, so the next request on the connection is whole; a body
    # too large to read ends the connection, and the answer says so
    assert statuses == [(204, None), (429, None), (429, "close")]
    assert c.store.refusals() == {"rate": 2}


def test_a_sqlite_file_that_cannot_be_written_gets_503_and_one_warning_not_a_traceback(tmp_path, capsys):
    store = open_store(tmp_path / "feedback.sqlite")
    collector = Collector(store, Origins(frozenset({PUBLIC}), frozenset({AGENT})), RateLimit(6000, 1000),
                          today=lambda: date(2026, 12, 1))
    body = json.dumps(SEARCH).encode()
    assert collector.receive("198.51.100.1", PUBLIC, body) == 204
    store._db.execute("PRAGMA query_only = ON")  # as a full disk or a read-only file would
    assert collector.receive("198.51.100.1", PUBLIC, body) == 503
    assert collector.receive("198.51.100.1", PUBLIC, body) == 503
    assert collector.receive("198.51.100.1", PUBLIC, b"{") == 400  # refused; its count not kept
    store._db.execute("PRAGMA query_only = OFF")
    assert collector.receive("198.51.100.1", PUBLIC, body) == 204
    assert collector.counts == {"stored": 2, "unavailable": 2, "not_json": 1}
    assert store.count() == 2
    err = capsys.readouterr().err
    assert err.count("warning: the database cannot be reached") == 1
    assert "feedback.sqlite" in err and "Traceback" not in err
    assert err.count("the database is back") == 1
    store.close()
