"""The demo's people and what each of their chats shows: the bot's messages as they stand (edits,
buttons, albums, deletions) and what the person sent, kept as the fake Bot API reports them."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from domain.rules import LANGUAGES
from fake_telegram import Event, FakeTelegram, FakeUser
from bot.demo.telegram_html import to_page

GROUP = {"id": -1001000000001, "type": "supergroup", "title": "Moderators · DEMO"}
ROLES = ("voter", "observer", "moderator")
_FIRST_ID = {"voter": 7_000_001, "observer": 7_100_001, "moderator": 9_001}
# Made-up first names, as Telegram would pass them (never stored by the bot).
_NAMES = {"kk": "Айгерім", "ru": "Ольга", "en": "Dana"}


def user_id(role: str, lang: str) -> int:
    return _FIRST_ID[role] + LANGUAGES.index(lang)


def admin_ids() -> list[int]:
    """The moderators of the demo: administrators (ADMIN_IDS), one for each language."""
    return [user_id("moderator", lang) for lang in LANGUAGES]


@dataclass
class Chat:
    """One chat as its members see it."""

    chat_id: int
    entries: list[dict[str, Any]] = field(default_factory=list)
    keyboard: dict[str, Any] | None = None  # the reply keyboard shown under the text field
    notice: str = ""  # the last answer to a button press (Telegram shows it briefly)
    version: int = 0

    def find(self, side: str, message_id: int) -> dict[str, Any] | None:
        return next((e for e in self.entries if e["side"] == side and e["id"] == message_id), None)


class Chats:
    """Every chat of the demo, kept up to date from the fake's events."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.chats: dict[int, Chat] = {}
        self.people: dict[tuple[str, str, bool], FakeUser] = {}
        self._versions = itertools.count(1)
        fake.add_chat(GROUP)
        fake.observers.append(self.on_event)

    def chat(self, chat_id: int) -> Chat:
        return self.chats.setdefault(chat_id, Chat(chat_id))

    def person(self, role: str, lang: str, in_group: bool = False) -> FakeUser:
        """The person playing ``role`` in ``lang``, in their private chat or in the group."""
        key = (role, lang, in_group)
        if key not in self.people:
            self.people[key] = FakeUser(self.fake, user_id(role, lang), language_code=lang, first_name=_NAMES[lang],
                                        username=None, chat=GROUP if in_group else None)
        return self.people[key]

    def _touch(self, chat: Chat) -> None:
        chat.version = next(self._versions)

    # ---- what people send --------------------------------------------------------------------

    def sent(self, user: FakeUser, message_id: int, **shown: Any) -> None:
        chat = self.chat(user.chat["id"])
        entry = {"side": "me", "id": message_id, "from": user.user["first_name"], "from_id": user.id,
                 "html": "", "buttons": [], "photo": None, "file": None, "group": None, "edited": False}
        entry.update(shown)
        chat.entries.append(entry)
        if chat.keyboard and chat.keyboard.get("one_time"):
            chat.keyboard = None
        self._touch(chat)

    async def say(self, user: FakeUser, text: str, reply_to: dict[str, Any] | None = None) -> None:
        """``user`` sends ``text`` (a command marked as Telegram marks it), shown in their chat."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if reply_to is not None:
            fields["reply_to_message"] = reply_to
        self.sent(user, user.last_sent_id + 1, html=to_page(text, None))
        await user.send(**fields)

    async def accredit_observers(self) -> None:
        """The observers of the demo are accredited as real ones are: a moderator's /invite
        link, opened by each of them."""
        moderator = self.person("moderator", "ru")
        for lang in LANGUAGES:
            await self.say(moderator, "/invite")
            (answer,) = await moderator.replies(1, timeout=60)
            code = re.search(r"\?start=([\w-]+)", answer.message.get("text", "")).group(1)
            observer = self.person("observer", lang)
            await self.say(observer, f"/start {code}")
            await observer.replies(1, timeout=60)

    # ---- what the bot does -------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        chat = self.chat(event.chat_id)
        params, message = event.params, event.message or {}
        if event.kind == "answer":
            chat.notice = str(params.get("text") or "")
        elif event.kind == "message":
            chat.entries.append(self._entry(chat, message, params))
            markup = params.get("reply_markup") or {}
            if "keyboard" in markup:
                chat.keyboard = {"rows": [[_label(b) for b in row] for row in markup["keyboard"]],
                                 "one_time": bool(markup.get("one_time_keyboard"))}
            elif markup.get("remove_keyboard"):
                chat.keyboard = None
        else:
            entry = chat.find("bot", int(message.get("message_id") or 0))
            if entry is None:
                return
            if event.kind == "delete":
                chat.entries.remove(entry)
            else:
                if event.kind == "edit":
                    entry["html"] = to_page(params.get("text", params.get("caption")), params.get("parse_mode"))
                    entry["edited"] = True
                entry["buttons"] = _buttons(message)
        self._touch(chat)

    def _entry(self, chat: Chat, message: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        text, mode = params.get("text", params.get("caption")), params.get("parse_mode")
        group = message.get("media_group_id")
        if group:  # an album: each message's caption is its own item's
            index = sum(1 for e in chat.entries if e["group"] == group)
            items = params.get("media") or []
            item = items[index] if index < len(items) else {}
            text, mode = item.get("caption"), item.get("parse_mode")
        shown: dict[str, Any] = {"side": "bot", "id": message.get("message_id"), "from": "", "from_id": 0,
                                 "html": to_page(text, mode), "buttons": _buttons(message), "photo": None,
                                 "file": None, "group": group, "edited": False}
        if message.get("photo"):
            shown["photo"] = message["photo"][-1]["file_id"]
        for kind in ("document", "video", "voice", "audio", "video_note"):
            if message.get(kind):
                shown["file"] = {"file_id": message[kind]["file_id"],
                                 "name": message[kind].get("file_name") or kind}
        if message.get("location"):
            where = message["location"]
            shown["html"] = f"📍 {float(where['latitude']):.5f}, {float(where['longitude']):.5f}"
        return shown


def _label(button: Any) -> str:
    return button if isinstance(button, str) else str(button.get("text", ""))


def _buttons(message: dict[str, Any]) -> list[list[dict[str, str]]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    shown = []
    for row in rows:
        shown.append([{"text": b.get("text", ""), "data": b.get("callback_data") or "",
                       "url": b.get("url") if str(b.get("url", "")).startswith(("http://", "https://")) else ""}
                      for b in row])
    return shown
