"""Bad input at every kind of step: a clear message in the user's language, the step repeats,
nothing entered so far is lost, and nothing crashes."""

from __future__ import annotations

from services.i18n import Translator

import json

from tests.fake_telegram.html_check import parse_html
from tests.report_helpers import (
    L, LP, choose_what_and_where, db_rows, finish_and_send, jpeg, start_report, up_to_evidence, up_to_when,
)

DESCRIPTION = "Директор школы собрал учителей и велел голосовать только за одного кандидата."


def draft(data_dir):
    (row,) = db_rows(data_dir, "SELECT data FROM drafts")
    return json.loads(row["data"])


def notice_then(event, lang, notice_key, prompt_key, **params):
    text = event.message["text"]
    assert text.startswith(L(lang, notice_key, **params)), text
    assert prompt_key is None or L(lang, prompt_key, **params) in text


async def test_text_sticker_poll_contact_where_buttons_are_expected(app, user_factory, data_dir):
    user = user_factory("ru")
    await start_report(user, "ru")
    (reply,) = await user.say("избиратель")
    notice_then(reply, "ru", "wizard.use_buttons", None)
    assert L("ru", "wizard.ask_group", role=L("ru", "role.voter")) in reply.message["text"]
    await user.tap(L("ru", "wizard.change_role"))
    await user.tap(L("ru", "role.voter"))
    await user.sticker()
    (reply,) = await user.replies(1)
    asked = L("ru", "wizard.ask_group", role=L("ru", "role.voter"))
    notice_then(reply, "ru", "wizard.use_buttons", None)
    assert asked in reply.message["text"]
    await user.poll()
    (reply,) = await user.replies(1)
    assert reply.message["text"] == L("ru", "wizard.use_buttons") + "\n\n" + asked
    await user.contact()
    (reply,) = await user.replies(1)
    assert reply.message["text"] == L("ru", "wizard.use_buttons") + "\n\n" + asked
    # The step repeated with working buttons, and the first answer is still there.
    (prompt,) = await user.tap(L("ru", "group.station"))
    assert draft(data_dir)["reporter_role"] == "voter" and draft(data_dir)["step"] == "category"


async def test_where_exactly_takes_a_number_a_place_or_a_location(app, user_factory, data_dir):
    user = user_factory("kk")
    await start_report(user, "kk")
    await choose_what_and_where(user, "kk")
    for bad in ("…", "?!", "—"):  # nothing a place or a number is made of
        (reply,) = await user.say(bad)
        notice_then(reply, "kk", "wizard.bad_where", "wizard.ask_where", max=200)
    for absurd in ("0", "1234567", "УСК № 000"):  # digits, but no precinct has such a number: said so
        (reply,) = await user.say(absurd)
        assert reply.message["text"].startswith(L("kk", "wizard.precinct_range", digits=5))
    (reply,) = await user.say("x" * 201)
    assert reply.message["text"].startswith(LP("kk", "wizard.place_too_long", 201, max=200))
    (reply,) = await user.say("№ 0245")
    assert reply.message["text"] == L("kk", "wizard.ask_when")
    saved = draft(data_dir)
    assert (saved["precinct"], saved["region"], saved["category"]) == ("245", "almaty_city", "coercion_work")
    # Back, and a place in words and a location add to the number: nothing given is lost.
    await user.tap(L("kk", "wizard.back"))
    (reply,) = await user.say("12а мектеп")
    assert reply.message["text"] == L("kk", "wizard.ask_when")
    await user.tap(L("kk", "wizard.back"))
    await user.location(43.2, 76.9)
    (reply,) = await user.replies(1)
    assert reply.message["text"] == L("kk", "wizard.ask_when")
    saved = draft(data_dir)
    assert (saved["precinct_kind"], saved["precinct"], saved["place"]) == ("number", "245", "12а мектеп")
    assert (saved["latitude"], saved["longitude"]) == (43.2, 76.9)


async def test_dates_in_the_future_and_nonsense(app, user_factory, data_dir):
    user = user_factory("ru")
    await up_to_when(user, "ru")
    await user.tap(L("ru", "wizard.when_date"))
    (reply,) = await user.say("01.01.2099")
    assert reply.message["text"].startswith(L("ru", "wizard.date_future"))
    (reply,) = await user.say("вчера вечером")
    assert reply.message["text"].startswith(L("ru", "wizard.date_format"))
    (reply,) = await user.say("31.02.2026")
    assert reply.message["text"].startswith(L("ru", "wizard.date_format"))
    (reply,) = await user.say("01.01.2020")
    assert reply.message["text"].startswith(L("ru", "wizard.date_too_old"))
    await user.tap(L("ru", "wizard.back"), message=user.last_with_buttons())
    (reply,) = await user.tap(L("ru", "wizard.when_today"))
    (reply,) = await user.say("25:99")
    assert reply.message["text"].startswith(L("ru", "wizard.time_format"))
    (reply,) = await user.say("00:00")
    assert reply.message["text"] == L("ru", "wizard.ask_description", min=20, max=Translator("ru").number(10_000), files=20,
                                         note=L("ru", "wizard.evidence_metadata_note"))
    assert draft(data_dir)["occurred_at"][11:16] == "00:00"


