"""The urgent path ("It is happening now / I am in danger"), end to end against the fake Bot API:
two taps file an anonymous report with priority urgent; its alert reaches the moderators' group
ahead of twenty ordinary cards waiting for the group's limit, in Kazakh and in Russian; it is first
in /queue and on the dashboard; the reporter is told first what to do now (102, 112) and may then
add a photo, words and their location, each attached to the report and noted under its alert;
and nothing on disk ties the report to them (issue #15's seizure, for an urgent report)."""

from __future__ import annotations

import asyncio
import copy
import html
import re
import shutil
import sqlite3
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot import rate_limit, telegram_http
from services.i18n import Translator
from services.web_login import open_session
from domain.rules import REGION_UNKNOWN
from handlers import deliveries, filing, jobs, mod_cards
from handlers.context import BotContext
from storage import outbox
from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.fake_telegram.limits import RateLimits
from tests.harness import make_settings, running_bot
from tests.report_helpers import KEYS, L, db_rows, db_write, jpeg, sha256, up_to_when
from tests.test_group_pressure import ADMIN, GROUP, WINDOW, cards, group_messages, stage_reports
from tests.test_outbox import failing
from tests.test_unlinkable import _derived, _opens_to, _reachable

QUEUED = 20  # ordinary reports whose cards wait for the group's limit
ALERT_WITHIN = 2.0  # seconds from the second tap to the alert in the group


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(telegram_http, "RETRY_DELAYS", (0.05, 0.1, 0.2))


def alerts(fake) -> list[dict]:
    """The urgent reports' cards in the group, in the order they arrived."""
    return [m for m in group_messages(fake) if m.get("text", "").startswith("🆘") and "📋" in m["text"]]


def alert_call(fake, reference: str):
    """The call that put this urgent report's alert in the group, once made."""
    return next((call for call in fake.calls if call.method == "sendMessage" and call.ok
                 and int(call.params.get("chat_id") or 0) == GROUP["id"]
                 and parse_html(call.params["text"]).startswith("🆘") and reference in call.params["text"]
                 and "📋" in call.params["text"]), None)


def cards_before(fake, moment: float) -> int:
    """How many ordinary cards reached the group before ``moment``."""
    return sum(1 for call in fake.calls if call.method == "sendMessage" and call.ok and call.at < moment
               and int(call.params.get("chat_id") or 0) == GROUP["id"] and parse_html(call.params["text"]).startswith("📋"))


def reference_in(text: str) -> str:
    return re.search(r"KZ-\d{6}", text).group(0)


async def file_urgent(user: FakeUser, lang: str, choice: str) -> tuple[str, list[dict], float]:
    """/start, 🆘, a choice: the reference, what the person saw after each tap, and when tap 2 was made."""
    await user.say("/start")
    (screen,) = await user.tap(L(lang, "menu.urgent"))
    screen = copy.deepcopy(screen.message)  # the receipt takes its place
    tapped = time.monotonic()
    receipt, follow_up = await user.tap(L(lang, f"urgent.choice.{choice}"), n=2, message=screen)
    reference = reference_in(receipt.message["text"])
    return reference, [screen, copy.deepcopy(receipt.message), copy.deepcopy(follow_up.message)], tapped


def check_told_what_to_do(lang: str, seen: list[dict], reference: str) -> None:
    """Safety first (102, 112) at tap 1; then a short receipt; then one line of safety and what
    they may still add: one phone screen after the tap (issue #24)."""
    screen, receipt, follow_up = seen
    safety = L(lang, "urgent.safety")
    assert screen["text"].startswith(safety) and "102" in safety and "112" in safety
    assert [b["text"] for b in FakeUser.buttons(screen)][-1] == L(lang, "wizard.cancel")
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", receipt["text"]).group(0)
    assert receipt["text"] == L(lang, "urgent.sent", reference=reference, code=code)
    assert FakeUser.buttons(receipt)[0]["callback_data"] == "rc:" + code.replace("-", "")
    assert follow_up["text"] == L(lang, "urgent.follow_up", minutes=30) and "102" in follow_up["text"]
    assert len(receipt["text"]) + len(follow_up["text"]) < 600  # one phone screen, not 1,300 characters


