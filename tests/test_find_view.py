"""End to end: /find in the moderator's words (labels or codes, local days, free text in any
case) with paging by the true total that survives a restart; /view with the whole history;
/fix corrects region, category and precinct, audited, with the card redrawn."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.i18n import MESSAGE_LIMIT, Translator
from domain import clock
from domain.rules import CATEGORIES, CATEGORY_GROUPS, REGIONS, STATUSES
from storage import moderation, reports
from storage.models import NewReport
from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.harness import make_settings, running_bot
from tests.report_helpers import L, db_rows, db_write, finish_and_send, up_to_evidence

ADMIN, ADMIN_KK = 1001, 1002
GROUP = {"id": -100777, "type": "supergroup", "title": "Moderators"}
ALMATY = ZoneInfo("Asia/Almaty")
REFERENCE = re.compile(r"KZ-\d{6}")


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=f"{ADMIN},{ADMIN_KK}", moderator_chat_id=GROUP["id"])


@pytest.fixture
def admin(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")


@pytest.fixture
def admin_kk(fake):
    return FakeUser(fake, ADMIN_KK, language_code="kk", first_name="Дана")


@pytest.fixture
def group(fake):
    """The first admin, writing in the moderators' group."""
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)


def ru(key: str, **params) -> str:
    return L("ru", key, **params)


def local(lang: str, key: str, **params) -> str:
    """A message as shown, with dates in the bot's time zone."""
    return parse_html(Translator(lang, tz=ALMATY)(key, **params))


def found(lang: str, total: int, page: int, pages: int) -> str:
    t = Translator(lang)
    return parse_html(t("mod.found", count=t.plural("mod.reports", total), page=page, pages=pages))


async def seed(application, count: int, *, status: str = "new", region: str = "karaganda",
               category: str = "coercion_work", description: str = "Директор школы требовал прийти на участок.",
               place: str | None = None) -> list[str]:
    """Reports stored straight through storage (the wizard would take a minute for sixty)."""
    db = await application.bot_data["services"].db()
    made = []
    for _ in range(count):
        report, _ = await reports.submit(db, None, NewReport(
            reporter_role="voter", category=CATEGORIES[category], subcategory=category, region=region,
            precinct="245", precinct_kind="number", place=place, occurred_at=clock.utcnow(),
            description=description, submission_key=f"seed-{uuid.uuid4()}"))
        if status != "new":
            await moderation.change_status(db, report.id, "moderator TEST", "in_review")
        made.append(report.reference)
    return made


def references(text: str) -> list[str]:
    return REFERENCE.findall(text)


