"""End to end: what the dashboard must never do with what it is sent (#28, part 7). A request
value is never markup (``?done=`` names a text from a fixed list), the CSP keeps forms and
``<base>`` at home, a Mini App's initData signs in once, refusals are pages in the visitor's
language, numbers out of range are 404s, and a file's type for serving comes from its bytes: a
JPEG with ``<script`` in its EXIF is a JPEG with a preview; a voice note plays in the page."""

from __future__ import annotations

import re
import time

import pytest

from tests.test_dashboard import ADMIN, base, client, init_data, link_for, sign_in
from tests.report_helpers import L, db_rows, finish_and_send, jpeg, up_to_evidence

GROUP = {"id": -100785, "type": "supergroup", "title": "Moderators"}


@pytest.fixture
def settings(fake, data_dir):
    from tests.harness import make_settings
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"], web_port=0)


@pytest.fixture
def admin(fake):
    from tests.fake_telegram import FakeUser
    return FakeUser(fake, ADMIN, language_code="kk", first_name="Нурлан")


async def test_request_values_are_never_markup_and_the_csp_keeps_forms_home(app, fake, user_factory, admin):
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", 'Подвезли людей автобусом <base href="//evil.example/"> к участку.')
    reference = await finish_and_send(reporter, "ru", evidence=False)
    await admin.say("/start")
    async with client() as browser:
        assert (await sign_in(browser, await link_for(admin))).status == 303
        for done in ("web.<b>x</b>", "web.{x}", "web.report.done{x}", "status.new", "<base href=//evil>"):
            async with browser.get(f"{base(app)}/report/{reference}", params={"done": done}) as page:
                html = await page.text()
                assert page.status == 200, done
                assert "<b>x" not in html and "<base" not in html and 'class="done"' not in html, done
        async with browser.get(f"{base(app)}/report/{reference}?done=web.report.done") as page:
            html = await page.text()
            assert f'<p class="done">{L("kk", "web.report.done")}</p>' in html
        # The description's <base> is text, and the policy would stop it even if it were not.
        assert "&lt;base href=&#34;//evil.example/&#34;&gt;" in html
        policy = page.headers["Content-Security-Policy"]
        for rule in ("form-action 'self'", "base-uri 'none'", "media-src 'self'", "script-src 'self'"):
            assert rule in policy
    assert fake.refused == []


async def test_a_replayed_init_data_is_refused(app, fake, admin, data_dir):
    await admin.say("/start")
    now = int(time.time())
    once = init_data(ADMIN, now)
    async with client() as first:
        async with first.post(f"{base(app)}/webapp/login", data={"init_data": once}) as answer:
            assert answer.status == 200 and await answer.json() == {"next": "/queue"}
        async with first.get(f"{base(app)}/queue") as queue:
            assert queue.status == 200
    # The same initData again, or with its fields in another order (the same signature), opens nothing.
    reordered = "&".join(reversed(once.split("&")))
    for replay in (once, reordered):
        async with client() as second:
            async with second.post(f"{base(app)}/webapp/login", data={"init_data": replay},
                                   headers={"Accept-Language": "en"}) as answer:
                assert answer.status == 401 and L("en", "web.error.401") in await answer.text()
            async with second.get(f"{base(app)}/queue") as queue:
                assert queue.status == 401
    # A new initData (Telegram signs one each time the Mini App opens) still works.
    async with client() as third:
        async with third.post(f"{base(app)}/webapp/login", data={"init_data": init_data(ADMIN, now + 1)}) as answer:
            assert answer.status == 200
    (kept,) = db_rows(data_dir, "SELECT count(*) AS n, min(expires_at) AS until FROM web_init_data_used")
    assert kept["n"] == 2 and kept["until"] > "2026"
    assert fake.refused == []


