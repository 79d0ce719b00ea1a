"""Builders of inline keyboards; every label comes from the catalogs."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any, Callable, Sequence, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import callback_data as cb
from services.i18n import Translator
from domain.counts import COUNT_KINDS
from domain.rules import LANGUAGES
from storage.models import Person


T = TypeVar("T")


class _Encoded(dict):
    """A keyboard's dict with its JSON text, which the transport sends as it is
    (bot.telegram_http reads ``as_json``) rather than encoding twenty buttons again."""

    as_json: str


class _Made(InlineKeyboardMarkup):
    """A keyboard sent many times (a step's, a menu's, in one language): its dict and its JSON
    text are worked out once. python-telegram-bot serialises a keyboard button by button on every
    call, which was a tenth of the bot's own CPU per update (BENCHMARKS.md, issue #26)."""

    __slots__ = ("_as_dict",)

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive)
        try:
            return self._as_dict  # read only by json.dumps: python-telegram-bot copies before changing
        except AttributeError:
            made = _Encoded(super().to_dict())
            made.as_json = json.dumps(made)
            object.__setattr__(self, "_as_dict", made)  # the object is frozen; this is a cache
            return made


_MADE: OrderedDict[tuple, _Made] = OrderedDict()
MADE_KEPT = 2_000  # keyboards: three languages' steps, menus and the regions' and categories' grids


def markup(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    """The keyboard of ``rows``, the same object for the same buttons (their labels, data and
    links): sent again, it is not serialised again."""
    key = tuple(tuple((b.text, b.callback_data, b.url) for b in row) for row in rows)
    found = _MADE.get(key)
    if found is None:
        found = _MADE[key] = _Made(rows)
        if len(_MADE) > MADE_KEPT:
            _MADE.popitem(last=False)
    else:
        _MADE.move_to_end(key)
    return found


def made_once(cache: dict[Any, T], key: Any, make: Callable[[], T], limit: int) -> T:
    """``cache[key]``, made by ``make`` the first time (a button or keyboard depends only on its
    language and what it shows); past ``limit`` entries the oldest goes."""
    found = cache.get(key)
    if found is None:
        found = cache[key] = make()
        if len(cache) > limit:
            cache.pop(next(iter(cache)))
    return found


def button(t: Translator, label_key: str, pressed: cb.Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(label_key), callback_data=cb.encode(pressed))


def language_menu(t: Translator) -> InlineKeyboardMarkup:
    # Each language is named in itself, so a user lost in a foreign UI still finds theirs.
    return markup(
        [[InlineKeyboardButton(t(f"language.name.{lang}"), callback_data=cb.encode(cb.Language(lang)))]
         for lang in LANGUAGES]
    )


MAIN_MENU_ITEMS: tuple[tuple[str, ...], ...] = (
    ("urgent",),  # "It is happening now / I am in danger": first, for whoever has no time
    ("report",),
    ("mine", "rights"),
    ("language", "help"),
)


# An accredited observer's counts (domain.counts), under "report": offered to them alone.
OBSERVER_ITEMS: tuple[str, ...] = COUNT_KINDS


def main_menu(t: Translator, person: Person | None = None) -> InlineKeyboardMarkup:
    """The main menu; an accredited observer's has their counts under "report". Made once per
    language and kind of menu."""
    observer = person is not None and person.role == "observer"

    def make() -> InlineKeyboardMarkup:
        rows = [list(row) for row in MAIN_MENU_ITEMS]
        if observer:
            rows.insert(2, list(OBSERVER_ITEMS))
        return markup([[button(t, f"menu.{item}", cb.Menu(item)) for item in row] for row in rows])

    return made_once(_MENUS, (t.lang, observer), make, limit=16)


_MENUS: dict[tuple[str, bool], InlineKeyboardMarkup] = {}  # three languages, two kinds