async def test_find_pages_by_the_true_total_with_labels_as_codes(app, fake, admin, admin_kk):
    new = await seed(app, 62)
    checked = await seed(app, 3, status="in_review", region="almaty_region", category="vote_buying")

    (first,) = await admin.say("/find status=new")
    lines = first.message["text"].split("\n")
    assert lines[0] == found("ru", 62, 1, 7)
    assert lines[1] == ru("mod.find.query", filters=f"{ru('mod.find.name.status')}: {ru('status.new')}")
    seen = references(first.message["text"])
    assert len(seen) == 10
    assert [b["text"] for b in admin.buttons(first.message)] == [ru("mod.page_next")]
    message = first.message
    for page in range(2, 8):
        (reply,) = await admin.tap(ru("mod.page_next"), message=message)
        message = reply.message
        assert message["text"].split("\n")[0] == found("ru", 62, page, 7)
        seen += references(message["text"])
    assert seen == new  # every report once, oldest first, none of the others
    assert [b["text"] for b in admin.buttons(message)] == [ru("mod.page_prev")]
    (back,) = await admin.tap(ru("mod.page_prev"), message=message)
    assert back.message["text"].split("\n")[0] == found("ru", 62, 6, 7)
    assert references(back.message["text"]) == new[50:60]

    # Labels in the moderator's language (any case, the start of one) do what codes do.
    for query in ("status=Новое region=Караг", "STATUS=NEW region=karaganda", "region=Карагандинская status=новое"):
        (reply,) = await admin.say(f"/find {query}")
        assert reply.message["text"].split("\n")[0] == found("ru", 62, 1, 7), query
    for query, total in (("status=жаңа region=Қарағанды", 62), ("category=Дауыс үшін ақша", 3),
                         ("status=тексерілуде", 3), ("region=Алматы облысы", 3), ("category=pressure", 65)):
        (reply,) = await admin_kk.say(f"/find {query}")
        assert reply.message["text"].split("\n")[0] == found("kk", total, 1, -(-total // 10)), query
    (reply,) = await admin_kk.say("/find category=Дауыс үшін ақша")
    assert references(reply.message["text"]) == checked
    assert L("kk", "category.vote_buying") in reply.message["text"].split("\n")[1]


async def test_days_are_local_and_words_are_found_in_any_case(app, fake, admin, data_dir):
    await seed(app, 2)
    (night,) = await seed(app, 1, description="Председатель УИК ВБРАСЫВАЛ бюллетени, ёлки-палки",
                          place="Школа №5, Қарағанды")
    # Received at 02:00 in Almaty on 24 November: 21:00 UTC on the 23rd.
    moment = datetime(2026, 11, 24, 2, 0, tzinfo=ALMATY).astimezone(timezone.utc)
    assert moment.date().isoformat() == "2026-11-23"
    await db_write(data_dir, f"UPDATE reports SET submitted_at = '{clock.iso(moment)}' WHERE reference = '{night}'")

    for query in ("since=2026-11-24 until=2026-11-24 вбрасывал", "since=24.11.2026 until=24.11.2026 вбрасывал",
                  "since=2026-11-24 вбрасывал", "вБрАсЫвАл", "ШКОЛА №5", "ҚАРАҒАНДЫ", "text=Қарағанды", "елки",
                  "председатель бюллетени",
                  # Days in words, with their spaces, in any of the three languages.
                  "since=24 ноября 2026 until=24 нояб. 2026 вбрасывал", 'since="24 ноября 2026 г." вбрасывал',
                  "since=2026 ж. 24 қараша until=Nov 24, 2026 вбрасывал"):
        (reply,) = await admin.say(f"/find {query}")
        assert reply.message["text"].split("\n")[0] == found("ru", 1, 1, 1), query
        assert references(reply.message["text"]) == [night], query
    # A word in any of its forms: "школа" finds the seeds' "школы" too (Snowball's Russian stem).
    (reply,) = await admin.say("/find ШКОЛА")
    assert reply.message["text"].split("\n")[0] == found("ru", 3, 1, 1)
    for query in ("until=2026-11-23 вбрасывал", "since=2026-11-25 вбрасывал", "вбрасывал выборы",
                  "until=23 ноября 2026 вбрасывал", "since=25 қараша 2026 вбрасывал"):
        (reply,) = await admin.say(f"/find {query}")
        assert reply.message["text"].split("\n")[0] == ru("mod.found_none"), query

    # /export reads the same filters: the local day, the words.
    await admin.say("/export csv since=24.11.2026 until=2026-11-24 ВБРАСЫВАЛ")
    document = next(e.message for e in reversed(admin.events) if "document" in e.message)
    rows = list(csv.DictReader(io.StringIO(fake.files[document["document"]["file_id"]].data.decode("utf-8-sig"))))
    assert [row["reference"] for row in rows] == [night]
    await admin.say("/help")  # handled in order: the export's record is written by now
    (record,) = db_rows(data_dir, "SELECT note FROM audit_log WHERE action = 'export'")
    assert record["note"] == "csv, 1 reports, since=2026-11-24 until=2026-11-24 text=вбрасывал"


# Days as people write them (services.when), read the same in each language: the moderator's
# first, then the bot's others. Today is Wednesday 2 December 2026.
TODAY = date(2026, 12, 2)
WRITTEN_DAYS = [
    # what is typed after since=, the moderator's language, the day meant
    ("2026-11-30", "ru", date(2026, 11, 30)), ("2026-11-30", "kk", date(2026, 11, 30)),
    ("2026-11-30", "en", date(2026, 11, 30)),
    ("30.11.2026", "ru", date(2026, 11, 30)), ("30.11.2026", "kk", date(2026, 11, 30)),
    ("01.11.2026", "en", date(2026, 11, 1)),  # dots: the day first, in English too
    ("30/11/2026", "ru", date(2026, 11, 30)), ("11/30/2026", "en", date(2026, 11, 30)),
    ("01/11/2026", "ru", date(2026, 11, 1)), ("01/11/2026", "en", date(2026, 1, 11)),  # the locale's order
    ("30.11", "ru", date(2026, 11, 30)), ("30.11.26", "kk", date(2026, 11, 30)),
    ("30 ноября", "ru", date(2026, 11, 30)), ("30 ноября 2026", "ru", date(2026, 11, 30)),
    ("30 ноября 2026 года", "ru", date(2026, 11, 30)), ("1 дек. 2026 г.", "ru", date(2026, 12, 1)),
    ('"1 дек. 2026 г."', "ru", date(2026, 12, 1)), ("«30 ноября»", "ru", date(2026, 11, 30)),
    ("'Nov 30'", "en", date(2026, 11, 30)), ("„28 қар.“", "kk", date(2026, 11, 28)),
    ("28 қар.", "kk", date(2026, 11, 28)), ("28 қараша", "kk", date(2026, 11, 28)),
    ("2026 ж. 28 қараша", "kk", date(2026, 11, 28)), ("2026 жылғы 1 желтоқсан", "kk", date(2026, 12, 1)),
    ("Nov 30", "en", date(2026, 11, 30)), ("30 November 2026", "en", date(2026, 11, 30)),
    ("the 30th of November 2026", "en", date(2026, 11, 30)), ("December 1, 2026", "en", date(2026, 12, 1)),
    ("вчера", "ru", date(2026, 12, 1)), ("сегодня", "ru", TODAY), ("позавчера", "ru", date(2026, 11, 30)),
    ("кеше", "kk", date(2026, 12, 1)), ("бүгін", "kk", TODAY),
    ("yesterday", "en", date(2026, 12, 1)), ("today", "en", TODAY), ("Yesterday", "en", date(2026, 12, 1)),
    # A year left out: the latest such day that has come, so 25 December is last year's.
    ("25 декабря", "ru", date(2025, 12, 25)), ("25 желтоқсан", "kk", date(2025, 12, 25)),
    ("Dec 25", "en", date(2025, 12, 25)),
    # Any of the three languages, whatever the moderator's: Russian in an English interface.
    ("30 ноября", "en", date(2026, 11, 30)), ("вчера", "en", date(2026, 12, 1)), ("кеше", "ru", date(2026, 12, 1)),
    ("Nov 30", "kk", date(2026, 11, 30)), ("28 қар.", "ru", date(2026, 11, 28)),
    ("13/11/2026", "en", date(2026, 11, 13)),  # no 13th month: read as the others write it
    # Days long past are searched for as any other (the wizard's "over a year ago" is not for searches).
    ("1 мая 2024", "ru", date(2024, 5, 1)), ("2021-01-01", "en", date(2021, 1, 1)),
    # A day still to come is taken as it is today (a search for it finds nothing yet).
    ("2027-01-01", "ru", date(2027, 1, 1)), ("1 янв. 2027", "ru", date(2027, 1, 1)),
]


@pytest.mark.parametrize("typed, lang, meant", WRITTEN_DAYS)
def test_days_are_read_as_people_write_them(typed, lang, meant):
    from services.search_query import parse_filters

    assert parse_filters(f"since={typed}".split(), lang=lang, today=TODAY).since == meant
    assert parse_filters(f"until={typed}".split(), lang=lang, today=TODAY).until == meant
    # Other keys and words may follow a day of several words; what follows is read as before.
    query = parse_filters(f"since={typed} region=Астана школа".split(), lang=lang, today=TODAY)
    assert (query.since, query.region, query.words) == (meant, "astana", ("школа",))
    query = parse_filters(f"until={typed} школа 5".split(), lang=lang, today=TODAY)
    assert (query.until, query.words) == (meant, ("школа", "5"))


def test_several_worded_days_and_filters_in_one_query():
    from services.search_query import Query, parse_filters

    query = parse_filters("since=30 ноября 2026 region=Астана until=вчера вбрасывал".split(), lang="ru", today=TODAY)
    assert query == Query(region="astana", since=date(2026, 11, 30), until=date(2026, 12, 1), words=("вбрасывал",))
    query = parse_filters("status=жаңа since=28 қар. until=кеше".split(), lang="kk", today=TODAY)
    assert query == Query(status="new", since=date(2026, 11, 28), until=date(2026, 12, 1))
    # Without the moderator's language (/export, the dashboard): every language, the day first.
    assert parse_filters(["since=01.11.2026", "until=Nov", "30"]) == Query(since=date(2026, 11, 1), until=date(2026, 11, 30))
    # The dashboard's form sends a day with its spaces in one value.
    from services.search_query import from_form
    assert from_form({"since": "30 ноября 2026", "until": "2026-12-01"}) == Query(
        since=date(2026, 11, 30), until=date(2026, 12, 1))


@pytest.mark.parametrize("typed, shown", [
    ("завтра", "завтра"), ("tomorrow", "tomorrow"), ("ертең", "ертең"), ("sometime", "sometime"),
    ("31 ноября", "31 ноября"), ("30 қараша 1999", "30 қараша 1999"), ("31.02.2026", "31.02.2026"),
    ("13.13.2026", "13.13.2026"), ("32 Nov", "32 Nov"), ("ноября", "ноября"), ("30", "30"),
    ("2026-01-01'", "2026-01-01'"), ('"2026-01-01', '"2026-01-01'), ("9999-12-31", "9999-12-31"), ("0001-01-01", "0001-01-01"), ("30 пятница", "30 пятница"), ("01.01.0026", "01.01.0026"),
    ("", ""),
])
def test_days_nobody_could_mean_are_refused(typed, shown):
    from services.search_query import BadQuery, parse_filters

    for lang in ("ru", "kk", "en"):
        with pytest.raises(BadQuery) as refused:
            parse_filters(f"since={typed}".split() or ["since="], lang=lang, today=TODAY)
        assert (refused.value.message, refused.value.params) == ("mod.find.bad_date", {"field": "since", "value": shown})
    with pytest.raises(BadQuery) as refused:
        parse_filters("since=1 декабря until=30 ноября".split(), lang="ru", today=TODAY)
    assert refused.value.params == {"since": date(2026, 12, 1), "until": date(2026, 11, 30)}  # shown in the reader's words


def test_the_refusal_says_which_forms_are_read():
    for lang in ("ru", "kk", "en"):
        message = Translator(lang)("mod.find.bad_date", field="since", value="x")
        assert "2026-11-24" in message and "24.11.2026" in message, lang
        guide = Translator(lang)("mod.find.key.dates", zone="Asia/Almaty")
        assert "2026-11-24" in guide and "Asia/Almaty" in guide, lang
    assert "24 ноября" in Translator("ru")("mod.find.bad_date", field="since", value="x")
    assert "24 қараша" in Translator("kk")("mod.find.bad_date", field="since", value="x")
    assert "Nov 24" in Translator("en")("mod.find.bad_date", field="since", value="x")


async def test_find_reads_yesterday_and_yearless_days_in_the_moderators_words(app, fake, admin, admin_kk, data_dir):
    from babel.dates import get_month_names

    await seed(app, 2)
    (old,) = await seed(app, 1, description="Карусель у школы")
    # Received yesterday at noon, local time (the bot's today, as the handler reads it).
    yesterday = app.bot_data["services"].today() - timedelta(days=1)
    moment = datetime.combine(yesterday, time(12), tzinfo=ALMATY)
    await db_write(data_dir, f"UPDATE reports SET submitted_at = '{clock.iso(moment)}' WHERE reference = '{old}'")
    month_ru = get_month_names("wide", "format", locale="ru")[yesterday.month]
    month_kk = get_month_names("abbreviated", "format", locale="kk")[yesterday.month]
    month_en = get_month_names("abbreviated", "format", locale="en")[yesterday.month]

    for user, lang, query in (
            (admin, "ru", "since=вчера until=вчера карусель"), (admin, "ru", f"since={yesterday.day} {month_ru} until=вчера"),
            (admin, "ru", f"until={month_en} {yesterday.day} карусель since=yesterday"),  # English in a Russian chat
            (admin_kk, "kk", "since=кеше until=кеше"), (admin_kk, "kk", f"since={yesterday.day} {month_kk} until=кеше карусель")):
        (reply,) = await user.say(f"/find {query}")
        lines = reply.message["text"].split("\n")
        assert lines[0] == found(lang, 1, 1, 1), query
        assert references(reply.message["text"]) == [old], query
        t = Translator(lang)
        assert parse_html(t("mod.find.since", date=t.date(yesterday))) in lines[1], query
    for query in ("until=позавчера карусель", "since=сегодня карусель"):
        (reply,) = await admin.say(f"/find {query}")
        assert reply.message["text"].split("\n")[0] == ru("mod.found_none"), query
    (reply,) = await admin_kk.say("/find since=ертең")
    assert reply.message["text"] == L("kk", "mod.find.bad_date", field="since", value="ертең")
    assert fake.refused == []


async def answers(user: FakeUser, command: str) -> list[dict]:
    """Every message the bot sends for ``command``, however many: those before the answer to a
    search that finds nothing, sent after it (a chat's updates are handled in order)."""
    before = len(user.events)
    await user.text(command)
    await user.replies(1)
    await user.text("/find status=resolved")
    await user.server.wait_for(lambda: user.events[-1].message["text"].startswith(L("ru", "mod.found_none")))
    return [event.message for event in user.events[before:-1]]


async def test_find_alone_lists_every_key_and_value_with_codes(app, fake, admin, admin_kk):
    guide = await answers(admin, "/find")
    assert all(len(message.get("html_text", message["text"])) <= MESSAGE_LIMIT for message in guide)
    text = "\n".join(message["text"] for message in guide)
    for key in ("region=", "category=", "status=", "precinct=", "since=", "until=", "text="):
        assert key in text, key
    for region in REGIONS:
        assert f"{ru(f'region.{region}')} — {region}" in text, region
    for group_code, categories in CATEGORY_GROUPS.items():
        assert f"{ru(f'group.{group_code}')} — {group_code}" in text
        for category in categories:
            assert f"{ru(f'category.{category}')} — {category}" in text or category == group_code
    for status in STATUSES:
        assert f"{ru(f'status.{status}')} — {status}" in text
    assert "Asia/Almaty" in text

    (reply, *_) = await admin_kk.say("/find")
    assert f"{L('kk', 'region.karaganda')} — karaganda" in reply.message["text"]


async def test_bad_input_is_named_with_what_would_do(app, fake, admin):
    await seed(app, 1)

    async def answer(query: str) -> list[str]:
        (reply,) = await admin.say(f"/find {query}")
        return reply.message["text"].split("\n")

    lines = await answer("region=Марс status=new")
    assert lines[0] == ru("mod.find.bad_value", field="region", value="Марс")
    assert f"• {ru('region.karaganda')} — karaganda" in lines and len(lines) == 1 + len(REGIONS)
    # Almaty: the city or the region? Both are offered, nothing else.
    lines = await answer("region=Алматы")
    assert lines == [ru("mod.find.ambiguous", field="region", value="Алматы"),
                     f"• {ru('region.almaty_city')} — almaty_city", f"• {ru('region.almaty_region')} — almaty_region"]
    lines = await answer("status=н")
    assert lines[0] == ru("mod.find.ambiguous", field="status", value="н")
    assert [line.rsplit(" — ", 1)[1] for line in lines[1:]] == ["new", "in_review", "escalated"]
    assert (await answer("since=31.02.2026"))[0] == ru("mod.find.bad_date", field="since", value="31.02.2026")
    assert (await answer("until=завтра"))[0] == ru("mod.find.bad_date", field="until", value="завтра")
    # A day in words that does not exist is shown with the words it ran over.
    assert (await answer("since=31 ноября"))[0] == ru("mod.find.bad_date", field="since", value="31 ноября")
    assert (await answer("precinct=12a"))[0] == ru("mod.find.bad_precinct", value="12a")
    # Digits that are not ASCII, and days no clock can hold, are refused rather than crash.
    assert (await answer("precinct=²"))[0] == ru("mod.find.bad_precinct", value="²")
    assert (await answer("until=9999-12-31"))[0] == ru("mod.find.bad_date", field="until", value="9999-12-31")
    assert (await answer("since=0001-01-01"))[0] == ru("mod.find.bad_date", field="since", value="0001-01-01")
    assert (await answer("colour=red"))[0] == ru(
        "mod.find.unknown_key", part="colour=red", keys="region= category= status= precinct= since= until= text=")
    assert (await answer("status=new status=verified"))[0] == ru("mod.find.twice", field="status")
    # The days as the moderator's language writes them, not ISO.
    assert (await answer("since=2026-11-25 until=2026-11-24"))[0] == ru(
        "mod.find.bad_range", since=Translator("ru").date(date(2026, 11, 25)), until=Translator("ru").date(date(2026, 11, 24)))
    assert (await answer("region=<b>x</b>'--"))[0] == ru("mod.find.bad_value", field="region", value="<b>x</b>'--")
    (reply,) = await admin.say("/export csv region=Марс")
    assert reply.message["text"].split("\n")[0] == ru("mod.find.bad_value", field="region", value="Марс")
    # The value may run over several words; what follows it is searched for.
    (reply,) = await admin.say("/find region=Алматы (город) Директор")
    assert reply.message["text"].split("\n")[0] == ru("mod.found_none")
    assert ru("region.almaty_city") in reply.message["text"]


async def test_a_query_too_long_for_the_buttons_is_shown_without_them(app, fake, admin):
    words = "избирательная комиссия отказалась выдать копию протокола наблюдателю"
    await seed(app, 12, description=f"Участковая {words}.")
    (reply,) = await admin.say(f"/find status=new region=karaganda category=coercion_work precinct=245 {words}")
    lines = reply.message["text"].split("\n")
    assert lines[0] == found("ru", 12, 1, 2) and len(references(reply.message["text"])) == 10
    assert lines[-1] == ru("mod.find.no_paging") and not admin.buttons(reply.message)


def test_a_query_survives_its_trip_through_a_button():
    from handlers.callback_data import FindPage, encode, parse
    from services.search_query import Query, decode_query

    for query in (Query(), Query(region="almaty_region", category="other", status="resolved", precinct="7",
                                 since=date(2026, 11, 1), until=date(2026, 11, 30), words=("қарағанды", "5")),
                  Query(category="observer_restricted", words=("шағым", "еж")), Query(words=("選挙", "x"))):
        data = encode(FindPage(12, query))
        assert len(data.encode()) <= 64
        assert parse(data) == FindPage(12, query)
    for forged in ((".", "1zz"), ("r21", "."), ("c-1", "."), ("x1", "."), ("p0", "."), ("a99999999999", "."), (".", "2ab")):
        assert decode_query(*forged) is None, forged


async def test_page_buttons_work_after_a_restart(fake, settings, admin):
    async with running_bot(settings) as application:
        made = await seed(application, 15, description="Карусель: одни и те же люди голосовали дважды.")
        (first,) = await admin.say("/find карусель status=new")
        assert first.message["text"].split("\n")[0] == found("ru", 15, 1, 2)
    async with running_bot(settings):
        (second,) = await admin.tap(ru("mod.page_next"), message=first.message)
        assert second.message["text"].split("\n")[0] == found("ru", 15, 2, 2)
        assert references(second.message["text"]) == made[10:]
        forged = await admin.press(data="fq:2:r999:.")
        assert (await admin.answered(forged))["text"] == ru("common.stale_button")
    assert fake.refused == []


async def test_view_shows_the_whole_history_and_fix_corrects(app, fake, user_factory, admin, group, data_dir):
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", "Наблюдателя не пустили на участок, председатель угрожал полицией.")
    reference = await finish_and_send(reporter, "ru", evidence=False, contact=True)
    (card,) = await group.replies(1)
    card_id = card.message["message_id"]

    await admin.say(f"/take {reference}")
    await admin.say(f"/note {reference} <b>проверить</b> & видео")
    await admin.say(f"/reply {reference} Спасибо, проверяем.")

    (done,) = await admin.say(f"/fix {reference} region=Карагандинская")
    assert done.message["text"] == "\n".join([
        ru("mod.fix.done", reference=reference),
        ru("mod.fix.change", field=ru("mod.find.name.region"), before=ru("region.almaty_city"), after=ru("region.karaganda"))])
    # The moderator is answered first, then the card is edited.
    card_now = await fake.wait_for(lambda: next((text for text in [fake.messages[(GROUP["id"], card_id)]["text"]]
                                                 if ru("region.karaganda") in text), None))
    assert ru("region.karaganda") in card_now and ru("region.almaty_city") not in card_now
    (done,) = await admin.say(f"/fix {reference} category=Вброс бюллетеней precinct=none")
    assert ru("category.stuffing") in done.message["text"] and ru("summary.precinct_none") in done.message["text"]
    await fake.wait_for(lambda: ru("category.stuffing") in fake.messages[(GROUP["id"], card_id)]["text"])
    (same,) = await admin.say(f"/fix {reference} region=karaganda")
    assert same.message["text"] == ru("mod.fix.unchanged", reference=reference)
    (refused,) = await admin.say(f"/fix {reference} category=station")
    assert refused.message["text"].split("\n") == [
        ru("mod.fix.group", value="station"),
        *(f"• {ru(f'category.{c}')} — {c}" for c in CATEGORY_GROUPS["station"])]
    (refused,) = await admin.say(f"/fix {reference} precinct=где-то")
    assert refused.message["text"].split("\n")[0] == ru("mod.fix.bad_precinct", value="где-то")
    (refused,) = await admin.say(f"/fix {reference} status=new")
    assert refused.message["text"].split("\n")[0] == ru(
        "mod.find.unknown_key", part="status=new", keys="region= category= precinct=")
    (usage,) = await admin.say(f"/fix {reference}")
    assert usage.message["text"] == ru("mod.usage.fix")

    (stored,) = db_rows(data_dir, "SELECT * FROM reports")
    assert (stored["region"], stored["category"], stored["subcategory"]) == ("karaganda", "station", "stuffing")
    assert (stored["precinct"], stored["precinct_kind"]) == (None, "none")
    corrections = db_rows(data_dir, "SELECT actor, note FROM audit_log WHERE action = 'correct' ORDER BY id")
    assert [row["note"] for row in corrections] == [
        "region: almaty_city → karaganda", "category: coercion_work → stuffing", "precinct: 245 → none"]

    # An outsider cannot correct anything.
    outsider = user_factory("kk")
    (reply,) = await outsider.say(f"/fix {reference} region=astana")
    assert reply.message["text"] == L("kk", "mod.refused")
    assert db_rows(data_dir, "SELECT region FROM reports")[0]["region"] == "karaganda"
    await outsider.say("/start")
    forged = await outsider.press(data="fq:1:s0:.")  # a page of /find: staff only too
    assert (await outsider.answered(forged))["text"] == L("kk", "mod.refused")

    card_view, history = await admin.say(f"/view {reference}", n=2)
    assert reference in card_view.message["text"] and ru("region.karaganda") in card_view.message["text"]
    rows = db_rows(data_dir, "SELECT * FROM audit_log WHERE report_id = 1 ORDER BY id")
    t = Translator("ru", tz=ALMATY)
    at = [t.datetime(clock.parse(row["created_at"])) for row in rows]
    code = rows[1]["actor"].split()[1]
    who = f"Нурлан ({code})"
    assert history.message["text"].split("\n") == [
        ru("mod.history.title", reference=reference),
        local("ru", "mod.history.submitted", who=ru("mod.history.reporter"), at=at[0]),
        local("ru", "mod.history.status", who=who, at=at[1], before=ru("status.new"), after=ru("status.in_review")),
        local("ru", "mod.history.note", who=who, at=at[2], text="<b>проверить</b> & видео"),
        local("ru", "mod.history.reply", who=who, at=at[3], text="Спасибо, проверяем."),
        local("ru", "mod.history.correct", who=who, at=at[4], change=Translator("ru")(
            "mod.fix.change", field=ru("mod.find.name.region"), before=ru("region.almaty_city"),
            after=ru("region.karaganda"))),
        local("ru", "mod.history.correct", who=who, at=at[5], change=Translator("ru")(
            "mod.fix.change", field=ru("mod.find.name.category"), before=ru("category.coercion_work"),
            after=ru("category.stuffing"))),
        local("ru", "mod.history.correct", who=who, at=at[6], change=Translator("ru")(
            "mod.fix.change", field=ru("mod.find.name.precinct"), before=ru("summary.precinct", number="245"),
            after=ru("summary.precinct_none"))),
    ]
    # Local time: the moment of each row, in Almaty, is what the moderator reads.
    taken = clock.parse(rows[1]["created_at"]).astimezone(ALMATY)
    assert taken.strftime("%H:%M") in history.message["text"]
    assert "&lt;b&gt;" in history.params["text"]  # the note's markup was escaped, not rendered


async def test_a_long_history_is_packed_into_several_messages(app, fake, admin):
    (reference,) = await seed(app, 1)
    note = "Долгая заметка о проверке. " * 36  # about a thousand characters
    for _ in range(8):
        await admin.say(f"/note {reference} {note}")
    card, *history = await answers(admin, f"/view {reference}")
    assert reference in card["text"] and len(history) == 3
    assert all(len(message["html_text"]) <= MESSAGE_LIMIT for message in history)
    assert "\n".join(message["text"] for message in history).count(note.strip()) == 8
