"""One live keyboard per chat (issue #16): each new wizard prompt or main menu takes the buttons
off the one before it, so only the latest screen can be pressed; a press that an old client
still sends from an earlier screen is answered as stale and changes nothing."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.fake_telegram import FakeTelegram, FakeUser
from tests.report_helpers import L, choose_what_and_where, db_rows

DESCRIPTION = "Директор школы собрал учителей и велел голосовать за его кандидата."


def with_buttons(fake: FakeTelegram, user: FakeUser) -> list[dict]:
    """The bot's messages in the chat that have an inline keyboard now, oldest first."""
    return sorted((m for (chat, _), m in fake.messages.items()
                   if chat == user.chat["id"] and "inline_keyboard" in (m.get("reply_markup") or {})),
                  key=lambda m: m["message_id"])


async def one_keyboard(fake: FakeTelegram, user: FakeUser) -> dict:
    """The chat's one message with buttons, which is its latest message. The bot takes the old
    buttons off just after it answered: this waits for that, and fails if they stay."""
    try:
        await fake.wait_for(lambda: len(with_buttons(fake, user)) == 1, timeout=5)
    except TimeoutError:
        pass
    shown = [m["message_id"] for m in with_buttons(fake, user)]
    assert shown == [user.last_message["message_id"]], f"messages with buttons: {shown}"
    return user.last_message


def draft(data_dir) -> dict:
    (row,) = db_rows(data_dir, "SELECT data FROM drafts")
    return json.loads(row["data"])


async def test_only_the_latest_prompt_has_buttons(app, fake, user_factory, data_dir):
    lang = "kk"
    user = user_factory(lang)
    (menu,) = await user.say("/start")
    (intro,) = await user.say("/report")
    first_screen = copy.deepcopy(intro.message)  # as a slow client may still show it
    asked = L(lang, "wizard.ask_group", role=L(lang, "role.voter"))
    for wrong in ("сайлаушымын", "бақылаушымын"):  # typed where a button is expected
        (again,) = await user.say(wrong)
        assert again.message["text"] == L(lang, "wizard.use_buttons") + "\n\n" + asked
    live = await one_keyboard(fake, user)
    assert live["message_id"] == again.message["message_id"]
    assert "reply_markup" not in fake.messages[(user.chat["id"], menu.message["message_id"])]  # the menu's too

    # Answer, then Back: the live screen changes in place and stays the only one.
    await user.tap(L(lang, "wizard.change_role"))
    await user.tap(L(lang, "role.observer"))
    (back,) = await user.tap(L(lang, "wizard.back"))
    assert back.message["text"] == L(lang, "wizard.ask_role")
    await one_keyboard(fake, user)
    edits = len(fake.calls_of("editMessageReplyMarkup"))

    # A button of the first screen, pressed from the copy an old client kept: refused.
    before, seen = draft(data_dir), len(user.events)
    query = await user.press(L(lang, "group.station"), message=first_screen)
    assert (await user.answered(query)).get("text") == L(lang, "common.stale_button")
    (helped,) = await user.say("/help")  # the bot takes a chat's updates in order: the press is done
    assert helped.message["text"] == L(lang, "help.text")
    assert draft(data_dir) == before and before["reporter_role"] == "observer"
    assert len(user.events) == seen + 1  # nothing but the help
    assert len(fake.calls_of("editMessageReplyMarkup")) == edits

    # A wrong date: the notice and the step again, alone with buttons.
    await user.tap(L(lang, "role.voter"))
    await choose_what_and_where(user, lang, role="voter")
    await user.say("245")
    await user.tap(L(lang, "wizard.when_date"))
    (wrong,) = await user.say("01.01.2099")
    assert wrong.message["text"].startswith(L(lang, "wizard.date_future"))
    await one_keyboard(fake, user)

    # The review: the only screen with buttons.
    day = datetime.now(ZoneInfo("Asia/Almaty")).date() - timedelta(days=2)
    await user.say(day.strftime("%d.%m.%Y"))
    (review,) = await user.say(DESCRIPTION)
    assert review.message["text"].startswith(L(lang, "summary.title"))
    assert (await one_keyboard(fake, user))["message_id"] == review.message["message_id"]
    assert fake.refused == []


async def test_a_menu_sent_again_leaves_one_menu(app, fake, user_factory):
    user = user_factory("ru")
    await user.say("/start")
    await user.say("привет")  # not understood: the menu again
    await user.say("/start")
    menus = [m for (chat, _), m in fake.messages.items() if chat == user.chat["id"]]
    assert len(menus) == 3
    await one_keyboard(fake, user)
    assert fake.refused == []
