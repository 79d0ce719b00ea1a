"""Moderation has one rulebook whichever door an action comes through: the same table of cases
(assignment and take-over, references as people type them, limits, transitions, dates) is run
through Telegram commands and through the dashboard's forms, each on a report of its own, and
both doors must accept and refuse alike, leave the same status and holder, and say the same."""

from __future__ import annotations

import html
import re

import aiohttp
import pytest

from bot.app import DASHBOARD
from domain import clock
from storage import moderation, people, reports, witnesses
from storage.db import Database
from storage.models import NewReport
from tests.fake_telegram import FakeUser
from tests.harness import make_settings
from tests.report_helpers import KEYS, L, db_rows
from tests.test_dashboard import client, csrf_of, sign_in

ADMIN, OTHER = 1001, 1002  # the moderator who acts (an administrator), and a colleague
GROUP = {"id": -100785, "type": "supergroup", "title": "Moderators"}
LONG = "ы" * 1001

# name: (the report's path of statuses, who has it, the action, its input, what must come of it).
# What must come: ("status", holder) when done, or the refusal's message key and parameters.
CASES: dict[str, tuple[tuple[str, ...], str | None, str, dict[str, str], object]] = {
    "take a new report": ((), None, "take", {}, ("in_review", "self")),
    "take one another has": (("in_review",), "other", "take", {}, "taken"),
    "verify one another has": (("in_review",), "other", "verify", {}, "taken"),
    "verify one's own": (("in_review",), "self", "verify", {}, ("verified", "self")),
    "take over": (("in_review",), "other", "takeover", {}, ("in_review", "self")),
    "take over one nobody has": ((), None, "takeover", {}, ("web.report.nothing_to_take_over", {})),
    "a note on another's": (("in_review",), "other", "note", {"text": "проверить видео"}, ("in_review", "other")),
    "duplicate of 1": ((), None, "duplicate", {"original": "1"}, ("duplicate", "self")),
    "duplicate of kz1": ((), None, "duplicate", {"original": "kz1"}, ("duplicate", "self")),
    "duplicate of itself": ((), None, "duplicate", {"original": "SELF"}, ("mod.not_itself", {})),
    "duplicate of none": ((), None, "duplicate", {"original": "KZ-999999"}, ("mod.not_found", {})),
    "a reason too long": ((), None, "reject", {"text": LONG}, ("mod.too_long", {"max": "1000", "count": "1001"})),
    "reopen a new one": ((), None, "reopen", {}, ("mod.transition_refused", {"status": "new", "target": "in_review"})),
    "verify a rejected one": (("rejected",), None, "verify", {},
                              ("mod.transition_refused", {"status": "rejected", "target": "verified"})),
    "escalate": (("in_review", "verified"), "self", "escalate",
                 {"target": "court", "number": "2-15/26", "filed": "24.11.2026"}, ("escalated", "self")),
    "escalate a day that is not": (("in_review", "verified"), "self", "escalate",
                                   {"target": "court", "number": "2-15/26", "filed": "32.13.2026"}, "bad date"),
    # Witnesses of one event (every seeded report is of one precinct at one time: one group).
    "confirm the group": ((), None, "group_confirm", {}, ("new", None)),
    "split from the group": ((), None, "group_split", {}, ("new", None)),
    "split one another has": (("in_review",), "other", "group_split", {}, "taken"),
}
DOORS = ("telegram", "web")


def references() -> dict[tuple[str, str], str]:
    """The report each case has in each door: KZ-000002 on (KZ-000001 is the original of the
    duplicates)."""
    return {(name, door): f"KZ-{2 + n * len(DOORS) + d:06d}"
            for n, name in enumerate(CASES) for d, door in enumerate(DOORS)}


async def seed(path) -> dict[str, int]:
    """Every case's reports, through storage, in their statuses and with their holders."""
    db = await Database.open(path)
    try:
        author = await people.get_or_create(db, "a" * 64, "ru", None)
        me = await people.get_or_create(db, KEYS.pseudonym(ADMIN), "ru", None)
        other = await people.add_staff(db, KEYS.pseudonym(OTHER), "moderator", "ru")
        ids = {"self": me.id, "other": other.id}

        async def report(n: int, statuses: tuple[str, ...], holder: str | None) -> None:
            stored, _ = await reports.submit(db, author.id, NewReport(
                reporter_role="voter", category="pressure", subcategory="vote_buying", region="astana",
                precinct="12", occurred_at=clock.utcnow(), submission_key=f"doors-{n}",
                description=f"Отчёт {n}: у входа раздавали продуктовые наборы за голос."))
            for status in statuses:
                await moderation.change_status(db, stored.id, "moderator SEED", status,
                                               "нет доказательств" if status == "rejected" else None)
            if holder:
                await db.write("UPDATE reports SET taken_by = ? WHERE id = ?", (ids[holder], stored.id))

        await report(0, (), None)
        n = 1
        for statuses, holder, *_ in CASES.values():
            for _door in DOORS:
                await report(n, statuses, holder)
                n += 1
        for report_id in range(1, n + 1):  # grouped as the bot groups a new report
            await witnesses.place(db, report_id)
        return ids
    finally:
        await db.close()


