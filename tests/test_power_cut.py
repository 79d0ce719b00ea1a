"""A power cut right after "Report sent": the bot's DATA_DIR is an ext4 file system on a loop
device; the instant the reporter sees their reference, the device's blocks are copied as they are
on the "disk" (what survives losing power: nothing still in memory), the copy is repaired with
e2fsck as after a crash, and the report must be in it."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import PROJECT_ROOT, bot_env
from tests.report_helpers import finish_and_send, up_to_evidence

TOOLS = ("losetup", "mkfs.ext4", "e2fsck", "debugfs", "dd", "unshare", "mount")


def _can_loop_mount() -> bool:
    if os.geteuid() != 0 or any(shutil.which(tool) is None for tool in TOOLS):
        return False
    return subprocess.run(["losetup", "-f"], capture_output=True).returncode == 0 and \
        subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _can_loop_mount(), reason="needs root, loop devices and mount namespaces")


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def loop_disk(tmp_path):
    """An ext4 file system on a loop device (detached afterwards), above the bot's minimum free space."""
    image = tmp_path / "disk.img"
    with open(image, "wb") as fh:
        fh.truncate(320 * 1024 * 1024)
    run("mkfs.ext4", "-q", "-F", str(image))
    device = run("losetup", "-f", "--show", str(image)).strip()
    try:
        yield device
    finally:
        subprocess.run(["losetup", "-d", device], capture_output=True)


async def test_a_confirmed_report_survives_a_power_cut(fake, tmp_path, loop_disk, user_factory):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT_ROOT), **bot_env(fake, data_dir)}
    # The bot in a mount namespace of its own, with DATA_DIR on the loop device.
    process = await asyncio.create_subprocess_exec(
        "unshare", "-m", "sh", "-c", f"mount {loop_disk} {data_dir} && exec {sys.executable} -m bot",
        cwd=str(PROJECT_ROOT), env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        polls = fake.polls
        await fake.wait_for(lambda: fake.polls > polls or process.returncode is not None, 30)
        user = user_factory("ru")
        await up_to_evidence(user, "ru", "Председатель участковой комиссии вбросил пачку бюллетеней в урну.")
        reference = await finish_and_send(user, "ru", evidence=False)
        # The reporter has seen the reference: now the power goes. What is on the disk is what the
        # device holds, read past every cache.
        snapshot = tmp_path / "after-the-cut.img"
        run("dd", f"if={loop_disk}", f"of={snapshot}", "bs=1M", "iflag=direct", "status=none")
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
    subprocess.run(["e2fsck", "-f", "-y", str(snapshot)], capture_output=True)  # as after a crash
    recovered = tmp_path / "recovered"
    recovered.mkdir()
    for name in ("bot.sqlite3", "bot.sqlite3-wal"):
        subprocess.run(["debugfs", "-R", f"dump /{name} {recovered / name}", str(snapshot)], capture_output=True)
    assert (recovered / "bot.sqlite3").exists()
    conn = sqlite3.connect(recovered / "bot.sqlite3")
    try:
        rows = conn.execute("SELECT reference FROM reports").fetchall()
    finally:
        conn.close()
    assert rows == [(reference,)]
    assert fake.refused == []
