"""Fake Telegram users and groups that send updates to the bot and read what it answered."""

from __future__ import annotations

import time
from typing import Any

from fake_telegram.server import VISIBLE, Event, FakeFile, FakeTelegram


class FakeUser:
    """A person in a private chat with the bot (or a member of a group)."""

    def __init__(self, server: FakeTelegram, user_id: int, *, language_code: str | None = "ru",
                 first_name: str = "Айгерим", username: str | None = "aigerim_test",
                 chat: dict[str, Any] | None = None) -> None:
        self.server = server
        self.id = user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            self.user["username"] = username
        if language_code:
            self.user["language_code"] = language_code
        self.chat = chat or {"id": user_id, "type": "private", "first_name": first_name}
        server.add_chat(self.chat)
        self._message_ids = iter(range(1, 10**9))
        self._seen = 0
        self.last_sent_id = 0

    # ---- reading ---------------------------------------------------------------------------

    @property
    def events(self) -> list[Event]:
        return list(self.server.visible_events(self.chat["id"]))

    def cursor(self) -> int:
        return len(self.server.visible_events(self.chat["id"]))

    async def replies(self, n: int = 1, *, after: int | None = None, timeout: float = 15.0) -> list[Event]:
        """Wait for ``n`` new visible events (messages or edits) in this chat after ``after``."""
        start = self._seen if after is None else after
        await self.server.wait_for_chat(
            self.chat["id"], lambda: len(self.server.visible_events(self.chat["id"])) >= start + n, timeout)
        new = self.server.visible_events(self.chat["id"])[start:start + n]
        self._seen = start + n
        return new

    def mark_seen(self) -> None:
        self._seen = self.cursor()

    @property
    def last_message(self) -> dict[str, Any]:
        """The bot's latest message in this chat, as it stands after any edits."""
        mine = [m for (chat, _), m in self.server.messages.items() if chat == self.chat["id"]]
        return max(mine, key=lambda m: m["message_id"])

    def last_with_buttons(self) -> dict[str, Any]:
        mine = [m for (chat, _), m in self.server.messages.items()
                if chat == self.chat["id"] and "inline_keyboard" in (m.get("reply_markup") or {})]
        return max(mine, key=lambda m: m["message_id"])

    @staticmethod
    def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    # ---- sending ---------------------------------------------------------------------------

    def _message(self, **fields: Any) -> dict[str, Any]:
        return {"message_id": next(self._message_ids), "from": self.user, "chat": self.chat,
                "date": int(time.time()), **fields}

    async def send(self, **fields: Any) -> int:
        self.mark_seen()
        message = self._message(**fields)
        self.last_sent_id = message["message_id"]  # what an edit names
        return await self.server.push_update({"message": message})

    async def edit(self, message_id: int, text: str) -> int:
        """Edit a text this person sent earlier: Telegram sends it as an ``edited_message``."""
        self.mark_seen()
        message = {**self._message(text=text), "message_id": message_id, "edit_date": int(time.time())}
        return await self.server.push_update({"edited_message": message})

    async def text(self, text: str) -> int:
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self.send(**fields)

    async def reply(self, to: dict[str, Any], text: str, n: int = 0) -> list[Event]:
        """Send a text as a reply to ``to`` (Telegram's Reply), and wait for ``n`` answers."""
        await self.send(text=text, reply_to_message=to)
        return await self.replies(n) if n else []

    async def say(self, text: str, n: int = 1) -> list[Event]:
        """Send a text and wait for ``n`` visible answers."""
        await self.text(text)
        return await self.replies(n)

    async def press(self, label: str | None = None, *, data: str | None = None,
                    message: dict[str, Any] | None = None) -> str:
        """Press a button, found by its exact label (or raw callback data, for forgeries)."""
        message = message or self.last_with_buttons()
        if data is None:
            labels = [b["text"] for b in self.buttons(message)]
            matches = [b for b in self.buttons(message) if b["text"] == label]
            assert matches, f"no button {label!r} among {labels}"
            data = matches[0]["callback_data"]
        query_id = str(self.server.next_id())
        self.server.note_callback_query(query_id, self.chat["id"])
        self.mark_seen()
        await self.server.push_update({"callback_query": {
            "id": query_id, "from": self.user, "message": message,
            "chat_instance": f"ci{self.chat['id']}", "data": data,
        }})
        return query_id

    async def tap(self, label: str, n: int = 1, **kwargs: Any) -> list[Event]:
        """Press a button and wait for ``n`` visible answers."""
        await self.press(label, **kwargs)
        return await self.replies(n)

    async def answered(self, query_id: str, timeout: float = 15.0) -> dict[str, Any]:
        """Wait until the bot answered a callback query; returns the answer's parameters."""
        def find():
            return next((c.params for c in self.server.calls_of("answerCallbackQuery")
                         if str(c.params.get("callback_query_id")) == query_id), None)
        return await self.server.wait_for(find, timeout, recheck=None)

    def file(self, data: bytes, suffix: str = "bin", size: int | None = None,
             file_name: str | None = None) -> FakeFile:
        return self.server.add_file(data, suffix, size, file_name)

    async def photo(self, data: bytes, *, caption: str | None = None, media_group_id: str | None = None) -> FakeFile:
        fake = self.file(data, "jpg")
        small = self.file(data[: min(len(data), 2000)], "jpg")
        sizes = [
            {"file_id": small.file_id, "file_unique_id": small.file_unique_id, "width": 90, "height": 90, "file_size": small.size},
            {"file_id": fake.file_id, "file_unique_id": fake.file_unique_id, "width": 1280, "height": 960, "file_size": fake.size},
        ]
        fields: dict[str, Any] = {"photo": sizes}
        if caption:
            fields["caption"] = caption
        if media_group_id:
            fields["media_group_id"] = media_group_id
        await self.send(**fields)
        return fake

    async def document(self, data: bytes, file_name: str, mime_type: str, *, size: int | None = None,
                       media_group_id: str | None = None) -> FakeFile:
        fake = self.file(data, file_name.rsplit(".", 1)[-1] if "." in file_name else "bin", size, file_name)
        fields: dict[str, Any] = {"document": {"file_id": fake.file_id, "file_unique_id": fake.file_unique_id,
                                               "file_name": file_name, "mime_type": mime_type, "file_size": fake.size}}
        if media_group_id:
            fields["media_group_id"] = media_group_id
        await self.send(**fields)
        return fake

    async def media(self, kind: str, data: bytes, mime_type: str, *, size: int | None = None,
                    media_group_id: str | None = None, file_name: str | None = None) -> FakeFile:
        """A video, voice note, audio or video note (a video or an audio may carry a file name)."""
        fake = self.file(data, mime_type.rsplit("/", 1)[-1], size, file_name)
        payload: dict[str, Any] = {"file_id": fake.file_id, "file_unique_id": fake.file_unique_id,
                                   "file_size": fake.size, "duration": 3}
        if file_name:
            payload["file_name"] = file_name
        if kind in ("video", "audio", "voice"):
            payload["mime_type"] = mime_type
        if kind == "video":
            payload.update(width=640, height=480)
        if kind == "video_note":
            payload["length"] = 240
        fields: dict[str, Any] = {kind: payload}
        if media_group_id:
            fields["media_group_id"] = media_group_id
        await self.send(**fields)
        return fake

    async def location(self, latitude: float, longitude: float) -> int:
        return await self.send(location={"latitude": latitude, "longitude": longitude})

    async def sticker(self) -> int:
        fake = self.file(b"RIFF....WEBP", "webp")
        return await self.send(sticker={"file_id": fake.file_id, "file_unique_id": fake.file_unique_id,
                                        "type": "regular", "width": 512, "height": 512,
                                        "is_animated": False, "is_video": False})

    async def poll(self) -> int:
        return await self.send(poll={
            "id": str(self.server.next_id()), "question": "?", "total_voter_count": 0,
            "options": [{"text": "a", "voter_count": 0, "persistent_id": "a"},
                        {"text": "b", "voter_count": 0, "persistent_id": "b"}],
            "is_closed": False, "is_anonymous": True, "type": "regular",
            "allows_multiple_answers": False, "allows_revoting": False, "members_only": False,
        })

    async def contact(self) -> int:
        return await self.send(contact={"phone_number": "+77010000000", "first_name": "X"})
