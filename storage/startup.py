"""Checks of the data directory and the database before the bot starts, and the marks that make
them possible. Each problem stops the bot with one line that says what is wrong and where.

- A file ``database-id`` beside the database holds the database's own random id: a database
  that was deleted, emptied or swapped while the marker stayed is noticed.
- The database holds the fingerprint of the key it was made with: a wrong SECRET_KEY is noticed
  before any person is recreated under a new pseudonym.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from pathlib import Path

from storage.crypto import Keys
from storage.db import Database

MARKER = "database-id"
MIN_FREE_BYTES = 200 * 1024 * 1024  # below this a day of evidence may not fit: stop and say so


class StartupProblem(Exception):
    """What stops the bot at start, told in one line."""


def check(data_dir: Path, database: Path, keys: Keys, *, min_free: int = MIN_FREE_BYTES) -> None:
    """Raise StartupProblem if the bot must not start on this data directory and database."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise StartupProblem(f"DATA_DIR {data_dir} is not writable ({exc.strerror or type(exc).__name__})") from None
    free = shutil.disk_usage(data_dir).free
    if free < min_free:
        raise StartupProblem(f"DATA_DIR {data_dir} has {free // 2**20} MB free, less than the "
                             f"{min_free // 2**20} MB the bot needs to take reports safely")
    marker = data_dir / MARKER
    if not database.exists():
        if marker.exists():
            raise StartupProblem(f"the database {database} is missing, but {marker} says one was made "
                                 "here: restore it from a backup (or remove the marker to start empty)")
        return
    if database.stat().st_size == 0:
        raise StartupProblem(f"the database {database} is empty (0 bytes): restore it from a backup")
    facts = _read(database)
    expected = marker.read_text(encoding="ascii").strip() if marker.exists() else None
    if expected and facts.get("database_id") not in (None, expected):
        raise StartupProblem(f"the database {database} is not the one made in {data_dir} "
                             f"({marker} names another): put the right one back")
    stored = facts.get("key_fingerprint")
    if stored is not None and stored not in (keys.fingerprint(), *keys.previous_fingerprints()):
        raise StartupProblem("SECRET_KEY is not the key this database was made with "
                             "(see README: Keys; to rotate it, set SECRET_KEY_PREVIOUS)")
    if stored is None and facts.get("sealed") and keys.unseal(facts["sealed"]) is None:
        raise StartupProblem("SECRET_KEY does not open what this database sealed: it is not the key "
                             "the database was made with")


def _read(database: Path) -> dict:
    """The database's id, key fingerprint and one sealed value, after SQLite's quick check."""
    try:
        conn = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=5)
    except sqlite3.Error as exc:
        raise StartupProblem(f"the database {database} cannot be opened ({exc})") from None
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()
        if result is None or result[0] != "ok":
            raise StartupProblem(f"the database {database} is damaged (quick_check: {result and result[0]}): "
                                 "restore it from a backup")
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        facts: dict = {}
        if "meta" in tables:
            facts.update(conn.execute("SELECT name, value FROM meta").fetchall())
        if "people" in tables:
            row = conn.execute("SELECT chat_ref FROM people WHERE chat_ref IS NOT NULL LIMIT 1").fetchone()
            facts["sealed"] = row[0] if row else None
        return facts
    except sqlite3.DatabaseError as exc:
        raise StartupProblem(f"the database {database} is damaged ({exc}): restore it from a backup") from None
    finally:
        conn.close()


async def mark(db: Database, data_dir: Path, keys: Keys) -> None:
    """After the database is open and migrated: give it an id, write the marker beside it, and
    keep the current key's fingerprint."""
    row = await db.fetchone("SELECT value FROM meta WHERE name = 'database_id'")
    database_id = row["value"] if row else secrets.token_hex(16)
    await db.write("INSERT INTO meta (name, value) VALUES ('database_id', ?) ON CONFLICT (name) DO NOTHING",
                   (database_id,))
    # Kept as first written: during a rotation it names the old key until bot.rekey moves everything.
    await db.write("INSERT INTO meta (name, value) VALUES ('key_fingerprint', ?) ON CONFLICT (name) DO NOTHING",
                   (keys.fingerprint(),))
    marker = data_dir / MARKER
    if not marker.exists():
        temporary = marker.with_suffix(".part")
        with open(temporary, "w", encoding="ascii") as fh:
            fh.write(database_id + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, marker)


async def set_key_fingerprint(db: Database, keys: Keys) -> None:
    """After a rotation moved everything to the current key: the database is now of that key."""
    await db.write("INSERT INTO meta (name, value) VALUES ('key_fingerprint', ?)"
                   " ON CONFLICT (name) DO UPDATE SET value = excluded.value", (keys.fingerprint(),))
