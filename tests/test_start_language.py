"""End to end: /start answers in the user's language, /language switches and is remembered."""

from __future__ import annotations

import pytest

from services.i18n import Translator
from domain.rules import LANGUAGES
from tests.fake_telegram.html_check import parse_html


def plain(key: str, lang: str) -> str:
    return parse_html(Translator(lang)(key))


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [("kk", "kk"), ("ru", "ru"), ("en", "en"), ("en-GB", "en"), ("de", "ru"), (None, "ru")],
)
async def test_start_answers_in_users_language(app, user_factory, language_code, expected):
    user = user_factory(language_code)
    (reply,) = await user.say("/start")
    assert reply.message["text"] == plain("start.greeting", expected)
    labels = [b["text"] for b in user.buttons(reply.message)]
    assert Translator(expected)("menu.report") in labels
    assert Translator(expected)("menu.language") in labels


async def test_language_switch_is_remembered(app, fake, user_factory):
    user = user_factory("ru")
    await user.say("/language")
    edit, greeting = await user.tap("Қазақша", n=2)
    assert edit.kind == "edit" and edit.message["text"] == plain("language.changed", "kk")
    assert greeting.message["text"] == plain("start.greeting", "kk")
    # Telegram still says "ru", but the stored choice wins.
    (reply,) = await user.say("/help")
    assert reply.message["text"] == plain("help.text", "kk")


async def test_menu_items_answer(app, user_factory):
    user = user_factory("en")
    await user.say("/start")
    (rights,) = await user.tap(Translator("en")("menu.rights"))
    assert rights.message["text"] == plain("rights.text", "en")
    assert "10 days" in rights.message["text"]


async def test_old_language_button_is_answered_not_trusted(app, fake, user_factory):
    user = user_factory("en")
    await user.say("/language")
    query = await user.press(data="lang:xx")
    answer = await user.answered(query)
    assert answer["text"] == Translator("en")("common.stale_button")


async def test_commands_registered_per_language(app, fake):
    registered = {lang for (_, lang) in fake.commands}
    assert registered == {"", *LANGUAGES}
    for (_, lang), commands in fake.commands.items():
        tr = Translator(lang or "ru")
        assert {c["command"]: c["description"] for c in commands}["help"] == tr("command.help")
