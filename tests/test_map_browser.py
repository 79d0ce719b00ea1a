"""In headless Chromium (as tests/test_browser.py): the map colours each region by its count
under the queue's filters, lists abroad beside it, and a report's point opens the report; the
day over time draws its bars. Screenshots of both go to tests/artifacts/."""

from __future__ import annotations

import re

import pytest

from domain import clock
from domain.rules import REGIONS
from storage import people, reports
from storage.db import Database
from storage.models import NewReport
from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import L, LP
from tests.test_browser import ARTIFACTS, WAIT_MS, _missing, browser  # noqa: F401 - the fixture

pytestmark = pytest.mark.skipif(_missing is not None, reason=f"browser tests skipped: {_missing}")
ADMIN = 1001
# region: [(latitude, longitude) or None, priority] for each report seeded there.
SEEDED = {
    "karaganda": [((49.80, 73.10), "normal"), (None, "normal"), (None, "normal"), (None, "normal")],
    "astana": [((51.13, 71.43), "urgent"), (None, "normal")],
    "almaty_city": [((43.24, 76.95), "normal")],
    "abroad": [(None, "normal")],
}
# The colour class each region must have: its count against the busiest region's (4), in quarters.
LEVELS = {"karaganda": 4, "astana": 2, "almaty_city": 1}
URGENT_LEVELS = {"astana": 4}


async def seed(path) -> dict[str, str]:
    """The reports above, through storage; the reference of each located one by region."""
    db = await Database.open(path)
    located = {}
    try:
        author = await people.get_or_create(db, "b" * 64, "kk", None)
        n = 0
        for region, entries in SEEDED.items():
            for where, priority in entries:
                n += 1
                stored, _ = await reports.submit(db, author.id, NewReport(
                    reporter_role="voter", category="station", subcategory="stuffing", region=region, precinct=str(100 + n),
                    precinct_kind="number", occurred_at=clock.utcnow(), priority=priority,
                    latitude=where[0] if where else None, longitude=where[1] if where else None,
                    submission_key=f"map-{n}", description=f"Сообщение {n}: вброс бюллетеней в урну."))
                if where:
                    located[region] = stored.reference
        return located
    finally:
        await db.close()


async def regions_shown(page) -> dict[str, tuple[int, int]]:
    """Each region's (count in the table, colour class of its shape on the map)."""
    shown = {}
    for code in REGIONS:
        if code == "abroad":
            continue
        count = int(await page.locator(f'tr[data-region="{code}"] td.count').inner_text())
        classes = await page.locator(f"path.region-{code}").first.get_attribute("class")
        shown[code] = (count, int(re.search(r"level-(\d)", classes).group(1)))
    return shown


async def test_the_map_colours_regions_and_opens_a_report_from_its_point(fake, data_dir, browser):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), web_port=0, moderator_language="kk")
    located = await seed(settings.database_path)
    admin = FakeUser(fake, ADMIN, language_code="kk", first_name="Нұрлан")
    async with running_bot(settings):
        (answer,) = await admin.say("/dashboard")
        link = re.search(r"(http://\S+/login/\S+)", answer.message["text"]).group(1)
        base = link.split("/login/")[0]
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="kk-KZ")
        context.set_default_timeout(WAIT_MS)
        page = await context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error"
                and not message.text.startswith("Failed to load resource") else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
                if response.status >= 400 else None)
        try:
            await page.goto(link)
            await page.get_by_role("button", name=L("kk", "web.login.button")).click()
            await page.wait_for_url("**/queue")
            started = clock.now()
            await page.goto(f"{base}/map")
            await page.wait_for_selector('#map[data-ready="1"]')
            loaded = (clock.now() - started).total_seconds()
            assert loaded < 2, loaded  # the bound for the map page in headless Chromium
            # Every region: the table's count and the shape's colour class, in the moderator's words.
            expected = {code: (len(SEEDED.get(code, [])), LEVELS.get(code, 0)) for code in REGIONS if code != "abroad"}
            assert await regions_shown(page) == expected
            assert await page.locator('tr[data-region="abroad"] td.count').inner_text() == "1"
            located_count = sum(1 for entries in SEEDED.values() for where, _ in entries if where)
            assert await page.locator("p.note").inner_text() == LP("kk", "web.map.located", located_count)
            assert await page.locator("path.point").count() + await page.locator(".marker-cluster").count() >= 1
            for city in ("astana", "almaty_city", "shymkent"):  # a disc each, in the city's class
                classes = await page.locator(f"path.city-{city}").get_attribute("class")
                assert f"level-{LEVELS.get(city, 0)}" in classes.split(), (city, classes)
            assert await page.locator("h1").inner_text() == L("kk", "web.map.title")
            assert L("kk", "region.karaganda") in await page.locator('tr[data-region="karaganda"]').inner_text()
            await page.screenshot(path=ARTIFACTS / "map.png", full_page=True)

            # A point opens its report.
            point = page.locator(f"path.point-{located['almaty_city']}")
            await point.click()
            await page.wait_for_url(f"**/report/{located['almaty_city']}")

            # The queue's filters apply: urgent ones only.
            await page.goto(f"{base}/map?priority=urgent")
            await page.wait_for_selector('#map[data-ready="1"]')
            expected = {code: (1 if code in URGENT_LEVELS else 0, URGENT_LEVELS.get(code, 0))
                        for code in REGIONS if code != "abroad"}
            assert await regions_shown(page) == expected

            # A day that is none: said on the page, in the moderator's words, and nothing counted.
            response = await page.goto(f"{base}/map?since=32.13.2026")
            assert response.status == 200
            assert await page.locator("p.problem").count() == 1
            await page.wait_for_selector('#map[data-ready="1"]')

            # The day over time: the hour's bar counts every report of the day.
            await page.goto(f"{base}/day")
            hour = clock.local_now(settings.tz).hour
            bar = page.locator(f'#by-category tr[data-key="station"] rect[data-hour="{hour}"]')
            if clock.local_now(settings.tz).hour == hour:  # not across an hour's turn
                assert await bar.get_attribute("data-count") == "8"
            assert await page.locator('#funnel tr[data-key="new"] td.count').inner_text() == "8"
            await page.screenshot(path=ARTIFACTS / "day.png", full_page=True)

            # On a phone: the map above its counts, nothing of the page wider than the screen.
            await page.set_viewport_size({"width": 390, "height": 844})
            for path, shot in ((f"{base}/map", "map-phone.png"), (f"{base}/day", "day-phone.png")):
                await page.goto(path)
                if path.endswith("/map"):
                    await page.wait_for_selector('#map[data-ready="1"]')
                # The page's own content (the header's links are the phone layout's, issue #28 part 4).
                assert await page.evaluate("Math.max(...[...document.querySelectorAll('main > *')]"
                                           ".map(e => e.getBoundingClientRect().right))") <= 390, shot
                await page.screenshot(path=ARTIFACTS / shot, full_page=True)
        except BaseException:
            print(f"in the browser: {problems}; the page as it was: {ARTIFACTS / 'failed-map.png'}")
            await page.screenshot(path=ARTIFACTS / "failed-map.png", full_page=True)
            raise
        finally:
            await context.close()
        assert problems == [], problems
    assert fake.refused == []
