"""End to end, the people around a report (issue #22, part 8): a removed moderator's questions
and reports go back to the queue on the record; urgent alerts reach the moderators on duty in
private; a storage failure at someone's first contact is answered once, in their language; a
hundred photos past the limit get one answer; and "filed" is said only with a filing date."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import telegram_http
from services.i18n import Translator
from handlers import report_evidence
from storage import people
from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.fake_telegram.limits import RateLimits
from tests.harness import HANDLER_ERRORS, make_settings, running_bot
from tests.report_helpers import L, db_rows, finish_and_send_receipt, jpeg, up_to_evidence
from tests.test_outbox import failing
from tests.test_urgent import file_urgent

ADMIN, DANA, OLEG = 1001, 2001, 2002
GROUP = {"id": -100791, "type": "supergroup", "title": "Moderators"}
DESCRIPTION = "Председатель УИК угрожал наблюдателю и не пустил его к столу подсчёта."


def ru(key: str, **params) -> str:
    return L("ru", key, **params)


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


@pytest.fixture
def admin(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")


async def a_moderator(fake, admin: FakeUser, user_id: int, name: str) -> FakeUser:
    """Someone who wrote to the bot in private, made a moderator (their private chat)."""
    person = FakeUser(fake, user_id, language_code="ru", first_name=name)
    await person.say("/start")
    await admin.say(f"/addmod {user_id}")
    await person.say("/help")  # staff from here on: their chat is kept and their name known
    return person


def staff_code(data_dir, user_name: str) -> str:
    return db_rows(data_dir, "SELECT staff_code FROM people WHERE staff_name = ?", (user_name,))[0]["staff_code"]


# ---- /delmod --------------------------------------------------------------------------------

async def test_delmod_hands_a_question_and_a_report_in_review_back_to_the_queue(
        app, fake, user_factory, admin, data_dir):
    await admin.say("/start")
    dana = await a_moderator(fake, admin, DANA, "Дана")
    in_group = FakeUser(fake, DANA, language_code="ru", first_name="Дана", chat=GROUP)
    reporter = user_factory("ru")
    cards = []
    for _ in range(2):
        await up_to_evidence(reporter, "ru", DESCRIPTION)
        reference, _code = await finish_and_send_receipt(reporter, "ru", evidence=False, contact=True)
        (card,) = await in_group.replies(1)
        cards.append((reference, card.message))
    (taken_ref, _), (asked_ref, asked_card) = cards
    (done,) = await dana.say(f"/take {taken_ref}")
    assert done.message["text"] == ru("mod.done", reference=taken_ref, status=ru("status.in_review"))
    await in_group.replies(1)  # the card redrawn
    query = await in_group.press(ru("mod.action.reject"), message=asked_card)
    (question,) = await in_group.replies(1)
    await in_group.answered(query)
    assert [b["text"] for b in in_group.buttons(question.message)][-1] == ru("mod.prompt.cancel")
    dana_id = db_rows(data_dir, "SELECT id FROM people WHERE staff_name = 'Дана'")[0]["id"]
    assert db_rows(data_dir, "SELECT moderator_id FROM prompts")[0]["moderator_id"] == dana_id

    code = staff_code(data_dir, "Дана")
    (removed,) = await admin.say(f"/delmod {code}")
    assert removed.message["text"] == "\n".join([
        ru("admin.removed", code=code), ru("admin.handed_back", count=1, references=taken_ref),
        ru("admin.questions_closed", count=1)])

    # In the database: nobody's, still in review (the reporter was told so, and it stays true);
    # the question closed; each change on the report's record, naming who was removed.
    (taken,) = db_rows(data_dir, "SELECT status, taken_by FROM reports WHERE reference = ?", (taken_ref,))
    assert (taken["status"], taken["taken_by"]) == ("in_review", None)
    assert db_rows(data_dir, "SELECT * FROM prompts") == []
    rows = db_rows(data_dir, "SELECT r.reference, a.action, a.from_status, a.to_status, a.note, a.actor"
                             " FROM audit_log a JOIN reports r ON r.id = a.report_id"
                             " WHERE a.action IN ('handed_back', 'question_closed') ORDER BY a.id")
    assert [(r["reference"], r["action"], r["from_status"], r["to_status"], r["note"]) for r in rows] == [
        (asked_ref, "question_closed", None, None, code), (taken_ref, "handed_back", "in_review", "in_review", code)]
    assert all(r["actor"].startswith("admin ") for r in rows)

    # In the group: the question loses its buttons, the card says nobody has the report.
    await fake.wait_for(lambda: "reply_markup" not in fake.messages[(GROUP["id"], question.message["message_id"])])
    taken_card = cards[0][1]
    await fake.wait_for(lambda: ru("mod.card.unassigned")
                        in parse_html(fake.messages[(GROUP["id"], taken_card["message_id"])]["text"]))
    # An old Cancel pressed by anyone on the staff closes it, instead of "not yours".
    boss = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)
    query = await boss.press(data="p:cancel", message=question.message)
    assert (await boss.answered(query))["text"] == ru("mod.prompt.cancelled")

    # The history says why; /queue lists it for anyone to take, and anyone may.
    admin.mark_seen()
    await admin.say(f"/view {taken_ref}", n=1)
    await fake.wait_for(lambda: any("↩️" in (e.message or {}).get("text", "") for e in admin.events))
    history = next(e.message["text"] for e in admin.events if "↩️" in (e.message or {}).get("text", ""))
    said = ru("mod.history.handed_back", who="@", at="@", text=code).split("@")[-1]
    assert any(line.startswith("↩️") and line.endswith(said) for line in history.split("\n"))
    admin.mark_seen()
    (queue,) = await admin.say("/queue")
    assert taken_ref in queue.message["text"]
    (done,) = await admin.say(f"/verify {taken_ref}")
    assert done.message["text"] == ru("mod.done", reference=taken_ref, status=ru("status.verified"))


# ---- on duty ----------------------------------------------------------------------------------

async def test_an_urgent_report_reaches_the_moderator_on_duty_in_private_and_not_one_off_duty(
        app, fake, user_factory, admin, data_dir):
    await admin.say("/start")
    dana = await a_moderator(fake, admin, DANA, "Дана")
    oleg = await a_moderator(fake, admin, OLEG, "Олег")
    (state,) = await dana.say("/duty")
    assert state.message["text"] == ru("mod.usage.duty", state=ru("duty.state.off"))
    (on,) = await dana.say("/duty on")
    assert on.message["text"] == ru("duty.on")
    (off,) = await oleg.say("/duty off")
    assert off.message["text"] == ru("duty.off")
    (helped,) = await dana.say("/help")
    assert ru("mod.help_duty") in helped.message["text"]
    await admin.say("/duty on")  # an administrator may be on duty too
    (listing,) = await admin.say("/mods")
    lines = listing.message["text"].split("\n")
    assert ru("admin.mods_item_on_duty", code=staff_code(data_dir, "Дана"), name="Дана") in lines
    assert ru("admin.mods_item", code=staff_code(data_dir, "Олег"), name="Олег") in lines
    assert ru("admin.admins_on_duty", names="Нурлан") in lines
    oleg_seen = len(oleg.events)

    reporter = user_factory("kk", first_name="Әсел", username="asel_secret")
    reference, _seen, _ = await file_urgent(reporter, "kk", "threats")
    (alert,) = await dana.replies(1)
    assert alert.message["text"] == ru("duty.alert", reference=reference, what=ru("urgent.choice.threats"))
    for secret in ("Әсел", "asel_secret", str(reporter.id)):
        assert secret not in alert.message["text"]
    (to_admin,) = await admin.replies(1)
    assert to_admin.message["text"] == alert.message["text"]
    # Recorded for those on duty alone, with the report, and sent; the group's alert went as before.
    rows = db_rows(data_dir, "SELECT kind, body, sent_at FROM outbox WHERE kind = 'duty'")
    ids = {row["staff_name"]: row["id"] for row in db_rows(data_dir, "SELECT id, staff_name FROM people")}
    dana_id = ids["Дана"]
    assert sorted((r["body"], r["sent_at"] is not None) for r in rows) == sorted(
        [(f'{{"to": {dana_id}}}', True), (f'{{"to": {ids["Нурлан"]}}}', True)])
    await fake.wait_for(lambda: any(reference in m.get("text", "") for (chat, _), m in fake.messages.items()
                                    if chat == GROUP["id"]))
    (answer,) = await oleg.say("/duty")  # handled after anything queued for his chat
    assert answer.message["text"] == ru("mod.usage.duty", state=ru("duty.state.off"))
    assert len(oleg.events) == oleg_seen + 1

    # Removed from the staff: off duty, and no private alert for the next one.
    code = staff_code(data_dir, "Дана")
    (removed,) = await admin.say(f"/delmod {code}")
    assert removed.message["text"] == ru("admin.removed", code=code)
    assert db_rows(data_dir, "SELECT on_duty FROM people WHERE id = ?", (dana_id,))[0]["on_duty"] == 0
    await reporter.say("/start", n=2)  # the link to the first is dropped (told), then the menu
    second, _seen, _ = await file_urgent(reporter, "kk", "stuffing")
    await fake.wait_for(lambda: any(second in m.get("text", "") for (chat, _), m in fake.messages.items()
                                    if chat == GROUP["id"]))
    assert len(db_rows(data_dir, f"SELECT id FROM outbox WHERE kind = 'duty' AND body = '{{\"to\": {dana_id}}}'")) == 1


async def test_a_private_alert_telegram_failed_is_sent_again(app, fake, user_factory, admin, data_dir, monkeypatch):
    """Recorded in the outbox with the report: a 502 on every try of the first attempt does not
    lose it; it comes once, after its pause."""
    monkeypatch.setattr(telegram_http, "RETRY_DELAYS", (0.05, 0.1, 0.2))
    await admin.say("/start")
    dana = await a_moderator(fake, admin, DANA, "Дана")
    await dana.say("/duty on")
    marker = "Срочное сообщение"  # the private alert's words, not the group's card
    assert marker in Translator("ru")("duty.alert", reference="@", what="@")
    fake.fault = failing("sendMessage", times=len(telegram_http.RETRY_DELAYS) + 1, marker=marker)
    reference, _seen, _ = await file_urgent(user_factory("ru"), "ru", "stuffing")
    (alert,) = await dana.replies(1)
    assert fake.faulted and alert.message["text"] == ru("duty.alert", reference=reference,
                                                        what=ru("urgent.choice.stuffing"))
    (answer,) = await dana.say("/duty")
    assert answer.message["text"] == ru("mod.usage.duty", state=ru("duty.state.on"))  # and no second alert


# ---- a storage failure at first contact ---------------------------------------------------------

async def test_a_storage_failure_at_first_contact_is_answered_once_in_the_persons_language(
        fake, data_dir, monkeypatch):
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])
    real = people.create

    async def failing(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    async with running_bot(settings, expect_errors=True) as application:
        monkeypatch.setattr(people, "create", failing)
        newcomer = FakeUser(fake, 3001, language_code="en-GB", first_name="Sam")
        (first,) = await newcomer.say("/start")
        assert first.message["text"] == L("en", "common.not_saved")
        (second,) = await newcomer.say("/report")  # each action, one answer
        assert second.message["text"] == L("en", "common.not_saved")
        monkeypatch.setattr(people, "create", real)
        (helped,) = await newcomer.say("/help")  # handled after both: nothing else came in between
        assert helped.message["text"] == L("en", "help.text")
        assert [e.message["text"] for e in newcomer.events] == [
            L("en", "common.not_saved"), L("en", "common.not_saved"), L("en", "help.text")]
        errors = application.bot_data[HANDLER_ERRORS]
        assert [type(error).__name__ for error in errors] == ["OperationalError", "OperationalError"]
    assert fake.refused == []


# ---- a flood of files ---------------------------------------------------------------------------

async def test_a_hundred_photos_one_by_one_get_one_refusal_and_the_next_words_are_answered(
        fake, user_factory, data_dir, monkeypatch):
    """Under Telegram's limits as the fake keeps them (a message a second per chat, paced by the
    bot): the words sent after a hundred photos are answered before the photos' one answer."""
    # The photos come one by one as fast as the test sends them; on a loaded machine (the suite
    # runs in four workers on two cores) the bot may take more than a second between two of them,
    # which would rightly end the burst: a longer quiet keeps the test about the rule, not the load.
    monkeypatch.setattr(report_evidence, "SETTLE_SECONDS", 4.0)
    fake.rate_limits = RateLimits()
    settings = make_settings(fake, data_dir, telegram_pacing=True)
    async with running_bot(settings):
        user = user_factory("en")
        await up_to_evidence(user, "en", "Somebody offered money for votes near the polling station today.")
        start = user.cursor()
        for i in range(100):
            await user.photo(jpeg(color=(i, 100 - i, 7)))  # one by one: no album
        await user.text("hello?")
        # The first photo answered at once; the words; then one answer for the rest: the nineteen
        # taken with it and the eighty not taken.
        await user.replies(3, after=start, timeout=60)
        messages = [e.message["text"] for e in user.events[start:] if e.kind == "message"]
        refusal = parse_html(Translator("en").plural("wizard.evidence_refused", 80, max=20))
        assert sum(refusal in text for text in messages) == 1
        assert not any(L("en", "flood.updates") in text for text in messages)
        first, words, burst = messages
        assert first.startswith(parse_html(Translator("en").plural("wizard.files_attached", 1, max=20)))
        assert L("en", "wizard.review_typed") in words  # answered as they came, not after the files' pause
        assert burst.startswith(refusal)
        assert parse_html(Translator("en").plural("wizard.files_attached", 20, max=20)) in burst
        (helped,) = await user.say("/help")  # and nothing more came: the next answer is this one
        assert helped.message["text"] == L("en", "help.text") and len(user.events[start:]) == 4
        for i in range(5):  # an album past the limit: one answer too
            await user.photo(jpeg(color=(7, i, 7)), media_group_id="late-album")
        (album,) = await user.replies(1)
        assert album.message["text"].startswith(parse_html(Translator("en").plural("wizard.evidence_refused", 5, max=20)))
        (helped,) = await user.say("/help")
        assert helped.message["text"] == L("en", "help.text")
        assert db_rows(data_dir, "SELECT COUNT(*) AS n FROM evidence")[0]["n"] == 20
    assert fake.refused == []


