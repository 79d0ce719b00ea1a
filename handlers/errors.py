"""The error handler: log the failure without personal data, apologise to the person, and tell
the moderators' chat (or the administrators) what failed and where, at most once a minute."""

from __future__ import annotations

import logging
import time
import traceback
from pathlib import Path

from telegram import Update
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, TelegramError

from handlers.context import BotContext, identify, language_of
from storage.failures import describe_failure

log = logging.getLogger(__name__)

NOTICE_EVERY = 60.0  # seconds: one notice a minute, so a failure on every update is no flood
_LAST_NOTICE = "errors.last_notice"  # bot_data key: monotonic time of the last notice
_CONFLICT_TOLD = "errors.conflict_told"
_PROJECT = Path(__file__).resolve().parent.parent
_OUR_PACKAGES = ("handlers", "bot", "storage", "domain")


async def on_error(update: object, context: BotContext) -> None:
    """Log the exception (never the update: it holds names and texts), apologise, tell staff."""
    error = context.error
    context.services.metrics.failures.labels(failure_kind(error)).inc()
    if isinstance(error, Conflict):
        await _another_copy(context)
        return
    if isinstance(error, (NetworkError, Forbidden)) and not isinstance(error, BadRequest):
        log.warning("Telegram call failed: %s", type(error).__name__)
        return
    where = failed_in(error)
    storage = describe_failure(error)
    if storage is not None:
        # One line: the disk's trouble repeats on every update, and its traceback says no more.
        log.error("storage failure in %s: %s", where, storage)
    else:
        log.error("unhandled error in %s", where, exc_info=error)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        try:
            # The error handler gets a context of its own: find the person again for their language.
            await identify(update, context)
        except Exception:  # noqa: BLE001 - the failure may be the database itself: their Telegram language, then
            log.warning("the person behind a failed update is unknown")
        try:
            t = language_of(update, context)  # not found: the language their Telegram gives
            await update.effective_chat.send_message(t("common.not_saved" if storage else "common.error"))
        except TelegramError:
            log.warning("could not tell the user about the error")
    if storage is not None:
        await tell_staff(context, "common.storage_notice", error=storage, handler=where)
    else:
        await tell_staff(context, "common.failure_notice", error=type(error).__name__, handler=where)


def failure_kind(error: BaseException | None) -> str:
    """The metrics' label of a failure: storage, telegram (a call refused or failed), or a bug."""
    if describe_failure(error) is not None:
        return "storage"
    if isinstance(error, TelegramError):
        return f"telegram:{type(error).__name__}"
    return "bug"


async def _another_copy(context: BotContext) -> None:
    """Telegram says another process polls with this token: said once, in one line, to the log
    and to the staff (the process keeps running: which copy should stop is the operator's call)."""
    if context.application.bot_data.get(_CONFLICT_TOLD):
        return
    context.application.bot_data[_CONFLICT_TOLD] = True
    log.error("another copy of the bot is polling with this BOT_TOKEN (Telegram answered 409 Conflict): "
              "reports may be split between two databases; stop the other copy")
    await tell_staff(context, "common.conflict_notice", force=True)


def failed_in(error: BaseException | None) -> str:
    """The handler the error came out of (the outermost of our handlers' frames, past the staff
    guard), and the innermost frame of our own code where it was raised if that is elsewhere:
    ``handlers.report_wizard.on_button (handlers.wizard.store)``. Names only, never a value."""
    frames = traceback.extract_tb(error.__traceback__) if error is not None else []
    ours = [(module, frame.name) for frame in frames if (module := _module(frame.filename)) is not None]
    if not ours:
        return "?"
    handlers = [place for place in ours if place[0].startswith("handlers.") and place[0] != _GUARD]
    outer, inner = (handlers or ours)[0], ours[-1]
    name = ".".join(outer)
    return name if inner == outer else f"{name} ({'.'.join(inner)})"


_GUARD = "handlers.staff_guard"


def _module(filename: str) -> str | None:
    try:
        relative = Path(filename).resolve().relative_to(_PROJECT)
    except ValueError:
        return None
    if relative.parts[0] not in _OUR_PACKAGES:
        return None
    return ".".join(relative.with_suffix("").parts)


async def tell_staff(context: BotContext, key: str, force: bool = False, **params: str) -> None:
    """One line to the moderators' chat, or to each administrator without one; none if a notice
    went out less than a minute ago (unless ``force``: a notice that is given once anyway)."""
    now = time.monotonic()
    last = context.application.bot_data.get(_LAST_NOTICE)
    if last is not None and now - last < NOTICE_EVERY and not force:
        return
    context.application.bot_data[_LAST_NOTICE] = now
    services = context.services
    settings = services.settings
    text = services.translator(settings.moderator_language)(key, **params)
    # A private chat's id is its user's id: administrators who have started the bot get it.
    chats = [settings.moderator_chat_id] if settings.moderator_chat_id is not None else sorted(settings.admin_ids)
    for chat_id in chats:
        try:
            await context.bot.send_message(chat_id, text)
        except TelegramError as exc:
            log.warning("failure notice not delivered (%s)", type(exc).__name__)
