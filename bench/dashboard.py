"""``python -m bench.dashboard``: the moderators' dashboard over a database of 50,000 reports.

Not part of the test suite. It builds a fresh database in a temporary folder (``bench.seed``), opens
a session for each of 50 moderators (as signing in would), serves the dashboard in this process
(``web.server.make_app``, the bot's own app, on 127.0.0.1) and drives it from a second process
(``--client``, so that the simulated browsers' own work does not run on the server's event loop);
the server process hands the GIL over as often as ``python -m bot`` does (its switch interval):

1. **sequential**: one moderator, one request at a time, ``--requests`` of each: GET /queue and
   GET /queue/rows under each filter combination, and GET /report/<ref>;
2. **50 at once**: 50 moderators, each sending its next request as soon as the last is answered
   (a closed loop: the server's saturation, not a day's load), the same mix;
3. **50 browsing**: 50 moderators for ``--browse-seconds``, as the page makes them: the rows of
   their queue refreshed every second as the page does (``hx-trigger="every 1s"`` on an address
   carrying the version shown: 204 when nothing changed), and another filtered queue or a report
   opened every 10 s on average (random pauses).

**Server-side** latency is taken by a middleware placed outside the app's own (so it holds the
session check, the queries and the rendering, but not the HTTP parsing and sending); the
client's round trip on localhost is recorded beside it. Every filter's two queries (the count and
the page) are also timed alone and explained (EXPLAIN QUERY PLAN) on a throwaway sqlite3
connection to the same database, to name the cause of anything slow.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import platform
import random
import re
import shlex
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

TARGET_MS = 100.0
POLL_S = 1.0  # the rows' hx-trigger (templates/queue_rows.html)
LABEL = "X-Bench-Label"
# Indexes this benchmark suggests (see BENCHMARKS.md), added to its own database by
# --suggested-indexes to measure them; no migration holds them. SQLite ends every index with the
# rowid, so (status) alone would serve "status = ? ORDER BY id DESC"; (status, id) says so.
SUGGESTED_INDEXES = (
    "CREATE INDEX bench_reports_status_id ON reports (status, id)",
    "CREATE INDEX bench_reports_taken_id ON reports (taken_by, id) WHERE taken_by IS NOT NULL",
    "CREATE INDEX bench_reports_submitted ON reports (submitted_at)",
)
# The same days compared as stored (clock.iso: UTC, "+00:00", to the second), so that an index
# on submitted_at can serve them: timed alone beside the dashboard's datetime() form.
PLAIN_DAYS = (("datetime(submitted_at) >= datetime(?)", "submitted_at >= ?"),
              ("datetime(submitted_at) < datetime(?)", "submitted_at < ?"))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=50_000, help="reports in the database")
    parser.add_argument("--requests", type=int, default=200, help="requests of each kind, sequential and at once")
    parser.add_argument("--sessions", type=int, default=50, help="moderators at once")
    parser.add_argument("--browse-seconds", type=float, default=60.0, help="length of the browsing run (0: none)")
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE on the database first (the bot never does)")
    parser.add_argument("--suggested-indexes", action="store_true",
                        help="add SUGGESTED_INDEXES to the bench database first (what if; storage/ has none of them)")
    parser.add_argument("--cached-names", action="store_true",
                        help="what if: staff names read once and kept (the queue reads one per row: 50 queries a page)")
    parser.add_argument("--poll-jitter", type=float, default=0.0,
                        help="browsing: each refresh waits 1 s plus up to this many seconds more (uniform; 0: exactly 1 s)")
    parser.add_argument("--only", default="123", help="which runs: 1 sequential, 2 at once, 3 browsing")
    parser.add_argument("--out", default="bench-results", help="folder for the JSON and text results")
    parser.add_argument("--client", help=argparse.SUPPRESS)  # internal: the client process's spec file
    return parser.parse_args(argv)


# ---- what is asked for ---------------------------------------------------------------------------

def filter_sets(today) -> dict[str, dict[str, str]]:
    """The filter combinations measured (query string values, as the filter form sends them)."""
    week_ago, yesterday = today - timedelta(days=7), today - timedelta(days=1)
    return {
        "no filter": {},
        "status=new": {"status": "new"},
        "region+category": {"region": "almaty_city", "category": "pressure"},
        "since+until (7 days)": {"since": week_ago.isoformat(), "until": yesterday.isoformat()},
        "since today": {"since": today.isoformat()},
        "text, 1 word": {"text": "бюллетеней"},
        "text, 2 words": {"text": "копию протокола"},
        "text, kk prefix": {"text": "бақылаушы"},
        "assignee=me": {"assignee": "me"},
        "page 50": {"page": "50"},
        "sort oldest": {"sort": "oldest"},
        "sort priority": {"sort": "priority"},
        "sort incident": {"sort": "incident"},
        "status=new, priority": {"status": "new", "sort": "priority"},
        "status+region+text": {"status": "new", "region": "astana", "text": "бюллетеней"},
    }


def plan(today, references: list[str]) -> list[tuple[str, list[str]]]:
    """(label, the URLs it cycles through) of every kind of request measured."""
    kinds = []
    for name, values in filter_sets(today).items():
        query = f"?{urlencode(values)}" if values else ""
        kinds.append((f"/queue · {name}", [f"/queue{query}"]))
        kinds.append((f"/queue/rows · {name}", [f"/queue/rows{query}"]))
    kinds.append(("/report/<ref>", [f"/report/{ref}" for ref in references]))
    return kinds


# ---- the server side -----------------------------------------------------------------------------

def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in ms of values in seconds (nearest rank, as bench.scenarios)."""
    if not values:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": float("nan")}
    ordered = sorted(values)
    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000
    return {"n": len(ordered), "p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": ordered[-1] * 1000}


