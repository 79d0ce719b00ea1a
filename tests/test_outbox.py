"""The outbox: a confirmation whose sending failed reaches the reporter (by itself, or when they
press Send or /report again), the report is never doubled, and each card is posted once."""

from __future__ import annotations

import pytest

from bot import telegram_http
from handlers import deliveries
from storage import outbox
from tests.report_helpers import L, confirmed, db_rows, up_to_evidence

DESCRIPTION = "Сайлау учаскесінде бюллетеньдер топтап салынды, бақылаушыға түсіруге тыйым салынды."


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(telegram_http, "RETRY_DELAYS", (0.0, 0.0, 0.0))


def hold_the_outbox(app) -> None:
    """Stop the periodic delivery, so what the person does is what delivers."""
    for job in app.job_queue.get_jobs_by_name("outbox"):
        job.enabled = False


def failing(*methods: str, times: int, marker: str = "KZ-"):
    """A fault: the first ``times`` calls of ``methods`` whose text holds ``marker`` get a 502."""
    left = {"n": times}

    def fault(method: str, params: dict) -> int | None:
        if method in methods and marker in str(params.get("text", "")) and left["n"] > 0:
            left["n"] -= 1
            return 502
        return None
    return fault


async def settled(user, lang: str) -> None:
    """Wait until the bot finished with this chat's earlier updates (it takes them in order)."""
    (helped,) = await user.say("/help")
    assert helped.message["text"] == L(lang, "help.text")


async def at_review(user, lang: str, description: str) -> dict:
    """A report up to its review (a voter's: anonymous); returns the review message."""
    await up_to_evidence(user, lang, description)
    review = user.last_with_buttons()
    assert L(lang, "wizard.review_hint") in review["text"]
    assert L(lang, "summary.contact_anonymous") in review["text"]
    return dict(review)


async def to_review(user) -> dict:
    return await at_review(user, "kk", DESCRIPTION)


async def test_a_failed_confirmation_edit_is_sent_as_a_message(app, fake, user_factory, data_dir):
    user = user_factory("kk")
    review = await to_review(user)
    fake.fault = failing("editMessageText", times=100)  # Telegram cannot change the review screen
    (sent,) = await user.tap(L("kk", "wizard.send"), message=review)
    assert confirmed(sent.message["text"], "kk")[0] == "KZ-000001"
    await settled(user, "kk")
    assert len(db_rows(data_dir, "SELECT * FROM reports")) == 1
    assert [row["sent_at"] is not None for row in db_rows(
        data_dir, "SELECT sent_at FROM outbox WHERE kind = 'confirmation'")] == [True]
    assert fake.faulted and fake.refused == []


async def test_send_again_after_a_lost_confirmation_shows_the_same_report(app, fake, user_factory, data_dir):
    hold_the_outbox(app)
    user = user_factory("kk")
    review = await send_and_lose_the_confirmation(fake, user, "kk", DESCRIPTION)
    (waiting,) = db_rows(data_dir, "SELECT * FROM outbox WHERE kind = 'confirmation'")
    assert waiting["sent_at"] is None and waiting["given_up"] is None and waiting["attempts"] == 1
    assert {call.method for call in fake.faulted} == {"editMessageText", "sendMessage"}
    (sent,) = await user.tap(L("kk", "wizard.send"), message=review)  # the person presses Send again
    assert confirmed(sent.message["text"], "kk")[0] == "KZ-000001"
    assert len(db_rows(data_dir, "SELECT * FROM reports")) == 1
    assert fake.refused == []


async def send_and_lose_the_confirmation(fake, user, lang: str, description: str) -> dict:
    """File a report whose confirmation fails every way (the edit and the message instead, with
    every retry); returns the review message, on which Send can be pressed again."""
    review = await at_review(user, lang, description)
    fake.fault = failing("editMessageText", "sendMessage", times=8)
    query = await user.press(L(lang, "wizard.send"), message=review)
    await user.answered(query)
    await settled(user, lang)
    fake.fault = None
    return review


async def test_report_after_a_lost_confirmation_shows_its_reference_first(app, fake, user_factory, data_dir):
    hold_the_outbox(app)
    user = user_factory("ru")
    await send_and_lose_the_confirmation(fake, user, "ru", "Работодатель требовал фото бюллетеня, иначе грозил увольнением.")
    (told,) = await user.say("/report")
    assert confirmed(told.message["text"], "ru")[0] == "KZ-000001"
    (asked,) = await user.say("/report")  # now a new report
    assert L("ru", "wizard.ask_group", role=L("ru", "role.voter")) in asked.message["text"]
    assert len(db_rows(data_dir, "SELECT * FROM reports")) == 1
    assert fake.refused == []