# ---- "filed" only with a filing date --------------------------------------------------------------

async def test_an_escalation_without_a_filing_date_never_tells_the_reporter_filed(
        app, fake, user_factory, admin, data_dir):
    await admin.say("/start")
    reporter = user_factory("en")
    await up_to_evidence(reporter, "en", "Somebody offered money for votes near the polling station today.")
    reference, code = await finish_and_send_receipt(reporter, "en", evidence=False, contact=True)
    for step in (f"/take {reference}", f"/verify {reference}", f"/escalate {reference} prosecutor"):
        await admin.say(step)
    told = await reporter.replies(3)
    passed = told[-1].message["text"]
    assert passed == L("en", "feedback.status", reference=reference, status=L("en", "status.escalated_to.prosecutor"),
                       meaning=L("en", "receipt.meaning.escalated_unfiled"))
    filed = L("en", "receipt.meaning.escalated")
    (status,) = await reporter.say(f"/status {code}")
    assert L("en", "receipt.meaning.escalated_unfiled") in status.message["text"]
    for text in (passed, status.message["text"]):
        assert filed not in text
    unfiled = ru("mod.card.escalated_unfiled", target=ru("mod.target.prosecutor"), ref="—")

    def card_says_unfiled() -> bool:
        return any(chat == GROUP["id"] and reference in m.get("text", "") and unfiled in parse_html(m["text"])
                   for (chat, _), m in fake.messages.items())

    # The card is brought up to date beside the reporter's answers, not before them: waited for.
    assert await fake.wait_for(card_says_unfiled, recheck=None)

    # The filing date comes: now, and only now, the reporter is told it was filed.
    day = datetime.now(ZoneInfo("Asia/Almaty")).date() - timedelta(days=1)
    await admin.say(f"/fixescalation {reference} prosecutor 12-3/45 {day:%d.%m.%Y}")
    (now_filed,) = await reporter.replies(1)
    assert now_filed.message["text"] == L("en", "feedback.status", reference=reference,
                                          status=L("en", "status.escalated_to.prosecutor"), meaning=filed)
    (status,) = await reporter.say(f"/status {code}")
    assert filed in status.message["text"]
