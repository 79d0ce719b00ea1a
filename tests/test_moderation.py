"""End to end: moderators take reports through every status by buttons and by commands; the
reporter is told in their language; outsiders are refused; stats, exports, bundles, jobs."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import sqlite3
import zipfile
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from domain import clock
from handlers import jobs
from storage import backups
from services.charts import BAR_COLOR, MAX_BAR_LENGTH, Bar, Section, bar_geometry
from domain.rules import ADMIN_COMMANDS, MODERATOR_COMMANDS
from services.i18n import Translator
from handlers.context import BotContext
from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import (
    L, choose_what_and_where, db_rows, db_write, docx_text, finish_and_send, jpeg, sha256, start_report, up_to_evidence,
)

ADMIN = 1001
GROUP = {"id": -100777, "type": "supergroup", "title": "Moderators"}
DESCRIPTION = "Жұмыс беруші барлық қызметкерлерден бюллетеньнің суретін талап етті, әйтпесе жұмыстан шығарамыз деді."


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)  # the bot is a member of the moderators' group
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


@pytest.fixture
def group(fake):
    """The admin, writing in the moderators' group."""
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", username="nurlan_mod", chat=GROUP)


@pytest.fixture
def admin(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", username="nurlan_mod")


def ru(key: str, **params) -> str:
    return L("ru", key, **params)


async def submit_with_evidence(user, lang="kk") -> tuple[str, list[bytes]]:
    await up_to_evidence(user, lang, DESCRIPTION)
    photos = [jpeg(color=(10, 200, 10)), jpeg(color=(10, 10, 200))]
    for photo in photos:
        await user.photo(photo, media_group_id="al")
    await user.replies(1)
    voice = b"OggS-voice-evidence"
    await user.media("voice", voice, "audio/ogg")
    await user.replies(1)
    return await finish_and_send(user, lang, contact=True), [*photos, voice]


async def test_a_report_through_every_status_with_buttons(app, fake, user_factory, group, data_dir):
    reporter = user_factory("kk", first_name="Әсел", username="asel_secret")
    reference, originals = await submit_with_evidence(reporter)
    # The card first, so moderators see the report at once; the evidence under it, as replies.
    card, media_1, media_2, voice = await group.replies(4)
    assert media_1.message["media_group_id"] == media_2.message["media_group_id"]
    assert "voice" in voice.message and voice.message["caption"] == reference
    for media in (media_1, media_2, voice):
        assert media.message["reply_to_message"]["message_id"] == card.message["message_id"]
    text = card.message["text"]
    assert reference in text and DESCRIPTION in text and ru("region.almaty_city") in text
    for secret in ("Әсел", "asel_secret", str(reporter.id)):
        assert secret not in text
    assert [b["text"] for b in group.buttons(card.message)] == [
        ru("mod.action.take"), ru("mod.action.reject"), ru("mod.action.duplicate")]
    # The previews are our re-encoded JPEGs, not the reporter's files: no EXIF, no GPS.
    preview = fake.files[media_1.message["photo"][0]["file_id"]].data
    assert not Image.open(io.BytesIO(preview)).getexif() and preview not in originals

    await group.press(ru("mod.action.take"), message=card.message)
    (feedback,) = await reporter.replies(1)
    assert feedback.message["text"] == L("kk", "feedback.status", reference=reference, status=L("kk", "status.in_review"),
                                         meaning=L("kk", "receipt.meaning.in_review"))
    assert ru("status.in_review") in fake.messages[(GROUP["id"], card.message["message_id"])]["text"]

    await group.press(ru("mod.action.verify"), message=fake.messages[(GROUP["id"], card.message["message_id"])])
    await reporter.replies(1)
    await group.press(ru("mod.action.escalate"), message=fake.messages[(GROUP["id"], card.message["message_id"])])
    (targets,) = await group.replies(1)
    ask, chosen = await group.tap(ru("mod.target.court"), n=2, message=targets.message)
    # The choice is made: its buttons are gone, so a press days later starts nothing.
    assert chosen.message["text"].endswith(ru("mod.prompt.chosen", target=ru("mod.target.court")))
    assert "reply_markup" not in chosen.message
    assert ask.message["text"].startswith(ru("mod.ask_external", reference=reference, target=ru("mod.target.court")))
    done, *edits = await group.reply(ask.message, "№ 2-1234/26 от 24.11.2026", n=3)
    closed = next(event for event in edits if event.message["message_id"] == ask.message["message_id"])
    assert done.message["text"] == ru("mod.done", reference=reference, status=ru("status.escalated"))
    assert closed.message["text"].endswith(ru("mod.prompt.answered_mark")) and "reply_markup" not in closed.message
    (feedback,) = await reporter.replies(1)
    assert L("kk", "status.escalated_to.court") in feedback.message["text"]
    card_now = fake.messages[(GROUP["id"], card.message["message_id"])]
    assert "№ 2-1234/26 ·" in card_now["text"] and ru("mod.target.court") in card_now["text"]

    await group.press(ru("mod.action.resolve"), message=card_now)
    (ask,) = await group.replies(1)
    await group.reply(ask.message, "Суд признал нарушение, наложен штраф.")
    (feedback,) = await reporter.replies(1)
    assert feedback.message["text"] == L("kk", "feedback.status_resolved", reference=reference,
                                         status=L("kk", "status.resolved"), meaning=L("kk", "receipt.meaning.resolved"),
                                         note="Суд признал нарушение, наложен штраф.")
    assert "reply_markup" not in fake.messages[(GROUP["id"], card.message["message_id"])]

    rows = db_rows(data_dir, "SELECT action, from_status, to_status, actor FROM audit_log ORDER BY id")
    assert [(r["from_status"], r["to_status"]) for r in rows if r["action"] != "escalation_step"] == [
        (None, "new"), ("new", "in_review"), ("in_review", "verified"), ("verified", "escalated"), ("escalated", "resolved")]
    assert [r["action"] for r in rows].count("escalation_step") == 1  # the body named in the history
    assert all(r["actor"].startswith("moderator ") for r in rows[1:])
    report = db_rows(data_dir, "SELECT * FROM reports")[0]
    assert (report["escalated_to"], report["external_ref"], report["external_date"]) == ("court", "2-1234/26", "2026-11-24")
    assert report["status_note"] == "Суд признал нарушение, наложен штраф."


async def test_a_lost_preview_does_not_hold_the_card_back(app, fake, user_factory, group, data_dir):
    """Previews are not fsynced (they can be drawn again): one emptied by a power cut must not
    stop the card; the other photo, the voice note and the card still reach the moderators."""
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", DESCRIPTION)
    for photo in (jpeg(color=(200, 10, 10)), jpeg(color=(10, 10, 200))):
        await reporter.photo(photo)
        await reporter.replies(1)
    await reporter.media("voice", b"OggS-voice-evidence", "audio/ogg")
    await reporter.replies(1)
    first = db_rows(data_dir, "SELECT preview_path FROM evidence ORDER BY id")[0]["preview_path"]
    (data_dir / first).write_bytes(b"")
    reference = await finish_and_send(reporter, "ru")
    card, photo, voice = await group.replies(3)
    assert "photo" in photo.message and "media_group_id" not in photo.message
    assert "voice" in voice.message and reference in card.message["text"]


async def test_a_card_redrawn_as_it_already_is_is_not_edited(app, fake, user_factory, group, data_dir):
    """Two redraws of one state (the card posted as the report already stood, then redrawn by a
    job): Telegram refuses an edit that changes nothing, so the bot makes none."""
    from handlers import mod_cards
    from storage import reports
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", DESCRIPTION)
    reference = await finish_and_send(reporter, "ru", evidence=False)
    (card,) = await group.replies(1)
    context = BotContext(app)
    db = await context.services.db()
    report = await reports.by_reference(db, reference)
    for _ in range(200):  # its message id is stored just after Telegram took the card
        if report.moderator_message_id is not None:
            break
        await asyncio.sleep(0.01)
        report = await reports.by_reference(db, reference)
    for _ in range(2):
        await mod_cards.refresh_card(context, context.services, report)
    edits = [call for call in fake.calls_of("editMessageText") if call.params.get("chat_id") == GROUP["id"]]
    assert edits == [] and fake.refused == []
    assert report.moderator_message_id == card.message["message_id"]  # the card that was left alone


async def test_every_status_by_command_reply_and_my_reports(app, fake, user_factory, admin, data_dir):
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", "Наблюдателя не пустили на участок, председатель УИК угрожал полицией.")
    first = await finish_and_send(reporter, "ru", evidence=False, contact=True)
    await up_to_evidence(reporter, "ru", "Повторно: наблюдателя не пустили на участок, председатель угрожал.")
    second = await finish_and_send(reporter, "ru", evidence=False, contact=True)

    async def command(text: str, expect: str) -> None:
        (reply,) = await admin.say(text)
        assert reply.message["text"] == expect, reply.message["text"]

    await command(f"/take {first}", ru("mod.done", reference=first, status=ru("status.in_review")))
    await command(f"/reject {first} нет доказательств", ru("mod.done", reference=first, status=ru("status.rejected")))
    await command(f"/reopen {first}", ru("mod.done", reference=first, status=ru("status.in_review")))
    await command(f"/verify {first}", ru("mod.done", reference=first, status=ru("status.verified")))
    await command(f"/escalate {first} prosecutor 15/2026", ru("mod.done", reference=first, status=ru("status.escalated")))
    await command(f"/resolve {first} прокуратура вынесла представление", ru("mod.done", reference=first, status=ru("status.resolved")))
    await command(f"/take {first}", ru("mod.transition_refused", reference=first, status=ru("status.resolved"), target=ru("status.in_review")))
    await command(f"/dup {second} {first}", ru("mod.done", reference=second, status=ru("status.duplicate")))
    await command(f"/note {first} проверить видео", ru("mod.noted", reference=first))
    await command(f"/reply {first} Спасибо, нарушение подтверждено.", ru("mod.replied", reference=first))
    await command("/take KZ-999999", ru("mod.not_found"))
    await command("/reject", ru("mod.usage.reject"))

    statuses = [e.message["text"] for e in reporter.events if "📬" in e.message["text"] or "💬" in e.message["text"]]
    assert len(statuses) == 8  # six changes of the first, one of the second, one reply
    (listing,) = await reporter.say("/myreports")
    assert "Спасибо, нарушение подтверждено." in listing.message["text"]
    assert db_rows(data_dir, "SELECT duplicate_of FROM reports WHERE reference = ?", (second,))[0]["duplicate_of"] == first
    await command(f"/reopen {second}", ru("mod.done", reference=second, status=ru("status.in_review")))
    assert db_rows(data_dir, "SELECT duplicate_of FROM reports WHERE reference = ?", (second,))[0]["duplicate_of"] is None
    notes = db_rows(data_dir, "SELECT note FROM audit_log WHERE action = 'note'")
    assert notes[0]["note"] == "проверить видео"


async def test_outsiders_are_refused_for_every_command_and_forged_button(app, fake, user_factory, data_dir):
    reporter = user_factory("en")
    await up_to_evidence(reporter, "en", "Somebody offered money for votes near the polling station today.")
    reference = await finish_and_send(reporter, "en", evidence=False)
    outsider = user_factory("kk")
    # More commands than the flood guard lets one person send in ten seconds: each is checked here.
    app.bot_data["services"].flood.limit = 100
    for name in (*MODERATOR_COMMANDS, *ADMIN_COMMANDS):
        (reply,) = await outsider.say(f"/{name} {reference} x")
        assert reply.message["text"] == L("kk", "mod.refused"), name
    presser = user_factory("kk")  # another outsider: the first sent as many updates as flood control allows
    await presser.say("/start")
    for data in ("m:take:1", "m:verify:1", "m:reject:1", "esc:1:court", "q:2", "m:take:999"):
        query = await presser.press(data=data)
        assert (await presser.answered(query))["text"] == L("kk", "mod.refused")
    assert db_rows(data_dir, "SELECT status FROM reports")[0]["status"] == "new"
    assert len(db_rows(data_dir, "SELECT * FROM audit_log")) == 1


async def test_stats_chart_bars_match_counts(app, fake, user_factory, admin, data_dir):
    reporters = [user_factory("ru") for _ in range(3)]
    for user in reporters:
        await up_to_evidence(user, "ru", "Автобусы привозили студентов голосовать под присмотром деканата.")
        await finish_and_send(user, "ru", evidence=False)
    await admin.say("/take KZ-000001")
    await admin.say("/stats", 2)  # the totals, then the day over time
    photos = [e.message for e in admin.events if "photo" in e.message]
    assert len(photos) == 2  # the totals, then the day over time
    photo_message = photos[0]
    png = fake.files[photo_message["photo"][0]["file_id"]].data
    opened = Image.open(io.BytesIO(png))
    assert opened.format == "PNG"
    image = opened.convert("RGB")
    t = Translator("ru")
    sections = [
        Section(t.text("mod.stats.by_status"), [Bar(t.text("status.new"), 2), Bar(t.text("status.in_review"), 1)]),
        Section(t.text("mod.stats.by_category"), [Bar(t.text("group.pressure"), 3)]),
        Section(t.text("mod.stats.by_region"), [Bar(t.text("region.almaty_city"), 3)]),
    ]
    geometry = bar_geometry(t.text("mod.stats.title", total=3), sections)
    measured = []
    for y, x, length in geometry:
        row = [image.getpixel((px, y)) for px in range(image.width)]
        measured.append(sum(1 for pixel in row if pixel == BAR_COLOR))
    assert measured == [length for _, _, length in geometry]
    counts = [2, 1, 3, 3]
    assert [round(c / 3 * MAX_BAR_LENGTH) for c in counts] == measured

    # The day's picture: the hour's bar counts the three reports (their local hour, as stored).
    hours = Counter(clock.parse(row["submitted_at"]).astimezone(ZoneInfo("Asia/Almaty")).strftime("%H:00")
                    for row in db_rows(data_dir, "SELECT submitted_at FROM reports"))
    day_sections = [
        Section(t.text("web.day.by_category"), [Bar(hour, n) for hour, n in sorted(hours.items())]),
        Section(t.text("mod.stats.by_category"), [Bar(t.text("group.pressure"), 3)]),
        Section(t.text("mod.stats.by_region"), [Bar(t.text("region.almaty_city"), 3)]),
        Section(t.text("web.day.funnel"), [Bar(t.text("status.new"), 2), Bar(t.text("status.in_review"), 1)]),
    ]
    image = Image.open(io.BytesIO(fake.files[photos[1]["photo"][0]["file_id"]].data)).convert("RGB")
    geometry = bar_geometry(t.text("web.day.picture_title"), day_sections)
    measured = [sum(1 for px in range(image.width) if image.getpixel((px, y)) == BAR_COLOR) for y, _, _ in geometry]
    assert measured == [length for _, _, length in geometry]
    assert photos[1]["caption"].startswith(t.text("web.day.title"))


async def test_csv_json_export_and_zip_bundle(app, fake, user_factory, admin, data_dir):
    reporter = user_factory("kk")
    reference, originals = await submit_with_evidence(reporter)
    await admin.say("/export csv region=almaty_city")
    document = next(e.message for e in reversed(admin.events) if "document" in e.message)
    rows = list(csv.DictReader(io.StringIO(fake.files[document["document"]["file_id"]].data.decode("utf-8-sig"))))
    stored = db_rows(data_dir, "SELECT * FROM reports")
    assert [(r["reference"], r["status"], r["description"], r["region"]) for r in rows] == \
        [(s["reference"], s["status"], s["description"], s["region"]) for s in stored]
    await admin.say("/export json status=new")
    document = next(e.message for e in reversed(admin.events) if "document" in e.message)
    exported = json.loads(fake.files[document["document"]["file_id"]].data)
    assert exported["count"] == 1 and exported["reports"][0]["reference"] == reference

    await admin.say(f"/bundle {reference}")
    document = next(e.message for e in reversed(admin.events) if "document" in e.message)
    archive = zipfile.ZipFile(io.BytesIO(fake.files[document["document"]["file_id"]].data))
    manifest = json.loads(archive.read("manifest.json"))
    files = [entry for entry in manifest["evidence"] if entry["in_bundle"]]
    assert len(files) == 3
    for entry in files:
        data = archive.read(entry["file"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] == entry["sha256_in_bundle"]
    assert sorted(hashlib.sha256(o).hexdigest() for o in originals) == sorted(e["sha256"] for e in files)
    await admin.say("/help")  # the admin's updates are handled in order: the records are written
    records = db_rows(data_dir, "SELECT report_id, actor, action, note FROM audit_log"
                                " WHERE action IN ('export', 'bundle') ORDER BY id")
    assert [(r["report_id"], r["action"], r["note"]) for r in records] == [
        (None, "export", "csv, 1 reports, region=almaty_city"), (None, "export", "json, 1 reports, status=new"),
        (1, "bundle", "3 files")]
    assert all(r["actor"].startswith("moderator ") for r in records)


async def test_complaint_draft_for_an_escalated_report(app, fake, user_factory, admin, data_dir):
    reporter = user_factory("kk")
    reference, originals = await submit_with_evidence(reporter)
    (reply,) = await admin.say(f"/complaint {reference} kk")
    assert reply.message["text"] == ru("mod.complaint_not_escalated", reference=reference)
    for step in (f"/take {reference}", f"/verify {reference}", f"/escalate {reference} commission"):
        await admin.say(step)
    await admin.say(f"/complaint {reference} kk")
    document = next(e.message for e in reversed(admin.events) if "document" in e.message)
    assert document["document"]["file_name"] == f"{reference}-complaint-kk.docx"
    text = docx_text(fake.files[document["document"]["file_id"]].data)
    assert reference in text and DESCRIPTION in text
    for original in originals:
        assert sha256(original) in text
    await admin.say("/help")  # in order: the complaint's record is written by now
    (record,) = db_rows(data_dir, "SELECT action, note FROM audit_log WHERE action = 'complaint'")
    assert (record["action"], record["note"]) == ("complaint", "kk")


async def test_stale_alert_deadlines_backup_and_jobs_after_restart(fake, data_dir, user_factory, group):
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"], stale_alert_minutes=1)
    reporter = user_factory("ru")
    async with running_bot(settings) as application:
        await up_to_evidence(reporter, "ru", "Члены комиссии отказались выдать копию протокола наблюдателю.")
        reference = await finish_and_send(reporter, "ru", evidence=False)
        await group.replies(1)  # the card
        await db_write(data_dir, "UPDATE reports SET submitted_at = datetime('now', '-5 minutes')")
        context = BotContext(application)
        await jobs.sweep(context)
        (alert,) = await group.replies(1)
        assert alert.message["text"] == ru("mod.alert_stale", reference=reference, minutes=1)
        await jobs.sweep(context)  # alerted once only

    async with running_bot(settings) as application:
        names = {job.name for job in application.job_queue.jobs()}
        assert {"drafts", "sweep", "deadlines", "digest", "backup"} <= names
        context = BotContext(application)
        # A commission's refusal to give a copy of the protocol: its action, appealed within 10 days.
        await db_write(data_dir, "UPDATE reports SET status = 'escalated', escalated_at = datetime('now'),"
                                 " occurred_at = date('now', '-8 days'), category = 'observers',"
                                 " subcategory = 'protocol_copy'")
        await jobs.deadlines(context)
        (reminder,) = await group.replies(1)
        assert reminder.message["text"].split("\n")[-1] == reference  # escalated, no filing date: the appeal window runs
        await jobs.deadlines(context)
        await jobs.digest(context)
        (digest,) = await group.replies(1)
        assert digest.message["text"].startswith("☀️")
        for _ in range(3):
            await jobs.backup(context)
        archives = sorted((data_dir / "backups").glob("backup-*.tar"))
        assert 1 <= len(archives) <= settings.backup_keep
        elsewhere = data_dir.parent / "restored"
        restored = backups.restore(archives[-1], elsewhere, elsewhere / "bot.sqlite3", settings.keys())
        assert restored.reports == 1 and not restored.files_differing and not restored.files_missing
        copy = sqlite3.connect(elsewhere / "bot.sqlite3")
        assert copy.execute("SELECT reference FROM reports").fetchone()[0] == reference
        copy.close()
    assert fake.refused == []


async def test_invites_and_moderator_management(app, fake, user_factory, admin, data_dir):
    (reply,) = await admin.say("/invite")
    link = reply.message["text"].split()[-1]
    code = link.split("start=")[1]
    observer = user_factory("ru")
    (accepted, _menu) = await observer.say(f"/start {code}", n=2)
    assert accepted.message["text"] == ru("invite.accepted")
    other = user_factory("ru")
    (refused, _menu) = await other.say(f"/start {code}", n=2)
    assert refused.message["text"] == ru("invite.invalid")
    # An accredited observer's report starts as an observer's (no role to choose) with contact allowed.
    await start_report(observer, "ru")
    assert ru("wizard.ask_group", role=ru("role.observer")) in observer.last_with_buttons()["text"]
    await choose_what_and_where(observer, "ru", role="observer")
    assert not any(ru("wizard.ask_role") in (e.message or {}).get("text", "") for e in observer.events)
    await observer.say("245")
    await observer.tap(ru("wizard.when_now"))
    (review,) = await observer.say("Наблюдателя посадили в пяти метрах от стола подсчёта.")
    assert ru("summary.contact_allowed") in review.message["text"]
    await finish_and_send(observer, "ru", evidence=False)  # anonymous, as before: changed from the review
    (row,) = db_rows(data_dir, "SELECT accredited, reporter_role, contact_allowed FROM reports")
    assert tuple(row) == (1, "observer", 0)

    moderator = user_factory("kk", first_name="Дана")
    await moderator.say("/start")
    (added,) = await admin.say(f"/addmod {moderator.id}")
    assert added.message["text"].startswith(ru("admin.added", code="")[:10])
    scope = json.dumps({"chat_id": moderator.id, "type": "chat"}, sort_keys=True)
    # Their chat was not kept while they were nobody in particular: the menu comes with their next message.
    assert (scope, "") not in fake.commands
    await moderator.say("/start")
    assert {c["command"] for c in fake.commands[(scope, "")]} >= {"queue", "take"}
    (reply,) = await moderator.say("/queue")
    assert L("kk", "mod.queue_title", count=Translator("kk").plural("mod.reports", 1), page=1) in reply.message["text"]
    await admin.say(f"/delmod {moderator.id}")
    assert (scope, "") not in fake.commands
    (reply,) = await moderator.say("/queue")
    assert reply.message["text"] == L("kk", "mod.refused")


async def test_hostile_text_reaches_moderators_escaped_and_search_is_bound(app, fake, user_factory, group, admin, data_dir):
    reporter = user_factory("en")
    place = '<a href="javascript:x">school</a> & <i>'
    text = "<script>alert(1)</script> ' OR 1=1; DROP TABLE reports; -- & </b> they paid 5000 tenge"
    await up_to_evidence(reporter, "en", text, precinct="12", place=place)
    reference = await finish_and_send(reporter, "en", evidence=False)
    (card,) = await group.replies(1)
    assert place in card.message["text"] and text in card.message["text"]

    # Each is refused with what went wrong (values are matched against the domain's lists and
    # bound as parameters); none finds anything, and the table is still there afterwards.
    for query in ("region='OR'1'='1'--", "category=x'UNION/**/SELECT/**/1--", "precinct=1;DROP",
                  "since=2026-01-01'", "region=' OR 1=1 --", "nonsense=1"):
        (reply,) = await admin.say(f"/find {query}")
        assert reference not in reply.message["text"] and query.split()[0] in reply.message["text"], query
    (reply,) = await admin.say("/find region=astana since=2026-01-01")
    assert reply.message["text"].split("\n")[0] == ru("mod.found_none")
    (reply,) = await admin.say("/find status=new")
    assert reference in reply.message["text"]
    await admin.say(f"/reject {reference} <b>fake & staged")  # answered first, then the card edited
    card_now = await fake.wait_for(lambda: next((m for m in [fake.messages[(GROUP["id"], card.message["message_id"])]]
                                                 if "<b>fake & staged" in m["text"]), None))
    assert "<b>fake & staged" in card_now["text"]
    assert len(db_rows(data_dir, "SELECT * FROM reports")) == 1


async def test_the_card_flags_photos_with_a_position_or_taken_on_another_day(app, fake, user_factory, group):
    """A photo taken years before the incident, and one that holds a GPS position, are each
    flagged on the card; a clean photo of the day is not."""
    from datetime import datetime

    today = datetime.now().strftime("%Y:%m:%d 10:00:00")
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", DESCRIPTION)
    for photo in (jpeg(taken="2019:06:09 08:00:00", gps=False, color=(1, 2, 3)),
                  jpeg(taken=today, gps=True, color=(4, 5, 6)),
                  jpeg(taken=today, gps=False, color=(7, 8, 9))):
        await reporter.photo(photo)
        await reporter.replies(1)
    reference = await finish_and_send(reporter, "ru")
    (card,) = await group.replies(1)
    lines = card.message["text"].split("\n")
    assert reference in lines[0]
    assert ru_plural("mod.card.flag_gps", 1) in lines
    assert ru_plural("mod.card.flag_time", 1) in lines
    assert fake.refused == []


def ru_plural(key: str, count: int) -> str:
    from tests.fake_telegram.html_check import parse_html
    return parse_html(Translator("ru").plural(key, count))
