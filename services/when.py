"""Reading the time and date of an incident as people type them, in their locale's order."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from babel.dates import get_date_format, get_month_names

from services.i18n import catalog
from domain.rules import LANGUAGES

_TIME = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:.\-\s]\s*([0-5]\d)\s*$")
_NUMBERS = re.compile(r"^\s*(\d{1,4})\s*[./\-\s]\s*(\d{1,2})\s*[./\-\s]\s*(\d{2,4})\s*$")
OLDEST = timedelta(days=366)


class BadWhen(ValueError):
    """Why a typed time or date cannot be taken: 'format', 'future' or 'too_old'."""


class NoYear(BadWhen):
    """A day typed without a year that is still to come this year ("8 декабря" on 7 December):
    perhaps last year's, perhaps a slip; asked about, never assumed."""

    def __init__(self, this_year: date, last_year: date) -> None:
        super().__init__("no_year")
        self.this_year, self.last_year = this_year, last_year


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
# Days said in words, extra month spellings and words around a date that say nothing about it,
# in every language the bot speaks: from the catalogs (``dates.*``), so that a language is added
# with its catalog, its words for dates included.
def _words(key: str) -> list[str]:
    return [word for lang in LANGUAGES for word in catalog(lang)[key].string.lower().split() if word != "—"]


_RELATIVE = {word: back for back, key in enumerate(("dates.today", "dates.yesterday", "dates.before_yesterday"))
             for word in _words(key)}
# Month names beyond CLDR's (Kazakh in the Latin script, as people type them on a phone): name=number.
_LATIN_MONTHS = {name: int(number) for name, _, number in (pair.partition("=") for pair in _words("dates.months"))}
# Quotes or brackets around a date copied from an example ("«30.11»"); only a pair is taken off
# (a stray one is a typo nobody could mean).
_QUOTED = re.compile(r"^\s*(?:«(.*)»|“(.*)”|„(.*)“|\"(.*)\"|'(.*)'|\((.*)\))\s*$")
# A time after the date says nothing about the day: "в 10 утра", "в 10:30", "at 9 am", "сағат 10-да".
_HOURS = r"(?:утра|вечера|дня|ночи|часов|часа|час|ч\.?|am|pm|a\.m\.|p\.m\.|-?да|-?де|-?та|-?те)"
_TIME_AFTER = re.compile(
    r"[,\s]+(?:(?:в|во|около|at|about|сағат|сағ\.?)\s*\d{1,2}(?:[:.]\d{2})?\s*" + _HOURS + r"?"
    r"|\d{1,2}:\d{2}\s*" + _HOURS + r"?|\d{1,2}\s*" + _HOURS + r")\s*$", re.IGNORECASE)
# The year's marker after an all-number date: "03.12.2026 ж.", "3.12.2026г", "3.12.2026 года".
_YEAR_MARK = re.compile(r"(\d)\s*(?:ж|г|гг|жыл|жылы|года|год)\.?\s*$", re.IGNORECASE)
_FILLER = set(_words("dates.filler"))  # "г.", "года", "ж.", "жылы", "of", "th"...
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
    if word in _LATIN_MONTHS:
        return _LATIN_MONTHS[word]
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


def _tidy(text: str) -> str:
    """Quotes, a time after the date and the year's marker after an all-number date taken off."""
    quoted = _QUOTED.match(text)
    text = next(group for group in quoted.groups() if group is not None) if quoted else text.strip()
    if re.search(r"\d", text) and re.search(r"[^\W\d_]", text):
        text = _TIME_AFTER.sub("", text, count=1) if _has_day(text) else text
        text = _YEAR_MARK.sub(r"\1", text)
    return text.strip()


def _has_day(text: str) -> bool:
    """Whether something before a trailing time still names a day (a month or a full date)."""
    head = _TIME_AFTER.sub("", text, count=1)
    return bool(head) and head != text and (bool(_NUMERIC.match(head)) or any(
        _month(word) for word in _TOKENS.findall(head.lower()) if not word.isdigit()))


def read_date(text: str, lang: str, today: date) -> date:
    """The day a typed date names, as parse_date reads it, whenever it is (a search may name
    any day): raises BadWhen('format') only."""
    return _read(text, lang, today)[0]


def _read(text: str, lang: str, today: date) -> tuple[date, bool]:
    """The day, and whether a year was written (or the day was said in words: "вчера")."""
    text = _tidy(text)
    squeezed = re.sub(r"[\s.,!]+", "", text.lower())
    if squeezed in _RELATIVE:
        return today - timedelta(days=_RELATIVE[squeezed]), True
    try:
        day = _in_words(text, today) if re.search(r"[^\W\d_]", text) else _in_numbers(text, lang, today)
    except ValueError:  # BadWhen, or a day that does not exist (31.02)
        raise BadWhen("format") from None
    return day, bool(re.search(r"\d{4}", text)) or _is_two_digit_year(text)


def _is_two_digit_year(text: str) -> bool:
    """24/11/26: three numbers, the last one the year."""
    match = _NUMERIC.match(text)
    return bool(match and match.group(3))


def parse_date(text: str, lang: str, today: date) -> date:
    """A date as people type it: 24.11.2026, 24/11/26, 2026-11-24, 24.11 (all-number dates in
    the locale's order: month first in English), "30 ноября 2026", "1 дек. 2026 г.", "2026 ж. 28
    қар.", "Nov 30", "вчера", "кеше", "keshe", "3 jeltoqsan", "«30.11»", "03.12.2026 ж.", "3 декабря
    в 10 утра", "yesterday". Without a year, a day still to come this year is asked about (NoYear),
    not moved to last year. Not in the future, not over a year ago."""
    day, with_year = _read(text, lang, today)
    if not with_year and day.year < today.year:
        try:
            this_year = day.replace(year=today.year)
        except ValueError:  # 29 February
            this_year = None
        if this_year is not None and this_year > today:
            raise NoYear(this_year, day)
    if day > today:
        raise BadWhen("future")
    if today - day > OLDEST:
        raise BadWhen("too_old")
    return day
