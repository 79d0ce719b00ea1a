"""Taking one file a person sent as evidence, wherever it comes (the wizard's steps, the urgent
path's additions): what it is, then its download, hash and encrypted copy; what went wrong is the
catalog key of what to tell them."""

from __future__ import annotations

import logging

from telegram import Message
from telegram.error import TelegramError

from bot.services.evidence import (
    BOT_API_DOWNLOAD_LIMIT, LOCAL_API_DOWNLOAD_LIMIT, ContentMismatch, IncomingFile, UnsupportedFile,
    incoming_file, receive,
)
from handlers.context import BotContext
from storage.models import EvidenceRecord

log = logging.getLogger(__name__)


class NotTaken(Exception):
    """The file cannot be taken: ``key`` is the message that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def incoming(message: Message) -> IncomingFile | None:
    """The file the message carries (None: it carries none); a kind we do not keep is refused."""
    try:
        return incoming_file(message)
    except UnsupportedFile:
        raise NotTaken("wizard.evidence_unsupported") from None


async def download(context: BotContext, file: IncomingFile) -> EvidenceRecord:
    """Download, check, hash and store the file (not yet linked to a draft or a report)."""
    services = context.services
    settings = services.settings
    limit = LOCAL_API_DOWNLOAD_LIMIT if settings.telegram_local_mode else BOT_API_DOWNLOAD_LIMIT
    try:
        return await receive(context.bot, file, settings.data_dir, limit, services.keys,
                             client=services.download_client())
    except ContentMismatch:
        raise NotTaken("wizard.evidence_mismatch") from None
    except TelegramError as exc:
        log.warning("evidence download failed: %s", type(exc).__name__)
        raise NotTaken("wizard.evidence_failed") from None
