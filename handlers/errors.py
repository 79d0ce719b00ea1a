"""The error handler: log the failure without personal data, tell the user briefly."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError

from handlers.context import BotContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the exception (never the update: it holds names and texts) and apologise."""
    error = context.error
    if isinstance(error, (NetworkError, Forbidden)) and not isinstance(error, BadRequest):
        log.warning("Telegram call failed: %s", type(error).__name__)
        return
    log.error("unhandled error in a handler", exc_info=error)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        try:
            await update.effective_chat.send_message(context.t("common.error"))
        except Exception:  # noqa: BLE001 - the apology is best effort
            log.warning("could not tell the user about the error")
