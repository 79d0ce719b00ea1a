"""Per-chat order with cross-chat concurrency, and the bot's own pacing under Telegram's limits."""

from __future__ import annotations

from tests.fake_telegram.limits import RateLimits
from tests.harness import make_settings, running_bot
from services.i18n import Translator
from tests.fake_telegram.html_check import parse_html
from tests.report_helpers import L, jpeg, up_to_evidence


async def test_one_chat_in_order_while_another_chats_slow_step_runs(app, fake, user_factory):
    slow, quick = user_factory("ru"), user_factory("en")
    await up_to_evidence(slow, "ru", "Нас заставили голосовать, бюллетени фотографировали на телефон.")
    photo = jpeg()
    fake.download_delay = lambda f: 3.0 if f.data == photo else 0  # a slow link for this file
    await slow.photo(photo)
    await slow.text("/help")  # queued behind the photo in the same chat
    answered_before = slow.cursor()
    await fake.wait_for(lambda: fake.calls_of("getFile"))  # the slow download has begun
    # While it runs, another person gets two answers, in the order asked.
    await quick.text("/help")
    await quick.text("/rights")
    first, second = await quick.replies(2)
    assert (first.message["text"], second.message["text"]) == (L("en", "help.text"), L("en", "rights.text"))
    assert slow.cursor() == answered_before  # the slow chat is still at its download
    ack, help_reply = await slow.replies(2, after=answered_before)
    # The photo is attached at the review, which is sent again with that said above it.
    assert ack.message["text"].startswith(parse_html(Translator("ru").plural("wizard.files_attached", 1, max=20)))
    assert L("ru", "wizard.review_hint") in ack.message["text"]
    assert help_reply.message["text"] == L("ru", "help.text")


async def test_photos_downloading_lend_their_places_to_other_chats(fake, data_dir, user_factory):
    """With two places for updates at once, two photos whose downloads are slow do not hold them:
    a third person's two commands are answered meanwhile; each photo's chat keeps its order, and
    the photo's answer is what it always is."""
    slow, other, quick = user_factory("ru"), user_factory("en"), user_factory("kk")
    async with running_bot(make_settings(fake, data_dir, max_concurrent_updates=2)):
        for person, language in ((slow, "ru"), (other, "en")):
            await up_to_evidence(person, language, "Нас заставили голосовать, бюллетени фотографировали на телефон.")
        photos = [jpeg(width=320), jpeg(width=330)]
        fake.download_delay = lambda f: 3.0 if f.data in photos else 0
        await slow.photo(photos[0])
        await other.photo(photos[1])
        await slow.text("/help")  # behind the photo in its own chat
        answered_before = slow.cursor()
        await fake.wait_for(lambda: len(fake.calls_of("getFile")) == 2)
        await quick.text("/help")
        await quick.text("/rights")
        first, second = await quick.replies(2, timeout=20)
        assert (first.message["text"], second.message["text"]) == (L("kk", "help.text"), L("kk", "rights.text"))
        # Answered while the photos still download: a photo holding its place answers its sender
        # before it lets the place go, so without the lending the slow chat's answer comes first.
        assert slow.cursor() == answered_before
        ack, help_reply = await slow.replies(2, after=answered_before, timeout=20)
    assert ack.message["text"].startswith(parse_html(Translator("ru").plural("wizard.files_attached", 1, max=20)))
    assert help_reply.message["text"] == L("ru", "help.text")
    assert fake.refused == []


async def test_pacing_keeps_telegram_from_refusing(fake, data_dir, user_factory):
    fake.rate_limits = RateLimits()
    settings = make_settings(fake, data_dir, telegram_pacing=True)
    user = user_factory("kk")
    async with running_bot(settings):
        for command in ("/help", "/rights", "/privacy"):
            await user.text(command)
        replies = await user.replies(3, timeout=20)
    assert [r.message["text"] for r in replies] == [L("kk", "help.text"), L("kk", "rights.text"), L("kk", "privacy.text")]
    sends = [c.at for c in fake.calls if c.method == "sendMessage" and c.ok]
    assert all(b - a >= 1.0 for a, b in zip(sends, sends[1:]))
    assert fake.refused == []


def small_group_window(fake, monkeypatch):
    """A bot paced to a group window of three messages in 0.6 s, against a fake that enforces it."""
    from telegram.ext import ExtBot

    from bot import rate_limit
    from tests.harness import TOKEN

    monkeypatch.setattr(rate_limit, "PER_GROUP", 3)
    monkeypatch.setattr(rate_limit, "PER_GROUP_PERIOD", 0.6)
    fake.rate_limits = RateLimits(per_group_per_minute=3, group_period=0.6)
    fake.add_chat({"id": -100321, "type": "supergroup", "title": "Moderators"})
    return ExtBot(TOKEN, base_url=f"{fake.url}/bot", rate_limiter=rate_limit.TelegramRateLimiter())


async def test_group_window_never_lets_telegram_refuse(fake, monkeypatch):
    """A burst to a group waits for the sliding window instead of being refused (and retried)."""
    import asyncio
    import time

    bot = small_group_window(fake, monkeypatch)
    async with bot:
        started = time.monotonic()
        await asyncio.gather(*(bot.send_message(-100321, f"card {i}") for i in range(8)))
        elapsed = time.monotonic() - started
    assert fake.refused == []
    assert len(fake.calls_of("sendMessage")) == 8
    assert elapsed >= 2 * 0.6  # three windows for eight messages


async def test_each_item_of_an_album_counts_against_the_group_window(fake, monkeypatch):
    """Telegram counts every item of a media group: an album of three fills a window of three."""
    import time

    from telegram import InputMediaPhoto

    from tests.report_helpers import jpeg

    bot = small_group_window(fake, monkeypatch)
    async with bot:
        started = time.monotonic()
        await bot.send_media_group(-100321, [InputMediaPhoto(jpeg(color=(i, 0, 0))) for i in range(3)])
        await bot.send_message(-100321, "the card after the album")
        elapsed = time.monotonic() - started
    assert fake.refused == []
    assert elapsed >= 0.6  # the message waited for the album's three places to free up
