"""Reports through a flaky Telegram and under its flood limits: every report stored once, every
reporter sees their reference, every card and every photo reaches the moderators once, and
Telegram refuses nothing. Under the group's limit a report may instead be counted in a summary
(tests/test_group_pressure.py): then it has no card and no photos there, and never both.
(`pytest -s tests/test_fault_run.py` prints the run's counts.)"""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest

from bot import rate_limit, telegram_http
from handlers import deliveries, jobs
from handlers.context import BotContext
from tests.fake_telegram import FakeUser
from tests.fake_telegram.limits import RateLimits
from tests.harness import make_settings, running_bot
from tests.report_helpers import L, db_rows, finish_and_send, jpeg, up_to_evidence

ADMIN = 1001
GROUP = {"id": -100777, "type": "supergroup", "title": "Moderators"}
USERS = 30  # as in the fault run
LIMITED_REPORTS = 100
DESCRIPTION = "Председатель комиссии выдал бюллетени без паспорта, наблюдателя попросили выйти."


def flaky(rate: float, seed: int):
    """A fault for ``rate`` of the calls (a 429 or a 500/502/503 page), never more than twice in a
    row for one method in one chat, so the bot's own retries get each call through."""
    draw = random.Random(seed)
    streaks: Counter = Counter()

    def fault(method: str, params: dict) -> int | None:
        if method in ("getUpdates", "getFile", "getMe", "setMyCommands", "deleteWebhook"):
            return None
        # One call and its retries: the same method, chat, message, button press and text.
        key = (method, params.get("chat_id"), params.get("message_id"), params.get("callback_query_id"),
               str(params.get("text"))[:60])
        if streaks[key] < 2 and draw.random() < rate:
            streaks[key] += 1
            return draw.choice((429, 500, 502, 503))
        streaks[key] = 0
        return None
    return fault


async def one_report(user: FakeUser, number: int) -> str:
    await up_to_evidence(user, "ru", DESCRIPTION, precinct=str(100 + number))
    if number % 2:
        await user.photo(jpeg(color=(number * 20 % 255, 40, 40)))
        await user.replies(1, timeout=60)
    return await finish_and_send(user, "ru", evidence=bool(number % 2))


def cards_and_photos(fake) -> tuple[Counter, Counter]:
    """How often each reference's card and each photo's caption reached the moderators' chat."""
    cards, photos = Counter(), Counter()
    for event in fake.chat_events(GROUP["id"]):
        message = event.message
        if event.kind == "message" and "text" in message and message["text"].startswith("📋"):
            cards[message["text"].split()[1]] += 1
        elif event.kind == "message" and "photo" in message:
            photos[message["caption"].split("\n")[0]] += 1  # the reference; a metadata warning may follow
    return cards, photos


def summarised(fake) -> int:
    """How many reports the summaries in the moderators' chat counted ("📥 12 …")."""
    return sum(int(event.message["text"].split()[1]) for event in fake.chat_events(GROUP["id"])
               if event.kind == "message" and event.message.get("text", "").startswith("📥"))


def summarised_in_db(data_dir) -> set[str]:
    return {row["reference"] for row in db_rows(
        data_dir, "SELECT r.reference FROM outbox o JOIN reports r ON r.id = o.report_id"
                  " WHERE o.kind = 'card' AND o.given_up = 'summarised'")}


def each_in_a_card_or_a_summary(fake, data_dir, references: list[str]) -> None:
    """Every report in one card or in a summary, never both; every photo of a carded report once."""
    cards, photos = cards_and_photos(fake)
    summaries = summarised_in_db(data_dir)
    assert max(cards.values()) == 1
    assert set(cards) | summaries == set(references) and not set(cards) & summaries
    assert summarised(fake) == len(summaries)
    with_photo = {reference for n, reference in enumerate(references) if n % 2}
    assert photos == Counter({reference: 1 for reference in with_photo & set(cards)})


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(telegram_http, "RETRY_DELAYS", (0.05, 0.1, 0.2))