async def test_numbers_out_of_range_are_404s_in_the_visitors_language(app, fake, admin):
    await admin.say("/start")
    async with client() as browser:
        assert (await sign_in(browser, await link_for(admin))).status == 303
        for path in ("/evidence/99999999999999999999999/original", "/evidence/9223372036854775808/preview",
                     "/evidence/9223372036854775807/original", "/evidence/%C2%B2/original", "/report/KZ-999999",
                     "/nowhere"):
            async with browser.get(base(app) + path, headers={"Accept-Language": "en"}) as page:
                html = await page.text()
                # the person's language (Kazakh) wins over the browser's
                assert page.status == 404 and L("kk", "web.error.404") in html, path
        async with browser.get(f"{base(app)}/queue?page=99999999999999999999999999") as page:
            assert page.status == 200
    assert fake.refused == []


async def test_a_files_type_for_serving_comes_from_its_bytes(app, fake, user_factory, admin, data_dir):
    """A JPEG whose EXIF says ``<script``: a JPEG, previewed, served as image/jpeg. A voice note
    plays in the page as audio/ogg. HTML sent as a document is bytes to download."""
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", "Фото бюллетеня с отметкой, сделано у урны.")
    scripted = jpeg(make="<script>alert(1)</script><html>", camera="<svg onload=alert(1)>")
    assert b"<script" in scripted
    await reporter.document(scripted, "photo.jpg", "image/jpeg")
    await reporter.replies(1)
    voice = b"OggS\x00\x02" + bytes(200)
    await reporter.media("voice", voice, "audio/ogg")
    await reporter.replies(1)
    await reporter.document(b"<html><body><script>steal()</script></body></html>", "notes.txt", "text/plain")
    await reporter.replies(1)
    reference = await finish_and_send(reporter, "ru")
    rows = db_rows(data_dir, "SELECT id, mime_type, preview_path FROM evidence ORDER BY id")
    assert rows[0]["mime_type"] == "image/jpeg" and rows[0]["preview_path"]
    await admin.say("/start")
    async with client() as browser:
        assert (await sign_in(browser, await link_for(admin))).status == 303
        async with browser.get(f"{base(app)}/report/{reference}") as page:
            html = await page.text()
        photo, sound, markup = (row["id"] for row in rows)
        assert f'<audio controls preload="none" src="/evidence/{sound}/original">' in html
        async with browser.get(f"{base(app)}/evidence/{photo}/preview") as preview:
            assert preview.status == 200 and preview.content_type == "image/jpeg"
        expected = {photo: ("image/jpeg", scripted), sound: ("audio/ogg", voice),
                    markup: ("application/octet-stream", None)}
        for evidence_id, (mime_type, data) in expected.items():
            async with browser.get(f"{base(app)}/evidence/{evidence_id}/original") as original:
                assert original.status == 200 and original.content_type == mime_type, evidence_id
                assert original.headers["Content-Disposition"].startswith("attachment; filename=")
                assert original.headers["X-Content-Type-Options"] == "nosniff"
                body = await original.read()
                assert data is None or body == data
    assert fake.refused == []


async def test_sign_in_and_refusal_pages_speak_the_visitors_language(app, fake):
    async with client() as browser:
        for header, lang in (("en-GB,en;q=0.9", "en"), ("kk", "kk"), ("de-DE, en;q=0.5, ru;q=0.9", "ru"), ("", "ru")):
            headers = {"Accept-Language": header} if header else {}
            async with browser.get(f"{base(app)}/login/some-token", headers=headers) as page:
                assert L(lang, "web.login.ask") in await page.text() and f'<html lang="{lang}">' in await page.text()
            async with browser.post(f"{base(app)}/login", data={"token": "used-or-made-up"}, headers=headers) as page:
                assert page.status == 401 and L(lang, "web.login.refused") in await page.text()
            async with browser.get(f"{base(app)}/queue", headers=headers) as page:
                assert page.status == 401 and L(lang, "web.error.401") in await page.text(), header
    assert fake.refused == []
