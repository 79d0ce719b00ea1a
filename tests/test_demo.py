"""The demonstration (``python -m bot --demo``, README's first command): the real bot against the
built-in Telegram, played in headless Chromium. A voter files a report in Kazakh on the demo's
page, its card appears in the moderators' group there, a moderator takes it on the dashboard and
the voter is told; a rehearsal replays a voting day and prints its summary; a real-looking token
stops the demo; a real deployment's dashboard serves nothing of the demo."""

from __future__ import annotations

import asyncio
import os
import re
import sys

import aiohttp
import pytest

from bot.demo.run import DEMO_TOKEN
from tests.harness import PROJECT_ROOT, make_settings, running_bot
from fake_telegram.html_check import parse_html
from tests.report_helpers import L, jpeg
from tests.test_browser import ARTIFACTS, WAIT_MS, browser, pytestmark as browser_only  # noqa: F401 - a fixture

STEP_MS = 30_000  # one step of the wizard on a loaded machine, with the demo's real pacing


def demo_env(tmp_path, **extra: str) -> dict[str, str]:
    """A fresh machine's environment: no BOT_TOKEN, no .env read (cwd is the checkout, which has none)."""
    return {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT_ROOT), "TMPDIR": str(tmp_path), **extra}


async def start_demo(tmp_path, *args: str, **env: str) -> tuple[asyncio.subprocess.Process, str]:
    """``python -m bot --demo`` as a child process; returns it and the address it printed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--demo", "--port", "0", "--data-dir", str(tmp_path / "data"), *args,
        cwd=str(PROJECT_ROOT), env=demo_env(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
    found = re.search(r"(http://127\.0\.0\.1:\d+/demo/)", line)
    if found is None:
        process.kill()
        _, err = await process.communicate()
        raise AssertionError(f"no address printed: {line!r}; {err.decode()[-2000:]}")
    return process, found.group(1)


async def stop(process: asyncio.subprocess.Process) -> str:
    if process.returncode is None:
        process.terminate()
    _, err = await asyncio.wait_for(process.communicate(), 60)
    return err.decode("utf-8", "replace")


@browser_only
async def test_a_voter_files_in_kazakh_and_a_moderator_takes_it_in_the_demo(tmp_path, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    process, address = await start_demo(tmp_path)
    kk = lambda key, **params: L("kk", key, **params)  # noqa: E731
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(STEP_MS)
    problems: list[str] = []

    def watch(page) -> None:
        page.on("console", lambda message: problems.append(message.text) if message.type == "error"
                and not message.text.startswith("Failed to load resource") else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
                if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)

    voter = await context.new_page()
    watch(voter)
    try:
        await voter.goto(address)
        await voter.click('a[href="/demo/?who=voter&lang=kk"]')
        # Every page says it is a demonstration, in the page's language.
        assert await voter.locator(".banner").inner_text() == L("kk", "demo.banner")
        chat = voter.locator('section[data-chat="private"]')
        messages = chat.locator(".messages")

        async def say(text: str) -> None:
            await chat.locator("input[name=text]").fill(text)
            await chat.locator("form.compose button[type=submit]").click()

        async def tap(label: str) -> None:
            await messages.get_by_role("button", name=label, exact=True).last.click()

        async def shown(text: str) -> None:
            await voter.wait_for_function(
                "([list, text]) => list.innerText.includes(text)", arg=[await messages.element_handle(), text],
                timeout=STEP_MS)

        await say("/start")
        await tap(kk("menu.report"))
        await tap(kk("category.coercion_work"))
        await tap(kk("region.almaty_city"))
        await shown(kk("wizard.ask_where", max=200).splitlines()[0])
        await say("245")
        await tap(kk("wizard.when_now"))
        await shown(kk("wizard.ask_description", min=20, max=10_000, files=20, note="").split(".")[0])
        await say("Бастық барлық мұғалімдерден бюллетеньнің суретін талап етті.")
        await shown(kk("wizard.review_hint"))
        # A photo from the computer: shown in the chat, and the bot answers it.
        answers = await messages.locator("li.bot").count()
        await chat.locator("input[type=file]").set_input_files(
            {"name": "queue.jpg", "mimeType": "image/jpeg", "buffer": jpeg(640, 480)})
        await chat.locator("form.compose button[type=submit]").click()
        await voter.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                      arg=await messages.locator("li.me img").last.element_handle())
        await voter.wait_for_function("([list, n]) => list.querySelectorAll('li.bot').length > n",
                                      arg=[await messages.element_handle(), answers], timeout=STEP_MS)
        await tap(kk("wizard.edit_contact"))  # a voter is anonymous unless they allow contact: then told
        await tap(kk("wizard.contact_allowed"))
        await tap(kk("wizard.send"))
        await shown("KZ-")
        reference = re.search(r"KZ-\d+", await messages.inner_text()).group(0)
        assert await messages.locator("li.bot .from").first.inner_text() == kk("demo.bot_name")  # the bot's messages too
        await voter.screenshot(path=ARTIFACTS / "demo-voter.png", full_page=True)

        # The moderators' group on the moderator's page shows the report's card.
        moderator = await context.new_page()
        watch(moderator)
        await moderator.goto(address + "?who=moderator&lang=kk")
        group = moderator.locator('section[data-chat="group"] .messages')
        await moderator.wait_for_function("([list, text]) => list.innerText.includes(text)",
                                          arg=[await group.element_handle(), reference], timeout=STEP_MS)
        await moderator.screenshot(path=ARTIFACTS / "demo-group.png", full_page=True)

        # The dashboard: /dashboard in the moderator's chat gives the sign-in link.
        private = moderator.locator('section[data-chat="private"]')
        await private.locator("input[name=text]").fill("/dashboard")
        await private.locator("form.compose button[type=submit]").click()
        link = private.locator('.messages a[href*="/login/"]').last
        dashboard = await context.new_page()
        watch(dashboard)
        await dashboard.goto(await link.get_attribute("href"))
        await dashboard.locator("form button[type=submit]").first.click()
        await dashboard.wait_for_url("**/queue")
        assert await dashboard.locator(".demo-banner").inner_text() == L("kk", "demo.banner")  # the moderator's language
        await dashboard.click(f'#rows a[href="/report/{reference}"]')
        await dashboard.get_by_role("button", name=kk("mod.action.take")).click()
        await dashboard.wait_for_function("text => document.querySelector('h1').innerText.includes(text)",
                                          arg=kk("status.in_review"))

        # The voter is told, in Kazakh, on the demo's page.
        await shown(kk("feedback.status", reference=reference, status=kk("status.in_review"),
                       meaning=kk("receipt.meaning.in_review")).splitlines()[0])
        await voter.screenshot(path=ARTIFACTS / "demo-told.png", full_page=True)

        # The rehearsal's button: made-up people file reports, then the summary, in Kazakh.
        await moderator.locator("form.rehearse input[name=count]").fill("3")
        await moderator.locator("form.rehearse input[name=pace]").fill("600")
        await moderator.get_by_role("button", name=kk("demo.rehearsal.start")).click()
        summary = moderator.locator(".rehearsal .summary")
        await moderator.wait_for_function("el => el.innerText.length > 0", arg=await summary.element_handle(),
                                          timeout=120_000)
        assert (await summary.inner_text()).startswith(kk("demo.rehearsal.summary", filed=3, failed=0, urgent=0,
                                                          photos=0, duplicates=0).split("(")[0])
    except BaseException:
        print(f"in the browser: {problems}")
        await voter.screenshot(path=ARTIFACTS / "demo-failed.png", full_page=True)
        raise
    finally:
        await context.close()
        err = await stop(process)
    assert problems == [], problems
    assert "Traceback" not in err, err[-3000:]


async def test_a_rehearsal_replays_a_voting_day_and_sums_it_up(tmp_path):
    """100 reports of the bundled stream through the real wizard, faster than a real day's 30 a
    minute (the same code path), then the summary."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--demo", "--port", "0", "--data-dir", str(tmp_path / "data"),
        "--rehearsal", "100", "--pace", "600", "--seed", "30", "--exit-after-rehearsal",
        cwd=str(PROJECT_ROOT), env=demo_env(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(), 600)
    finally:
        if process.returncode is None:  # timed out: a demo left running would hold a core
            process.kill()
            await process.wait()
    out, err = out.decode(), err.decode()
    assert process.returncode == 0, err[-3000:]
    summary = out.split("Rehearsal summary:\n", 1)[1]
    filed = re.search(r"Rehearsal over: (\d+) reports filed \((\d+) urgent, (\d+) with photos, (\d+) about one event\), "
                      r"(\d+) not filed", summary)
    assert filed is not None, summary
    assert filed.group(1) == "100" and filed.group(5) == "0", summary
    assert int(filed.group(2)) > 0 and int(filed.group(3)) > 0 and filed.group(4) == "4", summary
    # Nobody took any: all 100 still wait, none yet past the 30-minute deadline.
    assert "Taken by a moderator: 0;" in summary, summary
    assert "missed): 0; still waiting: 100" in summary, summary


