"""In a real browser: Debian's headless Chromium, driven by Playwright, against the real bot
(and its dashboard) talking to the fake Bot API. A moderator signs in with the /dashboard link,
sees the queue refresh by itself when a report arrives, filters it by region, opens a report,
sees its photo, takes and verifies it, and the reporter is told each time. Screenshots of the
queue and of the report's page go to tests/artifacts/ (kept after the run, not committed).

Playwright's own browser builds are not used (they are downloaded from outside the package
registries): the browser is /usr/bin/chromium (Debian's ``chromium``, which ``.ci/run`` installs),
or the one CHROMIUM names. Without it the tests are skipped and say why, unless
BROWSER_TESTS=required (set by ``.ci/run`` once it has installed the browser): then they fail."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.fake_telegram import FakeUser
from tests.harness import PROJECT_ROOT, make_settings, running_bot
from tests.report_helpers import L, finish_and_send, jpeg, up_to_evidence

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
REQUIRED = os.environ.get("BROWSER_TESTS") == "required"
ADMIN = 1001
WAIT_MS = 10_000  # any wait in the browser: a broken page fails in seconds, not at the suite's end

try:
    from playwright.async_api import async_playwright, expect
except ImportError:  # pragma: no cover - the test extra installs it
    async_playwright = expect = None

_missing = ("playwright is not installed (pip install -e '.[test]')" if async_playwright is None else
            f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)" if not CHROMIUM.exists() else None)
if _missing and REQUIRED:
    raise RuntimeError(f"BROWSER_TESTS=required but {_missing}")
pytestmark = pytest.mark.skipif(_missing is not None, reason=f"browser tests skipped: {_missing}")


@pytest.fixture
async def browser():
    async with async_playwright() as playwright:
        # Headless, and without Chromium's sandbox (Playwright's default: CI runs as root).
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield launched
        finally:
            await launched.close()


async def file_report(user: FakeUser, lang: str, description: str, *, region: str, photo: bytes | None = None) -> str:
    """A whole report through the fake Telegram; returns its reference."""
    await up_to_evidence(user, lang, description, region=region)
    if photo is not None:
        await user.photo(photo)
        await user.replies(1)  # the photo is received
    return await finish_and_send(user, lang, evidence=photo is not None, contact=True)


def references(html: str) -> set[str]:
    return set(re.findall(r'href="/report/(KZ-\d+)"', html))


async def test_a_moderator_works_a_report_in_headless_chromium(fake, data_dir, user_factory, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), web_port=0)
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    with_photo, without = user_factory("ru"), user_factory("kk")
    async with running_bot(settings):
        photographed = await file_report(with_photo, "ru", "Раздавали продуктовые наборы у входа на участок.",
                                         region="almaty_city", photo=jpeg(640, 480))
        plain = await file_report(without, "kk", "Бастық барлық мұғалімдерден бюллетеньнің суретін талап етті.",
                                  region="karaganda")
        (answer,) = await admin.say("/dashboard")
        link = re.search(r"(http://\S+/login/\S+)", answer.message["text"]).group(1)

        context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
        context.set_default_timeout(WAIT_MS)
        page = await context.new_page()
        # Anything the browser refused or failed at: a script error, a CSP violation, a 4xx or 5xx
        # (resources through "response"; the console's "Failed to load resource" lines also count
        # the browser's own /favicon.ico, which the dashboard does not serve).
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error"
                and not message.text.startswith("Failed to load resource") else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
                if response.status >= 400 else None)
        try:
            # Sign in: the link opens a page with a button; pressing it opens the queue.
            await page.goto(link)
            await page.get_by_role("button", name=L("ru", "web.login.button")).click()
            await page.wait_for_url("**/queue")
            assert {photographed, plain} <= references(await page.inner_html("#rows"))

            # The rows refresh by themselves: a report filed now appears without a reload.
            later = await file_report(user_factory("en"), "en", "Someone photographed ballots in the booth.",
                                      region="astana")
            await page.wait_for_selector(f'#rows a[href="/report/{later}"]', timeout=6_000)
            assert page.url.endswith("/queue")  # no reload happened
            await page.screenshot(path=ARTIFACTS / "queue.png", full_page=True)

            # Filter by region: only that region's report, and the refreshes keep the filter.
            await page.select_option("select[name=region]", "almaty_city")
            await page.get_by_role("button", name=L("ru", "web.queue.apply")).click()
            await page.wait_for_url("**/queue?*region=almaty_city*")
            assert references(await page.inner_html("#rows")) == {photographed}
            # A refresh brings rows only when something changed (204 otherwise): a report elsewhere
            # changes something; the rows that come back still keep to the filter.
            await page.evaluate("""() => { window.rowsSwapped = false;
                document.addEventListener("htmx:afterSettle", () => { window.rowsSwapped = true; }, {once: true}); }""")
            await file_report(user_factory("ru"), "ru", "Наблюдателя не пустили на участок.", region="karaganda")
            await page.wait_for_function("() => window.rowsSwapped", timeout=6_000)
            assert references(await page.inner_html("#rows")) == {photographed}
            await page.screenshot(path=ARTIFACTS / "queue-filtered.png", full_page=True)

            # The report's page, with its photo's preview shown (loaded and decoded, not a broken image).
            await page.click(f'#rows a[href="/report/{photographed}"]')
            await page.wait_for_url(f"**/report/{photographed}")
            heading = page.locator("h1")
            await expect(heading).to_have_text(f"{photographed} · {L('ru', 'status.new')}")
            preview = page.locator("ul.evidence img")
            await preview.scroll_into_view_if_needed()  # it loads lazily
            await expect(preview).to_be_visible()
            await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await preview.element_handle())
            size = await preview.evaluate("img => [img.naturalWidth, img.naturalHeight]")
            assert size[0] > 0 and size[1] > 0, size

            # Take, then verify: the page shows each new status and the reporter is told.
            for action, status in (("take", "in_review"), ("verify", "verified")):
                await page.get_by_role("button", name=L("ru", f"mod.action.{action}")).click()
                await expect(heading).to_have_text(f"{photographed} · {L('ru', f'status.{status}')}")
                (told,) = await with_photo.replies(1)
                assert told.message["text"] == L("ru", "feedback.status", reference=photographed,
                                                 status=L("ru", f"status.{status}"),
                                                 meaning=L("ru", f"receipt.meaning.{status}"))
            await preview.scroll_into_view_if_needed()
            await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await preview.element_handle())
            await page.screenshot(path=ARTIFACTS / "report.png", full_page=True)
        except BaseException:
            print(f"in the browser: {problems}; the page as it was: {ARTIFACTS / 'failed.png'}")
            await page.screenshot(path=ARTIFACTS / "failed.png", full_page=True)
            raise
        finally:
            await context.close()
        assert problems == [], problems
    assert fake.refused == []
