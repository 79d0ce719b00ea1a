"""``python -m bench --compare``: the bot against a bare python-telegram-bot bot, side by side in
one run (issue #26), and what a report costs in Bot API calls.

- **Regimes.** *free*: the fake API enforces no flood limit, the bot runs with
  ``TELEGRAM_PACING=false`` and the bare bot without a rate limiter. *limited*: the fake API
  enforces Telegram's limits (30 new messages a second overall, 1 a second per private chat, 20 a
  minute per group), the bot paces itself as deployed, the bare bot uses python-telegram-bot's
  ``AIORateLimiter``.
- **Workload.** ``--people`` new people (200), ``--steps`` updates each (4: /start, New report, a
  category, a region; the bare bot answers each with one text and one button), in a closed loop:
  each person sends their next update once they see the answer to the last one.
- **Rounds.** Bot and bare bot alternate, ``--rounds`` times per regime, so that both see the
  same shared machine; the medians and each round are written.
- **First contact.** ``--burst`` new people (200) send /start within one second (bot only):
  each pays the pseudonym's Argon2id.
- **Calls per report.** ``--reports`` people (20) each file the bench's full report (with a photo)
  with a moderators' chat, and the fake API's log is counted by kind, then divided by reports;
  the ceiling under Telegram's limits follows from the new messages a report needs.

CPU is the bot's process tree (its image workers included; the pseudonyms' threads are in the
bot's own process) over the run, divided by the updates answered; latency from the fake API handing an update over to the first answer in
that chat; refused: calls the fake API refused.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.procstat import cpu_seconds, memory_mb, tree_cpu_seconds
from bench.scenarios import MODERATORS, BotUnderTest, _drain_cards, _with_fake, percentile, users_for
from bench.workload import BenchUser, Pacer, Stats, full_report, run_reports
from fake_telegram import FakeTelegram
from fake_telegram.limits import RateLimits

BARE = "bench.bare_bot"
SETTLE = 2.0  # seconds after the first poll before measuring: the bot's workers started, not counted

@dataclass
class Run:
    """One bot (or the bare bot) through the closed loop in one regime."""

    name: str
    regime: str
    round: int
    updates: int
    seconds: float
    lost: int
    refused: int
    p50_ms: float
    p99_ms: float
    cpu_per_update_ms: float
    peak_rss_mb: float
    workers_cpu_per_update_ms: float = 0.0  # of cpu_per_update_ms: the worker processes' (images; pseudonyms are threads since session 4)

    @property
    def throughput(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0


def first_steps(user: BenchUser) -> list:
    """The first four updates of a report: each answered by the bot with a text and buttons."""
    return full_report(user, b"")[:4]


async def _closed_loop(fake: FakeTelegram, people: list[BenchUser], steps: int, pacer: Pacer | None = None,
                       timeout: float = 120.0) -> Stats:
    by_chat = {user.id: user for user in people}

    def dispatch(event) -> None:
        user = by_chat.get(event.chat_id)
        if user is not None:
            user.on_event(event)

    async def one(user: BenchUser) -> Stats:
        stats = Stats()
        for number, step in enumerate(first_steps(user)[:steps]):
            if pacer is not None:
                await pacer.take()
            if await user.act(step(), stats, timeout) is None:
                break
            if number == 0:
                stats.first.append(stats.latencies[-1])
        return stats

    fake.observers.append(dispatch)
    try:
        results = await asyncio.gather(*(one(user) for user in people))
    finally:
        fake.observers.remove(dispatch)
    return Stats.of_all(results)


async def loop_run(name: str, module: str, regime: str, round_: int, people: int, steps: int, workdir: Path,
                   first_id: int, env: dict[str, str] | None = None) -> Run:
    """``people`` new people, ``steps`` updates each, closed loop, against a fresh fake API."""
    limited = regime == "limited"

    async def work(fake: FakeTelegram) -> Run:
        if limited:
            fake.rate_limits = RateLimits()
        extra = dict(env or {})
        if module == BARE and limited:
            extra["BARE_RATE_LIMITER"] = "aiorate"
        bot = BotUnderTest(module, fake, workdir / f"{name}-{regime}-{round_}" / "data", pacing=limited, **extra)
        await bot.start()
        await asyncio.sleep(SETTLE)
        crowd = users_for(fake, people, first_id)
        cpu_before, own_before, started = tree_cpu_seconds(bot.pid), cpu_seconds(bot.pid), time.monotonic()
        stats = await _closed_loop(fake, crowd, steps)
        elapsed = time.monotonic() - started
        cpu = tree_cpu_seconds(bot.pid) - cpu_before
        workers = cpu - (cpu_seconds(bot.pid) - own_before)
        _, peak = memory_mb(bot.pid)
        await bot.stop()
        return Run(name=name, regime=regime, round=round_, updates=stats.answered, seconds=elapsed,
                   lost=stats.lost, refused=len(fake.refused), p50_ms=percentile(stats.latencies, 0.5),
                   p99_ms=percentile(stats.latencies, 0.99),
                   cpu_per_update_ms=cpu / stats.answered * 1000 if stats.answered else float("nan"),
                   peak_rss_mb=peak,
                   workers_cpu_per_update_ms=workers / stats.answered * 1000 if stats.answered else float("nan"))

    return await _with_fake(work)


async def burst_run(module: str, people: int, workdir: Path, first_id: int) -> dict[str, float]:
    """``people`` new people send /start within one second (no flood limits): their first
    answers, each person's pseudonym computed then."""
    async def work(fake: FakeTelegram) -> dict[str, float]:
        bot = BotUnderTest(module, fake, workdir / f"burst-{module}" / "data")
        await bot.start()
        crowd = users_for(fake, people, first_id)
        cpu_before, started = tree_cpu_seconds(bot.pid), time.monotonic()
        stats = await _closed_loop(fake, crowd, 1, Pacer(float(people)))
        elapsed = time.monotonic() - started
        cpu = tree_cpu_seconds(bot.pid) - cpu_before
        await bot.stop()
        return {"people": people, "answered": stats.answered, "lost": stats.lost, "seconds": elapsed,
                "p50_ms": percentile(stats.latencies, 0.5), "p99_ms": percentile(stats.latencies, 0.99),
                "max_ms": 1000 * max(stats.latencies, default=float("nan")),
                "cpu_per_update_ms": cpu / stats.answered * 1000 if stats.answered else float("nan")}

    return await _with_fake(work)


