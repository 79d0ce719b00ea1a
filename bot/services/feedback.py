"""Telling a reporter, in their language and through the bot, what happened to their report."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import Forbidden, TelegramError

from bot.services.container import Services
from storage import people
from storage.models import Report

log = logging.getLogger(__name__)


async def tell_reporter(bot: Bot, services: Services, report: Report, *, reply: str | None = None) -> bool:
    """Tell the report's author its new status, or a moderator's public ``reply``, in a frame
    in their language and without any moderator's name. False when they cannot be reached
    (they deleted their data, blocked the bot, or their chat was sealed under a lost key)."""
    if report.reporter_id is None:
        return False
    db = await services.db()
    person = await people.get_by_id(db, report.reporter_id)
    chat_id = await services.chat_of(report.reporter_id)
    if person is None or chat_id is None:
        return False
    t = services.translator(person.language)
    if reply is not None:
        text = t("feedback.reply", reference=report.reference, text=reply)
    else:
        text = t("feedback.status", reference=report.reference, status=t(f"status.{report.status}"))
    try:
        await bot.send_message(chat_id, text)
    except Forbidden:
        log.info("report %s: the reporter blocked the bot", report.reference)
        return False
    except TelegramError as exc:
        log.warning("report %s: feedback not delivered (%s)", report.reference, type(exc).__name__)
        return False
    return True
