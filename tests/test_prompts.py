"""End to end: a card button's question is answered only by a reply to it, from the moderator who
pressed, within ten minutes; it survives a restart, can be cancelled, and a wrong answer leaves
it open. Unrelated lines in the moderators' group change nothing."""

from __future__ import annotations

import pytest

from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import L, db_rows, db_write, finish_and_send, up_to_evidence

ADMIN, OTHER = 1001, 1002
GROUP = {"id": -100781, "type": "supergroup", "title": "Moderators"}
LUNCH = "Коллеги, кто взял KZ-000001? Я на обеде"


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=f"{ADMIN},{OTHER}", moderator_chat_id=GROUP["id"])


@pytest.fixture
def group(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)


@pytest.fixture
def colleague(fake):
    return FakeUser(fake, OTHER, language_code="ru", first_name="Айгуль", chat=GROUP)


def ru(key: str, **params) -> str:
    return L("ru", key, **params)


async def a_report_and_its_card(reporter: FakeUser, group: FakeUser) -> tuple[str, dict]:
    await up_to_evidence(reporter, "ru", "Наблюдателя не пустили на участок, председатель УИК угрожал полицией.")
    reference = await finish_and_send(reporter, "ru", evidence=False, contact=True)
    (card,) = await group.replies(1)
    return reference, card.message


async def press(group: FakeUser, action: str, card: dict) -> dict:
    """Press a card's button that asks a question; the question as posted (and stored: the
    press is answered once it is)."""
    query = await group.press(ru(f"mod.action.{action}"), message=card)
    (ask,) = await group.replies(1)
    await group.answered(query)
    return ask.message


def status(data_dir) -> tuple[str, str | None]:
    row = db_rows(data_dir, "SELECT status, status_note FROM reports")[0]
    return row["status"], row["status_note"]


async def test_an_unrelated_line_after_reject_changes_nothing(app, fake, user_factory, group, data_dir):
    reporter = user_factory("ru")
    reference, card = await a_report_and_its_card(reporter, group)
    ask = await press(group, "reject", card)
    assert ask["text"].startswith(ru("mod.ask_reason", reference=reference))
    assert ru("mod.ask_how", minutes=10) in ask["text"]
    assert [b["text"] for b in group.buttons(ask)] == [ru("mod.prompt.make_internal"), ru("mod.prompt.cancel")]
    await group.text(LUNCH)  # not a reply: conversation
    await group.reply(card, LUNCH)  # a reply to the card, not to the question: conversation too
    (helped,) = await group.say("/help")  # handled in order: the lines above were seen by now
    assert helped.message["text"] != ru("mod.done", reference=reference, status=ru("status.rejected"))
    assert status(data_dir) == ("new", None)
    assert db_rows(data_dir, "SELECT count(*) AS n FROM audit_log WHERE action = 'status'")[0]["n"] == 0
    # The question is still open for its answer.
    done, edited, closed = await group.reply(ask, "Нет фактов: описано событие на другом участке.", n=3)
    assert done.message["text"] == ru("mod.done", reference=reference, status=ru("status.rejected"))
    assert status(data_dir) == ("rejected", "Нет фактов: описано событие на другом участке.")
    (told,) = await reporter.replies(1)
    assert told.message["text"] == ru("feedback.status_rejected", reference=reference, status=ru("status.rejected"),
                                      meaning=ru("receipt.meaning.rejected"), note="Нет фактов: описано событие на другом участке.")
    assert fake.refused == []


async def test_only_the_moderator_who_pressed_answers(app, fake, user_factory, group, colleague, data_dir):
    reporter = user_factory("ru")
    reference, card = await a_report_and_its_card(reporter, group)
    ask = await press(group, "reject", card)
    (refused,) = await colleague.reply(ask, "Отклонить, это спам", n=1)
    assert refused.message["text"] == ru("mod.prompt.not_yours")
    assert status(data_dir) == ("new", None)
    await group.reply(ask, "Спам", n=3)
    assert status(data_dir) == ("rejected", "Спам")
    assert fake.refused == []


