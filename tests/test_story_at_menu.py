"""A story typed at the main menu (issue #16): asked whether it starts a report; Yes makes it the
description (its step is passed over), No keeps nothing. Until then it is held in memory only."""

from __future__ import annotations

from services.chat_memory import HeldStories
from tests.report_helpers import L, choose_what_and_where, confirmed, db_rows
from tests.test_one_keyboard import one_keyboard

STORY = "Председатель комиссии велел нам голосовать за его кандидата, иначе уволят."


async def test_yes_makes_the_story_the_description(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await user.say("/start")
    (asked,) = await user.say(STORY)
    assert asked.message["text"] == L("ru", "story.ask")
    assert [b["text"] for b in user.buttons(asked.message)] == [L("ru", "story.yes"), L("ru", "story.no")]
    assert db_rows(data_dir, "SELECT * FROM drafts") == []  # nothing is stored before Yes
    await one_keyboard(fake, user)
    (prompt,) = await user.tap(L("ru", "story.yes"))
    assert prompt.message["text"] == L("ru", "wizard.intro") + "\n\n" + L(
        "ru", "wizard.ask_group", role=L("ru", "role.voter"))
    await one_keyboard(fake, user)
    await choose_what_and_where(user, "ru")
    await user.say("245")
    # Just now: the description is answered already, so the review comes next.
    (review,) = await user.tap(L("ru", "wizard.when_now"))
    assert L("ru", "wizard.review_hint") in review.message["text"]
    assert L("ru", "summary.description", value=STORY) in review.message["text"].split("\n")
    (sent,) = await user.tap(L("ru", "wizard.send"))
    reference, _ = confirmed(sent.message["text"], "ru")
    (report,) = db_rows(data_dir, "SELECT * FROM reports")
    assert (report["reference"], report["description"]) == (reference, STORY)
    assert db_rows(data_dir, "SELECT * FROM drafts") == []
    assert fake.refused == []


async def test_no_keeps_nothing_and_shows_the_menu(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await user.say(STORY)
    (menu,) = await user.tap(L("ru", "story.no"))
    assert menu.message["text"] == L("ru", "story.declined")
    assert L("ru", "menu.report") in [b["text"] for b in user.buttons(menu.message)]
    assert db_rows(data_dir, "SELECT * FROM drafts") == [] and db_rows(data_dir, "SELECT * FROM reports") == []
    assert app.bot_data["services"].stories.take(user.chat["id"]) is None  # not in memory either
    # A short text keeps today's answer.
    (reply,) = await user.say("вы тут?")
    assert reply.message["text"] == L("ru", "common.unknown")
    await one_keyboard(fake, user)
    assert fake.refused == []


async def test_yes_after_the_story_was_lost_says_so(app, fake, user_factory, data_dir):
    user = user_factory("kk")
    await user.say(STORY)
    app.bot_data["services"].stories = HeldStories()  # as after a restart
    (gone,) = await user.tap(L("kk", "story.yes"))
    assert gone.message["text"] == L("kk", "story.gone") and not user.buttons(gone.message)
    assert db_rows(data_dir, "SELECT * FROM drafts") == []
    (menu,) = await user.say("/start")  # nothing left to take buttons off: no refused call
    assert menu.message["text"] == L("kk", "start.greeting")
    assert fake.refused == []
