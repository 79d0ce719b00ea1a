"""End to end: full reports through the wizard, with evidence, in Kazakh and Russian."""

from __future__ import annotations

import io

from PIL import Image

from services.evidence import read
from services.i18n import Translator
from tests.fake_telegram.html_check import parse_html
from tests.report_helpers import (
    KEYS,
    L, choose_what_and_where, db_rows, finish_and_send, finish_and_send_receipt, jpeg, sha256, start_report, up_to_evidence,
)

DESCRIPTION_KK = "Зауыт директоры барлық жұмысшыларды сайлауға баруға және бюллетеньді суретке түсіруге мәжбүрледі."
DESCRIPTION_RU = "Председатель УИК не пустил наблюдателей к столу подсчёта, бюллетени не показывали."


async def test_voter_in_kazakh_with_album_video_and_voice(app, fake, user_factory, data_dir):
    user = user_factory("kk")
    await start_report(user, "kk")
    await choose_what_and_where(user, "kk", role="voter", group="pressure", category="coercion_work",
                                region="almaty_city")
    # Where exactly is one screen: a location is enough, and the wizard goes on.
    await user.location(43.238, 76.889)
    (when_prompt,) = await user.replies(1)
    assert when_prompt.message["text"] == L("kk", "wizard.ask_when")
    await user.tap(L("kk", "wizard.when_now"))
    (review,) = await user.say(DESCRIPTION_KK)
    assert L("kk", "wizard.review_hint") in review.message["text"]

    # Files sent at the review are attached to it; an album is answered once.
    photos = [jpeg(color=(i * 60, 10, 10)) for i in range(3)]
    for photo in photos:
        await user.photo(photo, media_group_id="album-1")
    (album_ack,) = await user.replies(1)
    attached = parse_html(Translator("kk").plural("wizard.files_attached", 3, max=20))
    assert album_ack.message["text"].startswith(attached)
    assert L("kk", "wizard.review_hint") in album_ack.message["text"]
    video = b"\x00\x00\x00\x18ftypmp42" + b"v" * 5000
    await user.media("video", video, "video/mp4")
    await user.replies(1)
    voice = b"OggS" + b"o" * 3000
    await user.media("voice", voice, "audio/ogg")
    (ack,) = await user.replies(1)
    assert ack.message["text"].startswith(parse_html(Translator("kk").plural("wizard.files_attached", 5, max=20)))

    # Changing "where" from the review: each screen says what it holds and offers Keep; a number
    # and then a place are added, and the location stays.
    (region,) = await user.tap(L("kk", "wizard.edit_where"))
    assert L("kk", "wizard.keep") in [b["text"] for b in user.buttons(region.message)]
    assert L("kk", "region.almaty_city") in region.message["text"]
    (spot,) = await user.tap(L("kk", "wizard.keep"))
    assert L("kk", "summary.location") in spot.message["text"]
    await user.say("УСК № 245")
    await user.tap(L("kk", "wizard.edit_where"))
    (spot,) = await user.tap(L("kk", "wizard.keep"))
    assert L("kk", "summary.precinct", number="245") in spot.message["text"]
    (review,) = await user.say("№5 мектеп, Абай даңғылы")
    assert DESCRIPTION_KK in review.message["text"]
    assert L("kk", "category.coercion_work") in review.message["text"]
    assert L("kk", "summary.location") in review.message["text"]
    assert L("kk", "summary.contact_anonymous") in review.message["text"]  # a voter's default
    (sent,) = await user.tap(L("kk", "wizard.send"))
    assert "KZ-000001" in sent.message["text"]

    (report,) = db_rows(data_dir, "SELECT * FROM reports")
    assert (report["reference"], report["reporter_role"], report["category"], report["subcategory"]) == \
        ("KZ-000001", "voter", "pressure", "coercion_work")
    assert (report["region"], report["precinct"], report["place"]) == ("almaty_city", "245", "№5 мектеп, Абай даңғылы")
    assert (report["latitude"], report["longitude"]) == (43.238, 76.889)
    assert report["description"] == DESCRIPTION_KK and report["contact_allowed"] == 0
    assert report["occurred_at"] and report["status"] == "new"

    files = db_rows(data_dir, "SELECT * FROM evidence WHERE report_id = ? ORDER BY id", (report["id"],))
    assert [f["kind"] for f in files] == ["photo", "photo", "photo", "video", "voice"]
    assert [f["sha256"] for f in files] == [sha256(b) for b in (*photos, video, voice)]
    for row, original in zip(files, (*photos, video, voice)):
        assert read(data_dir, row["stored_path"], KEYS) == original
        assert row["received_at"] and row["size"] == len(original) and row["file_unique_id"]
        assert row["media_group_id"] == ("album-1" if row["kind"] == "photo" else None)
    # Photos sent as photos: Telegram's copy; the metadata of our sample survives in the bytes.
    assert files[0]["camera_model"] == "Google Pixel 7" and files[0]["captured_at"] == "2026:11:24 09:15:00"
    assert files[0]["had_gps"] == 1
    clean = Image.open(io.BytesIO(read(data_dir, files[0]["preview_path"], KEYS)))
    assert clean.format == "JPEG" and not clean.getexif()  # re-encoded: no camera, no GPS
    assert db_rows(data_dir, "SELECT * FROM drafts") == []


