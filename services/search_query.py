"""Reading what moderators type to search (/find) and to correct a report (/fix): values as codes
or as labels in any of the bot's languages, days of the local calendar, words to look for; and
a search packed into a page button's callback data, so paging needs nothing stored."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from services import when
from services.i18n import Html, Translator
from domain import clock
from domain.rules import CATEGORIES, CATEGORY_GROUPS, LANGUAGES, REGIONS, STATUSES
from services.word_forms import search_prefix
from storage import moderation

FIND_KEYS = ("region", "category", "status", "precinct", "since", "until", "text")
FIX_KEYS = ("region", "category", "precinct")
_LONGEST_VALUE = 4  # words a value may run over: region=Алматы облысы

# (code, catalog key of its label) of every value a key takes; "other" is a group and a category.
_FAMILIES: dict[str, tuple[tuple[str, str], ...]] = {
    "region": tuple((code, f"region.{code}") for code in REGIONS),
    "category": (*((code, f"group.{code}") for code in CATEGORY_GROUPS),
                 *((code, f"category.{code}") for code in CATEGORIES if code not in CATEGORY_GROUPS)),
    "status": tuple((code, f"status.{code}") for code in STATUSES),
    "precinct": tuple((code, f"summary.precinct_{code}") for code in moderation.PRECINCT_WORDS),
}


class BadQuery(ValueError):
    """A part of /find or /fix the bot cannot read: what to tell the moderator (a message key
    and its parameters) and the values that would do, as (code, catalog key of the label)."""

    def __init__(self, message: str, choices: tuple[tuple[str, str], ...] = (), **params: str | date) -> None:
        super().__init__(message)
        self.message, self.choices, self.params = message, choices, params

    def lines(self, t: Translator) -> list[Html]:
        """What to tell the moderator, a day in their language's own way (never ISO)."""
        params = {name: t.date(value) if isinstance(value, date) else value for name, value in self.params.items()}
        return [t(self.message, **params), *(t("mod.find.value", label=t(label), code=code) for code, label in self.choices)]


def _plain(text: str) -> str:
    """Text as values and search words are compared: case folded, ё as е, and no emoji,
    punctuation or underscores (east_kz is "east kz", "🌍 За рубежом" is "за рубежом")."""
    folded = moderation.fold_text(text) or ""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


