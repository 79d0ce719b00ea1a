"""Presses after an outage (issue 22, point 3): Telegram refuses to answer a press more than 15
seconds old ("query is too old"); a press the outage held longer still does what was pressed,
and nobody is told "something went wrong". The fake Bot API refuses late answers as Telegram
does (FakeTelegram.callback_answer_ttl) and holds updates back as an outage would."""

from __future__ import annotations

import asyncio

from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import L, confirmed, db_rows, finish_and_send, up_to_evidence

ADMIN = 1001
GROUP = {"id": -100782, "type": "supergroup", "title": "Moderators"}
# Telegram's 15 seconds to answer a press, scaled to 5 (the bot has no such number of its own: it
# learns of the refusal from Telegram), and an outage past them.
ANSWER_TTL = 5.0
OUTAGE = ANSWER_TTL + 1.0  # seconds the presses wait for the bot: past the time to answer them
DESCRIPTION = "Председатель УИК раздавал бюллетени без паспорта, наблюдателя попросили выйти."


def ru(key: str, **params) -> str:
    return L("ru", key, **params)


async def test_presses_held_by_an_outage_still_take_effect(fake, data_dir, user_factory):
    fake.callback_answer_ttl = ANSWER_TTL
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])
    group = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)
    first, reporter = user_factory("ru"), user_factory("ru")
    async with running_bot(settings):
        await up_to_evidence(first, "ru", DESCRIPTION)
        reference = await finish_and_send(first, "ru", evidence=False)
        (card,) = await group.replies(1)
        await up_to_evidence(reporter, "ru", DESCRIPTION, precinct="17")
        review = reporter.last_with_buttons()

        await fake.hold_updates(True)  # Telegram and the bot lose each other
        send = await reporter.press(ru("wizard.send"), message=review)
        take = await group.press(ru("mod.action.take"), message=card.message)
        await asyncio.sleep(OUTAGE)  # the outage itself: nothing to wait for but time
        await fake.hold_updates(False)

        (sent,) = await reporter.replies(1, timeout=30)
        second, _ = confirmed(sent.message["text"], "ru")
        await fake.wait_for(lambda: db_rows(data_dir, "SELECT status FROM reports WHERE reference = ?",
                                            (reference,))[0]["status"] == "in_review", 30)
        await fake.wait_for(lambda: second in {row["reference"] for row in db_rows(
            data_dir, "SELECT r.reference FROM outbox o JOIN reports r ON r.id = o.report_id"
                      " WHERE o.kind = 'card' AND o.sent_at IS NOT NULL")}, 30)
    assert second == "KZ-000002"
    # Both answers came too late and were refused, as Telegram would: nothing else was.
    late = [call for call in fake.refused if call.method == "answerCallbackQuery"]
    assert {str(call.params["callback_query_id"]) for call in late} == {send, take}
    assert [call for call in fake.refused if call.method != "answerCallbackQuery"] == []
    everything = [event.message.get("text", "") for event in fake.events if event.message]
    assert not [text for text in everything if text in (ru("common.error"), ru("common.not_saved"))]
