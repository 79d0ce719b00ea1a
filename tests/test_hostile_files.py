"""Evidence that could hurt the bot or the moderators: a huge image that decodes to a gigabyte,
markup that a viewer would run, names that disguise their extension; and what is deleted is gone
from the disk, not only from the tables."""

from __future__ import annotations

import io
import os
import sys
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from services import media
from services.i18n import Translator
from services.text import clean
from tests.fake_telegram.html_check import parse_html
from tests.harness import PROJECT_ROOT
from tests.report_helpers import L, db_rows, finish_and_send, jpeg, up_to_evidence

GROUP = {"id": -100777, "type": "supergroup", "title": "Moderators"}
DESCRIPTION = "Бюллетени выдавали по ксерокопиям паспортов, председатель это разрешил."


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """9000 x 9000 pixels in about 80 KB: a decompression bomb in an ordinary-looking file."""
    out = io.BytesIO()
    Image.new("L", (9000, 9000), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def test_a_huge_png_is_not_decoded_and_costs_little_memory(huge_png, tmp_path):
    """Measured in a process of its own: its peak memory (VmHWM) before and after."""
    path = tmp_path / "huge.png"
    path.write_bytes(huge_png)
    script = (
        "from services import media\n"
        "def peak():\n"
        "    line = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
        "    return int(line.split()[1]) // 1024\n"
        f"data = open({str(path)!r}, 'rb').read()\n"
        "before = peak()\n"
        "facts = media.inspect_image(data)\n"
        "print(facts.preview is None, peak() - before)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, timeout=60)
    no_preview, grown_mb = out.stdout.split()
    assert no_preview == "True"
    assert int(grown_mb) < 20, out.stdout  # megabytes: the picture is never decoded


def test_a_large_jpeg_is_drawn_at_reduced_scale():
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (90, 10, 10)).save(out, format="JPEG", quality=50)
    facts = media.inspect_image(out.getvalue())
    assert facts.preview is not None
    assert max(Image.open(io.BytesIO(facts.preview)).size) == 1280


@pytest.mark.parametrize(("typed", "kept"), [
    ("evidence\u202egpj.exe", "evidencegpj.exe"),
    ("\u200b" * 25, ""),
    ("Школа\u200d №5\ufeff", "Школа №5"),
    ("\u2067Мектеп\u2069 12", "Мектеп 12"),
])
def test_invisible_characters_are_removed(typed, kept):
    assert clean(typed) == kept


async def test_a_padded_description_is_too_short(app, fake, user_factory):
    user = user_factory("ru")
    await up_to_evidence(user, "ru", DESCRIPTION)  # a real one first, then change it from the review
    await user.tap(L("ru", "wizard.edit_description"))
    (answer,) = await user.say("\u200b" * 25)
    assert answer.message["text"].startswith(L("ru", "wizard.description_short", min=20))
    assert fake.refused == []


@pytest.fixture
def settings(fake, data_dir):
    from tests.harness import make_settings
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids="1001", moderator_chat_id=GROUP["id"])


async def test_markup_and_a_huge_png_are_kept_but_never_drawn_or_posted(app, fake, user_factory, data_dir,
                                                                         huge_png):
    from tests.fake_telegram import FakeUser
    group = FakeUser(fake, 1001, chat=GROUP)
    user = user_factory("ru")
    await up_to_evidence(user, "ru", DESCRIPTION)
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    await user.document(svg, "map\u202egpj.svg", "image/svg+xml")
    await user.replies(1)
    await user.document(b"<html><body><script>steal()</script></body></html>", "notes.txt", "text/plain")
    await user.replies(1)
    await user.document(huge_png, "scan.png", "image/png")
    await user.replies(1)
    reference = await finish_and_send(user, "ru")
    (card,) = await group.replies(1)
    assert reference in card.message["text"]
    (scan,) = await group.replies(1)  # the evidence under the card: the PNG alone, as a file
    assert scan.message["document"] and scan.message["caption"] == reference
    await group.say("/help")  # by its answer, the evidence's delivery has been recorded
    (delivery,) = db_rows(data_dir, "SELECT sent_at FROM outbox WHERE kind = 'evidence'")
    assert delivery["sent_at"] is not None
    rows = db_rows(data_dir, "SELECT mime_type, file_name, preview_path, sha256 FROM evidence ORDER BY id")
    assert [(r["mime_type"], r["preview_path"]) for r in rows] == [
        ("image/svg+xml", None), ("text/html", None), ("image/png", None)]
    assert rows[0]["file_name"] is None and all(r["sha256"] for r in rows)
    posted = [e.message for e in fake.chat_events(GROUP["id"]) if "document" in e.message]
    assert len(posted) == 1  # the PNG, as a file; the SVG and the HTML are not posted
    assert fake.refused == []


