"""The collector's database on PostgreSQL, beyond what both databases do (test_feedback_collector.py
and test_feedback_report.py run on each): one clear line and exit 1 when the extra is missing, the
server cannot be reached or the login is refused, never a password in a message; several
collectors sharing one database; a connection the server drops; a server that is down for a while."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from datetime import date
from urllib.parse import quote

import pytest
from feedback_databases import PASSWORD, USER, database, pg_cluster, pg_url  # noqa: F401 - fixtures
from feedback_tree import FILES

from generator.feedback.collector import Collector, RateLimit
from generator.feedback.database import Unavailable, open_store
from generator.feedback.events import Origins

ORIGINS = ["--public-origin", "https://311.testville.example", "--agent-origin",
           "https://agents.testville.example", "--retention-days", "30"]
SEARCH = {"v": 1, "type": "search", "lang": "en", "query": "pothole", "results": 2, "opened": None}
# every form of the password a message could carry
SECRETS = [PASSWORD, quote(PASSWORD, safe=""), "s3cret", "Pw%"]


@pytest.fixture
def closed_port():
    """A loopback port held for the test and not listening: a connection to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


def one_line_without_password(output: str) -> str:
    assert "Traceback" not in output
    assert output.count("\n") == 1, output
    for secret in SECRETS:
        assert secret not in output, output
    return output.strip()


def needs_psycopg() -> None:
    try:
        import psycopg  # noqa: F401 - is the [postgresql] extra installed?
    except ImportError:
        from feedback_databases import missing
        missing("psycopg, kb's [postgresql] extra, is not installed")


