"""Issue #16: typed input read as people write it (dates in words and numbers, "yesterday",
precinct numbers with their signs), and nothing typed lost (long descriptions, split messages,
captions). End to end against the fake Bot API, and the date reader alone."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from services.i18n import Translator
from services.when import BadWhen, parse_date
from domain.rules import LANGUAGES
from tests.report_helpers import L, LP, db_rows, finish_and_send, jpeg, up_to_evidence, up_to_when

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(("lang", "typed", "meant"), [
    ("ru", "1 дек. 2026 г..", date(2026, 12, 1)),  # the bot's own example, with the prompt's full stop
    ("ru", "30 ноября 2026", date(2026, 11, 30)),
    ("ru", "30.11", date(2026, 11, 30)),
    ("ru", "вчера", date(2026, 11, 30)),
    ("ru", "28-го ноября", date(2026, 11, 28)),
    ("ru", "24.11.2026", date(2026, 11, 24)),
    ("ru", "2026-11-24", date(2026, 11, 24)),
    ("kk", "кеше", date(2026, 11, 30)),
    ("kk", "2026 ж. 28 қар.", date(2026, 11, 28)),
    ("kk", "28 қарашада", date(2026, 11, 28)),
    ("kk", "2026 ж. 01 жел.", date(2026, 12, 1)),
    ("en", "01/11/2026", date(2026, 1, 11)),  # month first, as the README says
    ("en", "11/30", date(2026, 11, 30)),
    ("en", "Nov 30", date(2026, 11, 30)),
    ("en", "Dec 1, 2026", date(2026, 12, 1)),
    ("en", "yesterday", date(2026, 11, 30)),
    ("ru", "28 ноября", date(2026, 11, 28)),  # without a year: this year's, when it has come
    # Issue #24: the forms people type, in both scripts of Kazakh, with quotes, a time or the year's mark.
    ("kk", "03.12.2025 ж.", date(2025, 12, 3)),
    ("ru", "3.12.2025г", date(2025, 12, 3)),
    ("kk", "keshe", date(2026, 11, 30)),
    ("kk", "28 qarasha", date(2026, 11, 28)),
    ("ru", "«30.11»", date(2026, 11, 30)),
    ("ru", "30 ноября в 10 утра", date(2026, 11, 30)),
    ("kk", "30 қараша сағат 10-да", date(2026, 11, 30)),
])
def test_dates_are_read_as_people_type_them(lang, typed, meant):
    assert parse_date(typed, lang, TODAY) == meant


@pytest.mark.parametrize(("typed", "why"), [
    ("31.02.2026", "format"), ("ноябрь", "format"), ("2 декабря 2026", "future"), ("1.11.2024", "too_old"),
    ("завтра", "format"), ("30 ноября декабря", "format"),
    ("5 декабря", "no_year"), ("5.12", "no_year"),  # still to come this year: asked about, not moved back
])
def test_dates_that_cannot_be_taken_say_why(typed, why):
    with pytest.raises(BadWhen) as refused:
        parse_date(typed, "ru", TODAY)
    assert str(refused.value) == why


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_example_every_prompt_shows_is_accepted(lang):
    for days in range(0, 366, 7):
        day = TODAY - timedelta(days=days)
        assert parse_date(Translator(lang).date(day), lang, TODAY) == day


async def test_the_date_example_typed_back_and_yesterday_are_taken(app, fake, user_factory, data_dir):
    for lang in ("ru", "kk"):
        user = user_factory(lang)
        await up_to_when(user, lang)
        (ask,) = await user.tap(L(lang, "wizard.when_date"))
        example = re.search(r"<code>(.+?)</code>", ask.message["html_text"]).group(1)
        (described,) = await user.say(example)
        assert described.message["text"] == L(lang, "wizard.ask_description", min=20, max=Translator(lang).number(10_000), files=20,
                                         note=L(lang, "wizard.evidence_metadata_note"))
        await user.say("/cancel")
        await user.tap(L(lang, "wizard.cancel_yes"))
    user = user_factory("kk")
    await up_to_when(user, "kk")
    await user.tap(L("kk", "wizard.when_yesterday"))
    await user.say("Жұмыс орнында басшы бәрімізді дауыс беруге мәжбүрледі.")
    reference = await finish_and_send(user, "kk", evidence=False)
    (row,) = db_rows(data_dir, "SELECT occurred_at FROM reports WHERE reference = ?", (reference,))
    today = app.bot_data["services"].today()
    assert row["occurred_at"] == (today - timedelta(days=1)).isoformat()
    assert fake.refused == []


async def test_precinct_numbers_with_their_signs_and_absurd_ones(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await up_to_when(user, "ru")  # typed 245 on the way
    await user.say("/cancel")
    await user.tap(L("ru", "wizard.cancel_yes"))
    from tests.report_helpers import choose_what_and_where, start_report
    await start_report(user, "ru")
    await choose_what_and_where(user, "ru")
    for absurd in ("0", "99999999999"):
        (told,) = await user.say(absurd)
        assert told.message["text"].startswith(L("ru", "wizard.precinct_range", digits=5))
    (when,) = await user.say("УИК № 1 032")
    assert when.message["text"] == L("ru", "wizard.ask_when")
    (draft,) = db_rows(data_dir, "SELECT json_extract(data, '$.precinct') AS precinct FROM drafts")
    assert draft["precinct"] == "1032"
    assert fake.refused == []


async def test_a_long_description_sent_in_two_parts_is_stored_whole(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    first = ("Наблюдатель записал всё по порядку. " * 120)[:4096]
    second = ("Продолжение рассказа о подсчёте голосов " * 30)[:904]
    await up_to_evidence(user, "ru", first)  # the first part; Telegram sends the rest at once
    (joined,) = await user.say(second)
    assert LP("ru", "wizard.description_joined", 5001)[:20] in joined.message["text"]
    reference = await finish_and_send(user, "ru", evidence=False)
    (row,) = db_rows(data_dir, "SELECT description FROM reports WHERE reference = ?", (reference,))
    assert row["description"] == (first + " " + second).strip() or row["description"] == first + second
    assert len(row["description"]) >= 5000
    assert fake.refused == []


async def test_a_description_over_the_limit_is_kept_and_can_be_cut(app, fake, user_factory, data_dir):
    user = user_factory("en")
    await up_to_when(user, "en")
    await user.tap(L("en", "wizard.when_now"))
    long = "The chairman moved the ballot box out of sight. " * 250  # 12,250 characters
    (told,) = await user.say(long.strip())
    assert told.message["text"].startswith(LP("en", "wizard.description_long", len(long.strip()), max="10,000")[:30])
    (draft,) = db_rows(data_dir, "SELECT json_extract(data, '$.overflow') AS kept FROM drafts")
    assert draft["kept"] == long.strip()  # nothing typed is lost
    (files,) = await user.tap(L("en", "wizard.description_cut"))
    assert L("en", "wizard.evidence_done") in str(files.message.get("reply_markup")) or files.message["text"]
    reference = await finish_and_send(user, "en", evidence=False)
    (row,) = db_rows(data_dir, "SELECT description FROM reports WHERE reference = ?", (reference,))
    assert len(row["description"]) <= 10_000 and long.startswith(row["description"])
    assert fake.refused == []


async def test_a_caption_is_kept_with_its_file_and_shown_to_moderators(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await up_to_evidence(user, "ru", "На участке урну унесли в подсобку, наблюдателей не пустили.")
    await user.photo(jpeg(color=(30, 60, 90)), caption="урна №2, снято в 10:41 <b>")
    await user.replies(1)
    await finish_and_send(user, "ru")
    (row,) = db_rows(data_dir, "SELECT caption FROM evidence")
    assert row["caption"] == "урна №2, снято в 10:41 <b>"
    assert fake.refused == []


async def test_moderators_see_a_caption_under_its_file(fake, data_dir, user_factory):
    from tests.fake_telegram import FakeUser
    from tests.harness import make_settings, running_bot
    group_chat = {"id": -100555, "type": "supergroup", "title": "Moderators"}
    fake.add_chat(group_chat)
    group = FakeUser(fake, 1001, chat=group_chat)
    async with running_bot(make_settings(fake, data_dir, admin_ids="1001", moderator_chat_id=group_chat["id"])):
        user = user_factory("kk")
        await up_to_evidence(user, "kk", "Учаскеде сайлау жәшігін бөлек бөлмеге алып кетті.")
        await user.photo(jpeg(color=(90, 60, 30)), caption="2-жәшік, 10:41-де түсірілді & <i>")
        await user.replies(1)
        reference = await finish_and_send(user, "kk")
        card, photo = await group.replies(2)
        assert reference in card.message["text"]
        assert L("ru", "mod.evidence.caption", text="2-жәшік, 10:41-де түсірілді & <i>") in photo.message["caption"]
    assert fake.refused == []