async def test_a_cancelled_draft_leaves_no_text_on_the_disk(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    secret = "Иванова Ольга из бухгалтерии велела сфотографировать бюллетень"
    await up_to_evidence(user, "ru", secret)
    await user.say("/cancel")
    (done,) = await user.tap(L("ru", "wizard.cancel_yes"))
    assert done.message["text"] == L("ru", "wizard.cancelled")
    assert db_rows(data_dir, "SELECT * FROM drafts") == []
    for name in ("bot.sqlite3", "bot.sqlite3-wal"):
        path = Path(data_dir) / name
        if path.exists():
            assert secret.encode() not in path.read_bytes(), name
    assert fake.refused == []


async def test_the_bot_stays_small_when_sent_huge_pngs(fake, tmp_path, huge_png):
    """The 9000 x 9000 PNG as a document, five times, to ``python -m bot``: its peak memory stays
    far below what decoding them would take (a gigabyte each)."""
    from tests.fake_telegram import FakeUser
    from tests.harness import BotProcess, bot_env

    bot = BotProcess(bot_env(fake, tmp_path / "data"))
    await bot.start(fake)
    users = [FakeUser(fake, 8100 + n, language_code="ru") for n in range(5)]
    for user in users:
        await up_to_evidence(user, "ru", DESCRIPTION)
    for n, user in enumerate(users):
        await user.document(huge_png, f"scan-{n}.png", "image/png")
    for user in users:
        (received,) = await user.replies(1, timeout=30)
        # Taken at the review: the review again, the file counted above it.
        assert received.message["text"].startswith(parse_html(Translator("ru").plural("wizard.files_attached", 1, max=20)))
    status = Path(f"/proc/{bot.process.pid}/status").read_text()
    peak_mb = int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1]) // 1024
    code, log = await bot.stop()
    assert code == 0, log
    assert peak_mb < 200, f"peak RSS {peak_mb} MB"
    assert fake.refused == []


# ---- issue #23: image work bounded by construction; nothing identifying posted unwarned -----------


def long_jpeg(progressive: bool = False) -> bytes:
    """60000 x 1490 pixels in about 1.4 MB: draft() asked for a 1280-pixel box goes by the short
    side and decodes it whole (a progressive one keeps whole-size coefficients whatever the scale)."""
    out = io.BytesIO()
    Image.new("RGB", (60000, 1490)).save(out, format="JPEG", quality=10, progressive=progressive)
    return out.getvalue()


def _status(pid: int, field: str) -> int:
    """A /proc/PID/status field in megabytes."""
    line = next(l for l in Path(f"/proc/{pid}/status").read_text().splitlines() if l.startswith(field))
    return int(line.split()[1]) // 1024


def _image_workers(pid: int) -> list[int]:
    """The image worker processes a bot started (not multiprocessing's resource tracker, nor the
    pseudonym workers: told apart by their address-space limit)."""
    from services import image_worker
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return [child for child in found if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
            and f"{image_worker.MEMORY_LIMIT}" in Path(f"/proc/{child}/limits").read_text()]