def test_a_server_that_cannot_be_reached_is_one_line_and_exit_1(kb, make_tree, closed_port):
    needs_psycopg()
    url = f"postgresql://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{closed_port}/feedback"
    shown = f"postgresql://{USER}:***@127.0.0.1:"
    proc = subprocess.run([sys.executable, "-m", "generator", "feedback", "serve", "--db", url,
                           "--port", "0", *ORIGINS], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stdout == ""
    line = one_line_without_password(proc.stderr)
    assert line.startswith(f"Error: {shown}") and "cannot use the database: " in line
    assert "Connection refused" in line
    root = make_tree(FILES)
    for command in (["report"], ["prune", "--older-than", "30"]):
        result = kb("feedback", *command, "--root", root, "--db", url)
        assert result.exit_code == 1
        assert one_line_without_password(result.output).startswith(f"Error: {shown}")


@pytest.mark.parametrize("url", [
    "postgresql://kb:s3cret:@%2FPw%25@127.0.0.1:{port}/feedback",  # @ and / not encoded
    "postgresql://kb:s3cret%3A%40%2FPw%25@[::1/feedback",  # libpq quotes the whole URL back
    "postgresql://kb@127.0.0.1:{port}/feedback?password=s3cret%3A%40%2FPw%25&sslmode=bogus",
])
def test_a_wrong_url_never_shows_its_password(kb, make_tree, closed_port, url):
    needs_psycopg()
    result = kb("feedback", "report", "--root", make_tree(FILES), "--db", url.format(port=closed_port))
    assert result.exit_code == 1
    assert "***" in one_line_without_password(result.output)


def test_a_refused_login_is_one_line_and_exit_1(kb, pg_cluster):
    url = pg_cluster.url(pg_cluster.new_database(), password="not-" + PASSWORD)
    result = kb("feedback", "serve", "--db", url, "--port", "0", *ORIGINS)
    assert result.exit_code == 1
    line = one_line_without_password(result.output)
    assert f'password authentication failed for user "{USER}"' in line


def test_a_database_that_does_not_exist_is_one_line_and_exit_1(kb, pg_cluster):
    result = kb("feedback", "prune", "--older-than", "30", "--db", pg_cluster.url("no_such_db"))
    assert result.exit_code == 1
    assert 'database "no_such_db" does not exist' in one_line_without_password(result.output)


def test_a_role_that_may_only_read_and_write_the_tables_runs_the_collector(pg_cluster, pg_url):
    """The tables made once by their owner; the collector's role has no CREATE."""
    open_store(pg_url).close()
    dbname = pg_url.rsplit("/", 1)[1]
    with pg_cluster.admin(dbname) as admin:
        admin.execute("CREATE ROLE collector LOGIN")
        admin.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON events, refused TO collector")
    store = open_store(f"postgresql://collector@{pg_url.split('@', 1)[1]}")
    store.add(date(2026, 12, 1), "public", SEARCH)
    store.refuse(date(2026, 12, 1), "rate")
    assert (store.count(), store.refusals(), store.prune(date(2026, 12, 31), 1)) == (1, {"rate": 1}, 1)
    with pg_cluster.admin(dbname) as admin:  # a right taken away: Unavailable (503), no traceback
        admin.execute("REVOKE INSERT ON events FROM collector")
    with pytest.raises(Unavailable, match="permission denied for table events"):
        store.add(date(2026, 12, 1), "public", SEARCH)
    store.close()


def test_without_the_extra_postgresql_says_how_to_install_it_and_sqlite_works(kb, make_tree, tmp_path,
                                                                              monkeypatch, closed_port):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed
    monkeypatch.delitem(sys.modules, "generator.feedback.store_postgres", raising=False)
    url = f"postgresql://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{closed_port}/feedback"
    result = kb("feedback", "serve", "--db", url, "--port", "0", *ORIGINS)
    assert result.exit_code == 1
    line = one_line_without_password(result.output)
    assert "PostgreSQL needs kb's [postgresql] extra (psycopg 3): pip install 'kb311[postgresql]'" in line
    store = open_store(tmp_path / "f.sqlite3")  # SQLite needs nothing more
    store.add(date(2026, 12, 1), "public", SEARCH)
    store.close()
    result = kb("feedback", "report", "--root", make_tree(FILES), "--db", tmp_path / "f.sqlite3")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 events, 1 searches.")


def test_collectors_sharing_a_new_database_lose_nothing(database):
    """Four collectors open the same new database at once (each makes the tables) and write at
    once, from four threads each: every event and every refusal is there, counted once."""
    stores, errors = [None] * 4, []

    def open_at(i: int) -> None:
        try:
            stores[i] = open_store(database)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
    threads = [threading.Thread(target=open_at, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors

    def write(store, n: int) -> None:
        for i in range(n):
            store.add(date(2026, 12, 1), "public", {**SEARCH, "query": f"q{i}"})
            store.refuse(date(2026, 12, 1), "rate")
    threads = [threading.Thread(target=write, args=(store, 50)) for store in stores for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stores[0].count() == 800
    assert stores[1].refusals() == {"rate": 800}
    for store in stores:
        store.close()


def test_a_dropped_connection_is_opened_again_and_nothing_is_lost(pg_cluster, pg_url):
    store = open_store(pg_url)
    store.add(date(2026, 12, 1), "public", SEARCH)
    with pg_cluster.admin() as admin:  # what a server restart or a failover does to a connection
        n = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                          "WHERE usename = %s", (USER,)).fetchone()[0]
    assert n == 1
    store.add(date(2026, 12, 1), "public", SEARCH)
    assert store.count() == 2
    store.close()


def test_while_the_server_is_down_events_are_answered_503_and_then_stored_again(pg_cluster, pg_url, capsys):
    collector = Collector(open_store(pg_url), Origins(frozenset({"https://311.testville.example"}), frozenset()),
                          RateLimit(6000, 1000), today=lambda: date(2026, 12, 1))
    now = [0.0]
    collector.store.clock = lambda: now[0]
    body = b'{"v": 1, "type": "search", "lang": "en", "query": "pothole", "results": 2, "opened": null}'
    origin = "https://311.testville.example"
    assert collector.receive("198.51.100.1", origin, body) == 204
    with pg_cluster.admin() as admin:  # the server stops taking kb's connections
        admin.execute(f"ALTER ROLE {USER} NOLOGIN")
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (USER,))
    try:
        assert collector.receive("198.51.100.1", origin, body) == 503
        now[0] += 10
        assert collector.receive("198.51.100.1", origin, body) == 503
        assert collector.receive("198.51.100.1", origin, b"{") == 400  # still refused, not counted there
    finally:
        with pg_cluster.admin() as admin:
            admin.execute(f"ALTER ROLE {USER} LOGIN")
    # the server is back, but the last attempt failed less than RETRY_SECONDS ago: no new one yet,
    # so that requests do not wait for connection attempts one after another
    assert collector.receive("198.51.100.1", origin, body) == 503
    now[0] += 10
    assert collector.receive("198.51.100.1", origin, body) == 204
    assert collector.counts == {"stored": 2, "unavailable": 3, "not_json": 1}
    assert collector.store.count() == 2
    err = capsys.readouterr().err
    assert err.count("warning: the database cannot be reached") == 1  # once, not per event
    assert "events are answered 503 until it is back" in err
    assert err.count("the database is back") == 1
    for secret in SECRETS:
        assert secret not in err
    collector.store.close()
