"""The collector's database: SQLite, one file, one table of events and one of refusal counts.

An event is stored with the day it arrived (UTC), the audience the collector decided, and the
event's own fields. Nothing about who sent it is stored: no address, no user agent, no time of day.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from generator.feedback.database import Unavailable

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  day TEXT NOT NULL,          -- YYYY-MM-DD, UTC: the day it arrived
  audience TEXT NOT NULL,     -- public | agent, from the request's Origin
  type TEXT NOT NULL,         -- search | vote | report
  body TEXT NOT NULL          -- the event, as validated (JSON)
);
CREATE INDEX IF NOT EXISTS events_day ON events(day);
CREATE TABLE IF NOT EXISTS refused (
  day TEXT NOT NULL,
  reason TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (day, reason)
);
"""


SETUP_TRIES = 100  # 5 s at most


class Store:
    """The database, safe to share between the server's threads (one connection, one lock)."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        # Collectors started together on a new file: switching it to WAL needs the file to
        # itself, and SQLite answers "locked" at once rather than waiting; try again a while.
        for attempt in range(SETUP_TRIES):
            try:
                with self._lock:
                    if self.path != ":memory:":
                        self._db.execute("PRAGMA journal_mode=WAL")
                    self._db.execute("PRAGMA synchronous=NORMAL")
                    self._db.executescript(SCHEMA)
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == SETUP_TRIES - 1:
                    raise
                time.sleep(0.05)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """The lock, and a write that fails (a full disk, a file made read-only, a database locked
        too long by another program) as Unavailable: the collector answers 503, warns once and
        goes on, as it does when a PostgreSQL server is away."""
        with self._lock:
            try:
                yield
            except sqlite3.OperationalError as exc:
                raise Unavailable(f"{self.path}: {exc}") from None

    def add(self, day: date, audience: str, event: dict) -> None:
        body = json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        with self._writing():
            self._db.execute("INSERT INTO events(day, audience, type, body) VALUES (?, ?, ?, ?)",
                             (day.isoformat(), audience, event["type"], body))

    def refuse(self, day: date, reason: str) -> None:
        with self._writing():
            self._db.execute("INSERT INTO refused(day, reason, n) VALUES (?, ?, 1) "
                             "ON CONFLICT(day, reason) DO UPDATE SET n = n + 1",
                             (day.isoformat(), reason))

    def events(self, since: date | None = None) -> list[tuple[str, str, dict]]:
        """(day, audience, event) of every event since a day (inclusive), oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT day, audience, body FROM events WHERE day >= ? ORDER BY id",
                ((since or date.min).isoformat(),)).fetchall()
        return [(day, audience, json.loads(body)) for day, audience, body in rows]

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM events").fetchone()[0]

    def refusals(self, since: date | None = None) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT reason, sum(n) FROM refused WHERE day >= ? "
                                    "GROUP BY reason ORDER BY reason",
                                    ((since or date.min).isoformat(),)).fetchall()
        return {reason: n for reason, n in rows}

    def prune(self, today: date, older_than_days: int) -> int:
        """Delete what arrived more than `older_than_days` days before today; the number deleted."""
        cutoff = (today - timedelta(days=older_than_days)).isoformat()
        with self._lock:
            n = self._db.execute("DELETE FROM events WHERE day < ?", (cutoff,)).rowcount
            self._db.execute("DELETE FROM refused WHERE day < ?", (cutoff,))
        return n

    def close(self) -> None:
        with self._lock:
            self._db.close()
