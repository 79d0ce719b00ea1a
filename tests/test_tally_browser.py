"""In headless Chromium (as tests/test_browser.py): the tally page in Kazakh, with two observers'
copies of one precinct that differ and the official file loaded: the coverage, the country's
lines with the difference, the turnout chart's bars; a region's precincts; the precinct's
conflict, confirmed by a copy's photo with the page's own button. Screenshots in tests/artifacts/."""

from __future__ import annotations

import re

import pytest

from services import official
from storage.counts import set_candidates
from storage.db import Database
from tests.fake_telegram import FakeUser
from tests.harness import PROJECT_ROOT, make_settings, running_bot
from tests.report_helpers import L
from tests.tally_helpers import a_copy, a_count
from tests.test_browser import ARTIFACTS, WAIT_MS, _missing, browser  # noqa: F401 - the fixture

pytestmark = pytest.mark.skipif(_missing is not None, reason=f"browser tests skipped: {_missing}")
ADMIN = 1002
GOOD = {"voters_listed": 1500, "ballots_received": 1510, "ballots_issued": 1180, "ballots_cast": 1176,
        "ballots_spoiled": 4, "ballots_unused": 326, "invalid": 12, "candidate:1": 702, "candidate:2": 398,
        "candidate:3": 64}


async def seed(path) -> tuple[str, str]:
    """Two differing copies of precinct 245 of Almaty, a turnout count, and the official file
    (3,000 more votes for the first candidate than the copies say)."""
    db = await Database.open(path)
    try:
        await set_candidates(db, ["Бірінші Кандидат", "Екінші Кандидат", "Үшінші Кандидат"])
        first = await a_copy(db, "almaty_city", "245", GOOD)
        second = await a_copy(db, "almaty_city", "245", {**GOOD, "candidate:2": 498})
        await a_count(db, "almaty_city", "245", "10", 175)
        await a_count(db, "almaty_city", "245", "12", 380)
        example = (PROJECT_ROOT / "examples" / "official-results.csv").read_text(encoding="utf-8")
        await official.load(db, example.replace(",702,", ",3702,").encode(), "admin TEST")
        return first.reference, second.reference
    finally:
        await db.close()


async def test_the_tally_page_shows_the_country_a_region_and_a_precincts_conflict(fake, data_dir, browser):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), web_port=0, moderator_language="kk")
    first, second = await seed(settings.database_path)
    admin = FakeUser(fake, ADMIN, language_code="kk", first_name="Нұрлан")
    async with running_bot(settings):
        (answer,) = await admin.say("/dashboard")
        link = re.search(r"(http://\S+/login/\S+)", answer.message["text"]).group(1)
        base = link.split("/login/")[0]
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="kk-KZ")
        context.set_default_timeout(WAIT_MS)
        page = await context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
                if response.status >= 400 else None)
        try:
            await page.goto(link)
            await page.get_by_role("button", name=L("kk", "web.login.button")).click()
            await page.wait_for_url("**/queue")
            await page.get_by_role("link", name=L("kk", "tally.web.nav")).click()
            await page.wait_for_url("**/tally")
            assert await page.locator("h1").inner_text() == L("kk", "tally.web.title")
            assert await page.locator("#coverage").inner_text() == L("kk", "tally.web.coverage", covered="1",
                                                                     official="4", percent="25.0")
            # The copies differ on the second candidate: the first candidate's line is agreed, 3,000 off.
            row = page.locator('#lines tr[data-line="candidate:1"]')
            assert (await row.inner_text()).split("\t") == ["Бірінші Кандидат", "702", "3702", "+3000"]
            assert await page.locator('#lines tr[data-line="candidate:2"]').count() == 0
            assert await page.locator('svg.turnout-chart rect.observed[data-hour="10"]').get_attribute("height") != "0"
            assert (await page.locator('#turnout tr[data-hour="12"]').inner_text()).split("\t") == [
                "12:00", "380", "390", "+10", "1"]
            await page.screenshot(path=ARTIFACTS / "tally.png", full_page=True)

            await page.locator('#regions tr[data-region="almaty_city"] a').click()
            await page.wait_for_url("**/tally?region=almaty_city")
            await page.locator('#precincts tr[data-precinct="245"] a').click()
            await page.wait_for_url("**/tally/almaty_city/245")
            conflict = page.locator('#figures tr[data-line="candidate:2"]')
            assert await conflict.get_attribute("class") == "conflict"
            await conflict.get_by_role("button", name=L("kk", "tally.web.confirm", reference=second)).click()
            await page.wait_for_url("**/tally/almaty_city/245?done=tally.web.confirmed")
            assert await page.locator("p.done").inner_text() == L("kk", "tally.web.confirmed")
            assert await page.locator('#figures tr[data-line="candidate:2"]').get_attribute("class") is None
            assert L("kk", "tally.web.confirmed_by", value="498", reference=second) in await page.locator(
                '#figures tr[data-line="candidate:2"]').inner_text()
            await page.screenshot(path=ARTIFACTS / "tally-precinct.png", full_page=True)
        except BaseException:
            print(f"in the browser: {problems}; the page as it was: {ARTIFACTS / 'failed-tally.png'}")
            await page.screenshot(path=ARTIFACTS / "failed-tally.png", full_page=True)
            raise
        finally:
            await context.close()
        assert problems == [], problems
    assert fake.refused == []
