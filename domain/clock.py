"""The one clock of the bot: every "now" comes from here, so tests can move time in one place."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo


def now() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(timezone.utc)


def local_now(tz: tzinfo) -> datetime:
    """The current moment, aware, in ``tz`` (the configured time zone)."""
    return now().astimezone(tz)


def iso(moment: datetime) -> str:
    """A moment as every table stores it: ISO 8601 in UTC, to the second."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def parse(text: str) -> datetime:
    """A moment as stored (a naive one is UTC)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def utcnow() -> str:
    """The current moment as every table stores it."""
    return iso(now())


def ago(age: timedelta) -> str:
    """The moment ``age`` before now, as every table stores it (for comparisons in SQL)."""
    return iso(now() - age)
