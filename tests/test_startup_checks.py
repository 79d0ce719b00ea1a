"""``python -m bot`` refuses to start, with one line and exit status 2, on what would lose or
double reports: a second copy, a database deleted, emptied, damaged, swapped or read-only,
a nearly full disk, or a SECRET_KEY that is not the database's."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from storage.startup import MARKER
from tests.fake_telegram import FakeUser
from tests.harness import PROJECT_ROOT, SECRET, TOKEN, BotProcess, bot_env, make_settings, running_bot
from tests.report_helpers import L

OTHER_SECRET = "another-secret-key-0123456789abcdef0123456789"


def one_line(err: str, *words: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cannot start: "), lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in err and TOKEN not in err and SECRET not in err
    return lines[0]


async def made_database(fake, data_dir: Path, *, process: bool = False) -> dict[str, str]:
    """Run the bot once, with one person and their message, and stop it cleanly; returns the
    environment of ``python -m bot`` for that data directory. The run is the Application in this
    process (the same start and stop as ``python -m bot``'s, without a second interpreter's start,
    a second of CPU), or with ``process`` that command itself."""
    env = bot_env(fake, data_dir)
    user = FakeUser(fake, 7001, language_code="kk")
    if process:
        bot = BotProcess(env)
        await bot.start(fake)
        (reply,) = await user.say("/start")
        status, log = await bot.stop(signal.SIGTERM)
        assert status == 0, log
    else:
        async with running_bot(make_settings(fake, data_dir)):
            (reply,) = await user.say("/start")
    assert reply.message["text"] == L("kk", "start.greeting")
    assert (data_dir / MARKER).exists()
    return env


async def refused(env: dict[str, str]) -> str:
    process = BotProcess(env)
    await process.start()
    status, _, err = await process.finish()
    assert status == 2, err
    return err


async def test_a_second_copy_stops_naming_the_first(fake, tmp_path):
    env = bot_env(fake, tmp_path / "data")
    first = BotProcess(env)
    await first.start(fake)
    line = one_line(await refused(env), "another instance", str(first.process.pid), "DATA_DIR")
    # Another data directory, the same token: still refused, by the token's lock.
    line = one_line(await refused({**env, "DATA_DIR": str(tmp_path / "other")}), "BOT_TOKEN")
    assert str(first.process.pid) in line
    status, log = await first.stop(signal.SIGTERM)
    assert status == 0, log
    assert fake.refused == []


async def test_a_killed_copy_leaves_no_lock_behind(fake, tmp_path):
    env = bot_env(fake, tmp_path / "data")
    first = BotProcess(env)
    await first.start(fake)
    await first.stop(signal.SIGKILL)
    again = BotProcess(env)
    await again.start(fake)
    status, log = await again.stop(signal.SIGTERM)
    assert status == 0, log


async def test_a_deleted_database_is_noticed(fake, tmp_path):
    data_dir = tmp_path / "data"
    env = await made_database(fake, data_dir)
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"bot.sqlite3{suffix}").unlink(missing_ok=True)
    one_line(await refused(env), "missing", "backup")


async def test_an_emptied_database_is_noticed(fake, tmp_path):
    data_dir = tmp_path / "data"
    env = await made_database(fake, data_dir)
    (data_dir / "bot.sqlite3").write_bytes(b"")
    one_line(await refused(env), "empty")


async def test_a_damaged_database_stops_instead_of_hanging(fake, tmp_path):
    data_dir = tmp_path / "data"
    env = await made_database(fake, data_dir)
    database = data_dir / "bot.sqlite3"
    with open(database, "r+b") as fh:
        fh.write(b"this is not an SQLite header!!!!")
    one_line(await refused(env), "bot.sqlite3")


async def test_a_swapped_database_is_noticed(fake, tmp_path):
    data_dir = tmp_path / "data"
    env = await made_database(fake, data_dir)
    other_dir = tmp_path / "other"
    await made_database(fake, other_dir)
    shutil.copy(other_dir / "bot.sqlite3", data_dir / "bot.sqlite3")
    one_line(await refused(env), "not the one made")


async def test_a_wrong_secret_key_is_noticed(fake, tmp_path):
    data_dir = tmp_path / "data"
    env = await made_database(fake, data_dir)
    one_line(await refused({**env, "SECRET_KEY": OTHER_SECRET}), "SECRET_KEY")
    # During a rotation the old key is named as the previous one: the bot starts.
    rotating = BotProcess({**env, "SECRET_KEY": OTHER_SECRET, "SECRET_KEY_PREVIOUS": SECRET})
    await rotating.start(fake)
    status, log = await rotating.stop(signal.SIGTERM)
    assert status == 0, log


def _can_mount() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = __import__("subprocess").run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _can_mount(), reason="needs root and mount namespaces (unshare -m)")


async def _run_in_mount_namespace(env: dict[str, str], setup: str) -> tuple[int, str]:
    """``python -m bot`` in a private mount namespace after ``setup`` (shell) has run there."""
    process = await asyncio.create_subprocess_exec(
        "unshare", "-m", "sh", "-c", f"{setup} && exec {sys.executable} -m bot",
        cwd=str(PROJECT_ROOT), env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT_ROOT), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, err.decode()


@needs_mounts
async def test_a_read_only_data_directory_is_noticed(fake, tmp_path):
    data_dir = tmp_path / "data"
    env = await made_database(fake, data_dir)
    status, err = await _run_in_mount_namespace(
        env, f"mount --bind {data_dir} {data_dir} && mount -o remount,ro,bind {data_dir}")
    assert status == 2, err
    one_line(err, "not writable")


@needs_mounts
async def test_a_nearly_full_disk_is_noticed(fake, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    status, err = await _run_in_mount_namespace(
        bot_env(fake, data_dir), f"mount -t tmpfs -o size=50m tmpfs {data_dir}")
    assert status == 2, err
    one_line(err, "MB free")


async def test_commits_are_durable(app):
    """synchronous=FULL: a commit reaches the disk before the reporter is told anything."""
    db = await app.bot_data["services"].db()
    assert (await db.fetchone("PRAGMA synchronous"))[0] == 2  # FULL
    assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"


async def test_the_marker_names_the_database_and_the_key(fake, tmp_path):
    data_dir = tmp_path / "data"
    await made_database(fake, data_dir, process=True)  # the marker as python -m bot writes it
    conn = sqlite3.connect(data_dir / "bot.sqlite3")
    try:
        meta = dict(conn.execute("SELECT name, value FROM meta").fetchall())
    finally:
        conn.close()
    assert (data_dir / MARKER).read_text().strip() == meta["database_id"]
    assert SECRET not in meta["key_fingerprint"] and len(meta["key_fingerprint"]) == 64


async def test_what_start_up_made_is_kept_out_of_full_collections_while_the_bot_runs(fake, tmp_path):
    """Start-up's objects live as long as the bot: frozen out of the collector's full passes
    while it runs (each walked them all: up to 88 ms in bench.steps), collectable again after."""
    import gc

    async with running_bot(make_settings(fake, tmp_path / "data")):
        frozen = gc.get_freeze_count()
    assert frozen > 10_000 and gc.get_freeze_count() == 0
