"""Issue #15: an anonymous report is linked to nobody, even for whoever seizes the server with
its key; a reporter who allowed contact is reachable only through the sealed link they agreed
to. End to end against the fake Bot API; the seizure reads only DATA_DIR and the key."""

from __future__ import annotations

import base64
import json
import re
import shutil
import sqlite3

import pytest

from bot.services import receipts
from tests.fake_telegram import FakeUser
from tests.harness import SECRET, make_settings
from tests.report_helpers import KEYS, L, db_rows, finish_and_send, finish_and_send_receipt, jpeg, up_to_evidence

ADMIN = 1001
GROUP = {"id": -100888, "type": "supergroup", "title": "Moderators"}
VOTER_TEXT = "Директор школы собрал учителей и велел голосовать за кандидата, иначе уволит."
OBSERVER_TEXT = "Наблюдателя посадили в десяти метрах от стола, подсчёт вели без оглашения."


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


@pytest.fixture
def admin(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан")


@pytest.fixture
def group(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)


def ru(key: str, **params) -> str:
    return L("ru", key, **params)


def _derived(user_id: int) -> list[str]:
    """Everything the server could derive from a Telegram id with its key."""
    pseudonym = KEYS.pseudonym(user_id)
    return [str(user_id), pseudonym, *KEYS.older_pseudonyms(user_id), KEYS.keyed_hash(f"card:{pseudonym}")[:4].upper(),
            receipts.chat_tag(KEYS, user_id), KEYS.keyed_hash(f"user:{user_id}")]


def _opens_to(value: object) -> list[str]:
    """What a value says, read every way the key allows: as is, unsealed, and unsealed after
    base64, recursively inside JSON."""
    if value is None or isinstance(value, (int, float)):
        return [str(value)]
    raw = value if isinstance(value, bytes) else str(value).encode()
    found = [raw.decode("utf-8", "replace")]
    for candidate in (raw, _b64(raw)):
        if candidate:
            opened = KEYS.unseal(candidate)
            if opened is not None:
                found.append(opened)
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        for inner in parsed.values():
            found += _opens_to(inner if isinstance(inner, (str, bytes, int, float)) else json.dumps(inner))
    return found


def _b64(raw: bytes) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(raw)
    except ValueError:
        return None


def _reachable(conn: sqlite3.Connection, report_id: int) -> list[tuple[str, object]]:
    """Every value of every row reachable from a report: the report, its evidence, history,
    messages, escalations, questions, replies and its row of the search index, and any person
    a column of those rows points to."""
    values: list[tuple[str, object]] = []
    people_ids: set[int] = set()
    queries = {
        "reports": "SELECT * FROM reports WHERE id = ?",
        "evidence": "SELECT * FROM evidence WHERE report_id = ?",
        "audit_log": "SELECT * FROM audit_log WHERE report_id = ?",
        "outbox": "SELECT * FROM outbox WHERE report_id = ?",
        "replies": "SELECT * FROM replies WHERE report_id = ?",
        "escalations": "SELECT * FROM escalations WHERE report_id = ?",
        "prompts": "SELECT * FROM prompts WHERE report_id = ?",
        "reports_search": "SELECT * FROM reports_search WHERE rowid = ?",
    }
    for table, sql in queries.items():
        cursor = conn.execute(sql, (report_id,))
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            for name, value in zip(names, row):
                values.append((f"{table}.{name}", value))
                if name in ("reporter_id", "owner_id", "taken_by", "person_id") and value is not None:
                    people_ids.add(value)
    for person_id in people_ids:
        cursor = conn.execute("SELECT * FROM people WHERE id = ?", (person_id,))
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            values += [(f"people.{name}", value) for name, value in zip(names, row)]
    return values


async def test_a_seized_server_with_its_key_cannot_tie_an_anonymous_report_to_its_author(
        app, fake, user_factory, admin, group, data_dir, tmp_path):
    voter = user_factory("kk", first_name="Айгерім", username="aigerim_teacher")
    await up_to_evidence(voter, "kk", VOTER_TEXT)
    await voter.photo(jpeg(color=(200, 30, 30)))
    await voter.replies(1)
    voter_ref, code = await finish_and_send_receipt(voter, "kk")
    receipt = voter.last_with_buttons()
    observer = user_factory("ru", first_name="Ержан")
    await up_to_evidence(observer, "ru", OBSERVER_TEXT, role="observer")
    observer_ref = await finish_and_send(observer, "ru", evidence=False, contact=True)
    await group.replies(3)  # two cards and the photo under the first

    # Moderators work on both; only the observer, who allowed contact, is told.
    seen_by_voter = len(voter.events)
    for command, status in (("take", "in_review"), ("verify", "verified")):
        for reference in (voter_ref, observer_ref):
            (done,) = await admin.say(f"/{command} {reference}")
            assert done.message["text"] == ru("mod.done", reference=reference, status=ru(f"status.{status}"))
    told = await observer.replies(2)
    assert [e.message["text"] for e in told] == [
        ru("feedback.status", reference=observer_ref, status=ru(f"status.{s}"), meaning=ru(f"receipt.meaning.{s}"))
        for s in ("in_review", "verified")]
    (refused,) = await admin.say(f"/reply {voter_ref} Напишите нам, пожалуйста.")
    assert refused.message["text"] == ru("mod.reply_anonymous", reference=voter_ref)
    assert db_rows(data_dir, "SELECT * FROM replies") == []
    assert db_rows(data_dir, "SELECT kind FROM outbox WHERE report_id = 1 AND kind IN ('status', 'reply')") == []
    # The receipt still shows where the report stands, to whoever holds it.
    (status,) = await voter.tap(L("kk", "receipt.button", reference=voter_ref), message=receipt)
    assert L("kk", "status.verified") in status.message["text"] and L("kk", "receipt.anonymous") in status.message["text"]
    assert len(voter.events) == seen_by_voter + 1  # that answer, and no notification ever
    assert code.replace("-", "") not in json.dumps(db_rows(data_dir, "SELECT * FROM outbox"), default=str)

    # The log's older frames (the draft under its author, the confirmation's chat) are emptied
    # by the scrub job within SCRUB_EVERY; it runs here at once.
    (scrub,) = app.job_queue.get_jobs_by_name("scrub")
    await scrub.run(app)

    # The seizure: DATA_DIR and the key, nothing else.
    seized = tmp_path / "seized"
    shutil.copytree(data_dir, seized)
    wal = seized / "bot.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    conn = sqlite3.connect(seized / "bot.sqlite3")
    try:
        (voter_report,) = conn.execute("SELECT id, reporter_id, contact_allowed FROM reports WHERE reference = ?",
                                       (voter_ref,)).fetchall()
        assert voter_report[1] is None and voter_report[2] == 0
        secrets = _derived(voter.id)
        for where, value in _reachable(conn, voter_report[0]):
            for said in _opens_to(value):
                for secret in secrets:
                    assert secret not in said, f"{where} leads to the voter ({secret!r})"
        # From the voter's side: their person row (the key finds it) leads to no report.
        (person_id,) = conn.execute("SELECT id FROM people WHERE pseudonym = ?", (KEYS.pseudonym(voter.id),)).fetchone()
        for sql in ("SELECT id FROM reports WHERE reporter_id = ? OR taken_by = ?",
                    "SELECT id FROM evidence WHERE owner_id = ? OR owner_id = ?",
                    "SELECT person_id FROM drafts WHERE person_id = ? OR person_id = ?"):
            assert conn.execute(sql, (person_id, person_id)).fetchall() == []
        (chat_ref, created, updated) = conn.execute(
            "SELECT chat_ref, created_at, updated_at FROM people WHERE id = ?", (person_id,)).fetchone()
        assert chat_ref is None and re.fullmatch(r"\d{4}-\d\d-\d\d", created) and re.fullmatch(r"\d{4}-\d\d-\d\d", updated)

        # The observer's report leads to them only through the sealed chat they agreed to.
        (observer_report,) = conn.execute("SELECT reporter_id FROM reports WHERE reference = ?", (observer_ref,)).fetchall()
        (sealed,) = conn.execute("SELECT chat_ref FROM people WHERE id = ?", observer_report).fetchone()
        assert KEYS.unseal(sealed) == str(observer.id)
        raw = (seized / "bot.sqlite3").read_bytes()
        assert str(observer.id).encode() not in raw and str(voter.id).encode() not in raw
    finally:
        conn.close()
    assert fake.refused == []


async def test_staff_codes_are_unlike_card_codes_and_staff_changes_are_on_the_record(
        app, fake, user_factory, admin, group, data_dir):
    reporter = user_factory("ru")
    await up_to_evidence(reporter, "ru", OBSERVER_TEXT)
    reference = await finish_and_send(reporter, "ru", evidence=False, contact=True)
    (card,) = await group.replies(1)
    card_code = re.search(r"код (\w{4})", card.message["text"]).group(1)

    (added,) = await admin.say(f"/addmod {reporter.id}")
    staff_code = re.search(r"код (\w+)", added.message["text"]).group(1)
    assert staff_code != card_code
    every_text = " ".join(json.dumps(call.params, ensure_ascii=False) for call in fake.calls
                          if call.method in ("sendMessage", "editMessageText") and call.params.get("chat_id") == GROUP["id"])
    assert staff_code not in every_text
    (listing,) = await admin.say("/mods")
    assert staff_code in listing.message["text"] and card_code not in listing.message["text"]
    (removed,) = await admin.say(f"/delmod {staff_code.lower()}")
    assert removed.message["text"] == ru("admin.removed", code=staff_code)
    await admin.say("/invite")
    history = db_rows(data_dir, "SELECT actor, action, note, report_id FROM audit_log WHERE report_id IS NULL ORDER BY id")
    actions = [(row["action"], row["note"]) for row in history]
    assert actions == [("staff_added", staff_code), ("staff_removed", staff_code), ("invite_created", None)]
    assert all(row["actor"].startswith("admin ") and row["actor"] != f"admin {card_code}" for row in history)
    assert reference.startswith("KZ-") and fake.refused == []


async def test_old_anonymous_drafts_and_people_are_unlinked_by_the_migration(tmp_path):
    """Stated in SECURITY.md: an anonymous report sent before the upgrade loses its link."""
    from storage.db import Database
    path = tmp_path / "old.sqlite3"
    old = await Database.open(path, upto=14)
    async with old.transaction() as conn:
        await conn.execute("INSERT INTO people (pseudonym, chat_ref, language, created_at, updated_at)"
                           " VALUES (?, ?, 'ru', '2026-11-30T08:00:00+00:00', '2026-11-30T08:00:00+00:00')",
                           (KEYS.older_pseudonyms(77)[0], KEYS.seal("77")))
        await conn.execute("INSERT INTO reports (id, reference, reporter_id, reporter_role, category, region,"
                           " occurred_at, description, submitted_at, submission_key)"
                           " VALUES (1, 'KZ-000001', 1, 'voter', 'pressure', 'astana', '2026-11-30',"
                           " 'Начальник велел голосовать.', '2026-11-30', 'k')")
        await conn.execute("INSERT INTO outbox (kind, report_id, body, created_at, due_at)"
                           " VALUES ('status', 1, '{}', '2026-11-30', '2026-11-30')")
    await old.close()
    db = await Database.open(path)
    try:
        assert (await db.fetchone("SELECT reporter_id FROM reports"))[0] is None
        assert await db.fetchall("SELECT * FROM people") == []
        (given_up,) = await db.fetchall("SELECT given_up FROM outbox")
        assert given_up[0].startswith("anonymous")
    finally:
        await db.close()


def test_a_receipt_code_is_read_as_people_type_it():
    code = receipts.new_code()
    assert receipts.typed(receipts.shown(code).lower()) == code
    assert receipts.typed(f"  {code[:4]} {code[4:8]}-{code[8:]} ") == code
    assert receipts.typed("ABCD-EFGH-JKL0") is None and receipts.typed("") is None
    assert receipts.code_hash(code) != receipts.code_hash(receipts.new_code())


def test_pseudonyms_are_memory_hard_and_remembered():
    from storage.crypto import PSEUDONYM_KDF, Keys
    assert PSEUDONYM_KDF["memory_cost"] >= 8 * 1024 and PSEUDONYM_KDF["iterations"] >= 1
    keys = Keys(SECRET + "-another-secret-for-this-test")
    assert keys.cached_pseudonym(123456789) is None
    first = keys.pseudonym(123456789)
    assert keys.cached_pseudonym(123456789) == first and len(first) == 64
    assert first not in keys.older_pseudonyms(123456789) and first != Keys(SECRET).pseudonym(123456789)





async def test_someone_first_seen_in_a_group_gets_the_notification_they_allowed(app, fake, user_factory, admin,
                                                                                data_dir):
    """Their chat is kept when they send a report with contact allowed, wherever they wrote first."""
    other_group = {"id": -100999, "type": "group", "title": "Teachers"}
    fake.add_chat(other_group)
    reporter = user_factory("kk")
    in_group = FakeUser(fake, reporter.id, language_code="kk", chat=other_group)
    (told,) = await in_group.say("/report")  # the wizard is private only: the group is told so
    assert told.message["chat"]["id"] == other_group["id"]
    await up_to_evidence(reporter, "kk", VOTER_TEXT)
    reference = await finish_and_send(reporter, "kk", evidence=False, contact=True)
    (done,) = await admin.say(f"/take {reference}")
    assert done.message["text"] == ru("mod.done", reference=reference, status=ru("status.in_review"))
    (status,) = await reporter.replies(1)
    assert status.message["text"] == L("kk", "feedback.status", reference=reference, status=L("kk", "status.in_review"),
                                               meaning=L("kk", "receipt.meaning.in_review"))
    assert fake.refused == []
