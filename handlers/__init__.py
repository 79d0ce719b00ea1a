"""Telegram handlers, one module per user journey; ``register`` wires them in order."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.services import identify
from handlers import errors, info, language, start


def register(application: Application) -> None:
    """Add every handler. Group -100 runs first for every update (who sent it);
    group 0 holds the journeys."""
    application.add_handler(TypeHandler(Update, identify), group=-100)
    for module in (start, language, info):
        for handler in module.handlers():
            application.add_handler(handler)
    application.add_error_handler(errors.on_error)
