"""Issue #24, end to end against the fake Bot API: nothing a reporter types is lost or misread.
An edit at every typed step, long texts kept whole in an urgent addition and in an answer to a
moderator, precincts in Kazakh and Russian word order, a day without a year still to come asked
about, an answer to a moderator sent as a photo without Reply, a voice message as the description."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.i18n import Translator
from handlers.report_wizard import named_precinct, precinct_number
from handlers.reporter_answers import pieces
from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.harness import make_settings
from tests.report_helpers import (
    L, LP, choose_what_and_where, db_rows, finish_and_send, jpeg, sha256, start_report, up_to_evidence, up_to_when,
)
from tests.test_urgent import file_urgent

ADMIN = 1001
GROUP = {"id": -100784, "type": "supergroup", "title": "Moderators"}


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


@pytest.fixture
def group(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)


def draft(data_dir) -> dict:
    import json
    (row,) = db_rows(data_dir, "SELECT data FROM drafts")
    return json.loads(row["data"])


def numeric(day: date) -> str:
    return day.strftime("%d.%m.%Y")


# ---- 1. edits ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_an_edit_at_every_typed_step_is_a_new_answer_or_said_plainly(app, fake, user_factory, data_dir, lang):
    user = user_factory(lang)
    today = app.bot_data["services"].today()
    review = L(lang, "wizard.review_hint")
    await start_report(user, lang)
    await choose_what_and_where(user, lang)
    (reply,) = await user.say("№ 245 УСК")  # where exactly
    where_id = user.last_sent_id
    assert reply.message["text"] == L(lang, "wizard.ask_when")
    await user.tap(L(lang, "wizard.when_date"))
    (reply,) = await user.say("бла-бла")  # refused; the step stays open ...
    assert reply.message["text"].startswith(L(lang, "wizard.date_format"))
    date_id = user.last_sent_id
    await user.edit(date_id, numeric(today - timedelta(days=3)))  # ... so the edit is its answer
    (reply,) = await user.replies(1)
    assert reply.message["text"].startswith(L(lang, "wizard.ask_description", min=20, files=20,
                                              max=Translator(lang).number(10_000),
                                              note=L(lang, "wizard.evidence_metadata_note"))[:40])
    assert draft(data_dir)["occurred_at"] == (today - timedelta(days=3)).isoformat()
    # An edit of a step already passed, while another is open: one line on what to do.
    await user.edit(where_id, "№ 300 УСК")
    (reply,) = await user.replies(1)
    assert reply.message["text"] == L(lang, "wizard.edit_elsewhere")
    assert draft(data_dir)["precinct"] == "245"
    (reply,) = await user.say("Басшы бәрімізді дауыс беруге мәжбүрледі, әйтпесе жұмыстан шығарамыз деді.")
    description_id = user.last_sent_id
    assert review in reply.message["text"]
    # At the review, an edit of any typed answer changes it, and the review is shown again.
    await user.edit(where_id, "245-й участок" if lang == "ru" else "246 учаске")
    (reply,) = await user.replies(1)
    assert review in reply.message["text"]
    assert draft(data_dir)["precinct"] == ("245" if lang == "ru" else "246")
    await user.edit(date_id, numeric(today - timedelta(days=4)))
    (reply,) = await user.replies(1)
    assert review in reply.message["text"]
    assert draft(data_dir)["occurred_at"] == (today - timedelta(days=4)).isoformat()
    edited = "Басшы бәрімізді дауыс беруге мәжбүрледі (түзетілді), әйтпесе жұмыстан шығарамыз деді."
    await user.edit(description_id, edited)
    (reply,) = await user.replies(1)
    assert review in reply.message["text"]
    # The time of earlier today, refused once and then edited while its step is open.
    await user.tap(L(lang, "wizard.edit_when"))
    await user.tap(L(lang, "wizard.when_today"))
    (reply,) = await user.say("25:99")
    assert reply.message["text"].startswith(L(lang, "wizard.time_format"))
    await user.edit(user.last_sent_id, "00:00")
    (reply,) = await user.replies(1)
    assert review in reply.message["text"]
    # A live location's moves come as edits of a message with no text: nothing is said to them.
    await fake.push_update({"edited_message": {**user._message(location={"latitude": 43.2, "longitude": 76.9}),
                                               "edit_date": 1}})
    reference = await finish_and_send(user, lang, evidence=False)
    (row,) = db_rows(data_dir, "SELECT precinct, description, occurred_at FROM reports WHERE reference = ?",
                     (reference,))
    assert row["precinct"] == ("245" if lang == "ru" else "246") and row["description"] == edited
    assert row["occurred_at"][11:16] == "00:00"
    assert fake.refused == []


# ---- 2. no silent truncation --------------------------------------------------------------------

PART_ONE = ("Адамдарды автобуспен учаскеге әкеліп, бюллетеньді суретке түсіруді талап етті. " * 60)[:4096]
PART_TWO = ("Куәлар бар, бейнежазба кейін жіберіледі. " * 30)[:904]


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_five_thousand_characters_in_two_parts_are_kept_whole_in_an_urgent_addition(
        app, fake, user_factory, data_dir, group, lang):
    voter = user_factory(lang)
    reference, _, _ = await file_urgent(voter, lang, "threats")
    for part in (PART_ONE, PART_TWO):
        (added,) = await voter.say(part)
        assert added.message["text"] == L(lang, "urgent.added", what=L(lang, "urgent.added.text"), reference=reference)
    (row,) = db_rows(data_dir, "SELECT description FROM reports WHERE reference = ?", (reference,))
    assert row["description"].endswith(PART_ONE.strip() + " " + PART_TWO.strip())
    assert fake.refused == []


async def a_question(reporter: FakeUser, group: FakeUser, lang: str) -> tuple[str, dict]:
    """A report sent with contact allowed, and a moderator's question about it."""
    await up_to_evidence(reporter, lang, "В школе раздавали продуктовые пакеты тем, кто пообещал голосовать.")
    reference = await finish_and_send(reporter, lang, evidence=False, contact=True)
    await group.replies(1)  # its card
    await group.say(f"/reply {reference} Можете прислать фото пакета и рассказать подробнее?")
    (question,) = await reporter.replies(1)
    return reference, question.message


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_five_thousand_characters_in_two_parts_reach_the_moderators_whole(
        app, fake, user_factory, data_dir, group, lang):
    reporter = user_factory(lang)
    reference, question = await a_question(reporter, group, lang)
    text_one = ("Пакеты выдавали у входа, записывали фамилии и просили сфотографировать бюллетень. " * 60)[:4096]
    text_two = ("Свидетели готовы подтвердить. " * 40)[:904]
    (kept,) = await reporter.reply(question, text_one, n=1)  # the first part carries the Reply ...
    assert kept.message["text"] == L(lang, "feedback.answer_kept", reference=reference)
    (kept,) = await reporter.say(text_two)  # ... the second, as Telegram sends it, does not
    assert kept.message["text"] == L(lang, "feedback.answer_kept", reference=reference)
    rows = db_rows(data_dir, "SELECT note FROM audit_log WHERE action = 'reporter_answer' ORDER BY id")
    assert "".join(row["note"] for row in rows) == text_one.strip() + text_two.strip()
    posted = await group.replies(3)
    said = "".join(m.message["text"].split(":\n", 1)[1] for m in posted)
    assert said == text_one.strip() + text_two.strip()
    assert fake.refused == []


