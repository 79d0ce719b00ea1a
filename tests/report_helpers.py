"""Helpers for driving the report wizard in tests: labels, sample files, a full walk."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import sqlite3
from pathlib import Path

from PIL import Image

from bot.services.i18n import Translator
from storage.crypto import Keys
from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.harness import SECRET

KEYS = Keys(SECRET)


def L(lang: str, key: str, **params) -> str:
    """What a person sees for a message or button label, as plain text."""
    return parse_html(Translator(lang)(key, **params))


def jpeg(width: int = 64, height: int = 48, *, make: str | None = "Google", camera: str | None = "Pixel 7",
         taken: str | None = "2026:11:24 09:15:00", gps: bool = True,
         color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    image = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    if make:
        exif[271] = make
    if camera:
        exif[272] = camera
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
    if gps:
        exif.get_ifd(0x8825)[1] = "N"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def db_rows(data_dir: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    """Read the bot's database the way an outsider would, with the sqlite3 module."""
    conn = sqlite3.connect(data_dir / "bot.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


async def db_write(data_dir: Path, sql: str) -> None:
    """Change the bot's database from outside while the bot runs in this process: in a thread,
    so the bot can finish a transaction it has open while this waits for the lock."""
    def write() -> None:
        conn = sqlite3.connect(data_dir / "bot.sqlite3", timeout=30)
        try:
            with conn:
                conn.execute(sql)
        finally:
            conn.close()
    await asyncio.to_thread(write)


async def start_report(user: FakeUser, lang: str) -> None:
    await user.say("/start")
    (prompt,) = await user.tap(L(lang, "menu.report"))
    assert L(lang, "wizard.ask_role") in prompt.message["text"]


async def choose_what_and_where(user: FakeUser, lang: str, *, role="voter", group="pressure",
                                category="coercion_work", region="almaty_city") -> None:
    await user.tap(L(lang, f"role.{role}"))
    await user.tap(L(lang, f"group.{group}"))
    if category != group:
        await user.tap(L(lang, f"category.{category}"))
    (prompt,) = await user.tap(L(lang, f"region.{region}"))
    assert prompt.message["text"] == L(lang, "wizard.ask_precinct")


async def up_to_when(user: FakeUser, lang: str) -> None:
    """From the main menu to the "when" step: precinct 245, no place, no location."""
    await start_report(user, lang)
    await choose_what_and_where(user, lang)
    await user.say("245")
    await user.tap(L(lang, "wizard.skip"))
    await user.tap(L(lang, "wizard.skip"))


async def up_to_evidence(user: FakeUser, lang: str, description: str, *, precinct: str = "245",
                         place: str = "Школа №5", **choices) -> None:
    """From the main menu to the evidence step: a precinct, a place, no location, just now."""
    await start_report(user, lang)
    await choose_what_and_where(user, lang, **choices)
    await user.say(precinct)
    await user.say(place)
    await user.tap(L(lang, "wizard.skip"))
    await user.tap(L(lang, "wizard.when_now"))
    (prompt,) = await user.say(description)
    assert prompt.message["text"].startswith(L(lang, "wizard.ask_evidence", max=20)[:20])


RECEIPT = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")


def confirmed(text: str, lang: str, *, anonymous: bool = True) -> tuple[str, str]:
    """The reference and receipt code of a confirmation, checked against its catalog text."""
    reference = next(word for word in text.replace(".", " ").split() if word.startswith("KZ-"))
    code = RECEIPT.search(text).group(0)
    assert text == L(lang, "wizard.sent_anonymous" if anonymous else "wizard.sent", reference=reference, code=code)
    return reference, code


async def finish_and_send(user: FakeUser, lang: str, *, evidence: bool = True, contact: bool = False) -> str:
    """From the evidence step: Done (or none), anonymous (or contact allowed), Send; returns
    the reference."""
    return (await finish_and_send_receipt(user, lang, evidence=evidence, contact=contact))[0]


async def finish_and_send_receipt(user: FakeUser, lang: str, *, evidence: bool = True,
                                  contact: bool = False) -> tuple[str, str]:
    """As finish_and_send; returns the reference and the receipt's code (its button carries it)."""
    await user.tap(L(lang, "wizard.evidence_done" if evidence else "wizard.evidence_none"))
    await user.tap(L(lang, "wizard.contact_allowed" if contact else "wizard.contact_anonymous"))
    (sent,) = await user.tap(L(lang, "wizard.send"))
    reference, code = confirmed(sent.message["text"], lang, anonymous=not contact)
    (button,) = [b for row in sent.message["reply_markup"]["inline_keyboard"] for b in row]
    assert button["callback_data"] == "rc:" + code.replace("-", "")
    return reference, code
