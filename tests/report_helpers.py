"""Helpers for driving the report wizard in tests: labels, sample files, a full walk."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import sqlite3
import struct
from pathlib import Path

from PIL import Image

from services.i18n import Translator
from domain.rules import FIRST_GROUP
from storage import audit, integrity
from storage.crypto import Keys
from storage.db import Database
from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.harness import SECRET

KEYS = Keys(SECRET)


def L(lang: str, key: str, **params) -> str:
    """What a person sees for a message or button label, as plain text."""
    return parse_html(Translator(lang)(key, **params))


def LP(lang: str, key: str, count: int, **params) -> str:
    """As L, for a message in the catalog's plural forms."""
    return parse_html(Translator(lang).plural(key, count, **params))


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


def box(kind: bytes, body: bytes) -> bytes:
    """One ISO BMFF box (MP4, MOV, HEIC)."""
    return struct.pack(">I4s", 8 + len(body), kind) + body


def mp4(media: bytes = b"", *, udta: bytes = b"", brand: bytes = b"mp42") -> bytes:
    """A small MP4 as cameras write it: ftyp, moov (a header, a track, any user data), mdat."""
    moov = box(b"mvhd", bytes(100)) + box(b"trak", box(b"tkhd", bytes(84)) + box(b"mdia", bytes(64)))
    if udta:
        moov += box(b"udta", udta)
    return box(b"ftyp", brand + bytes(4) + brand + b"isom") + box(b"moov", moov) + box(b"mdat", media)


def quicktime_text(kind: bytes, text: str) -> bytes:
    """A QuickTime user-data text atom (©xyz, ©mod...): length, language, the text."""
    data = text.encode("utf-8")
    return box(kind, struct.pack(">HH", len(data), 0x15C7) + data)


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


async def db_write(data_dir: Path, sql: str, *, retag: bool = True) -> None:
    """Change the bot's database from outside while the bot runs in this process: in a thread,
    so the bot can finish a transaction it has open while this waits for the lock. A change to
    the tagged tables (a test moving a report back in time) is then tagged as the bot would, or
    the next start would rightly report it as changed outside the bot; ``retag`` False leaves it
    for the check to find."""
    def write() -> None:
        conn = sqlite3.connect(data_dir / "bot.sqlite3", timeout=30)
        try:
            with conn:
                conn.execute(sql)
        finally:
            conn.close()
    await asyncio.to_thread(write)
    if retag and re.search(r"\b(reports|evidence|audit_log)\b", sql):
        await retag_records(data_dir)


async def retag_records(data_dir: Path) -> None:
    """Tag every record again under the test key, as bot.rekey does (on the record)."""
    db = await Database.open(data_dir / "bot.sqlite3")
    try:
        keys = KEYS.record_keys()
        integrity.bind(db, keys)
        await audit.reseal(db, keys[0], integrity.REKEYED, "a test moved records in time")
    finally:
        await db.close()


async def start_report(user: FakeUser, lang: str) -> None:
    """From /start to the first question (what happened), as a voter unless remembered otherwise."""
    await user.say("/start")
    (prompt,) = await user.tap(L(lang, "menu.report"))
    assert L(lang, "wizard.ask_group", role="@@").split("@@")[0] in prompt.message["text"]


async def choose_what_and_where(user: FakeUser, lang: str, *, role="voter", group="pressure",
                                category="coercion_work", region="almaty_city") -> None:
    """The role (changed when it is not the one the report started in), what and the region:
    up to "where exactly"."""
    if L(lang, f"role.{role}") not in user.last_with_buttons()["text"]:
        await user.tap(L(lang, "wizard.change_role"))
        await user.tap(L(lang, f"role.{role}"))
    if group == FIRST_GROUP.get(role):
        await user.tap(L(lang, f"category.{category}"))
    else:
        await user.tap(L(lang, f"group.{group}"))
        if category != group:
            await user.tap(L(lang, f"category.{category}"))
    (prompt,) = await user.tap(L(lang, f"region.{region}"))
    assert prompt.message["text"] == L(lang, "wizard.ask_where", max=200)


async def up_to_when(user: FakeUser, lang: str) -> None:
    """From the main menu to the "when" step: precinct 245."""
    await start_report(user, lang)
    await choose_what_and_where(user, lang)
    await user.say("245")


async def up_to_evidence(user: FakeUser, lang: str, description: str, *, precinct: str = "245",
                         place: str | None = "Школа №5", **choices) -> None:
    """From the main menu to the review, where files may be sent: a precinct, just now, the
    description, and a place added by changing "where" from the review."""
    await start_report(user, lang)
    await choose_what_and_where(user, lang, **choices)
    await user.say(precinct)
    await user.tap(L(lang, "wizard.when_now"))
    (prompt,) = await user.say(description)
    assert L(lang, "wizard.review_hint") in prompt.message["text"]
    if place:
        await user.tap(L(lang, "wizard.edit_where"))
        await user.tap(L(lang, "wizard.keep"))
        (prompt,) = await user.say(place)
        assert L(lang, "wizard.review_hint") in prompt.message["text"]


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
    """As finish_and_send; returns the reference and the receipt's code (its button carries it).
    At the review: contact as asked for (changed through its Change button when the role
    preselected the other), then Send (files were sent at the review already; ``evidence`` is
    what the caller sent)."""
    allowed_now = L(lang, "summary.contact_allowed") in user.last_with_buttons()["text"]
    if contact != allowed_now:  # preselected by the role: changed through its Change button
        await user.tap(L(lang, "wizard.edit_contact"))
        await user.tap(L(lang, "wizard.contact_allowed" if contact else "wizard.contact_anonymous"))
    (sent,) = await user.tap(L(lang, "wizard.send"))
    reference, code = confirmed(sent.message["text"], lang, anonymous=not contact)
    (button,) = [b for row in sent.message["reply_markup"]["inline_keyboard"] for b in row]
    assert button["callback_data"] == "rc:" + code.replace("-", "")
    return reference, code


def docx_text(data: bytes) -> str:
    """The paragraphs of a Word document (a complaint's draft), one a line: what a lawyer reads."""
    import io

    from docx import Document
    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(data)).paragraphs)
