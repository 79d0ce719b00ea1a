"""Logging to stderr with secrets scrubbed; library loggers kept quiet about payloads."""

from __future__ import annotations

import logging
import re
import sys

_TOKEN_IN_TEXT = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{20,}")


class RedactingFormatter(logging.Formatter):
    """Formats a record, traceback included, then blanks bot tokens and configured secrets."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = _TOKEN_IN_TEXT.sub("[token]", super().format(record))
        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        return text


LIBRARIES = ("httpx", "httpcore", "aiohttp", "telegram", "apscheduler", "aiosqlite", "PIL")


def quiet_libraries() -> None:
    """Library loggers at WARNING whatever LOG_LEVEL says: at INFO and DEBUG they print
    request URLs (which hold the token) and whole updates (names, ids, texts); Pillow
    prints EXIF tags (camera, GPS)."""
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure(level: str, secrets: list[str]) -> None:
    """Send logs to stderr, scrubbed, at ``level`` for the bot's own loggers."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_libraries()
