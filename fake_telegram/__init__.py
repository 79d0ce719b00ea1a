"""A fake Telegram Bot API server and fake people, shared by the tests, the benchmark and the demo
(``python -m bot --demo``): the real bot talks to it over HTTP as it would to Telegram."""

from fake_telegram.server import BOT_USER, Call, Event, FakeFile, FakeTelegram, Refusal
from fake_telegram.users import FakeUser

__all__ = ["BOT_USER", "Call", "Event", "FakeFile", "FakeTelegram", "FakeUser", "Refusal"]