KINDS = ("callback answers", "edits", "keyboard removals", "new messages to the reporter",
         "card and evidence to the moderators", "other")
EDITS = {"editMessageText", "editMessageCaption", "editMessageMedia"}
SENDS = {"sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendMediaGroup", "sendAnimation",
         "copyMessage", "forwardMessage", "sendLocation"}
NOT_PER_REPORT = {"getUpdates", "getMe", "deleteWebhook", "getWebhookInfo", "setMyCommands",
                  "setChatMenuButton", "getFile", "close", "getChat", "getChatMember", "getChatAdministrators"}


def kind_of(method: str, chat_id: int) -> str | None:
    """Which of KINDS a carried-out call is (None: not a report's, e.g. polling)."""
    if method in NOT_PER_REPORT:
        return None
    if method == "answerCallbackQuery":
        return KINDS[0]
    if method in EDITS:
        return KINDS[1]
    if method == "editMessageReplyMarkup":
        return KINDS[2]
    if method in SENDS:
        return KINDS[4] if chat_id < 0 else KINDS[3]
    return KINDS[5]


async def calls_run(reports: int, workdir: Path, first_id: int) -> dict:
    """``reports`` people each file the full report (no flood limits, a moderators' chat); every
    call of the bot counted by kind, until every card is posted."""
    async def work(fake: FakeTelegram) -> dict:
        fake.add_chat(MODERATORS)
        bot = BotUnderTest("bot", fake, workdir / "calls" / "data", MODERATOR_CHAT_ID=str(MODERATORS["id"]))
        await bot.start()
        before = len(fake.calls)
        crowd = users_for(fake, reports, first_id)
        stats = await run_reports(fake, crowd, Pacer(None))
        await _drain_cards(fake, stats.reports)
        await asyncio.sleep(2.0)  # the photos' posts that follow a card
        await bot.stop()
        counts: dict[str, int] = {kind: 0 for kind in KINDS}
        methods: dict[str, int] = {}
        for call in fake.calls[before:]:
            if not call.ok:
                continue
            kind = kind_of(call.method, int(call.params.get("chat_id") or 0))
            if kind is None:
                continue
            counts[kind] += 1
            methods[call.method] = methods.get(call.method, 0) + 1
        per_report = {kind: count / stats.reports for kind, count in counts.items()} if stats.reports else {}
        return {"reports": stats.reports, "updates_per_report": len(full_report(crowd[0], b"")),
                "counts": counts, "methods": methods, "per_report": per_report, "refused": len(fake.refused)}

    return await _with_fake(work)


def ceiling(calls: dict) -> dict[str, float]:
    """Reports a second under Telegram's limits, from the new messages a report needs: 30 a
    second overall (to reporters and moderators together), 20 a minute to the moderators' chat."""
    per = calls["per_report"]
    new_messages = per.get(KINDS[3], 0) + per.get(KINDS[4], 0)
    group = per.get(KINDS[4], 0)
    return {"overall": 30 / new_messages if new_messages else float("inf"),
            "one moderators' group, a minute": 20 / group if group else float("inf")}


