"""End to end: the web dashboard in the bot's own process. A moderator signs in with the
one-time link /dashboard sends, sees a report filed through the fake Bot API, takes, verifies
and escalates it, and the reporter is told in their language; used, expired and forged
sign-ins, a removed moderator's session and a form without its CSRF token are refused, and
outsiders learn nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.app import DASHBOARD
from tests.fake_telegram import FakeUser
from tests.harness import TOKEN, make_settings, running_bot
from tests.report_helpers import L, db_rows, db_write, finish_and_send, jpeg, up_to_evidence

ADMIN, MODERATOR = 1001, 1002
GROUP = {"id": -100784, "type": "supergroup", "title": "Moderators"}


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"], web_port=0)


@pytest.fixture
def admin(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")


@pytest.fixture
def group(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)


def base(app) -> str:
    return f"http://127.0.0.1:{app.bot_data[DASHBOARD].port}"


async def link_for(user: FakeUser) -> str:
    (answer,) = await user.say("/dashboard")
    found = re.search(r"(http://\S+/login/\S+)", answer.message["text"])
    assert found, answer.message["text"]
    return found.group(1)


async def sign_in(client: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    """Open the link (a page with a button) and press it."""
    async with client.get(link) as page:
        assert page.status == 200
        token = re.search(r'name="token" value="([^"]+)"', await page.text()).group(1)
    return await client.post(link.rsplit("/login/", 1)[0] + "/login", data={"token": token}, allow_redirects=False)


def client() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # cookies for 127.0.0.1


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def told_status(reference: str, name: str, status: str) -> str:
    """What the (Kazakh) reporter is told of a new status: its name and what it means."""
    return L("kk", "feedback.status", reference=reference, status=L("kk", name),
             meaning=L("kk", f"receipt.meaning.{status}"))


async def a_report(reporter: FakeUser) -> str:
    await up_to_evidence(reporter, "kk", "Бастық барлық мұғалімдерден бюллетеньнің суретін талап етті.")
    return await finish_and_send(reporter, "kk", evidence=False, contact=True)


async def test_a_moderator_signs_in_and_takes_a_report_through_escalation(app, fake, user_factory, admin, group,
                                                                          data_dir):
    reporter = user_factory("kk")
    link = await link_for(admin)
    assert fake.calls_of("sendMessage")[-1].params["link_preview_options"] == {"is_disabled": True}
    async with client() as browser:
        signed = await sign_in(browser, link)
        assert (signed.status, signed.headers["Location"]) == (303, "/queue")
        cookie = signed.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=43200" in cookie
        reference = await a_report(reporter)
        (card,) = await group.replies(1)
        async with browser.get(f"{base(app)}/queue") as queue:
            html = await queue.text()
            assert queue.status == 200 and f'href="/report/{reference}"' in html
        async with browser.get(f"{base(app)}/queue/rows?status=new&text=мұғалімдерден") as rows:
            assert reference in await rows.text()
        async with browser.get(f"{base(app)}/queue/rows?status=resolved") as rows:
            assert reference not in await rows.text()
        # The rows refresh from an address that carries what they show: nothing new, no work (204).
        polled = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
        async with browser.get(base(app) + polled) as rows:
            assert rows.status == 204 and await rows.read() == b""

        async def act(action: str, **fields: str) -> str:
            async with browser.get(f"{base(app)}/report/{reference}") as page:
                csrf = csrf_of(await page.text())
            async with browser.post(f"{base(app)}/report/{reference}", allow_redirects=False,
                                    data={"csrf": csrf, "action": action, **fields}) as done:
                assert done.status == 303, await done.text()
            (told,) = await reporter.replies(1)
            return told.message["text"]

        assert await act("take") == told_status(reference, "status.in_review", "in_review")
        async with browser.get(base(app) + polled) as rows:  # something changed: the rows come
            assert rows.status == 200 and L("ru", "status.in_review") in await rows.text()
        assert await act("verify") == told_status(reference, "status.verified", "verified")
        told = await act("escalate", target="prosecutor", number="№ 12-3/45", filed="2026-11-30")
        assert told == told_status(reference, "status.escalated_to.prosecutor", "escalated")
        row = db_rows(data_dir, "SELECT status, escalated_to, external_ref, external_date FROM reports")[0]
        assert tuple(row) == ("escalated", "prosecutor", "12-3/45", "2026-11-30")
        await fake.wait_for(lambda: L("ru", "mod.target.prosecutor") in fake.messages[
            (GROUP["id"], card.message["message_id"])]["text"], 5)  # the card in the group shows it
        async with browser.get(f"{base(app)}/report/{reference}") as page:
            html = await page.text()
        assert L("ru", "status.escalated") in html and "12-3/45" in html
        # A reply to the reporter (who allowed contact) and a correction of the region, audited.
        assert await act("reply", text="Спасибо! Уточните, пожалуйста, номер кабинета.") == L(
            "kk", "feedback.reply", reference=reference, text="Спасибо! Уточните, пожалуйста, номер кабинета.") \
            + "\n" + L("kk", "feedback.reply_hint")
        async with browser.get(f"{base(app)}/report/{reference}") as page:
            csrf = csrf_of(await page.text())
        async with browser.post(f"{base(app)}/report/{reference}", allow_redirects=False,
                                data={"csrf": csrf, "action": "correct", "region": "karaganda", "precinct": "12"}) as done:
            assert done.status == 303
        row = db_rows(data_dir, "SELECT region, precinct FROM reports")[0]
        assert tuple(row) == ("karaganda", "12")
        notes = [row["note"] for row in db_rows(data_dir, "SELECT note FROM audit_log WHERE action = 'correct'")]
        assert notes and notes[0].startswith("region: ")
        audit = db_rows(data_dir, "SELECT actor, to_status FROM audit_log WHERE action = 'status' ORDER BY id")
        assert [row["to_status"] for row in audit] == ["in_review", "verified", "escalated"]
        assert all(row["actor"].startswith("moderator ") for row in audit)
    assert fake.refused == []


def init_data(user_id: int, auth_date: int, token: str = TOKEN) -> str:
    fields = {"auth_date": str(auth_date), "query_id": "AAH", "user": json.dumps({"id": user_id, "first_name": "N"})}
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    return urlencode({**fields, "hash": hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()})


async def test_sign_ins_that_must_not_work_do_not_and_outsiders_learn_nothing(app, fake, user_factory, admin,
                                                                              data_dir):
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", "Раздавали продуктовые наборы у входа на участок.")
    await finish_and_send(reporter, "ru", evidence=False)
    await admin.say("/start")
    link = await link_for(admin)
    async with client() as browser:
        assert (await sign_in(browser, link)).status == 303
    async with client() as browser:  # the same link a second time
        assert (await sign_in(browser, link)).status == 401
    stale = await link_for(admin)
    await db_write(data_dir, "UPDATE web_logins SET created_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '-6 minutes')"
                             " WHERE used_at IS NULL")
    async with client() as browser:
        assert (await sign_in(browser, stale)).status == 401

    # Outsiders: no session, a made-up session, each page refused with nothing in it: the same
    # page for every address (nothing of what is there), in the visitor's language.
    for cookies in ({}, {"kz_session": "made-up"}):
        async with aiohttp.ClientSession(cookies=cookies, cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            bodies = set()
            for path in ("/queue", "/queue/rows", "/report/KZ-000001", "/evidence/1/original", "/no/such/page"):
                async with browser.get(base(app) + path, headers={"Accept-Language": "kk-KZ,ru;q=0.8"}) as page:
                    body = await page.text()
                    assert page.status == 401 and "KZ-" not in body and "/evidence/" not in body, path
                    assert L("kk", "web.error.401") in body and page.content_type == "text/html", path
                    bodies.add(body)
            assert len(bodies) == 1

    # The Mini App: a forged or stale initData is refused; Telegram's own signature for staff works.
    now = int(time.time())
    async with client() as browser:
        for data in (init_data(ADMIN, now, token="0:forged"), init_data(ADMIN, now - 2 * 24 * 3600),
                     init_data(ADMIN, now).replace("auth_date", "auth_datf"), ""):
            async with browser.post(f"{base(app)}/webapp/login", data={"init_data": data}) as answer:
                assert answer.status == 401
        async with browser.post(f"{base(app)}/webapp/login", data={"init_data": init_data(reporter.id, now)}) as answer:
            assert answer.status == 401  # signed by Telegram, but not staff
        async with browser.post(f"{base(app)}/webapp/login", data={"init_data": init_data(ADMIN, now)}) as answer:
            assert answer.status == 200 and await answer.json() == {"next": "/queue"}
        async with browser.get(f"{base(app)}/queue") as queue:
            assert queue.status == 200
            html = await queue.text()
        # A form without its CSRF token (or with another session's) changes nothing.
        for data in ({"action": "take"}, {"action": "take", "csrf": "x" + csrf_of(html)}):
            async with browser.post(f"{base(app)}/report/KZ-000001", data=data) as refused:
                assert refused.status == 403
        assert db_rows(data_dir, "SELECT status FROM reports")[0]["status"] == "new"

    # A moderator removed from staff: their open session stops working at once.
    moderator = FakeUser(fake, MODERATOR, language_code="kk", first_name="Дана")
    await moderator.say("/start")
    await admin.say(f"/addmod {MODERATOR}")
    async with client() as browser:
        assert (await sign_in(browser, await link_for(moderator))).status == 303
        async with browser.get(f"{base(app)}/queue") as queue:
            assert queue.status == 200 and "Модераторлар панелі" in await queue.text()  # in their language
        # Every request asks whether they are still staff (not only whether the session is open).
        await db_write(data_dir, "UPDATE people SET role = 'reporter' WHERE role = 'moderator'")
        async with browser.get(f"{base(app)}/queue") as queue:
            assert queue.status == 401
        await db_write(data_dir, "UPDATE people SET role = 'moderator' WHERE language = 'kk'")
        async with browser.get(f"{base(app)}/queue") as queue:
            assert queue.status == 200
        await admin.say(f"/delmod {MODERATOR}")  # and /delmod closes their sessions
        async with browser.get(f"{base(app)}/queue") as queue:
            assert queue.status == 401
    assert fake.refused == []


async def test_staff_get_the_dashboard_as_a_mini_app_button_when_it_is_on_https(fake, data_dir, admin, user_factory):
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), web_port=0, public_url="https://dash.example.org/")
    async with running_bot(settings):
        await admin.say("/start")
        button = fake.menu_buttons[admin.id]
        assert button == {"type": "web_app", "text": L("ru", "web.menu_button"),
                          "web_app": {"url": "https://dash.example.org/app"}}
        moderator = FakeUser(fake, MODERATOR, language_code="kk", first_name="Дана")
        await admin.say(f"/addmod {MODERATOR}")
        await moderator.say("/start")  # their chat is kept from their first message as staff
        assert fake.menu_buttons[MODERATOR]["text"] == L("kk", "web.menu_button")
        await admin.say(f"/delmod {MODERATOR}")
        assert fake.menu_buttons[MODERATOR] == {"type": "default"}
        (link,) = await admin.say("/dashboard")
        assert "https://dash.example.org/login/" in link.message["text"]
    assert fake.refused == []


async def test_taking_assigns_others_take_over_on_the_record_and_many_are_taken_at_once(
        app, fake, user_factory, admin, data_dir):
    first_reporter, second_reporter = user_factory("kk"), user_factory("kk")
    first = await a_report(first_reporter)
    second = await a_report(second_reporter)
    await admin.say("/start")
    moderator = FakeUser(fake, MODERATOR, language_code="kk", first_name="Дана")
    await moderator.say("/start")
    await admin.say(f"/addmod {MODERATOR}")
    async with client() as mine, client() as theirs:
        assert (await sign_in(mine, await link_for(admin))).status == 303
        assert (await sign_in(theirs, await link_for(moderator))).status == 303
        # Both ticked in the queue and taken at once.
        async with mine.get(f"{base(app)}/queue") as queue:
            html = await queue.text()
        assert f'name="pick" value="{first}"' in html and f'name="pick" value="{second}"' in html
        async with mine.post(f"{base(app)}/queue/bulk", data=[("csrf", csrf_of(html)), ("action", "take"),
                                                               ("pick", first), ("pick", second)]) as done:
            assert done.status == 200 and (await done.text()).count(L("ru", "web.report.done")) == 2
        rows = db_rows(data_dir, "SELECT status, taken_by FROM reports ORDER BY id")
        assert {tuple(row)[0] for row in rows} == {"in_review"} and len({row["taken_by"] for row in rows}) == 1
        async with mine.get(f"{base(app)}/queue/rows?assignee=me") as listed:
            text = await listed.text()
            assert first in text and second in text
        async with theirs.get(f"{base(app)}/queue/rows?assignee=me") as listed:
            assert first not in await listed.text()

        # Someone else has it: acting needs an explicit take-over, which the history keeps.
        async def post(browser, action: str) -> int:
            async with browser.get(f"{base(app)}/report/{first}") as page:
                csrf = csrf_of(await page.text())
            async with browser.post(f"{base(app)}/report/{first}", allow_redirects=False,
                                    data={"csrf": csrf, "action": action}) as answer:
                return answer.status

        assert await post(theirs, "verify") == 409
        assert db_rows(data_dir, "SELECT status FROM reports WHERE reference = ?", (first,))[0]["status"] == "in_review"
        assert await post(theirs, "takeover") == 303
        assert await post(theirs, "verify") == 303
        assert await post(mine, "reopen") == 409  # now the first moderator must take it back
        takeovers = db_rows(data_dir, "SELECT actor, note FROM audit_log WHERE action = 'takeover'")
        assert len(takeovers) == 1 and takeovers[0]["note"].endswith(f"→ {takeovers[0]['actor']}")
        async with theirs.get(f"{base(app)}/report/{first}") as page:
            assert "🤝" in await page.text()  # the take-over in the history
    await first_reporter.replies(2)  # in review, then verified
    assert fake.refused == []


async def test_a_reports_evidence_is_shown_flagged_and_downloadable(app, fake, user_factory, admin, data_dir):
    """The photo's preview inline, its capture time as the camera wrote it, warnings for a GPS
    position and a capture two years before the incident, the original as a download."""
    reporter = user_factory("ru")
    photo = jpeg(taken="2024:05:01 10:00:00", gps=True)
    await up_to_evidence(reporter, "ru", "Фото бюллетеня с отметкой, сделано у урны.")
    await reporter.photo(photo)
    await reporter.replies(1)
    reference = await finish_and_send(reporter, "ru", contact=True)
    await admin.say("/start")
    async with client() as browser:
        assert (await sign_in(browser, await link_for(admin))).status == 303
        async with browser.get(f"{base(app)}/report/{reference}") as page:
            html = await page.text()
        assert page.status == 200
        assert L("ru", "web.report.far_from_incident") in html
        # What the photo's own data gives away, under its neutral name.
        assert L("ru", "mod.evidence.identifying_gps") in html and f"{reference}-1.jpg" in html
        assert "2024" in html and L("ru", "complaint.kind.photo") in html
        evidence_id = db_rows(data_dir, "SELECT id FROM evidence")[0]["id"]
        async with browser.get(f"{base(app)}/evidence/{evidence_id}/preview") as preview:
            assert preview.status == 200 and preview.content_type == "image/jpeg"
            assert (await preview.read())[:2] == b"\xff\xd8" and f'/evidence/{evidence_id}/preview' in html
        async with browser.get(f"{base(app)}/evidence/{evidence_id}/original") as original:
            assert original.status == 200 and original.headers["Content-Disposition"] == \
                f'attachment; filename="{reference}-1.jpg"'
            assert await original.read() == photo  # byte-exact, decrypted on the way
    async with client() as stranger:
        async with stranger.get(f"{base(app)}/evidence/{evidence_id}/original") as refused:
            assert refused.status == 401
    assert fake.refused == []


async def test_the_queue_sorts_by_priority_and_by_incident(app, fake, user_factory, admin, data_dir):
    """Urgent first (an accredited observer's, then the earliest incident: its appeal window
    closes first), and the latest incident first; an unknown order falls back to the newest."""
    for index in range(3):
        await a_report(user_factory("kk"))
    # Report 2 came from an accredited observer; report 3's incident is the earliest.
    await db_write(data_dir, "UPDATE reports SET accredited = 1 WHERE id = 2")
    await db_write(data_dir, "UPDATE reports SET occurred_at = '2026-11-20T09:00:00+05:00' WHERE id = 3")
    await db_write(data_dir, "UPDATE reports SET occurred_at = '2026-11-25T09:00:00+05:00' WHERE id IN (1, 2)")
    async with client() as http:
        assert (await sign_in(http, await link_for(admin))).status == 303

        async def order(sort: str) -> list[str]:
            async with http.get(f"{base(app)}/queue", params={"sort": sort}) as page:
                assert page.status == 200
                return re.findall(r'<a href="/report/(KZ-\d+)">', await page.text())

        assert await order("priority") == ["KZ-000002", "KZ-000003", "KZ-000001"]
        assert await order("incident") == ["KZ-000002", "KZ-000001", "KZ-000003"]
        assert await order("oldest") == ["KZ-000001", "KZ-000002", "KZ-000003"]
        assert await order("newest") == await order("<script>") == ["KZ-000003", "KZ-000002", "KZ-000001"]
    assert fake.refused == []


async def test_the_report_page_shows_the_chain_of_filings_and_every_window(app, fake, user_factory, admin, data_dir):
    """Each filing with its body, number, date and answer, and every window with its state."""
    import html as html_module
    from datetime import timedelta

    from services.i18n import Translator
    from domain import clock

    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", "Член комиссии выдавал бюллетени без документов.")
    reference = await finish_and_send(reporter, "ru", evidence=False)
    today = clock.local_now(app.bot_data["services"].settings.tz).date()
    occurred = today - timedelta(days=3)
    db_write_sql = (f"UPDATE reports SET occurred_at = '{occurred.isoformat()}T10:00', category = 'station',"
                    f" subcategory = 'issuance' WHERE reference = '{reference}'")
    await db_write(data_dir, db_write_sql)
    filed = today - timedelta(days=2)
    for command in (f"/take {reference}", f"/verify {reference}",
                    f"/escalate {reference} commission 12-3/45 {filed:%d.%m.%Y}",
                    f"/answered {reference} 1 refused {today:%d.%m.%Y}",
                    f"/escalate {reference} prosecutor 2-145 {today:%d.%m.%Y}"):
        await admin.say(command)
    await admin.say("/start")
    ru = Translator("ru")
    async with client() as browser:
        assert (await sign_in(browser, await link_for(admin))).status == 303
        async with browser.get(f"{base(app)}/report/{reference}") as page:
            text = html_module.unescape(await page.text())
    day = ru.date
    assert L("ru", "mod.history.step", body=L("ru", "mod.target.commission"), ref="12-3/45", date=day(filed)) + \
        " · " + L("ru", "mod.card.step_refused", date=day(today)) in text
    assert L("ru", "mod.history.step", body=L("ru", "mod.target.prosecutor"), ref="2-145", date=day(today)) + \
        " · " + L("ru", "mod.card.step_none") in text
    assert L("ru", "mod.window.appeal", date=day(occurred + timedelta(days=10)),
             state=L("ru", "mod.deadline_state.filed")) in text
    assert L("ru", "mod.window.appeal_decision", step=1, date=day(today + timedelta(days=10)),
             state=L("ru", "mod.deadline_state.running")) in text
    assert L("ru", "mod.window.answer", target=L("ru", "mod.target.prosecutor"), step=2,
             date=day(today + timedelta(days=5)), state=L("ru", "mod.deadline_state.running")) in text
    assert fake.refused == []