def test_pieces_join_back_into_the_text():
    text = "слово " * 1500
    split = pieces(text, 3500)
    assert "".join(split) == text and all(len(piece) <= 3500 for piece in split) and len(split) == 3


# ---- 3. precincts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "№ 245 УСК", "245 учаске", "245-учаске", "№245 сайлау учаскесі", "245 УСК", "245-й участок", "245 участок",
    "участок номер 245", "УИК № 245", "«УИК № 245»", "245", "№ 245", "No. 245", "“No. 245”",
])
def test_precincts_as_people_write_them_in_either_word_order(typed):
    assert precinct_number(typed) == "245"


@pytest.mark.parametrize("place", ["Школа №5", "ул. Абая 12", "12а мектеп", "2 этаж, кабинет 12"])
def test_a_place_with_a_number_is_still_a_place(place):
    assert precinct_number(place) is None and named_precinct(place) is None


async def test_kazakh_and_russian_precincts_are_stored_as_numbers_and_never_contradict_a_place(
        app, fake, user_factory, data_dir):
    for lang, typed in (("kk", "№ 245 УСК"), ("kk", "245 учаске"), ("ru", "245-й участок")):
        user = user_factory(lang)
        await start_report(user, lang)
        await choose_what_and_where(user, lang)
        (reply,) = await user.say(typed)
        assert reply.message["text"] == L(lang, "wizard.ask_when")
        await user.tap(L(lang, "wizard.when_now"))
        await user.say("Жұмыс орнында басшы бәрімізді дауыс беруге мәжбүрледі.")
        reference = await finish_and_send(user, lang, evidence=False)
        (row,) = db_rows(data_dir, "SELECT precinct, precinct_kind, place FROM reports WHERE reference = ?",
                         (reference,))
        assert (row["precinct"], row["precinct_kind"], row["place"]) == ("245", "number", None)
    # A place naming precinct 300, then the number 245: the place that contradicts it goes; a
    # place can be removed.
    user = user_factory("ru")
    await start_report(user, "ru")
    await choose_what_and_where(user, "ru")
    await user.say("Школа 12, УИК 300")
    assert (draft(data_dir)["precinct"], draft(data_dir)["place"]) == ("300", "Школа 12, УИК 300")
    await user.tap(L("ru", "wizard.back"))
    await user.say("245")
    assert (draft(data_dir)["precinct"], draft(data_dir)["place"]) == ("245", None)
    await user.tap(L("ru", "wizard.back"))
    await user.say("Школа 12")
    await user.tap(L("ru", "wizard.back"))
    (reply,) = await user.tap(L("ru", "wizard.place_clear"))
    assert reply.message["text"].startswith(L("ru", "wizard.place_cleared"))
    assert (draft(data_dir)["precinct"], draft(data_dir)["place"]) == ("245", None)
    # A button's label typed at where exactly (still asked) is the button, not a place called so.
    await user.say(L("ru", "wizard.precinct_unknown").lower())
    assert (draft(data_dir)["precinct_kind"], draft(data_dir)["place"]) == ("unknown", None)
    assert fake.refused == []


