"""Backups that restore: archive, wipe, restore gives back every report and byte-exact evidence;
a damaged or foreign archive, or a DATA_DIR in use, is refused with one line."""

from __future__ import annotations

import shutil
import tarfile

import pytest

from bot.services.evidence import read
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


async def test_backups_go_to_a_bucket_and_restore_from_it(fake, data_dir, backed_up, tmp_path):
    """An S3-compatible server (moto's, on 127.0.0.1) stands in for the bucket off the machine."""
    import socket

    from aiobotocore.session import get_session
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    bucket_env = {"BACKUP_URL": "s3://kz-reports/nightly", "BACKUP_S3_ENDPOINT": endpoint,
                  "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    try:
        session = get_session()
        async with session.create_client("s3", endpoint_url=endpoint, region_name="us-east-1",
                                         aws_access_key_id="test", aws_secret_access_key="test") as client:
            await client.create_bucket(Bucket="kz-reports")
            status, out, err = await run_module("bot.backup", bot_env(fake, data_dir, **bucket_env))
            assert status == 0, err
            listed = await client.list_objects_v2(Bucket="kz-reports", Prefix="nightly/")
            (stored,) = [item["Key"] for item in listed["Contents"]]
            assert stored.startswith("nightly/backup-") and f"copied to s3://kz-reports/{stored}" in out

        elsewhere = tmp_path / "new-machine"
        status, out, err = await run_module("bot.restore", bot_env(fake, elsewhere, **bucket_env),
                                            args=(f"s3://kz-reports/{stored}",))
        assert status == 0, err
        assert "1 reports; 2 evidence files checked, 0 differ, 0 missing" in out
        assert db_rows(elsewhere, "SELECT reference, description, status FROM reports") == backed_up["reports"]
        status, _, err = await run_module("bot.restore", bot_env(fake, tmp_path / "third", **bucket_env),
                                          args=("s3://kz-reports/nightly/no-such.tar",))
        assert status == 2 and err.startswith("cannot restore: ") and len(err.strip().splitlines()) == 1
    finally:
        server.stop()
