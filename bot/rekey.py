"""``python -m bot.rekey``: after rotating SECRET_KEY, re-encrypt everything under the new key.

Run it with the new SECRET_KEY and the old one in SECRET_KEY_PREVIOUS, with the bot stopped.
Files and sealed chat references move to the new key, and files of the older KZEV1 format to
KZEV2; the records' tags (storage.integrity) are made again under it, after a check under the keys
they were made with: what that check finds is printed and kept in the rotation's audit entry
(exit status 1), since the new tags would otherwise hide it. Pseudonyms are one-way, so a
person is carried over only when they next write to the bot: keep SECRET_KEY_PREVIOUS set until
then if returning reporters must still see their earlier reports.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.settings import load_or_report
from storage.crypto import HEADER_SIZE, Keys
from storage import audit, integrity, people, startup
from storage.evidence import STORED_FOLDERS
from storage.db import Database


def reencrypt_files(data_dir: Path, keys: Keys) -> int:
    """Re-encrypt every stored file not yet KZEV2 under the current key; returns how many."""
    count = 0
    for folder in STORED_FOLDERS:
        for path in sorted((data_dir / folder).rglob("*.enc")):
            if _reencrypt(path, keys):
                count += 1
    return count


def _reencrypt(path: Path, keys: Keys) -> bool:
    """Stream one file through decryption and encryption (a 2 GB video is never held whole)."""
    temporary = path.with_suffix(".part")
    try:
        with open(path, "rb") as source:
            if keys.file_is_current(source.read(HEADER_SIZE)):
                return False
            source.seek(0)
            with open(temporary, "wb") as target:
                writer = keys.file_writer(target)
                for chunk in keys.iter_decrypt(source):
                    writer.write(chunk)
                writer.close()  # only after every chunk opened: a bad file is never sealed anew
                target.flush()
                os.fsync(target.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True


async def run() -> int:
    """Re-encrypt files and re-seal references under the current key; returns the exit status."""
    startup.keep_private()  # each file is rewritten through a new .part
    settings = load_or_report()
    if settings is None:
        return 2
    if settings.secret_key_previous is None:
        print("configuration error: SECRET_KEY_PREVIOUS is required for a rotation", file=sys.stderr)
        return 2
    keys = settings.keys()
    files = await asyncio.to_thread(reencrypt_files, settings.data_dir, keys)
    db = await Database.open(settings.database_path)
    try:
        sealed = await people.reseal_chat_refs(db, keys.unseal, keys.seal)
        verdict, tagged = await retag_records(db, keys)
        await startup.set_key_fingerprint(db, keys)
    finally:
        await db.close()
    print(f"re-encrypted {files} files and re-sealed {sealed} references")
    print(f"re-tagged {tagged[0]} reports, {tagged[1]} files and {tagged[2]} audit entries; head {verdict.head or '-'}")
    if not verdict.intact:
        print(f"records found changed outside the bot before the rotation (kept in the audit log): "
              f"{integrity.one_line(verdict.findings)}", file=sys.stderr)
        return 1
    return 0


async def retag_records(db: Database, keys: Keys) -> tuple[integrity.Verdict, tuple[int, int, int]]:
    """Check the records under every known key, then tag them all under the current one, with
    what the check found on the record. Returns the check's verdict (its head the new one) and
    how many reports, files and entries were re-tagged."""
    record_keys = keys.record_keys()
    integrity.bind(db, record_keys)
    if await integrity.needs_sealing(db):  # never started since the upgrade: nothing to check yet
        tagged = await audit.reseal(db, record_keys[0], integrity.SEALED, "first tags, at a rotation")
        return await integrity.verify(db, record_keys), tagged
    before = await integrity.verify(db, record_keys)
    note = "intact" if before.intact else f"found changed: {integrity.one_line(before.findings)}"
    tagged = await audit.reseal(db, record_keys[0], integrity.REKEYED, note)
    after = await integrity.verify(db, record_keys[:1])
    return integrity.Verdict(before.findings, after.reports, after.files, after.entries, after.head), tagged


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
