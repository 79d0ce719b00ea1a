"""Issue #22: nothing in the moderators' chat twice, and nothing of a report's evidence lost to one
file Telegram refuses. ``python -m bot`` is killed (SIGKILL) in the instant between Telegram's
acceptance of a card, or of an album, and the bot's record of it: the next start does not post it
again. An album with a photo Telegram refuses (a long screenshot: PHOTO_INVALID_DIMENSIONS, as
the fake answers like Telegram) still delivers the other files, and the refused one as a
document."""

from __future__ import annotations

import signal
from collections import Counter

from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.harness import BotProcess, bot_env, make_settings, running_bot
from tests.report_helpers import L, db_rows, finish_and_send, jpeg, up_to_evidence

ADMIN = 1001
GROUP = {"id": -100777, "type": "supergroup", "title": "Moderators"}
DESCRIPTION = "Председатель комиссии выдал бюллетени без паспорта, наблюдателя попросили выйти."


def in_group(fake) -> list[dict]:
    return [event.message for event in fake.chat_events(GROUP["id"]) if event.kind == "message"]


def cards(fake) -> Counter:
    return Counter(m["text"].split()[1] for m in in_group(fake) if m.get("text", "").startswith("📋"))


def summaries(fake) -> list[str]:
    return [m["text"] for m in in_group(fake) if m.get("text", "").startswith("📥")]


def albums(fake) -> Counter:
    """How often each album (by the colours' captions: the reference on its first item) came."""
    return Counter(m["caption"].split("\n")[0] for m in in_group(fake) if m.get("media_group_id") and m.get("caption"))


def kill_when(fake, bot: BotProcess, test) -> list[dict]:
    """SIGKILL ``bot`` the moment the fake accepts a message to the group that passes ``test``,
    before its answer leaves: Telegram has the message, the bot never learns so."""
    killed: list[dict] = []

    def observe(event) -> None:
        if (not killed and event.kind == "message" and event.chat_id == GROUP["id"] and test(event.message)
                and bot.process is not None and bot.process.returncode is None):
            bot.process.send_signal(signal.SIGKILL)
            killed.append(event.message)
    fake.observers.append(observe)
    return killed


def env(fake, data_dir) -> dict[str, str]:
    return bot_env(fake, data_dir, ADMIN_IDS=str(ADMIN), MODERATOR_CHAT_ID=str(GROUP["id"]))


async def restarted(fake, data_dir, first: BotProcess) -> BotProcess:
    status, _ = await first.stop(timeout=30)
    assert status == -signal.SIGKILL
    second = BotProcess(env(fake, data_dir))
    await second.start(fake)
    return second


def waiting(data_dir) -> list:
    return db_rows(data_dir, "SELECT id FROM outbox WHERE sent_at IS NULL AND given_up IS NULL")


async def test_a_card_taken_by_telegram_as_the_bot_is_killed_is_not_posted_again(fake, data_dir, user_factory):
    fake.add_chat(GROUP)
    bot = BotProcess(env(fake, data_dir))
    killed = kill_when(fake, bot, lambda message: message.get("text", "").startswith("📋"))
    await bot.start(fake)
    user = user_factory("ru")
    await up_to_evidence(user, "ru", DESCRIPTION)
    await user.photo(jpeg())
    await user.replies(1)
    reference = await finish_and_send(user, "ru")
    await fake.wait_for(lambda: killed, 30)
    bot = await restarted(fake, data_dir, bot)
    await fake.wait_for(lambda: not waiting(data_dir), 30)
    status, log = await bot.stop()
    assert status == 0, log
    # The card's fate was not recorded: the report is named in a summary, not carded again.
    assert cards(fake) == Counter({reference: 1})
    (summary,) = summaries(fake)
    assert summary.startswith("📥 1 ")
    assert not [m for m in in_group(fake) if "photo" in m]  # its evidence went with it into the summary
    assert fake.refused == []


