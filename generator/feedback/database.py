"""The collector's database, as `--db` names it: a SQLite file (the default) or a `postgresql://`
URL. What every store does (EventStore), opening the one asked for, and the URL as it may be shown
(never its password).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from generator.errors import KbError

SCHEMES = ("postgresql://", "postgres://")  # libpq takes both
EXTRA = "pip install 'kb311[postgresql]'"


class EventStore(Protocol):
    """The operations of a store: the collector writes with add and refuse; report, prune and
    /stats read. Days are UTC days; events come back as (YYYY-MM-DD, audience, event)."""

    def add(self, day: date, audience: str, event: dict) -> None: ...

    def refuse(self, day: date, reason: str) -> None: ...

    def events(self, since: date | None = None) -> list[tuple[str, str, dict]]: ...

    def count(self) -> int: ...

    def refusals(self, since: date | None = None) -> dict[str, int]: ...

    def prune(self, today: date, older_than_days: int) -> int: ...

    def close(self) -> None: ...


class Unavailable(Exception):
    """The database cannot be reached now (the collector answers 503 and tries again later)."""


def is_url(db: str | Path) -> bool:
    return isinstance(db, str) and db.lower().startswith(SCHEMES)


def _split(url: str) -> tuple[str, str | None, str]:
    """(scheme, user part or None, the rest) of a URL, the user part ending at the last @ before
    the query: a password with an @ or a / not written %40 or %2F stays in the user part."""
    scheme, _, rest = url.partition("://")
    head = re.split(r"[?#]", rest, maxsplit=1)[0]
    if "@" not in head:
        return scheme, None, rest
    at = head.rindex("@")
    return scheme, rest[:at], rest[at + 1:]


def _secrets(url: str) -> list[str]:
    """Every form of a URL's password (in the user part or the query) a message could quote: as
    written, decoded, and its pieces between @ and / (a driver may read those as a host)."""
    _, user, _ = _split(url)
    found = [user.split(":", 1)[1]] if user and ":" in user else []
    found += re.findall(r"[?&]password=([^&#]*)", url)
    forms = set()
    for secret in found:
        pieces = [p for p in re.split(r"[@/]", secret) if len(p) >= 3]
        for piece in (secret, *pieces):
            forms |= {piece, unquote(piece)}
    return sorted((f for f in forms if f), key=len, reverse=True)


def shown(db: str | Path) -> str:
    """The database as messages may name it: a URL's password is replaced by ***."""
    if not is_url(db):
        return str(db)
    scheme, user, rest = _split(db)
    if user is not None and ":" in user:
        user = user.split(":", 1)[0] + ":***"
    text = f"{scheme}://{user + '@' if user is not None else ''}{rest}"
    return re.sub(r"([?&]password=)[^&#]*", r"\1***", text)


def redact(message: str, db: str | Path) -> str:
    """A message (a driver's error, which may quote the URL) on one line, with no password."""
    text = " ".join(str(message).split())
    if is_url(db):
        text = text.replace(db, shown(db))
        for secret in _secrets(db):
            text = text.replace(secret, "***")
    return text


def open_store(db: str | Path) -> EventStore:
    """The store `--db` names, its tables made on first use. A URL that cannot be used (the
    extra not installed, the server not reached, the login refused) is a KbError: one line."""
    if not is_url(db):
        import sqlite3

        # store.py raises this module's Unavailable: imported here, not at the top (no cycle)
        from generator.feedback.store import Store

        try:
            return Store(db)
        except (OSError, sqlite3.Error) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise KbError(f"{db}: cannot open the feedback database ({why}); give --db a file in "
                          "a folder kb can create and write to") from None
    try:
        # psycopg is an optional extra: loaded only when a postgresql:// database is asked for
        from generator.feedback.store_postgres import PostgresStore
    except ImportError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KbError(f"{shown(db)}: PostgreSQL needs kb's [postgresql] extra (psycopg 3): {EXTRA} "
                      f"({redact(first, db)})") from None
    try:
        return PostgresStore(db)
    except Unavailable as exc:
        raise KbError(f"{shown(db)}: cannot use the database: {exc}") from None
