"""Protection at rest: no identity in the database, no evidence readable without the key,
key rotation that loses nothing, and hostile input handled safely."""

from __future__ import annotations

import io
import sqlite3

import pytest
from PIL import Image

from services.evidence import read
from services.i18n import Translator
from storage.crypto import FILE_MAGIC, FileUnreadable, Keys
from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.harness import SECRET, bot_env, make_settings, run_module, running_bot
from tests.report_helpers import (
    KEYS, L, db_rows, finish_and_send, jpeg, sha256, up_to_evidence,
)

USER_ID = 7391846205
FIRST_NAME = "Айдана"
USERNAME = "aidana_observer_77"
DESCRIPTION = "Члены комиссии вбросили пачку бюллетеней после закрытия участка, я снимала на видео."
NEW_SECRET = "rotated-secret-key-9876543210fedcba9876543210fedcba"


def stored_files(data_dir):
    return [p for folder in ("evidence", "thumbnails", "previews") for p in (data_dir / folder).rglob("*") if p.is_file()]


async def test_database_and_disk_hold_no_identity_and_no_readable_evidence(app, fake, data_dir):
    user = FakeUser(fake, USER_ID, language_code="ru", first_name=FIRST_NAME, username=USERNAME)
    await up_to_evidence(user, "ru", DESCRIPTION)
    photo = jpeg(width=200, height=150)
    await user.photo(photo)
    await user.replies(1)
    await finish_and_send(user, "ru")

    conn = sqlite3.connect(data_dir / "bot.sqlite3")
    dump = "\n".join(conn.iterdump())
    conn.close()
    raw = b"".join(p.read_bytes() for p in data_dir.glob("bot.sqlite3*"))
    for secret in (str(USER_ID), FIRST_NAME, USERNAME):
        assert secret not in dump
        assert secret.encode() not in raw

    files = stored_files(data_dir)
    assert len(files) == 2  # original, preview
    for path in files:
        blob = path.read_bytes()
        assert blob.startswith(FILE_MAGIC) and b"\xff\xd8\xff" not in blob and b"Pixel" not in blob
        with pytest.raises(FileUnreadable):
            Keys("some-other-secret-key-0123456789abcdef").decrypt_file(blob)
    (row,) = db_rows(data_dir, "SELECT * FROM evidence")
    assert read(data_dir, row["stored_path"], KEYS) == photo and row["sha256"] == sha256(photo)


async def test_key_rotation_loses_nothing(fake, tmp_path):
    data_dir = tmp_path / "data"
    user = FakeUser(fake, 5550001, language_code="kk")
    async with running_bot(make_settings(fake, data_dir)):
        await up_to_evidence(user, "kk", "Учаскеде полиция қызметкерлері байқаушыларды суретке түсірді.")
        photo = jpeg()
        await user.photo(photo)
        await user.replies(1)
        reference = await finish_and_send(user, "kk", contact=True)

    rotating = make_settings(fake, data_dir, secret_key=NEW_SECRET, secret_key_previous=SECRET)
    async with running_bot(rotating):
        (listing,) = await user.say("/myreports")
        assert reference in listing.message["text"]  # found under the old pseudonym, carried over

    env = bot_env(fake, data_dir, SECRET_KEY=NEW_SECRET, SECRET_KEY_PREVIOUS=SECRET)
    status, out, err = await run_module("bot.rekey", env)
    assert status == 0, err
    assert out.startswith("re-encrypted 2 files")  # the photo and its preview

    new_keys = Keys(NEW_SECRET)
    (row,) = db_rows(data_dir, "SELECT * FROM evidence")
    assert read(data_dir, row["stored_path"], new_keys) == photo
    async with running_bot(make_settings(fake, data_dir, secret_key=NEW_SECRET)):
        (listing,) = await user.say("/myreports")
        assert reference in listing.message["text"]
    assert fake.refused == []


def test_altered_evidence_file_is_detected():
    blob = bytearray(KEYS.encrypt_file(b"original bytes"))
    blob[-1] ^= 1
    with pytest.raises(FileUnreadable, match="altered"):
        KEYS.decrypt_file(bytes(blob))
    assert KEYS.decrypt_file(KEYS.encrypt_file(b"x")) == b"x"


async def test_html_and_sql_in_typed_fields_are_shown_and_stored_literally(app, fake, user_factory, data_dir):
    user = user_factory("en")
    hostile_place = '<a href="javascript:alert(1)">x</a> & <b>'
    hostile_text = "'; DROP TABLE reports; -- </b><script>alert(1)</script> & more words here"
    await up_to_evidence(user, "en", hostile_text, precinct="12", place=hostile_place)
    review = user.last_with_buttons()  # the review, with the place just added
    assert L("en", "wizard.review_hint") in review["text"]
    assert hostile_place in review["text"] and hostile_text in review["text"]
    await user.tap(L("en", "wizard.send"))
    (report,) = db_rows(data_dir, "SELECT * FROM reports")
    assert (report["place"], report["description"]) == (hostile_place, hostile_text)


def attached(count: int) -> str:
    return parse_html(Translator("ru").plural("wizard.files_attached", count, max=20))


async def test_bombs_and_broken_images_are_kept_safely(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await up_to_evidence(user, "ru", DESCRIPTION)
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, format="PNG")  # 400 megapixels in a few KB
    await user.document(bomb.getvalue(), "bomb.png", "image/png")
    (ack,) = await user.replies(1)
    assert ack.message["text"].startswith(attached(1))  # "📎 Приложен 1 файл", above the review
    truncated = jpeg(width=300, height=300)[:400]
    await user.photo(truncated)
    (ack,) = await user.replies(1)
    assert ack.message["text"].startswith(attached(2))  # "📎 Приложено 2 файла"
    rows = db_rows(data_dir, "SELECT * FROM evidence ORDER BY id")
    # Kept byte-exact for the record, with no preview drawn from them.
    assert [r["sha256"] for r in rows] == [sha256(bomb.getvalue()), sha256(truncated)]
    assert all(r["preview_path"] is None and r["thumbnail_path"] is None for r in rows)
    await finish_and_send(user, "ru")
