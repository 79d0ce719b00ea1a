"""In headless Chromium (as tests/test_browser.py drives it): the queue on a phone (390×844)
is a list of cards with no horizontal scrolling and targets of 44 px, the filters folded away;
a refused action keeps what the moderator typed; an open report page follows another
moderator's change without losing a typed text or the keyboard's place; ``?done=`` and a
``<base>`` in a description are text or nothing. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re

import aiohttp

from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import L
from tests.test_browser import ARTIFACTS, WAIT_MS, browser, file_report, pytestmark  # noqa: F401 - fixture, skip
from tests.test_dashboard import csrf_of, sign_in

ADMIN, MODERATOR = 1001, 1002
PHONE = {"width": 390, "height": 844}
LONG = ("На участке №45 председатель комиссии выдавал бюллетени без паспорта людям, которых привезли "
        "автобусом от завода, и не давал наблюдателям снимать.")


def watch(page) -> list[str]:
    """Whatever the browser refused or failed at (as tests/test_browser.py counts them)."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error"
            and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.method == "GET" else None)
    return problems


async def link_of(user: FakeUser) -> str:
    (answer,) = await user.say("/dashboard")
    return re.search(r"(http://\S+/login/\S+)", answer.message["text"]).group(1)


async def signed_in_page(browser, link: str, viewport: dict, locale: str):
    context = await browser.new_context(viewport=viewport, locale=locale, has_touch=viewport is PHONE)
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    problems = watch(page)
    await page.goto(link)
    await page.locator("form.login button").click()
    await page.wait_for_url("**/queue")
    return context, page, problems


async def test_the_queue_on_a_phone_is_cards_without_sideways_scrolling(fake, data_dir, user_factory, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), web_port=0)
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    async with running_bot(settings):
        first = await file_report(user_factory("ru"), "ru", LONG, region="almaty_city")
        second = await file_report(user_factory("kk"), "kk", "Бастық барлық мұғалімдерден бюллетеньнің суретін "
                                                             "талап етті.", region="karaganda")
        context, page, problems = await signed_in_page(browser, await link_of(admin), PHONE, "ru-RU")
        try:
            rows = page.locator("#rows tbody tr")
            await rows.first.wait_for()
            assert await rows.count() == 2
            # No sideways scrolling, each report a card as wide as the screen at most, the rows first.
            assert await page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
            for index in range(2):
                box = await rows.nth(index).bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
                assert await rows.nth(index).evaluate("row => getComputedStyle(row).display") == "grid"
            assert not await page.locator("#filters").evaluate("details => details.open")
            assert (await rows.first.bounding_box())["y"] < 300  # not under twelve filters
            # A card carries what triage needs: the description's first words and the incident's time.
            card = await rows.filter(has_text=first).inner_text()
            assert " ".join(LONG.split()[:12]) in card and "…" in card
            labels = await rows.first.evaluate("""row => [...row.querySelectorAll('td[data-label]')]
                .map(cell => getComputedStyle(cell, '::before').content)""")
            assert f'"{L("ru", "web.queue.col.incident")}: "' in labels  # each value named on the card
            # Every target a finger can press is at least 44 px each way.
            small = await page.evaluate("""() => [...document.querySelectorAll(
                    'a, button, select, input:not([type=checkbox]):not([type=hidden]), textarea, summary, label.tick')]
                .filter(node => node.getClientRects().length && getComputedStyle(node).visibility !== 'hidden')
                .map(node => [node.outerHTML.slice(0, 60), node.getBoundingClientRect()])
                .filter(([, box]) => box.width < 44 || box.height < 44).map(([html]) => html)""")
            assert small == [], small
            await page.screenshot(path=ARTIFACTS / "queue-phone.png", full_page=True)
            # The folded filters open, still within the screen.
            await page.locator("#filters summary").click()
            await page.select_option("select[name=deadline]", "overdue")
            assert await page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
            await page.screenshot(path=ARTIFACTS / "queue-phone-filters.png", full_page=True)
            # The report's page too.
            await page.goto(page.url.split("/queue")[0] + f"/report/{first}")
            assert await page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
            await page.screenshot(path=ARTIFACTS / "report-phone.png", full_page=True)
        finally:
            await context.close()
        assert problems == [], problems
    assert fake.refused == []


