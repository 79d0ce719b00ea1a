"""Text people type is shown back as typed, never as markup: checked on what the reader sees in
replies, /myreports, the card (/view, a reject reason) and the notes history."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.i18n import Translator
from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.harness import make_settings
from tests.report_helpers import L, db_rows, finish_and_send, jpeg, up_to_evidence

ADMIN = 1001
GROUP = {"id": -100780, "type": "supergroup", "title": "Moderators"}
HOSTILE = '<b>bold</b> & <i>x</i> <a href="http://e.x">y</a>'
DESCRIPTION = "Раздавали деньги у входа на участок: " + HOSTILE


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


@pytest.fixture
def group(fake):
    """The admin, writing in the moderators' group."""
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)


@pytest.fixture
def admin(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")


def ru(key: str, **params) -> str:
    return L("ru", key, **params)


def seen(message: dict) -> str:
    """What the reader sees of a message the bot sent: the fake keeps the plain text it parsed
    from the bot's HTML (``text``) next to that HTML (``html_text``)."""
    assert parse_html(message["html_text"]) == message["text"]
    return message["text"]


async def a_report(reporter: FakeUser, lang: str = "ru") -> str:
    await up_to_evidence(reporter, lang, "Наблюдателю не дали копию протокола, председатель ушёл.")
    return await finish_and_send(reporter, lang, evidence=False, contact=True)


async def test_a_moderators_reply_reaches_the_reporter_as_typed(app, fake, user_factory, admin):
    reporter = user_factory("kk")
    reference = await a_report(reporter, "kk")
    (answer,) = await admin.say(f"/reply {reference} {HOSTILE}")
    assert answer.message["text"] == ru("mod.replied", reference=reference)
    (feedback,) = await reporter.replies(1)
    text = seen(feedback.message)
    assert HOSTILE in text and "<b>bold</b>" in text
    # They allowed contact: the message says how to answer it.
    assert text == L("kk", "feedback.reply", reference=reference, text=HOSTILE) + "\n" + L("kk", "feedback.reply_hint")


async def test_my_reports_shows_a_reply_as_typed(app, fake, user_factory, admin, data_dir):
    reporter = user_factory("en")
    reference = await a_report(reporter, "en")
    await admin.say(f"/reply {reference} {HOSTILE}")
    assert db_rows(data_dir, "SELECT text FROM replies")[0]["text"] == HOSTILE
    (listing,) = await reporter.say("/myreports")
    text = seen(listing.message)
    assert reference in text
    assert L("en", "myreports.reply", text=HOSTILE) in text.split("\n")
    assert HOSTILE in text


async def submit_with_evidence(reporter: FakeUser) -> tuple[str, dict]:
    """A report with a hostile place and description, two photos in an album and a voice note."""
    await up_to_evidence(reporter, "ru", DESCRIPTION, place=HOSTILE)
    for color in ((10, 200, 10), (10, 10, 200)):
        await reporter.photo(jpeg(color=color), media_group_id="album")
    await reporter.replies(1)
    voice = await reporter.media("voice", b"OggS-voice-evidence", "audio/ogg")
    await reporter.replies(1)
    return await finish_and_send(reporter, "ru", contact=True), {"voice": voice}


async def test_view_sends_the_evidence_the_card_and_the_history_as_typed(app, fake, user_factory, admin,
                                                                          group, data_dir, settings):
    """/view REF: the card with its buttons, the notes and replies, then the evidence (the same
    clean previews the moderators' chat got, the voice note by its file); typed text as typed."""
    reporter = user_factory("ru")
    reference, files = await submit_with_evidence(reporter)
    card, photo_1, photo_2, voice = await group.replies(4)
    (noted,) = await admin.say(f"/note {reference} {HOSTILE}")
    assert noted.message["text"] == ru("mod.noted", reference=reference)
    (replied,) = await admin.say(f"/reply {reference} Ответ: {HOSTILE}")
    assert replied.message["text"] == ru("mod.replied", reference=reference)

    shown = [event.message for event in await admin.say(f"/view {reference}", n=5)]
    view_card, history, view_1, view_2, view_voice = shown
    # The evidence: both previews as one album captioned with the reference, then the voice note.
    assert "photo" in view_1 and "photo" in view_2
    # (then the warnings: these photos' own data holds GPS and the camera)
    assert view_1["media_group_id"] == view_2["media_group_id"] and view_1["caption"].split("\n")[0] == reference
    for viewed, posted in ((view_1, photo_1.message), (view_2, photo_2.message)):
        assert fake.files[viewed["photo"][0]["file_id"]].data == fake.files[posted["photo"][0]["file_id"]].data
    assert view_voice["voice"]["file_id"] == voice.message["voice"]["file_id"] == files["voice"].file_id
    # The card: what the moderators' chat shows, with the buttons for a new report.
    card_text = seen(view_card)
    assert card_text == fake.messages[(GROUP["id"], card.message["message_id"])]["text"]
    lines = card_text.split("\n")
    assert ru("summary.place", value=HOSTILE) in lines
    assert ru("summary.description", value=DESCRIPTION) in lines
    report_id = db_rows(data_dir, "SELECT id FROM reports WHERE reference = ?", (reference,))[0]["id"]
    assert [(b["text"], b["callback_data"]) for b in FakeUser.buttons(view_card)] == [
        (ru("mod.action.take"), f"m:take:{report_id}"), (ru("mod.action.reject"), f"m:reject:{report_id}"),
        (ru("mod.action.duplicate"), f"m:duplicate:{report_id}")]
    # The history: the note, then the reply, each with who wrote it and when.
    entries = db_rows(data_dir, "SELECT actor, action, note, created_at FROM audit_log"
                                " WHERE action IN ('note', 'reply') ORDER BY id")
    assert [(e["action"], e["note"]) for e in entries] == [("note", HOSTILE), ("reply", f"Ответ: {HOSTILE}")]
    t = Translator("ru", tz=settings.tz)
    who = ru("mod.history.moderator_named", name="Нурлан", code=entries[0]["actor"].split()[1])
    expected = [ru(f"mod.history.{e['action']}", who=who, text=e["note"],
                   at=t.datetime(datetime.fromisoformat(e["created_at"]))) for e in entries]
    lines = seen(history).split("\n")
    assert lines[0] == ru("mod.history.title", reference=reference)
    assert lines[-2:] == expected  # after the report's arrival
    assert seen(history).count(HOSTILE) == 2


async def test_a_reject_reason_typed_after_the_button_is_shown_as_typed(app, fake, user_factory, group, data_dir):
    reporter = user_factory("ru")
    reference = await a_report(reporter)
    (card,) = await group.replies(1)
    await group.press(ru("mod.action.reject"), message=card.message)
    (ask,) = await group.replies(1)
    assert ask.message["text"].startswith(ru("mod.ask_reason", reference=reference))
    # the moderator told; then the card edited and the question closed, in either order
    done, *edits = await group.reply(ask.message, HOSTILE, n=3)
    by_message = {event.message["message_id"]: event for event in edits}
    edited, closed = by_message[card.message["message_id"]], by_message[ask.message["message_id"]]
    assert closed.kind == "edit"
    assert done.message["text"] == ru("mod.done", reference=reference, status=ru("status.rejected"))
    assert (edited.kind, edited.message["message_id"]) == ("edit", card.message["message_id"])
    card_now = seen(fake.messages[(GROUP["id"], card.message["message_id"])])
    assert ru("status.rejected") in card_now
    assert ru("mod.card.reason", value=HOSTILE) in card_now.split("\n")
    assert db_rows(data_dir, "SELECT status_note FROM reports")[0]["status_note"] == HOSTILE
    (feedback,) = await reporter.replies(1)
    assert feedback.message["text"] == ru("feedback.status_rejected", reference=reference, status=ru("status.rejected"),
                                          meaning=ru("receipt.meaning.rejected"), note=HOSTILE)


async def test_view_splits_a_long_history_over_messages(app, fake, user_factory, admin):
    """Fifteen notes of a thousand characters do not fit one message: /view sends them in several,
    every note whole, and Telegram refuses nothing."""
    reference = await a_report(user_factory("ru"))
    notes = [f"{n} " + "Проверено на месте, свидетели подтверждают. " * 22 for n in range(5)]
    for note in notes:
        await admin.say(f"/note {reference} {note.strip()}")
    shown = [event.message for event in await admin.say(f"/view {reference}", n=3)]
    card, *history = shown
    assert reference in card["text"]
    history_text = "\n".join(seen(message) for message in history)
    assert all(len(message["text"]) <= 4096 for message in history) and len(history) == 2
    for note in notes:
        assert note.strip() in history_text
    assert fake.refused == []