async def test_a_quarter_of_calls_failing_loses_and_doubles_nothing(fake, data_dir, user_factory, quick):
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])
    users = [user_factory("ru") for _ in range(USERS)]
    async with running_bot(settings):
        fake.latency = 0.35
        fake.fault = flaky(0.25, seed=20261201)
        references = await asyncio.gather(*(one_report(user, n) for n, user in enumerate(users)))
        expected_photos = {reference for n, reference in enumerate(references) if n % 2}
        await fake.wait_for(lambda: sum(cards_and_photos(fake)[1].values()) == len(expected_photos), 60)
        await fake.wait_for(lambda: len(cards_and_photos(fake)[0]) == len(users), 60)
    cards, photos = cards_and_photos(fake)
    assert sorted(references) == [f"KZ-{n:06d}" for n in range(1, USERS + 1)]  # each reporter saw theirs
    assert len(db_rows(data_dir, "SELECT * FROM reports")) == USERS
    assert cards == Counter({reference: 1 for reference in references})  # each card once
    assert photos == Counter({reference: 1 for reference in expected_photos})
    assert len(fake.faulted) > 5 * USERS  # the faults really happened (about 8 a report)
    print(f"fault run: {USERS} reports, {len(fake.faulted)} calls failed on purpose, "
          f"{len(fake.calls)} carried out, {len(fake.refused)} refused")
    assert fake.refused == []


async def test_a_hundred_reports_under_telegrams_limits_are_refused_nothing(fake, data_dir, user_factory,
                                                                        monkeypatch):
    # Telegram's group limit (20 a minute) scaled to 20 per 1.5 s, so the test takes seconds.
    monkeypatch.setattr(rate_limit, "PER_GROUP_PERIOD", 1.5)
    fake.rate_limits = RateLimits(group_period=1.5)
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"],
                             telegram_pacing=True)
    users = [user_factory("ru") for _ in range(LIMITED_REPORTS)]
    async with running_bot(settings):
        references = await asyncio.gather(*(one_report(user, n) for n, user in enumerate(users)))
        await fake.wait_for(lambda: len(cards_and_photos(fake)[0]) + summarised(fake) == LIMITED_REPORTS, 120)
        await fake.wait_for(lambda: sum(cards_and_photos(fake)[1].values()) == len(
            {r for n, r in enumerate(references) if n % 2} & set(cards_and_photos(fake)[0])), 120)
    each_in_a_card_or_a_summary(fake, data_dir, references)
    print(f"100 reports under the limits: {len(cards_and_photos(fake)[0])} cards, {summarised(fake)} in summaries")
    assert fake.refused == []


@pytest.mark.parametrize("summaries", [True, False], ids=["summaries", "every-card"])
async def test_fifty_reports_each_in_one_card_or_a_summary_whatever_the_jobs_timing(fake, data_dir, user_factory,
                                                                                  monkeypatch, summaries):
    """The submission's own delivery, the outbox job and the sweep all reach for the same cards;
    run here over and over at once, under Telegram's limits: each report still gets one card, or
    is counted in a summary and gets none; with summaries off, exactly fifty cards."""
    monkeypatch.setattr(rate_limit, "PER_GROUP_PERIOD", 1.5)
    fake.rate_limits = RateLimits(group_period=1.5)
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"],
                             telegram_pacing=True, group_summaries=summaries)
    users = [user_factory("ru") for _ in range(50)]
    async with running_bot(settings) as application:
        for job in application.job_queue.jobs():  # none can run beside itself
            assert (job.job.max_instances, job.job.coalesce) == (1, True), job.name
        context = BotContext(application)
        stop = asyncio.Event()

        async def hammer(job) -> None:
            while not stop.is_set():
                await job(context)
                await asyncio.sleep(0)

        hammers = [asyncio.create_task(hammer(job)) for job in (jobs.sweep, jobs.sweep, deliveries.deliver_due,
                                                                 deliveries.deliver_due)]
        references = await asyncio.gather(*(one_report(user, n) for n, user in enumerate(users)))
        await fake.wait_for(lambda: len(cards_and_photos(fake)[0]) + summarised(fake) == len(users), 120)
        await fake.wait_for(lambda: sum(cards_and_photos(fake)[1].values()) == len(
            {r for n, r in enumerate(references) if n % 2} & set(cards_and_photos(fake)[0])), 120)
        stop.set()
        await asyncio.gather(*hammers)
    each_in_a_card_or_a_summary(fake, data_dir, references)
    if not summaries:
        assert cards_and_photos(fake)[0] == Counter({reference: 1 for reference in references})
    assert fake.refused == []