class Server:
    """The dashboard app in this process, with a middleware timing every labelled request."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.failures: list[str] = []

    def middleware(self):
        from aiohttp import web

        @web.middleware
        async def timing(request, handler):
            began = time.perf_counter()
            status = 500
            try:
                response = await handler(request)
                status = response.status
                return response
            except web.HTTPException as exc:
                status = exc.status
                raise
            finally:
                label = request.headers.get(LABEL)
                if label:
                    self.samples[label].append(time.perf_counter() - began)
                    self.statuses[label][status] += 1
        return timing

    def take(self) -> tuple[dict[str, list[float]], dict[str, dict[int, int]]]:
        samples, statuses = dict(self.samples), {k: dict(v) for k, v in self.statuses.items()}
        self.samples.clear()
        self.statuses.clear()
        return samples, statuses


async def run_client(spec: dict, workdir: Path) -> dict:
    """Run the client process on ``spec``; its figures (round trips by label)."""
    spec_path = workdir / f"client-{spec['mode']}.json"
    out_path = workdir / f"client-{spec['mode']}-out.json"
    spec_path.write_text(json.dumps({**spec, "out": str(out_path)}))
    root = Path(__file__).resolve().parent.parent
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.dashboard", "--client", str(spec_path), cwd=str(root),
        env={**os.environ, "PYTHONPATH": str(root)})
    if await process.wait() != 0:
        raise RuntimeError(f"client process failed ({spec['mode']})")
    return json.loads(out_path.read_text())


def sql_costs(path: Path, services, visitor_id: int, today, plain_days: bool = False) -> list[dict]:
    """Each filter's count and page queries, timed alone (best of 5) and explained, on a
    throwaway sqlite3 connection: the SQL the dashboard sends, built by the same functions."""
    from services.search_query import from_form, FIND_KEYS
    from storage import moderation
    from storage.reports import COLUMNS
    from web.views_queue import EXTRA_KEYS, PAGE

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = []
    for name, given in filter_sets(today).items():
        values = {key: given.get(key, "") for key in (*FIND_KEYS, *EXTRA_KEYS)}
        filters = replace(from_form(values).filters(services.settings.tz),
                          taken_by=visitor_id if values["assignee"] == "me" else None)
        where, params = asyncio.run(moderation._where(None, filters))  # noqa: SLF001 - the SQL as the views build it
        if plain_days and "datetime(" in where:
            for old, new in PLAIN_DAYS:
                where = where.replace(old, new)
            name += " (days compared as stored)"
        page = int(given.get("page", "1"))
        order = moderation._ORDERS.get(given.get("sort", "newest"), "id DESC")  # as storage orders them
        count_sql = f"SELECT COUNT(*) FROM reports WHERE {where}"
        page_sql = f"SELECT {COLUMNS} FROM reports WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
        page_params = (*params, PAGE, (page - 1) * PAGE)
        timed = {}
        for key, sql, args in (("count", count_sql, params), ("page", page_sql, page_params)):
            best = float("inf")
            for _ in range(5):
                began = time.perf_counter()
                result = conn.execute(sql, args).fetchall()
                best = min(best, time.perf_counter() - began)
            timed[key] = best * 1000
            timed[f"{key}_plan"] = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", args)]
            if key == "count":
                timed["matches"] = result[0][0]
        rows.append({"filter": name, "where": where, **timed})
    conn.close()
    return rows


def cache_staff_names() -> None:
    """What if: ``storage.moderation.staff_name`` answered from memory after its first read of
    each person (in this process only, for --cached-names; stale if a name changed)."""
    from storage import moderation
    real, names = moderation.staff_name, {}

    async def staff_name(db, person_id):
        if person_id not in names:
            names[person_id] = await real(db, person_id)
        return names[person_id]
    moderation.staff_name = staff_name


async def main(args: argparse.Namespace) -> dict:
    from aiohttp import web

    from bench.procstat import cpu_seconds
    from bench.seed import seed
    from services.container import Services
    from services.web_login import open_session
    from bot.settings import Settings
    from tests.harness import SECRET, TOKEN
    from web.auth import COOKIE
    from web.server import make_app

    workdir = Path(tempfile.mkdtemp(prefix="kz-bench-dashboard-"))
    try:
        settings = Settings(_env_file=None, bot_token=TOKEN, secret_key=SECRET, data_dir=workdir / "data",
                            telegram_pacing=False, web_port=None)
        keys = settings.keys()
        seeded = await seed(settings.database_path, keys, args.reports, analyze=args.analyze)
        if args.suggested_indexes:
            with sqlite3.connect(settings.database_path) as conn:
                for sql in SUGGESTED_INDEXES:
                    conn.execute(sql)
            conn.close()
        print(f"seeded {seeded.reports} reports, {seeded.evidence} evidence rows, {seeded.audit} audit rows "
              f"in {seeded.seconds:.1f} s", flush=True)
        services = Services(settings=settings, keys=keys)
        db = await services.db()
        cookies = [f"{COOKIE}={(await open_session(db, keys, person))[0]}" for person in seeded.moderators]
        today = services.today()
        costs = await asyncio.to_thread(sql_costs, settings.database_path, services, seeded.moderators[0], today)
        if args.suggested_indexes:
            costs += [row for row in await asyncio.to_thread(sql_costs, settings.database_path, services,
                                                             seeded.moderators[0], today, True)
                      if row["filter"].endswith("(days compared as stored)")]

        server = Server()
        if args.cached_names:
            cache_staff_names()

        async def changed(report_id: int, redraw: bool) -> None:
            return None

        app = make_app(services, changed, failed=lambda exc: server.failures.append(repr(exc)))
        app.middlewares.insert(0, server.middleware())
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        kinds = plan(today, seeded.references)
        base = {"port": port, "kinds": kinds, "cookies": cookies[:args.sessions], "requests": args.requests,
                "jitter": args.poll_jitter}
        runs = {}
        try:
            for key, mode, title in (("1", "sequential", "sequential, 1 moderator"),
                                     ("2", "at_once", f"{args.sessions} moderators at once (closed loop)"),
                                     ("3", "browsing", f"{args.sessions} moderators browsing, {args.browse_seconds:.0f} s"
                                      + (f", refreshes 1 s + up to {args.poll_jitter * 1000:.0f} ms" if args.poll_jitter else ""))):
                if key not in args.only or (mode == "browsing" and not args.browse_seconds):
                    continue
                print(f"run: {title}", flush=True)
                began, cpu_before = time.monotonic(), cpu_seconds(os.getpid())
                client = await run_client({**base, "mode": mode, "seconds": args.browse_seconds}, workdir)
                seconds = time.monotonic() - began
                cpu = cpu_seconds(os.getpid()) - cpu_before
                samples, statuses = server.take()
                runs[mode] = {
                    "title": title, "seconds": seconds, "server_cpu_seconds": cpu,
                    "requests": sum(len(v) for v in samples.values()),
                    "server": {label: percentiles(values) for label, values in samples.items()},
                    "server_all_queue": percentiles([v for label, values in samples.items()
                                                     if label.startswith("/queue") for v in values]),
                    "client": {label: percentiles(values) for label, values in client["round_trips"].items()},
                    "statuses": statuses, "errors": client["errors"],
                }
        finally:
            await runner.cleanup()
            await services.close()
        return {"seeded": {"reports": seeded.reports, "evidence": seeded.evidence, "audit": seeded.audit,
                           "moderators": len(seeded.moderators), "seconds": seeded.seconds,
                           "db_mb": settings.database_path.stat().st_size / 2**20, "analyzed": args.analyze,
                           "suggested_indexes": list(SUGGESTED_INDEXES) if args.suggested_indexes else [],
                           "cached_names": args.cached_names},
                "sql": costs, "runs": runs, "failures": server.failures,
                "order": [label for label, _ in kinds]}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# ---- the client process --------------------------------------------------------------------------

async def client_main(spec: dict) -> dict:
    import aiohttp

    base = f"http://127.0.0.1:{spec['port']}"
    kinds: list[tuple[str, list[str]]] = [(label, urls) for label, urls in spec["kinds"]]
    round_trips: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    rng = random.Random(7)
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=60)

    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as http:
        async def get(cookie: str, label: str, url: str, record: bool = True) -> bytes | None:
            """The body, or None for 204 (the rows unchanged since the version asked about)."""
            began = time.perf_counter()
            async with http.get(url, headers={"Cookie": cookie, LABEL: label if record else ""},
                                allow_redirects=False) as response:
                body = await response.read()
                status = response.status
            if status not in (200, 204):
                errors[f"{label}: {status}"] += 1
            elif record:
                round_trips[label if status == 200 else f"{label} (204)"].append(time.perf_counter() - began)
            return body if status == 200 else None

        cookies = spec["cookies"]
        # Warm up: templates compiled, translators loaded, the database's pages in the cache.
        for label, urls in kinds:
            for url in urls[:3]:
                await get(cookies[0], label, url, record=False)

        if spec["mode"] == "sequential":
            for label, urls in kinds:
                for i in range(spec["requests"]):
                    await get(cookies[0], label, urls[i % len(urls)])
        elif spec["mode"] == "at_once":
            work = [(label, urls[i % len(urls)]) for label, urls in kinds for i in range(spec["requests"])]
            rng.shuffle(work)
            queue: asyncio.Queue = asyncio.Queue()
            for item in work:
                queue.put_nowait(item)

            async def worker(cookie: str) -> None:
                while not queue.empty():
                    label, url = queue.get_nowait()
                    await get(cookie, label, url)
            await asyncio.gather(*(worker(cookie) for cookie in cookies))
        elif spec["mode"] == "watch":
            seen = await watch(spec, kinds, cookies, get, rng)
            return {"round_trips": round_trips, "errors": dict(errors), "seen": seen}
        else:
            await browse(spec, kinds, cookies, get, rng)
    return {"round_trips": round_trips, "errors": dict(errors)}


async def browse(spec: dict, kinds, cookies: list[str], get, rng: random.Random,
                 polled: list[str] | None = None, on_rows=None) -> None:
    """Each moderator's page refreshes its rows every second (their own filters: most look at the
    whole queue or the new reports) and they open another page every 10 s on average."""
    ends = time.monotonic() + spec["seconds"]
    rows = {label: urls for label, urls in kinds if label.startswith("/queue/rows")}
    pages = [(label, urls) for label, urls in kinds if not label.startswith("/queue/rows")]
    polled = polled or ["/queue/rows · no filter"] * 5 + ["/queue/rows · status=new"] * 3 + list(rows)

    async def poller(index: int, cookie: str, label: str) -> None:
        # As the page does (templates/queue_rows.html): the rows ask their own address every
        # second; that address carries the version they show, so an unchanged queue answers 204
        # and the rows stay; new rows carry the next address. A refresh here starts 1 s after
        # the last was answered (htmx starts it 1 s after the last was sent: this is slower).
        url = rows[label][0]
        await asyncio.sleep(rng.uniform(0, POLL_S))
        while time.monotonic() < ends and not (spec.get("stop_file") and os.path.exists(spec["stop_file"])):
            body = await get(cookie, label, url)
            if body is not None:
                found = ROWS_URL.search(body)
                if found:
                    url = html.unescape(found.group(1).decode())
                if on_rows is not None:
                    on_rows(index, body, time.monotonic())
            await asyncio.sleep(POLL_S + rng.uniform(0, spec.get("jitter", 0.0)))

    async def navigator(cookie: str) -> None:
        while True:
            pause = rng.expovariate(1 / 10)
            if time.monotonic() + pause >= ends or (spec.get("stop_file") and os.path.exists(spec["stop_file"])):
                return
            await asyncio.sleep(pause)
            label, urls = rng.choice(pages)
            await get(cookie, label, rng.choice(urls))

    await asyncio.gather(*(poller(i, cookie, rng.choice(polled)) for i, cookie in enumerate(cookies)),
                         *(navigator(cookie) for cookie in cookies))


REFERENCE = re.compile(rb"/report/(KZ-\d{6})")
ROWS_URL = re.compile(rb'id="rows" hx-get="([^"]+)"')


async def watch(spec: dict, kinds, cookies: list[str], get, rng: random.Random) -> list[dict[str, float]]:
    """Browsing as above, every dashboard refreshing the whole queue or the new reports (where a
    new report comes first); for each, when (time.monotonic, system-wide on Linux) each reference
    first appeared in its rows. Runs until ``stop_file`` exists (or ``seconds`` pass)."""
    seen: list[dict[str, float]] = [{} for _ in cookies]

    def on_rows(index: int, body: bytes, at: float) -> None:
        for match in REFERENCE.finditer(body):
            seen[index].setdefault(match.group(1).decode(), at)

    polled = ["/queue/rows · no filter"] * 3 + ["/queue/rows · status=new"]
    await browse(spec, kinds, cookies, get, rng, polled=polled, on_rows=on_rows)
    return seen


# ---- the results ---------------------------------------------------------------------------------

def report(args: argparse.Namespace, outcome: dict, seconds: float) -> str:
    seeded = outcome["seeded"]
    command = " ".join(shlex.quote(a) for a in ["python", "-m", "bench.dashboard", *sys.argv[1:]])
    lines = [
        f"Command: `{command}`",
        f"Machine: {os.cpu_count()} cores, {_memory_gb():.0f} GiB, {platform.python_implementation()} "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.machine()}; "
        f"took {seconds:.0f} s (load average before the run: {outcome.get('load_before', '?')}).",
        f"Database: {seeded['reports']} reports, {seeded['evidence']} evidence rows, {seeded['audit']} audit rows, "
        f"{seeded['db_mb']:.0f} MB, written in {seeded['seconds']:.1f} s; ANALYZE {'run' if seeded['analyzed'] else 'not run (as in the bot)'}.",
        *([f"What if: indexes added to this database (none is in storage/): {'; '.join(seeded['suggested_indexes'])}."]
          if seeded["suggested_indexes"] else []),
        *(["What if: staff names answered from memory (storage.moderation.staff_name wrapped in this process), "
           "not one query per row."] if seeded.get("cached_names") else []),
        "Server-side: a middleware outside the app's own (session check, queries, rendering; not HTTP parsing "
        f"or sending). Round trip: the client process, on localhost. GIL switch interval {sys.getswitchinterval() * 1000:g} ms "
        "(as python -m bot). Target: p99 under 100 ms.",
        "",
    ]
    for mode, run in outcome["runs"].items():
        lines += [f"### {run['title']} ({run['requests']} requests in {run['seconds']:.0f} s, "
                  f"{run['requests'] / run['seconds']:.0f}/s; server process CPU "
                  f"{run['server_cpu_seconds'] / max(1, run['requests']) * 1000:.1f} ms a request, "
                  f"{run['server_cpu_seconds'] / run['seconds'] * 100:.0f} % of a core)", "",
                  "| request | n | p50 ms | p95 ms | p99 ms | max ms | round trip p99 ms | p99 < 100 ms |",
                  "|---|---|---|---|---|---|---|---|"]
        for label in outcome["order"]:
            server = run["server"].get(label)
            if not server:
                continue
            client = run["client"].get(label, {"p99": float("nan")})
            lines.append(f"| {label} | {server['n']} | {server['p50']:.1f} | {server['p95']:.1f} | "
                         f"{server['p99']:.1f} | {server['max']:.1f} | {client['p99']:.1f} | "
                         f"{'yes' if server['p99'] < TARGET_MS else '**no**'} |")
        every = run["server_all_queue"]
        lines.append(f"| every /queue and /queue/rows above | {every['n']} | {every['p50']:.1f} | {every['p95']:.1f} | "
                     f"{every['p99']:.1f} | {every['max']:.1f} | | {'yes' if every['p99'] < TARGET_MS else '**no**'} |")
        if run["errors"]:
            lines.append(f"\nNot 200: {run['errors']}")
        lines.append("")
    lines += ["### The queries alone (best of 5, sqlite3 on the same file)", "",
              "| filter | matches | COUNT ms | page ms | plan of the count | plan of the page |", "|---|---|---|---|---|---|"]
    for row in outcome["sql"]:
        lines.append(f"| {row['filter']} | {row['matches']} | {row['count']:.1f} | {row['page']:.1f} | "
                     f"{'; '.join(row['count_plan'])} | {'; '.join(row['page_plan'])} |")
    if outcome["failures"]:
        lines.append(f"\nPages that failed: {outcome['failures'][:5]}")
    return "\n".join(lines) + "\n"


def _memory_gb() -> float:
    with open("/proc/meminfo") as fh:
        return int(fh.readline().split()[1]) / 2**20


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.client:
        spec = json.loads(Path(arguments.client).read_text())
        Path(spec["out"]).write_text(json.dumps(asyncio.run(client_main(spec))))
        sys.exit(0)
    load_before = open("/proc/loadavg").read().split()[:3]
    from bot.__main__ import SWITCH_INTERVAL
    sys.setswitchinterval(SWITCH_INTERVAL)  # as python -m bot runs (its dashboard is in that process)
    began = time.monotonic()
    outcome = asyncio.run(main(arguments))
    outcome["load_before"] = " ".join(load_before)
    outcome["command"] = " ".join(["python", "-m", "bench.dashboard", *sys.argv[1:]])
    text = report(arguments, outcome, time.monotonic() - began)
    print(text)
    out = Path(arguments.out)
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"{stamp}-dashboard.txt").write_text(text)
    (out / f"{stamp}-dashboard.json").write_text(json.dumps(outcome, indent=2, ensure_ascii=False))
    print(f"written: {out / f'{stamp}-dashboard.txt'} and .json")
