"""When a photo says it was taken (EXIF, "2026:11:24 09:15:00", the camera's own local time, no
zone), and whether that is more than a day from the incident: what moderators check before
trusting a file, on the card and on the dashboard."""

from __future__ import annotations

from datetime import date, datetime


def taken_at(captured_at: str | None) -> datetime | None:
    """The capture time as the camera wrote it (naive: the camera's clock), or None."""
    if not captured_at:
        return None
    try:
        return datetime.strptime(captured_at[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        try:
            return datetime.strptime(captured_at[:10], "%Y:%m:%d")
        except ValueError:
            return None


def off_day(captured_at: str | None, occurred_at: str | None) -> bool:
    """Whether the capture date is more than a day from the incident's date."""
    taken = taken_at(captured_at)
    if taken is None or not occurred_at:
        return False
    try:
        return abs((taken.date() - date.fromisoformat(occurred_at[:10])).days) > 1
    except ValueError:
        return False
