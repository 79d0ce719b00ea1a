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

from bot.services import media
from bot.services.i18n import Translator
from bot.services.text import clean
from tests.fake_telegram.html_check import parse_html
from tests.harness import PROJECT_ROOT
from tests.report_helpers import L, db_rows, finish_and_send, up_to_evidence

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
        "from bot.services import media\n"
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
