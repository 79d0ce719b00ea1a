"""One fence around every moderator's and administrator's handler, in the spirit of a router
filter: a handler list is fenced once where it is registered, never checked inline.

Anyone else gets a refusal that reveals nothing (no reference, no count). A staff member's
display name, shown on the cards they change, is written only when it changed."""

from __future__ import annotations

import functools
from typing import Awaitable, Callable, Literal

from telegram import Update
from telegram.ext import BaseHandler

from services.roles import is_admin, is_moderator
from handlers.context import BotContext
from storage import moderation

Audience = Literal["staff", "admins"]
STAFF_NAME_MAX = 64
FENCE = "__fence__"  # the attribute a fenced callback carries: whom it admits


def admits(audience: Audience, update: Update, context: BotContext) -> bool:
    """Whether the sender of ``update`` belongs to ``audience`` (administrators are staff too)."""
    settings, user_id = context.services.settings, update.effective_user.id if update.effective_user else None
    if audience == "admins":
        return is_admin(settings, user_id)
    return is_moderator(settings, context.person, user_id)


def fence(audience: Audience, handlers: list[BaseHandler]) -> list[BaseHandler]:
    """The same handlers, each admitting only ``audience``."""
    for handler in handlers:
        handler.callback = _guarded(audience, handler.callback)
    return handlers


def _guarded(audience: Audience, callback: Callable[[Update, BotContext], Awaitable[object]]):
    @functools.wraps(callback)
    async def guarded(update: Update, context: BotContext) -> object:
        if not admits(audience, update, context):
            await refuse(update, context)
            return None
        await remember_name(update, context)
        return await callback(update, context)
    setattr(guarded, FENCE, audience)
    return guarded


async def refuse(update: Update, context: BotContext) -> None:
    """The one answer an outsider gets, whatever they tried."""
    refusal = context.t("mod.refused")
    if update.callback_query:
        await update.callback_query.answer(refusal)
    else:
        await update.effective_message.reply_text(refusal)


async def remember_name(update: Update, context: BotContext) -> None:
    """Store the staff member's Telegram first name for the cards, only when it changed."""
    person, name = context.person, (update.effective_user.first_name or "")[:STAFF_NAME_MAX]
    if person is None or not name or person.staff_name == name:
        return
    await moderation.set_staff_name(await context.services.db(), person.id, name)
    context.person = context.services.remember(person.model_copy(update={"staff_name": name}))
