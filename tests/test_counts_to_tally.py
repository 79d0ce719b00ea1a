"""End to end, from the bot to the tally: two accredited observers, one writing in Kazakh and one
in Russian, file differing copies of one precinct's protocol through the real bot; a moderator
sees the differing line as a conflict on the dashboard, each value with the copy that gives it."""

from __future__ import annotations

import pytest

from services import official
from tests.fake_telegram import FakeUser
from tests.harness import make_settings
from tests.report_helpers import L, confirmed, db_rows
from tests.test_counts_journey import ADMIN, GOOD, GROUP, lines_in_order, observer_in, set_candidates, up_to_figures
from tests.test_dashboard import base, client, link_for, sign_in


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"], web_port=0)


async def test_two_observers_differing_copies_show_a_conflict(app, fake, user_factory, data_dir):
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    await set_candidates(admin)
    references = {}
    for lang, figures in (("kk", GOOD), ("ru", {**GOOD, "candidate:1": 640, "invalid": 10})):
        observer = await observer_in(lang, admin, user_factory)
        await up_to_figures(observer, lang, pages=1)
        await observer.say(lines_in_order(figures))
        (sent,) = await observer.tap(L(lang, "wizard.send"))
        references[lang], _ = confirmed(sent.message["text"], lang, anonymous=False)
    copies = db_rows(data_dir, "SELECT reference, region, precinct FROM reports WHERE kind = 'results' ORDER BY id")
    assert [(row["region"], row["precinct"]) for row in copies] == [("almaty_city", "245")] * 2

    async with client() as browser:
        assert (await sign_in(browser, await link_for(admin))).status == 303
        async with browser.get(f"{base(app)}/tally/almaty_city/245") as shown:
            html = await shown.text()
    assert shown.status == 200
    assert html.count('class="conflict"') == 1  # the first candidate's line alone: the rest agree
    assert L("ru", "tally.web.conflict") in html
    assert f"600: <a" in html and f"640: <a" in html
    assert references["kk"] in html and references["ru"] in html
    assert fake.refused == []


# The official file of precinct 245: the first candidate 100 votes above the copy below, the rest
# as the copy has them (README "Official figures").
OFFICIAL = (
    "region,precinct,voters_listed,ballots_received,ballots_issued,ballots_cast,ballots_spoiled,ballots_unused,"
    "invalid,candidate:1,candidate:2\n"
    "almaty_city,245,1500,1210,1000,950,5,205,10,700,340\n")


async def test_a_copy_after_the_official_figures_files_its_discrepancy_at_once(app, fake, user_factory, data_dir):
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    group = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)
    await set_candidates(admin)
    await official.load(await app.bot_data["services"].db(), OFFICIAL.encode(), "admin test")
    assert db_rows(data_dir, "SELECT * FROM reports WHERE subcategory = 'protocol'") == []  # no copy yet: nothing to compare
    observer = await observer_in("kk", admin, user_factory)
    await up_to_figures(observer, "kk", pages=1)
    await observer.say(lines_in_order(GOOD))
    (sent,) = await observer.tap(L("kk", "wizard.send"))
    copy, _ = confirmed(sent.message["text"], "kk", anonymous=False)
    # Filed right after the copy's confirmation, which goes first.
    await fake.wait_for(lambda: db_rows(data_dir, "SELECT 1 FROM reports WHERE subcategory = 'protocol'"), 15)
    (filed,) = db_rows(data_dir, "SELECT * FROM reports WHERE subcategory = 'protocol'")
    assert (filed["region"], filed["precinct"], filed["kind"], filed["accredited"]) == ("almaty_city", "245", "violation", 1)
    assert copy in filed["description"] and "600" in filed["description"] and "700" in filed["description"]
    await fake.wait_for(lambda: any(filed["reference"] in (event.message or {}).get("text", "") for event in group.events), 15)
    assert fake.refused == []