async def test_typed_text_survives_a_refusal_and_others_changes(fake, data_dir, user_factory, browser):
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), web_port=0)
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    moderator = FakeUser(fake, MODERATOR, language_code="ru", first_name="Дана")
    async with running_bot(settings) as app:
        reference = await file_report(user_factory("ru"), "ru",
                                      'Подвезли людей автобусом <base href="//evil.example/"> и <b>раздали</b> деньги.',
                                      region="astana")
        await moderator.say("/start")
        await admin.say(f"/addmod {MODERATOR}")
        context, page, problems = await signed_in_page(browser, await link_of(moderator), {"width": 1280, "height": 900},
                                                       "ru-RU")
        origin = page.url.split("/queue")[0]
        other = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        try:
            assert (await sign_in(other, await link_of(admin))).status == 303

            async def other_does(action: str, **fields: str) -> None:
                async with other.get(f"{origin}/report/{reference}") as got:
                    csrf = csrf_of(await got.text())
                async with other.post(f"{origin}/report/{reference}", allow_redirects=False,
                                      data={"csrf": csrf, "action": action, **fields}) as done:
                    assert done.status == 303

            # ?done= and the description's <base>: text or nothing; every form posts here.
            await page.goto(f"{origin}/report/{reference}?done=web.<b>x</b>")
            assert await page.locator("p.done").count() == 0 and await page.locator("main b").count() == 0
            assert await page.evaluate("() => document.querySelectorAll('base').length") == 0
            assert "<base href=" in await page.locator("dd.description").inner_text()
            hosts = await page.evaluate("() => [...document.forms].map(form => new URL(form.getAttribute('action'), document.baseURI).host)")
            assert set(hosts) == {origin.split("//")[1]}

            # A refusal keeps the typed text: the page does not yet know another moderator took it.
            await page.route("**/version", lambda route: route.abort())
            reason = "Заявитель сам отозвал сообщение по телефону; повторное обращение не поступало. " * 2
            await page.locator("form.action:has(input[value=reject]) textarea[name=text]").fill(reason)
            await other_does("take")
            await page.locator("form.action:has(input[value=reject]) button").click()
            await page.wait_for_load_state()
            await page.locator("p.problem").wait_for()
            assert await page.locator("label.kept textarea").input_value() == reason

            # Following others' changes: a note half typed, the cursor in it; another moderator
            # verifies; the page shows it and the note, the cursor and the refusal's text stay.
            await page.unroute("**/version")
            note = page.locator("form.action:has(input[value=note]) textarea")
            await note.fill("Позвонить наблюдателю")
            await note.focus()
            await other_does("verify")
            await page.locator("h1").filter(has_text=L("ru", "status.verified")).wait_for()
            assert await note.input_value() == "Позвонить наблюдателю"
            assert await page.evaluate("() => document.activeElement.name") == "text"
            assert await page.locator("label.kept textarea").input_value() == reason
            await page.screenshot(path=ARTIFACTS / "report-followed.png", full_page=True)
        finally:
            await other.close()
            await context.close()
        assert [problem for problem in problems if "409" not in problem] == [], problems
    assert fake.refused == []


async def test_the_queues_refresh_keeps_ticks_and_the_keyboards_place(fake, data_dir, user_factory, browser):
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), web_port=0)
    admin = FakeUser(fake, ADMIN, language_code="en", first_name="Nurlan")
    async with running_bot(settings):
        first = await file_report(user_factory("ru"), "ru", LONG, region="almaty_city")
        second = await file_report(user_factory("en"), "en", "Someone photographed ballots in the booth.",
                                   region="astana")
        context, page, problems = await signed_in_page(browser, await link_of(admin), {"width": 1280, "height": 900},
                                                       "en-US")
        try:
            await page.locator(f"#pick-{first}").check()
            link = page.locator(f'#rows a[href="/report/{second}"]')
            await link.focus()
            await page.evaluate("""() => { window.rowsSwapped = false;
                document.addEventListener("htmx:afterSettle", () => { window.rowsSwapped = true; }, {once: true}); }""")
            later = await file_report(user_factory("kk"), "kk", "Бастық барлық мұғалімдерден бюллетеньнің суретін "
                                                                "талап етті.", region="karaganda")
            await page.wait_for_function("() => window.rowsSwapped", timeout=6_000)
            await page.locator(f'#rows a[href="/report/{later}"]').wait_for()
            assert await page.locator(f"#pick-{first}").is_checked()
            assert await page.evaluate("() => document.activeElement.getAttribute('href')") == f"/report/{second}"
        finally:
            await context.close()
        assert problems == [], problems
    assert fake.refused == []
