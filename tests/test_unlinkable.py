"""Issue #15: an anonymous report is linked to nobody, even for whoever seizes the server with
its key; a reporter who allowed contact is reachable only through the sealed link they agreed
to. End to end against the fake Bot API; the seizure reads only DATA_DIR and the key."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from services import receipts
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
                    assert not _says(said, secret), f"{where} leads to the voter ({secret!r})"
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


# ---- issue #23: nothing on the disk follows the order, the roles or the timing of anonymous reports


async def short_report(user: FakeUser, lang: str, text: str, *, role: str = "voter", photo: bytes | None = None,
                       contact: bool = False) -> str:
    """A report on the short path (a voter's usual case, region, no number, now), as ``role``:
    /start is the person's first contact. Returns the reference."""
    await user.say("/start")
    (first,) = await user.say("/report")
    if role != "voter":
        await user.tap(L(lang, "wizard.change_role"))
        await user.tap(L(lang, f"role.{role}"))
        await user.tap(L(lang, "group.other"))
    else:
        await user.tap(L(lang, "category.coercion_work"))
    await user.tap(L(lang, "region.almaty_city"))
    await user.tap(L(lang, "wizard.precinct_unknown"))
    await user.tap(L(lang, "wizard.when_now"))
    await user.say(text)
    if photo is not None:
        await user.photo(photo)
        await user.replies(1)
    return await finish_and_send(user, lang, contact=contact)


async def test_the_log_holds_no_draft_once_the_reference_is_shown(app, fake, user_factory, data_dir):
    """The write-ahead log is emptied as soon as an anonymous report's reference is shown (it held
    the draft, under its author, for up to 20 seconds before issue #23)."""
    voter = user_factory("ru")
    secret = "Завуч Тлеубердина велела всем учителям голосовать досрочно и принести фото."
    loop = asyncio.get_running_loop()
    await short_report(voter, "ru", secret)
    shown = loop.time()
    # The chat's updates are handled in order: the answer to this one comes after Send's
    # handler, scrub included, has finished.
    await voter.say("/help")
    wal = data_dir / "bot.sqlite3-wal"
    held = wal.read_bytes() if wal.exists() else b""
    assert secret.encode() not in held and b'"prefilled"' not in held
    assert loop.time() - shown < 1.0
    assert fake.refused == []


def spearman(xs: list[float], ys: list[float]) -> float:
    def ranks(values: list[float]) -> list[int]:
        order = sorted(range(len(values)), key=values.__getitem__)
        out = [0] * len(values)
        for rank, index in enumerate(order):
            out[index] = rank
        return out
    rx, ry, n = ranks(xs), ranks(ys), len(xs)
    return 1 - 6 * sum((a - b) ** 2 for a, b in zip(rx, ry)) / (n * (n * n - 1))


async def test_people_ids_do_not_follow_the_order_of_reports(app, fake, user_factory, data_dir):
    """Thirty people, each first seen when they file an anonymous report, one after another, three
    times over: their row ids are in no relation to the order of the reports (a counter gave a
    rank correlation of 1)."""
    correlations = []
    for run in range(3):
        reporters = [user_factory("ru") for _ in range(30)]
        for reporter in reporters:
            await short_report(reporter, "ru", VOTER_TEXT)
        ids = {row["pseudonym"]: row["id"] for row in db_rows(data_dir, "SELECT id, pseudonym FROM people")}
        filed = [ids[KEYS.pseudonym(reporter.id)] for reporter in reporters]
        correlations.append(spearman(list(range(30)), filed))
    assert all(abs(rho) < 0.6 for rho in correlations), correlations
    assert abs(sum(correlations) / len(correlations)) < 0.4, correlations
    assert fake.refused == []


# The differential seizure: the same scenario, run with the same authors twice and then with the
# authors of two anonymous reports swapped. What differs between the same-author runs is noise
# (random codes, times); anything else that differs once the authors are swapped follows them.

CAST = 8  # people, each first seen when they file; R is filed second, R2 fifth
R_TEXT = "На участке посторонние раздавали деньги у входа, председатель видел и молчал."
R2_TEXT = "Начальник цеха велел всем сфотографировать бюллетень и прислать ему фото."
OTHER_TEXT = "Директор собрал коллектив и велел голосовать за кандидата от руководства."


async def _seize_run(fake, data_dir, first: int, second: int) -> dict:
    """One run of the scenario with people ``first`` and ``second`` (Telegram ids) as the
    authors of R and R2; the seizure's view of it: what is reachable from R, and every person's
    row with its rank among ids and its place in the table."""
    from tests.harness import running_bot
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])
    langs = {7002: "kk", 7005: "ru"}  # each person's own: the author of R writes in Kazakh, then Russian
    order = [7001, first, 7003, 7004, second, 7006, 7007, 7008]
    references = {}
    async with running_bot(settings):
        moderators = FakeUser(fake, ADMIN, language_code="ru", chat=GROUP)
        for slot, user_id in enumerate(order):
            lang = langs.get(user_id, "ru")
            user = FakeUser(fake, user_id, language_code=lang, first_name=f"Person {user_id}")
            if slot == 1:
                references["R"] = await short_report(user, lang, R_TEXT, role="other", photo=jpeg(color=(9, 9, 9)))
            elif slot == 4:
                references["R2"] = await short_report(user, lang, R2_TEXT)
            else:
                await short_report(user, lang, OTHER_TEXT, contact=slot == 7)
        # Everything delivered before the seizure (a card each and R's photo, then the card's two
        # edits), so that no run is seized half-way through its outbox.
        await moderators.replies(CAST + 1, timeout=30)
        admin = FakeUser(fake, ADMIN, language_code="ru")
        for command in ("take", "verify"):
            await admin.say(f"/{command} {references['R']}")
        await moderators.replies(2, timeout=30)
        # The outbox's last items (a report's evidence with nothing left to post) are done before
        # the bot stops: nothing the seizure reads depends on how far a runner had got.
        deadline = asyncio.get_running_loop().time() + 15
        while db_rows(data_dir, "SELECT id FROM outbox WHERE sent_at IS NULL AND given_up IS NULL"):
            assert asyncio.get_running_loop().time() < deadline, "the outbox did not drain"
            await asyncio.sleep(0.05)  # a bounded poll: draining sends nothing the fake could report
    conn = sqlite3.connect(data_dir / "bot.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        (report_id,) = conn.execute("SELECT id FROM reports WHERE reference = ?", (references["R"],)).fetchone()
        assert [tuple(r) for r in conn.execute("SELECT kind, body, report_id, attempts, due_at, (SELECT reference FROM reports WHERE id = report_id) FROM outbox WHERE sent_at IS NULL AND given_up IS NULL").fetchall()] == []
        reachable = {}
        for where, value in _reachable(conn, report_id):
            reachable.setdefault(where, []).append(value)
        rows = conn.execute("SELECT * FROM people").fetchall()  # in the table's own order
        by_rank = sorted(row["id"] for row in rows)
        people = {}
        for position, row in enumerate(rows):
            features = {key: row[key] for key in row.keys() if key not in ("id", "pseudonym")}
            features["id_rank"] = by_rank.index(row["id"])
            features["table_position"] = position
            people[row["pseudonym"]] = features
    finally:
        conn.close()
    return {"reachable": reachable, "people": people}


def _says(text: str, secret: str) -> bool:
    """Whether ``text`` holds ``secret``: a long one anywhere; a short one (a 4-digit id, a card's
    4-character code) only as a token of its own, since any random hex value (a tag, a hash)
    holds some 4 digits by chance once in a few hundred."""
    if len(secret) >= 8:
        return secret in text
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", text) is not None


def _differences(one: dict, other: dict) -> set[str]:
    found = {where for where in one["reachable"].keys() | other["reachable"].keys()
             if one["reachable"].get(where) != other["reachable"].get(where)}
    for pseudonym in one["people"].keys() | other["people"].keys():
        mine, theirs = one["people"].get(pseudonym, {}), other["people"].get(pseudonym, {})
        found |= {f"people.{key}" for key in mine.keys() | theirs.keys() if mine.get(key) != theirs.get(key)}
    return found


@pytest.fixture
def seizure_settings(fake):
    fake.add_chat(GROUP)


def _run_clock(monkeypatch, offset: timedelta) -> None:
    """Each run's clock starts at 06:00 UTC today (no run crosses a day) plus ``offset``: every
    time stored to the second differs between runs, so it counts as noise and never as
    following an author (the scenario's timing is the same in every run)."""
    from domain import clock
    start, real = clock.now().replace(hour=6, minute=0, second=0, microsecond=0), datetime.now(timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: start + offset + (datetime.now(timezone.utc) - real))


async def test_nothing_stored_follows_the_author_of_an_anonymous_report(fake, tmp_path, seizure_settings,
                                                                        monkeypatch):
    author, other_author = 7002, 7005
    _run_clock(monkeypatch, timedelta(0))
    first = await _seize_run(fake, tmp_path / "one", author, other_author)
    _run_clock(monkeypatch, timedelta(minutes=20))
    again = await _seize_run(fake, tmp_path / "again", author, other_author)
    _run_clock(monkeypatch, timedelta(minutes=40))
    swapped = await _seize_run(fake, tmp_path / "swapped", other_author, author)
    noise = _differences(first, again)
    follows = _differences(first, swapped) - noise
    detail = {where: [run["reachable"].get(where) for run in (first, again, swapped)] for where in follows}
    assert follows == set(), f"stored values that follow the author: {sorted(follows)} {detail}"
    # What does vary from run to run opens to nothing of either author.
    secrets = _derived(author) + _derived(other_author)
    for run in (first, swapped):
        for where, values in run["reachable"].items():
            for value in values:
                for said in _opens_to(value):
                    found = [secret for secret in secrets if _says(said, secret)]
                    assert not found, (where, said, found)
    # The rare role was not kept in the author's row, nor a voter's in anyone's.
    assert {features["reporter_role"] for run in (first, swapped) for features in run["people"].values()} == {None}
    assert fake.refused == []


async def test_people_ids_become_random_at_the_migration_and_every_link_follows(tmp_path):
    """Migration 0025: ids a counter gave (first contact order) are replaced by random ones, and
    the reports, drafts, files, prompts, sessions and invites that referred to them follow."""
    from storage.db import Database
    from storage.people import ID_CEILING, ID_FLOOR
    path = tmp_path / "old.sqlite3"
    old = await Database.open(path, upto=24)
    async with old.transaction() as conn:
        for number in (1, 2, 3):
            await conn.execute("INSERT INTO people (id, pseudonym, language, created_at, updated_at)"
                               " VALUES (?, ?, 'ru', '2026-12-01', '2026-12-01')", (number, f"p{number}"))
        await conn.execute("INSERT INTO reports (id, reference, reporter_id, taken_by, reporter_role, category, region,"
                           " occurred_at, description, submitted_at, submission_key) VALUES (1, 'KZ-000001', 2, 3,"
                           " 'observer', 'pressure', 'astana', '2026-12-01', 'Начальник велел голосовать.',"
                           " '2026-12-01', 'k')")
        await conn.execute("INSERT INTO drafts (person_id, data, created_at, updated_at) VALUES (1, '{}', 'd', 'd')")
        await conn.execute("INSERT INTO evidence (owner_id, kind, file_id, file_unique_id, received_at)"
                           " VALUES (1, 'photo', 'f', 'u', 'd')")
        await conn.execute("INSERT INTO prompts (chat_id, message_id, moderator_id, action, report_id, asked_status,"
                           " created_at) VALUES (-1, 5, 3, 'reject', 1, 'new', 'd')")
        await conn.execute("INSERT INTO web_sessions (id_hash, person_id, csrf, created_at, expires_at)"
                           " VALUES ('h', 3, 'c', 'd', 'd')")
        await conn.execute("INSERT INTO web_logins (token_hash, person_id, created_at) VALUES ('t', 3, 'd')")
        await conn.execute("INSERT INTO invites (code_hash, created_by, created_at, redeemed_by) VALUES ('i', 'a', 'd', 2)")
    await old.close()
    db = await Database.open(path)
    try:
        ids = {row["pseudonym"]: row["id"] for row in await db.fetchall("SELECT id, pseudonym FROM people")}
        assert sorted(ids) == ["p1", "p2", "p3"] and all(ID_FLOOR <= i < ID_CEILING for i in ids.values())
        assert tuple(await db.fetchone("SELECT reporter_id, taken_by FROM reports")) == (ids["p2"], ids["p3"])
        assert (await db.fetchone("SELECT person_id FROM drafts"))[0] == ids["p1"]
        assert (await db.fetchone("SELECT owner_id FROM evidence"))[0] == ids["p1"]
        assert (await db.fetchone("SELECT moderator_id FROM prompts"))[0] == ids["p3"]
        assert (await db.fetchone("SELECT person_id FROM web_sessions"))[0] == ids["p3"]
        assert (await db.fetchone("SELECT person_id FROM web_logins"))[0] == ids["p3"]
        assert (await db.fetchone("SELECT redeemed_by FROM invites"))[0] == ids["p2"]
        assert await db.fetchall("PRAGMA foreign_key_check") == []
    finally:
        await db.close()