@lru_cache(maxsize=None)
def _names(family: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each value of a family with every name it goes by: its code and its label in each language."""
    translators = [Translator(lang) for lang in LANGUAGES]
    return tuple((code, frozenset({_plain(code), *(_plain(tr.text(key)) for tr in translators)}))
                 for code, key in _FAMILIES[family])


def _matches(family: str, value: str) -> list[str]:
    """The codes ``value`` may mean: the one it names exactly (a code or a label in any of the
    bot's languages), else every one with a name it begins; in the family's order."""
    wanted = _plain(value)
    if not wanted:
        return []
    exact = [code for code, names in _names(family) if wanted in names]
    found = exact or [code for code, names in _names(family) if any(name.startswith(wanted) for name in names)]
    return list(dict.fromkeys(found))


def _choices(family: str, codes: list[str] | None = None) -> tuple[tuple[str, str], ...]:
    """(code, label key) of the family's values, or of ``codes`` among them, each code once."""
    chosen: dict[str, str] = {}
    for code, key in _FAMILIES[family]:
        if codes is None or code in codes:
            chosen.setdefault(code, key)
    return tuple(chosen.items())


def label(t: Translator, family: str, code: str) -> Html | str:
    """A code's label in the reader's language (a precinct number as "precinct No. 245")."""
    if family == "precinct" and code.isdigit():
        return t("summary.precinct", number=code)
    key = dict(_FAMILIES[family]).get(code)
    if family == "category" and code in CATEGORIES:
        key = f"category.{code}"
    return t(key) if key else code


def _value(family: str, value: str, rest: list[str], unknown: str = "mod.find.bad_value") -> tuple[str, int]:
    """The code a value names, and how many of the following words it ran over (the longest
    run that names one value: ``region=Алматы облысы``)."""
    following = list(itertools.takewhile(lambda word: "=" not in word, rest))[:_LONGEST_VALUE]
    for taken in range(len(following), 0, -1):
        found = _matches(family, " ".join([value, *following[:taken]]))
        if len(found) == 1:
            return found[0], taken
    found = _matches(family, value)
    if len(found) == 1:
        return found[0], 0
    if found:
        raise BadQuery("mod.find.ambiguous", _choices(family, found), field=family, value=value)
    raise BadQuery(unknown, _choices(family), field=family, value=value)


YEARS = (2000, 2100)  # days a search can sensibly name
_LONGEST_DATE = 5  # words a day may run over: since=the 30th of November 2026, since=1 дек. 2026 г.
# Quotes around a day of several words: since="1 дек. 2026 г.", since=«30 ноября» (a pair only:
# since=2026-01-01' is not a day).
_QUOTED = re.compile(r"^\s*(?:\"(.*)\"|'(.*)'|«(.*)»|“(.*)”|„(.*)[“”]|‘(.*)’)\s*$", re.DOTALL)
_DOTTED = re.compile(r"^[\d\s.]+$")  # 24.11.2026, 24.11: the day first, whatever the language
_ZEROED_YEAR = re.compile(r"(?<!\d)0\d{3}(?!\d)")  # when reads the year 0001 as 2001


def _languages(lang: str | None, text: str) -> list[str]:
    """The languages to read a date in: the moderator's first, then the bot's others; for dates
    with dots, those that write the day first come first (24.11.2026 is never month 24)."""
    order = [*([lang] if lang in LANGUAGES else []), *(other for other in LANGUAGES if other != lang)]
    return sorted(order, key=lambda each: not when.day_first(each)) if _DOTTED.match(text) else order


def _read_day(text: str, lang: str | None, today: date) -> date | None:
    """The day the text names (when.read_date, in each language in turn), or None."""
    quoted = _QUOTED.match(text)
    text = next(part for part in quoted.groups() if part is not None).strip() if quoted else text.strip()
    for each in _languages(lang, text) if text else []:
        try:
            return when.read_date(text, each, today)
        except when.BadWhen:
            continue
    return None


def _day(key: str, value: str, rest: list[str], lang: str | None, today: date) -> tuple[date, int]:
    """A day as people write it, and how many of the following words it ran over: 2026-11-24,
    24.11.2026, "30 ноября 2026", "1 дек. 2026 г.", "28 қар.", "Nov 30", вчера, кеше, yesterday
    (when.read_date; all-number dates in the moderator's order, a year left out is the latest
    such day that has come), the longest run of words that names one."""
    following = list(itertools.takewhile(lambda word: "=" not in word, rest))[:_LONGEST_DATE - 1]
    for taken in range(len(following), -1, -1):
        run = " ".join([value, *following[:taken]])
        day = _read_day(run, lang, today)
        if day is None:
            continue
        # A year this century, as typed (0001 is not 2001): 0001-01-01 or 9999-12-31 would
        # overflow in UTC, and "30 ноября 1999" is refused rather than read as "30 ноября".
        if not YEARS[0] <= day.year <= YEARS[1] or _ZEROED_YEAR.search(run):
            break
        return day, taken
    else:  # nothing read: shown with the words it could have run over ("31 ноября", not "31")
        run = " ".join([value, *following])
    raise BadQuery("mod.find.bad_date", field=key, value=run)


_PRECINCT = re.compile(r"[0-9]{1,6}")  # ASCII digits: "²".isdigit() is true, int("²") fails


def _precinct_number(value: str) -> str:
    if not (_PRECINCT.fullmatch(value) and int(value)):
        raise BadQuery("mod.find.bad_precinct", value=value)
    return str(int(value))


@dataclass(frozen=True)
class Query:
    """A search as the moderator asked for it: codes, days of the local calendar, plain words."""

    region: str | None = None
    category: str | None = None
    status: str | None = None
    precinct: str | None = None
    since: date | None = None
    until: date | None = None
    words: tuple[str, ...] = ()

    def filters(self, tz: tzinfo, by_incident: bool = False) -> moderation.Filters:
        """What storage runs: the local days as the moments (UTC, as stored) they begin and end,
        or (``by_incident``) as the days of the incident itself."""
        def start(day: date) -> str:
            return clock.iso(datetime.combine(day, time(), tzinfo=tz))
        received = not by_incident
        return moderation.Filters(
            region=self.region, precinct=self.precinct, category=self.category, status=self.status,
            since=start(self.since) if self.since and received else None,
            before=start(self.until + timedelta(days=1)) if self.until and received else None,
            occurred_from=self.since.isoformat() if self.since and by_incident else None,
            occurred_until=self.until.isoformat() if self.until and by_incident else None,
            # Each word as the prefix its forms share (бюллетеней finds бюллетень).
            words=tuple(search_prefix(moderation.fold_text(word)) for word in self.words))

    def describe(self) -> str:
        """The query in codes and ISO dates (for the record of an export)."""
        parts = [f"{key}={value}" for key in FIND_KEYS[:-1] if (value := getattr(self, key)) is not None]
        return " ".join([*parts, *([f"text={' '.join(self.words)}"] if self.words else [])])


def parse_filters(args: list[str], *, lang: str | None = None, today: date | None = None) -> Query:
    """``region=Алматы облысы status=new since=30 ноября школа``: values as codes or labels,
    days as people write them (in ``lang`` first, then the bot's other languages; yearless and
    relative days counted from ``today``, the local date, UTC's when not given), other words
    searched for. Raises BadQuery naming the part it cannot read."""
    today = today or clock.now().date()
    values: dict[str, object] = {}
    words: list[str] = []
    position = 0
    while position < len(args):
        part = args[position]
        position += 1
        key, sep, value = part.partition("=")
        key = key.lower()
        if not sep:
            words += _plain(part).split()
        elif key not in FIND_KEYS:
            raise BadQuery("mod.find.unknown_key", part=part, keys=" ".join(f"{k}=" for k in FIND_KEYS))
        elif key == "text":
            words += _plain(value).split()
        elif key in values:
            raise BadQuery("mod.find.twice", field=key)
        else:
            values[key], taken = _day(key, value, args[position:], lang, today) if key in ("since", "until") \
                else _FILTER_CHECKS[key](key, value, args[position:])
            position += taken
    if "since" in values and "until" in values and values["since"] > values["until"]:
        raise BadQuery("mod.find.bad_range", since=values["since"], until=values["until"])
    return Query(**values, words=tuple(words))


def from_form(values: dict[str, str]) -> Query:
    """A query from the dashboard's filter form: codes from its menus, days, and free text."""
    args = [f"{key}={values[key].strip()}" for key in FIND_KEYS[:-1] if values.get(key, "").strip()]
    args += [f"text={word}" for word in values.get("text", "").split()]
    return parse_filters(args)


# Each key's reader: (key, value, the words after it) -> (the value read, words it ran over).
_FILTER_CHECKS = {
    "region": _value,
    "category": _value,
    "status": _value,
    "precinct": lambda key, value, rest: (_precinct_number(value), 0),
}  # since= and until= are read by _day, which also needs the moderator's language and today


def parse_corrections(args: list[str]) -> dict[str, str]:
    """``region=Қарағанды category=vote_buying precinct=none``: the corrections /fix makes, as
    codes (a category must be exact; a precinct is a number, none or unknown). Raises BadQuery."""
    changes: dict[str, str] = {}
    position = 0
    while position < len(args):
        part = args[position]
        position += 1
        key, sep, value = part.partition("=")
        key = key.lower()
        if not sep or key not in FIX_KEYS:
            raise BadQuery("mod.find.unknown_key", part=part, keys=" ".join(f"{k}=" for k in FIX_KEYS))
        if key in changes:
            raise BadQuery("mod.find.twice", field=key)
        if key == "precinct" and value.isdigit():
            changes[key] = _precinct_number(value)
            continue
        code, taken = _value(key, value, args[position:], "mod.fix.bad_precinct" if key == "precinct" else "mod.find.bad_value")
        position += taken
        if key == "category" and code not in CATEGORIES:
            raise BadQuery("mod.fix.group", tuple((c, f"category.{c}") for c in CATEGORY_GROUPS[code]), value=value)
        changes[key] = code
    return changes


# ---- a query in a page button ------------------------------------------------------------------

# Next and Previous carry the whole query (fq:<page>:<filters>:<words>), so they work after a
# restart and nothing is stored. Filters are tagged fields joined by "_": r, c, s = the index of
# the region, category or status in the domain's tuples, p = precinct, a, b = since and until as
# days from 2000-01-01; the words are packed into base 64 (see _pack_words); "." is none.
_CATEGORY_CODES = tuple(dict.fromkeys([*CATEGORY_GROUPS, *CATEGORIES]))
_EPOCH = date(2000, 1, 1)
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
# The letters of search words in Latin, Russian and Kazakh (as _plain() leaves them): 6.3 bits each.
_LETTERS = " abcdefghijklmnopqrstuvwxyz0123456789абвгдежзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"


def _to_digits(number: int) -> str:
    digits = ""
    while number:
        number, digit = divmod(number, len(_DIGITS))
        digits = _DIGITS[digit] + digits
    return digits


def _from_digits(text: str) -> int:
    number = 0
    for char in text:
        number = number * len(_DIGITS) + _DIGITS.index(char)
    return number


def _pack_words(words: tuple[str, ...]) -> str:
    """The words in few characters, as a number in base 64: "0" and the words as digits in base
    len(_LETTERS) (about one character a letter), or "1" and their UTF-8 (other scripts)."""
    text = " ".join(words)
    if not text:
        return "."
    if all(char in _LETTERS for char in text):
        number = 1
        for char in text:
            number = number * len(_LETTERS) + _LETTERS.index(char)
        return "0" + _to_digits(number)
    return "1" + _to_digits(int.from_bytes(b"\x01" + text.encode(), "big"))


def _unpack_words(packed: str) -> tuple[str, ...]:
    if packed == ".":
        return ()
    number = _from_digits(packed[1:])
    if packed[:1] == "1":
        raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
        if raw[:1] != b"\x01":
            raise ValueError(packed)
        text = raw[1:].decode()
    elif packed[:1] == "0":
        letters = []
        while number > 1:
            number, index = divmod(number, len(_LETTERS))
            letters.append(_LETTERS[index])
        if number != 1:
            raise ValueError(packed)
        text = "".join(reversed(letters))
    else:
        raise ValueError(packed)
    if " ".join(_plain(text).split()) != text:  # not written by _pack_words
        raise ValueError(packed)
    return tuple(text.split())


def encode_query(query: Query) -> tuple[str, str]:
    """A query as two arguments of callback data."""
    fields = [f"{tag}{seq.index(value)}" for tag, seq, value in (
        ("r", REGIONS, query.region), ("c", _CATEGORY_CODES, query.category), ("s", STATUSES, query.status))
        if value is not None]
    fields += [f"p{query.precinct}"] if query.precinct else []
    fields += [f"{tag}{(day - _EPOCH).days}" for tag, day in (("a", query.since), ("b", query.until)) if day]
    return "_".join(fields) or ".", _pack_words(query.words)


def decode_query(fields: str, words: str) -> Query | None:
    """The query a page button carries; None for data this code did not write."""
    def at(seq: tuple[str, ...], index: str) -> str:
        if not index.isdigit() or int(index) >= len(seq):
            raise ValueError(index)
        return seq[int(index)]
    values: dict[str, object] = {}
    names = {"r": "region", "c": "category", "s": "status", "p": "precinct", "a": "since", "b": "until"}
    try:
        for field in fields.split("_") if fields != "." else []:
            tag, rest = field[:1], field[1:]
            if tag in ("r", "c", "s"):
                values[names[tag]] = at({"r": REGIONS, "c": _CATEGORY_CODES, "s": STATUSES}[tag], rest)
            elif tag == "p":
                values["precinct"] = _precinct_number(rest)
            elif tag in ("a", "b"):
                values[names[tag]] = _EPOCH + timedelta(days=int(rest))
            else:
                raise ValueError(field)
        return Query(**values, words=_unpack_words(words))
    except (ValueError, IndexError, OverflowError, BadQuery):
        return None
