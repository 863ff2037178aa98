"""The build's clock, in one place: ``SOURCE_DATE_EPOCH`` when it is set, else the real time.

Everything that writes a date or judges one (the JSON's ``generated_at``, the PO files' dates, the
review dates and their overdue badges) asks here, so that the same input builds the same bytes.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

STAMP = "%Y-%m-%dT%H:%M:%SZ"


def source_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as seconds, or None when it is not set (or not a number)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(epoch) if epoch.isdigit() else None


def now() -> datetime:
    """SOURCE_DATE_EPOCH's moment when set, else now; in UTC."""
    epoch = source_epoch()
    return datetime.fromtimestamp(epoch, timezone.utc) if epoch is not None else datetime.now(timezone.utc)


def today(tz: str | None = None) -> date:
    """SOURCE_DATE_EPOCH's date when set, else today, in the time zone `tz` (UTC if unknown)."""
    try:
        zone = ZoneInfo(tz) if tz else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone.utc
    return now().astimezone(zone).date()


def stamp(when: datetime) -> str:
    """A moment as the JSON writes it: 2026-12-04T15:39:00Z."""
    return when.astimezone(timezone.utc).strftime(STAMP)


def generated_at(newest_change: str | None) -> str:
    """SOURCE_DATE_EPOCH when set, else the newest change to the content (an ISO date-time),
    else now (UTC)."""
    if source_epoch() is None and newest_change:
        return stamp(datetime.fromisoformat(newest_change))
    return stamp(now())
