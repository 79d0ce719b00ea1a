"""``python -m bench.map_groups``: the map's data, the day over time and witness groups over a
database of 50,000 reports (issue #28's bounds: the map's data and a group's computation under
200 ms server-side, grouping a new report under 10 ms).

Not part of the test suite. A fresh database from ``bench.seed`` (30 days, the last the busiest),
a third of its reports given a location inside Kazakhstan; the dashboard's own app
(``web.server.make_app``) serves it on 127.0.0.1 and one signed-in moderator asks for each page
``--requests`` times in turn; a middleware outside the app's own takes the server-side time (the
session check, the queries, the rendering or JSON, not HTTP parsing) and the process's CPU time
meanwhile (the work itself, whatever other processes take of the machine's cores). Then ``--groups`` new
reports are stored through ``storage.reports.submit`` at busy precincts and places, and each is
grouped (``storage.witnesses.place``) and its group read (``group_of``), timed alone.

The map page in headless Chromium (``--loads``, Debian's /usr/bin/chromium or the one CHROMIUM
names, driven by Playwright as the browser tests do): the signed-in moderator's browser opens
/map and the time is taken from the navigation's start to the moment the page's script has
drawn the regions and the clustered points (it sets ``data-ready`` on the map and marks
``map-ready`` in the page's performance timeline), for a first load (nothing cached) and for
later ones in the same browser."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import served

PAGES = ("/map/data", "/map/data?status=new", "/map/data?category=station", "/map/data?priority=urgent",
         "/map", "/day")


async def browse_map(base: str, cookie_name: str, cookie: str, loads: int) -> dict:
    """The map page in headless Chromium ``loads`` times: the first with nothing cached."""
    from playwright.async_api import async_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    walls, marks = [], []
    drawn = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            await context.add_cookies([{"name": cookie_name, "value": cookie, "url": base}])
            for _ in range(loads):
                page = await context.new_page()
                began = time.perf_counter()
                await page.goto(f"{base}/map", wait_until="commit")
                await page.wait_for_selector('#map[data-ready="1"]', timeout=60_000)
                walls.append(time.perf_counter() - began)
                marks.append(await page.evaluate(  # a page before the mark: the wall time alone
                    "(performance.getEntriesByName('map-ready')[0] || {startTime: NaN}).startTime") / 1000)
                drawn = await page.evaluate("""() => ({
                    regions: document.querySelectorAll('path.region').length,
                    clusters: document.querySelectorAll('.marker-cluster').length,
                    points: document.querySelectorAll('path.point').length,
                    data_bytes: performance.getEntriesByType('resource').filter(e => e.name.includes('/map/data'))
                        .map(e => e.decodedBodySize)[0],
                    timeline_ms: Object.fromEntries([
                        ['html', performance.getEntriesByType('navigation')[0].responseEnd],
                        ['dom_ready', performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd],
                        ...performance.getEntriesByType('resource').map(e => [e.name.split('/').pop().split('?')[0], e.responseEnd]),
                        ['drawn', (performance.getEntriesByName('map-ready')[0] || {startTime: NaN}).startTime]].map(([k, v]) => [k, Math.round(v)]))})""")
                await page.close()
        finally:
            await browser.close()
    return {"first_load_ms": round(walls[0] * 1000, 1), "first_load_in_page_ms": round(marks[0] * 1000, 1),
            "later": summary(walls[1:]) if loads > 1 else None,
            "later_in_page": summary(marks[1:]) if loads > 1 else None, "drawn": drawn}


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2)}


async def main(args: argparse.Namespace) -> dict:

    from bench.seed import seed
    from services.container import Services
    from services.web_login import open_session
    from bot.settings import Settings
    from domain import clock
    from storage import people, reports, witnesses
    from storage.models import NewReport
    from tests.harness import SECRET, TOKEN
    from web.auth import COOKIE

    workdir = Path(tempfile.mkdtemp(prefix="kz-bench-map-"))
    try:
        settings = Settings(_env_file=None, bot_token=TOKEN, secret_key=SECRET, data_dir=workdir / "data",
                            telegram_pacing=False, web_port=None)
        keys = settings.keys()
        seeded = await seed(settings.database_path, keys, args.reports)
        rng = random.Random(28)
        with sqlite3.connect(settings.database_path) as conn:  # a third with a location, near a town
            towns = [(51.13, 71.43), (43.24, 76.95), (42.32, 69.59), (49.80, 73.10), (50.28, 57.17), (52.29, 76.95)]
            rows = [(lat + rng.uniform(-0.3, 0.3), lon + rng.uniform(-0.3, 0.3), report_id)
                    for report_id in range(1, args.reports + 1) if rng.random() < 1 / 3
                    for lat, lon in [rng.choice(towns)]]
            conn.executemany("UPDATE reports SET latitude = ?, longitude = ? WHERE id = ?", rows)
        conn.close()
        print(f"seeded {seeded.reports} reports ({len(rows)} located) in {seeded.seconds:.1f} s", flush=True)
        services = Services(settings=settings, keys=keys)
        db = await services.db()
        cookie = (await open_session(db, keys, seeded.moderators[0]))[0]
        async with served.dashboard(services) as site:
            sizes = await site.fetch(cookie, PAGES, args.requests)
            pages = {path: {**summary(site.times[path]), "cpu_median_ms": summary(site.cpu[path])["median_ms"],
                            "bytes": sizes[path]} for path in PAGES}
            browser = await browse_map(site.url, COOKIE, cookie, args.loads) if args.loads else None

        author = await people.get_or_create(db, "f" * 64, "ru", None)
        busy = await db.fetchall(
            "SELECT region, precinct, latitude, longitude FROM reports WHERE precinct IS NOT NULL"
            " ORDER BY submitted_at DESC LIMIT ?", (args.groups,))
        placing, reading, sizes_of_groups = [], [], []
        for n, row in enumerate(busy):
            stored, _ = await reports.submit(db, author.id, NewReport(
                reporter_role="voter", category="station", subcategory="stuffing", region=row["region"],
                precinct=row["precinct"], precinct_kind="number", occurred_at=clock.utcnow(),
                latitude=row["latitude"], longitude=row["longitude"], submission_key=f"bench-group-{n}",
                description="Вброс бюллетеней на участке, видели несколько человек."))
            began = time.perf_counter()
            await witnesses.place(db, stored.id)
            placing.append(time.perf_counter() - began)
            began = time.perf_counter()
            group = await witnesses.group_of(db, stored.id)
            reading.append(time.perf_counter() - began)
            sizes_of_groups.append(len(group.members) if group else 1)
        await services.close()
        return {"reports": args.reports, "located": len(rows), "requests": args.requests, "pages": pages,
                "map_in_chromium": browser,
                "place": summary(placing), "group_of": summary(reading),
                "groups": {"new_reports": len(placing), "grouped": sum(1 for s in sizes_of_groups if s > 1),
                           "largest": max(sizes_of_groups)},
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                            "loadavg": os.getloadavg()}}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--loads", type=int, default=10, help="loads of /map in headless Chromium (0: none)")
    outcome = {"command": "python -m bench.map_groups " + " ".join(sys.argv[1:]),
               "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **asyncio.run(main(parser.parse_args()))}
    text = json.dumps(outcome, indent=2, ensure_ascii=False)
    print(text)
    results = Path(__file__).resolve().parent.parent / "bench-results"
    results.mkdir(exist_ok=True)
    (results / f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-map-groups.json").write_text(text + "\n")