def command(action: str, reference: str, fields: dict[str, str]) -> str:
    """The Telegram command that asks for ``action`` with ``fields``."""
    if action == "duplicate":
        return f"/dup {reference} {fields['original']}"
    if action in ("group_confirm", "group_split"):
        return f"/group {reference} {action.removeprefix('group_')}"
    if action == "escalate":
        return f"/escalate {reference} {fields['target']} {fields['number']} {fields['filed']}"
    if action in ("reject", "resolve", "note", "reply"):
        return f"/{action} {reference} {fields['text']}"
    return f"/{action} {reference}"


def expected_text(expect: object, reference: str) -> str | None:
    """The refusal a case must show, in the acting moderator's Russian; None for a change."""
    if expect == "taken":
        return L("ru", "mod.taken_by_other", reference=reference, name="Айгуль")
    if expect == "bad date":
        return L("ru", "mod.external_date.format")
    if isinstance(expect, tuple) and isinstance(expect[1], dict):
        key, params = expect
        params = {name: L("ru", f"status.{value}") if name in ("status", "target") else value
                  for name, value in params.items()}
        return L("ru", key, reference=reference, **params)
    return None


@pytest.fixture
async def settings(fake, data_dir):
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"], web_port=0)
    await seed(settings.database_path)
    return settings


async def test_both_doors_accept_and_refuse_the_same_actions(app, fake, data_dir, settings):
    me = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")
    colleague = FakeUser(fake, OTHER, language_code="ru", first_name="Айгуль")
    await colleague.say("/queue")  # a staff command: their name is kept for the cards
    ids = {row["pseudonym"]: row["id"] for row in db_rows(data_dir, "SELECT id, pseudonym FROM people")}
    holders = {ids[KEYS.pseudonym(ADMIN)]: "self", ids[KEYS.pseudonym(OTHER)]: "other", None: None}
    assert "Айгуль" == db_rows(data_dir, "SELECT staff_name FROM people WHERE pseudonym = ?",
                               (KEYS.pseudonym(OTHER),))[0]["staff_name"]
    refs = references()
    seen: dict[str, dict[str, object]] = {}
    (link_answer,) = await me.say("/dashboard")
    link = re.search(r"(http://\S+/login/\S+)", link_answer.message["text"]).group(1)
    base = f"http://127.0.0.1:{app.bot_data[DASHBOARD].port}"
    async with client() as browser:
        assert (await sign_in(browser, link)).status == 303
        for name, (_statuses, _holder, action, fields, expect) in CASES.items():
            for door in DOORS:
                reference = refs[(name, door)]
                fields_now = {key: reference if value == "SELF" else value for key, value in fields.items()}
                if door == "telegram":
                    (answer,) = await me.say(command(action, reference, fields_now))
                    said = answer.message["text"]
                else:
                    async with browser.get(f"{base}/report/{reference}") as page:
                        csrf = csrf_of(await page.text())
                    web_fields = dict(fields_now)
                    if "filed" in web_fields:  # the page's date input sends ISO; a day that is not, as typed
                        day, month, year = web_fields["filed"].split(".")
                        web_fields["filed"] = f"{year}-{month}-{day}"
                    async with browser.post(f"{base}/report/{reference}", allow_redirects=False,
                                            data={"csrf": csrf, "action": action, **web_fields}) as done:
                        said = html.unescape(re.sub(r"<[^>]+>", "", await done.text())) if done.status == 409 else ""
                        assert done.status in (303, 409), (name, done.status)
                row = db_rows(data_dir, "SELECT status, taken_by FROM reports WHERE reference = ?", (reference,))[0]
                seen.setdefault(name, {})[door] = (row["status"], holders.get(row["taken_by"], "?"))
                refusal = expected_text(expect, reference)
                if refusal is not None:
                    assert refusal in said, (name, door, said)
                else:
                    assert seen[name][door] == expect, (name, door, seen[name][door], said)
    for name, by_door in seen.items():
        assert by_door["telegram"] == by_door["web"], (name, by_door)
    # What the group actions did to each door's report, beside its status and holder.
    states = {row["reference"]: (row["state"], row["group_id"] is not None) for row in db_rows(
        data_dir, "SELECT r.reference, w.state, w.group_id FROM witness_groups AS w JOIN reports AS r ON r.id = w.report_id")}
    for name, state in (("confirm the group", ("confirmed", True)), ("split from the group", ("split", False)),
                        ("split one another has", ("confirmed", True))):
        assert [states.get(refs[(name, door)]) for door in DOORS] == [state, state], name
    assert fake.refused == []