async def test_observer_in_russian_with_document_photo_and_typed_date(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await start_report(user, "ru")
    await choose_what_and_where(user, "ru", role="observer", group="observers",
                                category="observer_restricted", region="karaganda")
    await user.tap(L("ru", "wizard.precinct_unknown"))
    (ask_date,) = await user.tap(L("ru", "wizard.when_date"))
    assert ask_date.message["text"].startswith("В какой день?")
    await user.say(_recent_date_ru())
    # A file sent with the description is kept, and the description still asked.
    original = jpeg(make="Canon", camera="Canon EOS R6", gps=False)
    await user.document(original, "IMG_0001.JPG", "image/jpeg")
    (ack,) = await user.replies(1)
    assert ack.message["text"].startswith(parse_html(Translator("ru").plural("wizard.files_attached", 1, max=20)))
    # The step's short form, not its long prompt again after every file (issue #24).
    assert ack.message["text"].endswith(L("ru", "wizard.description_again", min=20, max=Translator("ru").number(10_000),
                                          files=20, note=L("ru", "wizard.evidence_metadata_note")))
    (review,) = await user.say(DESCRIPTION_RU)
    # Observers start with contact allowed, shown on the review with what it means.
    assert L("ru", "summary.contact_allowed") in review.message["text"]
    assert L("ru", "summary.precinct_unknown") in review.message["text"]
    await user.tap(L("ru", "wizard.send"))

    (report,) = db_rows(data_dir, "SELECT * FROM reports")
    assert report["reporter_role"] == "observer" and report["precinct"] is None
    assert report["occurred_at"] == _recent_date_iso() and report["contact_allowed"] == 1
    (file,) = db_rows(data_dir, "SELECT * FROM evidence")
    assert file["kind"] == "document" and file["mime_type"] == "image/jpeg"
    # The sender's file name is not kept: only that Telegram holds one.
    assert file["sha256"] == sha256(original) and file["file_name"] is None and file["sender_named"] == 1
    assert file["camera_model"] == "Canon EOS R6" and file["had_gps"] == 0


def _recent():
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    return (datetime.now(ZoneInfo("Asia/Almaty")) - timedelta(days=3)).date()


def _recent_date_ru() -> str:
    return _recent().strftime("%d.%m.%Y")


def _recent_date_iso() -> str:
    return _recent().isoformat()


async def test_quick_report_without_evidence_and_my_reports(app, fake, user_factory):
    user = user_factory("en")
    await up_to_evidence(user, "en", "My manager told the whole team to vote and send a selfie as proof.")
    reference, code = await finish_and_send_receipt(user, "en", evidence=False)
    receipt = user.last_with_buttons()
    # Anonymous: linked to nobody, so My reports cannot list it; it says where it is instead.
    (listing,) = await user.say("/myreports")
    text = listing.message["text"]
    assert reference not in text and L("en", "myreports.anonymous") in text
    # The receipt's button and /status with the code (any case, no dashes) show it.
    (status,) = await user.tap(L("en", "receipt.button", reference=reference), message=receipt)
    assert reference in status.message["text"] and L("en", "status.new") in status.message["text"]
    assert L("en", "receipt.meaning.new") in status.message["text"]
    (typed,) = await user.say(f"/status {code.replace('-', '').lower()}")
    assert typed.message["text"] == status.message["text"]
    (wrong,) = await user.say("/status ABCD-EFGH-JKLM")
    assert wrong.message["text"] == L("en", "receipt.unknown")
    assert fake.refused == []
