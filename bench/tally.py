"""``python -m bench.tally``: the whole country's tally and the official file's load at election scale
(issue #29's bounds: with 10,000 precincts, 30,000 protocol copies and the official file loaded,
the tally answers in under 500 ms server-side; loading the official CSV takes under 10 s).

Not part of the test suite. A fresh database: the election's five candidates, ``--precincts``
precincts over the 21 regions (the three cities larger), ``--copies`` protocol copies spread
over them (one each, the rest at random; nine in ten precincts' copies agree, the rest differ on a
candidate's line) and one turnout count per precinct, each stored through
``storage.reports.submit`` with its figures (``storage.counts``), as the observers' wizard stores
them; the seeding runs with ``synchronous=OFF`` to take minutes, not an hour (the bot's own
writes stay FULL). The official file (every precinct, the seven turnout hours, the protocol's
lines and the candidates; one precinct in fifty a few hundred votes off the observers) is made as
CSV, then loaded ``--loads`` times through ``services.official.load`` (checked whole, replaced in
one transaction, audited), timed. The tally is computed ``--requests`` times
(``services.tally.current``), then the dashboard's own app (``web.server.make_app``) serves
/tally, a region, a precinct and the JSON export to one signed-in moderator, with a middleware
outside the app's own taking the server-side time. Last, the protocol-discrepancy reports the
file calls for are filed once, timed.

``--keep FILE`` keeps the seeded database (copied right after seeding) at FILE and, when FILE is
there already, starts from a copy of it instead of seeding again (the same random choices are
made, so the official file and the later copies are the same): seeding takes minutes."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench import served

CANDIDATES = ("Бірінші Кандидат", "Второй Кандидат", "Third Candidate", "Төртінші Кандидат", "Пятый Кандидат")
BIG = ("almaty_city", "astana", "shymkent")


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def precincts_of(count: int, rng: random.Random) -> list[tuple[str, str]]:
    from domain.rules import REGIONS
    weights = [4 if region in BIG else 1 for region in REGIONS]
    taken: dict[str, int] = {}
    found = []
    for _ in range(count):
        region = rng.choices(REGIONS, weights)[0]
        taken[region] = taken.get(region, 0) + 1
        found.append((region, str(taken[region])))
    return found


def protocol(rng: random.Random) -> dict[str, int]:
    """A protocol that adds up."""
    listed = rng.randint(600, 3000)
    issued = int(listed * rng.uniform(0.45, 0.85))
    spoiled = rng.randint(0, 6)
    unused = rng.randint(20, 200)
    cast = issued - rng.randint(0, 3)
    invalid = rng.randint(0, 20)
    votes = cast - invalid
    shares = [rng.random() for _ in CANDIDATES]
    each = [int(votes * share / sum(shares)) for share in shares]
    each[0] += votes - sum(each)
    figures = {"voters_listed": listed, "ballots_received": issued + spoiled + unused, "ballots_issued": issued,
               "ballots_cast": cast, "ballots_spoiled": spoiled, "ballots_unused": unused, "invalid": invalid}
    figures.update({f"candidate:{position}": value for position, value in enumerate(each, start=1)})
    return figures


def official_csv(truth: dict[tuple[str, str], dict[str, int]], rng: random.Random) -> tuple[bytes, int]:
    """The commission's file: every precinct, its turnout hours and its figures; one in fifty
    off the observers by a few hundred votes for the first candidate. Returns it and how many."""
    from domain.counts import PROTOCOL_LINES, TURNOUT_HOURS
    header = ["region", "precinct", *(f"turnout_{hour}" for hour in TURNOUT_HOURS), *PROTOCOL_LINES,
              *(f"candidate:{position}" for position in range(1, len(CANDIDATES) + 1))]
    out = io.StringIO()
    out.write(",".join(header) + "\n")
    off = 0
    for (region, precinct), figures in truth.items():
        figures = dict(figures)
        if rng.random() < 0.02:
            figures["candidate:1"] += rng.randint(200, 900)
            off += 1
        issued = figures["ballots_issued"]
        turnout = [int(issued * share) for share in (0.12, 0.27, 0.44, 0.61, 0.78, 0.93)] + [issued]
        cells = [region, precinct, *map(str, turnout), *(str(figures[line]) for line in header[9:])]
        out.write(",".join(cells) + "\n")
    return out.getvalue().encode(), off


async def main(args: argparse.Namespace) -> dict:

    from bot.settings import Settings
    from domain.counts import TURNOUT_HOURS
    from services import discrepancies, official, tally
    from services.container import Services
    from services.web_login import open_session
    from storage import counts, people, reports
    from storage.counts import ProtocolFigures, TurnoutFigure
    from storage.models import NewReport
    from tests.harness import SECRET, TOKEN

    workdir = Path(tempfile.mkdtemp(prefix="kz-bench-tally-"))
    rng = random.Random(29)
    try:
        settings = Settings(_env_file=None, bot_token=TOKEN, secret_key=SECRET, data_dir=workdir / "data",
                            telegram_pacing=False, web_port=None)
        services = Services(settings=settings, keys=settings.keys())
        reuse = args.keep is not None and args.keep.exists()
        if reuse:  # before the app opens it: a copy of the database seeded before
            (workdir / "data").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(args.keep, workdir / "data" / "bot.sqlite3")
        db = await services.db()
        if not reuse:
            await counts.set_candidates(db, CANDIDATES)
        await db.conn.execute("PRAGMA synchronous=OFF")  # seeding only
        began = time.perf_counter()
        precincts = precincts_of(args.precincts, rng)
        truth = {key: protocol(rng) for key in precincts}
        # Each precinct one copy, the rest spread at random: one to five copies a precinct.
        owners = list(precincts) + [rng.choice(precincts) for _ in range(args.copies - len(precincts))]
        differing = {key for key in precincts if rng.random() < 0.1}
        seen: set[tuple[str, str]] = set()
        for n, key in enumerate(owners):
            figures = dict(truth[key])
            if key in differing and key in seen:  # a later copy that reads a line otherwise
                figures["candidate:2"] += rng.choice((10, 37, 100))
            seen.add(key)
            if reuse:
                continue
            await reports.submit(db, 0, NewReport(
                reporter_role="observer", accredited=True, category="count", subcategory="protocol", region=key[0],
                precinct=key[1], precinct_kind="number", occurred_at="2026-12-06", kind="results",
                description="Хаттаманың көшірмесі: учаскелік комиссияның қорытынды хаттамасы.",
                submission_key=f"bench-copy-{n}"), with_draft=False,
                then=counts.protocol(ProtocolFigures(copy_state="sealed", figures=figures)))
            if n % 5000 == 4999:
                print(f"  {n + 1} copies", flush=True)
        for n, key in enumerate(precincts):
            hour = rng.choice(TURNOUT_HOURS[:-1])
            voters = rng.randint(50, 900)
            if reuse:
                continue
            await reports.submit(db, 0, NewReport(
                reporter_role="observer", accredited=True, category="count", subcategory="protocol", region=key[0],
                precinct=key[1], precinct_kind="number", occurred_at="2026-12-06", kind="turnout",
                description="Сағат бойынша келген сайлаушылар саны.", submission_key=f"bench-count-{n}"),
                with_draft=False, then=counts.turnout(TurnoutFigure(hour=hour, source="counted",
                                                                    voters=voters)))
        await db.conn.execute("PRAGMA synchronous=FULL")
        seeding = time.perf_counter() - began
        if args.keep is not None and not reuse:
            args.keep.unlink(missing_ok=True)
            await db.conn.execute("VACUUM INTO ?", (str(args.keep),))
        print(f"seeded {len(precincts)} precincts, {len(owners)} copies, {len(precincts)} counts in {seeding:.0f} s",
              flush=True)

        data, off = official_csv(truth, rng)
        loads = []
        for _ in range(args.loads):
            began = time.perf_counter()
            loaded = await official.load(db, data, "admin BENCH")
            loads.append(time.perf_counter() - began)
        print(f"official file: {len(data)} bytes, {loaded.rows} rows, load median {statistics.median(loads):.2f} s",
              flush=True)

        cold, warm, after_new = [], [], []
        for _ in range(args.requests):  # read whole (a process's first tally, or after an official load)
            tally._last.clear()
            began = time.perf_counter()
            found = await tally.current(db, settings.counts_discrepancy)
            cold.append(time.perf_counter() - began)
        for _ in range(args.requests):  # nothing changed since
            began = time.perf_counter()
            found = await tally.current(db, settings.counts_discrepancy)
            warm.append(time.perf_counter() - began)
        for round_ in range(args.requests):  # ten new copies since, a conflict among them
            for n in range(10):
                key = rng.choice(precincts)
                figures = dict(truth[key])
                figures["candidate:3"] += n % 2
                await reports.submit(db, 0, NewReport(
                    reporter_role="observer", accredited=True, category="count", subcategory="protocol",
                    region=key[0], precinct=key[1], precinct_kind="number", occurred_at="2026-12-06", kind="results",
                    description="Хаттаманың көшірмесі: учаскелік комиссияның қорытынды хаттамасы.",
                    submission_key=f"bench-late-{round_}-{n}"), with_draft=False,
                    then=counts.protocol(ProtocolFigures(copy_state="sealed", figures=figures)))
            began = time.perf_counter()
            found = await tally.current(db, settings.counts_discrepancy)
            after_new.append(time.perf_counter() - began)
        country = found.regions[tally.COUNTRY]

        moderator = await people.add_staff(db, "b" * 64, "moderator", "ru")
        cookie = (await open_session(db, services.keys, moderator.id))[0]
        region, number = precincts[0]
        pages = ("/tally", "/tally?region=almaty_city", f"/tally/{region}/{number}", "/tally/export?format=json",
                 "/tally/export?format=csv")
        async with served.dashboard(services) as site:
            sizes = await site.fetch(cookie, pages, args.page_requests)
        server_times = site.times

        began = time.perf_counter()
        filed = await discrepancies.file_new(services)
        filing = time.perf_counter() - began
        await services.close()
        return {
            "precincts": len(precincts), "copies": len(owners), "turnout_counts": len(precincts),
            "seeding_s": round(seeding, 1), "seeded_before": reuse,
            "official_file": {"bytes": len(data), "rows": loaded.rows, "precincts_off": off},
            "official_load": {**summary(loads), "median_s": round(statistics.median(loads), 2)},
            "tally_read_whole": summary(cold), "tally_unchanged": summary(warm),
            "tally_after_ten_new_copies": summary(after_new),
            "country": {"official_precincts": country.official_precincts, "covered": country.covered,
                        "conflicts": country.conflicts, "discrepant": country.discrepant},
            "pages": {path: {**summary(server_times[path]), "bytes": sizes[path]} for path in pages},
            "discrepancy_reports": {"filed": len(filed), "seconds": round(filing, 2)},
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "loadavg": os.getloadavg()},
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precincts", type=int, default=10_000)
    parser.add_argument("--copies", type=int, default=30_000)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--page-requests", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--keep", type=Path, help="keep the seeded database here, or start from it if there")
    arguments = parser.parse_args()
    outcome = asyncio.run(main(arguments))
    text = json.dumps(outcome, indent=2, ensure_ascii=False)
    print(text)
    arguments.out.mkdir(exist_ok=True)
    (arguments.out / f"{time.strftime('%Y%m%d-%H%M%S')}-tally.json").write_text(text + "\n", encoding="utf-8")
