"""The callback context every handler gets (``context.services``, ``context.person``,
``context.t``) and the first handler of every update, which finds the person behind it."""

from __future__ import annotations

from typing import TypeVar

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackContext, ExtBot

from handlers.callback_data import Button
from services.container import Services
from services.i18n import Translator, pick_language
from storage.models import Person


B = TypeVar("B", bound=Button)


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """The callback context of this bot: ``services``, the ``person`` and their ``t``."""

    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None):
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.person: Person | None = None
        self.private_chat: int | None = None  # the chat, when the update came from a private one
        self.pressed: Button | None = None  # a press's button, read at the door (handlers.buttons)

    def press(self, kind: type[B] | tuple[type[B], ...]) -> B:
        """The pressed button, of the ``kind`` its handler was registered for (a pattern of
        handlers.callback_data); any other is a mistake in the wiring, not in the data."""
        if not isinstance(self.pressed, kind):
            raise TypeError(f"a handler of {kind} got {type(self.pressed).__name__}")
        return self.pressed

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    @property
    def t(self) -> Translator:
        language = self.person.language if self.person else pick_language(None)
        return self.services.translator(language)


async def identify(update: object, context: BotContext) -> None:
    """Runs first for every update: find or create the person who sent it."""
    if not isinstance(update, Update) or update.effective_user is None:
        return
    user = update.effective_user
    chat = update.effective_chat
    private_chat = chat.id if chat is not None and chat.type == "private" else None
    context.private_chat = private_chat
    context.person = await context.services.person_for(user.id, user.language_code, private_chat)


async def identified(update: object, context: BotContext) -> None:
    """Runs right after ``identify``: an update from someone the bot could not find or store (the
    storage failing at their first contact) was answered once by the error handler, in their
    Telegram's language, and goes no further, where every handler would fail on it again."""
    if isinstance(update, Update) and update.effective_user is not None and context.person is None:
        raise ApplicationHandlerStop


def language_of(update: object, context: BotContext) -> Translator:
    """The person's words, or, for someone the bot could not look up, their Telegram's language."""
    if context.person is None and isinstance(update, Update) and update.effective_user is not None:
        return context.services.translator(pick_language(update.effective_user.language_code))
    return context.t
