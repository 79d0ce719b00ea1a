"""The fake Bot API refuses what Telegram refuses, in Telegram's error shape."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.fake_telegram import FakeUser
from tests.harness import TOKEN


@pytest.fixture
async def call(fake):
    FakeUser(fake, 77, language_code="en")

    async def _call(method: str, **params):
        body = {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in params.items()}
        async with httpx.AsyncClient() as client:
            response = await client.post(f"{fake.url}/bot{TOKEN}/{method}", data=body)
        return response.status_code, response.json()

    return _call


def keyboard(data: str) -> dict:
    return {"inline_keyboard": [[{"text": "x", "callback_data": data}]]}


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"text": "a" * 4097}, "message is too long"),
        ("sendMessage", {"text": "<b>a" + "&amp;" * 4095 + "</b>", "parse_mode": "HTML"}, None),  # 4096 after parsing: fine
        ("sendMessage", {"text": "<b>bold", "parse_mode": "HTML"}, "can't parse entities"),
        ("sendMessage", {"text": "a < b", "parse_mode": "HTML"}, "can't parse entities"),
        ("sendMessage", {"text": "Tom & Jerry", "parse_mode": "HTML"}, "can't parse entities"),
        ("sendMessage", {"text": "<script>x</script>", "parse_mode": "HTML"}, "Unsupported start tag"),
        ("sendMessage", {"text": "<b><i>x</b></i>", "parse_mode": "HTML"}, "can't parse entities"),
        ("sendMessage", {"text": "   "}, "message text is empty"),
        ("sendMessage", {"text": "ok", "reply_markup": keyboard("d" * 65)}, "BUTTON_DATA_INVALID"),
        ("sendMessage", {"text": "ok", "reply_markup": keyboard("d" * 64)}, None),
        ("sendMessage", {"text": "ok", "reply_markup": keyboard("ж" * 33)}, "BUTTON_DATA_INVALID"),
        ("sendMediaGroup", {"media": [{"type": "photo", "media": "nope"}]}, "2-10 items"),
        ("sendPhoto", {"photo": "unknown-file-id"}, "wrong file identifier"),
        ("sendPhoto", {"photo": "x", "caption": "c" * 1025}, None),
        ("answerCallbackQuery", {"callback_query_id": "404"}, "query is too old"),
        ("noSuchMethod", {}, "method not found"),
    ],
)
async def test_refusals(call, fake, method, params, description):
    if method == "sendPhoto" and params.get("photo") == "x":
        params = {**params, "photo": fake.add_file(b"\xff\xd8jpeg", "jpg").file_id}
        description = "caption is too long"
    status, body = await call(method, chat_id=77, **params)
    if description is None:
        assert body["ok"] is True and fake.refused == []
        return
    assert body["ok"] is False and status == body["error_code"] and status in (400, 404)
    assert description in body["description"]
    assert fake.refused[-1].method == method


async def test_media_groups_of_two_to_ten(call, fake):
    files = [fake.add_file(b"img%d" % i, "jpg").file_id for i in range(11)]
    media = [{"type": "photo", "media": f} for f in files]
    status, body = await call("sendMediaGroup", chat_id=77, media=media[:10])
    assert body["ok"] and len(body["result"]) == 10
    assert len({m["media_group_id"] for m in body["result"]}) == 1
    status, body = await call("sendMediaGroup", chat_id=77, media=media)
    assert not body["ok"] and "2-10 items" in body["description"]
    mixed = [{"type": "photo", "media": files[0]}, {"type": "document", "media": files[1]}]
    status, body = await call("sendMediaGroup", chat_id=77, media=mixed)
    assert not body["ok"]


async def test_get_file_over_20_mb_is_refused_and_downloads_serve_bytes(call, fake):
    big = fake.add_file(b"video", "mp4", size=20 * 1024 * 1024 + 1)
    status, body = await call("getFile", file_id=big.file_id)
    assert status == 400 and body["description"] == "Bad Request: file is too big"
    small = fake.add_file(b"exact bytes", "jpg")
    status, body = await call("getFile", file_id=small.file_id)
    assert body["ok"]
    async with httpx.AsyncClient() as client:
        got = await client.get(f"{fake.url}/file/bot{TOKEN}/{body['result']['file_path']}")
    assert got.content == b"exact bytes"


async def test_editing_to_the_same_content_is_refused(call, fake):
    _, sent = await call("sendMessage", chat_id=77, text="hello")
    message_id = sent["result"]["message_id"]
    _, body = await call("editMessageText", chat_id=77, message_id=message_id, text="hello")
    assert not body["ok"] and "message is not modified" in body["description"]
    _, body = await call("editMessageText", chat_id=77, message_id=message_id, text="changed")
    assert body["ok"]


async def test_unknown_chat_and_wrong_token(call, fake):
    _, body = await call("sendMessage", chat_id=123456, text="x")
    assert body["description"] == "Bad Request: chat not found"
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{fake.url}/bot1:wrong/getMe")
    assert response.status_code == 401
