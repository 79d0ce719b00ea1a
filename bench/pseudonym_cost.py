"""``python -m bench.pseudonym_cost``: what it costs to reverse a pseudonym by trying every
Telegram id, with the server's key in hand (SECURITY.md).

Not part of the test suite. It times ``Keys.pseudonym`` (Argon2id with storage.crypto's
PSEUDONYM_KDF) on fresh ids, on one thread and on as many threads as the machine has cores, and
scales the measured rate to every id below ``--ids`` (Telegram's user ids are below 10^10 today).
The figures, the machine and the command are written to bench-results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from storage.crypto import PSEUDONYM_KDF, Keys

YEAR = 365.25 * 24 * 3600


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pseudonym_cost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=40, help="pseudonyms timed one by one")
    parser.add_argument("--ids", type=float, default=1e10, help="how many ids an attacker must try")
    parser.add_argument("--memory-mib", type=int, default=None,
                        help="what if the pseudonym took this much memory (not the bot's setting: a"
                             " cheaper pseudonym's cost to the bot and to an attacker, for a decision)")
    parser.add_argument("--out", default="bench-results")
    return parser.parse_args()


def main(args: argparse.Namespace) -> dict:
    if args.memory_mib is not None:
        PSEUDONYM_KDF["memory_cost"] = args.memory_mib * 1024  # this process only: a what-if
    keys = Keys("bench-secret-key-0123456789abcdefghijklmnop")
    base = 7_000_000_000 + int(time.time()) % 1_000_000 * 1000  # fresh ids: nothing cached
    one = []
    for i in range(args.samples):
        began = time.perf_counter()
        keys.pseudonym(base + i)
        one.append(time.perf_counter() - began)
    cores = os.cpu_count() or 1
    batch = [base + 10_000 + i for i in range(args.samples)]
    began = time.perf_counter()
    with ThreadPoolExecutor(cores) as pool:
        list(pool.map(keys.pseudonym, batch))
    parallel = (time.perf_counter() - began) / len(batch)  # seconds per pseudonym, all cores busy
    median = statistics.median(one)
    return {
        "kdf": {"algorithm": "Argon2id", **PSEUDONYM_KDF},
        "samples": args.samples, "ms_median": median * 1000, "ms_p90": sorted(one)[int(len(one) * 0.9)] * 1000,
        "ms_max": max(one) * 1000, "cores": cores, "ms_per_pseudonym_all_cores": parallel * 1000,
        "ids": args.ids, "core_years": args.ids * median / YEAR,
        "machine_years": args.ids * parallel / YEAR, "what_if": args.memory_mib is not None,
    }


def report(outcome: dict, command: str) -> str:
    kdf = outcome["kdf"]
    return "\n".join([
        f"Command: `{command}`",
        f"Machine: {outcome['cores']} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}.",
        f"Pseudonym: Argon2id, {kdf['memory_cost'] // 1024} MiB, {kdf['iterations']} passes, {kdf['lanes']} lane, "
        "keyed by SECRET_KEY" + (" (a what-if: the bot's setting is storage.crypto's)." if outcome.get("what_if") else "."),
        "",
        f"- One pseudonym on one core: median {outcome['ms_median']:.1f} ms, p90 {outcome['ms_p90']:.1f} ms, "
        f"max {outcome['ms_max']:.1f} ms ({outcome['samples']} fresh ids).",
        f"- With all {outcome['cores']} cores busy: {outcome['ms_per_pseudonym_all_cores']:.1f} ms a pseudonym.",
        f"- Trying every id below {outcome['ids']:.0e}: {outcome['core_years']:.1f} core-years; "
        f"{outcome['machine_years']:.1f} years of this whole machine.",
        "",
    ])


if __name__ == "__main__":
    arguments = parse_args()
    command = " ".join(shlex.quote(a) for a in ["python", "-m", "bench.pseudonym_cost", *sys.argv[1:]])
    outcome = main(arguments)
    outcome["command"] = command
    text = report(outcome, command)
    print(text)
    out = Path(arguments.out)
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"{stamp}-pseudonym-cost.txt").write_text(text)
    (out / f"{stamp}-pseudonym-cost.json").write_text(json.dumps(outcome, indent=2))
    print(f"written: {out / f'{stamp}-pseudonym-cost.txt'}")
