"""The aiohttp transport keeps python-telegram-bot's contract: errors, timeouts, no token in text."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

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