async def dashboard_page(app, path: str) -> str:
    """A page of the dashboard as a signed-in moderator gets it."""
    from bot.app import DASHBOARD
    from web.auth import COOKIE
    services = app.bot_data["services"]
    person = await services.person_for(ADMIN, "ru", None)
    session_id, _ = await open_session(await services.db(), services.keys, person.id)
    async with aiohttp.ClientSession(cookies={COOKIE: session_id}) as http:
        async with http.get(f"http://127.0.0.1:{app.bot_data[DASHBOARD].port}{path}") as response:
            assert response.status == 200
            return await response.text()


async def dashboard_rows(app, query: str = "") -> list[tuple[str, bool]]:
    """The references on a moderator's dashboard queue, in the order of its rows, each with
    whether it is marked urgent."""
    body = await dashboard_page(app, f"/queue{query}")
    rows = body[body.index('id="rows"'):]
    return [(ref, 'urgent-now' in row) for row, ref in
            re.findall(r'(<tr class="[^"]*">.*?<a href="/report/(KZ-\d+)">)', html.unescape(rows), re.S)]


async def test_urgent_reports_in_kk_and_ru_reach_the_moderators_ahead_of_twenty_queued_cards(
        fake, data_dir, user_factory, monkeypatch):
    monkeypatch.setattr(rate_limit, "PER_GROUP_PERIOD", WINDOW)
    fake.rate_limits = RateLimits(group_period=WINDOW)
    fake.add_chat(GROUP)
    # Every ordinary report keeps its card (no summaries), so twenty cards wait for the limit.
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"],
                             telegram_pacing=True, group_summaries=False, web_port=0)
    group = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)
    kk_voter, ru_voter = user_factory("kk"), user_factory("ru")
    async with running_bot(settings) as app:
        context = BotContext(app)
        queued = await stage_reports(context, QUEUED, notices=[("card", {}), ("evidence", {})])
        deliveries.soon(context)
        share = rate_limit.PER_GROUP - int(rate_limit.PER_GROUP * rate_limit.GROUP_RESERVE)
        await fake.wait_for(lambda: len(cards(fake)) >= share, 30)

        filed = []
        for user, lang, choice in ((kk_voter, "kk", "threats"), (ru_voter, "ru", "stuffing")):
            reference, seen, tapped = await file_urgent(user, lang, choice)
            sent = await fake.wait_for(lambda: alert_call(fake, reference), ALERT_WITHIN)
            took, waiting = sent.at - tapped, QUEUED - cards_before(fake, sent.at)
            print(f"\n{lang}: alert {reference} in the group {took:.3f} s after the tap, {waiting} cards still waiting")
            assert took < ALERT_WITHIN and waiting > 0  # it overtook the cards still queued
            check_told_what_to_do(lang, seen, reference)
            filed.append(reference)

        # The alert is the report's card: the banner, the choice, its buttons; in the group's language.
        first = alerts(fake)[0]
        assert first["text"].startswith(L("ru", "mod.card.urgent") + "\n" + parse_html(
            L("ru", "mod.card.title", reference=filed[0], status=L("ru", "status.new"))))
        assert L("ru", "category.threats") in first["text"] and L("ru", "region.unknown") in first["text"]
        assert L("ru", "mod.action.take") in [b["text"] for b in FakeUser.buttons(first)]

        # First in /queue (marked), and on top of the dashboard's rows in every order.
        title = parse_html(L("ru", "mod.queue_title", count=Translator("ru").plural("mod.reports", QUEUED + 2), page=1))
        await group.text("/queue")
        listing = await fake.wait_for(lambda: next((m for m in group_messages(fake)
                                                   if m.get("text", "").startswith(title)), None), 10)
        lines = listing["text"].split("\n")[1:]
        assert [reference_in(line) for line in lines[:2]] == filed  # urgent first, then oldest first
        assert all(line.startswith("🆘") for line in lines[:2]) and not lines[2].startswith("🆘")
        rows = await dashboard_rows(app)
        assert sorted(ref for ref, _ in rows[:2]) == sorted(filed) and all(urgent for _, urgent in rows[:2])
        assert not any(urgent for _, urgent in rows[2:]) and len(rows) == QUEUED + 2
        for order in ("oldest", "priority", "incident"):
            assert all(urgent for _, urgent in (await dashboard_rows(app, f"?sort={order}"))[:2]), order
        assert sorted(ref for ref, _ in await dashboard_rows(app, "?priority=urgent")) == sorted(filed)
        page = await dashboard_page(app, f"/report/{filed[0]}")
        assert html.escape(L("ru", "priority.urgent")) in page and html.escape(L("ru", "region.unknown")) in page

        # The queued cards still all arrive, once each.
        await fake.wait_for(lambda: len(cards(fake)) == QUEUED, 6 * WINDOW)
    assert sorted(cards(fake)) == sorted(queued) and max(cards(fake).values()) == 1
    assert [reference_in(m["text"]) for m in alerts(fake)] == filed
    assert fake.refused == []


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