@pytest.mark.parametrize("where", ["environment", ".env"])
async def test_the_demo_refuses_a_real_looking_token(tmp_path, where):
    real = "7123456789:AAH3kq9Xv0PzR5mWc8LtYb2NdUf6GhJs1Qo"
    env = demo_env(tmp_path)
    cwd = PROJECT_ROOT
    if where == "environment":
        env["BOT_TOKEN"] = real
    else:
        cwd = tmp_path
        (tmp_path / ".env").write_text(f"BOT_TOKEN={real}\n", encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--demo", "--port", "0", cwd=str(cwd), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "real-looking bot token" in err.decode() and real not in err.decode() + out.decode()
    assert b"/demo/" not in out  # nothing was started
    assert not re.match(r"^\d{6,20}:[A-Za-z0-9_-]{30,}$", DEMO_TOKEN)  # its own token never looks real


async def test_a_real_deployment_serves_no_demo_page(fake, data_dir):
    settings = make_settings(fake, data_dir, web_port=0)
    async with running_bot(settings) as application:
        port = application.bot_data["dashboard"].port
        async with aiohttp.ClientSession() as session:
            for path in ("/demo/", "/demo/static/demo.js", "/demo/api/chat?who=voter&lang=kk&chat=private"):
                async with session.get(f"http://127.0.0.1:{port}{path}", allow_redirects=False) as response:
                    assert response.status in (401, 404), (path, response.status)
            async with session.get(f"http://127.0.0.1:{port}/login/nothing") as response:
                assert "demo-banner" not in await response.text()  # nor says it is one


def test_the_page_shows_only_telegrams_markup_and_escapes_the_rest():
    """What the bot sent is drawn as Telegram draws it; anything else in it stays text."""
    from bot.demo.telegram_html import to_page

    shown = to_page('<b>KZ-1</b> &lt;script&gt; <a href="javascript:alert(1)">x</a> <i>see http://127.0.0.1:1/login/t</i>'
                    '<tg-spoiler>s</tg-spoiler><img src=x onerror=alert(1)>', "HTML")
    assert shown == ('<b>KZ-1</b> &lt;script&gt; <span>x</span> <i>see <a href="http://127.0.0.1:1/login/t" '
                     'target="_blank" rel="noopener noreferrer">http://127.0.0.1:1/login/t</a></i>'
                     '<span class="spoiler">s</span><span></span>')
    assert to_page("<b>typed by a person</b>", None) == "&lt;b&gt;typed by a person&lt;/b&gt;"


async def test_the_page_keeps_each_chat_as_telegram_shows_it(fake):
    """Albums with their captions, edits, buttons that change, reply keyboards, deletions."""
    from bot.demo.chats import Chats

    chats = Chats(fake)
    fake.add_chat({"id": 42, "type": "private", "first_name": "A"})
    photos = [fake.add_file(jpeg(64, 48), "jpg").file_id for _ in range(2)]

    async def call(method: str, **params):
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{fake.url}/bot{fake.token}/{method}", json=params) as response:
                answer = await response.json()
        assert answer["ok"], answer
        return answer["result"]

    keyboard = {"keyboard": [["Yes", "No"]], "one_time_keyboard": True}
    first = await call("sendMessage", chat_id=42, text="<b>Q</b> &amp; <i>x</i>", parse_mode="HTML",
                       reply_markup=keyboard)
    album = await call("sendMediaGroup", chat_id=42, media=[
        {"type": "photo", "media": photos[0], "caption": "<b>one</b>", "parse_mode": "HTML"},
        {"type": "photo", "media": photos[1]}])
    card = await call("sendMessage", chat_id=42, text="card", parse_mode="HTML",
                      reply_markup={"inline_keyboard": [[{"text": "Take", "callback_data": "t:1"}]]})
    chat = chats.chat(42)
    assert chat.keyboard == {"rows": [["Yes", "No"]], "one_time": True}
    assert [e["html"] for e in chat.entries] == ["<b>Q</b> &amp; <i>x</i>", "<b>one</b>", "", "card"]
    assert [e["photo"] for e in chat.entries[1:3]] == photos and chat.entries[1]["group"] == chat.entries[2]["group"]
    assert chat.entries[3]["buttons"] == [[{"text": "Take", "data": "t:1", "url": ""}]]

    await call("editMessageText", chat_id=42, message_id=card["message_id"], text="card <u>taken</u>", parse_mode="HTML",
               reply_markup={"inline_keyboard": [[{"text": "Verify", "callback_data": "v:1"}]]})
    assert chat.entries[3]["html"] == "card <u>taken</u>" and chat.entries[3]["edited"]
    assert chat.entries[3]["buttons"][0][0]["text"] == "Verify"
    await call("editMessageReplyMarkup", chat_id=42, message_id=card["message_id"])
    assert chat.entries[3]["buttons"] == []
    await call("deleteMessage", chat_id=42, message_id=first["message_id"])
    assert len(chat.entries) == 3 and album[0]["message_id"] == chat.entries[0]["id"]
    await call("sendMessage", chat_id=42, text="bye", reply_markup={"remove_keyboard": True})
    assert chat.keyboard is None


async def test_the_demos_observers_are_accredited_by_an_invite(fake, data_dir):
    from bot.demo.chats import Chats, admin_ids, GROUP

    chats = Chats(fake)
    settings = make_settings(fake, data_dir, admin_ids=",".join(map(str, admin_ids())), moderator_chat_id=GROUP["id"])
    async with running_bot(settings):
        await chats.accredit_observers()
    for lang in ("kk", "ru", "en"):
        observer = chats.person("observer", lang)
        told = [parse_html(e["html"]) for e in chats.chat(observer.id).entries if e["side"] == "bot"]
        assert told[0] == L(lang, "invite.accepted"), told
    assert fake.refused == []



async def test_a_taken_port_is_said_in_one_line(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--demo", "--port", str(port), "--data-dir", str(tmp_path / "data"),
            cwd=str(PROJECT_ROOT), env=demo_env(tmp_path),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2, err.decode()[-2000:]
    assert f"port {port} is taken" in err.decode() and "Traceback" not in err.decode()


async def test_the_pages_api_replies_in_the_group_and_refuses_what_a_person_cannot_do(fake):
    """A moderator's reply to a card reaches the bot as Telegram's Reply; a change needs the page's
    own header; only moderators are in the group; the page runs no inline script."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.demo.chats import GROUP, Chats
    from bot.demo.page import make_app
    from bot.demo.rehearsal import Rehearsal

    chats = Chats(fake)
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{fake.url}/bot{fake.token}/sendMessage",
                                json={"chat_id": GROUP["id"], "text": "card"}) as response:
            card = (await response.json())["result"]
    app = make_app(chats, Rehearsal(fake, services=None), "http://127.0.0.1:1/")
    async with TestClient(TestServer(app)) as client:
        form = {"who": "moderator", "lang": "kk", "chat": "group", "text": "Тексеремін", "reply_to": str(card["message_id"])}
        refused = await client.post("/demo/api/send", data=form)
        assert refused.status == 403 and fake._updates == []  # no header: another site's form
        sent = await client.post("/demo/api/send", data=form, headers={"X-Demo": "1"})
        assert sent.status == 200
        (update,) = fake._updates
        assert update["message"]["reply_to_message"]["message_id"] == card["message_id"]
        assert update["message"]["chat"]["id"] == GROUP["id"] and update["message"]["text"] == "Тексеремін"
        shown = await (await client.get("/demo/api/chat", params={"who": "moderator", "lang": "kk", "chat": "group"})).json()
        assert [(e["side"], e["html"]) for e in shown["entries"]] == [("bot", "card"), ("me", "Тексеремін")]
        outsider = await client.post("/demo/api/send", headers={"X-Demo": "1"},
                                     data={**form, "who": "observer"})
        assert outsider.status == 403 and len(fake._updates) == 1
        page = await client.get("/demo/?who=voter&lang=kk")
        assert "script-src 'self'" in page.headers["Content-Security-Policy"] and "<script>" not in await page.text()
