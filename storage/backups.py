"""Backups that restore: archives holding a consistent copy of the database (encrypted with the
evidence key) and evidence files as stored (already encrypted), with a manifest of SHA-256 hashes;
and putting them back, checking every evidence file against the hash taken when the bot
received it.

A *full* archive holds every evidence file. An *incremental* one (every BACKUP_INTERVAL_MINUTES)
holds the database and only the evidence files that are new or changed since the archive before
it; its manifest lists every evidence file with the archive that carries it, so a restore reads
the newest archive's manifest and takes each file from the archive it names (a chain back to the
last full one, all in one folder or bucket prefix).

A restore is built in a folder of its own (inside DATA_DIR, so the last step is a rename on the
same disk) and moved into place only once everything in it checks: a damaged, cut-short or
foreign archive, or evidence that is not what its row's hash names, leaves DATA_DIR as it was.

The archive is a plain tar, so it can be inspected and copied with ordinary tools; nothing in it
is readable without SECRET_KEY.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from domain import clock
from storage.crypto import FileUnreadable, Keys
from storage.evidence import STORED_FOLDERS

FORMAT = "kz-election-bot backup 2"
FORMAT_V1 = "kz-election-bot backup 1"  # every file in the one archive: still restored
DATABASE_MEMBER = "database.sqlite3.enc"
MANIFEST_MEMBER = "manifest.json"
MARKER = "database-id"
INCREMENTAL = "-incremental"  # in the name of an incremental archive, before ".tar"
_NAME = re.compile(r"^backup-(\d{8}-\d{6})(?:-(\d+))?(?:-incremental)?\.tar$")
_STAGING = ".restoring-"  # a restore being built, inside DATA_DIR (or beside it)
_CHUNK = 1024 * 1024


class BackupProblem(Exception):
    """A backup cannot be made or put back; told in one line."""


@dataclass(frozen=True)
class Restored:
    reports: int
    files_checked: int
    files_differing: list[str]  # evidence whose bytes are not those its row's hash names
    files_missing: list[str]


# ---- making archives ------------------------------------------------------------------------------

def make_backup(data_dir: Path, database: Path, folder: Path, keys: Keys, keep: int, *,
                incremental: bool = False) -> Path:
    """Write an archive of the database and the evidence into ``folder`` (complete or not at
    all) and prune old ones. ``incremental``: only the evidence files that the newest archive's
    chain does not hold yet (a full archive when there is no usable chain)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = _chain_to_extend(folder, keys) if incremental else None
    target = _new_name(folder, incremental=base is not None)
    partial = target.with_suffix(".tar.part")
    known: dict = base["evidence"] if base else {}
    manifest: dict = {"format": FORMAT, "made_at": clock.utcnow(), "key_fingerprint": keys.fingerprint(),
                      "kind": "incremental" if base else "full", "files": {}, "evidence": {}}
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
                    name = str(path.relative_to(data_dir))
                    stat = path.stat()
                    held = known.get(name)
                    # Evidence files are written once (a rekey rewrites them: size and time change).
                    if held and held["size"] == stat.st_size and held["mtime_ns"] == stat.st_mtime_ns \
                            and (folder / held["archive"]).exists():
                        manifest["evidence"][name] = held
                        continue
                    manifest["evidence"][name] = {"sha256": _add(archive, path, name, manifest),
                                                  "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                                  "archive": target.name}
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST_MEMBER)
            info.size, info.mtime = len(data), int(clock.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
    with open(partial, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, target)
    _prune(folder, keep)
    for unencrypted in folder.glob("bot-*.sqlite3"):  # plain copies made by earlier versions
        unencrypted.unlink()
    return target


def archives_needed(archive_path: Path) -> list[str]:
    """The names of the other archives a restore of this one reads (its chain), in order."""
    with _opened(archive_path) as archive:
        manifest = _manifest(archive, archive_path.name)
    return sorted({entry["archive"] for name, entry in manifest.get("evidence", {}).items()
                   if name not in manifest["files"]})  # its own files: whatever it is called now


def _new_name(folder: Path, *, incremental: bool) -> Path:
    """``backup-YYYYMMDD-HHMMSS[-N][-incremental].tar``: N counts archives made in the same second
    (the nightly one meeting a frequent one), so the names order them."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    kind = INCREMENTAL if incremental else ""
    same_second = [_order(path)[1] for path in folder.glob(f"backup-{stamp}*.tar") if _order(path)[0] == stamp]
    n = max(same_second) + 1 if same_second else 1
    return folder / (f"backup-{stamp}{kind}.tar" if n == 1 else f"backup-{stamp}-{n}{kind}.tar")


def _order(path: Path) -> tuple[str, int]:
    """When an archive was made, from its name (a name the bot did not give sorts first)."""
    match = _NAME.match(path.name)
    return (match.group(1), int(match.group(2) or 1)) if match else ("", 0)


def _archives(folder: Path) -> list[Path]:
    """Every archive in ``folder``, oldest first."""
    return sorted(folder.glob("backup-*.tar"), key=lambda path: (_order(path), path.name))


def _chain_to_extend(folder: Path, keys: Keys) -> dict | None:
    """The manifest of the newest archive when an incremental one can follow it (same key, this
    format, readable); None means a full archive is due."""
    archives = _archives(folder)
    if not archives:
        return None
    try:
        with _opened(archives[-1]) as archive:
            manifest = _manifest(archive, archives[-1].name)
    except BackupProblem:
        return None
    if manifest.get("format") != FORMAT or manifest.get("key_fingerprint") != keys.fingerprint():
        return None
    return manifest


def _prune(folder: Path, keep: int) -> None:
    """Keep the newest ``keep`` full archives and the incremental ones since the newest full one
    (earlier incremental ones are covered by it)."""
    archives = _archives(folder)
    full = [path for path in archives if not path.stem.endswith(INCREMENTAL)]
    kept = set(full[-keep:])
    since = archives.index(full[-1]) if full else -1
    for position, path in enumerate(archives):
        if path in kept or (path.stem.endswith(INCREMENTAL) and position > since):
            continue
        path.unlink()


def _snapshot(database: Path, target: Path) -> None:
    """A consistent copy while the bot writes (SQLite's backup API)."""
    source, copy = sqlite3.connect(database), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _add(archive: tarfile.TarFile, path: Path, name: str, manifest: dict) -> str:
    digest = manifest["files"][name] = _sha256(path)
    archive.add(path, arcname=name, recursive=False)
    return digest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ---- restoring ----------------------------------------------------------------------------------

def restore(archive_path: Path, data_dir: Path, database: Path, keys: Keys, *,
            keep_damaged: bool = False) -> Restored:
    """Put an archive (and the archives of its chain, beside it) back into an empty
    ``data_dir``. Everything is extracted and checked in a staging folder first: each member
    against its manifest, the database by SQLite, every evidence file decrypted and compared
    with its row's SHA-256. Only then is it moved into place; on any problem ``data_dir`` is left
    as it was (with ``keep_damaged``, evidence that differs or is missing is listed instead)."""
    if database.exists() and database.stat().st_size:
        raise BackupProblem(f"{database} exists: restore into an empty DATA_DIR (move the old one away)")
    occupied = [name for name in (MARKER, *STORED_FOLDERS) if _holds_something(data_dir / name)]
    if occupied:
        raise BackupProblem(f"DATA_DIR holds {occupied[0]} already: restore into an empty DATA_DIR")
    staging = _staging_folder(data_dir)
    try:
        _extract(archive_path, staging, keys)
        staged_database = staging / database.name
        _open_database(staging / DATABASE_MEMBER, staged_database, keys)
        result = _check_evidence(staging, staged_database, keys)
        damaged = result.files_differing + result.files_missing
        if damaged and not keep_damaged:
            raise BackupProblem(
                f"{len(result.files_differing)} evidence files are not the ones their rows' hashes name and "
                f"{len(result.files_missing)} are missing ({', '.join(damaged[:3])}{', …' if len(damaged) > 3 else ''}); "
                "nothing was restored")
        _move_into_place(staging, data_dir, database.name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _holds_something(path: Path) -> bool:
    if path.is_dir():
        return any(path.iterdir())
    return path.exists()


def _staging_folder(data_dir: Path) -> Path:
    """Inside DATA_DIR when it exists (the same file system, whatever is mounted there), else
    beside it, to be renamed to it."""
    if data_dir.is_dir():
        return Path(tempfile.mkdtemp(prefix=_STAGING, dir=data_dir))
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{data_dir.name}{_STAGING}", dir=data_dir.parent))


def _extract(archive_path: Path, staging: Path, keys: Keys) -> None:
    """Every file the newest archive's manifest names, from the archive of its chain that holds
    it, each checked against its hash."""
    with ExitStack() as stack:
        newest = stack.enter_context(_opened(archive_path))
        manifest = _manifest(newest, archive_path.name)
        if manifest.get("key_fingerprint") not in (keys.fingerprint(), *keys.previous_fingerprints()):
            raise BackupProblem("this backup was made with another SECRET_KEY")
        wanted: dict[str, dict[str, str]] = {}  # archive name -> {member: sha256}
        if manifest["format"] == FORMAT_V1:
            wanted[archive_path.name] = dict(manifest["files"])
        else:
            own = {name: digest for name, digest in manifest["files"].items() if name in (DATABASE_MEMBER, MARKER)}
            wanted[archive_path.name] = own
            for name, entry in manifest["evidence"].items():
                # A file this archive carries is read from it, whatever it is called now (a copy).
                held_in = archive_path.name if name in manifest["files"] else entry["archive"]
                wanted.setdefault(held_in, {})[name] = entry["sha256"]
        for archive_name, members in sorted(wanted.items()):
            if archive_name == archive_path.name:
                archive = newest
            else:
                other = archive_path.parent / Path(archive_name).name
                if not other.exists():
                    raise BackupProblem(f"{archive_path.name} needs {archive_name} of its chain, which is not beside it")
                archive = stack.enter_context(_opened(other))
                if _manifest(archive, archive_name).get("key_fingerprint") != manifest["key_fingerprint"]:
                    raise BackupProblem(f"{archive_name} was made with another SECRET_KEY than {archive_path.name}")
            for name, expected in members.items():
                _extract_member(archive, archive_name, name, expected, staging)


def _extract_member(archive: tarfile.TarFile, archive_name: str, name: str, expected: str, staging: Path) -> None:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupProblem(f"{name} is not in {archive_name}: the archive is damaged or cut short") from None
    if not member.isfile() or _unsafe(name):
        raise BackupProblem(f"{name} in {archive_name} is not a plain file")
    target = staging / name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        source = archive.extractfile(member)
        with open(target, "wb") as fh:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
    except (tarfile.TarError, EOFError) as exc:
        raise BackupProblem(f"{archive_name} is damaged or cut short ({exc})") from None
    if digest.hexdigest() != expected:
        raise BackupProblem(f"{name} in {archive_name} does not match its manifest: the archive is damaged")


def _open_database(sealed: Path, target: Path, keys: Keys) -> None:
    """Decrypt the database and let SQLite check it."""
    try:
        with open(sealed, "rb") as source, open(target, "wb") as target_fh:
            for chunk in keys.iter_decrypt(source):
                target_fh.write(chunk)
            target_fh.flush()
            os.fsync(target_fh.fileno())
    except FileUnreadable:
        raise BackupProblem("the database in the archive does not open with SECRET_KEY") from None
    finally:
        sealed.unlink(missing_ok=True)
    conn = sqlite3.connect(target)
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        verdict = str(exc)
    finally:
        conn.close()
    if verdict != "ok":
        raise BackupProblem(f"the database in the archive is damaged ({verdict})")


def _move_into_place(staging: Path, data_dir: Path, database_name: str) -> None:
    """Rename what was built into DATA_DIR, the database last: until it is there, the bot does
    not start on a half-restored folder."""
    if staging.parent != data_dir:
        os.rename(staging, data_dir)
        return
    entries = sorted(staging.iterdir(), key=lambda path: path.name == database_name)
    for entry in entries:
        destination = data_dir / entry.name
        if destination.is_dir():
            destination.rmdir()  # empty: checked before anything was extracted
        os.replace(entry, destination)
    staging.rmdir()


class _opened:
    """A tar archive opened for reading, any failure to read it told in one line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive: tarfile.TarFile | None = None

    def __enter__(self) -> tarfile.TarFile:
        try:
            self.archive = tarfile.open(self.path, "r")
            self.archive.getmembers()  # reads every header now: a cut-short archive fails here
        except (OSError, tarfile.TarError, EOFError) as exc:
            if self.archive is not None:
                self.archive.close()
            raise BackupProblem(f"{self.path} is not a whole backup archive ({exc})") from None
        return self.archive

    def __exit__(self, *_: object) -> None:
        if self.archive is not None:
            self.archive.close()


def _manifest(archive: tarfile.TarFile, archive_name: str) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST_MEMBER))
    except (KeyError, ValueError, TypeError, tarfile.TarError, EOFError):
        raise BackupProblem(f"{archive_name} has no readable manifest: it is damaged or cut short") from None
    if manifest.get("format") not in (FORMAT, FORMAT_V1):
        raise BackupProblem(f"{archive_name} is not a backup of this bot")
    return manifest


def _unsafe(name: str) -> bool:
    return name.startswith("/") or ".." in Path(name).parts


def _check_evidence(data_dir: Path, database: Path, keys: Keys) -> Restored:
    """Decrypt every evidence file the database refers to and compare it with its row's hash:
    the encryption does not bind a file to its path, so two files swapped both decrypt."""
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
        if digest.hexdigest() != expected:  # a row without a hash matches no file
            differing.append(stored_path)
    return Restored(reports=reports, files_checked=len(rows), files_differing=differing, files_missing=missing)
