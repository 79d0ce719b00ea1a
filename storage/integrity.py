"""Tamper-evident records: keyed tags on reports, their files and the audit log, chained through
the audit log, so that a row edited or deleted outside the bot is found and named.

- A report's **tag** is an HMAC of the fields a moderator or lawyer relies on (REPORT_FIELDS); a
  file's tag, of its own (EVIDENCE_FIELDS): an edited row no longer matches its tag.
- Each **audit entry** carries the report's **state** after the change it records (how many files
  it has, and an HMAC of its tag and its files' ids and tags) and a tag over its own fields, that
  state and the tag of the entry before it: a chain in the log's order, which is the order of the
  ids already stored. A deleted entry breaks the chain; a report whose rows no longer match the
  state of its latest entry lost or gained a file, or was put back to an earlier version; a report
  named in the log but absent was deleted.
- The **head** (``meta.records_head``: the last entry's id and an HMAC of its tag) finds the last
  entries deleted; kept off the machine (the start's log line, ``bot.verify``), it also finds a
  chain forged again by someone who holds the key.

Every legitimate change writes an audit entry in its transaction (``storage.audit.append``), which
re-tags the report and its files first: a new UPDATE of a covered field must go with one. The key
(``Keys.record_keys``) is bound to the database's connection by ``bind``; tags made under an older
secret are accepted until ``bot.rekey`` re-tags everything (``reseal``). Tags cover no person: not
``reporter_id`` or a file's owner, so a tag links no one to an anonymous report.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import sqlite3
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import aiosqlite

from storage import whole
from storage.db import Database

REPORT_FIELDS = (
    "id", "reference", "reporter_role", "accredited", "category", "subcategory", "region", "precinct",
    "precinct_kind", "place", "latitude", "longitude", "occurred_at", "description", "contact_allowed", "priority",
    "status", "submitted_at", "taken_by", "status_note", "duplicate_of", "escalated_to", "external_ref",
    "external_date", "escalated_at", "status_changed_at", "receipt_hash", "public_note",
)
# What a tag leaves out, and why: each is written without an audit entry, or is no fact about the
# incident. (tests/test_integrity.py fails on a Report field in neither list.)
REPORT_NOT_COVERED = {
    "reporter_id": "the link to a reporter who allowed contact, cut by /deletemydata (ON DELETE SET NULL)",
    "submission_key": "a draft's key against a second tap on Send",
    "moderator_message_id": "where the card is in the moderators' chat",
    "alerted_at": "when the stale-report alert named it",
    "deadline_reminded": "which deadline reminder was sent",
    "kind": "set once when the report is stored and never changed; tags made before counts existed leave it out",
}
EVIDENCE_FIELDS = (
    "id", "report_id", "kind", "file_unique_id", "mime_type", "size", "sha256", "received_at", "stored_path",
    "too_big", "media_group_id", "captured_at", "camera_model", "had_gps", "had_author", "caption",
    "had_serial", "metadata",
)
EVIDENCE_NOT_COVERED = {
    "file_id": "Telegram's handle for sending the file again",
    "sender_named": "whether Telegram holds a name for it (how it may be re-sent)",
    "thumbnail_path": "a preview, made again from the file",
    "preview_path": "a preview, made again from the file",
    "pending": "whether the download is still owed (its completion is on the record, evidence_arrived)",
}
AUDIT_FIELDS = ("id", "report_id", "actor", "action", "from_status", "to_status", "note", "created_at", "state")
HEAD = "records_head"  # meta: "<last entry's id>:<HMAC of its tag>"
SEALED, REKEYED = "records_sealed", "records_rekeyed"  # the audit entries of a sealing and of a rotation
ACTOR = "bot"

_REPORT_SQL = ", ".join(REPORT_FIELDS)
_EVIDENCE_SQL = ", ".join(EVIDENCE_FIELDS)
_AUDIT_SQL = ", ".join(AUDIT_FIELDS)
_bound: weakref.WeakKeyDictionary[aiosqlite.Connection, list[bytes]] = weakref.WeakKeyDictionary()


def bind(db: Database, keys: list[bytes]) -> None:
    """Tag what this database writes from now on with ``keys[0]``, and accept ``keys`` in checks."""
    _bound[db.conn] = list(keys)


def keys_of(conn: aiosqlite.Connection) -> list[bytes] | None:
    """The keys bound to this connection; None for a database opened without them (a test's
    or a benchmark's), whose entries are written untagged."""
    return _bound.get(whole.owner_of(conn))


# ---- tags -------------------------------------------------------------------------------------

# A BLOB where text belongs (written from outside: the bot never does) is tagged as its hex.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                           default=lambda value: {"blob": bytes(value).hex()}).encode


def _mac(key: bytes, purpose: str, values: Sequence[Any]) -> str:
    # JSON of the values as SQLite returns them, so a row is read the same way when it is tagged
    # and when it is checked; the purpose keeps a report's tag from passing for an entry's.
    return hmac.digest(key, _encode([purpose, *values]).encode("utf-8"), "sha256").hex()


def _matches(keys: Iterable[bytes], tag: Any, purpose: str, values: Sequence[Any]) -> bool:
    return isinstance(tag, str) and tag.isascii() and \
        any(hmac.compare_digest(_mac(key, purpose, values), tag) for key in keys)


def _report_values(row) -> list[Any]:
    return [row[name] for name in REPORT_FIELDS]


def _evidence_values(row) -> list[Any]:
    return [row[name] for name in EVIDENCE_FIELDS]


def _state_values(report_tag: str, files: list[tuple[int, str]]) -> list[Any]:
    return [report_tag, [[file_id, tag] for file_id, tag in files]]


def _state(key: bytes, report_tag: str, files: list[tuple[int, str]]) -> str:
    return f"{len(files)}:{_mac(key, 'state', _state_values(report_tag, files))}"


def _entry_values(previous_tag: str | None, entry) -> list[Any]:
    return [previous_tag or "", *(entry[name] for name in AUDIT_FIELDS)]


def _head(key: bytes, entry_id: int, tag: str) -> str:
    return f"{entry_id}:{_mac(key, 'head', [entry_id, tag])}"


# ---- writing: every audit entry ---------------------------------------------------------------

async def retag_report(conn: aiosqlite.Connection, key: bytes, report_id: int) -> str | None:
    """Tag the report and its files as they stand in the caller's transaction; returns the
    report's state for its audit entry (None when there is no such report)."""
    rows = await conn.execute_fetchall(f"SELECT {_REPORT_SQL}, tag FROM reports WHERE id = ?", (report_id,))
    if not rows:
        return None
    tag = _mac(key, "report", _report_values(rows[0]))
    if tag != rows[0]["tag"]:
        await conn.execute("UPDATE reports SET tag = ? WHERE id = ?", (tag, report_id))
    files, changed = [], []
    for row in await conn.execute_fetchall(
            f"SELECT {_EVIDENCE_SQL}, tag FROM evidence WHERE report_id = ? ORDER BY id", (report_id,)):
        file_tag = _mac(key, "evidence", _evidence_values(row))
        files.append((row["id"], file_tag))
        if file_tag != row["tag"]:
            changed.append((file_tag, row["id"]))
    if changed:
        await conn.executemany("UPDATE evidence SET tag = ? WHERE id = ?", changed)
    return _state(key, tag, files)


async def chain(conn: aiosqlite.Connection, entry: dict[str, Any]) -> dict[str, Any]:
    """``entry`` (an audit row's fields but id, state and tag) made ready to insert in the
    caller's transaction: its report re-tagged, its id, state and tag set, and the head moved to
    it. Untagged (id left to SQLite) when no key is bound."""
    keys = keys_of(conn)
    if keys is None:
        return {**entry, "id": None, "state": None, "tag": None}
    key = keys[0]
    state = await retag_report(conn, key, entry["report_id"]) if entry["report_id"] is not None else None
    rows = await conn.execute_fetchall("SELECT id, tag FROM audit_log ORDER BY id DESC LIMIT 1")
    last_id, last_tag = (rows[0]["id"], rows[0]["tag"]) if rows else (0, None)
    ready = {**entry, "id": last_id + 1, "state": state}
    ready["tag"] = _mac(key, "audit", _entry_values(last_tag, ready))
    await _set_head(conn, _head(key, ready["id"], ready["tag"]))
    return ready


async def _set_head(conn: aiosqlite.Connection, value: str) -> None:
    await conn.execute("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                       (HEAD, value))


# ---- checking ---------------------------------------------------------------------------------

# What was found, as ``Finding.what``; handlers/integrity.py words each for the staff.
EDITED, DELETED, NOT_ON_RECORD = "edited", "deleted", "not_on_record"  # a report's own row
FILE_EDITED, FILES_REMOVED, FILES_ADDED, REVERTED = "file_edited", "files_removed", "files_added", "reverted"
ENTRY_EDITED, ENTRIES_DELETED, HEAD_CHANGED = "entry_edited", "entries_deleted", "head_changed"  # the log


@dataclass(frozen=True)
class Finding:
    """One row (or run of rows) changed outside the bot: the report it belongs to ("KZ-000123"),
    or None for audit entries whose report cannot be told; what happened; and which file (its
    number in the report) or audit entries (ids "77" or "77-80")."""

    reference: str | None
    what: str
    detail: str = ""

    def __str__(self) -> str:
        where = self.reference or "audit log"
        return f"{where} {self.what}{' ' + self.detail if self.detail else ''}"


@dataclass(frozen=True)
class Verdict:
    findings: list[Finding]
    reports: int
    files: int
    entries: int
    head: str | None  # as stored: worth keeping off the machine

    @property
    def intact(self) -> bool:
        return not self.findings


def _reference(report_id: Any) -> str:
    # storage.reports.reference_for, which imports this module through storage.audit; a
    # report_id that is no number (written from outside) is shown as it is.
    return f"KZ-{report_id:06d}" if isinstance(report_id, int) else repr(report_id)


_SNAPSHOT = (
    f"SELECT {_AUDIT_SQL}, tag FROM audit_log ORDER BY id",
    f"SELECT {_REPORT_SQL}, tag FROM reports ORDER BY id",
    f"SELECT {_EVIDENCE_SQL}, tag FROM evidence WHERE report_id IS NOT NULL ORDER BY id",
    f"SELECT value FROM meta WHERE name = '{HEAD}'",
)


async def _snapshot(db: Database) -> tuple[list, list, list, str | None]:
    """Every tagged row and the head, read in one transaction so that no change lands between."""
    async with db.transaction() as conn:
        entries, reports, files, head = [list(await conn.execute_fetchall(sql)) for sql in _SNAPSHOT]
    return entries, reports, files, head[0]["value"] if head else None


def verify_file(path: Path, keys: list[bytes]) -> Verdict:
    """``verify`` of a database file no bot has open, with the sqlite3 module (the tests' check
    after every run); a database from before the tags is taken as intact."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        if "tag" not in {row["name"] for row in conn.execute("PRAGMA table_info(audit_log)")}:
            return Verdict([], 0, 0, 0, None)
        entries, reports, files, head = [conn.execute(sql).fetchall() for sql in _SNAPSHOT]
    finally:
        conn.close()
    return check(entries, reports, files, head[0]["value"] if head else None, keys)


async def verify(db: Database, keys: list[bytes]) -> Verdict:
    """Check every report, file and audit entry against its tag, the chain and the head."""
    entries, reports, files, head = await _snapshot(db)
    # A few microseconds a row, off the event loop: a large database takes a second or two.
    return await asyncio.to_thread(check, entries, reports, files, head, keys)


def check(entries: list, reports: list, files: list, head: str | None, keys: list[bytes]) -> Verdict:
    """``verify`` on rows already read (dicts or rows with the *_FIELDS and ``tag``)."""
    findings: list[Finding] = []
    report_of = {entry["id"]: entry["report_id"] for entry in entries}
    latest: dict[int, str] = {}
    previous_id, previous_tag = 0, None
    for entry in entries:
        if entry["id"] != previous_id + 1:
            # Ids are dense (the log is append-only, and a rolled-back insert leaves no gap).
            findings.append(Finding(None, ENTRIES_DELETED, _span(previous_id + 1, entry["id"] - 1)))
        elif not _matches(keys, entry["tag"], "audit", _entry_values(previous_tag, entry)):
            rid = entry["report_id"]
            findings.append(Finding(_reference(rid) if rid else None, ENTRY_EDITED, str(entry["id"])))
        if entry["report_id"] is not None and entry["state"] is not None:
            latest[entry["report_id"]] = entry["state"]
        previous_id, previous_tag = entry["id"], entry["tag"]
    findings += _check_head(head, previous_id, previous_tag, keys)
    by_report: dict[int, list] = {}
    for row in files:
        by_report.setdefault(row["report_id"], []).append(row)
    present = set()
    for row in reports:
        present.add(row["id"])
        reference = row["reference"]
        broken = False
        if not _matches(keys, row["tag"], "report", _report_values(row)):
            findings.append(Finding(reference, EDITED))
            broken = True
        own = by_report.get(row["id"], [])
        for number, file in enumerate(own, start=1):
            if not _matches(keys, file["tag"], "evidence", _evidence_values(file)):
                findings.append(Finding(reference, FILE_EDITED, str(number)))
                broken = True
        state = latest.get(row["id"])
        if state is None:
            findings.append(Finding(reference, NOT_ON_RECORD))
        elif not broken:
            count, _, mac = str(state).partition(":")
            if not _matches(keys, mac, "state", _state_values(row["tag"], [(f["id"], f["tag"]) for f in own])):
                recorded = int(count) if count.isdigit() else len(own)
                what = FILES_REMOVED if len(own) < recorded else FILES_ADDED if len(own) > recorded else REVERTED
                findings.append(Finding(reference, what))
    named = {rid for rid in report_of.values() if rid is not None} | set(by_report)
    findings += [Finding(_reference(rid), DELETED) for rid in sorted(named - present, key=str)]
    return Verdict(findings, len(reports), len(files), len(entries), head)


def _check_head(head: Any, last_id: int, last_tag: str | None, keys: list[bytes]) -> list[Finding]:
    if head is None:
        return [Finding(None, HEAD_CHANGED, "missing")] if last_id else []
    head_id, _, mac = str(head).partition(":")
    if not head_id.isdigit():
        return [Finding(None, HEAD_CHANGED)]
    if int(head_id) > last_id:
        return [Finding(None, ENTRIES_DELETED, _span(last_id + 1, int(head_id)))]
    if int(head_id) < last_id or not _matches(keys, mac, "head", [last_id, last_tag]):
        return [Finding(None, HEAD_CHANGED, head_id)]
    return []


async def head_holds(db: Database, keys: list[bytes], head: str) -> bool:
    """Whether a head kept earlier (``ID:TAG``) still names an entry of this chain as it was."""
    head_id, _, mac = head.strip().partition(":")
    if not head_id.isdigit():
        return False
    row = await db.fetchone("SELECT tag FROM audit_log WHERE id = ?", (int(head_id),))
    return row is not None and _matches(keys, mac, "head", [int(head_id), row["tag"]])


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def one_line(findings: list[Finding], limit: int = 200) -> str:
    """The findings, grouped by report, in one line for the log: the first ``limit`` reports (a
    database stripped of every tag would otherwise make a line of megabytes)."""
    grouped: dict[str, list[str]] = {}
    for finding in findings:
        grouped.setdefault(finding.reference or "audit log", []).append(
            finding.what + (f" {finding.detail}" if finding.detail else ""))
    line = "; ".join(f"{where}: {', '.join(whats)}" for where, whats in list(grouped.items())[:limit])
    return line + (f"; and {len(grouped) - limit} more" if len(grouped) > limit else "")


TOLD = "records_told"  # meta: a digest of the findings last told to the staff


async def told(db: Database) -> str | None:
    row = await db.fetchone("SELECT value FROM meta WHERE name = ?", (TOLD,))
    return row["value"] if row else None


async def mark_told(db: Database, digest: str) -> None:
    await db.write("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                   (TOLD, digest))


# ---- sealing (first start after the upgrade) and re-tagging (bot.rekey) ----------------------

async def needs_sealing(db: Database) -> bool:
    """True for a database whose rows were never tagged (made before tags, or seeded by a
    benchmark): no head, no tag anywhere, no sealing on the record. Anything else is checked."""
    row = await db.fetchone(
        "SELECT (SELECT value FROM meta WHERE name = ?) IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM audit_log WHERE tag IS NOT NULL OR action IN (?, ?))"
        " AND NOT EXISTS (SELECT 1 FROM reports WHERE tag IS NOT NULL)"
        " AND NOT EXISTS (SELECT 1 FROM evidence WHERE tag IS NOT NULL)"
        " AND (EXISTS (SELECT 1 FROM audit_log) OR EXISTS (SELECT 1 FROM reports))",
        (HEAD, SEALED, REKEYED))
    return bool(row[0])


async def retag(conn: aiosqlite.Connection, key: bytes) -> tuple[tuple[int, int, int], list[int]]:
    """Tag every report, file and audit entry under ``key``, as they stand, in the caller's
    transaction (storage.audit.reseal, which then puts it on the record). The latest entry of
    each report takes the report's state; earlier entries keep theirs (under an older key, or
    none): only the latest is compared. Returns how many reports, files and entries (before),
    and the reports that have no entry at all (a seeded one), which the record must name."""
    reports = await conn.execute_fetchall(f"SELECT {_REPORT_SQL} FROM reports ORDER BY id")
    files = await conn.execute_fetchall(
        f"SELECT {_EVIDENCE_SQL} FROM evidence WHERE report_id IS NOT NULL ORDER BY id")
    report_tags = [(_mac(key, "report", _report_values(row)), row["id"]) for row in reports]
    file_tags = [(_mac(key, "evidence", _evidence_values(row)), row["id"], row["report_id"]) for row in files]
    await conn.executemany("UPDATE reports SET tag = ? WHERE id = ?", report_tags)
    await conn.executemany("UPDATE evidence SET tag = ? WHERE id = ?", [(tag, fid) for tag, fid, _ in file_tags])
    own: dict[int, list[tuple[int, str]]] = {}
    for tag, file_id, report_id in file_tags:
        own.setdefault(report_id, []).append((file_id, tag))
    states = {rid: _state(key, tag, own.get(rid, [])) for tag, rid in report_tags}
    entries = [dict(row) for row in await conn.execute_fetchall(f"SELECT {_AUDIT_SQL} FROM audit_log ORDER BY id")]
    last_of = {entry["report_id"]: index for index, entry in enumerate(entries) if entry["report_id"] is not None}
    for report_id, index in last_of.items():
        if report_id in states:
            entries[index]["state"] = states[report_id]
    previous, updates = None, []
    for entry in entries:
        tag = _mac(key, "audit", _entry_values(previous, entry))
        updates.append((entry["state"], tag, entry["id"]))
        previous = tag
    await conn.executemany("UPDATE audit_log SET state = ?, tag = ? WHERE id = ?", updates)
    if entries:
        await _set_head(conn, _head(key, entries[-1]["id"], previous))
    if (keys_of(conn) or [None])[0] != key:
        raise ValueError("bind the key before re-tagging with it")  # the entries that follow use the bound key
    return (len(reports), len(files), len(entries)), sorted(set(states) - set(last_of))

