"""The aiohttp transport keeps python-telegram-bot's contract: errors, timeouts, no token in text."""

from __future__ import annotations

import asyncio
import json as _json
import socket

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.telegram_http import AiohttpRequest
from tests.fake_telegram import FakeUser
from tests.report_helpers import jpeg

TOKEN = "123456:SECRET-token-that-must-not-leak"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_unreachable_api_is_a_network_error_without_the_token():
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{free_port()}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert TOKEN not in str(caught.value) and "123456" not in str(caught.value)


async def test_a_silent_api_times_out():
    never = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        await never.wait()
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", hang)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        never.set()
        await request.shutdown()
        await runner.cleanup()


async def test_calls_and_uploads_reach_the_fake_api(fake):
    FakeUser(fake, 77, language_code="en")
    bot = Bot(fake.token, base_url=f"{fake.url}/bot", request=AiohttpRequest())
    async with bot:
        sent = await bot.send_message(77, "<b>bold</b> text", parse_mode="HTML")
        photo = await bot.send_photo(77, jpeg(), caption="caption")
    assert sent.text == "bold text" and photo.caption == "caption"
    assert [c.method for c in fake.calls if c.ok][-2:] == ["sendMessage", "sendPhoto"]
    assert fake.refused == []


async def test_an_edit_is_answered_as_done_without_its_message_and_a_refused_edit_still_raises(fake):
    """The edited message an edit returns is never read: python-telegram-bot gets True (as for an
    inline message) and builds no Message; the edit itself reaches Telegram, and a refusal is
    still an error."""
    FakeUser(fake, 78, language_code="en")
    bot = Bot(fake.token, base_url=f"{fake.url}/bot", request=AiohttpRequest())
    async with bot:
        sent = await bot.send_message(78, "first")
        edited = await bot.edit_message_text("second", chat_id=78, message_id=sent.message_id)
        with pytest.raises(BadRequest):
            await bot.edit_message_text("third", chat_id=78, message_id=sent.message_id + 1000)
    assert edited is True
    assert fake.messages[(78, sent.message_id)]["text"] == "second"
    assert [c.method for c in fake.calls if c.ok][-2:] == ["sendMessage", "editMessageText"]
    assert len(fake.refused) == 1


def test_the_bots_own_echoes_are_not_parsed_but_a_persons_message_is_whole():
    """A method's message comes back without the keyboard and the formatting the bot sent (never
    read again, and the bot's largest own cost per update to turn into objects); the message of a
    pressed button loses its keyboard; what a person wrote keeps its entities."""

    keyboard = {"inline_keyboard": [[{"text": "Астана", "callback_data": "w:region:astana"}]]}
    sent = {"ok": True, "result": {"message_id": 5, "date": 0, "chat": {"id": 1, "type": "private"},
                                   "text": "bold", "entities": [{"type": "bold", "offset": 0, "length": 4}],
                                   "reply_markup": keyboard}}
    result = AiohttpRequest.parse_json_payload(_json.dumps(sent).encode())["result"]
    assert result["text"] == "bold" and result["message_id"] == 5
    assert "reply_markup" not in result and "entities" not in result
    updates = {"ok": True, "result": [
        {"update_id": 1, "callback_query": {"id": "q", "data": "x", "chat_instance": "c",
                                            "from": {"id": 1, "is_bot": False, "first_name": "A"},
                                            "message": dict(sent["result"])}},
        {"update_id": 2, "message": {"message_id": 6, "date": 0, "chat": {"id": 1, "type": "private"},
                                     "text": "/start https://x.kz",
                                     "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}]}
    parsed = AiohttpRequest.parse_json_payload(_json.dumps(updates).encode())["result"]
    assert "reply_markup" not in parsed[0]["callback_query"]["message"]
    assert parsed[1]["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


def test_an_answer_that_is_not_json_is_refused_without_its_text_in_the_log(caplog):
    from telegram.error import TelegramError

    with pytest.raises(TelegramError):
        AiohttpRequest.parse_json_payload("Меня принуждают голосовать".encode())
    assert "принуждают" not in caplog.text


def test_a_keyboard_sent_again_is_the_same_object_serialised_once():
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    from handlers import keyboards

    def rows():
        return [[InlineKeyboardButton("Астана", callback_data="a"), InlineKeyboardButton("Алматы", callback_data="b")],
                [InlineKeyboardButton("Back", callback_data="c")]]

    first, second = keyboards.markup(rows()), keyboards.markup(rows())
    assert first is second
    assert first.to_dict() == InlineKeyboardMarkup(rows()).to_dict()
    assert first.to_dict() is second.to_dict()
    other = keyboards.markup([[InlineKeyboardButton("Астана", callback_data="z")]])
    assert other is not first and other.to_dict()["inline_keyboard"][0][0]["callback_data"] == "z"


def test_a_made_keyboards_json_is_sent_as_it_is_and_reads_back_the_same():
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    from bot import telegram_http
    from handlers import keyboards

    rows = [[InlineKeyboardButton("Шымкент \"№1\"", callback_data="w:region:shymkent")]]
    made = keyboards.markup(rows).to_dict()
    body = telegram_http._json({"chat_id": 5, "text": "Қай өңір?", "reply_markup": made}).decode()
    assert made.as_json in body  # spliced, not encoded again
    assert _json.loads(body) == {"chat_id": 5, "text": "Қай өңір?",
                                 "reply_markup": InlineKeyboardMarkup(rows).to_dict()}
