"""``python -m bot`` as a process: start-up errors, clean stops, memory across restarts."""

from __future__ import annotations

import signal

import pytest

from services.i18n import Translator
from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.harness import SECRET, TOKEN, BotProcess, bot_env


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SECRET_KEY": SECRET}, "BOT_TOKEN"),
        ({"BOT_TOKEN": TOKEN, "SECRET_KEY": SECRET, "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": TOKEN, "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"BOT_TOKEN": TOKEN, "SECRET_KEY": SECRET, "MODERATOR_CHAT_ID": "chat"}, "MODERATOR_CHAT_ID"),
        ({"BOT_TOKEN": "not-a-token", "SECRET_KEY": SECRET}, "BOT_TOKEN"),
    ],
)
async def test_bad_settings_stop_with_one_line(tmp_path, env, variable):
    process = BotProcess({"DATA_DIR": str(tmp_path), **env})
    await process.start()
    status, out, err = await process.finish()
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("configuration error: ") and variable in lines[0]
    assert "Traceback" not in err and TOKEN not in err and SECRET not in err


async def test_languages_and_memory_across_restarts(fake, tmp_path):
    env = bot_env(fake, tmp_path / "data")
    kk, ru, en = (FakeUser(fake, uid, language_code=code) for uid, code in
                  ((9001, "kk"), (9002, "ru"), (9003, "en")))
    bot = BotProcess(env)
    await bot.start(fake)
    for user, lang in ((kk, "kk"), (ru, "ru"), (en, "en")):
        (reply,) = await user.say("/start")
        assert reply.message["text"] == parse_html(Translator(lang)("start.greeting"))
    await ru.say("/language")
    await ru.tap("English", n=2)
    status, first_log = await bot.stop(signal.SIGTERM)
    assert status == 0, first_log

    restarted = BotProcess(env)
    await restarted.start(fake)
    (reply,) = await ru.say("/help")
    assert reply.message["text"] == parse_html(Translator("en")("help.text"))
    status, second_log = await restarted.stop(signal.SIGINT)
    assert status == 0, second_log
    assert fake.refused == []
    logs = first_log + second_log
    assert "starting long polling" in logs and "stopped" in logs
    # The logs of both runs hold neither the token nor anything about the users.
    for secret in (TOKEN, SECRET, "9001", "9002", "9003", "aigerim_test", "Айгерим"):
        assert secret not in logs
