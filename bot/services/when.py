"""Reading the time and date of an incident as people type them, in their locale's order."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from babel.dates import get_date_format, get_month_names

from domain.rules import LANGUAGES

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


_NUMERIC = re.compile(r"^\s*(\d{1,4})\s*[./\-\s]\s*(\d{1,2})(?:\s*[./\-\s]\s*(\d{2,4}))?\s*[.\s]*$")
_TOKENS = re.compile(r"\d+|[^\W\d_]+")
# Days said in words, in every language the bot speaks: how many days back each one is.
_RELATIVE = {"today": 0, "сегодня": 0, "бүгін": 0, "yesterday": 1, "вчера": 1, "кеше": 1,
             "позавчера": 2, "алдыңгүні": 2, "алдыңғыкүні": 2, "daybeforeyesterday": 2}
# Words around a date that say nothing about it: "г.", "года", "ж.", "жылы", "of", "th"...
_FILLER = {"г", "год", "года", "году", "гг", "ж", "жыл", "жылы", "жылғы", "of", "the", "st", "nd", "rd", "th",
           "в", "на", "і", "ы", "ші", "шы", "сі", "си", "күні", "числа", "го", "е", "ое", "ого"}
_MONTH_PREFIX = 3  # "ноя", "қар", "dec": shorter would be ambiguous ("ма")


def _months() -> list[tuple[str, int]]:
    """Every month name and abbreviation of kk, ru and en (Babel's CLDR data), without dots."""
    names = set()
    for lang in LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=lang).items():
                    names.add((name.lower().rstrip("."), number))
    return sorted(names)


_MONTHS = _months()


def _month(word: str) -> int | None:
    """The month a word names: a name or its abbreviation, any case, a prefix of at least three
    letters ("нояб", "dec"), or a name with an ending ("қарашада", "ноябре")."""
    found = {number for name, number in _MONTHS
             if word == name or (len(word) >= _MONTH_PREFIX and name.startswith(word))
             or (len(name) >= 4 and word.startswith(name))}
    return found.pop() if len(found) == 1 else None


def _latest(day: int, month: int, today: date) -> date:
    """The date without a year: this year's, or last year's if this year's is still to come."""
    this_year = date(today.year, month, day)
    return this_year if this_year <= today else date(today.year - 1, month, day)


def _in_words(text: str, today: date) -> date:
    words = [token for token in _TOKENS.findall(text.lower()) if token not in _FILLER]
    months = [number for number in (_month(word) for word in words if not word.isdigit()) if number]
    unknown = [word for word in words if not word.isdigit() and _month(word) is None]
    numbers = [word for word in words if word.isdigit()]
    if len(months) != 1 or unknown or not 1 <= len(numbers) <= 2:
        raise BadWhen("format")
    years = [int(n) for n in numbers if len(n) == 4]
    days = [int(n) for n in numbers if len(n) <= 2]
    if len(years) > 1 or len(days) != 1 or len(years) + len(days) != len(numbers):
        raise BadWhen("format")
    if years:
        return date(years[0], months[0], days[0])
    return _latest(days[0], months[0], today)


def _in_numbers(text: str, lang: str, today: date) -> date:
    match = _NUMERIC.match(text)
    if not match:
        raise BadWhen("format")
    parts = [int(group) for group in match.groups() if group is not None]
    if len(match.group(1)) == 4:
        order = "ymd"
    else:
        order = _order(lang) if len(parts) == 3 else _order(lang).replace("y", "")
    values = dict(zip(order, parts))
    if "y" not in values:
        return _latest(values["d"], values["m"], today)
    year = values["y"] + 2000 if values["y"] < 100 else values["y"]
    return date(year, values["m"], values["d"])


def day_first(lang: str) -> bool:
    """Whether the locale writes the day before the month in all-number dates (not English)."""
    order = _order(lang)
    return order.index("d") < order.index("m")


def read_date(text: str, lang: str, today: date) -> date:
    """The day a typed date names, as parse_date reads it, whenever it is (a search may name
    any day): raises BadWhen('format') only."""
    squeezed = re.sub(r"[\s.,!]+", "", text.lower())
    if squeezed in _RELATIVE:
        return today - timedelta(days=_RELATIVE[squeezed])
    try:
        return _in_words(text, today) if re.search(r"[^\W\d_]", text) else _in_numbers(text, lang, today)
    except ValueError:  # BadWhen, or a day that does not exist (31.02)
        raise BadWhen("format") from None


def parse_date(text: str, lang: str, today: date) -> date:
    """A date as people type it: 24.11.2026, 24/11/26, 2026-11-24, 24.11 (all-number dates in
    the locale's order: month first in English), "30 ноября 2026", "1 дек. 2026 г.", "2026 ж. 28
    қар.", "Nov 30", "вчера", "кеше", "yesterday"; the year, when left out, is the latest that
    is not to come. Not in the future, not over a year ago."""
    day = read_date(text, lang, today)
    if day > today:
        raise BadWhen("future")
    if today - day > OLDEST:
        raise BadWhen("too_old")
    return day