async def test_a_photo_words_and_a_location_sent_after_it_are_attached_and_the_group_is_told(
        app, fake, user_factory, data_dir, tmp_path):
    voter = user_factory("kk")
    group = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)
    reference, seen, _ = await file_urgent(voter, "kk", "observer_removed")
    await fake.wait_for(lambda: alerts(fake), 5)
    photo = jpeg(color=(10, 120, 200))
    await voter.photo(photo)
    (added,) = await voter.replies(1, timeout=15)
    assert added.message["text"] == L("kk", "urgent.added", what=L("kk", "urgent.added.photo"), reference=reference)
    await voter.location(43.238949, 76.889709)
    (added,) = await voter.replies(1)
    assert added.message["text"] == L("kk", "urgent.added", what=L("kk", "urgent.added.location"), reference=reference)
    words = "Бізді учаскеден шығарып жатыр, №245 учаске, Абай көшесі"
    (added,) = await voter.say(words)
    assert added.message["text"] == L("kk", "urgent.added", what=L("kk", "urgent.added.text"), reference=reference)

    (report,) = db_rows(data_dir, "SELECT * FROM reports WHERE reference = ?", (reference,))
    assert report["priority"] == "urgent" and report["region"] == REGION_UNKNOWN
    assert (report["latitude"], report["longitude"]) == (43.238949, 76.889709)
    assert report["description"].startswith(L("kk", "urgent.description.observer_removed")) \
        and report["description"].endswith(words)
    # The photo was answered once its reference was kept; its download may still be finishing.
    await fake.wait_for(lambda: db_rows(data_dir, "SELECT 1 FROM evidence WHERE report_id = ? AND sha256 IS NOT NULL",
                                        (report["id"],)), 15)
    (file,) = db_rows(data_dir, "SELECT * FROM evidence WHERE report_id = ?", (report["id"],))
    assert file["sha256"] == sha256(photo) and file["received_at"] and file["owner_id"] is None

    # The group: the alert, then a note of each addition under it, the photo with its reference.
    await fake.wait_for(lambda: len([m for m in group_messages(fake) if m.get("photo")]) == 1
                        and len([m for m in group_messages(fake) if m.get("text", "").startswith(f"🆘 {reference}:")]) == 3, 10)
    alert = alerts(fake)[0]
    notes = [m for m in group_messages(fake) if m.get("text", "").startswith(f"🆘 {reference}:")]
    assert [m["text"] for m in notes] == [L("ru", "mod.urgent_added", reference=reference, what=L("ru", f"urgent.added.{k}"))
                                          for k in ("photo", "location", "text")]
    assert all(m["reply_to_message"]["message_id"] == alert["message_id"] for m in notes)
    (posted,) = [m for m in group_messages(fake) if m.get("photo")]
    assert posted["caption"].startswith(reference) and posted["reply_to_message"]["message_id"] == alert["message_id"]
    # The card was redrawn with what was added (just after the note that tells of it).
    await fake.wait_for(lambda: words in fake.messages[(GROUP["id"], alert["message_id"])]["text"], 10)

    # "Done": the link is dropped; what they send next is no longer added.
    await voter.tap(L("kk", "urgent.done"), message=seen[2])
    await voter.say("Енді бәрі жақсы, рақмет сізге бәріне")
    (report_after,) = db_rows(data_dir, "SELECT description FROM reports WHERE reference = ?", (reference,))
    assert report_after["description"] == report["description"]
    assert fake.refused == []


