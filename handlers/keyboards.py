"""Builders of inline keyboards; every label comes from the catalogs."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import callback_data as cb
from services.i18n import Translator
from domain.counts import COUNT_KINDS
from domain.rules import LANGUAGES
from storage.models import Person


def button(t: Translator, label_key: str, pressed: cb.Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(label_key), callback_data=cb.encode(pressed))


def language_menu(t: Translator) -> InlineKeyboardMarkup:
    # Each language is named in itself, so a user lost in a foreign UI still finds theirs.
    return InlineKeyboardMarkup(
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
    """The main menu; an accredited observer's has their counts under "report"."""
    rows = [list(row) for row in MAIN_MENU_ITEMS]
    if person is not None and person.role == "observer":
        rows.insert(2, list(OBSERVER_ITEMS))
    return InlineKeyboardMarkup([[button(t, f"menu.{item}", cb.Menu(item)) for item in row] for row in rows])
