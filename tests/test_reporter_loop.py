"""End to end: a reporter who allowed contact answers a moderator by replying to the bot's
message; the answer reaches the report's history and the moderators' chat, under the card.
A reporter who stayed anonymous is told why their reply is not passed on; a reply naming
somebody else's report is not taken."""

from __future__ import annotations

import pytest

from services.flood import FloodGuard

from tests.fake_telegram import FakeUser
from tests.harness import make_settings
from tests.report_helpers import L, db_rows, finish_and_send, up_to_evidence

ADMIN = 1001
GROUP = {"id": -100783, "type": "supergroup", "title": "Moderators"}
QUESTION = "Вы можете уточнить номер кабинета, где раздавали пакеты?"
ANSWER = "Кабинет 12, второй этаж <b>рядом с актовым залом</b>"


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


@pytest.fixture
def group(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)


async def a_report(user: FakeUser, lang: str, contact: bool) -> str:
    """A voter's report (anonymous unless ``contact``: then allowed from the review), sent."""
    await up_to_evidence(user, lang, "В школе раздавали продуктовые пакеты тем, кто пообещал голосовать.")
    return await finish_and_send(user, lang, evidence=False, contact=contact)


async def test_a_reporters_reply_reaches_the_history_and_the_moderators(app, fake, user_factory, group, data_dir):
    reporter = user_factory("kk")
    reference = await a_report(reporter, "kk", contact=True)
    (card,) = await group.replies(1)
    await group.say(f"/reply {reference} {QUESTION}")
    (question,) = await reporter.replies(1)
    assert question.message["text"].endswith(L("kk", "feedback.reply_hint"))
    (kept,) = await reporter.reply(question.message, ANSWER, n=1)
    assert kept.message["text"] == L("kk", "feedback.answer_kept", reference=reference)
    (posted,) = await group.replies(1)
    assert posted.message["text"] == L("ru", "mod.reporter_answer", reference=reference, text=ANSWER)
    assert posted.message["reply_to_message"]["message_id"] == card.message["message_id"]
    rows = db_rows(data_dir, "SELECT actor, action, note FROM audit_log WHERE action = 'reporter_answer'")
    assert [tuple(row) for row in rows] == [("reporter", "reporter_answer", ANSWER)]
    assert str(reporter.id) not in posted.message["text"]
    assert fake.refused == []


async def test_an_anonymous_reporters_reply_is_not_passed_on(app, fake, user_factory, group, data_dir):
    reporter = user_factory("ru")
    reference = await a_report(reporter, "ru", contact=False)
    receipt = reporter.last_message
    await group.replies(1)
    # Nobody can be written to: the moderator is told why, and the reporter gets nothing.
    (refused,) = await group.say(f"/reply {reference} {QUESTION}")
    assert refused.message["text"] == L("ru", "mod.reply_anonymous", reference=reference)
    # A reply to the receipt is not passed on, and they are told why.
    (told,) = await reporter.reply(receipt, ANSWER, n=1)
    assert told.message["text"] == L("ru", "feedback.answer_no_contact", reference=reference)
    assert db_rows(data_dir, "SELECT * FROM audit_log WHERE action = 'reporter_answer'") == []
    assert fake.refused == []


async def test_a_reply_naming_someone_elses_report_is_not_taken(app, fake, user_factory, group, data_dir):
    owner, other = user_factory("ru"), user_factory("ru")
    reference = await a_report(owner, "ru", contact=True)
    await group.replies(1)
    await group.say(f"/reply {reference} {QUESTION}")
    (question,) = await owner.replies(1)
    # Another person forges a reply to a message about that report (a copy of the bot's message).
    forged = {**question.message, "chat": other.chat}
    (answer,) = await other.reply(forged, ANSWER, n=1)
    assert answer.message["text"] == L("ru", "common.unknown")
    assert db_rows(data_dir, "SELECT * FROM audit_log WHERE action = 'reporter_answer'") == []
    assert fake.refused == []


async def test_an_edited_reply_or_a_reply_to_a_list_is_not_an_answer(app, fake, user_factory, group, data_dir):
    """Editing a reply changes nothing and breaks nothing; a reply to /myreports, which names
    several reports, is not taken as an answer about any one of them."""
    # A fake person types two reports in a second or two: more than the flood guard lets a person do.
    app.bot_data["services"].flood = FloodGuard(limit=1000)
    reporter = user_factory("ru")
    first = await a_report(reporter, "ru", contact=True)
    second = await a_report(reporter, "ru", contact=True)
    await group.replies(2)
    await group.say(f"/reply {first} {QUESTION}")
    (question,) = await reporter.replies(1)
    await reporter.reply(question.message, ANSWER, n=1)
    edited = {**reporter._message(text=ANSWER + " (исправлено)", reply_to_message=question.message),
              "edit_date": 1}
    await fake.push_update({"edited_message": edited})
    (helped,) = await reporter.say("/help")  # handled in order: the edit drew no answer, no failure
    assert helped.message["text"] == L("ru", "help.text")
    # My reports names both: which one a reply to it is about is not known.
    (listed,) = await reporter.say("/myreports")
    assert first in listed.message["text"] and second in listed.message["text"]
    (unknown,) = await reporter.reply(listed.message, "Это про первое", n=1)
    assert unknown.message["text"] == L("ru", "common.unknown")
    rows = db_rows(data_dir, "SELECT note FROM audit_log WHERE action = 'reporter_answer'")
    assert [row["note"] for row in rows] == [ANSWER]
    assert fake.refused == []
