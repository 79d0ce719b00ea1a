"""Moderation data: status changes with their audit rows, notes, replies, queues and counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from pydantic import BaseModel

from domain.precincts import named_precinct
from domain.rules import CATEGORIES, DEFAULT_ESCALATION_TARGET, OPEN, REGIONS, allowed
from storage import audit, outbox
from domain.clock import utcnow
from storage.db import Database
from storage.models import DeadlineFacts, Person, Report
from storage.people import COLUMNS as PERSON_COLUMNS
from storage.reports import COLUMNS, from_row

_CHANGE_FIELDS = {"taken_by", "status_note", "duplicate_of", "escalated_to", "external_ref",
                  "external_date", "escalated_at"}


async def _read(conn, report_id: int) -> Report:
    """A report as it stands inside the caller's transaction."""
    async with conn.execute(f"SELECT {COLUMNS} FROM reports WHERE id = ?", (report_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise LookupError(report_id)
    return from_row(row)


class TransitionRefused(ValueError):
    """The report is not in a status from which this change makes sense."""

    def __init__(self, current: str) -> None:
        super().__init__(current)
        self.current = current


class Moved(TransitionRefused):
    """The report changed since the question was asked (another moderator acted on it)."""


class TakenByOther(Exception):
    """Another moderator has the report: it must be taken over (on the record) first."""


async def _check_holder(conn, report_id: int, holder: int | None) -> None:
    """Refuse a change by ``holder`` to a report another moderator has (checked in the change's
    own transaction, so two moderators acting at once cannot both pass)."""
    if holder is None:
        return
    async with conn.execute("SELECT taken_by FROM reports WHERE id = ?", (report_id,)) as cur:
        row = await cur.fetchone()
    if row is not None and row["taken_by"] not in (None, holder):
        raise TakenByOther(report_id)


async def _check_unchanged(conn, report_id: int, status: str, expect: tuple[str, int | None] | None) -> None:
    """Refuse an answer to a question asked when the report stood otherwise: another status,
    or another latest escalation step."""
    if expect is None:
        return
    async with conn.execute("SELECT max(id) FROM escalations WHERE report_id = ?", (report_id,)) as cur:
        (step,) = await cur.fetchone()
    if (status, step) != expect:
        raise Moved(status)


async def latest_step(db: Database, report_id: int) -> int | None:
    row = await db.fetchone("SELECT max(id) FROM escalations WHERE report_id = ?", (report_id,))
    return row[0] if row else None


async def change_status(db: Database, report_id: int, actor: str, to_status: str,
                        note: str | None = None, *, internal: bool = False, prompt_id: int | None = None,
                        expect: tuple[str, int | None] | None = None, holder: int | None = None,
                        **fields: Any) -> tuple[Report, str, int | None]:
    """Move a report to ``to_status``, write the audit row, record an escalation step, close
    the question it answers (``prompt_id``) and record the reporter's notification (when the
    report still has a reporter), all in one transaction. The reporter sees ``note`` (a reason
    or an outcome) unless it is ``internal``. Returns the updated report, the status it came
    from, and the notification's outbox id. With ``holder``, a report another moderator has is
    refused (TakenByOther)."""
    unknown = set(fields) - _CHANGE_FIELDS
    if unknown:
        raise ValueError(f"not changeable here: {unknown}")
    async with db.transaction() as conn:
        async with conn.execute("SELECT status FROM reports WHERE id = ?", (report_id,)) as cur:
            row = await cur.fetchone()
        if row is None:
            raise LookupError(report_id)
        current = row["status"]
        await _check_unchanged(conn, report_id, current, expect)
        await _check_holder(conn, report_id, holder)
        if not allowed(current, to_status):
            raise TransitionRefused(current)
        now = utcnow()
        updates = {**fields, "status": to_status, "status_changed_at": now}
        if current == "duplicate" and to_status != "duplicate":
            updates["duplicate_of"] = None  # reopened: no longer a copy of anything
        if to_status in ("rejected", "resolved") or note is not None or to_status != current:
            # A reason or an outcome is that of the status it came with: reopened (or moved on
            # without one) the report no longer shows the old one as current; the history keeps it.
            updates.setdefault("status_note", note)
            updates.setdefault("public_note", None if internal else note)
        assignments = ", ".join(f"{name} = :{name}" for name in updates)
        await conn.execute(f"UPDATE reports SET {assignments} WHERE id = :id", {**updates, "id": report_id})
        await audit.append(conn, report_id, actor, "status", current, to_status,
                           f"{INTERNAL_MARK}{note}" if note and internal else note)
        if prompt_id is not None and (await conn.execute("DELETE FROM prompts WHERE id = ?", (prompt_id,))).rowcount != 1:
            raise Moved(current)  # answered already (a second reply raced the first)
        updated = await _read(conn, report_id)
        if to_status == "escalated":
            await _add_step(conn, updated, actor)
        notice = None
        if updated.reporter_id:
            told = {"note": note} if note and not internal else {}
            if to_status == "duplicate" and updated.duplicate_of:
                # Their own earlier report is no second witness: they are told so plainly.
                async with conn.execute("SELECT reporter_id FROM reports WHERE reference = ?",
                                        (updated.duplicate_of,)) as cur:
                    original = await cur.fetchone()
                told["own"] = original is not None and original["reporter_id"] == updated.reporter_id
            if to_status == "escalated":
                told["filed"] = updated.external_date  # "filed" is said only with its date
            notice = await outbox.enqueue(conn, "status", report_id, status=to_status,
                                          target=updated.escalated_to, **told)
    return updated, current, notice


# A reason or outcome the reporter was not shown is marked so in the report's history.
INTERNAL_MARK = "🔒 "


async def _add_step(conn, report: Report, actor: str) -> None:
    target = report.escalated_to or DEFAULT_ESCALATION_TARGET
    await conn.execute(
        "INSERT INTO escalations (report_id, target, external_ref, external_date, created_at, actor)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (report.id, target, report.external_ref, report.external_date, utcnow(), actor))
    # The history names the body, its number and the date (the status row says only "escalated").
    await audit.append(conn, report.id, actor, "escalation_step", None, None,
                       f"{target} {report.external_ref or '-'} {report.external_date or '-'}")


async def correct_escalation(db: Database, report_id: int, actor: str, target: str,
                             external_ref: str | None, external_date: str | None,
                             prompt_id: int | None = None,
                             expect: tuple[str, int | None] | None = None,
                             holder: int | None = None) -> tuple[Report, int | None]:
    """Correct the latest escalation step of an escalated report (a mistyped number, the
    filing date once known, the wrong body), audited with what it was. A reporter who was told
    of another body is told of the right one, and one told it was passed on without a filing
    date is told once it is filed. Returns the report and that notice's outbox id."""
    async with db.transaction() as conn:
        before = await _read(conn, report_id)
        await _check_unchanged(conn, report_id, before.status, expect)
        await _check_holder(conn, report_id, holder)
        if before.status != "escalated":
            raise TransitionRefused(before.status)
        await conn.execute(
            "UPDATE reports SET escalated_to = ?, external_ref = ?, external_date = ? WHERE id = ?",
            (target, external_ref, external_date, report_id))
        await conn.execute(
            "UPDATE escalations SET target = ?, external_ref = ?, external_date = ? WHERE id ="
            " (SELECT max(id) FROM escalations WHERE report_id = ?)",
            (target, external_ref, external_date, report_id))
        was = f"{before.escalated_to} {before.external_ref or '-'} {before.external_date or '-'}"
        now = f"{target} {external_ref or '-'} {external_date or '-'}"
        await audit.append(conn, report_id, actor, "escalation_corrected", None, None, f"{was} → {now}")
        if prompt_id is not None and (await conn.execute("DELETE FROM prompts WHERE id = ?", (prompt_id,))).rowcount != 1:
            raise Moved(before.status)
        notice = None
        newly_filed = external_date is not None and before.external_date is None
        if (target != before.escalated_to or newly_filed) and before.reporter_id:
            notice = await outbox.enqueue(conn, "status", report_id, status="escalated", target=target,
                                          filed=external_date)
        return await _read(conn, report_id), notice


class EscalationStep(BaseModel):
    target: str
    external_ref: str | None
    external_date: str | None
    created_at: str
    actor: str
    answer_kind: str | None = None   # "received" or "refused" (domain.legal.ANSWER_KINDS)
    answer_date: str | None = None   # ISO date of the answer or the refusal
    complaint_evidence: int | None = None  # evidence id of the complaint as filed
    answer_evidence: int | None = None     # evidence id of the answer


_STEP_COLUMNS = ("target, external_ref, external_date, created_at, actor, answer_kind, answer_date,"
                 " complaint_evidence, answer_evidence")


async def escalation_steps(db: Database, report_id: int) -> list[EscalationStep]:
    """Every body the report was taken to, in order, with what each answered."""
    rows = await db.fetchall(f"SELECT {_STEP_COLUMNS} FROM escalations WHERE report_id = ? ORDER BY id",
                             (report_id,))
    return [EscalationStep(**dict(row)) for row in rows]


async def steps_of_reports(db: Database, report_ids: list[int]) -> dict[int, list[EscalationStep]]:
    """The chain of filings of many reports at once (exports, reminders), each in order."""
    found: dict[int, list[EscalationStep]] = {report_id: [] for report_id in report_ids}
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = await db.fetchall(f"SELECT report_id, {_STEP_COLUMNS} FROM escalations"
                                 f" WHERE report_id IN ({marks}) ORDER BY id", tuple(chunk))
        for row in rows:
            values = dict(row)
            found[values.pop("report_id")].append(EscalationStep(**values))
    return found


async def record_answer(db: Database, report_id: int, actor: str, step: int, answer_kind: str | None,
                        answer_date: str | None, *, complaint_evidence: int | None = None,
                        answer_evidence: int | None = None) -> EscalationStep:
    """Record what the body of step ``step`` (1 = the first filing) answered and when, audited
    with the body's name and what was there before. Raises LookupError for no such step."""
    async with db.transaction() as conn:
        async with conn.execute("SELECT id, target, answer_kind, answer_date FROM escalations"
                                " WHERE report_id = ? ORDER BY id LIMIT 1 OFFSET ?",
                                (report_id, step - 1)) as cur:
            row = await cur.fetchone() if step >= 1 else None
        if row is None:
            raise LookupError(step)
        await conn.execute(
            "UPDATE escalations SET answer_kind = ?, answer_date = ?,"
            " complaint_evidence = coalesce(?, complaint_evidence), answer_evidence = coalesce(?, answer_evidence)"
            " WHERE id = ?", (answer_kind, answer_date, complaint_evidence, answer_evidence, row["id"]))
        was = f"{row['answer_kind'] or '-'} {row['answer_date'] or '-'}"
        now = f"{answer_kind or '-'} {answer_date or '-'}"
        await audit.append(conn, report_id, actor, "escalation_answer", None, None,
                           f"{step} {row['target']}: {was} → {now}")
    steps = await escalation_steps(db, report_id)
    return steps[step - 1]


async def record(db: Database, report_id: int | None, actor: str, action: str, note: str | None = None) -> None:
    """An action that changes nothing but must be on the record (an export, an evidence bundle,
    a complaint draft): who took what out of the bot, and when. ``report_id`` None: many reports."""
    async with db.transaction() as conn:
        await audit.append(conn, report_id, actor, action, None, None, note)


async def add_note(db: Database, report_id: int, actor: str, text: str) -> None:
    """An internal note: only moderators see it; it lives in the append-only audit log."""
    async with db.transaction() as conn:
        await audit.append(conn, report_id, actor, "note", None, None, text)


async def add_reply(db: Database, report_id: int, actor: str, text: str) -> int | None:
    """A public answer to the reporter: kept for My reports, audited, and recorded for delivery
    (when the report still has a reporter); returns the outbox id."""
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO replies (report_id, text, created_at) VALUES (?, ?, ?)",
                           (report_id, text, utcnow()))
        await audit.append(conn, report_id, actor, "reply", None, None, text)
        async with conn.execute("SELECT reporter_id FROM reports WHERE id = ?", (report_id,)) as cur:
            (reporter_id,) = await cur.fetchone()
        return await outbox.enqueue(conn, "reply", report_id, text=text) if reporter_id else None


async def add_reporter_answer(db: Database, report_id: int, text: str) -> int:
    """The reporter's answer to a moderator: kept in the report's history (without who they
    are) and recorded for delivery to the moderators' chat; returns the outbox id."""
    async with db.transaction() as conn:
        await audit.append(conn, report_id, REPORTER, "reporter_answer", None, None, text)
        return await outbox.enqueue(conn, "answer", report_id, text=text)


REPORTER = "reporter"  # the actor of a reporter's own entries in the history: never who they are


async def asked_reports(db: Database, person_id: int, since: str) -> list[int]:
    """Ids of the person's reports (contact allowed) a moderator wrote to since ``since``, the
    latest question first: what an answer sent without Reply may be about."""
    rows = await db.fetchall(
        "SELECT r.id FROM reports r JOIN replies q ON q.report_id = r.id"
        " WHERE r.reporter_id = ? AND r.contact_allowed = 1 AND q.created_at >= ?"
        " GROUP BY r.id ORDER BY MAX(q.id) DESC", (person_id, since))
    return [row["id"] for row in rows]


async def replies_of(db: Database, report_id: int) -> list[str]:
    rows = await db.fetchall("SELECT text FROM replies WHERE report_id = ? ORDER BY id", (report_id,))
    return [row["text"] for row in rows]


async def set_moderator_message(db: Database, report_id: int, message_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE reports SET moderator_message_id = ? WHERE id = ?", (message_id, report_id))


# What moderators handle: violations. An observer's counts (domain.counts) are figures for the
# tally, not cases: no queue, card, alert, digest, deadline, statistic or dashboard list has them.
VIOLATIONS = "kind = 'violation'"


async def queue(db: Database, offset: int, limit: int) -> tuple[list[Report], int]:
    """Reports that still need someone, urgent ones first, then oldest first, and how many there
    are in all."""
    marks = ", ".join("?" for _ in OPEN)
    rows = await db.fetchall(
        f"SELECT {COLUMNS} FROM reports WHERE status IN ({marks}) AND {VIOLATIONS}"
        " ORDER BY priority = 'urgent' DESC, submitted_at, id LIMIT ? OFFSET ?",
        (*OPEN, limit, offset),
    )
    total = await db.fetchone(f"SELECT COUNT(*) FROM reports WHERE status IN ({marks}) AND {VIOLATIONS}", OPEN)
    return [from_row(row) for row in rows], int(total[0])


@dataclass(frozen=True)
class Filters:
    """What /find and /export may filter on; every value is bound as a parameter."""

    region: str | None = None
    precinct: str | None = None
    category: str | None = None  # a group or an exact category
    status: str | None = None
    since: str | None = None  # a moment (UTC ISO, as stored): submitted at or after it
    before: str | None = None  # a moment: submitted before it
    words: tuple[str, ...] = ()  # each in the description or the place, whatever the case
    taken_by: int | None = None  # the moderator who has it (the dashboard's "my reports")
    priority: str | None = None  # normal or urgent
    reporter_role: str | None = None  # voter, observer or other
    accredited: bool | None = None  # reported by an accredited observer (True) or not (False)
    # Days of the incident (local dates, ISO), which occurred_at begins with: the dashboard's
    # dates may be read as the incident's rather than the day received.
    occurred_from: str | None = None
    occurred_until: str | None = None


# domain.rules.QUEUE_ORDERS as SQL; the id last, so that a page never shifts between two reads.
# occurred_at compared as text: ISO 8601 in the bot's one time zone (migration 0016's indexes).
_ORDERS = {"newest": "id DESC", "oldest": "id", "priority": "accredited DESC, occurred_at, id",
           "incident": "occurred_at DESC, id DESC"}
# Open urgent reports, which every order puts first, read through migration 0020's index of the
# urgent ones (named: with a filter such as status=new, SQLite would rather walk every new report).
URGENT_OPEN = "priority = 'urgent' AND status IN ({})".format(", ".join(f"'{status}'" for status in OPEN))
_URGENT_INDEX = "reports_urgent_open"


async def find(db: Database, filters: Filters, limit: int = 1000, offset: int = 0,
               order: str = "oldest") -> list[Report]:
    """The reports ``filters`` match in one of domain.rules.QUEUE_ORDERS, open urgent ones first:
    ``limit`` of them from the ``offset``-th. Two reads rather than one sort of every match: the
    urgent ones through their own index, then the rest as before (the order's index), so a page
    costs what it did without them."""
    where, params = await _where(db, filters)
    urgent = await db.fetchall(
        f"SELECT {COLUMNS} FROM reports INDEXED BY {_URGENT_INDEX} WHERE {URGENT_OPEN} AND {where}"
        f" ORDER BY {_ORDERS[order]} LIMIT ? OFFSET ?",
        (*params, limit, offset))
    found = [from_row(row) for row in urgent]
    if len(found) == limit:
        return found
    if offset and not found:  # the page starts past the urgent ones: how many to pass over
        row = await db.fetchone(
            f"SELECT COUNT(*) FROM reports INDEXED BY {_URGENT_INDEX} WHERE {URGENT_OPEN} AND {where}", params)
        offset -= int(row[0])
    else:
        offset = 0
    rows = await db.fetchall(
        f"SELECT {COLUMNS} FROM reports WHERE NOT ({URGENT_OPEN}) AND {where} ORDER BY {_ORDERS[order]} LIMIT ? OFFSET ?",
        (*params, limit - len(found), offset))
    return found + [from_row(row) for row in rows]


async def counts(db: Database, column: str) -> list[tuple[str, int]]:
    """Reports per value of ``status``, ``category`` or ``region``, largest first."""
    if column not in ("status", "category", "subcategory", "region"):
        raise ValueError(column)
    rows = await db.fetchall(f"SELECT {column} AS value, COUNT(*) AS n FROM reports WHERE {VIOLATIONS}"
                             f" GROUP BY {column} ORDER BY n DESC, value")
    return [(row["value"], row["n"]) for row in rows]


async def stale(db: Database, older_than_iso: str, admins: frozenset[str]) -> tuple[list[Report], list[Report]]:
    """Every report stuck now: new ones nobody took since ``older_than_iso``, and reports in
    review whose moderator is no longer staff (nor one of ``admins``' pseudonyms) or gone."""
    new = await db.fetchall(
        f"SELECT {COLUMNS} FROM reports WHERE status = 'new' AND submitted_at <= ? AND {VIOLATIONS} ORDER BY id",
        (older_than_iso,))
    marks = ", ".join("?" for _ in admins)
    admin = f" OR p.pseudonym IN ({marks})" if admins else ""
    orphaned = await db.fetchall(
        f"SELECT {COLUMNS} FROM reports WHERE status = 'in_review' AND {VIOLATIONS} AND NOT EXISTS"
        f" (SELECT 1 FROM people p WHERE p.id = reports.taken_by AND (p.role IN ('moderator', 'admin'){admin}))"
        " ORDER BY id", tuple(admins))
    return [from_row(row) for row in new], [from_row(row) for row in orphaned]


async def mark(db: Database, report_id: int, column: str, value: str) -> None:
    if column not in ("alerted_at", "deadline_reminded"):
        raise ValueError(column)
    async with db.transaction() as conn:
        await conn.execute(f"UPDATE reports SET {column} = ? WHERE id = ?", (value, report_id))


async def with_status_in(db: Database, statuses: tuple[str, ...]) -> list[Report]:
    marks = ", ".join("?" for _ in statuses)
    rows = await db.fetchall(f"SELECT {COLUMNS} FROM reports WHERE status IN ({marks}) AND {VIOLATIONS} ORDER BY id",
                             statuses)
    return [from_row(row) for row in rows]


async def moderators(db: Database) -> list[Person]:
    """Everyone with the moderator role, by name and code (people's ids are random: they keep no
    order of when anyone came)."""
    rows = await db.fetchall(f"SELECT {PERSON_COLUMNS} FROM people WHERE role = 'moderator'"
                             " ORDER BY staff_name COLLATE NOCASE, staff_code")
    return [Person(**dict(row)) for row in rows]


async def set_staff_name(db: Database, person_id: int, name: str) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE people SET staff_name = ? WHERE id = ?", (name, person_id))


async def staff_name(db: Database, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    row = await db.fetchone("SELECT staff_name FROM people WHERE id = ?", (person_id,))
    return row["staff_name"] if row else None


async def create_invite(db: Database, code_hash: str, created_by: str) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO invites (code_hash, created_by, created_at) VALUES (?, ?, ?)",
                           (code_hash, created_by, utcnow()))


async def redeem_invite(db: Database, code_hash: str, person_id: int) -> bool:
    """Mark the invite used by this person; False if unknown or already used."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE invites SET redeemed_at = ?, redeemed_by = ? WHERE code_hash = ? AND redeemed_at IS NULL",
            (utcnow(), person_id, code_hash),
        )
        if cur.rowcount != 1:
            return False
        await conn.execute("UPDATE people SET role = 'observer' WHERE id = ? AND role = 'reporter'", (person_id,))
    return True


# ---- search: how many match, text folded the same way on both sides ---------------------------

async def count_found(db: Database, filters: Filters) -> int:
    """How many reports ``filters`` match in all (the pages of /find count from it)."""
    where, params = await _where(db, filters)
    row = await db.fetchone(f"SELECT COUNT(*) FROM reports WHERE {where}", params)
    return int(row[0])


def fold_text(text: str | None) -> str | None:
    """Text as search compares it: case folded (Cyrillic and Kazakh letters too, which SQLite's
    LIKE and lower() leave alone) and ё read as е."""
    return None if text is None else text.casefold().replace("ё", "е")


async def _where(db: Database, filters: Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = [VIOLATIONS]
    params: list[Any] = []
    for column, value in (("region", filters.region), ("precinct", filters.precinct), ("status", filters.status)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if filters.category is not None:
        clauses.append("(category = ? OR subcategory = ?)")
        params += [filters.category, filters.category]
    for column, value in (("taken_by", filters.taken_by), ("reporter_role", filters.reporter_role),
                          ("priority", filters.priority),
                          ("accredited", None if filters.accredited is None else int(filters.accredited))):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    # datetime() reads both the stored form (2026-11-24T21:00:00+00:00) and SQLite's own.
    if filters.since is not None:
        clauses.append("datetime(submitted_at) >= datetime(?)")
        params.append(filters.since)
    if filters.before is not None:
        clauses.append("datetime(submitted_at) < datetime(?)")
        params.append(filters.before)
    if filters.occurred_from is not None:
        clauses.append("substr(occurred_at, 1, 10) >= ?")
        params.append(filters.occurred_from)
    if filters.occurred_until is not None:
        clauses.append("substr(occurred_at, 1, 10) <= ?")
        params.append(filters.occurred_until)
    if filters.words:
        # Each word begins a word of the description or the place (the index folds case).
        clauses.append("id IN (SELECT rowid FROM reports_search WHERE reports_search MATCH ?)")
        words = (fold_text(word).replace('"', '""') for word in filters.words)  # ё as the index has it
        params.append(" AND ".join(f'"{word}"*' for word in words))
    return " AND ".join(clauses), params


# ---- corrections: what a report is about, audited ---------------------------------------------

PRECINCT_WORDS = ("none", "unknown")  # the kinds of precinct that are not a number


def precinct_code(report: Report) -> str:
    """A report's precinct as a correction names it: the number, "none" or "unknown"."""
    return report.precinct or report.precinct_kind or "unknown"


async def correct(db: Database, report_id: int, actor: str, changes: dict[str, str]) -> tuple[Report, list[str]]:
    """Correct what a report is about: ``region``, ``category`` (an exact category; its group
    is set with it) or ``precinct`` (a number, "none" or "unknown"). One audit row per field that
    changed ("correct", "region: akmola → karaganda"), all in one transaction. Returns the report
    and the notes written (none when it was already so)."""
    unknown = set(changes) - {"region", "category", "precinct"}
    if unknown:
        raise ValueError(f"not correctable: {unknown}")
    async with db.transaction() as conn:
        before = await _read(conn, report_id)
        updates: dict[str, Any] = {}
        notes: list[str] = []
        region = changes.get("region")
        if region is not None and region != before.region:
            if region not in REGIONS:
                raise ValueError(region)
            updates["region"] = region
            notes.append(f"region: {before.region} → {region}")
        category = changes.get("category")
        if category is not None and (category, CATEGORIES.get(category)) != (before.subcategory, before.category):
            if category not in CATEGORIES:
                raise ValueError(category)
            updates.update(category=CATEGORIES[category], subcategory=category)
            notes.append(f"category: {before.subcategory or before.category} → {category}")
        precinct = changes.get("precinct")
        if precinct is not None and precinct not in PRECINCT_WORDS:
            if not (precinct.isdigit() and 0 < int(precinct) < 10**6):
                raise ValueError(precinct)
            precinct = str(int(precinct))
        if precinct is not None and precinct != precinct_code(before):
            number = precinct not in PRECINCT_WORDS
            updates.update(precinct=precinct if number else None, precinct_kind="number" if number else precinct)
            notes.append(f"precinct: {precinct_code(before)} → {precinct}")
            if number and named_precinct(before.place) not in (None, precinct):
                updates["place"] = None  # it named the old precinct: the two would contradict each other
        if updates:
            assignments = ", ".join(f"{name} = :{name}" for name in updates)
            await conn.execute(f"UPDATE reports SET {assignments} WHERE id = :id", {**updates, "id": report_id})
            for note in notes:
                await audit.append(conn, report_id, actor, "correct", None, None, note)
            if "place" in updates:  # on the record, with the words that went
                await audit.append(conn, report_id, actor, "correct", None, None, f"place: {before.place} → —")
        updated = await _read(conn, report_id)
    return updated, notes


async def take_over(db: Database, report_id: int, actor: str, person_id: int) -> Report:
    """A moderator takes a report someone else has: on the record, with whose it was."""
    async with db.transaction() as conn:
        before = await _read(conn, report_id)
        async with conn.execute("SELECT pseudonym FROM people WHERE id = ?", (before.taken_by,)) as cur:
            row = await cur.fetchone()
        was = f"moderator {row['pseudonym'][:4].upper()}" if row else "-"
        await conn.execute("UPDATE reports SET taken_by = ? WHERE id = ?", (person_id, report_id))
        await audit.append(conn, report_id, actor, "takeover", None, None, f"{was} → {actor}")
        return await _read(conn, report_id)


async def last_change(db: Database) -> int:
    """A number that grows with every change to any report (each writes an audit row: a new
    report, a status, a note, a correction), read from the primary key: costs nothing."""
    row = await db.fetchone("SELECT max(id) FROM audit_log")
    return int(row[0] or 0)


async def staff_names_by_id(db: Database, person_ids: set[int]) -> dict[int, str]:
    """Staff display names of these people, in one query (a page of the queue needs fifty)."""
    if not person_ids:
        return {}
    marks = ", ".join("?" for _ in person_ids)
    rows = await db.fetchall(f"SELECT id, staff_name FROM people WHERE id IN ({marks}) AND staff_name IS NOT NULL",
                             tuple(person_ids))
    return {row["id"]: row["staff_name"] for row in rows}


async def staff_names(db: Database) -> dict[str, str]:
    """Staff display names by the code their audit rows carry ("moderator 3FA2"): the staff
    code, and for rows written before staff codes existed, the code they carried then."""
    rows = await db.fetchall("SELECT staff_code, legacy_code, staff_name FROM people WHERE staff_name IS NOT NULL")
    names = {row["legacy_code"]: row["staff_name"] for row in rows if row["legacy_code"]}
    return {**names, **{row["staff_code"]: row["staff_name"] for row in rows if row["staff_code"]}}


# ---- a moderator removed: what they held goes back to the queue -------------------------------

class HandedBack(BaseModel):
    """What a removed moderator held: the questions closed (chat and message, to take their
    buttons off) and the open reports now nobody's."""

    questions: list[tuple[int, int]]
    reports: list[Report]


async def remove_moderator(db: Database, person_id: int, actor: str, code: str) -> HandedBack:
    """Make the moderator an ordinary user again and, in the same transaction, close their open
    questions and hand their open reports back to the queue: nobody's, in the status they were
    in (in review stays in review, so nothing the reporter was told becomes untrue). Each change
    is on the record, naming the moderator removed (``code``)."""
    async with db.transaction() as conn:
        await conn.execute("UPDATE people SET role = 'reporter', on_duty = 0, updated_at = ? WHERE id = ?",
                           (utcnow()[:10], person_id))
        await audit.append(conn, None, actor, "staff_removed", None, None, code)
        async with conn.execute("SELECT id, chat_id, message_id, report_id FROM prompts WHERE moderator_id = ?"
                                " ORDER BY id", (person_id,)) as cur:
            questions = await cur.fetchall()
        for row in questions:
            await conn.execute("DELETE FROM prompts WHERE id = ?", (row["id"],))
            await audit.append(conn, row["report_id"], actor, "question_closed", None, None, code)
        marks = ", ".join("?" for _ in OPEN)
        async with conn.execute(f"SELECT id, status FROM reports WHERE taken_by = ? AND status IN ({marks})"
                                " ORDER BY id", (person_id, *OPEN)) as cur:
            held = await cur.fetchall()
        released = []
        for row in held:
            await conn.execute("UPDATE reports SET taken_by = NULL WHERE id = ?", (row["id"],))
            await audit.append(conn, row["id"], actor, "handed_back", row["status"], row["status"], code)
            released.append(await _read(conn, row["id"]))
    return HandedBack(questions=[(row["chat_id"], row["message_id"]) for row in questions], reports=released)
async def first_actions(db: Database, report_ids: list[int]) -> dict[int, str]:
    """When a moderator first acted on each report (its first audit row by staff): how long a
    report waited, for the exports."""
    found: dict[int, str] = {}
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = await db.fetchall(f"SELECT report_id, min(created_at) AS at FROM audit_log WHERE report_id IN ({marks})"
                                 " AND actor LIKE 'moderator %' GROUP BY report_id", tuple(chunk))
        found.update({row["report_id"]: row["at"] for row in rows})
    return found


async def report_version(db: Database, report_id: int) -> str:
    """What changes whenever anything a report's page shows changes: its history (every action
    writes one), who has it, its status, its chain of filings and its files."""
    row = await db.fetchone(
        "SELECT (SELECT max(id) FROM audit_log WHERE report_id = r.id), r.status, r.taken_by,"
        " (SELECT count(*) || '.' || coalesce(max(id), 0) FROM escalations WHERE report_id = r.id),"
        " (SELECT count(*) FROM evidence WHERE report_id = r.id)"
        " FROM reports r WHERE r.id = ?", (report_id,))
    return "-".join(str(value) for value in row) if row else ""


async def observers(db: Database) -> list[Person]:
    """Everyone accredited as an observer through an invite, in the order they joined."""
    rows = await db.fetchall(f"SELECT {PERSON_COLUMNS} FROM people WHERE role = 'observer' ORDER BY id")
    return [Person(**dict(row)) for row in rows]


async def open_invites(db: Database) -> list[tuple[int, str, str]]:
    """Invites not yet used: (their number, who made them, when), oldest first; never the code."""
    rows = await db.fetchall("SELECT rowid, created_by, created_at FROM invites WHERE redeemed_at IS NULL ORDER BY rowid")
    return [(int(row[0]), row[1], row[2]) for row in rows]


async def revoke_invite(db: Database, invite_id: int) -> bool:
    """An invite not yet used stops working (its row goes: a code that finds nothing is refused);
    False when it is unknown or already used."""
    async with db.transaction() as conn:
        cur = await conn.execute("DELETE FROM invites WHERE rowid = ? AND redeemed_at IS NULL", (invite_id,))
        return cur.rowcount == 1
# ---- the map: counts by region and the reports with a location ---------------------------------

async def counts_by_region(db: Database, filters: Filters) -> dict[str, int]:
    """How many reports ``filters`` match in each region (abroad and not stated included)."""
    where, params = await _where(db, filters)
    rows = await db.fetchall(f"SELECT region, COUNT(*) AS n FROM reports WHERE {where} GROUP BY region", params)
    return {row["region"]: int(row["n"]) for row in rows}


async def located(db: Database, filters: Filters, limit: int = 5000) -> list[tuple[str, float, float, str, str]]:
    """(reference, latitude, longitude, category, priority) of the newest ``limit`` reports
    ``filters`` match that carry a location."""
    where, params = await _where(db, filters)
    rows = await db.fetchall(
        f"SELECT reference, latitude, longitude, category, priority FROM reports"
        f" WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND {where} ORDER BY id DESC LIMIT ?",
        (*params, limit))
    return [(row[0], float(row[1]), float(row[2]), row[3], row[4]) for row in rows]


async def count_located(db: Database, filters: Filters, limit: int = 5000) -> int:
    """How many of the reports ``filters`` match carry a location, up to ``limit`` (as many as
    ``located`` gives)."""
    where, params = await _where(db, filters)
    row = await db.fetchone(
        f"SELECT COUNT(*) FROM (SELECT 1 FROM reports WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
        f" AND {where} LIMIT ?)", (*params, limit))
    return int(row[0]) if row else 0


# ---- the day over time ----------------------------------------------------------------------------

# A stored moment's quarter of an hour ("2026-12-06T19:15", UTC): every time zone's offset is a
# whole number of quarters, so each quarter lies within one local hour.
_QUARTER = "substr(submitted_at, 1, 14) || printf('%02d', CAST(substr(submitted_at, 15, 2) AS INTEGER) / 15 * 15)"
_RECEIVED = f"FROM reports WHERE submitted_at >= ? AND submitted_at < ? AND {VIOLATIONS}"
_FIRST_ACTION = ("(SELECT min(a.created_at) FROM audit_log a WHERE a.report_id = reports.id"
                 " AND a.actor LIKE 'moderator %')")


@dataclass
class DayCounts:
    """The reports received in a span, counted in SQL (a page of 8,000 rows in Python, and the
    garbage collector's passes over them, were most of /day's time)."""

    by_category: list[tuple[str, str, int]]  # (category as stored, quarter of an hour, count)
    by_region: list[tuple[str, str, int]]  # (region, quarter of an hour, count)
    by_status: dict[str, int]
    median_wait: float | None  # seconds from receipt to the first action by staff, of those acted on
    urgent: list[tuple[int, str, str | None]]  # (id, submitted_at, first action or None) of the urgent ones


async def received_between(db: Database, start: str, end: str) -> DayCounts:
    """The reports received in [start, end) (moments as stored), each count from migration 0030's
    covering index; the median wait through the audit log's index by report."""
    span = (start, end)
    by_category = await db.fetchall(f"SELECT category, {_QUARTER}, COUNT(*) {_RECEIVED} GROUP BY 1, 2", span)
    by_region = await db.fetchall(f"SELECT region, {_QUARTER}, COUNT(*) {_RECEIVED} GROUP BY 1, 2", span)
    by_status = await db.fetchall(f"SELECT status, COUNT(*) {_RECEIVED} GROUP BY 1", span)
    median = await db.fetchone(
        f"WITH waits AS MATERIALIZED (SELECT strftime('%s', {_FIRST_ACTION}) - strftime('%s', submitted_at) AS w"
        f" {_RECEIVED}), acted AS MATERIALIZED (SELECT w FROM waits WHERE w IS NOT NULL)"
        " SELECT avg(w) FROM (SELECT w FROM acted ORDER BY w LIMIT 2 - (SELECT COUNT(*) FROM acted) % 2"
        " OFFSET ((SELECT COUNT(*) FROM acted) - 1) / 2)", span)
    urgent = await db.fetchall(f"SELECT id, submitted_at, {_FIRST_ACTION} {_RECEIVED} AND priority = 'urgent'"
                               " ORDER BY submitted_at, id", span)
    return DayCounts([tuple(row) for row in by_category], [tuple(row) for row in by_region],
                     {row[0]: int(row[1]) for row in by_status}, median[0] if median else None,
                     [(int(row[0]), row[1], row[2]) for row in urgent])


_FACT_COLUMNS = ", ".join(f"r.{name}" for name in DeadlineFacts._fields)


async def deadline_facts(db: Database, statuses: tuple[str, ...]) -> Iterator[tuple[DeadlineFacts, list[EscalationStep]]]:
    """Every report in ``statuses`` with its chain of filings, as much as its deadlines need: two
    queries whatever the number of reports (the day over time's running deadlines), the first
    from migration 0030's covering index alone. Each report is made as the caller takes it: a
    page's worth of thousands of objects alive at once made the garbage collector's passes most
    of /day's time."""
    marks = ", ".join("?" for _ in statuses)
    rows = await db.fetchall(f"SELECT {_FACT_COLUMNS} FROM reports r WHERE r.status IN ({marks}) AND r.{VIOLATIONS}"
                             " ORDER BY r.id", statuses)
    steps = await db.fetchall(
        f"SELECT e.report_id, {', '.join('e.' + name.strip() for name in _STEP_COLUMNS.split(','))} FROM escalations e"
        f" JOIN reports r ON r.id = e.report_id WHERE r.status IN ({marks}) AND r.{VIOLATIONS}"
        " ORDER BY e.report_id, e.id", statuses)
    return _with_chains(rows, steps)


def _with_chains(rows: list, steps: list) -> Iterator[tuple[DeadlineFacts, list[EscalationStep]]]:
    """Reports and their steps, both in the order of the reports' ids, walked side by side."""
    at = 0
    for row in rows:
        while at < len(steps) and steps[at][0] < row[0]:  # a report whose status changed between the two reads
            at += 1
        chain = []
        while at < len(steps) and steps[at][0] == row[0]:
            values = dict(steps[at])
            del values["report_id"]
            chain.append(EscalationStep(**values))
            at += 1
        yield DeadlineFacts(*row), chain