# ---- 4. dates -----------------------------------------------------------------------------------------

async def test_a_day_without_a_year_still_to_come_is_asked_about_in_kazakh_too(app, fake, user_factory, data_dir):
    app.bot_data["services"].today = lambda: date(2026, 12, 7)
    user = user_factory("kk")
    await up_to_when(user, "kk")
    await user.tap(L("kk", "wizard.when_date"))
    (reply,) = await user.say("8 желтоқсан")
    t = Translator("kk")
    assert reply.message["text"].startswith(
        L("kk", "wizard.date_no_year", day=t.date(date(2026, 12, 8)), last=t.date(date(2025, 12, 8))))
    await user.say("8 желтоқсан 2025 ж.")  # or typed again with its year
    assert draft(data_dir)["occurred_at"] == "2025-12-08"
    assert fake.refused == []


async def test_a_day_without_a_year_still_to_come_is_asked_about_and_a_label_typed_is_the_button(
        app, fake, user_factory, data_dir):
    services = app.bot_data["services"]
    services.today = lambda: date(2026, 12, 7)  # this instance only: the rest of the clock runs on
    user = user_factory("ru")
    await up_to_when(user, "ru")
    await user.tap(L("ru", "wizard.when_date"))
    (reply,) = await user.say("8 декабря")
    t = Translator("ru")
    assert reply.message["text"].startswith(
        L("ru", "wizard.date_no_year", day=t.date(date(2026, 12, 8)), last=t.date(date(2025, 12, 8))))
    assert "occurred_at" not in draft(data_dir) or draft(data_dir)["occurred_at"] is None
    (reply,) = await user.tap(L("ru", "wizard.date_last_year"))
    assert draft(data_dir)["occurred_at"] == "2025-12-08"
    # Back at "when": the label of a button, typed, works as the button; so does a date.
    await user.tap(L("ru", "wizard.back"))
    await user.tap(L("ru", "wizard.back"))
    (reply,) = await user.say("вчера")
    assert draft(data_dir)["occurred_at"] == "2026-12-06"
    await user.tap(L("ru", "wizard.back"))
    await user.say("3 декабря в 10 утра")
    assert draft(data_dir)["occurred_at"] == "2026-12-03"
    await user.tap(L("ru", "wizard.back"))
    await user.tap(L("ru", "wizard.back"))
    (reply,) = await user.say(L("ru", "wizard.when_now").lower() + ".")  # "только что."
    assert "T" in draft(data_dir)["occurred_at"]  # a moment, to the minute: the button's answer
    assert fake.refused == []


