"""The shorter way through (issue #16): a frightened voter reaches Send in at most seven actions
from /report; the role is remembered (a voter's leaves no trace) and changed in one tap; a
section changed from the review shows what it holds and keeps it in one tap; changing "where"
keeps the location; a draft stored at a step that no longer exists goes on where it was."""

from __future__ import annotations

import json

from tests.fake_telegram import FakeUser
from tests.report_helpers import L, confirmed, db_rows, choose_what_and_where, db_write, finish_and_send, up_to_evidence

STORY = {
    "en": "The head of the department told everyone to vote for his candidate or be fired.",
    "ru": "Начальник собрал весь отдел и сказал голосовать за его кандидата, иначе уволит.",
    "kk": "Бастық бүкіл бөлімді жинап, оның кандидатына дауыс беруді айтты, әйтпесе жұмыстан шығарамын деді.",
}
MAX_ACTIONS = 7


class Counted:
    """A person whose every action (a command, a typed message, a tap) is counted."""

    def __init__(self, user: FakeUser) -> None:
        self.user, self.actions = user, 0

    async def say(self, text: str):
        self.actions += 1
        return await self.user.say(text)

    async def tap(self, label: str):
        self.actions += 1
        return await self.user.tap(label)


def draft(data_dir) -> dict:
    (row,) = db_rows(data_dir, "SELECT data FROM drafts")
    return json.loads(row["data"])


async def test_an_anonymous_voter_sends_in_at_most_seven_actions(app, fake, user_factory, data_dir):
    for number, lang in enumerate(("ru", "kk"), start=1):
        user = user_factory(lang)
        await user.say("/start")
        person = Counted(user)
        (first,) = await person.say("/report")
        # The first screen: what happened, as a voter (shown), the usual cases one tap away.
        assert L(lang, "wizard.ask_group", role=L(lang, "role.voter")) in first.message["text"]
        await person.tap(L(lang, "category.coercion_work"))
        await person.tap(L(lang, "region.almaty_city"))
        await person.tap(L(lang, "wizard.precinct_unknown"))
        await person.tap(L(lang, "wizard.when_now"))
        (review,) = await person.say(STORY[lang])
        # Anonymous is already chosen for a voter, and the review says what it means.
        assert L(lang, "summary.contact_anonymous") in review.message["text"]
        (sent,) = await person.tap(L(lang, "wizard.send"))
        reference, _ = confirmed(sent.message["text"], lang, anonymous=True)
        assert person.actions <= MAX_ACTIONS, person.actions
        (report,) = db_rows(data_dir, "SELECT * FROM reports WHERE reference = ?", (reference,))
        assert (report["reporter_id"], report["contact_allowed"], report["reporter_role"]) == (None, 0, "voter")
        assert (report["category"], report["subcategory"], report["region"]) == \
            ("pressure", "coercion_work", "almaty_city")
        assert report["precinct"] is None and report["description"] == STORY[lang]
        assert reference == f"KZ-{number:06d}"
    # A voter's role is not kept: nothing in their row says they reported.
    assert {row["reporter_role"] for row in db_rows(data_dir, "SELECT reporter_role FROM people")} == {None}
    assert fake.refused == []


async def test_a_role_chosen_lives_in_the_draft_alone(app, fake, user_factory, data_dir):
    """Until Send the role is in the draft, not in the person's row; a cancelled report leaves
    nothing of it."""
    user = user_factory("en")
    await user.say("/start")
    await user.say("/report")
    (roles,) = await user.tap(L("en", "wizard.change_role"))
    assert roles.message["text"] == L("en", "wizard.ask_role")
    (what,) = await user.tap(L("en", "role.other"))
    assert L("en", "wizard.ask_group", role=L("en", "role.other")) in what.message["text"]
    # Not a voter: the groups first, without the voters' shortcuts.
    labels = [b["text"] for b in user.buttons(what.message)]
    assert L("en", "group.pressure") in labels and L("en", "category.coercion_work") not in labels
    assert draft(data_dir)["reporter_role"] == "other"
    assert [row["reporter_role"] for row in db_rows(data_dir, "SELECT reporter_role FROM people")] == [None]
    await user.say("/cancel")
    await user.tap(L("en", "wizard.cancel_yes"))
    (again,) = await user.say("/report")
    assert L("en", "wizard.ask_group", role=L("en", "role.voter")) in again.message["text"]
    assert fake.refused == []