async def test_an_album_taken_by_telegram_as_the_bot_is_killed_is_not_posted_again(fake, data_dir, user_factory):
    fake.add_chat(GROUP)
    bot = BotProcess(env(fake, data_dir))
    killed = kill_when(fake, bot, lambda message: bool(message.get("media_group_id")))
    await bot.start(fake)
    user = user_factory("ru")
    await up_to_evidence(user, "ru", DESCRIPTION)
    for color in ((10, 200, 10), (10, 10, 200)):
        await user.photo(jpeg(color=color), media_group_id="album")
    await user.replies(1)
    await user.media("voice", b"OggS-voice-evidence", "audio/ogg")
    await user.replies(1)
    reference = await finish_and_send(user, "ru")
    await fake.wait_for(lambda: killed, 30)
    bot = await restarted(fake, data_dir, bot)
    # The album's fate was not recorded: it is not sent again, and what came after it goes.
    await fake.wait_for(lambda: [m for m in in_group(fake) if "voice" in m], 30)
    await fake.wait_for(lambda: not waiting(data_dir), 30)
    status, log = await bot.stop()
    assert status == 0, log
    assert cards(fake) == Counter({reference: 1})
    assert albums(fake) == Counter({reference: 1})
    assert len([m for m in in_group(fake) if "photo" in m]) == 2
    assert len([m for m in in_group(fake) if "voice" in m]) == 1
    assert fake.refused == []


async def test_an_album_with_a_photo_telegram_refuses_delivers_the_rest(fake, data_dir, user_factory):
    """Four photos and a 720 x 16000 screenshot in one album: Telegram refuses the album for the
    screenshot (PHOTO_INVALID_DIMENSIONS); the four go one by one, and the screenshot as a document."""
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])
    group = FakeUser(fake, ADMIN, chat=GROUP)
    user = user_factory("ru")
    async with running_bot(settings):
        await up_to_evidence(user, "ru", DESCRIPTION)
        for n in range(4):
            await user.photo(jpeg(color=(10 + 40 * n, 90, 90)), media_group_id="album")
        await user.replies(1)
        await user.document(jpeg(720, 16000, make=None, camera=None), "screenshot.jpg", "image/jpeg")
        await user.replies(1)
        reference = await finish_and_send(user, "ru")
        await group.replies(6, timeout=30)  # the card, four photos, the screenshot
        await fake.wait_for(lambda: not waiting(data_dir), 30)
    card, *photos, screenshot = in_group(fake)
    assert parse_html(card["text"]).startswith(f"📋 {reference} ")
    assert all("photo" in m and m["caption"].split("\n")[0] == reference for m in photos) and len(photos) == 4
    assert "document" in screenshot and screenshot["caption"].split("\n")[0] == reference
    assert screenshot["document"]["file_name"] == f"{reference}-5.jpg"
    for message in (*photos, screenshot):
        assert message["reply_to_message"]["message_id"] == card["message_id"]
    # What Telegram refused: the album, then the screenshot alone as a photo; nothing else.
    assert [(call.method, call.description) for call in fake.refused] == [
        ("sendMediaGroup", "Bad Request: PHOTO_INVALID_DIMENSIONS"),
        ("sendPhoto", "Bad Request: PHOTO_INVALID_DIMENSIONS")]


async def test_a_file_refused_even_as_a_document_is_named_and_the_rest_delivered(fake, data_dir, user_factory,
                                                                                monkeypatch):
    """When Telegram takes a file neither as a photo nor as a document, the group is told so in
    the moderators' language, under the card, and the other photos still come."""
    fake.add_chat(GROUP)
    original = fake._m_senddocument

    async def refuse_documents(params, uploads):
        from tests.fake_telegram.server import Refusal
        raise Refusal(400, "Bad Request: file must be non-empty")
    monkeypatch.setattr(fake, "_m_senddocument", refuse_documents)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])
    group = FakeUser(fake, ADMIN, chat=GROUP)
    user = user_factory("ru")
    async with running_bot(settings):
        await up_to_evidence(user, "ru", DESCRIPTION)
        await user.photo(jpeg(color=(10, 90, 90)), media_group_id="album")
        await user.photo(jpeg(color=(90, 10, 90)), media_group_id="album")
        await user.replies(1)
        await user.document(jpeg(720, 16000, make=None, camera=None), "screenshot.jpg", "image/jpeg")
        await user.replies(1)
        reference = await finish_and_send(user, "ru")
        await group.replies(4, timeout=30)
        await fake.wait_for(lambda: not waiting(data_dir), 30)
    assert original is not None
    card, first, second, notice = in_group(fake)
    assert "photo" in first and "photo" in second
    assert notice["text"] == parse_html(L("ru", "mod.evidence.refused", name=f"{reference}-3.jpg"))
    assert notice["reply_to_message"]["message_id"] == card["message_id"]
