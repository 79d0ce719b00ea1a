"""Backups that restore: one archive holding a consistent copy of the database (encrypted with
the evidence key) and every evidence file as stored (already encrypted), with a manifest of
SHA-256 hashes; and putting one back, checking every evidence file against the hash taken when
the bot received it.

The archive is a plain tar, so it can be inspected and copied with ordinary tools; nothing in it
is readable without SECRET_KEY.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from domain import clock
from storage.crypto import FileUnreadable, Keys
from storage.evidence import STORED_FOLDERS

FORMAT = "kz-election-bot backup 1"
DATABASE_MEMBER = "database.sqlite3.enc"
MANIFEST_MEMBER = "manifest.json"
MARKER = "database-id"
_CHUNK = 1024 * 1024


class BackupProblem(Exception):
    """A backup cannot be made or put back; told in one line."""


@dataclass(frozen=True)
class Restored:
    reports: int
    files_checked: int
    files_differing: list[str]  # evidence whose bytes no longer hash as received
    files_missing: list[str]


def make_backup(data_dir: Path, database: Path, folder: Path, keys: Keys, keep: int) -> Path:
    """Write an archive of the database and the evidence into ``folder`` (under a time-stamped
    name, complete or not at all) and keep the newest ``keep``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"backup-{clock.now().strftime('%Y%m%d-%H%M%S')}.tar"
    partial = target.with_suffix(".tar.part")
    manifest: dict = {"format": FORMAT, "made_at": clock.utcnow(), "key_fingerprint": keys.fingerprint(),
                      "files": {}}
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        snapshot = Path(scratch) / "snapshot.sqlite3"
        _snapshot(database, snapshot)
        sealed = Path(scratch) / DATABASE_MEMBER
        with open(snapshot, "rb") as source, open(sealed, "wb") as target_fh:
            writer = keys.file_writer(target_fh)
            while chunk := source.read(_CHUNK):
                writer.write(chunk)
            writer.close()
        snapshot.unlink()
        with tarfile.open(partial, "w") as archive:
            _add(archive, sealed, DATABASE_MEMBER, manifest)
            marker = data_dir / MARKER
            if marker.exists():
                _add(archive, marker, MARKER, manifest)
            for folder_name in STORED_FOLDERS:
                for path in sorted((data_dir / folder_name).rglob("*.enc")):
                    _add(archive, path, str(path.relative_to(data_dir)), manifest)
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST_MEMBER)
            info.size, info.mtime = len(data), int(clock.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
    with open(partial, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, target)
    for old in sorted(folder.glob("backup-*.tar"))[:-keep]:
        old.unlink()
    for unencrypted in folder.glob("bot-*.sqlite3"):  # plain copies made by earlier versions
        unencrypted.unlink()
    return target


def _snapshot(database: Path, target: Path) -> None:
    """A consistent copy while the bot writes (SQLite's backup API)."""
    source, copy = sqlite3.connect(database), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _add(archive: tarfile.TarFile, path: Path, name: str, manifest: dict) -> None:
    manifest["files"][name] = _sha256(path)
    archive.add(path, arcname=name, recursive=False)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def restore(archive_path: Path, data_dir: Path, database: Path, keys: Keys) -> Restored:
    """Put an archive back into an empty ``data_dir``, after checking every member against the
    manifest; then check every evidence file against the hash taken at receipt."""
    if database.exists() and database.stat().st_size:
        raise BackupProblem(f"{database} exists: restore into an empty DATA_DIR (move the old one away)")
    try:
        archive = tarfile.open(archive_path, "r")
    except (OSError, tarfile.TarError) as exc:
        raise BackupProblem(f"{archive_path} is not a backup archive ({exc})") from None
    with archive:
        manifest = _manifest(archive)
        if manifest.get("key_fingerprint") not in (keys.fingerprint(), *keys.previous_fingerprints()):
            raise BackupProblem("this backup was made with another SECRET_KEY")
        data_dir.mkdir(parents=True, exist_ok=True)
        for name, expected in manifest["files"].items():
            member = archive.getmember(name)
            if not member.isfile() or _unsafe(name):
                raise BackupProblem(f"{name} in the archive is not a plain file")
            source = archive.extractfile(member)
            target = data_dir / name if name != DATABASE_MEMBER else data_dir / DATABASE_MEMBER
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with open(target, "wb") as fh:
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            if digest.hexdigest() != expected:
                raise BackupProblem(f"{name} in the archive does not match its manifest: the archive is damaged")
    sealed = data_dir / DATABASE_MEMBER
    try:
        with open(sealed, "rb") as source, open(database, "wb") as target_fh:
            for chunk in keys.iter_decrypt(source):
                target_fh.write(chunk)
            target_fh.flush()
            os.fsync(target_fh.fileno())
    except FileUnreadable:
        database.unlink(missing_ok=True)
        raise BackupProblem("the database in the archive does not open with SECRET_KEY") from None
    finally:
        sealed.unlink(missing_ok=True)
    return _check_evidence(data_dir, database, keys)


def _manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST_MEMBER))
    except (KeyError, ValueError, TypeError):
        raise BackupProblem("the archive has no readable manifest") from None
    if manifest.get("format") != FORMAT:
        raise BackupProblem("the archive is not a backup of this bot")
    return manifest


def _unsafe(name: str) -> bool:
    return name.startswith("/") or ".." in Path(name).parts


def _check_evidence(data_dir: Path, database: Path, keys: Keys) -> Restored:
    """Decrypt every evidence file the database refers to and compare it with its hash."""
    conn = sqlite3.connect(database)
    try:
        rows = conn.execute("SELECT stored_path, sha256 FROM evidence WHERE stored_path IS NOT NULL").fetchall()
        reports = conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    finally:
        conn.close()
    differing, missing = [], []
    for stored_path, expected in rows:
        path = data_dir / stored_path
        if not path.exists():
            missing.append(stored_path)
            continue
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as fh:
                for chunk in keys.iter_decrypt(fh):
                    digest.update(chunk)
        except FileUnreadable:
            differing.append(stored_path)
            continue
        if expected and digest.hexdigest() != expected:
            differing.append(stored_path)
    return Restored(reports=reports, files_checked=len(rows), files_differing=differing, files_missing=missing)
