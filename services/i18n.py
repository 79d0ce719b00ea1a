"""Loading the gettext catalogs with Babel and rendering messages in a user's language."""

from __future__ import annotations

import html
import io
import logging
import os
import string
from datetime import date, datetime, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from domain.rules import DEFAULT_LANGUAGE, LANGUAGES
from locales import CATALOG_DIR, DOMAIN

log = logging.getLogger(__name__)


class Html(str):
    """Text that is already valid Telegram HTML and must not be escaped again."""


def pick_language(language_code: str | None) -> str:
    """The bot language for Telegram's ``language_code``; anything unknown gets Russian."""
    if not language_code:
        return DEFAULT_LANGUAGE
    base = language_code.split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def po_paths(lang: str) -> list[Path]:
    """A language's catalog files: the interface's first, then the others (legal documents)."""
    folder = CATALOG_DIR / lang / "LC_MESSAGES"
    main = folder / f"{DOMAIN}.po"
    return [main, *sorted(path for path in folder.glob("*.po") if path != main)]


def read_catalog(lang: str):
    """All of one language's .po files as one babel.messages.Catalog; a key in two files is
    an error (one of them would silently win)."""
    paths = po_paths(lang)
    with paths[0].open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    for path in paths[1:]:
        with path.open("rb") as fh:
            part = read_po(fh, locale=lang, domain=DOMAIN)
        for message in part:
            if not message.id:
                continue
            if message.id in catalog:
                raise ValueError(f"{path.name}: {message.id!r} is also in another catalog of {lang}")
            catalog[message.id] = message
    return catalog


@lru_cache(maxsize=None)
def catalog(lang: str):
    """``read_catalog(lang)`` read once a process and shared, to read only: the catalogs are
    parsed at import by several modules (dates' words, keys, translations), about 50 ms each
    time, in every start of the bot."""
    return read_catalog(lang)


@lru_cache(maxsize=None)
def _translations(lang: str) -> Translations:
    # Compiled in memory so that no build step (and no stale .mo file) stands in the way.
    buf = io.BytesIO()
    write_mo(buf, catalog(lang), use_fuzzy=False)
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


def placeholders(text: str) -> set[str]:
    """The names of the ``{placeholders}`` in a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _escape(params: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value if isinstance(value, Html) or not isinstance(value, str) else html.escape(value, quote=False)
        for key, value in params.items()
    }


class MissingMessage(KeyError):
    """A message key that is in no catalog: raised when messages are strict (under test)."""


# Under test every missing key raises, so keys built at run time (f"mod.target.{target}") are
# checked by every test that reaches them; in production a missing key falls back to another
# language, logged once, rather than failing the person's action.
STRICT_ENV = "STRICT_MESSAGES"
strict = os.environ.get(STRICT_ENV) == "1"
_FALLBACKS: tuple[str, ...] = (DEFAULT_LANGUAGE, "en")


@lru_cache(maxsize=None)
def known_keys(lang: str) -> frozenset[str]:
    """Every message id of one language's catalog."""
    return frozenset(m.id if isinstance(m.id, str) else m.id[0] for m in catalog(lang) if m.id)


@lru_cache(maxsize=256)
def _missing(key: str, lang: str) -> str:
    """The language that has ``key`` instead (logged once per key), or raise when strict."""
    if strict:
        raise MissingMessage(f"{key} is missing in {lang}")
    found = next((other for other in _FALLBACKS if key in known_keys(other)), lang)
    log.warning("message %s is missing in %s; shown in %s", key, lang, found)
    return found


class Translator:
    """Messages, plurals, dates and numbers in one language; user text is HTML-escaped."""

    def __init__(self, lang: str, tz: tzinfo | None = None) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self.locale = Locale.parse(self.lang)
        self.tz = tz
        self._keys = known_keys(self.lang)

    def _catalog(self, key: str) -> Translations:
        return _translations(self.lang if key in self._keys else _missing(key, self.lang))

    def __call__(self, key: str, /, **params: Any) -> Html:
        return Html(self._catalog(key).gettext(key).format(**_escape(params)))

    def text(self, key: str, /, **params: Any) -> str:
        """A message as plain text, for files (complaints, exports): nothing is escaped."""
        return self._catalog(key).gettext(key).format(**params)

    def plural(self, key: str, count: int, /, **params: Any) -> Html:
        text = self._catalog(key).ngettext(key, key, count)
        return Html(text.format(**_escape({"count": self.number(count), **params})))

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def date(self, value: date) -> str:
        return format_date(value, format="medium", locale=self.locale)

    def time(self, value: datetime) -> str:
        return format_time(value, format="short", tzinfo=self.tz, locale=self.locale)

    def datetime(self, value: datetime) -> str:
        """The date (medium) and the time without seconds, in the locale's own order."""
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # naive is UTC, as Babel reads it
        local = aware.astimezone(self.tz) if self.tz else aware
        pattern = get_datetime_format("medium", locale=self.locale)
        return pattern.replace("{1}", self.date(local.date())).replace("{0}", self.time(local))

    def lines(self, keys: Iterable[str]) -> Html:
        return Html("\n".join(self(key) for key in keys))


MESSAGE_LIMIT = 4096  # Telegram's limit for a message's text


def pack(lines: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[Html]:
    """Lines of HTML joined into as few messages as fit Telegram's limit, never splitting a
    line (a line's markup counts too, so a message's visible text is always within it)."""
    messages: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if messages[-1] and size + 1 + len(line) > limit:
            messages.append([])
            size = 0
        size += len(line) + (1 if messages[-1] else 0)
        messages[-1].append(line)
    return [Html("\n".join(message)) for message in messages if message]