async def test_the_role_is_remembered_only_after_a_report_with_contact(app, fake, user_factory, data_dir):
    """A report sent with contact allowed remembers its role for the next one; an anonymous one
    leaves the person's row as it was (issue #23: "other" there pointed to the one anonymous
    report with that role)."""
    user = user_factory("en")
    await up_to_evidence(user, "en", STORY["en"], place=None, role="other", group="other", category="other")
    await finish_and_send(user, "en", evidence=False, contact=True)
    assert [row["reporter_role"] for row in db_rows(data_dir, "SELECT reporter_role FROM people")] == ["other"]

    # The next report starts as "other"; sent anonymously as a voter, it changes nothing in the row.
    (before,) = db_rows(data_dir, "SELECT * FROM people")
    (again,) = await user.say("/report")
    assert L("en", "wizard.ask_group", role=L("en", "role.other")) in again.message["text"]
    await choose_what_and_where(user, "en", role="other", group="other", category="other")
    await user.say("245")
    await user.tap(L("en", "wizard.when_now"))
    await user.say(STORY["en"])
    assert draft(data_dir)["reporter_role"] == "other"
    await user.tap(L("en", "wizard.edit_role"))
    await user.tap(L("en", "role.voter"))
    await finish_and_send(user, "en", evidence=False)
    (after,) = db_rows(data_dir, "SELECT * FROM people")
    assert dict(after) == dict(before) and after["reporter_role"] == "other"
    assert [r["reporter_role"] for r in db_rows(data_dir, "SELECT reporter_role FROM reports ORDER BY id")] == \
        ["other", "voter"]
    assert fake.refused == []


async def test_changing_a_section_shows_it_keeps_it_and_keeps_the_location(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await user.say("/start")
    await user.say("/report")
    await user.tap(L("ru", "wizard.change_role"))
    await user.tap(L("ru", "role.observer"))  # observers: contact preselected the other way
    await user.tap(L("ru", "group.count"))
    await user.tap(L("ru", "category.counting"))
    await user.tap(L("ru", "region.pavlodar"))
    await user.location(52.287, 76.967)
    (when,) = await user.replies(1)
    assert when.message["text"] == L("ru", "wizard.ask_when")
    await user.tap(L("ru", "wizard.when_yesterday"))
    (review,) = await user.say(STORY["ru"])
    assert L("ru", "summary.contact_allowed") in review.message["text"]
    before = draft(data_dir)

    # Each section shows what it holds, with Keep, and Keep changes nothing.
    for section, shown in (("what", L("ru", "category.counting")), ("when", None), ("description", STORY["ru"]),
                           ("contact", L("ru", "summary.contact_allowed"))):
        (asked,) = await user.tap(L("ru", f"wizard.edit_{section}"))
        assert asked.message["text"].startswith(L("ru", "wizard.current", value="").strip())
        if shown:
            assert shown in asked.message["text"]
        assert L("ru", "wizard.keep") in [b["text"] for b in user.buttons(asked.message)]
        (back,) = await user.tap(L("ru", "wizard.keep"))
        if section == "what":  # the group is kept; its category is asked next, kept too
            assert L("ru", "category.counting") in back.message["text"]
            (back,) = await user.tap(L("ru", "wizard.keep"))
        assert L("ru", "wizard.review_hint") in back.message["text"], section
    assert {k: v for k, v in draft(data_dir).items() if k not in ("history", "editing", "step", "prefilled")} == \
        {k: v for k, v in before.items() if k not in ("history", "editing", "step", "prefilled")}

    # Another region and a precinct number: the location stays.
    await user.tap(L("ru", "wizard.edit_where"))
    (spot,) = await user.tap(L("ru", "region.ulytau"))
    assert L("ru", "summary.location") in spot.message["text"]  # what it holds now
    (review,) = await user.say("№ 58")
    assert L("ru", "summary.location") in review.message["text"]
    (sent,) = await user.tap(L("ru", "wizard.send"))
    reference, _ = confirmed(sent.message["text"], "ru", anonymous=False)
    (report,) = db_rows(data_dir, "SELECT * FROM reports WHERE reference = ?", (reference,))
    assert (report["region"], report["precinct"], report["latitude"], report["longitude"]) == \
        ("ulytau", "58", 52.287, 76.967)
    assert (report["subcategory"], report["reporter_role"], report["contact_allowed"]) == ("counting", "observer", 1)
    # An observer by choice (not accredited) is remembered as one for the next report.
    (again,) = await user.say("/report")
    assert L("ru", "wizard.ask_group", role=L("ru", "role.observer")) in again.message["text"]
    assert fake.refused == []


async def test_a_draft_at_a_step_of_the_earlier_version_goes_on(app, fake, user_factory, data_dir):
    user = user_factory("kk")
    await user.say("/start")
    await user.say("/report")
    await user.tap(L("kk", "category.vote_buying"))
    await user.tap(L("kk", "region.abai"))
    # As an earlier version stored it: at the place step, after the precinct.
    await db_write(data_dir, "UPDATE drafts SET data = json_set(data, '$.step', 'place',"
                             " '$.history', json('[\"group\", \"region\", \"precinct\", \"location\"]'))")
    (resumed,) = await user.say("/report")
    assert resumed.message["text"] == L("kk", "wizard.resumed") + "\n\n" + L("kk", "wizard.ask_where", max=200)
    (when,) = await user.say("Абай даңғылы, 10")
    assert when.message["text"] == L("kk", "wizard.ask_when")
    (back,) = await user.tap(L("kk", "wizard.back"))
    assert back.message["text"] == L("kk", "wizard.ask_where", max=200)
    assert draft(data_dir)["place"] == "Абай даңғылы, 10"
    assert fake.refused == []