async def compare(args, workdir: Path) -> dict:
    """Everything above, in one run."""
    runs: list[Run] = []
    next_id = iter(range(50_000_000, 10**10, 1_000_000))
    for regime in args.regimes:
        for round_ in range(1, args.rounds + 1):
            pair = [("bot", "bot"), ("bare", BARE)]
            if round_ % 2 == 0:
                pair.reverse()  # neither always goes first on a machine whose load drifts
            for name, module in pair:
                run = await loop_run(name, module, regime, round_, args.people, args.steps, workdir, next(next_id))
                runs.append(run)
                print(f"  {regime} round {round_} {name}: {run.throughput:.1f} updates/s, p99 {run.p99_ms:.0f} ms, "
                      f"CPU {run.cpu_per_update_ms:.2f} ms/update, refused {run.refused}", flush=True)
    result: dict = {"runs": [dict(asdict(r), throughput=r.throughput) for r in runs], "medians": {}}
    for regime in args.regimes:
        for name in ("bot", "bare"):
            mine = [r for r in runs if r.regime == regime and r.name == name]
            if not mine:
                continue
            result["medians"][f"{regime}/{name}"] = {
                field: statistics.median(getattr(r, field) for r in mine)
                for field in ("throughput", "p50_ms", "p99_ms", "cpu_per_update_ms", "workers_cpu_per_update_ms",
                              "peak_rss_mb")
            } | {"refused": sum(r.refused for r in mine), "lost": sum(r.lost for r in mine),
                 "cpu_ratios": [round(a.cpu_per_update_ms / b.cpu_per_update_ms, 2) for a, b in
                                zip(mine, [r for r in runs if r.regime == regime and r.name == "bare"])]}
    if args.burst:
        result["burst"] = await burst_run("bot", args.burst, workdir, next(next_id))
        print(f"  burst: {result['burst']}", flush=True)
    if args.reports:
        result["calls"] = await calls_run(args.reports, workdir, next(next_id))
        result["ceiling"] = ceiling(result["calls"])
        print(f"  calls: {result['calls']['per_report']}", flush=True)
    return result


def markdown(result: dict) -> list[str]:
    """The comparison as Markdown tables."""
    lines = ["| regime | bot | round | updates | updates/s | p50 ms | p99 ms | CPU ms/update | of which in workers | lost | refused |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in result["runs"]:
        lines.append(f"| {r['regime']} | {r['name']} | {r['round']} | {r['updates']} | {r['throughput']:.1f} | "
                     f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['cpu_per_update_ms']:.2f} | "
                     f"{r.get('workers_cpu_per_update_ms', 0):.2f} | {r['lost']} | {r['refused']} |")
    lines += ["", "Medians, ours against the bare bot's:", "",
              "| regime | CPU ms/update (ours / bare, ratio; ratios by round) | p99 ms (ours / bare) | "
              "updates/s (ours / bare) | refused (ours / bare) |", "|---|---|---|---|---|"]
    medians = result["medians"]
    for regime in sorted({key.split("/")[0] for key in medians}):
        ours, bare = medians.get(f"{regime}/bot"), medians.get(f"{regime}/bare")
        if not ours or not bare:
            continue
        lines.append(
            f"| {regime} | {ours['cpu_per_update_ms']:.2f} / {bare['cpu_per_update_ms']:.2f} = "
            f"**{ours['cpu_per_update_ms'] / bare['cpu_per_update_ms']:.2f}x** ({', '.join(map(str, ours['cpu_ratios']))}) | "
            f"{ours['p99_ms']:.0f} / {bare['p99_ms']:.0f} | {ours['throughput']:.1f} / {bare['throughput']:.1f} | "
            f"{ours['refused']} / {bare['refused']} |")
    if "burst" in result:
        b = result["burst"]
        lines += ["", f"First contact: {b['people']} new people sending /start within one second: first answer "
                      f"p50 {b['p50_ms']:.1f} ms, p99 {b['p99_ms']:.1f} ms, max {b['max_ms']:.1f} ms, "
                      f"CPU {b['cpu_per_update_ms']:.2f} ms each, lost {b['lost']}."]
    if "calls" in result:
        calls = result["calls"]
        lines += ["", f"Calls per report ({calls['reports']} reports of {calls['updates_per_report']} updates, "
                      f"counted from the fake API's log until every card was posted; refused {calls['refused']}):", "",
                  "| kind | per report |", "|---|---|"]
        lines += [f"| {kind} | {value:.2f} |" for kind, value in calls["per_report"].items()]
        lines.append(f"| all | {sum(calls['per_report'].values()):.2f} |")
        lines += ["", "By method: " + ", ".join(f"{m} {n}" for m, n in sorted(calls["methods"].items())), "",
                  "Ceiling under Telegram's limits: " + "; ".join(
                      f"{name}: {value:.1f} reports/s" if "minute" not in name else f"{name}: {value:.1f} reports a minute"
                      for name, value in result["ceiling"].items()) + "."]
    return lines
