"""Files private on disk: everything the bot keeps (database, WAL, evidence, previews, backups,
the marker, the locks) is its user's alone, files 0600 and folders 0700, whatever the umask it
was started with; and a DATA_DIR an older version left 0644/0755 is repaired at start."""

from __future__ import annotations

import os
import signal
import stat
from pathlib import Path
from typing import Iterator

import pytest

from handlers import jobs
from handlers.context import BotContext
from tests.fake_telegram import FakeUser
from tests.harness import SECRET, BotProcess, bot_env, make_settings, run_module, running_bot
from tests.report_helpers import L, db_rows, jpeg, up_to_evidence

ADMIN = 1001
GROUP = {"id": -100778, "type": "supergroup", "title": "Moderators"}
DESCRIPTION = "Председатель комиссии выносил пачку бюллетеней из помещения до начала подсчёта."
NEW_SECRET = "rotated-secret-key-9876543210fedcba9876543210fedcba"


@pytest.fixture(autouse=True)
def ordinary_umask() -> Iterator[None]:
    """Start as a shell would (umask 022: files 0644), so only the bot's own rule can make its
    files private; an earlier test's bot in this process would otherwise have set it already."""
    before = os.umask(0o022)
    yield
    os.umask(before)


async def send_anonymously(reporter: FakeUser) -> None:
    """From the review (files sent there; a voter's report is anonymous already): Send (what the
    bot answers is not this test's)."""
    await reporter.tap(L("ru", "wizard.send"))


def not_private(*folders: Path) -> list[str]:
    """Each file under ``folders`` not 0600 and each folder not 0700, as 'mode path'."""
    offenders = []
    for folder in folders:
        for path in [folder, *sorted(folder.rglob("*"))]:
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                continue
            wanted = 0o700 if stat.S_ISDIR(info.st_mode) else 0o600
            if stat.S_IMODE(info.st_mode) != wanted:
                offenders.append(f"{oct(stat.S_IMODE(info.st_mode))} {path}")
    return offenders


def assert_private(*folders: Path) -> None:
    offenders = not_private(*folders)
    assert offenders == [], "not private (files must be 0600, folders 0700):\n" + "\n".join(offenders)


async def test_a_full_run_leaves_every_file_private(fake, data_dir, tmp_path):
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])
    reporter = FakeUser(fake, 7101, language_code="ru")
    group = FakeUser(fake, ADMIN, language_code="ru", chat=GROUP)
    async with running_bot(settings) as application:
        await up_to_evidence(reporter, "ru", DESCRIPTION)
        await reporter.photo(jpeg(color=(200, 10, 10)))
        await reporter.replies(1)
        await reporter.document(jpeg(make="Canon", camera="Canon EOS R6"), "IMG_0002.JPG", "image/jpeg")
        await reporter.replies(1)
        await send_anonymously(reporter)
        card, _photo, _document = await group.replies(3)
        await group.press(L("ru", "mod.action.take"), message=card.message)
        await fake.wait_for(lambda: db_rows(data_dir, "SELECT status FROM reports")[0][0] == "in_review")
        await jobs.backup(BotContext(application))
        # While the bot runs: the database's -wal and -shm are there too.
        assert (data_dir / "bot.sqlite3-wal").exists()
        assert_private(data_dir)
    assert len(list((data_dir / "evidence").rglob("*.enc"))) == 2
    assert list((data_dir / "backups").glob("backup-*.tar"))
    assert_private(data_dir)

    # python -m bot (its lock files), and the backup command into a BACKUP_DIR elsewhere, each
    # started from a shell's umask.
    os.umask(0o022)
    bot = BotProcess(bot_env(fake, data_dir))
    await bot.start(fake)
    (greeting,) = await FakeUser(fake, 7102, language_code="kk").say("/start")
    assert greeting.message["text"] == L("kk", "start.greeting")
    assert_private(data_dir)
    status, log = await bot.stop(signal.SIGTERM)
    assert status == 0, log
    assert list(tmp_path.glob("kz-election-bot-*.lock"))  # the per-token lock, in TMPDIR
    assert_private(*tmp_path.glob("kz-election-bot-*.lock"))

    elsewhere = tmp_path / "off-disk" / "backups"
    status, out, err = await run_module("bot.backup", bot_env(fake, data_dir, BACKUP_DIR=str(elsewhere)))
    assert status == 0, err
    (archive,) = elsewhere.glob("backup-*.tar")
    assert_private(data_dir, elsewhere.parent)

    # Restoring it, and rotating the key over what was restored, keep the rule too.
    restored = tmp_path / "restored"
    status, out, err = await run_module("bot.restore", bot_env(fake, restored), args=(str(archive),))
    assert status == 0, err
    assert_private(restored)
    status, out, err = await run_module("bot.rekey", bot_env(fake, restored, SECRET_KEY=NEW_SECRET,
                                                             SECRET_KEY_PREVIOUS=SECRET))
    assert status == 0, err
    assert out.startswith("re-encrypted ") and not out.startswith("re-encrypted 0 ")  # each file rewritten
    assert_private(restored)
    assert fake.refused == [], f"the bot made calls Telegram would refuse: {fake.refused}"


async def test_an_older_data_dir_is_made_private_at_start(fake, data_dir, tmp_path):
    reporter = FakeUser(fake, 7201, language_code="ru")
    async with running_bot(make_settings(fake, data_dir)) as application:
        await up_to_evidence(reporter, "ru", DESCRIPTION)
        await reporter.photo(jpeg())
        await reporter.replies(1)
        await send_anonymously(reporter)
        await jobs.backup(BotContext(application))
    # As versions before this one left it: files 0644, folders 0755; a BACKUP_DIR elsewhere
    # with an archive, and beside it a file of the operator's the bot must leave alone.
    backup_dir = tmp_path / "backups-elsewhere"
    backup_dir.mkdir()
    (backup_dir / "backup-20250101-030000.tar").write_bytes(b"an old archive")
    (backup_dir / "README.txt").write_text("the operator's own file")
    outside = tmp_path / "outside.txt"
    outside.write_text("not the bot's")
    (data_dir / "link-out").symlink_to(outside)  # never followed out of DATA_DIR
    for path in [data_dir, *data_dir.rglob("*"), backup_dir, *backup_dir.iterdir(), outside]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert not_private(data_dir)

    bot = BotProcess(bot_env(fake, data_dir, BACKUP_DIR=str(backup_dir)))
    await bot.start(fake)
    (greeting,) = await FakeUser(fake, 7202, language_code="kk").say("/start")
    assert greeting.message["text"] == L("kk", "start.greeting")
    assert_private(data_dir, backup_dir / "backup-20250101-030000.tar")
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((backup_dir / "README.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644
    status, log = await bot.stop(signal.SIGTERM)
    assert status == 0, log
    # Counts only: no file name (a path can carry a reference) reaches the log.
    assert "files and folders readable by the bot's user only" in log
    assert "evidence/" not in log and "backup-2025" not in log and SECRET not in log
    assert fake.refused == [], f"the bot made calls Telegram would refuse: {fake.refused}"
