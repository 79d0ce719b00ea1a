"""The command menus registered with Telegram, once per language at start-up."""

from __future__ import annotations

from telegram import Bot, BotCommand

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator

USER_COMMANDS: tuple[str, ...] = (
    "start", "report", "myreports", "rights", "language", "help", "privacy", "cancel", "deletemydata",
)


def user_commands(t: Translator) -> list[BotCommand]:
    return [BotCommand(name, t(f"command.{name}")) for name in USER_COMMANDS]


async def register_user_commands(bot: Bot, translator_for) -> None:
    """setMyCommands for kk, ru and en, and the default (Russian) for every other language."""
    for lang in LANGUAGES:
        await bot.set_my_commands(user_commands(translator_for(lang)), language_code=lang)
    await bot.set_my_commands(user_commands(translator_for(DEFAULT_LANGUAGE)))
