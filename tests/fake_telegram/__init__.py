"""The fake Telegram Bot API, now the top-level ``fake_telegram`` package (the demo uses it too):
re-exported here under its old names so that ``tests.fake_telegram`` and its submodules are the
very same modules (a test that patches one patches what the bot talks to)."""

import sys

from fake_telegram import html_check, limits, server, users
from fake_telegram import BOT_USER, Call, Event, FakeFile, FakeTelegram, FakeUser, Refusal

for _name, _module in (("html_check", html_check), ("limits", limits), ("server", server), ("users", users)):
    sys.modules[f"{__name__}.{_name}"] = _module

__all__ = ["BOT_USER", "Call", "Event", "FakeFile", "FakeTelegram", "FakeUser", "Refusal"]
