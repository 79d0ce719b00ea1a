"""A button press answered too late is still a press: Telegram refuses to answer a callback query
more than about 15 seconds after it was made ("query is too old"), which after an outage is
every press that waited. The answer only stops the button's spinner (or shows a short notice),
so its refusal or failure is logged in one line and the handler goes on to do what was pressed.

This is the one place for it: the rate limiter (bot.rate_limit) passes every answerCallbackQuery
through ``tolerate``, so no handler has to guard its ``query.answer()``."""

from __future__ import annotations

import logging
from typing import Any, Awaitable

from telegram.error import BadRequest, NetworkError

log = logging.getLogger(__name__)

METHOD = "answerCallbackQuery"
_TOO_LATE = ("query is too old", "query id is invalid")


def too_late(error: BaseException) -> bool:
    """Whether Telegram refused an answer because the press is too old (or no longer known)."""
    return isinstance(error, BadRequest) and any(words in str(error).lower() for words in _TOO_LATE)


async def tolerate(call: Awaitable[Any]) -> Any:
    """The answer's result; True in place of a refusal as too late or a failure to reach Telegram,
    which leave nothing to do but carry on."""
    try:
        return await call
    except BadRequest as error:
        if not too_late(error):
            raise
        log.info("a button press was answered too late for Telegram (the press is carried out all the same)")
    except NetworkError as error:
        log.warning("a button press was not answered (%s); the press is carried out all the same",
                    type(error).__name__)
    return True