async def test_an_urgent_report_is_anonymous_and_a_seized_server_cannot_tie_it_to_its_author(
        app, fake, user_factory, data_dir, tmp_path):
    voter = user_factory("ru", first_name="Айгерим", username="aigerim_teacher")
    reference, _, _ = await file_urgent(voter, "ru", "threats")
    await voter.location(51.1, 71.4)
    await voter.replies(1)
    await fake.wait_for(lambda: alerts(fake), 5)
    (scrub,) = app.job_queue.get_jobs_by_name("scrub")
    await scrub.run(app)
    seized = tmp_path / "seized"
    shutil.copytree(data_dir, seized)
    conn = sqlite3.connect(seized / "bot.sqlite3")
    try:
        ((report_id, reporter_id, contact, priority),) = conn.execute(
            "SELECT id, reporter_id, contact_allowed, priority FROM reports WHERE reference = ?", (reference,)).fetchall()
        assert reporter_id is None and contact == 0 and priority == "urgent"
        secrets = _derived(voter.id)
        for where, value in _reachable(conn, report_id):
            for said in _opens_to(value):
                for secret in secrets:
                    assert secret not in said, f"{where} leads to the voter ({secret!r})"
        (person_id,) = conn.execute("SELECT id FROM people WHERE pseudonym = ?", (KEYS.pseudonym(voter.id),)).fetchone()
        assert conn.execute("SELECT id FROM reports WHERE reporter_id = ?", (person_id,)).fetchall() == []
        assert conn.execute("SELECT chat_ref FROM people WHERE id = ?", (person_id,)).fetchone() == (None,)
    finally:
        conn.close()
    assert fake.refused == []


async def test_a_second_press_files_nothing_more_and_urgent_reports_count_in_the_hourly_limit(
        app, fake, user_factory, data_dir, monkeypatch):
    voter = user_factory("ru")
    reference, seen, _ = await file_urgent(voter, "ru", "other")
    screen = seen[0]
    await voter.press(L("ru", "urgent.choice.other"), message=screen)  # a slow client's double tap
    await voter.press(L("ru", "urgent.choice.threats"), message=screen)  # or another choice on it
    await asyncio.sleep(0.5)
    assert [row["reference"] for row in db_rows(data_dir, "SELECT reference FROM reports")] == [reference]
    monkeypatch.setattr(filing, "REPORTS_PER_HOUR", 1)
    closed, _ = await voter.say("/start", n=2)  # the link to the first is dropped, and they are told
    assert closed.message["text"] == L("ru", "urgent.link_closed")
    await voter.tap(L("ru", "menu.urgent"))
    (refused,) = await voter.tap(L("ru", "urgent.choice.threats"))
    assert refused.message["text"] == L("ru", "flood.reports", max=1)
    assert len(db_rows(data_dir, "SELECT id FROM reports")) == 1
    assert fake.refused == []


async def test_an_accredited_observers_urgent_report_carries_the_mark(app, fake, user_factory, data_dir):
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    (reply,) = await admin.say("/invite")
    code = reply.message["text"].split()[-1].split("start=")[1]
    observer = user_factory("kk")
    await observer.say(f"/start {code}", n=2)
    reference, _, _ = await file_urgent(observer, "kk", "observer_removed")
    (report,) = db_rows(data_dir, "SELECT * FROM reports WHERE reference = ?", (reference,))
    assert (report["reporter_role"], report["accredited"], report["reporter_id"]) == ("observer", 1, None)
    await fake.wait_for(lambda: alerts(fake), 5)
    assert L("ru", "mod.card.accredited") in alerts(fake)[0]["text"]
    assert fake.refused == []


async def test_an_alert_telegram_failed_is_sent_again_by_itself(app, fake, user_factory, data_dir):
    """Telegram answers 502 to every try of the first attempt (the transport's retries too): the
    alert is retried after its pause by its own job, not when the outbox's runner comes by."""
    for job in app.job_queue.get_jobs_by_name("outbox"):
        job.enabled = False
    fake.fault = failing("sendMessage", times=len(telegram_http.RETRY_DELAYS) + 1, marker="🆘")
    reference, _, tapped = await file_urgent(user_factory("ru"), "ru", "threats")
    sent = await fake.wait_for(lambda: alert_call(fake, reference), 10)
    assert fake.faulted and 1 < sent.at - tapped < 5  # one pause (2 s) after the failed attempt
    await asyncio.sleep(0.5)
    assert len(alerts(fake)) == 1 and fake.refused == []