# ---- 5. answering moderators ----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_a_photo_sent_without_reply_answers_the_moderators_question(
        app, fake, user_factory, data_dir, group, lang):
    reporter = user_factory(lang)
    reference, _ = await a_question(reporter, group, lang)
    photo = jpeg(color=(10, 120, 40))
    await reporter.photo(photo)
    (kept,) = await reporter.replies(1)
    assert kept.message["text"] == L(lang, "feedback.answer_kept", reference=reference)
    note, file = await group.replies(2)
    assert note.message["text"] == L("ru", "mod.reporter_answer_file", reference=reference)
    assert "photo" in file.message
    (row,) = db_rows(data_dir, "SELECT e.sha256, e.received_at FROM evidence e JOIN reports r ON r.id = e.report_id"
                               " WHERE r.reference = ?", (reference,))
    assert row["sha256"] == sha256(photo) and row["received_at"]
    assert fake.refused == []


# ---- 7. a voice message or a caption is the description ---------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_a_voice_message_is_the_description(app, fake, user_factory, data_dir, lang):
    user = user_factory(lang)
    await up_to_when(user, lang)
    await user.tap(L(lang, "wizard.when_now"))
    await user.media("voice", b"OggS" + b"\0" * 400, "audio/ogg")
    (reply,) = await user.replies(1)
    assert L(lang, "wizard.review_hint") in reply.message["text"]
    reference = await finish_and_send(user, lang, evidence=True)
    (row,) = db_rows(data_dir, "SELECT id, description FROM reports WHERE reference = ?", (reference,))
    assert row["description"] == L(lang, "wizard.voice_description")
    kinds = [r["kind"] for r in db_rows(data_dir, "SELECT kind FROM evidence WHERE report_id = ?", (row["id"],))]
    assert kinds == ["voice"]
    assert fake.refused == []


