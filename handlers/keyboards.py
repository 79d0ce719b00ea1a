"""Builders of inline keyboards; every label comes from the catalogs."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import callback_data as cb
from services.i18n import Translator
from domain.rules import LANGUAGES


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


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(t, f"menu.{item}", cb.Menu(item)) for item in row] for row in MAIN_MENU_ITEMS]
    )