async def test_description_too_short_and_too_long(app, user_factory, data_dir):
    user = user_factory("en")
    await up_to_when(user, "en")
    await user.tap(L("en", "wizard.when_now"))
    (reply,) = await user.say("bad")
    assert reply.message["text"].startswith(L("en", "wizard.description_short", min=20))
    (reply,) = await user.say("x" * 10_001)
    assert reply.message["text"].startswith(LP("en", "wizard.description_long", 10_001, max="10,000"))
    (review,) = await user.say("<b>Boss</b> & co said: vote or <i>lose</i> your job </b>")
    assert L("en", "wizard.review_hint") in review.message["text"]
    saved = draft(data_dir)
    assert saved["description"] == "<b>Boss</b> & co said: vote or <i>lose</i> your job </b>"
    assert saved["precinct"] == "245"
    # Shown back literally: escaped for HTML, so Telegram accepted it (the app fixture checks).
    assert "<b>Boss</b> & co said: vote or <i>lose</i> your job </b>" in review.message["text"]


async def test_unsupported_file_and_file_limits(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await up_to_evidence(user, "ru", DESCRIPTION)
    await user.document(b"MZ\x90\x00evil", "setup.exe", "application/x-msdownload")
    (reply,) = await user.replies(1)
    assert reply.message["text"].startswith(L("ru", "wizard.evidence_unsupported"))
    await user.document(b"%PDF-1.4 ../../etc/passwd", "../../../etc/passwd.pdf", "application/pdf")
    await user.replies(1)
    await user.document(b"MZ\x90\x00 not a picture", "holiday.jpg", "image/jpeg")
    (reply,) = await user.replies(1)
    assert reply.message["text"].startswith(L("ru", "wizard.evidence_mismatch"))
    big = await user.media("video", b"too big to download", "video/mp4", size=25 * 1024 * 1024)
    (reply,) = await user.replies(1)
    assert reply.message["text"].startswith(L("ru", "wizard.evidence_too_big"))
    assert not [c for c in fake.calls_of("getFile") if c.params.get("file_id") == big.file_id]
    for album, size in (("a1", 10), ("a2", 8)):
        for i in range(size):
            await user.photo(jpeg(color=(i, size, i)), media_group_id=album)
        await user.replies(1)
    await user.photo(jpeg())
    (reply,) = await user.replies(1)
    # Past the limit: said once the files stop coming, with how many were not taken.
    assert reply.message["text"].startswith(parse_html(Translator("ru").plural("wizard.evidence_refused", 1, max=20)))
    rows = db_rows(data_dir, "SELECT * FROM evidence ORDER BY id")
    assert len(rows) == 20
    assert rows[0]["file_name"] is None and rows[0]["stored_path"].startswith("evidence/")
    assert ".." not in rows[0]["stored_path"]
    assert rows[1]["too_big"] == 1 and rows[1]["file_id"] == big.file_id and rows[1]["sha256"] is None
    await finish_and_send(user, "ru")
    assert db_rows(data_dir, "SELECT COUNT(*) AS n FROM evidence WHERE report_id = 1")[0]["n"] == 20


async def test_old_buttons_and_forged_data_are_answered_and_change_nothing(app, user_factory, data_dir):
    user = user_factory("ru")
    await start_report(user, "ru")
    await user.tap(L("ru", "wizard.change_role"))
    role_prompt = dict(user.last_with_buttons())
    await user.tap(L("ru", "role.voter"))
    group_prompt = dict(user.last_with_buttons())
    await user.tap(L("ru", "group.station"))
    # The role message was edited into later steps; a press from a stored copy of it is stale.
    query = await user.press(data="w:role:observer", message=role_prompt)
    assert (await user.answered(query))["text"] == L("ru", "common.stale_button")
    query = await user.press(data="w:group:count", message=group_prompt)
    assert (await user.answered(query))["text"] == L("ru", "common.stale_button")
    for forged in ("w:category:counting", "w:category:../../x", "w:category", "w:::", "zz:1", "x" * 64,
                   "w:category:keep"):  # Keep only while a step is changed from the review
        query = await user.press(data=forged)
        assert (await user.answered(query))["text"] == L("ru", "common.stale_button")
    saved = draft(data_dir)
    assert (saved["reporter_role"], saved["group"], saved["step"]) == ("voter", "station", "category")


async def test_double_tap_on_send_makes_one_report(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await up_to_evidence(user, "ru", DESCRIPTION)
    review_message = dict(user.last_with_buttons())
    first = await user.press(L("ru", "wizard.send"), message=review_message)
    second = await user.press(L("ru", "wizard.send"), message=review_message)
    await user.answered(first)
    assert (await user.answered(second))["text"] == L("ru", "common.stale_button")
    (sent,) = await user.replies(1)
    assert "KZ-000001" in sent.message["text"]
    assert len(db_rows(data_dir, "SELECT * FROM reports")) == 1


async def test_wizard_in_a_group_is_refused_briefly(app, fake, user_factory, data_dir):
    group = {"id": -100555, "type": "supergroup", "title": "Observers"}
    user = user_factory("kk", chat=group)
    (reply,) = await user.say("/report")
    assert reply.message["text"] == L("kk", "group.private_only", bot="@kz_election_test_bot")
    assert db_rows(data_dir, "SELECT * FROM drafts") == []


async def test_back_and_cancel_keep_and_discard(app, user_factory, data_dir):
    user = user_factory("en")
    await start_report(user, "en")
    await choose_what_and_where(user, "en", group="station", category="stuffing")
    (prompt,) = await user.tap(L("en", "wizard.back"))
    assert prompt.message["text"] == L("en", "wizard.ask_region")
    (prompt,) = await user.tap(L("en", "wizard.back"))
    assert L("en", "group.station") in prompt.message["text"]
    assert draft(data_dir)["category"] == "stuffing"  # going back loses nothing
    (confirm,) = await user.tap(L("en", "wizard.cancel"))
    assert confirm.message["text"] == L("en", "wizard.ask_cancel")
    (prompt,) = await user.tap(L("en", "wizard.cancel_no"))
    assert L("en", "group.station") in prompt.message["text"]
    (confirm,) = await user.say("/cancel")
    (done,) = await user.tap(L("en", "wizard.cancel_yes"))
    assert done.message["text"] == L("en", "wizard.cancelled")
    assert db_rows(data_dir, "SELECT * FROM drafts") == []
    (reply,) = await user.say("/cancel")
    assert reply.message["text"] == L("en", "wizard.no_draft")


async def test_change_from_review_returns_to_review(app, user_factory, data_dir):
    user = user_factory("ru")
    await up_to_evidence(user, "ru", DESCRIPTION)
    (prompt,) = await user.tap(L("ru", "wizard.edit_where"))
    assert prompt.message["text"].endswith(L("ru", "wizard.ask_region"))
    assert L("ru", "wizard.current", value=L("ru", "summary.where", value="")).split(":")[0] in prompt.message["text"]
    await user.tap(L("ru", "region.shymkent"))
    (prompt,) = await user.say("12")
    assert L("ru", "wizard.review_hint") in prompt.message["text"]
    review = prompt
    assert L("ru", "region.shymkent") in review.message["text"] and DESCRIPTION in review.message["text"]
    assert L("ru", "summary.place", value="Школа №5") in review.message["text"]  # given before: kept
    # The description changed from the review shows what it says and keeps it in one tap.
    (prompt,) = await user.tap(L("ru", "wizard.edit_description"))
    assert DESCRIPTION in prompt.message["text"]
    (review,) = await user.tap(L("ru", "wizard.keep"))
    assert DESCRIPTION in review.message["text"] and L("ru", "wizard.review_hint") in review.message["text"]
    await user.tap(L("ru", "wizard.edit_description"))
    (review,) = await user.say(DESCRIPTION + " Было около 40 человек.")
    assert "40 человек" in review.message["text"]
    await user.tap(L("ru", "wizard.send"))
    (report,) = db_rows(data_dir, "SELECT * FROM reports")
    assert (report["region"], report["precinct"], report["place"]) == ("shymkent", "12", "Школа №5")
    assert report["description"].endswith("40 человек.")


async def test_resume_with_report_command_keeps_the_draft(app, user_factory, data_dir):
    user = user_factory("kk")
    await start_report(user, "kk")
    await choose_what_and_where(user, "kk")
    (reply,) = await user.say("/help")
    assert reply.message["text"] == L("kk", "help.text")
    (reply,) = await user.say("/report")
    assert reply.message["text"].startswith(L("kk", "wizard.resumed"))
    assert L("kk", "wizard.ask_where", max=200) in reply.message["text"]
    (reply,) = await user.say("77")
    assert reply.message["text"] == L("kk", "wizard.ask_when")
