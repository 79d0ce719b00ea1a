"""Checks of the data directory and the database before the bot starts, and the marks that make
them possible. Each problem stops the bot with one line that says what is wrong and where.

- A file ``database-id`` beside the database holds the database's own random id: a database
  that was deleted, emptied or swapped while the marker stayed is noticed.
- The database holds the fingerprint of the key it was made with: a wrong SECRET_KEY is noticed
  before any person is recreated under a new pseudonym.
- Everything the bot keeps is its user's alone: files 0600, folders 0700 (``keep_private`` for
  what it makes from now on, ``make_private`` for what versions before it left 0644 and 0755).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import sqlite3
import stat
from pathlib import Path

from storage.crypto import Keys
from storage.db import Database

MARKER = "database-id"
MIN_FREE_BYTES = 200 * 1024 * 1024  # below this a day of evidence may not fit: stop and say so
# Group and others get nothing: files are made 0600 and folders 0700, whatever makes them
# (open, tempfile, tarfile, SQLite's -wal and -shm), with no mode to remember at each call.
PRIVATE_UMASK = 0o077
# What the bot makes in BACKUP_DIR, when that is not inside DATA_DIR; the rest of that folder is
# the operator's and keeps its modes.
_BACKUP_ENTRIES = ("backup-*", "bot-*.sqlite3")

log = logging.getLogger(__name__)


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


def keep_private() -> None:
    """From now on, what this process creates is its user's alone (files 0600, folders 0700).
    Called first thing by every entry point: ``python -m bot``, building the Application, and
    the backup, restore and rekey commands."""
    os.umask(PRIVATE_UMASK)


def make_private(data_dir: Path, backup_dir: Path | None = None) -> int:
    """Take group's and others' access away from everything under ``data_dir`` (and from the
    folder ``backup_dir`` and the archives in it), as versions before this one left them 0644
    and 0755. Logs how many were changed and how many could not be, never a name; returns the
    number changed."""
    changed = refused = 0
    targets = [data_dir, *_walk(data_dir)]
    if backup_dir is not None and not _inside(backup_dir, data_dir) and backup_dir.is_dir():
        targets += [backup_dir, *(path for pattern in _BACKUP_ENTRIES for path in backup_dir.glob(pattern))]
    for path in targets:
        try:
            mode = path.lstat().st_mode
            # Symbolic links are left alone: chmod would follow one out of DATA_DIR.
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)) or not mode & 0o077:
                continue
            os.chmod(path, stat.S_IMODE(mode) & 0o700)
            changed += 1
        except FileNotFoundError:
            continue  # removed meanwhile (a scratch folder of a backup under way)
        except OSError:
            refused += 1  # another user's file (made by root in the container, say)
    if changed:
        log.info("made %d files and folders readable by the bot's user only (DATA_DIR, BACKUP_DIR)", changed)
    if refused:
        log.warning("%d files or folders in DATA_DIR or BACKUP_DIR could not be made private (not the bot's "
                    "user's?): give them to the user the bot runs as", refused)
    return changed


def _walk(top: Path) -> list[Path]:
    """Every folder and file under ``top``, without following symbolic links."""
    found: list[Path] = []
    for folder, subfolders, files in os.walk(top, followlinks=False):
        found += [Path(folder, name) for name in (*subfolders, *files)]
    return found


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
