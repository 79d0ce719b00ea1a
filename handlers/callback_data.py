"""Callback data of inline buttons: a short typed string, built and parsed in one place.

Format: ``<kind>:<arg>:<arg>...``. Every kind declares how many arguments it takes; anything
else (old buttons, forged data) parses to None and is answered, never trusted.
"""

from __future__ import annotations

import re
from typing import NamedTuple

MAX_BYTES = 64  # Telegram's limit for callback_data
_ARG = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")

# kind -> number of arguments
KINDS: dict[str, int] = {
    "lang": 1,  # choose language
    "menu": 1,  # main menu item
    "w": 2,  # report wizard: step, value
    "del": 1,  # /deletemydata confirmation: yes or no
    "m": 2,  # moderator action on a report: action, report id
    "esc": 2,  # escalation target: report id, target
    "escc": 2,  # corrected escalation target: report id, target
    "p": 1,  # a question to a moderator: cancel, internal or public
    "q": 1,  # moderators' queue page
    "fq": 3,  # a page of /find: page, filters, words
    "story": 1,  # a story typed at the main menu: start a report with it (yes) or not (no)
    "u": 1,  # the urgent path: what is happening (a category), cancel, or done adding
    "ans": 1,  # which moderator's question a reporter's answer sent without Reply is about: report id
}


class Callback(NamedTuple):
    kind: str
    args: tuple[str, ...]


def build(kind: str, *args: str | int) -> str:
    """Callback data for a button; raises on a kind or argument that could not round-trip."""
    texts = [str(arg) for arg in args]
    if KINDS.get(kind) != len(texts) or not all(_ARG.match(text) for text in texts):
        raise ValueError(f"bad callback data for {kind!r}")
    data = ":".join([kind, *texts])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data over 64 bytes")
    return data


def parse(data: str | None) -> Callback | None:
    """The callback, or None for anything not built by ``build``."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    kind, *args = data.split(":")
    if KINDS.get(kind) != len(args) or not all(_ARG.match(arg) for arg in args):
        return None
    return Callback(kind, tuple(args))


def pattern(kind: str) -> str:
    """A CallbackQueryHandler pattern matching one kind."""
    return rf"^{re.escape(kind)}(:|$)"
