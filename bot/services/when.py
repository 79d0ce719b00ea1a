"""Reading the time and date of an incident as people type them, in their locale's order."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from babel.dates import get_date_format

_TIME = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:.\-\s]\s*([0-5]\d)\s*$")
_NUMBERS = re.compile(r"^\s*(\d{1,4})\s*[./\-\s]\s*(\d{1,2})\s*[./\-\s]\s*(\d{2,4})\s*$")
OLDEST = timedelta(days=366)


class BadWhen(ValueError):
    """Why a typed time or date cannot be taken: 'format', 'future' or 'too_old'."""


def parse_time(text: str) -> time:
    match = _TIME.match(text)
    if not match:
        raise BadWhen("format")
    return time(int(match.group(1)), int(match.group(2)))


def earlier_today(text: str, now: datetime) -> datetime:
    """Today at the typed time (``now`` is local and aware); not in the future."""
    moment = datetime.combine(now.date(), parse_time(text), tzinfo=now.tzinfo)
    if moment > now:
        raise BadWhen("future")
    return moment


def _order(lang: str) -> str:
    """'dmy', 'mdy' or 'ymd', from the locale's short date pattern (CLDR)."""
    pattern = get_date_format("short", locale=lang).pattern.lower()
    positions = sorted((pattern.index(ch), ch) for ch in "dmy" if ch in pattern)
    return "".join(ch for _, ch in positions)


def parse_date(text: str, lang: str, today: date) -> date:
    """A date typed as 24.11.2026, 24/11/26, 2026-11-24 (or 11/24/2026 in English)."""
    match = _NUMBERS.match(text)
    if not match:
        raise BadWhen("format")
    parts = [int(group) for group in match.groups()]
    order = "ymd" if len(match.group(1)) == 4 else _order(lang)
    values = dict(zip(order, parts))
    year = values["y"] + 2000 if values["y"] < 100 else values["y"]
    try:
        day = date(year, values["m"], values["d"])
    except ValueError:
        raise BadWhen("format") from None
    if day > today:
        raise BadWhen("future")
    if today - day > OLDEST:
        raise BadWhen("too_old")
    return day