async def test_an_urgent_report_filed_while_no_group_was_set_gets_its_alert_once_there_is_one(
        fake, data_dir, user_factory):
    voter = user_factory("ru")
    async with running_bot(make_settings(fake, data_dir, admin_ids=str(ADMIN))):
        reference, _, _ = await file_urgent(voter, "ru", "stuffing")
    fake.add_chat(GROUP)
    async with running_bot(make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])) as app:
        await jobs.sweep(BotContext(app))
        await fake.wait_for(lambda: alerts(fake), 10)
    assert [reference_in(m["text"]) for m in alerts(fake)] == [reference]
    kinds = [row["kind"] for row in db_rows(data_dir, "SELECT kind FROM outbox ORDER BY id")]
    assert kinds[:2] == ["confirmation", "alert"] and "card" not in kinds  # its card is an alert
    assert fake.refused == []


async def test_cancel_files_nothing_and_an_open_draft_stays_as_it_was(app, fake, user_factory, data_dir):
    voter = user_factory("kk")
    await voter.say("/start")
    await voter.tap(L("kk", "menu.urgent"))
    (menu,) = await voter.tap(L("kk", "wizard.cancel"))
    assert menu.message["text"] == L("kk", "start.greeting")
    assert L("kk", "menu.urgent") in [b["text"] for b in FakeUser.buttons(menu.message)]
    assert db_rows(data_dir, "SELECT id FROM reports") == []
    # Halfway through a report with a photo, the person has to file at once.
    await up_to_when(voter, "kk")
    await voter.tap(L("kk", "wizard.when_now"))
    await voter.say("Директор мектепте мұғалімдерді белгілі бір кандидатқа дауыс беруге мәжбүрлеп жатыр.")
    await voter.photo(jpeg())
    await voter.replies(1)
    reference, _, _ = await file_urgent(voter, "kk", "threats")
    (urgent_report,) = db_rows(data_dir, "SELECT id FROM reports WHERE reference = ?", (reference,))
    assert db_rows(data_dir, "SELECT id FROM evidence WHERE report_id = ?", (urgent_report["id"],)) == []
    assert len(db_rows(data_dir, "SELECT person_id FROM drafts")) == 1  # the draft and its photo stay
    assert len(db_rows(data_dir, "SELECT id FROM evidence WHERE report_id IS NULL")) == 1
    # Back to the report without "Done": what they type now answers the wizard, not the alert.
    closed, resumed = await voter.say("/report", n=2)
    assert closed.message["text"] == L("kk", "urgent.link_closed")
    assert resumed.message["text"].startswith(L("kk", "wizard.resumed"))
    (review,) = await voter.tap(L("kk", "wizard.edit_description"))
    (review,) = await voter.say("Директор барлық мұғалімдерді жинап, дауыс беруге мәжбүрледі, қырық адам болды.")
    assert L("kk", "wizard.review_hint") in review.message["text"]
    (urgent_after,) = db_rows(data_dir, "SELECT description FROM reports WHERE reference = ?", (reference,))
    assert urgent_after["description"] == L("kk", "urgent.description.threats")
    assert fake.refused == []


async def test_the_alert_goes_first_and_in_the_foreground():
    """The outbox's rules for an alert: first of every kind, a group kind, never summarised."""
    assert outbox.KINDS[0] == "alert" and "alert" in outbox.GROUP_KINDS and "alert" in outbox.FOREGROUND
    assert outbox.KINDS.index("alert") < outbox.KINDS.index("card") < outbox.KINDS.index("evidence")
    assert mod_cards.post_alert  # the card with its urgent banner


