"""``python -m bench.steps``: scenario a's steady run (everybody in step) with the reply latency of
each step of the report apart: where the time goes when a thousand people reach the same step at
once. Not part of the test suite; the figures, the machine and the command go to bench-results/.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import platform
import shlex
import sys
import tempfile
import time
from pathlib import Path

from bench import workload
from bench.scenarios import percentile, reports_run

STEP_NAMES = ("/start", "New report", "what (a category)", "region", "where exactly (245)", "just now",
              "description", "photo at the review", "Send")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.steps", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100.0, help="updates a second")
    parser.add_argument("--max-concurrent-updates", type=int, default=None,
                        help="the bot's MAX_CONCURRENT_UPDATES (its default when not given)")
    parser.add_argument("--out", default="bench-results")
    return parser.parse_args()


async def run(args: argparse.Namespace) -> tuple[object, dict[int, list[float]], dict[int, list[float]]]:
    by_step: dict[int, list[float]] = collections.defaultdict(list)
    seen_after: dict[int, list[float]] = collections.defaultdict(list)

    async def one(user, pacer, timeout):
        """bench.workload._one_report, keeping each step's latency apart."""
        stats = workload.Stats()
        for number, step in enumerate(workload.full_report(user, workload.small_jpeg(user.id))):
            await pacer.take()
            sent = time.monotonic()
            if await user.act(step(), stats, timeout) is None:
                return stats
            # What the person waits for: from sending the update to seeing its answer (for Send,
            # the confirmation with the reference), as the bench's client sees it.
            seen_after[number].append(time.monotonic() - sent)
            by_step[number].append(stats.latencies[-1])
            if number == 0:
                stats.first.append(stats.latencies[-1])
        stats.reports += 1
        return stats

    workload._one_report = one  # run_reports calls it through the module
    with tempfile.TemporaryDirectory() as tmp:
        env = {"MAX_CONCURRENT_UPDATES": str(args.max_concurrent_updates)} if args.max_concurrent_updates else {}
        figures = await reports_run("steps: bot, steady", "bot", args.users, args.rate, Path(tmp), env=env)
    return figures, by_step, seen_after


def main() -> None:
    args = parse_args()
    started = time.monotonic()
    figures, by_step, seen_after = asyncio.run(run(args))
    lines = [
        f"Command: `{shlex.join(['python', '-m', 'bench.steps', *sys.argv[1:]])}`",
        f"Machine: {platform.machine()}, CPython {platform.python_version()}; took {time.monotonic() - started:.0f} s.",
        f"Whole run: {figures.updates} updates at {figures.updates_per_second:.1f} a second, "  # type: ignore[attr-defined]
        f"p50 {figures.p50_ms:.1f} ms, p99 {figures.p99_ms:.1f} ms, lost {figures.lost}, refused {figures.refused}.",  # type: ignore[attr-defined]
        "",
        "First answer: the update handed to the bot to its first call in that chat (as `python -m bench`);",
        "seen: the update sent to its visible answer reaching the client (for Send, the confirmation).",
        "",
        "| step | update | first answer p50 ms | p95 | p99 | max | seen p50 ms | p95 | p99 | max |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for number, values in sorted(by_step.items()):
        name = STEP_NAMES[number] if number < len(STEP_NAMES) else str(number)
        seen = seen_after[number]
        lines.append(f"| {number + 1} | {name} | {percentile(values, 0.5):.1f} | {percentile(values, 0.95):.1f} | "
                     f"{percentile(values, 0.99):.1f} | {1000 * max(values):.1f} | {percentile(seen, 0.5):.1f} | "
                     f"{percentile(seen, 0.95):.1f} | {percentile(seen, 0.99):.1f} | {1000 * max(seen):.1f} |")
    text = "\n".join(lines) + "\n"
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    path = out / f"{time.strftime('%Y%m%d-%H%M%S')}-steps.txt"
    path.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
