"""One event as the collector receives it: size, JSON, schema, and the audience its Origin decides.

The pages send events as text/plain JSON (generator/schemas/events/feedback-event.schema.json).
The collector trusts nothing in them: the audience comes from the request's Origin header (the
public and the agent site have their own origins), and an event that claims another audience, or
an agent's report sent from the public site, is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import jsonschema_rs

from generator.formats.feedback_schema import event_schema

MAX_BODY = 4096  # bytes: the longest valid event (two notes of 1,000 characters in UTF-8) fits

# Why an event is refused: the collector counts them by these names.
REASONS = ("origin", "too_large", "not_json", "invalid", "audience", "rate", "method")


class Refused(Exception):
    """An event the collector will not store; `reason` is one of REASONS."""

    def __init__(self, reason: str, status: int):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def origin_of(url: str | None) -> str | None:
    """'https://311.example.gov/sub/' -> 'https://311.example.gov' (what browsers send as Origin)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


@dataclass(frozen=True)
class Origins:
    """The origins of the two sites. An origin both share counts as public."""

    public: frozenset[str]
    agent: frozenset[str]

    def audience(self, origin: str | None) -> str | None:
        origin = origin_of(origin) if origin else None
        if origin in self.public:
            return "public"
        if origin in self.agent:
            return "agent"
        return None


def _is_text(event: dict) -> bool:
    """False when a string holds half of a UTF-16 pair (JSON's \\ud800 escapes): no database
    can store it as text."""
    try:
        json.dumps(event, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=1)
def _validator() -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(event_schema())


def accept(body: bytes, origin: str | None, origins: Origins, max_body: int = MAX_BODY) -> tuple[str, dict]:
    """(audience, event) of a request's body, or Refused with the reason."""
    audience = origins.audience(origin)
    if audience is None:
        raise Refused("origin", 403)
    if len(body) > max_body:
        raise Refused("too_large", 413)
    try:
        event = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Refused("not_json", 400) from None
    try:
        valid = isinstance(event, dict) and _validator().is_valid(event)
    except ValueError:
        valid = False
    if not valid or not _is_text(event):
        raise Refused("invalid", 400)
    if event.get("audience", audience) != audience:
        raise Refused("audience", 403)
    if event["type"] == "report" and audience != "agent":
        raise Refused("audience", 403)  # agents' reports come from the agent site only
    if event["type"] == "vote" and audience != "public":
        raise Refused("audience", 403)  # residents vote on the public site
    event = dict(event)
    event["audience"] = audience
    return audience, event
