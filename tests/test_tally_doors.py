"""End to end, through both doors: an administrator sends the official file to the bot as a
document after /official (a bad line refused by its number, nothing loaded; a good file loaded,
a discrepancy report filed and carded once, not again on a reload), and uploads it on the
dashboard; a moderator sees two differing copies as a conflict and confirms a figure by a copy's
photo; the tally's CSV and JSON exports hold it, on the audit log; a copy's report page shows
its figures beside the official ones."""

from __future__ import annotations

import csv
import io
import json

import aiohttp
import pytest

from tests.fake_telegram import FakeUser
from tests.harness import PROJECT_ROOT, make_settings
from tests.report_helpers import L, db_rows
from tests.tally_helpers import a_copy, a_count
from tests.test_dashboard import ADMIN, base, client, csrf_of, link_for, sign_in

GROUP = {"id": -100791, "type": "supergroup", "title": "Moderators"}
EXAMPLE = (PROJECT_ROOT / "examples" / "official-results.csv").read_text(encoding="utf-8")
GOOD = {"voters_listed": 1500, "ballots_received": 1510, "ballots_issued": 1180, "ballots_cast": 1176,
        "ballots_spoiled": 4, "ballots_unused": 326, "invalid": 12, "candidate:1": 702, "candidate:2": 398,
        "candidate:3": 64}
OFFICIAL_HIGHER = EXAMPLE.replace(",702,", ",3702,")  # precinct 245: 3000 more votes officially
BAD_LINE_3 = EXAMPLE.replace("almaty_city,246,", "almaty_town,246,")


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"], web_port=0)


@pytest.fixture
def group(fake):
    return FakeUser(fake, ADMIN, language_code="kk", first_name="Нұрлан", chat=GROUP)


async def db_of(app):
    return await app.bot_data["services"].db()


def discrepancy_reports(data_dir) -> list:
    return db_rows(data_dir, "SELECT reference, description FROM reports WHERE submission_key LIKE 'discrepancy-%'")


async def test_the_official_file_sent_to_the_bot_is_refused_by_its_bad_line_then_loaded_once(app, fake, data_dir,
                                                                                              group):
    admin = FakeUser(fake, ADMIN, language_code="kk", first_name="Нұрлан")
    copy = await a_copy(await db_of(app), "almaty_city", "245", GOOD)
    (asked,) = await admin.say("/official")
    assert asked.message["text"] == L("kk", "tally.official.ask", max="10")

    await admin.document(BAD_LINE_3.encode(), "official.csv", "text/csv")
    (refused,) = await admin.replies(1)
    text = refused.message["text"]
    assert L("kk", "tally.official.refused", count="1") in text
    assert L("kk", "tally.official.problem", line="3",
             reason=L("kk", "tally.official.bad.region", value="almaty_town")) in text
    assert db_rows(data_dir, "SELECT COUNT(*) FROM official_precincts")[0][0] == 0  # nothing half-loaded
    assert db_rows(data_dir, "SELECT COUNT(*) FROM official_results")[0][0] == 0

    group.mark_seen()
    await admin.document(OFFICIAL_HIGHER.encode(), "official.csv", "text/csv")  # still waiting: the corrected file
    (loaded,) = await admin.replies(1)
    assert loaded.message["text"].startswith(L("kk", "tally.official.loaded", rows="4", sha256="X",
                                               filed="1").split("X")[0])
    assert loaded.message["text"].endswith(L("kk", "tally.official.loaded", rows="4", sha256="X", filed="1").split("X")[1])
    assert db_rows(data_dir, "SELECT COUNT(*) FROM official_precincts")[0][0] == 4
    ((reference, description),) = discrepancy_reports(data_dir)
    assert "702" in description and "3702" in description and "+3000" in description and copy.reference in description
    (card,) = await group.replies(1)  # the moderators' group gets the report's card
    assert reference in card.message["text"]
    entry = db_rows(data_dir, "SELECT actor, note FROM audit_log WHERE action = 'official_loaded'")
    assert len(entry) == 1 and entry[0]["actor"].startswith("admin ") and entry[0]["note"].startswith("4 rows, sha256 ")

    # A reload of the same figures, captioned /official (no command before it).
    sent = admin.file(OFFICIAL_HIGHER.encode(), "csv", file_name="official-again.csv")
    await admin.send(document={"file_id": sent.file_id, "file_unique_id": sent.file_unique_id,
                               "file_name": "official-again.csv", "mime_type": "text/csv", "file_size": sent.size},
                     caption="/official")
    (again,) = await admin.replies(1)
    assert again.message["text"].endswith(L("kk", "tally.official.loaded", rows="4", sha256="X", filed="0").split("X")[1])
    assert len(discrepancy_reports(data_dir)) == 1  # not doubled
    assert len(db_rows(data_dir, "SELECT 1 FROM audit_log WHERE action = 'official_loaded'")) == 2
    assert fake.refused == []


async def test_a_voters_document_is_not_taken_for_the_official_file(app, fake, user_factory, data_dir):
    voter = user_factory("ru")
    (refused,) = await voter.say("/official")
    assert refused.message["text"] == L("ru", "mod.refused")
    await voter.document(EXAMPLE.encode(), "official.csv", "text/csv")
    await voter.replies(1)  # whatever the bot makes of it, it is not the official file
    assert db_rows(data_dir, "SELECT COUNT(*) FROM official_precincts")[0][0] == 0
    assert fake.refused == []


