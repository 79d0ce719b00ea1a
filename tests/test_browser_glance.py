"""In headless Chromium (as tests/test_browser.py drives it), what a moderator reads at a glance
(issue #28): the queue's rows and phone cards carry a group of witnesses' count of independent
reporters, linking to the group; a bulk action comes back to the same filtered queue with
nothing ticked; dates are shown in the moderator's language, never ISO; a reopened report no
longer shows its old rejection reason as current. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
from datetime import date

from domain import clock
from services.i18n import Translator
from storage import moderation, people, reports, witnesses
from storage.db import Database
from storage.models import NewReport
from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import L, LP
from tests.test_browser import ARTIFACTS, WAIT_MS, browser, pytestmark  # noqa: F401 - fixture, skip
from tests.test_browser_triage import PHONE, link_of, signed_in_page

ADMIN = 1001
WIDE = {"width": 1280, "height": 900}
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
REASON = "Нет ни фото, ни номера участка: проверить невозможно."


async def seeded(path, *shapes: tuple[str, str, str | None, bool]) -> list[str]:
    """Reports (author's pseudonym letter, region, precinct, contact allowed) stored and grouped
    as the bot stores and groups them; their references."""
    db = await Database.open(path)
    try:
        found = []
        for n, (author, region, precinct, contact) in enumerate(shapes):
            person = await people.get_or_create(db, author * 64, "kk", None)
            stored, _ = await reports.submit(db, person.id, NewReport(
                reporter_role="voter", category="station", subcategory="stuffing", region=region, precinct=precinct,
                precinct_kind="number" if precinct else "unknown", occurred_at=clock.utcnow(), contact_allowed=contact,
                submission_key=f"glance-{author}-{region}-{precinct}-{n}", description=f"Сообщение {n}: вброс бюллетеней в урну."))
            await witnesses.place(db, stored.id)
            found.append(stored.reference)
        return found
    finally:
        await db.close()


async def moved(path, reference: str, *steps: tuple[str, str | None, dict]) -> None:
    """A report moved through ``steps`` (status, note, fields) by a moderator, through storage."""
    db = await Database.open(path)
    try:
        report = await reports.by_reference(db, reference)
        for status, note, fields in steps:
            await moderation.change_status(db, report.id, "moderator AB12", status, note, **fields)
    finally:
        await db.close()


async def test_rows_and_cards_carry_the_witnesses_of_their_group(fake, data_dir, browser):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), web_port=0, moderator_language="kk")
    # Three reports of precinct 45 (two from one reporter who allowed contact, one anonymous):
    # one group of three reports and two independent witnesses; a fourth elsewhere is alone.
    first, second, third, alone = await seeded(
        settings.database_path, ("a", "karaganda", "45", True), ("a", "karaganda", "45", True),
        ("b", "karaganda", "45", False), ("c", "astana", "7", True))
    admin = FakeUser(fake, ADMIN, language_code="kk", first_name="Нұрлан")
    async with running_bot(settings):
        for viewport, shot in ((WIDE, "queue-witnesses.png"), (PHONE, "queue-witnesses-phone.png")):
            context, page, problems = await signed_in_page(browser, await link_of(admin), viewport, "kk-KZ")
            try:
                await page.locator("#rows tbody tr").first.wait_for()
                for reference in (first, second, third):
                    badge = page.locator(f'#rows tr:has(a[href="/report/{reference}"]) a.witnesses')
                    assert await badge.inner_text() == L("kk", "web.queue.witnesses", count=2)
                    assert await badge.get_attribute("title") == LP("kk", "witness.count", 2)
                    assert await badge.get_attribute("href") == f"/report/{reference}#witnesses"
                    if viewport is PHONE:  # a finger's target on the card
                        box = await badge.bounding_box()
                        assert box["width"] >= 44 and box["height"] >= 44, box
                assert await page.locator(f'#rows tr:has(a[href="/report/{alone}"]) a.witnesses').count() == 0
                await page.screenshot(path=ARTIFACTS / shot, full_page=True)
                if viewport is WIDE:  # the badge opens the group on the report's page
                    await page.locator(f'#rows tr:has(a[href="/report/{second}"]) a.witnesses').click()
                    await page.wait_for_url(f"**/report/{second}#witnesses")
                    group = await page.locator("#witnesses").inner_text()
                    assert first in group and third in group
            finally:
                await context.close()
            assert problems == [], problems
    assert fake.refused == []


async def test_a_bulk_action_comes_back_to_the_same_filtered_queue(fake, data_dir, browser):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), web_port=0, moderator_language="ru")
    here = await seeded(settings.database_path, ("a", "karaganda", "1", True), ("b", "karaganda", "2", True),
                        ("c", "karaganda", "3", True))
    there = await seeded(settings.database_path, ("d", "astana", "4", True), ("e", "astana", "5", True))
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    async with running_bot(settings):
        context, page, problems = await signed_in_page(browser, await link_of(admin), WIDE, "ru-RU")
        try:
            origin = page.url.split("/queue")[0]
            await page.goto(f"{origin}/queue?region=karaganda&sort=oldest")
            await page.locator("#rows tbody tr").first.wait_for()
            for reference in here[:2]:
                await page.locator(f"#pick-{reference}").check()
            await page.locator("#bulk-fold summary").click()
            await page.select_option("#bulk select[name=action]", "take")
            await page.locator("#bulk button[type=submit]").click()
            await page.locator("#bulk-results").wait_for()
            # The same filtered queue, its address the queue's (a reload sends nothing again).
            assert page.url == f"{origin}/queue?region=karaganda&sort=oldest"
            results = await page.locator("#bulk-results li").all_inner_texts()
            assert sorted(results) == sorted(f"{reference}: {L('ru', 'web.report.done')}" for reference in here[:2])
            listed = set(re.findall(r"KZ-\d+", " ".join(await page.locator("#rows td.ref").all_inner_texts())))
            assert listed == set(here) and not listed & set(there)
            assert await page.locator("select[name=region]").input_value() == "karaganda"
            assert await page.locator("select[name=sort]").input_value() == "oldest"
            # Nothing ticked: the selection went with the action.
            assert await page.locator('#rows input[name="pick"]:checked').count() == 0
            await page.screenshot(path=ARTIFACTS / "queue-bulk-results.png", full_page=True)
            # The rows refresh from the same filters.
            assert "region=karaganda" in await page.locator("#rows").get_attribute("hx-get")
        finally:
            await context.close()
        assert problems == [], problems
    assert fake.refused == []


async def test_dates_are_shown_in_the_moderators_language_never_iso(fake, data_dir, browser):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), web_port=0, moderator_language="kk")
    (reference,) = await seeded(settings.database_path, ("a", "karaganda", "45", True))
    filed = clock.local_now(settings.tz).date()
    await moved(settings.database_path, reference, ("in_review", None, {}), ("verified", None, {}),
                ("escalated", None, {"escalated_to": "prosecutor", "external_ref": "12-3/45",
                                     "external_date": filed.isoformat(), "escalated_at": clock.utcnow()}))
    admin = FakeUser(fake, ADMIN, language_code="kk", first_name="Нұрлан")
    async with running_bot(settings):
        context, page, problems = await signed_in_page(browser, await link_of(admin), WIDE, "kk-KZ")
        try:
            origin = page.url.split("/queue")[0]
            shown = Translator("kk").date(filed)
            await page.goto(f"{origin}/report/{reference}")
            steps = await page.locator("main ol").inner_text()  # the chain of filings
            assert "12-3/45" in steps and shown in steps, steps
            await page.screenshot(path=ARTIFACTS / "report-escalated.png", full_page=True)
            # A From after a To is refused with both days in the moderator's words.
            await page.goto(f"{origin}/queue?since=2026-12-05&until=2026-12-01")
            problem = await page.locator("p.problem").inner_text()
            assert Translator("kk").date(date(2026, 12, 5)) in problem and Translator("kk").date(date(2026, 12, 1)) in problem
            for path in (f"/report/{reference}", "/queue", "/queue?since=2026-12-05&until=2026-12-01", "/day", "/map",
                         "/map?since=2026-12-05&until=2026-12-01"):
                await page.goto(f"{origin}{path}")
                text = await page.locator("main").inner_text()
                assert not ISO_DAY.search(text), (path, ISO_DAY.findall(text))
        finally:
            await context.close()
        assert problems == [], problems
    assert fake.refused == []


async def test_a_reopened_report_no_longer_shows_its_rejection_reason(fake, data_dir, browser):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), web_port=0, moderator_language="ru")
    (reference,) = await seeded(settings.database_path, ("a", "karaganda", "45", True))
    await moved(settings.database_path, reference, ("rejected", REASON, {}))
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    async with running_bot(settings):
        context, page, problems = await signed_in_page(browser, await link_of(admin), WIDE, "ru-RU")
        try:
            origin = page.url.split("/queue")[0]
            await page.goto(f"{origin}/report/{reference}")
            assert REASON in await page.locator("dl.fields").inner_text()
            await page.get_by_role("button", name=L("ru", "mod.action.reopen")).click()
            await page.wait_for_url(re.compile(r".*done=.*"))
            assert await page.locator("h1").inner_text() == f"{reference} · {L('ru', 'status.in_review')}"
            fields = await page.locator("dl.fields").inner_text()
            assert REASON not in fields and L("ru", "web.report.note") not in fields, fields
            assert REASON in await page.locator("ul.history").inner_text()  # the history keeps it
            await page.screenshot(path=ARTIFACTS / "report-reopened.png", full_page=True)
        finally:
            await context.close()
        assert problems == [], problems
    assert fake.refused == []