async def test_a_restart_between_reject_and_the_reason_keeps_the_question(fake, settings, user_factory, group,
                                                                         data_dir):
    reporter = user_factory("ru")
    async with running_bot(settings):
        reference, card = await a_report_and_its_card(reporter, group)
        ask = await press(group, "reject", card)
    assert len(db_rows(data_dir, "SELECT * FROM prompts")) == 1
    async with running_bot(settings):
        done, _, _ = await group.reply(ask, "Повтор сообщения KZ-000001", n=3)
        assert done.message["text"] == ru("mod.done", reference=reference, status=ru("status.rejected"))
    assert status(data_dir) == ("rejected", "Повтор сообщения KZ-000001")
    assert db_rows(data_dir, "SELECT * FROM prompts") == []
    assert fake.refused == []


async def test_a_late_answer_is_refused_and_changes_nothing(app, fake, user_factory, group, data_dir):
    reporter = user_factory("ru")
    reference, card = await a_report_and_its_card(reporter, group)
    ask = await press(group, "reject", card)
    # As the bot stores moments (ISO with its offset), so that the sweep compares it rightly too.
    await db_write(data_dir, "UPDATE prompts SET created_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '-11 minutes')")
    closed, late = await group.reply(ask, "Итог через 11 минут", n=2)
    assert closed.message["text"].endswith(ru("mod.prompt.expired_mark")) and "reply_markup" not in closed.message
    assert late.message["text"] == ru("mod.prompt.expired")
    assert status(data_dir) == ("new", None)
    assert db_rows(data_dir, "SELECT * FROM prompts") == []
    assert fake.refused == []


async def test_cancel_closes_the_question(app, fake, user_factory, group, data_dir):
    reporter = user_factory("ru")
    reference, card = await a_report_and_its_card(reporter, group)
    ask = await press(group, "duplicate", card)
    query = await group.press(ru("mod.prompt.cancel"), message=ask)
    assert (await group.answered(query))["text"] == ru("mod.prompt.cancelled")
    (closed,) = await group.replies(1)
    assert closed.message["text"].endswith(ru("mod.prompt.cancelled_mark")) and "reply_markup" not in closed.message
    assert db_rows(data_dir, "SELECT * FROM prompts") == []
    await group.reply(ask, "KZ-000001")  # after Cancel: conversation
    await group.say("/help")
    assert status(data_dir) == ("new", None)
    assert fake.refused == []


async def test_a_wrong_answer_asks_again_and_keeps_the_question(app, fake, user_factory, group, data_dir):
    witness, reporter = user_factory("ru"), user_factory("ru")
    first, _ = await a_report_and_its_card(witness, group)
    second, card = await a_report_and_its_card(reporter, group)
    ask = await press(group, "duplicate", card)
    (again,) = await group.reply(ask, "KZ-999999", n=1)
    assert again.message["text"] == ru("mod.not_found") + "\n" + ru("mod.prompt.again")
    (again,) = await group.reply(ask, second, n=1)
    assert again.message["text"] == ru("mod.not_itself") + "\n" + ru("mod.prompt.again")
    done, _, _ = await group.reply(ask, first, n=3)
    assert done.message["text"] == ru("mod.done", reference=second, status=ru("status.duplicate"))
    row = db_rows(data_dir, "SELECT status, duplicate_of FROM reports WHERE id = 2")[0]
    assert (row["status"], row["duplicate_of"]) == ("duplicate", first)
    # The reporter hears that their report corroborates another, not that it was dismissed.
    told = [event.message["text"] for event in await reporter.replies(1)]
    assert told == [ru("feedback.status_duplicate", reference=second)]
    assert fake.refused == []


