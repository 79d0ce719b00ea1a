"""Backups that restore: archive, wipe, restore gives back every report and byte-exact evidence;
frequent archives carry only new evidence and restore as a chain, from the folder or the bucket;
a damaged, cut-short or foreign archive, swapped evidence, or a DATA_DIR in use, is refused with
one line and DATA_DIR left as it was."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import socket
import sqlite3
import tarfile
import time
from datetime import timedelta
from pathlib import Path

import pytest

from services.evidence import read
from handlers import jobs
from storage.backups import DATABASE_MEMBER, MARKER
from tests.harness import bot_env, make_settings, run_module, running_bot
from tests.report_helpers import KEYS, db_rows, finish_and_send, jpeg, sha256, up_to_evidence

OTHER_SECRET = "another-secret-key-0123456789abcdef0123456789"


@pytest.fixture
async def backed_up(fake, data_dir, user_factory):
    """A report with two photos, and an archive of it kept outside DATA_DIR."""
    photos = [jpeg(color=(200, 10, 10)), jpeg(color=(10, 200, 10))]
    user = user_factory("kk")
    async with running_bot(make_settings(fake, data_dir)):
        await up_to_evidence(user, "kk", "Сайлаушыларға ақша таратылды, бұл туралы видео бар.")
        for photo in photos:
            await user.photo(photo)
            await user.replies(1)
        reference = await finish_and_send(user, "kk", contact=True)
    status, out, err = await run_module("bot.backup", bot_env(fake, data_dir))
    assert status == 0, err
    archive = next((data_dir / "backups").glob("backup-*.tar"))
    assert out.strip() == f"backed up to {archive}"
    kept = data_dir.parent / "kept.tar"
    shutil.copy(archive, kept)
    return {"user": user, "photos": photos, "reference": reference, "archive": kept,
            "reports": db_rows(data_dir, "SELECT reference, description, status FROM reports")}


async def test_backup_wipe_restore_gives_everything_back(fake, data_dir, backed_up):
    with tarfile.open(backed_up["archive"]) as tar:
        names = tar.getnames()
    assert {"manifest.json", "database.sqlite3.enc", "database-id"} <= set(names)
    assert not any(name.endswith(".sqlite3") for name in names)  # the database only encrypted
    assert sum(name.startswith("evidence/") for name in names) == 2

    shutil.rmtree(data_dir)  # the disk is lost
    status, out, err = await run_module("bot.restore", bot_env(fake, data_dir), args=(str(backed_up["archive"]),))
    assert status == 0, err
    assert out.strip() == "restored 1 reports; 2 evidence files checked, 0 differ, 0 missing"

    assert db_rows(data_dir, "SELECT reference, description, status FROM reports") == backed_up["reports"]
    stored = db_rows(data_dir, "SELECT stored_path FROM evidence ORDER BY id")
    assert [sha256(read(data_dir, row["stored_path"], KEYS)) for row in stored] == \
        [sha256(photo) for photo in backed_up["photos"]]
    # The bot starts on what was restored (its start-up checks pass), and the reporter finds it.
    async with running_bot(make_settings(fake, data_dir)):
        (listed,) = await backed_up["user"].say("/myreports")
        assert backed_up["reference"] in listed.message["text"]
    assert fake.refused == []


async def test_restore_refuses_a_data_dir_in_use_a_foreign_key_and_a_damaged_archive(fake, data_dir,
                                                                                     backed_up, tmp_path):
    archive = str(backed_up["archive"])
    status, _, err = await run_module("bot.restore", bot_env(fake, data_dir), args=(archive,))
    assert status == 2 and err.startswith("cannot restore: ") and "empty DATA_DIR" in err
    empty = tmp_path / "empty"
    status, _, err = await run_module("bot.restore", bot_env(fake, empty, SECRET_KEY=OTHER_SECRET), args=(archive,))
    assert status == 2 and "another SECRET_KEY" in err
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(backed_up["archive"]) as tar:
        evidence = next(member for member in tar.getmembers() if member.name.startswith("evidence/"))
    data = bytearray(backed_up["archive"].read_bytes())
    data[evidence.offset_data + 100] ^= 0xFF  # one flipped bit in an evidence file: bit rot
    damaged.write_bytes(bytes(data))
    status, _, err = await run_module("bot.restore", bot_env(fake, tmp_path / "other"), args=(str(damaged),))
    assert status == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "does not match its manifest" in err


@pytest.fixture
def s3():
    """An S3-compatible server (moto's, on 127.0.0.1) standing in for the bucket off the machine;
    yields its settings as the bot's environment holds them, with the bucket made."""
    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {"BACKUP_URL": "s3://kz-reports/nightly", "BACKUP_S3_ENDPOINT": f"http://127.0.0.1:{port}",
           "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    client = boto3.client("s3", endpoint_url=env["BACKUP_S3_ENDPOINT"], region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket="kz-reports")
    try:
        yield env
    finally:
        server.stop()


def bucket_keys(env: dict[str, str]) -> list[str]:
    import boto3
    client = boto3.client("s3", endpoint_url=env["BACKUP_S3_ENDPOINT"], region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    return [item["Key"] for item in client.list_objects_v2(Bucket="kz-reports").get("Contents", [])]


async def test_backups_go_to_a_bucket_and_restore_from_it(fake, data_dir, backed_up, tmp_path, s3):
    status, out, err = await run_module("bot.backup", bot_env(fake, data_dir, **s3))
    assert status == 0, err
    (stored,) = bucket_keys(s3)
    assert stored.startswith("nightly/backup-") and f"copied to s3://kz-reports/{stored}" in out

    elsewhere = tmp_path / "new-machine"
    status, out, err = await run_module("bot.restore", bot_env(fake, elsewhere, **s3),
                                        args=(f"s3://kz-reports/{stored}",))
    assert status == 0, err
    assert "1 reports; 2 evidence files checked, 0 differ, 0 missing" in out
    assert db_rows(elsewhere, "SELECT reference, description, status FROM reports") == backed_up["reports"]
    status, _, err = await run_module("bot.restore", bot_env(fake, tmp_path / "third", **s3),
                                      args=("s3://kz-reports/nightly/no-such.tar",))
    assert status == 2 and err.startswith("cannot restore: ") and len(err.strip().splitlines()) == 1


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def evidence_carried(manifest: dict) -> set[str]:
    """The evidence files (and their previews) an archive itself holds; the rest it names in
    earlier archives."""
    return set(manifest["files"]) - {DATABASE_MEMBER, MARKER}


def originals(paths) -> set[str]:
    return {path for path in paths if path.startswith("evidence/")}


async def archives_until(folder: Path, enough, timeout: float = 60.0) -> list[Path]:
    """The archives in ``folder``, oldest first, once ``enough(manifests)`` holds (the folder is
    looked at again until then: an archive appears whole, by a rename)."""
    deadline = time.monotonic() + timeout
    while True:
        archives = sorted(folder.glob("backup-*.tar"), key=lambda path: path.stat().st_mtime_ns)
        if enough([manifest_of(path) for path in archives]):
            return archives
        assert time.monotonic() < deadline, f"no such archives: {[path.name for path in archives]}"
        await asyncio.sleep(0.1)


async def test_frequent_backups_carry_only_new_evidence_and_restore_as_a_chain(
        fake, data_dir, user_factory, tmp_path, s3, monkeypatch):
    """BACKUP_INTERVAL_MINUTES (its minute shortened to half a second here): the first archive is
    full, each one after holds the database and only evidence no earlier one holds, every one is
    in the bucket as soon as it is made, and the newest restores everything, from the folder or
    the bucket."""
    monkeypatch.setattr(jobs, "BACKUP_MINUTE", timedelta(seconds=0.5))
    for name, value in s3.items():
        monkeypatch.setenv(name, value)
    folder = tmp_path / "backups"
    settings = make_settings(fake, data_dir, backup_interval_minutes=1, backup_dir=folder,
                             backup_url=s3["BACKUP_URL"], backup_s3_endpoint=s3["BACKUP_S3_ENDPOINT"])
    photos = [jpeg(color=(200, 10, 10)), jpeg(color=(10, 200, 10)), jpeg(color=(10, 10, 200))]
    async with running_bot(settings) as application:
        (job,) = application.job_queue.get_jobs_by_name("frequent_backup")
        assert job.job.trigger.interval == timedelta(seconds=0.5)
        first, second = user_factory("ru"), user_factory("kk")
        await up_to_evidence(first, "ru", "На участке раздавали деньги за голос, есть фотографии.")
        for photo in photos[:2]:
            await first.photo(photo)
            await first.replies(1)
        await finish_and_send(first, "ru")
        await archives_until(folder, lambda found: found and len(originals(found[-1]["evidence"])) == 2)
        await up_to_evidence(second, "kk", "Сайлаушыларға ақша таратылды, бұл туралы фото бар.")
        await second.photo(photos[2])
        await second.replies(1)
        await finish_and_send(second, "kk")
        # Two archives after the last file came (its preview is drawn after it, and may miss the
        # first archive that holds the original): the second of them has nothing new to carry.
        archives = await archives_until(
            folder, lambda found: len(found) >= 2 and len(originals(found[-1]["evidence"])) == 3
            and set(found[-1]["evidence"]) == set(found[-2]["evidence"]))
        registry = application.bot_data["services"].metrics.registry  # /metrics: when a copy last left
        assert time.time() - registry.get_sample_value("bot_backup_last_success_timestamp_seconds",
                                                       {"where": "bucket"}) < 30
    assert fake.refused == []
    manifests = [manifest_of(path) for path in archives]
    assert manifests[0]["kind"] == "full" and {m["kind"] for m in manifests[1:]} == {"incremental"}
    carried = [path for m in manifests for path in evidence_carried(m)]
    assert len(carried) == len(set(carried)) == len(manifests[-1]["evidence"])  # each in one archive
    assert len(originals(carried)) == 3
    assert evidence_carried(manifests[-1]) == set()  # made when nothing was new
    assert {f"nightly/{path.name}" for path in archives} <= set(bucket_keys(s3))  # none waits to leave

    stored = db_rows(data_dir, "SELECT stored_path FROM evidence ORDER BY id")
    reports = db_rows(data_dir, "SELECT reference, description FROM reports ORDER BY id")
    for source, target in ((str(archives[-1]), tmp_path / "from-folder"),
                           (f"s3://kz-reports/nightly/{archives[-1].name}", tmp_path / "from-bucket")):
        status, out, err = await run_module("bot.restore", bot_env(fake, target, **s3), args=(source,))
        assert status == 0, err
        assert out.strip() == "restored 2 reports; 3 evidence files checked, 0 differ, 0 missing"
        assert db_rows(target, "SELECT reference, description FROM reports ORDER BY id") == reports
        assert [sha256(read(target, row["stored_path"], KEYS)) for row in stored] == [sha256(p) for p in photos]


def listing(folder: Path) -> dict[str, tuple[int, str] | None]:
    """Every file under ``folder`` with its size and hash, every folder as None."""
    found: dict[str, tuple[int, str] | None] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        found[name] = (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()) if path.is_file() else None
    return found


async def test_a_cut_short_archive_is_refused_with_one_line_and_data_dir_left_as_it_was(fake, backed_up, tmp_path):
    """The archives were copied onto a new machine's DATA_DIR/backups; each copy cut short
    somewhere (in an evidence file, between members, in the manifest, in half) is refused."""
    whole = backed_up["archive"].read_bytes()
    with tarfile.open(backed_up["archive"]) as tar:
        members = {member.name: member for member in tar.getmembers()}
    evidence = next(member for name, member in members.items() if name.startswith("evidence/"))
    cuts = {"in an evidence file": evidence.offset_data + 100,
            "between two members": members["manifest.json"].offset,
            "in the manifest": members["manifest.json"].offset_data + 10,
            "in half": len(whole) // 2}
    target = tmp_path / "new-machine"
    (target / "backups").mkdir(parents=True)
    (target / "backups" / "backup-whole.tar").write_bytes(whole)
    for where, cut in cuts.items():
        archive = target / "backups" / "backup-cut.tar"
        archive.write_bytes(whole[:cut])
        before = listing(target)
        status, out, err = await run_module("bot.restore", bot_env(fake, target), args=(str(archive),))
        assert status == 2 and out == "", (where, err)
        assert len(err.strip().splitlines()) == 1 and err.startswith("cannot restore: ") and "Traceback" not in err, where
        assert listing(target) == before, where
    # The whole copy beside them restores.
    status, out, err = await run_module("bot.restore", bot_env(fake, target),
                                        args=(str(target / "backups" / "backup-whole.tar"),))
    assert status == 0, err
    assert db_rows(target, "SELECT reference, description, status FROM reports") == backed_up["reports"]


async def test_swapped_evidence_files_are_refused(fake, data_dir, backed_up, tmp_path):
    """Two evidence files swapped on the disk both decrypt (the encryption does not bind a file
    to its path); restore decrypts each and compares it with its row's SHA-256."""
    first, second = (data_dir / row["stored_path"]
                     for row in db_rows(data_dir, "SELECT stored_path FROM evidence ORDER BY id"))
    first_bytes, second_bytes = first.read_bytes(), second.read_bytes()
    first.write_bytes(second_bytes)
    second.write_bytes(first_bytes)
    status, out, err = await run_module("bot.backup", bot_env(fake, data_dir))
    assert status == 0, err
    archive = out.strip().removeprefix("backed up to ")
    target = tmp_path / "restored"
    status, out, err = await run_module("bot.restore", bot_env(fake, target), args=(archive,))
    assert status == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert "2 evidence files are not the ones their rows' hashes name" in err and "nothing was restored" in err
    assert not target.exists()
    # Told to, it restores what there is and names each file that is wrong.
    status, out, err = await run_module("bot.restore", bot_env(fake, target), args=(archive, "--keep-damaged"))
    assert status == 1 and "2 evidence files checked, 2 differ, 0 missing" in out
    assert sorted(line.split(": ")[1] for line in err.strip().splitlines()) == \
        sorted(str(path.relative_to(data_dir)) for path in (first, second))


def test_the_newest_full_archives_are_kept_with_the_chain_since_the_last_one(tmp_path):
    """BACKUP_KEEP counts full archives; incremental ones are kept back to the newest full one
    (it holds all they held), and each carries only files no archive of its chain holds."""
    from storage.backups import make_backup

    data_dir, folder = tmp_path / "data", tmp_path / "backups"
    (data_dir / "evidence").mkdir(parents=True)
    database = data_dir / "bot.sqlite3"
    sqlite3.connect(database).close()

    def archive(incremental: bool, new_file: str | None = None) -> Path:
        if new_file:
            (data_dir / "evidence" / new_file).write_bytes(new_file.encode())
        return make_backup(data_dir, database, folder, KEYS, 2, incremental=incremental)

    first_full = archive(False, "a.enc")
    archive(True, "b.enc")
    archive(True)
    second_full = archive(False, "c.enc")
    archive(True, "d.enc")
    third_full = archive(False)
    chain = [archive(True, "e.enc"), archive(True)]  # several in one second: the names keep the order
    assert sorted(path.name for path in folder.glob("backup-*.tar")) == \
        sorted(path.name for path in (second_full, third_full, *chain))
    assert not first_full.exists()
    assert evidence_carried(manifest_of(third_full)) == {f"evidence/{n}.enc" for n in "abcd"}
    assert evidence_carried(manifest_of(chain[0])) == {"evidence/e.enc"}
    assert evidence_carried(manifest_of(chain[1])) == set()
    assert {entry["archive"] for entry in manifest_of(chain[1])["evidence"].values()} == \
        {third_full.name, chain[0].name}
    # A link of the chain gone from the folder: the next archive carries its files again.
    chain[0].unlink()
    assert evidence_carried(manifest_of(archive(True))) == {"evidence/e.enc"}
