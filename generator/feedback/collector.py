"""`kb feedback serve`: the small HTTP service that receives the pages' events.

Python's own http.server and sqlite3: a city can run it as it is, with nothing to install beside
kb, behind its web server (docs/feedback.md); or PostgreSQL (database.py), whose server may be
away for a while: events are then answered 503. It takes POST /events (or /) with a text/plain JSON
body, decides the audience by the Origin header, validates the event (events.accept), limits the
size and the rate per client, and stores the event with the day it arrived. It stores no address:
a client's rate is kept in memory under a keyed hash of its address whose key is random and
changes every hour. It never logs requests. Refused events are counted by reason.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from generator.feedback.database import EventStore, Unavailable
from generator.feedback.events import MAX_BODY, Origins, Refused, accept

PATHS = ("/", "/events")
SALT_SECONDS = 3600  # the key of the clients' hashes changes this often (and the buckets go)
MAX_CLIENTS = 100_000  # buckets kept at most; past this they are all dropped (memory stays flat)


def utc_today() -> date:
    return datetime.now(timezone.utc).date()


@dataclass
class RateLimit:
    """A token bucket per client: `per_minute` events a minute on average, `burst` at once."""

    per_minute: float = 30.0
    burst: float = 20.0
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[bytes, tuple[float, float]] = field(default_factory=dict)
    _salt: bytes = b""
    _salt_at: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _key(self, client: str, now: float) -> bytes:
        if now - self._salt_at >= SALT_SECONDS:
            self._salt, self._salt_at = os.urandom(32), now
            self._buckets.clear()  # the old keys cannot be matched again anyway
        return hmac.new(self._salt, client.encode("utf-8", "replace"), hashlib.sha256).digest()[:16]

    def allow(self, client: str) -> bool:
        with self._lock:
            now = self.clock()
            key = self._key(client, now)
            if key not in self._buckets and len(self._buckets) >= MAX_CLIENTS:
                self._buckets.clear()
            tokens, at = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.per_minute / 60.0)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1.0, now)
            return True


@dataclass
class Collector:
    store: EventStore
    origins: Origins
    limit: RateLimit = field(default_factory=RateLimit)
    max_body: int = MAX_BODY
    forwarded: bool = False  # behind a proxy: the client is the last X-Forwarded-For address
    today: Callable[[], date] = utc_today
    counts: dict[str, int] = field(default_factory=dict)  # since start: stored and refused by reason
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _down: bool = False  # the database could not be reached the last time it was written

    def count(self, what: str) -> None:
        with self._lock:
            self.counts[what] = self.counts.get(what, 0) + 1

    def _database(self, problem: Unavailable | None) -> None:
        """Say on stderr, once, when the database stops answering and when it is back."""
        with self._lock:
            if self._down == (problem is not None):
                return
            self._down = problem is not None
        if problem is not None:
            print(f"warning: the database cannot be reached ({problem}); events are answered 503 "
                  f"until it is back", file=sys.stderr, flush=True)
        else:
            print("the database is back; events are stored again", file=sys.stderr, flush=True)

    def receive(self, client: str, origin: str | None, body: bytes | None) -> int:
        """Handle one POST (body None: no length, or longer than max_body, and not read); the
        HTTP status to answer with."""
        try:
            if not self.limit.allow(client):
                raise Refused("rate", 429)
            if body is None:
                raise Refused("too_large", 413)
            audience, event = accept(body, origin, self.origins, self.max_body)
        except Refused as refused:
            self.count(refused.reason)
            try:
                self.store.refuse(self.today(), refused.reason)
            except Unavailable as problem:
                self._database(problem)
            return refused.status
        try:
            self.store.add(self.today(), audience, event)
        except Unavailable as problem:  # a PostgreSQL server down: the event is not kept
            self.count("unavailable")
            self._database(problem)
            return 503
        self._database(None)
        self.count("stored")
        return 204


def handler_for(collector: Collector) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kb-feedback"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # no request log: it would hold addresses
            pass

        def _client(self) -> str:
            if collector.forwarded:
                hops = [h.strip() for h in self.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
                if hops:
                    return hops[-1]
            return self.client_address[0]

        def _answer(self, status: int, body: bytes = b"", kind: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Cache-Control", "no-store")
            if self.close_connection:
                self.send_header("Connection", "close")
            self.send_header("Content-Length", str(len(body)))
            if body:
                self.send_header("Content-Type", kind)
            self.end_headers()
            if body:
                self.wfile.write(body)

        def do_POST(self) -> None:
            if self.path.split("?")[0] not in PATHS:
                self.close_connection = True
                return self._answer(404)
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                length = None
            body = None
            if length is not None and 0 <= length <= collector.max_body:
                body = self.rfile.read(length)
            else:
                self.close_connection = True  # the body is not read: the connection cannot go on
            self._answer(collector.receive(self._client(), self.headers.get("Origin"), body))

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path == "/health":
                return self._answer(200, b"ok\n")
            if path == "/stats":  # counts only: nothing about anyone
                with collector._lock:
                    counts = dict(collector.counts)
                try:
                    stored = collector.store.count()
                except Unavailable:
                    stored = None
                body = json.dumps({"since_start": counts, "stored": stored},
                                  sort_keys=True).encode() + b"\n"
                return self._answer(200, body, "application/json")
            self._answer(404)

        def do_OPTIONS(self) -> None:  # text/plain beacons need no preflight; say nothing more
            self._answer(204)

    return Handler


def make_server(collector: Collector, host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), handler_for(collector))
    server.daemon_threads = True
    return server


def prune_daily(collector: Collector, retention_days: int, stop: threading.Event) -> threading.Thread:
    """A thread that deletes events past the retention once at start and then once a day."""
    def run() -> None:
        while not stop.is_set():
            try:
                collector.store.prune(collector.today(), retention_days)
            except Unavailable:
                stop.wait(3600)  # the database is down: try again in an hour
                continue
            stop.wait(86400)
    thread = threading.Thread(target=run, name="kb-feedback-prune", daemon=True)
    thread.start()
    return thread