async def test_a_date_that_does_not_exist_or_is_ahead_is_asked_again(app, fake, user_factory, group, data_dir):
    reporter = user_factory("ru")
    reference, card = await a_report_and_its_card(reporter, group)
    for action in ("take", "verify"):
        await group.press(ru(f"mod.action.{action}"), message=fake.messages[(GROUP["id"], card["message_id"])])
        await group.replies(1)  # the card edited (the moderator is told in the button's answer)
    await group.press(ru("mod.action.escalate"), message=fake.messages[(GROUP["id"], card["message_id"])])
    (targets,) = await group.replies(1)
    ask, chosen = await group.tap(ru("mod.target.prosecutor"), n=2, message=targets.message)
    (again,) = await group.reply(ask.message, "№ 12-3/45 от 32.13.2026", n=1)
    assert again.message["text"] == ru("mod.external_date.format") + "\n" + ru("mod.prompt.again")
    (again,) = await group.reply(ask.message, "№ 12-3/45 от 24.11.2099", n=1)
    assert again.message["text"] == ru("mod.external_date.future") + "\n" + ru("mod.prompt.again")
    assert status(data_dir)[0] == "verified"
    await group.reply(ask.message, "№ 12-3/45 от 24.11.2026", n=3)
    row = db_rows(data_dir, "SELECT status, escalated_to, external_ref, external_date FROM reports")[0]
    assert tuple(row) == ("escalated", "prosecutor", "12-3/45", "2026-11-24")
    assert fake.refused == []


async def test_a_reason_kept_internal_is_not_sent_to_the_reporter(app, fake, user_factory, group, data_dir):
    reporter = user_factory("ru")
    reference, card = await a_report_and_its_card(reporter, group)
    ask = await press(group, "reject", card)
    await group.press(ru("mod.prompt.make_internal"), message=ask)
    (toggled,) = await group.replies(1)
    assert ru("mod.ask_internal") in toggled.message["text"]
    assert [b["text"] for b in group.buttons(toggled.message)] == [ru("mod.prompt.make_public"), ru("mod.prompt.cancel")]
    await group.reply(ask, "Автор, по-видимому, агитатор другого кандидата", n=3)
    (told,) = await reporter.replies(1)
    assert told.message["text"] == ru("feedback.status", reference=reference, status=ru("status.rejected"),
                                      meaning=ru("receipt.meaning.rejected"))
    note = db_rows(data_dir, "SELECT note FROM audit_log WHERE to_status = 'rejected'")[0]["note"]
    assert note == "🔒 Автор, по-видимому, агитатор другого кандидата"
    assert fake.refused == []


async def test_the_question_is_remembered_only_once_it_is_in_the_chat(app, fake, user_factory, group, data_dir):
    reporter = user_factory("ru")
    reference, card = await a_report_and_its_card(reporter, group)
    fake.fault = lambda method, params: 403 if method == "sendMessage" and params.get("chat_id") == GROUP["id"] else None
    query = await group.press(ru("mod.action.reject"), message=card)
    answer = await group.answered(query)
    fake.fault = None
    assert answer["text"] == ru("mod.prompt.not_sent") and answer.get("show_alert")
    assert db_rows(data_dir, "SELECT * FROM prompts") == []
    await group.text("Спам")
    await group.say("/help")
    assert status(data_dir) == ("new", None)


async def test_an_answer_after_the_report_moved_on_changes_nothing(app, fake, user_factory, group, colleague,
                                                                   data_dir):
    """A question asked of one report state is not an answer for another: Reject pressed on a
    new report, a colleague takes it meanwhile, the late reason changes nothing."""
    reporter = user_factory("ru")
    reference, card = await a_report_and_its_card(reporter, group)
    ask = await press(group, "reject", card)
    await colleague.say(f"/take {reference}", n=2)
    refused, closed = await group.reply(ask, "Спам", n=2)
    assert refused.message["text"] == ru("mod.prompt.moved", reference=reference, status=ru("status.in_review"))
    assert closed.message["text"].endswith(ru("mod.prompt.unchanged_mark"))
    assert status(data_dir) == ("in_review", None)
    assert fake.refused == []


async def test_a_second_report_of_ones_own_is_not_called_a_second_witness(app, fake, user_factory, group, data_dir):
    reporter = user_factory("ru")
    first, _ = await a_report_and_its_card(reporter, group)
    second, card = await a_report_and_its_card(reporter, group)
    ask = await press(group, "duplicate", card)
    await group.reply(ask, first, n=3)
    (told,) = await reporter.replies(1)
    assert told.message["text"] == ru("feedback.status_duplicate_own", reference=second)
    assert fake.refused == []
