"""The four voting-day scenarios, each run against a fresh fake API and a fresh DATA_DIR."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.procstat import memory_mb, tree_cpu_seconds as cpu_seconds
from bench.workload import LANGUAGE_MIX, BenchUser, Pacer, Stats, run_reports
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.limits import RateLimits
from tests.harness import PROJECT_ROOT, SECRET, TOKEN

MODERATORS = {"id": -100900, "type": "supergroup", "title": "Moderators"}


@dataclass
class Figures:
    """What one run measured."""

    name: str
    updates: int
    seconds: float
    reports: int
    lost: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_per_update_ms: float
    peak_rss_mb: float
    db_mb: float
    refused: int = 0
    first_p50_ms: float = float("nan")  # a new person's first update (their pseudonym computed)
    first_p99_ms: float = float("nan")

    @property
    def updates_per_second(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    @property
    def reports_per_second(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


class BotUnderTest:
    """``python -m bot`` or the bare bot, as its own process, logging to a file."""

    def __init__(self, module: str, fake: FakeTelegram, data_dir: Path, pacing: bool = False, **env: str) -> None:
        self.module, self.fake, self.data_dir = module, fake, data_dir
        # Without the fake enforcing Telegram's limits, pacing would measure Telegram's cap, not
        # the bot's own cost; scenario d turns both on.
        self.env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT_ROOT),
                    "BOT_TOKEN": TOKEN, "SECRET_KEY": SECRET, "TELEGRAM_API_URL": fake.url,
                    "DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING",
                    "TELEGRAM_PACING": "true" if pacing else "false", **env}
        self.process: asyncio.subprocess.Process | None = None
        self.started_at = 0.0

    async def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir.parent / f"{self.module}.log", "ab")
        polls = self.fake.polls
        self.started_at = time.monotonic()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", self.module, env=self.env, cwd=str(PROJECT_ROOT), stdout=log, stderr=log)
        await self.fake.wait_for(lambda: self.fake.polls > polls, timeout=120)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), 60)


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20 if path.exists() else 0.0


def users_for(fake: FakeTelegram, count: int, first_id: int) -> list[BenchUser]:
    return [BenchUser(fake, first_id + i, LANGUAGE_MIX[i % len(LANGUAGE_MIX)]) for i in range(count)]


async def _with_fake(work, **fake_options):
    fake = FakeTelegram(TOKEN)
    for key, value in fake_options.items():
        setattr(fake, key, value)
    await fake.start()
    try:
        return await work(fake)
    finally:
        await fake.stop()


async def reports_run(name: str, module: str, users: int, rate: float | None, workdir: Path,
                      moderators: bool = False, limits: bool = False, drain: bool = False,
                      env: dict[str, str] | None = None, think: float = 0.0) -> Figures:
    """N users each file a full report, paced at ``rate`` updates a second (None: flat out);
    ``think``: mean pause of a person before each update (0: everybody in step)."""
    extra_env = env or {}

    async def work(fake: FakeTelegram) -> Figures:
        if limits:
            fake.rate_limits = RateLimits()
        data_dir = workdir / name / "data"
        env = dict(extra_env)
        if moderators:
            fake.add_chat(MODERATORS)
            env["MODERATOR_CHAT_ID"] = str(MODERATORS["id"])
        bot = BotUnderTest(module, fake, data_dir, pacing=limits, **env)
        await bot.start()
        people = users_for(fake, users, 10_000_000)
        cpu_before, started = cpu_seconds(bot.pid), time.monotonic()
        stats = await run_reports(fake, people, Pacer(rate, think))
        elapsed = time.monotonic() - started
        cpu = cpu_seconds(bot.pid) - cpu_before
        if drain:
            await _drain_cards(fake, stats.reports)
        _, peak = memory_mb(bot.pid)
        await bot.stop()
        return _figures(name, stats, elapsed, cpu, peak, folder_mb(data_dir), len(fake.refused))

    return await _with_fake(work)


async def _drain_cards(fake: FakeTelegram, reports: int) -> None:
    """Wait until every report reached the moderators' chat (queued, never dropped): as a card,
    or counted in a summary ("📥 12 …") when too many came at once for a card each."""
    def cards() -> int:
        messages = [e.message or {} for e in fake.events if e.chat_id == MODERATORS["id"] and e.kind == "message"]
        return (sum(1 for m in messages if "reply_markup" in m)
                + sum(int(m["text"].split()[1]) for m in messages if m.get("text", "").startswith("📥")))
    await fake.wait_for(lambda: cards() >= reports, timeout=reports * 10 + 120)


def _figures(name: str, stats: Stats, elapsed: float, cpu: float, peak: float, db: float, refused: int) -> Figures:
    return Figures(
        name=name, updates=stats.answered, seconds=elapsed, reports=stats.reports, lost=stats.lost,
        p50_ms=percentile(stats.latencies, 0.50), p95_ms=percentile(stats.latencies, 0.95),
        p99_ms=percentile(stats.latencies, 0.99),
        cpu_per_update_ms=cpu / stats.answered * 1000 if stats.answered else float("nan"),
        peak_rss_mb=peak, db_mb=db, refused=refused,
        first_p50_ms=percentile(stats.first, 0.50) if stats.first else float("nan"),
        first_p99_ms=percentile(stats.first, 0.99) if stats.first else float("nan"),
    )


async def heavy_uploads_run(users: int, rate: float, workdir: Path, heavy: int = 20,
                            size: int = 20 * 1024 * 1024, seconds_per_file: float = 10.0) -> tuple[Figures, Figures]:
    """``heavy`` people upload a 20 MB video each over a slow link while the others type."""
    async def work(fake: FakeTelegram) -> tuple[Figures, Figures]:
        fake.download_delay = lambda f: seconds_per_file if f.size >= size // 2 else 0.0
        data_dir = workdir / "b" / "data"
        bot = BotUnderTest("bot", fake, data_dir)
        await bot.start()
        uploaders = users_for(fake, heavy, 20_000_000)
        typists = users_for(fake, users, 30_000_000)
        cpu_before, started = cpu_seconds(bot.pid), time.monotonic()
        # One pacer for everybody: the uploaders' typed steps are part of the offered rate.
        pacer = Pacer(rate)
        heavy_task = asyncio.create_task(_uploads(fake, uploaders, size, pacer))
        others = await run_reports(fake, typists, pacer)
        elapsed = time.monotonic() - started
        heavy_stats = await heavy_task
        cpu = cpu_seconds(bot.pid) - cpu_before
        _, peak = memory_mb(bot.pid)
        await bot.stop()
        db = folder_mb(data_dir)
        return (_figures("b: others", others, elapsed, cpu, peak, db, len(fake.refused)),
                _figures("b: uploaders", heavy_stats, elapsed, cpu, peak, db, len(fake.refused)))

    return await _with_fake(work)


async def _uploads(fake: FakeTelegram, uploaders: list[BenchUser], size: int, pacer: Pacer) -> Stats:
    by_chat = {user.id: user for user in uploaders}
    fake.observers.append(lambda e: by_chat[e.chat_id].on_event(e) if e.chat_id in by_chat else None)
    total = Stats()
    async def one(user: BenchUser) -> Stats:
        stats = Stats()
        # An observer (not accredited: the role is changed from the first screen), up to the
        # review, where the video is sent.
        for payload in (lambda: user.text("/start"), lambda: user.press("menu:report"),
                        lambda: user.press("w:group:role"), lambda: user.press("w:role:observer"),
                        lambda: user.press("w:group:station"), lambda: user.press("w:category:stuffing"),
                        lambda: user.press("w:region:shymkent"), lambda: user.text("77"),
                        lambda: user.press("w:when:now"),
                        lambda: user.text("Вброс бюллетеней, снято на видео с начала до конца."),
                        lambda: user.video(size)):
            await pacer.take()
            if await user.act(payload(), stats, timeout=120) is None:
                break
        else:
            stats.reports += 1
        return stats
    for stats in await asyncio.gather(*(one(u) for u in uploaders)):
        total.merge(stats)
    return total


async def open_drafts_run(drafts: int, workdir: Path) -> dict[str, float]:
    """``drafts`` people left a report half-written; the bot restarts; how big, how fast?"""
    data_dir = workdir / "c" / "data"
    seeded = await asyncio.to_thread(_seed_drafts_sync, data_dir, drafts)

    async def work(fake: FakeTelegram) -> dict[str, float]:
        people = users_for(fake, 1, 40_000_000)
        bot = BotUnderTest("bot", fake, data_dir)
        spawned = time.monotonic()
        await bot.start()
        by_chat = {people[0].id: people[0]}
        fake.observers.append(lambda e: by_chat[e.chat_id].on_event(e) if e.chat_id in by_chat else None)
        stats = Stats()
        event = await people[0].act(people[0].text("245"), stats, timeout=60)
        first_reply = time.monotonic() - spawned
        rss, peak = memory_mb(bot.pid)
        await bot.stop()
        return {"drafts": seeded, "first_reply_s": first_reply, "rss_mb": rss, "peak_rss_mb": peak,
                "answered": float(event is not None)}

    return await _with_fake(work)


def _seed_drafts_sync(data_dir: Path, count: int) -> int:
    return asyncio.run(_seed_drafts(data_dir, count))


async def _seed_drafts(data_dir: Path, count: int) -> int:
    """Write ``count`` drafts at the "where exactly" (precinct) step, as the bot itself would
    have stored them: a voter's (the role and the contact choice preselected), its category
    chosen on the first screen, then the region."""
    import uuid

    from storage.crypto import Keys
    from domain.clock import utcnow
    from storage.db import Database
    from storage.models import Draft

    keys = Keys(SECRET)
    db = await Database.open(data_dir / "bot.sqlite3")
    now = utcnow()
    async with db.transaction() as conn:
        for i in range(count):
            user_id = 40_000_000 + i
            cur = await conn.execute(
                "INSERT INTO people (pseudonym, chat_ref, language, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (keys.pseudonym(user_id), keys.seal(str(user_id)), LANGUAGE_MIX[i % 10], now, now))
            draft = Draft(key=uuid.uuid4().hex, step="precinct", history=["group", "region"],
                          prefilled=["role", "contact"], reporter_role="voter", group="pressure",
                          category="coercion_work", region="astana", contact_allowed=False)
            # With its sealed chat, as storage.drafts.save keeps it: the wizard's state after the
            # restart comes from it (without it the bot would not know the chat is in a report).
            await conn.execute(
                "INSERT INTO drafts (person_id, data, created_at, updated_at, chat_ref) VALUES (?, ?, ?, ?, ?)",
                (cur.lastrowid, draft.model_dump_json(), now, now, keys.seal(str(user_id))))
    await db.close()
    return count

