"""``python -m bench``: run the voting-day scenarios and print (and save) the figures.

Not part of the test suite. Each scenario starts the bot under test as its own process against
a fresh fake Bot API server on 127.0.0.1 and a fresh DATA_DIR.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from bench import compare
from bench.scenarios import Figures, heavy_uploads_run, open_drafts_run, reports_run


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--users", type=int, default=1000, help="people filing a full report (a)")
    parser.add_argument("--rate", type=float, default=100.0, help="steady rate, updates a second (a, b)")
    parser.add_argument("--typists", type=int, default=500, help="people typing beside the uploads (b)")
    parser.add_argument("--drafts", type=int, default=10_000, help="open drafts at restart (c)")
    parser.add_argument("--limited-users", type=int, default=20, help="people under Telegram's limits (d)")
    parser.add_argument("--only", default="abcd", help="which scenarios, e.g. 'ad'")
    parser.add_argument("--out", default="bench-results", help="folder for the JSON and Markdown results")
    compare = parser.add_argument_group("--compare: the bot against a bare python-telegram-bot bot (bench/compare.py)")
    compare.add_argument("--compare", action="store_true", help="run the comparison instead of the scenarios")
    compare.add_argument("--people", type=int, default=200, help="new people in the closed loop")
    compare.add_argument("--steps", type=int, default=4, help="updates each (at most 4)")
    compare.add_argument("--rounds", type=int, default=3, help="bot and bare bot, alternating, per regime")
    compare.add_argument("--regimes", nargs="+", default=["free", "limited"], choices=["free", "limited"])
    compare.add_argument("--burst", type=int, default=200, help="new people sending /start within one second (0: none)")
    compare.add_argument("--reports", type=int, default=20, help="full reports whose calls are counted (0: none)")
    return parser.parse_args()


def row(f: Figures) -> str:
    return (f"| {f.name} | {f.updates} | {f.updates_per_second:.1f} | {f.reports_per_second:.2f} | "
            f"{f.p50_ms:.1f} | {f.p95_ms:.1f} | {f.p99_ms:.1f} | {f.cpu_per_update_ms:.2f} | "
            f"{f.peak_rss_mb:.0f} | {f.db_mb:.1f} | {f.lost} | {f.refused} | "
            f"{f.first_p50_ms:.1f} / {f.first_p99_ms:.1f} |")


HEADER = ("| run | updates | updates/s | reports/s | p50 ms | p95 ms | p99 ms | CPU ms/update | "
          "peak RSS MB | DATA_DIR MB | lost | refused | first update p50 / p99 ms |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|")


async def main(args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="kz-bench-"))
    results: dict = {}
    try:
        if args.compare:
            return {"compare": await compare.compare(args, workdir)}
        if "a" in args.only:
            results["a"] = [
                await reports_run("a: bot, steady", "bot", args.users, args.rate, workdir),
                await reports_run("a: bare, steady", "bench.bare_bot", args.users, args.rate, workdir),
                # The same offered rate with people out of step, as real arrivals are: each
                # person pauses at random (on average 30 % of their share of the rate) before each
                # update, so the steps mix (simulated: photos at up to about 40 a second, not 100).
                await reports_run("a: bot, steady, out of step", "bot", args.users, args.rate, workdir,
                                  think=0.3 * args.users / args.rate),
                await reports_run("a: bot, flat out", "bot", args.users, None, workdir),
                await reports_run("a: bare, flat out", "bench.bare_bot", args.users, None, workdir),
                await reports_run("a: bare on aiohttp, flat out", "bench.bare_bot", args.users, None, workdir,
                                  env={"BARE_TRANSPORT": "aiohttp"}),
            ]
        if "b" in args.only:
            results["b"] = list(await heavy_uploads_run(args.typists, args.rate, workdir))
        if "c" in args.only:
            results["c"] = await open_drafts_run(args.drafts, workdir)
        if "d" in args.only:
            results["d"] = [await reports_run("d: bot under Telegram's limits", "bot", args.limited_users,
                                              None, workdir, moderators=True, limits=True, drain=True)]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def report(args: argparse.Namespace, results: dict, seconds: float) -> str:
    lines = [
        f"Command: `{' '.join(shlex.quote(a) for a in ['python', '-m', 'bench', *sys.argv[1:]])}`",
        f"Machine: {os.cpu_count()} cores, {_memory_gb():.0f} GiB, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.machine()}; took {seconds:.0f} s; "
        f"load average at the end {os.getloadavg()[0]:.1f}.",
        "",
    ]
    if "compare" in results:
        return "\n".join(lines + compare.markdown(results["compare"])) + "\n"
    tables = [f for key in ("a", "b", "d") for f in results.get(key, [])]
    if tables:
        lines += [HEADER, *(row(f) for f in tables), ""]
    if "a" in results:
        bot, bare, _out_of_step, bot_max, bare_max, same_transport = results["a"]
        lines.append(f"CPU per update, ours / bare (steady): {bot.cpu_per_update_ms / bare.cpu_per_update_ms:.2f}x; "
                     f"flat out: {bot_max.cpu_per_update_ms / bare_max.cpu_per_update_ms:.2f}x. "
                     f"Max rate, ours / bare: {bot_max.updates_per_second / bare_max.updates_per_second:.2f}.")
        lines.append(f"Against the bare bot on our transport (aiohttp), flat out: CPU per update "
                     f"{bot_max.cpu_per_update_ms / same_transport.cpu_per_update_ms:.2f}x, max rate "
                     f"{bot_max.updates_per_second / same_transport.updates_per_second:.2f}.")
    if "b" in results and "a" in results:
        lines.append(f"Scenario b: others' p99 {results['b'][0].p99_ms:.1f} ms vs "
                     f"{results['a'][0].p99_ms:.1f} ms in a ({results['b'][0].p99_ms / results['a'][0].p99_ms:.2f}x).")
    if "c" in results:
        c = results["c"]
        lines.append(f"Scenario c: {c['drafts']} open drafts; first reply {c['first_reply_s']:.2f} s after the "
                     f"process started; RSS {c['rss_mb']:.0f} MB (peak {c['peak_rss_mb']:.0f} MB).")
    return "\n".join(lines) + "\n"


def _memory_gb() -> float:
    with open("/proc/meminfo") as fh:
        return int(fh.readline().split()[1]) / 2**20


if __name__ == "__main__":
    arguments = parse_args()
    began = time.monotonic()
    outcome = asyncio.run(main(arguments))
    text = report(arguments, outcome, time.monotonic() - began)
    print(text)
    out = Path(arguments.out)
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    stamp += "-compare" if arguments.compare else ""
    (out / f"{stamp}.md").write_text(text)
    (out / f"{stamp}.json").write_text(json.dumps(
        {"command": text.splitlines()[0],
         **{k: ([asdict(f) for f in v] if isinstance(v, list) else v) for k, v in outcome.items()}}, indent=2))