async def test_every_order_pages_through_open_urgent_reports_first(tmp_path):
    """storage.moderation.find: open urgent reports first in every order, each report once across
    pages that cut through the urgent ones; an urgent report no longer open takes its place again."""
    from storage import moderation, people, reports
    from storage.db import Database
    from storage.models import NewReport

    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        person = await people.get_or_create(db, "p" * 64, "ru", None)
        ids = []
        for n, urgent in enumerate([False, True, False, True, False, True, False]):
            report, _ = await reports.submit(db, person.id, NewReport(
                reporter_role="voter", category="pressure", subcategory="threats",
                region=REGION_UNKNOWN if urgent else "astana", occurred_at=f"2026-12-0{n + 1}",
                description="Угрожают наблюдателю прямо сейчас на участке.", submission_key=f"k{n}",
                priority="urgent" if urgent else "normal"))
            ids.append(report.id)
        await db.write("UPDATE reports SET status = 'resolved' WHERE id = ?", (ids[5],))  # closed: no longer first
        for order, normal_order in (("newest", [7, 6, 5, 3, 1]), ("oldest", [1, 3, 5, 6, 7]),
                                    ("incident", [7, 6, 5, 3, 1])):
            pages = [await moderation.find(db, moderation.Filters(), limit=3, offset=offset, order=order)
                     for offset in (0, 3, 6)]
            got = [report.id for page in pages for report in page]
            urgent = [2, 4] if order == "oldest" else [4, 2]
            assert got == urgent + normal_order, order
        # A filter applies to both reads (the urgent ones through their own index).
        assert await moderation.find(db, moderation.Filters(status="new"), order="newest") \
            == [r for r in await moderation.find(db, moderation.Filters(), order="newest") if r.status == "new"]
        assert [r.id for r in await moderation.find(db, moderation.Filters(priority="urgent"))] == [2, 4, 6]
    finally:
        await db.close()


def test_the_link_to_an_urgent_report_is_kept_for_a_while_only():
    from services.chat_memory import UrgentFollowUps
    kept = UrgentFollowUps(limit=2, seconds=60)
    kept.open(1, 10, now=0)
    kept.open(2, 20, now=30)
    assert kept.report_of(1, now=59) == 10 and kept.report_of(1, now=60) is None
    assert kept.report_of(2, now=60) == 20
    kept.open(3, 30, now=61)
    kept.open(4, 40, now=62)  # the oldest link goes first when too many are kept
    assert kept.report_of(2, now=62) is None and kept.report_of(4, now=62) == 40
    kept.close(4)
    assert kept.report_of(4, now=62) is None
    few = UrgentFollowUps(each=2)
    few.open(1, 10)
    assert [few.count(1) for _ in range(3)] == [True, True, False]  # then the person is told to file anew
    few.open(1, 11)
    assert few.count(1)


async def test_the_reminders_and_the_digest_mark_an_urgent_report(fake, data_dir, user_factory):
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"],
                             stale_alert_minutes=1)
    group = FakeUser(fake, ADMIN, language_code="ru", chat=GROUP)
    async with running_bot(settings) as application:
        voter = user_factory("ru")
        reference, _, _ = await file_urgent(voter, "ru", "threats")
        await fake.wait_for(lambda: alerts(fake), 5)
        group.mark_seen()
        marked = f"{L('ru', 'mod.urgent_flag')} {reference}"
        context = BotContext(application)
        # Waiting too long for a moderator: the alert names it as urgent.
        await db_write(data_dir, "UPDATE reports SET submitted_at = datetime('now', '-5 minutes')")
        await jobs.sweep(context)
        (stale,) = await group.replies(1)
        assert stale.message["text"] == L("ru", "mod.alert_stale", reference=marked, minutes=1)
        # Its appeal window closing, and the morning digest's overdue list: marked too.
        # The 10-day appeal window runs for a commission's act only: the report is recategorised
        # as ballots issued by a commission member, so that it runs.
        await db_write(data_dir, "UPDATE reports SET occurred_at = date('now', '-8 days'), category = 'station',"
                                 " subcategory = 'issuance'")
        await jobs.deadlines(context)
        (reminder,) = await group.replies(1)
        assert reminder.message["text"].split("\n")[-1] == marked
        await db_write(data_dir, "UPDATE reports SET occurred_at = date('now', '-12 days')")
        await jobs.digest(context)
        (digest,) = await group.replies(1)
        assert marked in digest.message["text"]
    assert fake.refused == []
