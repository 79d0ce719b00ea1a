"""``python -m bot.rekey``: after rotating SECRET_KEY, re-encrypt everything under the new key.

Run it with the new SECRET_KEY and the old one in SECRET_KEY_PREVIOUS, with the bot stopped.
Files and sealed chat references move to the new key, and files of the older KZEV1 format to
KZEV2. Pseudonyms are one-way, so a person is carried over only when they next write to the
bot: keep SECRET_KEY_PREVIOUS set until then if returning reporters must still see their
earlier reports.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.settings import load_or_report
from storage.crypto import HEADER_SIZE, Keys
from storage import people, startup
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
        await startup.set_key_fingerprint(db, keys)
    finally:
        await db.close()
    print(f"re-encrypted {files} files and re-sealed {sealed} references")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
