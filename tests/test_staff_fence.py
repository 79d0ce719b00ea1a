"""Staff commands and buttons are refused to everyone who is not staff: a plain reporter and an
accredited observer (made through a real invite) alike, with arguments that would make them act."""

from __future__ import annotations

import json

import pytest

from domain import clock
from domain.rules import ADMIN_COMMANDS, MODERATOR_COMMANDS
from storage import moderation, people, reports
from storage.db import Database
from storage.models import NewReport
from tests.fake_telegram import FakeUser
from tests.harness import make_settings
from tests.report_helpers import KEYS, L, db_rows

ADMIN = 1001
GROUP = {"id": -100779, "type": "supergroup", "title": "Moderators"}
REPORTER, MODERATOR = 5_100_001, 5_100_002
ROLES = ("reporter", "observer")
STAFF_COMMANDS = (*MODERATOR_COMMANDS, *ADMIN_COMMANDS)

# The reports the plain reporter sent, in the statuses that make every attempt below one a
# staff member's command would act on.
SEEDED = {"KZ-000001": [], "KZ-000002": ["in_review"], "KZ-000003": ["in_review", "verified"],
          "KZ-000004": ["rejected"], "KZ-000005": ["in_review", "verified", "escalated"]}
SEEDED_STATUSES = ["new", "in_review", "verified", "rejected", "escalated"]


def attempts() -> dict[str, str]:
    """For each staff command, a message with arguments a staff member's command would act on."""
    return {
        "queue": "/queue",
        "view": "/view KZ-000001",
        "take": "/take KZ-000001",
        "verify": "/verify KZ-000002",
        "reject": "/reject KZ-000001 фейк",
        "dup": "/dup KZ-000002 KZ-000001",
        "escalate": "/escalate KZ-000003 court 2-15/26 24.11.2026",
        "resolve": "/resolve KZ-000003 штраф наложен",
        "reopen": "/reopen KZ-000004",
        "takeover": "/takeover KZ-000002",
        "fixescalation": "/fixescalation KZ-000005 prosecutor 7 24.11.2026",
        "group": "/group KZ-000001 split",
        "answered": "/answered KZ-000005 1 refused 25.11.2026",
        "filingfile": "/filingfile KZ-000005 1 answer",
        "fix": "/fix KZ-000001 region=karaganda",
        "dashboard": "/dashboard",
        "duty": "/duty on",
        "note": "/note KZ-000001 проверить видео",
        "reply": "/reply KZ-000001 Спасибо, проверяем.",
        "find": "/find status=new",
        "stats": "/stats",
        "export": "/export csv",
        "bundle": "/bundle KZ-000001",
        "complaint": "/complaint KZ-000005 ru",
        "mods": "/mods",
        "addmod": f"/addmod {REPORTER}",  # the reporter making themselves a moderator
        "delmod": f"/delmod {MODERATOR}",
        "invite": "/invite",
        "candidates": "/candidates Иванов И. И.; Петрова А. А.",
        "official": "/official",
    }


# Card actions on reports in a status where they apply, a target, a queue page; and the forms
# from tests/test_moderation.py.
FORGED_BUTTONS = ("m:take:1", "m:verify:1", "m:verify:2", "m:reject:1", "m:duplicate:1", "m:escalate:3",
                  "m:resolve:3", "m:reopen:4", "m:correct:5", "esc:1:court", "esc:3:court", "escc:5:court",
                  "p:cancel", "p:internal", "q:2", "q:1")


async def seed(path) -> None:
    """Written before the bot starts, through storage: the reporter's five reports taken through
    real transitions, and one moderator (whom /delmod would remove)."""
    db = await Database.open(path)
    try:
        author = await people.get_or_create(db, KEYS.pseudonym(REPORTER), "ru", KEYS.seal(str(REPORTER)))
        for n, (reference, path_of_statuses) in enumerate(SEEDED.items()):
            report, _ = await reports.submit(db, author.id, NewReport(
                reporter_role="voter", category="pressure", subcategory="vote_buying", region="astana",
                precinct="12", occurred_at=clock.utcnow(), submission_key=f"seed-{n}",
                description=f"Отчёт {n}: на участке раздавали продуктовые наборы за голос."))
            assert report.reference == reference
            for status in path_of_statuses:
                extra = {"escalated_to": "court", "escalated_at": clock.utcnow()} if status == "escalated" else {}
                await moderation.change_status(db, report.id, "moderator SEED", status,
                                               "нет доказательств" if status == "rejected" else None, **extra)
        staff = await people.get_or_create(db, KEYS.pseudonym(MODERATOR), "ru", KEYS.seal(str(MODERATOR)))
        await people.set_role(db, staff.id, "moderator")
    finally:
        await db.close()


@pytest.fixture
async def settings(fake, data_dir):
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])
    await seed(settings.database_path)
    return settings