async def test_my_reports_delivers_a_lost_confirmation_and_it_is_not_sent_twice(app, fake, user_factory,
                                                                                 data_dir):
    hold_the_outbox(app)
    user = user_factory("en")
    await send_and_lose_the_confirmation(fake, user, "en", "The employer demanded a photo of every ballot or we would lose our jobs.")
    (receipt, listed) = await user.say("/myreports", n=2)
    assert confirmed(receipt.message["text"], "en")[0] == "KZ-000001"
    assert listed.message["text"].endswith(L("en", "myreports.anonymous"))  # anonymous: not listed
    await settled(user, "en")
    (row,) = db_rows(data_dir, "SELECT * FROM outbox WHERE kind = 'confirmation'")
    assert row["sent_at"] is not None
    before = len(user.events)
    await deliveries.deliver_due(_context(app))
    assert len(user.events) == before
    assert fake.refused == []


def _context(app):
    from handlers.context import BotContext
    return BotContext(app)


async def test_the_outbox_delivers_a_lost_confirmation_by_itself(app, fake, user_factory, data_dir):
    user = user_factory("kk")
    await send_and_lose_the_confirmation(fake, user, "kk", DESCRIPTION)
    (sent,) = await user.replies(1, timeout=20)  # the periodic delivery, a few seconds later
    assert confirmed(sent.message["text"], "kk")[0] == "KZ-000001"
    assert len(db_rows(data_dir, "SELECT * FROM reports")) == 1
    assert fake.refused == []


async def test_an_attempt_cut_by_a_stop_is_made_again_at_the_next_start(fake, data_dir, user_factory,
                                                                        monkeypatch):
    """The card is out, the evidence waits its turn under the group limit; the bot stops at
    once, and the evidence's attempt is left claimed (as a kill mid-attempt leaves it, for two
    minutes): at the next start it is due again and goes out."""
    import time

    from bot import rate_limit
    from tests.fake_telegram import FakeUser
    from tests.harness import make_settings, running_bot
    from tests.report_helpers import db_write, finish_and_send, jpeg

    group_chat = {"id": -100777, "type": "supergroup", "title": "Moderators"}
    fake.add_chat(group_chat)
    monkeypatch.setattr(rate_limit, "PER_GROUP", 1)  # one message a minute: the evidence must wait
    settings = make_settings(fake, data_dir, admin_ids="1001", moderator_chat_id=group_chat["id"],
                             telegram_pacing=True)
    group = FakeUser(fake, 1001, chat=group_chat)
    user = user_factory("ru")
    async with running_bot(settings):
        await up_to_evidence(user, "ru", "Наблюдателя удалили с участка во время подсчёта голосов.")
        await user.photo(jpeg())
        await user.replies(1)
        reference = await finish_and_send(user, "ru")
        (card,) = await group.replies(1)
        assert reference in card.message["text"]
        # The photo's attempt has begun and waits for the group's minute (one message a minute).
        await fake.wait_for(lambda: db_rows(data_dir, "SELECT 1 FROM outbox WHERE kind = 'evidence' AND attempts > 0"), 10)
        started = time.monotonic()
    assert time.monotonic() - started < 10  # the stop does not wait for the group's minute
    await db_write(data_dir, "UPDATE outbox SET attempts = 1, due_at = '2099-01-01T00:00:00+00:00'"
                             " WHERE kind = 'evidence' AND sent_at IS NULL")
    monkeypatch.setattr(rate_limit, "PER_GROUP", 20)
    async with running_bot(settings):
        (photo,) = await group.replies(1, timeout=20)
        # The reference, then the warning that the photo's own data holds GPS and the camera.
        assert "photo" in photo.message and photo.message["caption"].split("\n")[0] == reference
    assert [row["n"] for row in db_rows(data_dir, "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL")] == [0]
    assert fake.refused == []


async def test_cards_go_before_older_evidence_and_confirmations_before_all(tmp_path):
    """What is due is chosen by kind first: a card that came in after a backlog of photos is sent
    before them, and what a reporter waits for before any of it."""
    from storage import people, reports
    from storage.db import Database
    from storage.models import NewReport

    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        person = await people.get_or_create(db, "p" * 64, "ru", None)
        ids = []
        for n in range(2):
            report, _ = await reports.submit(db, person.id, NewReport(
                reporter_role="voter", category="station", subcategory="stuffing", region="astana",
                occurred_at="2026-12-01", description="x" * 30, submission_key=f"key-{n}"))
            ids.append(report.id)
        first_evidence = await outbox.add(db, "evidence", ids[0])
        second_card = await outbox.add(db, "card", ids[1])
        status = await outbox.add(db, "status", ids[0], status="in_review")
        order = []
        while due := await outbox.due(db, 1):
            assert await outbox.claim(db, due[0]) is not None
            order.append(due[0])
        assert order == [status, second_card, first_evidence]
    finally:
        await db.close()
