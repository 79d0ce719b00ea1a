"""The fake Telegram Bot API server used by the end-to-end tests and the benchmark."""

from tests.fake_telegram.server import BOT_USER, Call, Event, FakeFile, FakeTelegram, Refusal
from tests.fake_telegram.users import FakeUser

__all__ = ["BOT_USER", "Call", "Event", "FakeFile", "FakeTelegram", "FakeUser", "Refusal"]
