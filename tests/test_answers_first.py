"""Answers first (issue 22, point 2): a moderator's press or command is answered before anything
it causes reaches the moderators' group, so a group whose window is full (Telegram holding the
bot's edits and messages there) delays the card and the question, never the answer. The fake
Bot API holds every edit and message to the group for HELD seconds."""

from __future__ import annotations

import time

import pytest

from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import L, db_rows, finish_and_send, up_to_evidence

ADMIN = 1001
GROUP = {"id": -100783, "type": "supergroup", "title": "Moderators"}
HELD = 3.5  # seconds Telegram holds what the bot puts in the full group (within the bot's 5 s read timeout)
ANSWER_WITHIN = 2.0
DESCRIPTION = "Председатель УИК раздавал бюллетени без паспорта, наблюдателя попросили выйти."


def ru(key: str, **params) -> str:
    return L("ru", key, **params)


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


def hold_the_group(fake) -> None:
    def held(method: str, params: dict) -> float:
        to_group = int(params.get("chat_id") or 0) == GROUP["id"]
        return HELD if to_group and method in ("editMessageText", "sendMessage") else 0.0
    fake.delay = held


def to_group(fake, method: str, since: float) -> list:
    return [call for call in fake.calls_of(method)
            if call.at >= since and int(call.params.get("chat_id") or 0) == GROUP["id"]]


async def a_card(fake, user_factory) -> tuple[FakeUser, str, dict]:
    group = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", DESCRIPTION)
    reference = await finish_and_send(reporter, "ru", evidence=False)
    (card,) = await group.replies(1)
    return group, reference, card.message


async def test_a_press_is_answered_before_the_card_is_edited(fake, settings, data_dir, user_factory):
    async with running_bot(settings):
        group, reference, card = await a_card(fake, user_factory)
        hold_the_group(fake)
        pressed = time.monotonic()
        query = await group.press(ru("mod.action.take"), message=card)
        answer = await group.answered(query)
        answered = time.monotonic() - pressed
        assert answer["text"] == ru("mod.done", reference=reference, status=ru("status.in_review"))
        (edit,) = await fake.wait_for(lambda: to_group(fake, "editMessageText", pressed), 30)
    (call,) = [c for c in fake.calls_of("answerCallbackQuery") if str(c.params["callback_query_id"]) == query]
    assert call.at < edit.at  # the answer went before the card's edit reached the group
    assert answered < ANSWER_WITHIN, answered
    assert ru("status.in_review") in edit.params["text"]
    assert db_rows(data_dir, "SELECT status FROM reports")[0]["status"] == "in_review"
    assert fake.refused == []


async def test_a_question_held_by_the_group_does_not_hold_the_press(fake, settings, data_dir, user_factory):
    async with running_bot(settings):
        group, reference, card = await a_card(fake, user_factory)
        hold_the_group(fake)
        pressed = time.monotonic()
        query = await group.press(ru("mod.action.reject"), message=card)
        await group.answered(query)
        answered = time.monotonic() - pressed
        (asked,) = await group.replies(1, timeout=30)
        assert ru("mod.ask_reason", reference=reference) in asked.message["text"]
        await fake.wait_for(lambda: db_rows(data_dir, "SELECT * FROM prompts"), 10)
    assert answered < ANSWER_WITHIN, answered
    assert fake.refused == []


async def test_a_command_is_answered_before_the_card_is_edited(fake, settings, data_dir, user_factory):
    async with running_bot(settings):
        group, reference, card = await a_card(fake, user_factory)
        me = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")  # the private chat
        hold_the_group(fake)
        asked = time.monotonic()
        (done,) = await me.say(f"/take {reference}")
        answered = time.monotonic() - asked
        assert done.message["text"] == ru("mod.done", reference=reference, status=ru("status.in_review"))
        await fake.wait_for(lambda: to_group(fake, "editMessageText", asked), 30)
    assert answered < ANSWER_WITHIN, answered
    assert fake.refused == []


async def test_the_next_command_in_the_group_does_not_wait_for_the_last_press_edit(fake, settings, user_factory):
    """The group's updates are handled one at a time: a card edit held by the group's window must
    not hold the /queue typed right after the press that caused it."""
    async with running_bot(settings):
        group, reference, card = await a_card(fake, user_factory)
        fake.delay = lambda method, params: HELD if method == "editMessageText" else 0.0
        query = await group.press(ru("mod.action.take"), message=card)
        await group.answered(query)
        asked = time.monotonic()
        await group.text("/queue")
        await fake.wait_for(lambda: [c for c in to_group(fake, "sendMessage", asked)
                                     if reference in c.params.get("text", "")], 30)
        answered = time.monotonic() - asked
        await fake.wait_for(lambda: to_group(fake, "editMessageText", asked - 1), 30)
    assert answered < ANSWER_WITHIN, answered
    assert fake.refused == []
