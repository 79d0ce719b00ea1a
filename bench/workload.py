"""Simulated people: each one files a full report with a photo, in their own language, and
the time from the moment the fake API hands an update to the bot to the bot's first answer in
that chat is recorded."""

from __future__ import annotations

import asyncio
import io
import itertools
import random
import time
from dataclasses import dataclass, field

from PIL import Image

from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.server import Event

DESCRIPTIONS = {
    "kk": "Жұмыс беруші барлық қызметкерлерді дауыс беруге апарып, бюллетеньді суретке түсіруді талап етті.",
    "ru": "Начальник велел всему коллективу голосовать и прислать фото бюллетеня, иначе лишат премии.",
    "en": "The manager told the whole team to vote and send a photo of the ballot or lose the bonus.",
}
LANGUAGE_MIX = ("ru", "kk", "ru", "kk", "ru", "en", "ru", "kk", "ru", "kk")  # about half Russian
VISIBLE = ("message", "edit")


def small_jpeg(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (seed % 256, 80, 160)).save(out, format="JPEG")
    return out.getvalue()


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)  # each person's first update: their pseudonym is computed then
    sent: int = 0
    answered: int = 0
    lost: int = 0
    reports: int = 0

    def merge(self, other: "Stats") -> None:
        self.latencies += other.latencies
        self.first += other.first
        self.sent += other.sent
        self.answered += other.answered
        self.lost += other.lost
        self.reports += other.reports

    @classmethod
    def of_all(cls, parts: "list[Stats]") -> "Stats":
        """One Stats for the people of a run, each gathered apart."""
        total = cls()
        for part in parts:
            total.merge(part)
        return total


class Pacer:
    """Releases updates at a steady overall rate (None: as fast as answers come). With
    ``think``, each person first pauses for a random time (exponential, that mean in seconds)
    before queueing for a slot: people then drift apart and the steps mix, as in real arrivals;
    without it everybody moves through the report in step."""

    def __init__(self, rate: float | None, think: float = 0.0, seed: int = 1) -> None:
        self.rate, self.think = rate, think
        self._random = random.Random(seed)  # the same pauses in every run
        self._next = time.monotonic()

    async def take(self) -> None:
        if self.think:
            await asyncio.sleep(self._random.expovariate(1 / self.think))
        if not self.rate:
            return
        slot = self._next = max(self._next + 1 / self.rate, time.monotonic())
        await asyncio.sleep(max(0.0, slot - time.monotonic()))


class BenchUser:
    """One person in a private chat; follows the bot's answers through the fake's observer."""

    def __init__(self, fake: FakeTelegram, user_id: int, lang: str) -> None:
        self.fake, self.id, self.lang = fake, user_id, lang
        self.user = {"id": user_id, "is_bot": False, "first_name": "Bench", "language_code": lang}
        self.chat = {"id": user_id, "type": "private", "first_name": "Bench"}
        fake.add_chat(self.chat)
        self._message_ids = itertools.count(1)
        self._first: asyncio.Future | None = None
        self._visible: asyncio.Future | None = None
        self.last_message: dict | None = None

    def on_event(self, event: Event) -> None:
        if event.message is not None and event.kind in VISIBLE:
            self.last_message = event.message
        if self._first is not None and not self._first.done():
            self._first.set_result(time.monotonic())
        if event.kind in VISIBLE and self._visible is not None and not self._visible.done():
            self._visible.set_result(event)

    async def act(self, payload: dict, stats: Stats, timeout: float) -> Event | None:
        """Send one update; wait for the first answer (latency) and the visible one (to go on)."""
        loop = asyncio.get_running_loop()
        self._first, self._visible = loop.create_future(), loop.create_future()
        update_id = await self.fake.push_update(payload)
        stats.sent += 1
        try:
            answered_at = await asyncio.wait_for(asyncio.shield(self._first), timeout)
            event = await asyncio.wait_for(self._visible, timeout)
        except asyncio.TimeoutError:
            stats.lost += 1
            return None
        stats.answered += 1
        delivered = self.fake.delivered_at.get(update_id, answered_at)
        stats.latencies.append(answered_at - delivered)
        return event

    def message(self, **fields) -> dict:
        return {"message": {"message_id": next(self._message_ids), "from": self.user, "chat": self.chat,
                            "date": int(time.time()), **fields}}

    def text(self, text: str) -> dict:
        fields: dict = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.message(**fields)

    def press(self, data: str) -> dict:
        query_id = str(self.fake.next_id())
        self.fake.note_callback_query(query_id, self.id)
        return {"callback_query": {"id": query_id, "from": self.user, "message": self.last_message,
                                   "chat_instance": f"b{self.id}", "data": data}}

    def photo(self, data: bytes) -> dict:
        fake_file = self.fake.add_file(data, "jpg")
        size = {"file_id": fake_file.file_id, "file_unique_id": fake_file.file_unique_id,
                "width": 64, "height": 48, "file_size": len(data)}
        return self.message(photo=[size])

    def video(self, data_size: int) -> dict:
        fake_file = self.fake.add_file(b"\x00\x00\x00\x18ftypmp42" + bytes(data_size - 12), "mp4")
        return self.message(video={"file_id": fake_file.file_id, "file_unique_id": fake_file.file_unique_id,
                                   "file_size": fake_file.size, "duration": 30, "width": 640,
                                   "height": 480, "mime_type": "video/mp4"})


def full_report(user: BenchUser, photo: bytes) -> list:
    """The nine updates of a complete report on the wizard's short path (issue #16), as functions
    building each update when due: a voter (the role a new person starts in, not asked), the
    category on the first screen, the region, the precinct on the "where exactly" screen, just
    now, the description (straight to the review), a photo sent at the review (the review comes
    again), Send (anonymous, a voter's default)."""
    return [
        lambda: user.text("/start"),
        lambda: user.press("menu:report"),
        lambda: user.press("w:group:coercion_work"),
        lambda: user.press("w:region:astana"),
        lambda: user.text("245"),
        lambda: user.press("w:when:now"),
        lambda: user.text(DESCRIPTIONS[user.lang]),
        lambda: user.photo(photo),
        lambda: user.press("w:review:send"),
    ]


async def run_reports(fake: FakeTelegram, users: list[BenchUser], pacer: Pacer, timeout: float = 60.0) -> Stats:
    """Every user files a full report; returns the merged figures."""
    by_chat = {user.id: user for user in users}

    def dispatch(event: Event) -> None:
        user = by_chat.get(event.chat_id)
        if user is not None:
            user.on_event(event)

    fake.observers.append(dispatch)
    try:
        results = await asyncio.gather(*(_one_report(user, pacer, timeout) for user in users))
    finally:
        fake.observers.remove(dispatch)
    return Stats.of_all(results)


async def _one_report(user: BenchUser, pacer: Pacer, timeout: float) -> Stats:
    stats = Stats()
    for number, step in enumerate(full_report(user, small_jpeg(user.id))):
        await pacer.take()
        if await user.act(step(), stats, timeout) is None:
            return stats
        if number == 0:
            stats.first.append(stats.latencies[-1])
    stats.reports += 1
    return stats