@pytest.fixture
def admin(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", username="nurlan_mod")


def role_of(data_dir, user: FakeUser) -> str:
    (row,) = db_rows(data_dir, "SELECT role FROM people WHERE pseudonym = ?", (KEYS.pseudonym(user.id),))
    return row["role"]


def snapshot(data_dir) -> dict[str, list[tuple]]:
    """Everything a staff command or button could change."""
    queries = {
        "reports": "SELECT id, status, status_note, taken_by, duplicate_of, escalated_to, external_ref,"
                   " status_changed_at FROM reports ORDER BY id",
        "people": "SELECT id, role, staff_name, staff_code, chat_ref IS NOT NULL FROM people ORDER BY id",
        "audit_log": "SELECT id, action, from_status, to_status, note FROM audit_log ORDER BY id",
        "replies": "SELECT id, report_id, text FROM replies ORDER BY id",
        "invites": "SELECT code_hash, redeemed_at FROM invites ORDER BY code_hash",
        "web_logins": "SELECT token_hash FROM web_logins",
        "candidates": "SELECT position, name FROM candidates",
    }
    return {name: [tuple(row) for row in db_rows(data_dir, sql)] for name, sql in queries.items()}


async def person_in(role: str, fake, data_dir, admin: FakeUser, user_factory) -> tuple[FakeUser, str]:
    """The plain reporter who sent the seeded reports, or an accredited observer who redeemed a
    real invite; with the language they are answered in. Both have opened the bot's menu."""
    if role == "reporter":
        person = FakeUser(fake, REPORTER, language_code="ru", first_name="Мадина")
        await person.say("/start")
        assert len(db_rows(data_dir, "SELECT id FROM people")) == 2  # the bot knew them: the author
        return person, "ru"
    (invite,) = await admin.say("/invite")
    code = invite.message["text"].split("start=")[1].split()[0]
    observer = user_factory("kk", first_name="Асель")
    accepted, _menu = await observer.say(f"/start {code}", n=2)
    assert accepted.message["text"] == L("kk", "invite.accepted")
    return observer, "kk"


async def no_staff_powers_left_behind(fake, data_dir, person: FakeUser, lang: str, before) -> None:
    # A command the person may use, sent last, is answered once everything before it was handled.
    (help_text,) = await person.say("/help")
    assert help_text.message["text"] == L(lang, "help.text")
    assert snapshot(data_dir) == before
    scope = json.dumps({"chat_id": person.id, "type": "chat"}, sort_keys=True)
    # No staff menu was registered for them (an accredited observer's own has their counts only).
    assert not {c["command"] for c in fake.commands.get((scope, ""), [])} & set(STAFF_COMMANDS)


def test_every_staff_command_has_an_attempt():
    assert set(attempts()) == set(STAFF_COMMANDS), "a staff command without an attempt in this file"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("command", STAFF_COMMANDS)
async def test_a_staff_command_is_refused(app, fake, data_dir, user_factory, admin, role, command):
    """The command, with arguments it would act on, is answered with the refusal alone, and
    nothing in the database changes."""
    person, lang = await person_in(role, fake, data_dir, admin, user_factory)
    before = snapshot(data_dir)
    assert [row[1] for row in before["reports"]] == SEEDED_STATUSES
    assert role_of(data_dir, person) == role

    text = attempts()[command]
    answers = await person.say(text)
    assert [a.message["text"] for a in answers] == [L(lang, "mod.refused")], text
    await no_staff_powers_left_behind(fake, data_dir, person, lang, before)
    assert len(person.events) == 3 + (role == "observer")  # menu (+ accepted), refusal, help


@pytest.mark.parametrize("role", ROLES)
async def test_forged_staff_buttons_are_refused(app, fake, data_dir, user_factory, admin, role):
    """Callback data of the card's buttons, the escalation targets and the queue's pages, pressed
    by someone who never got them: each press is answered with the refusal; nothing changes."""
    person, lang = await person_in(role, fake, data_dir, admin, user_factory)
    assert role_of(data_dir, person) == role
    menu = person.last_with_buttons()
    before = snapshot(data_dir)
    visible = len(person.events)
    failures = []
    for data in FORGED_BUTTONS:
        query = await person.press(data=data, message=menu)
        answer = await person.answered(query)
        if answer.get("text") != L(lang, "mod.refused"):
            failures.append(f"{data!r} answered {answer!r}")
    assert not failures, f"{role}: " + "; ".join(failures)
    await no_staff_powers_left_behind(fake, data_dir, person, lang, before)
    assert len(person.events) == visible + 1  # the presses sent nothing to the chat; /help did
    assert len(fake.calls_of("answerCallbackQuery")) == len(FORGED_BUTTONS)


@pytest.mark.parametrize("role", ROLES)
async def test_help_shows_no_staff_section(app, fake, data_dir, user_factory, admin, role):
    """/help to a reporter or an observer is the users' help alone; staff also get mod.help."""
    person, lang = await person_in(role, fake, data_dir, admin, user_factory)
    assert role_of(data_dir, person) == role
    (answer,) = await person.say("/help")
    assert answer.message["text"] == L(lang, "help.text")
    assert L(lang, "mod.help").split("\n")[0] not in answer.message["text"]
    (staff_help,) = await admin.say("/help")  # the control: the same command shows it to staff
    assert L("ru", "mod.help") in staff_help.message["text"]
