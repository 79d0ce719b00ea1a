"""The command menus registered with Telegram: everyone's per language, accredited observers' per
chat (with their counts), staff members' per chat in their own language (with the dashboard as a Mini App button when PUBLIC_URL is https), the
moderators' chat's per language."""

from __future__ import annotations

import logging
from typing import Callable, Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat, MenuButtonDefault, MenuButtonWebApp, WebAppInfo
from telegram.error import TelegramError

from services.i18n import Translator
from domain.rules import ADMIN_COMMANDS, DEFAULT_LANGUAGE, LANGUAGES, MODERATOR_COMMANDS, OBSERVER_COMMANDS, USER_COMMANDS
from storage import moderation, people

log = logging.getLogger(__name__)


def commands(t: Translator, names: Iterable[str]) -> list[BotCommand]:
    return [BotCommand(name, t(f"command.{name}")) for name in names]


async def register_user_commands(bot: Bot, translator_for: Callable[[str], Translator]) -> None:
    """setMyCommands for kk, ru and en, and the default (Russian) for every other language."""
    for lang in LANGUAGES:
        await bot.set_my_commands(commands(translator_for(lang), USER_COMMANDS), language_code=lang)
    await bot.set_my_commands(commands(translator_for(DEFAULT_LANGUAGE), USER_COMMANDS))


async def register_observer_commands(bot: Bot, chat_id: int, t: Translator) -> None:
    """An accredited observer's menu, in their private chat only: everyone's commands and their
    counts (nobody else is offered those)."""
    await _safely(bot.set_my_commands(commands(t, USER_COMMANDS + OBSERVER_COMMANDS), scope=BotCommandScopeChat(chat_id)))


async def drop_chat_commands(bot: Bot, chat_id: int) -> None:
    """The chat's own menu goes (everyone's is left): an observer who is one no more."""
    await _safely(bot.delete_my_commands(scope=BotCommandScopeChat(chat_id)))


async def register_staff_commands(bot: Bot, services, removed: Iterable[int] = ()) -> None:
    """Moderators' commands in each moderator's and administrator's private chat and in the
    moderators' group only, so ordinary users never see them."""
    db = await services.db()
    staff: list[tuple[int, tuple[str, ...]]] = [
        (person.id, USER_COMMANDS + MODERATOR_COMMANDS) for person in await moderation.moderators(db)]
    for admin_id in services.settings.admin_ids:
        admin = await services.known_person(admin_id)
        if admin is not None:
            staff.append((admin.id, USER_COMMANDS + MODERATOR_COMMANDS + ADMIN_COMMANDS))
    for person_id, names in staff:
        await _for_chat(bot, services, db, person_id, names)
    for person_id in removed:
        chat_id = await services.chat_of(person_id)
        if chat_id is not None:
            await _safely(bot.delete_my_commands(scope=BotCommandScopeChat(chat_id)))
            await _safely(bot.set_chat_menu_button(chat_id, MenuButtonDefault()))
    group = services.settings.moderator_chat_id
    if group is not None:
        # A chat several people share: each sees the menu in their Telegram's language, as
        # everyone's is; any other language gets the moderators' chat language.
        for lang in LANGUAGES:
            await _safely(bot.set_my_commands(commands(services.translator(lang), MODERATOR_COMMANDS),
                                              scope=BotCommandScopeChat(group), language_code=lang))
        t = services.translator(services.settings.moderator_language)
        await _safely(bot.set_my_commands(commands(t, MODERATOR_COMMANDS), scope=BotCommandScopeChat(group)))


async def _for_chat(bot: Bot, services, db, person_id: int, names: tuple[str, ...]) -> None:
    """A staff member's menu in their private chat, in the language they use the bot in (the
    one their Telegram gave at first contact unless they chose another). It is set for the
    chat whatever the client's language: one set per language would let a client in another
    language fall back to the menu of everyone, without the staff commands."""
    chat_id = await services.chat_of(person_id)
    person = await people.get_by_id(db, person_id)
    if chat_id is None or person is None:
        return  # they have not written to the bot yet: registered at their first /start
    t = services.translator(person.language)
    await _safely(bot.set_my_commands(commands(t, names), scope=BotCommandScopeChat(chat_id)))
    public = services.settings.public_url
    if public and public.startswith("https://"):  # Telegram opens Mini Apps over https only
        button = MenuButtonWebApp(t("web.menu_button"), WebAppInfo(f"{public.rstrip('/')}/app"))
        await _safely(bot.set_chat_menu_button(chat_id, button))


async def _safely(call) -> None:
    try:
        await call
    except TelegramError as exc:
        log.warning("command menu not registered (%s)", type(exc).__name__)