async def test_a_photo_with_a_caption_is_the_description_and_twenty_emoji_are_not(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await up_to_when(user, "ru")
    await user.tap(L("ru", "wizard.when_now"))
    (reply,) = await user.say("😡" * 20)
    assert reply.message["text"].startswith(L("ru", "wizard.description_words"))
    caption = "Директор школы собирает паспорта учителей перед выборами."
    await user.photo(jpeg(), caption=caption)
    (reply,) = await user.replies(1)
    assert L("ru", "wizard.review_hint") in reply.message["text"]
    assert draft(data_dir)["description"] == caption
    assert fake.refused == []


# ---- 6. the urgent path's next minutes ---------------------------------------------------------------

async def test_the_urgent_path_asks_where_and_says_when_its_link_ends(app, fake, user_factory, data_dir, group):
    voter = user_factory("kk")
    reference, seen, _ = await file_urgent(voter, "kk", "stuffing")
    (asked,) = await voter.tap(L("kk", "urgent.where"), message=seen[2])
    assert asked.message["text"] == L("kk", "urgent.ask_region")
    (asked,) = await voter.tap(L("kk", "region.karaganda"))
    assert asked.message["text"] == L("kk", "urgent.ask_place", region=L("kk", "region.karaganda"), max=200)
    # A long text while the place is asked is what happens, added to the description, not refused.
    (added,) = await voter.say(PART_TWO)
    assert added.message["text"] == L("kk", "urgent.added", what=L("kk", "urgent.added.text"), reference=reference)
    (added,) = await voter.say("№ 245 УСК")
    assert added.message["text"] == L("kk", "urgent.added", what=L("kk", "urgent.added.precinct"), reference=reference)
    (row,) = db_rows(data_dir, "SELECT region, precinct, precinct_kind FROM reports WHERE reference = ?", (reference,))
    assert tuple(row) == ("karaganda", "245", "number")
    # Words after the place go to the description again.
    (added,) = await voter.say("Бюллетеньдерді жәшікке салып жатыр.")
    assert added.message["text"] == L("kk", "urgent.added", what=L("kk", "urgent.added.text"), reference=reference)
    # A restart drops the link (it is held in memory only): a photo is told so, and what to do.
    from services.chat_memory import UrgentFollowUps
    app.bot_data["services"].follow_ups = UrgentFollowUps()
    await voter.photo(jpeg())
    (told,) = await voter.replies(1)
    assert told.message["text"] == L("kk", "common.file_outside")
    (row,) = db_rows(data_dir, "SELECT COUNT(*) AS n FROM evidence")
    assert row["n"] == 0
    assert fake.refused == []


async def test_several_open_questions_ask_which_one_an_answer_is_about(app, fake, user_factory, data_dir, group):
    from services.flood import FloodGuard
    app.bot_data["services"].flood = FloodGuard(limit=1000)  # two reports in a few seconds
    reporter = user_factory("ru")
    first, _ = await a_question(reporter, group, "ru")
    second, _ = await a_question(reporter, group, "ru")
    (which,) = await reporter.say("Это было в кабинете 12.")
    assert which.message["text"] == L("ru", "feedback.answer_which")
    labels = [b["text"] for b in FakeUser.buttons(which.message)]
    assert labels == [L("ru", "feedback.answer_to", reference=r) for r in (second, first)]  # the latest first
    await reporter.press(L("ru", "feedback.answer_to", reference=first), message=which.message)
    kept = L("ru", "feedback.answer_kept", reference=first)
    await fake.wait_for(lambda: reporter.last_message.get("text") == kept)
    (row,) = db_rows(data_dir, "SELECT r.reference, a.note FROM audit_log a JOIN reports r ON r.id = a.report_id"
                               " WHERE a.action = 'reporter_answer'")
    assert tuple(row) == (first, "Это было в кабинете 12.")
    assert fake.refused == []


# ---- 8. a file removed at the review, /deletemydata for an observer, /status with a number -------------

async def test_a_file_sent_by_mistake_is_removed_at_the_review(app, fake, user_factory, data_dir):
    user = user_factory("kk")
    await up_to_evidence(user, "kk", "Басшы бәрімізді дауыс беруге мәжбүрледі, әйтпесе жұмыстан шығарамыз деді.")
    await user.photo(jpeg(color=(1, 2, 3)))
    await user.replies(1)
    await user.document(b"%PDF-1.4 wrong file", "bank.pdf", "application/pdf")
    await user.replies(1)
    (review,) = await user.tap(L("kk", "wizard.drop_file"))
    assert review.message["text"].startswith(L("kk", "wizard.file_dropped", what=LP("kk", "evidence.kind.document", 1)))
    reference = await finish_and_send(user, "kk")
    (row,) = db_rows(data_dir, "SELECT id FROM reports WHERE reference = ?", (reference,))
    kinds = [r["kind"] for r in db_rows(data_dir, "SELECT kind FROM evidence WHERE report_id = ?", (row["id"],))]
    assert kinds == ["photo"]
    stored = {r["stored_path"] for r in db_rows(data_dir, "SELECT stored_path FROM evidence")}
    assert all((data_dir / path).exists() for path in stored)
    assert fake.refused == []


async def test_deletemydata_tells_an_observer_the_accreditation_goes_and_status_tells_a_number_from_a_code(
        app, fake, user_factory, data_dir):
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    (reply,) = await admin.say("/invite")
    code = reply.message["text"].split()[-1].split("start=")[1]
    observer = user_factory("kk")
    await observer.say(f"/start {code}", n=2)
    (asked,) = await observer.say("/deletemydata")
    assert asked.message["text"] == L("kk", "delete.ask") + "\n\n" + L("kk", "delete.observer")
    voter = user_factory("ru")
    (asked,) = await voter.say("/deletemydata")
    assert asked.message["text"] == L("ru", "delete.ask")
    (told,) = await voter.say("/status KZ-000002")
    assert told.message["text"] == L("ru", "receipt.not_reference", reference="KZ-000002")
    assert fake.refused == []


# ---- 9. long labels, plural forms ---------------------------------------------------------------------

async def test_long_labels_get_a_row_of_their_own_and_counts_agree_with_their_number(app, fake, user_factory):
    user = user_factory("kk")
    await start_report(user, "kk")
    rows = user.last_with_buttons()["reply_markup"]["inline_keyboard"]
    assert all(len(row) == 1 for row in rows if any(len(b["text"]) > 18 for b in row))
    await user.tap(L("kk", "category.coercion_work"))
    rows = user.last_with_buttons()["reply_markup"]["inline_keyboard"]
    names = [L("kk", f"region.{r}") for r in ("east_kz", "north_kz", "west_kz")]
    long_names = [name for name in names if len(name) > 18]
    assert all([name] in [[b["text"] for b in row] for row in rows] for name in long_names)
    ru = user_factory("ru")
    await start_report(ru, "ru")
    await ru.tap(L("ru", "category.coercion_work"))
    rows = ru.last_with_buttons()["reply_markup"]["inline_keyboard"]
    assert [L("ru", "region.east_kz")] in [[b["text"] for b in row] for row in rows]
    t = Translator("ru")
    assert "8 193 символа" in parse_html(t.plural("summary.description_kept", 8193)).replace("\xa0", " ")
    assert "10 001 символ:" in parse_html(t.plural("summary.description_kept", 10_001)).replace("\xa0", " ")
    assert "10 005 символов," in parse_html(t.plural("wizard.description_long", 10_005, max=t.number(10_000))).replace(
        "\xa0", " ")
    assert fake.refused == []


async def test_a_changed_description_past_the_limit_keeps_the_one_before_to_keep(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    before = "В школе раздавали продуктовые пакеты тем, кто пообещал голосовать."
    await up_to_evidence(user, "ru", before)
    await user.tap(L("ru", "wizard.edit_description"))
    part = ("Очень длинный рассказ наблюдателя о том, что происходило на участке. " * 60)[:4096]
    await user.say(part)  # Telegram's parts of a 12,288-character text, one after another
    await user.say(part)
    (told,) = await user.say(part)
    assert told.message["text"].startswith(LP("ru", "wizard.description_long", 4096 * 3 + 2, max="10\xa0000")[:20])
    saved = draft(data_dir)
    assert saved["description"] == before and saved["overflow"]  # the earlier one, and the new one kept
    (review,) = await user.tap(L("ru", "wizard.keep"))
    assert L("ru", "wizard.review_hint") in review.message["text"]
    assert draft(data_dir)["description"] == before
    assert fake.refused == []


async def test_a_moderators_correction_never_leaves_a_place_naming_another_precinct(
        app, fake, user_factory, data_dir, group):
    reporter = user_factory("ru")
    await start_report(reporter, "ru")
    await choose_what_and_where(reporter, "ru")
    await reporter.say("Школа 12, УИК 300")
    await reporter.tap(L("ru", "wizard.when_now"))
    await reporter.say("В школе раздавали продуктовые пакеты тем, кто пообещал голосовать.")
    reference = await finish_and_send(reporter, "ru", evidence=False)
    await group.replies(1)
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    await admin.say(f"/fix {reference} precinct=245")
    (row,) = db_rows(data_dir, "SELECT precinct, place FROM reports WHERE reference = ?", (reference,))
    assert (row["precinct"], row["place"]) == ("245", None)
    assert fake.refused == []


async def test_a_place_of_five_thousand_characters_in_two_parts_is_said_too_long_and_nothing_is_cut(
        app, fake, user_factory, data_dir):
    user = user_factory("kk")
    await start_report(user, "kk")
    await choose_what_and_where(user, "kk")
    for part in (PART_ONE, PART_TWO):
        (told,) = await user.say(part)
        assert told.message["text"].startswith(LP("kk", "wizard.place_too_long", len(part.strip()), max=200))
    assert draft(data_dir)["place"] is None  # never a cut text; the person's own is still in their chat
    (when,) = await user.say(PART_TWO[:150].strip())
    assert when.message["text"] == L("kk", "wizard.ask_when")
    assert draft(data_dir)["place"] == PART_TWO[:150].strip()
    assert fake.refused == []