def upload_form(csrf: str, text: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", text.encode(), filename="official.csv", content_type="text/csv")
    return form


async def test_the_dashboard_conflict_confirmation_upload_and_exports(app, fake, data_dir, user_factory):
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    db = await db_of(app)
    first = await a_copy(db, "almaty_city", "245", GOOD)
    second = await a_copy(db, "almaty_city", "245", {**GOOD, "candidate:1": 3702})
    await a_count(db, "almaty_city", "245", "10", 175)
    moderator = user_factory("ru")
    await admin.say(f"/addmod {moderator.id}")
    async with client() as browser, client() as other:
        assert (await sign_in(browser, await link_for(admin))).status == 303
        page = f"{base(app)}/tally/almaty_city/245"
        async with browser.get(page) as shown:
            html = await shown.text()
        assert shown.status == 200 and 'class="conflict"' in html and L("ru", "tally.web.conflict") in html
        assert first.reference in html and second.reference in html

        # A moderator (not an administrator) may confirm but not upload.
        await moderator.say("/start")
        assert (await sign_in(other, await link_for(moderator))).status == 303
        async with other.get(f"{base(app)}/official") as refused:
            assert refused.status == 403
        async with other.get(page) as shown:
            csrf = csrf_of(await shown.text())
        async with other.post(f"{page}/confirm", allow_redirects=False,
                              data={"csrf": csrf, "line": "candidate:1", "reference": first.reference}) as done:
            assert done.status == 303
        async with browser.get(page) as shown:
            html = await shown.text()
        assert 'class="conflict"' not in html
        assert L("ru", "tally.web.confirmed_by", value="702", reference=first.reference) in html
        async with other.post(f"{page}/confirm", data={"csrf": csrf, "line": "candidate:1",
                                                       "reference": "KZ-999999"}) as refused:
            assert refused.status == 409 and L("ru", "tally.confirm.not_a_copy", reference="KZ-999999") in await refused.text()

        # The upload: a bad line refused by its number, nothing loaded; then the file loaded.
        async with browser.get(f"{base(app)}/official") as form_page:
            csrf = csrf_of(await form_page.text())
        async with browser.post(f"{base(app)}/official", data=upload_form(csrf, BAD_LINE_3)) as bad:
            html = await bad.text()
        assert bad.status == 400
        assert L("ru", "tally.official.problem", line="3", reason=L("ru", "tally.official.bad.region",
                                                                    value="almaty_town")) in html
        assert db_rows(data_dir, "SELECT COUNT(*) FROM official_precincts")[0][0] == 0
        async with browser.post(f"{base(app)}/official", data=upload_form(csrf, OFFICIAL_HIGHER)) as good:
            html = await good.text()
        assert good.status == 200 and 'id="loaded"' in html
        assert len(discrepancy_reports(data_dir)) == 1  # 702 confirmed, 3702 official

        async with browser.get(f"{base(app)}/tally") as shown:
            html = await shown.text()
        assert L("ru", "tally.web.coverage", covered="1", official="4", percent="25.0") in html
        async with browser.get(f"{base(app)}/tally?region=almaty_city") as shown:
            html = await shown.text()
        assert 'data-precinct="245"' in html and discrepancy_reports(data_dir)[0]["reference"] in html

        async with browser.get(f"{base(app)}/tally/export?format=csv") as exported:
            assert exported.status == 200 and "attachment" in exported.headers["Content-Disposition"]
            rows = list(csv.DictReader(io.StringIO((await exported.read()).decode("utf-8-sig"))))
        row = next(row for row in rows if row["precinct"] == "245" and row["line"] == "candidate:1")
        assert (row["observers"], row["official"], row["difference"], row["beyond_threshold"], row["confirmed_by"]) == (
            "702", "3702", "3000", "1", first.reference)
        assert row["values"] == f"702: {first.reference} | 3702: {second.reference}"
        turnout = next(row for row in rows if row["precinct"] == "245" and row["line"] == "turnout_10")
        assert (turnout["observers"], turnout["official"]) == ("175", "180")
        async with browser.get(f"{base(app)}/tally/export?format=json") as exported:
            document = json.loads(await exported.read())
        assert document["country"]["covered"] == 1 and document["country"]["official_precincts"] == 4
        record = next(item for item in document["precincts"] if item["precinct"] == "245")
        figure = next(item for item in record["figures"] if item["line"] == "candidate:1")
        assert (figure["observers"], figure["official"], figure["confirmed_by"]) == (702, 3702, first.reference)
        exports = [row["note"] for row in db_rows(data_dir, "SELECT note FROM audit_log WHERE action = 'export'")]
        assert exports == ["tally csv, 4 precincts", "tally json, 4 precincts"]

        async with browser.get(f"{base(app)}/report/{second.reference}") as shown:  # the copy's own page
            html = await shown.text()
        assert 'id="count-figures"' in html and 'data-line="candidate:1" class="conflict"' in html
        assert "+3000" not in html.split('id="count-figures"')[1].split('data-line="candidate:2"')[0]  # 3702 vs 3702
    assert fake.refused == []