async def test_long_thin_jpegs_keep_the_bot_small(fake, tmp_path):
    """The JPEG of issue #23 (60000 x 1490) once, then four at once (two progressive, whose
    decoding would take hundreds of megabytes whatever the scale): the bot's peak memory stays
    under 300 MB. The image work runs in worker processes whose address space is capped."""
    from tests.fake_telegram import FakeUser
    from tests.harness import BotProcess, bot_env
    bot = BotProcess(bot_env(fake, tmp_path / "data"))
    await bot.start(fake)
    users = [FakeUser(fake, 8200 + n, language_code="ru") for n in range(5)]
    for user in users:
        await up_to_evidence(user, "ru", DESCRIPTION)
    files = [long_jpeg(), long_jpeg(), long_jpeg(progressive=True), long_jpeg(), long_jpeg(progressive=True)]
    await users[0].document(files[0], "w.jpg", "image/jpeg")
    await users[0].replies(1, timeout=60)
    for user, data in zip(users[1:], files[1:]):
        await user.document(data, "w.jpg", "image/jpeg")
    for user in users[1:]:
        (received,) = await user.replies(1, timeout=60)
        assert received.message["text"].startswith(parse_html(Translator("ru").plural("wizard.files_attached", 1, max=20)))
    peak_mb = _status(bot.process.pid, "VmHWM")
    assert _image_workers(bot.process.pid)  # the work was done outside the bot's process
    code, log = await bot.stop()
    assert code == 0, log
    assert peak_mb < 300, f"peak RSS {peak_mb} MB"
    rows = db_rows(tmp_path / "data", "SELECT metadata, preview_path IS NOT NULL AS drawn FROM evidence ORDER BY id")
    # The baseline ones drawn; the progressive ones past the worker's budget: kept, not drawn,
    # flagged (a decoder that failed to allocate says "broken"; a worker that died, "too large").
    drawn = sorted((row["metadata"], row["drawn"]) for row in rows if row["drawn"])
    flagged = [(row["metadata"], row["drawn"]) for row in rows if not row["drawn"]]
    assert drawn == [("read", 1)] * 3 and len(flagged) == 2, rows
    assert all(metadata in ("unreadable", "too_large") for metadata, _ in flagged), flagged
    assert fake.refused == []


def test_image_workers_cannot_grow_past_their_limit():
    from services import image_worker
    assert image_worker.worker_memory_limit() == image_worker.MEMORY_LIMIT
    image_worker.shutdown()


def test_a_long_jpeg_is_scaled_from_its_long_side():
    facts = media.inspect_image(long_jpeg())
    assert facts.metadata == "read" and Image.open(io.BytesIO(facts.preview)).size == (1280, 32)


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[271], exif[272] = "Apple", "iPhone 12"
    exif.get_ifd(0x8825).update({1: "N", 2: (43.0, 14.0, 20.2), 3: "E", 4: (76.0, 53.0, 22.9)})
    return exif


