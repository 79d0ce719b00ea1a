"""``python -m bench.dashboard_live``: the bot at 100 updates a second with 50 moderators' dashboards
open on it, over a database of 50,000 reports.

Not part of the test suite. The database is built first (``bench.seed``) with a session for each
of 50 moderators; then ``python -m bot`` runs as its own process against the fake Bot API (as in
``python -m bench``) with its dashboard on a free port of 127.0.0.1. Two runs on the same bot,
one after the other, each with new simulated people filing full reports at ``--rate`` updates a
second. People arrive one by one (a Poisson stream of ``--rate`` / 15 a second, as when 15 updates
made a report; a report takes 9 since issue #16) and pause before every update (exponential, ``--think`` s on average), so that
the steps mix and the reports come at a steady 6 to 7 a second, as real arrivals would (with
everybody starting at once, as in ``python -m bench``, the reports would come in a wave at the
end, faster than the 50 rows of a page can hold between two refreshes):

1. without dashboards: the bot's reply latency as in scenario a, on the big database;
2. with ``--sessions`` dashboards open (another process): each refreshes its rows every second, as
   the page does, on the whole queue (three in four) or the new reports (newest first: where a
   new report comes first), and opens another filtered queue or a report every 10 s on average.

Figures: the bot's reply latency (the fake API hands an update over, to the bot's first answer
in that chat), the dashboards' round trips (client side, on localhost; the app's own timing is
in ``python -m bench.dashboard``), and for every new report and every dashboard, the time from
the moment the reporter's confirmation (which names the reference, sent after the commit)
reached the fake API to the first refresh of that dashboard whose rows showed it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shlex
import shutil
import socket
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.dashboard import _memory_gb, percentiles, plan
from bench.procstat import cpu_seconds, memory_mb
from bench.scenarios import BotUnderTest, _with_fake, percentile, users_for
from bench.workload import Pacer, Stats, _one_report

# People arrive at --rate / STEPS a second: 6 to 7 reports a second at the default rate, the figure
# every earlier run used. A report took 15 updates then; since issue #16's shorter path it takes 9
# (bench.workload.full_report), so the same arrivals now offer about 60 updates a second.
STEPS = 15

REFERENCE = re.compile(r"KZ-\d{6}")
VISIBLE_WITHIN_S = 2.0  # the target for a new report to reach open dashboards
REPLY_TARGET_MS = 100.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard_live", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=50_000, help="reports in the database before the runs")
    parser.add_argument("--users", type=int, default=600, help="people filing a full report in each run")
    parser.add_argument("--rate", type=float, default=100.0, help="offered updates a second")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause of a person before each update, s")
    parser.add_argument("--sessions", type=int, default=50, help="open dashboards in the second run")
    parser.add_argument("--suggested-indexes", action="store_true",
                        help="add bench.dashboard.SUGGESTED_INDEXES to the database first (what if; storage/ has none)")
    parser.add_argument("--out", default="bench-results", help="folder for the JSON and text results")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def prepare(data_dir: Path, reports: int, indexes: bool = False) -> tuple[object, list[str]]:
    """The database with ``reports`` reports, and a session cookie for each moderator."""
    from bench.seed import seed
    from services.web_login import open_session
    from storage.crypto import Keys
    from storage.db import Database
    from tests.harness import SECRET
    from web.auth import COOKIE

    keys = Keys(SECRET)
    path = data_dir / "bot.sqlite3"
    seeded = await seed(path, keys, reports)
    if indexes:
        from bench.dashboard import SUGGESTED_INDEXES
        conn = sqlite3.connect(path)
        for sql in SUGGESTED_INDEXES:
            conn.execute(sql)
        conn.commit()
        conn.close()
    db = await Database.open(path)
    cookies = [f"{COOKIE}={(await open_session(db, keys, person))[0]}" for person in seeded.moderators]
    await db.close()
    return seeded, cookies


async def dashboard_up(port: int, timeout: float = 60.0) -> None:
    import aiohttp
    ends = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{port}/queue") as response:
                    await response.read()
                    return
            except aiohttp.ClientError:
                if time.monotonic() > ends:
                    raise
                await asyncio.sleep(0.2)


async def main(args: argparse.Namespace) -> dict:
    from domain import clock
    from zoneinfo import ZoneInfo

    workdir = Path(tempfile.mkdtemp(prefix="kz-bench-live-"))
    data_dir = workdir / "data"
    data_dir.mkdir(parents=True)
    try:
        seeded, cookies = await prepare(data_dir, args.reports, args.suggested_indexes)
        print(f"seeded {seeded.reports} reports in {seeded.seconds:.1f} s", flush=True)
        today = clock.local_now(ZoneInfo("Asia/Almaty")).date()
        kinds = plan(today, seeded.references)
        port = free_port()
        think = args.think

        async def work(fake) -> dict:
            bot = BotUnderTest("bot", fake, data_dir, WEB_PORT=str(port), WEB_HOST="127.0.0.1")
            await bot.start()
            await dashboard_up(port)
            confirmed: dict[str, float] = {}

            def observe(event) -> None:
                text = (event.message or {}).get("text", "") if event.chat_id > 0 else ""
                for reference in REFERENCE.findall(text):
                    if int(reference[3:]) > seeded.reports:
                        confirmed.setdefault(reference, time.monotonic())
            fake.observers.append(observe)
            runs = {}
            try:
                for index, with_dashboards in enumerate((False, True)):
                    name = f"with {args.sessions} dashboards" if with_dashboards else "without dashboards"
                    print(f"run: {name}", flush=True)
                    client = None
                    stop_file = workdir / f"stop-{index}"
                    if with_dashboards:
                        client = await start_client(workdir, {
                            "mode": "watch", "port": port, "kinds": kinds, "cookies": cookies[:args.sessions],
                            "requests": 0, "seconds": 3600, "stop_file": str(stop_file)})
                        await asyncio.sleep(3)  # every dashboard has refreshed once
                    people = users_for(fake, args.users, 50_000_000 + index * 1_000_000)
                    before = set(confirmed)
                    cpu_before, started = cpu_seconds(bot.pid), time.monotonic()
                    stats = await arriving(fake, people, Pacer(args.rate, think), args.rate / STEPS, index)
                    elapsed = time.monotonic() - started
                    cpu = cpu_seconds(bot.pid) - cpu_before
                    new = {ref: at for ref, at in confirmed.items() if ref not in before}
                    run = {
                        "name": name, "updates": stats.answered, "seconds": elapsed, "reports": stats.reports,
                        "lost": stats.lost, "updates_per_second": stats.answered / elapsed,
                        "p50_ms": percentile(stats.latencies, 0.50), "p95_ms": percentile(stats.latencies, 0.95),
                        "p99_ms": percentile(stats.latencies, 0.99), "max_ms": max(stats.latencies) * 1000,
                        "cpu_per_update_ms": cpu / max(1, stats.answered) * 1000,
                        "confirmed_references": len(new),
                        "most_confirmed_within_2_5_s": busiest(sorted(new.values()), 2.5),
                    }
                    if client is not None:
                        await asyncio.sleep(VISIBLE_WITHIN_S * 2 + 0.5)  # every dashboard refreshed after the last report
                        stop_file.touch()
                        out = await finish_client(client)
                        run["dashboards"] = visibility(new, out["seen"])
                        run["dashboard_round_trips"] = {label: percentiles(v) for label, v in out["round_trips"].items()}
                        run["dashboard_errors"] = out["errors"]
                    run["bot_peak_rss_mb"] = memory_mb(bot.pid)[1]
                    runs[name] = run
            finally:
                await bot.stop()
            return runs

        runs = await _with_fake(work)
        return {"seeded": {"reports": seeded.reports, "evidence": seeded.evidence, "audit": seeded.audit,
                           "seconds": seeded.seconds, "suggested_indexes": args.suggested_indexes},
                "think_s": think, "runs": runs}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def arriving(fake, users, pacer: Pacer, per_second: float, seed: int) -> Stats:
    """Every user files a full report, each arriving after the last (exponential gaps,
    ``per_second`` on average); as bench.workload.run_reports otherwise."""
    import random
    rng = random.Random(100 + seed)
    by_chat = {user.id: user for user in users}

    def dispatch(event) -> None:
        user = by_chat.get(event.chat_id)
        if user is not None:
            user.on_event(event)

    async def one(user, delay: float) -> Stats:
        await asyncio.sleep(delay)
        return await _one_report(user, pacer, 60.0)

    starts, at = [], 0.0
    for _ in users:
        starts.append(at)
        at += rng.expovariate(per_second)
    fake.observers.append(dispatch)
    try:
        results = await asyncio.gather(*(one(user, start) for user, start in zip(users, starts)))
    finally:
        fake.observers.remove(dispatch)
    return Stats.of_all(results)


def busiest(moments: list[float], window: float) -> int:
    """The most of these (sorted) moments within any ``window`` seconds."""
    most, first = 0, 0
    for last, moment in enumerate(moments):
        while moment - moments[first] > window:
            first += 1
        most = max(most, last - first + 1)
    return most


async def start_client(workdir: Path, spec: dict):
    spec_path, out_path = workdir / "watch.json", workdir / "watch-out.json"
    spec_path.write_text(json.dumps({**spec, "out": str(out_path)}))
    root = Path(__file__).resolve().parent.parent
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.dashboard", "--client", str(spec_path), cwd=str(root),
        env={**os.environ, "PYTHONPATH": str(root)})
    return process, out_path


async def finish_client(client) -> dict:
    process, out_path = client
    if await asyncio.wait_for(process.wait(), 120) != 0:
        raise RuntimeError("the dashboards' process failed")
    return json.loads(out_path.read_text())


def visibility(confirmed: dict[str, float], seen: list[dict[str, float]]) -> dict:
    """For each new report and each dashboard: seconds from its confirmation to the first
    refresh of that dashboard that showed it; and how many a dashboard never showed."""
    delays, missed, missed_by = [], 0, []
    for per_dashboard in seen:
        missing = 0
        for reference, at in confirmed.items():
            shown = per_dashboard.get(reference)
            if shown is None:
                missing += 1
            else:
                delays.append(shown - at)
        missed += missing
        missed_by.append(missing)
    within = sum(1 for d in delays if d <= VISIBLE_WITHIN_S)
    return {"pairs": len(confirmed) * len(seen), "shown": len(delays), "missed": missed,
            "within_target": within, "p50_s": percentile(delays, 0.50) / 1000, "p95_s": percentile(delays, 0.95) / 1000,
            "p99_s": percentile(delays, 0.99) / 1000, "max_s": max(delays) if delays else float("nan"),
            "min_s": min(delays) if delays else float("nan"), "missed_by_dashboard": missed_by}


def report(outcome: dict, seconds: float) -> str:
    command = " ".join(shlex.quote(a) for a in ["python", "-m", "bench.dashboard_live", *sys.argv[1:]])
    lines = [
        f"Command: `{command}`",
        f"Machine: {os.cpu_count()} cores, {_memory_gb():.0f} GiB, {platform.python_implementation()} "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.machine()}; "
        f"took {seconds:.0f} s (load average before the run: {outcome.get('load_before', '?')}).",
        f"Database before the runs: {outcome['seeded']['reports']} reports. People arrive one by one (Poisson, "
        f"rate/15 a second) and pause {outcome['think_s']:.1f} s on average before each update. Bot CPU counts "
        f"the dashboard too (same process).",
        *(["What if: bench.dashboard.SUGGESTED_INDEXES added to the database (none is in storage/)."]
          if outcome["seeded"].get("suggested_indexes") else []),
        "",
        "| run | updates | updates/s | reports | p50 ms | p95 ms | p99 ms | max ms | CPU ms/update | peak RSS MB | lost | p99 < 100 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in outcome["runs"].values():
        lines.append(f"| bot, {run['name']} | {run['updates']} | {run['updates_per_second']:.1f} | {run['reports']} | "
                     f"{run['p50_ms']:.1f} | {run['p95_ms']:.1f} | {run['p99_ms']:.1f} | {run['max_ms']:.1f} | "
                     f"{run['cpu_per_update_ms']:.2f} | {run['bot_peak_rss_mb']:.0f} | {run['lost']} | "
                     f"{'yes' if run['p99_ms'] < REPLY_TARGET_MS else '**no**'} |")
    for run in outcome["runs"].values():
        shown = run.get("dashboards")
        if not shown:
            continue
        lines += ["", f"New report to open dashboards ({run['name']}): {run['confirmed_references']} reports "
                      f"(at most {run['most_confirmed_within_2_5_s']} within 2.5 s; a page shows 50) × "
                      f"dashboards = {shown['pairs']} pairs; shown {shown['shown']}, never shown {shown['missed']}; "
                      f"delay p50 {shown['p50_s']:.2f} s, p95 {shown['p95_s']:.2f} s, p99 {shown['p99_s']:.2f} s, "
                      f"max {shown['max_s']:.2f} s (min {shown['min_s']:.2f} s); within {VISIBLE_WITHIN_S:.0f} s: "
                      f"{shown['within_target'] / max(1, shown['shown']) * 100:.1f} % "
                      f"({'target met' if shown['max_s'] <= VISIBLE_WITHIN_S and not shown['missed'] else 'target **missed**'}).",
                  "", "Dashboards' round trips (client side):", "",
                  "| request | n | p50 ms | p95 ms | p99 ms | max ms |", "|---|---|---|---|---|---|"]
        for label, p in sorted(run["dashboard_round_trips"].items(), key=lambda item: -item[1]["n"]):
            lines.append(f"| {label} | {p['n']} | {p['p50']:.1f} | {p['p95']:.1f} | {p['p99']:.1f} | {p['max']:.1f} |")
        if run["dashboard_errors"]:
            lines.append(f"\nNot 200: {run['dashboard_errors']}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    arguments = parse_args()
    load_before = " ".join(open("/proc/loadavg").read().split()[:3])
    began = time.monotonic()
    outcome = asyncio.run(main(arguments))
    outcome["load_before"] = load_before
    outcome["command"] = " ".join(["python", "-m", "bench.dashboard_live", *sys.argv[1:]])
    text = report(outcome, time.monotonic() - began)
    print(text)
    out = Path(arguments.out)
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"{stamp}-dashboard-live.txt").write_text(text)
    (out / f"{stamp}-dashboard-live.json").write_text(json.dumps(outcome, indent=2, ensure_ascii=False))
    print(f"written: {out / f'{stamp}-dashboard-live.txt'} and .json")
