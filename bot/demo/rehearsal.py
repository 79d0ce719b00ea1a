"""A rehearsal of voting day: made-up people file the bundled reports through the built-in
Telegram, one every 60/pace seconds, as real people would (the wizard's buttons, the urgent
button, photos); afterwards, how long the reports waited for a moderator and how many would have
missed the stale alert's deadline."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import random
import re
import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from PIL import Image

from services.container import Services
from services.i18n import Translator
from domain import clock
from domain.rules import CATEGORY_GROUPS, FIRST_GROUP
from fake_telegram import FakeTelegram, FakeUser
from fake_telegram.html_check import parse_html
from storage import reports

log = logging.getLogger(__name__)
STREAM = Path(__file__).resolve().parent / "stream.json"
_FIRST_ID = 8_000_001
_LANGUAGE_SHARE = {"kk": 45, "ru": 45, "en": 10}
_REFERENCE = re.compile(r"\bKZ-\d+\b")


@dataclass
class Filed:
    reference: str
    urgent: bool
    photo: bool
    duplicate: bool


def label(lang: str, key: str, **params: Any) -> str:
    """A button's label or a message as the person sees it (plain text)."""
    return parse_html(Translator(lang)(key, **params))


def _photo(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), ((seed * 37) % 256, (seed * 91) % 256, 120)).save(out, format="JPEG")
    return out.getvalue()


class Rehearsal:
    """One rehearsal at a time; ``state`` tells its progress and, once over, its summary."""

    def __init__(self, fake: FakeTelegram, services: Services, seed: int | None = None) -> None:
        self.fake, self.services = fake, services
        self.stream = json.loads(STREAM.read_text(encoding="utf-8"))
        self.random = random.Random(seed)
        self.task: asyncio.Task | None = None
        self.total = self.failed = 0
        self.filed: list[Filed] = []
        self.ended_at: float | None = None
        self.summary_cache: dict[str, str] = {}
        self._ids = iter(range(_FIRST_ID, _FIRST_ID + 10**6))

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self, count: int, pace: float) -> bool:
        """Begin ``count`` reports at ``pace`` a minute; False while another one runs."""
        if self.running:
            return False
        self.total, self.failed, self.filed, self.ended_at = count, 0, [], None
        self.task = asyncio.get_running_loop().create_task(self._run(count, pace))
        return True

    async def wait(self) -> None:
        if self.task is not None:
            await self.task

    async def _run(self, count: int, pace: float) -> None:
        event = self.stream["event"]
        duplicates = set(self.random.sample(range(count), min(event["count"], count)))
        people = []
        try:
            for n in range(count):
                people.append(asyncio.create_task(self._one(n, n in duplicates)))
                await asyncio.sleep(60.0 / pace)
            await asyncio.gather(*people)
        finally:  # stopped half-way (the demo stops): nobody is left filing against a stopped bot
            for person in people:
                person.cancel()
        self.ended_at = time.monotonic()

    async def _one(self, n: int, duplicate: bool) -> None:
        lang = self.random.choices(list(_LANGUAGE_SHARE), list(_LANGUAGE_SHARE.values()))[0]
        user = FakeUser(self.fake, next(self._ids), language_code=lang, first_name="Demo", username=None)
        urgent = not duplicate and self.random.random() < self.stream["urgent_share"]
        photo = not urgent and self.random.random() < self.stream["photo_share"]
        try:
            if urgent:
                text = await self._urgent(user, lang)
            else:
                text = await self._wizard(user, lang, duplicate, photo)
            found = _REFERENCE.search(text)
            if found is None:
                raise RuntimeError("no reference in the confirmation")
            self.filed.append(Filed(found.group(0), urgent, photo, duplicate))
        except Exception:  # noqa: BLE001 - one made-up person failing must not stop the rehearsal
            self.failed += 1
            log.exception("a rehearsal report was not filed")

    async def _urgent(self, user: FakeUser, lang: str) -> str:
        await user.say("/start")
        await user.tap(label(lang, "menu.urgent"))
        choice = self.random.choice(self.stream["urgent_choices"])
        (sent,) = await user.tap(label(lang, f"urgent.choice.{choice}"))
        return sent.message.get("text", "")

    async def _wizard(self, user: FakeUser, lang: str, duplicate: bool, photo: bool) -> str:
        event = self.stream["event"]
        if duplicate:
            category, region, precinct, text = (event["category"], event["region"], event["precinct"],
                                                event["texts"][lang])
        else:
            kinds = self.stream["reports"]
            kind = self.random.choices(kinds, [k["weight"] for k in kinds])[0]
            regions = self.stream["regions"]
            category, text = kind["category"], kind["texts"][lang]
            region = self.random.choices(list(regions), list(regions.values()))[0]
            precinct = str(self.random.randint(1, 900))
        group = next(g for g, members in CATEGORY_GROUPS.items() if category in members)
        await user.say("/start")
        await user.tap(label(lang, "menu.report"))
        if group != FIRST_GROUP.get("voter"):
            await user.tap(label(lang, f"group.{group}"))
        if category != group:
            await user.tap(label(lang, f"category.{category}"))
        await user.tap(label(lang, f"region.{region}"))
        await user.say(precinct)
        await user.tap(label(lang, "wizard.when_now"))
        await user.say(text)
        if photo:
            await user.photo(_photo(user.id))
            await user.replies(1)
        if self.random.random() < self.stream["contact_share"]:
            await user.tap(label(lang, "wizard.edit_contact"))
            await user.tap(label(lang, "wizard.contact_allowed"))
        (sent,) = await user.tap(label(lang, "wizard.send"))
        return sent.message.get("text", "")

    async def waits(self) -> tuple[list[float], list[float]]:
        """Seconds each filed report waited until a moderator took it (or has waited so far)."""
        db = await self.services.db()
        now = datetime.now(timezone.utc)
        taken, waiting = [], []
        for filed in self.filed:
            report = await reports.by_reference(db, filed.reference)
            if report is None:
                continue
            start = clock.parse(report.submitted_at)
            if report.status != "new" and report.status_changed_at:
                taken.append((clock.parse(report.status_changed_at) - start).total_seconds())
            else:
                waiting.append((now - start).total_seconds())
        return taken, waiting

    async def state(self, t: Translator) -> dict[str, Any]:
        """Progress and, once every report is in, the summary (recomputed: moderators go on working)."""
        shown: dict[str, Any] = {"running": self.running, "total": self.total, "filed": len(self.filed),
                                 "progress": t("demo.rehearsal.progress", filed=len(self.filed), total=self.total),
                                 "summary": ""}
        if self.ended_at is None:
            return shown
        taken, waiting = await self.waits()
        deadline = self.services.settings.stale_alert_minutes * 60
        lines = [
            t("demo.rehearsal.summary", filed=len(self.filed), failed=self.failed,
              urgent=sum(f.urgent for f in self.filed), photos=sum(f.photo for f in self.filed),
              duplicates=sum(f.duplicate for f in self.filed)),
            t("demo.rehearsal.waited", taken=len(taken), median=_clock(statistics.median(taken) if taken else 0),
              longest=_clock(max(taken, default=0))),
            t("demo.rehearsal.missed", minutes=self.services.settings.stale_alert_minutes,
              missed=sum(w > deadline for w in taken + waiting), waiting=len(waiting),
              longest=_clock(max(waiting, default=0))),
        ]
        shown["summary"] = "\n".join(lines)
        return shown


def _clock(seconds: float) -> str:
    """A wait as h:mm:ss or m:ss, the same in every language."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