def cut_jpeg_with_gps() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(out, format="JPEG", exif=gps_exif())
    data = out.getvalue()
    return data[:len(data) * 2 // 3]


def png_with_gps(size=(5000, 4000)) -> bytes:
    out = io.BytesIO()
    Image.new("L", size, 0).save(out, format="PNG", exif=gps_exif(), optimize=True)
    return out.getvalue()


def mp4_with_location() -> bytes:
    from tests.report_helpers import mp4, quicktime_text
    return mp4(bytes(4000), udta=quicktime_text(b"\xa9xyz", "+43.2389+076.8897/"))


def heic_with_gps() -> bytes:
    """A HEIC's boxes as phones write them: ftyp, meta (hdlr, iinf naming an Exif item, iloc
    saying where it is), then mdat holding the EXIF."""
    from tests.report_helpers import box
    import struct
    exif = b"\x00\x00\x00\x06Exif\x00\x00" + gps_exif().tobytes()
    ftyp = box(b"ftyp", b"heic" + bytes(4) + b"mif1heic")
    infe = box(b"infe", b"\x02\x00\x00\x00" + struct.pack(">HH", 1, 0) + b"Exif" + b"\x00")
    iinf = box(b"iinf", bytes(4) + struct.pack(">H", 1) + infe)

    def meta(offset: int) -> bytes:
        iloc = box(b"iloc", bytes(4) + bytes([0x44, 0x00]) + struct.pack(">H", 1)
                   + struct.pack(">HHH", 1, 0, 1) + struct.pack(">II", offset, len(exif)))
        return box(b"meta", bytes(4) + box(b"hdlr", bytes(8) + b"pict" + bytes(13)) + iinf + iloc)
    offset = len(ftyp) + len(meta(0)) + 8
    return ftyp + meta(offset) + box(b"mdat", exif)


@pytest.mark.parametrize(("maker", "mime"), [
    (cut_jpeg_with_gps, "image/jpeg"), (png_with_gps, "image/png"), (heic_with_gps, "image/heic")])
def test_a_location_is_found_in_what_cannot_be_drawn(maker, mime):
    facts = media.inspect_image(maker())
    assert facts.had_gps and facts.preview is None, facts
    assert facts.camera_model == "Apple iPhone 12"


def test_a_location_atom_in_a_video_is_found():
    from services import embedded_metadata
    from tests.report_helpers import mp4
    data = mp4_with_location()
    assert embedded_metadata.iso_media([data[i:i + 100] for i in range(0, len(data), 100)]).had_gps
    clean_video = embedded_metadata.iso_media([mp4(bytes(4000))])
    assert not (clean_video.had_gps or clean_video.had_author or clean_video.camera_model)
    with pytest.raises(embedded_metadata.Unreadable):
        embedded_metadata.iso_media([b"\x00\x00\x00\x18ftypmp42" + bytes(2000)])  # no movie box


async def test_nothing_identifying_reaches_the_group_as_an_original(app, fake, user_factory, settings, data_dir):
    """A JPEG cut to two thirds and a 5000 x 4000 PNG, each with GPS, a HEIC with GPS and an MP4
    with a location atom: none is posted as received; the group gets a line for each saying why
    and where to get it. A clean MP4 is posted as it came. The report's location is shown to
    the group to three decimals (about 100 m)."""
    from tests.fake_telegram import FakeUser
    from tests.report_helpers import mp4, start_report, choose_what_and_where
    group = FakeUser(fake, 1001, chat=GROUP)
    user = user_factory("ru")
    await start_report(user, "ru")
    await choose_what_and_where(user, "ru")
    await user.location(43.238949, 76.889709)
    await user.replies(1)
    await user.tap(L("ru", "wizard.when_now"))
    await user.say(DESCRIPTION)
    sent = [(cut_jpeg_with_gps(), "cut.jpg", "image/jpeg"), (png_with_gps(), "big.png", "image/png"),
            (heic_with_gps(), "IMG_0001.heic", "image/heic")]
    for data, name, mime in sent:
        await user.document(data, name, mime)
        await user.replies(1)
    await user.media("video", mp4_with_location(), "video/mp4")
    await user.replies(1)
    clean_video = mp4(bytes(3000))
    await user.media("video", clean_video, "video/mp4")
    await user.replies(1)
    damaged = jpeg(width=640, height=480, make=None, camera=None, gps=False)
    await user.document(damaged[:len(damaged) // 2], "cut.jpg", "image/jpeg")  # nothing in it, but cut
    await user.replies(1)
    reference = await finish_and_send(user, "ru")

    card, video, *lines = await group.replies(7)
    assert "📍 43.239, 76.890" in card.message["text"] and "43.23894" not in card.message["text"]
    assert parse_html(Translator("ru").plural("mod.card.flag_unread", 1)) in card.message["text"]
    assert fake.files[video.message["video"]["file_id"]].data == clean_video
    t = Translator("ru")
    gps = t("mod.evidence.identifying_gps")
    device = t("mod.evidence.identifying_device", model="Apple iPhone 12")
    expected = [t("mod.evidence.withheld", name=f"{reference}-{n}.{ext}",
                  why=t("mod.evidence.why_holds", found=found))
                for n, ext, found in ((1, "jpg", f"{gps}, {device}"), (2, "png", f"{gps}, {device}"),
                                      (3, "heic", f"{gps}, {device}"), (4, "mp4", gps))]
    expected.append(t("mod.evidence.withheld", name=f"{reference}-6.jpg", why=t("mod.evidence.why_unread")))
    assert [line.message["text"] for line in lines] == [parse_html(text) for text in expected]
    posted = [e.message for e in fake.chat_events(GROUP["id"])]
    assert sum(1 for m in posted if {"document", "photo", "video"} & m.keys()) == 1  # the clean video alone
    rows = db_rows(data_dir, "SELECT had_gps, metadata, preview_path FROM evidence ORDER BY id")
    assert [(r["had_gps"], r["metadata"], r["preview_path"]) for r in rows] == [
        (1, "unreadable", None), (1, "read", None), (1, "read", None), (1, "read", None), (0, "read", None),
        (0, "unreadable", None)]
    assert fake.refused == []


def test_a_device_serial_is_flagged_and_never_kept():
    from services.evidence_labels import warning
    from storage.models import EvidenceRecord
    exif = Image.Exif()
    exif.get_ifd(0x8769)[42033] = "SN-4417-0099"  # BodySerialNumber
    out = io.BytesIO()
    Image.new("RGB", (64, 48)).save(out, format="JPEG", exif=exif)
    facts = media.inspect_image(out.getvalue())
    assert facts.had_serial and not facts.had_gps and facts.metadata == "read"
    record = EvidenceRecord(kind="document", file_id="f", file_unique_id="u", received_at="2026-12-07",
                            stored_path="evidence/x.enc", had_serial=facts.had_serial, metadata=facts.metadata)
    t = Translator("en")
    assert parse_html(warning(t, "KZ-000001-1.jpg", record)) == parse_html(
        t("mod.evidence.identifying", name="KZ-000001-1.jpg", found=t("mod.evidence.identifying_serial")))
    assert "4417" not in repr(facts)


def test_locations_and_authors_in_quicktime_keys_itunes_atoms_and_id3_are_found():
    import struct
    from services import embedded_metadata
    from tests.report_helpers import box, mp4

    def data_box(text: str) -> bytes:
        return box(b"data", struct.pack(">II", 1, 0) + text.encode())
    keys = [b"com.apple.quicktime.location.ISO6709", b"com.apple.quicktime.model"]
    keys_box = box(b"keys", bytes(4) + struct.pack(">I", len(keys))
                   + b"".join(struct.pack(">I", 8 + len(k)) + b"mdta" + k for k in keys))
    ilst = box(b"ilst", box(struct.pack(">I", 1), data_box("+43.2389+076.8897+000.000/"))
               + box(struct.pack(">I", 2), data_box("iPhone 12")))
    quicktime = box(b"meta", box(b"hdlr", bytes(24)) + keys_box + ilst)  # QuickTime's: no version
    moov_meta = box(b"ftyp", b"qt  " + bytes(4) + b"qt  ") + box(b"moov", box(b"mvhd", bytes(100)) + quicktime)
    found = embedded_metadata.iso_media([moov_meta + box(b"mdat", bytes(10))])
    assert found.had_gps and found.camera_model == "iPhone 12"
    itunes = box(b"meta", bytes(4) + box(b"hdlr", bytes(24)) + box(b"ilst", box(b"\xa9ART", data_box("Aigerim"))))
    assert embedded_metadata.iso_media([mp4(bytes(10), udta=itunes)]).had_author

    def frame(kind: bytes, text: bytes) -> bytes:
        body = b"\x03" + text
        return kind + struct.pack(">I", len(body)) + b"\x00\x00" + body
    tags = frame(b"TPE1", b"Aigerim") + frame(b"TXXX", b"location\x00+43+076/")
    mp3 = b"ID3\x03\x00\x00" + bytes([0, 0, len(tags) >> 7, len(tags) & 0x7F]) + tags + b"\xff\xfb" + bytes(100)
    found = embedded_metadata.audio_mpeg([mp3[i:i + 7] for i in range(0, len(mp3), 7)])
    assert found.had_author and found.had_gps
    clean = embedded_metadata.audio_mpeg([b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb" + bytes(100)])
    assert not (clean.had_author or clean.had_gps)
