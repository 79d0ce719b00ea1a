"""Running the real bot against the fake Bot API: in this process, or as ``python -m bot``."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from services.i18n import STRICT_ENV
from bot.settings import Settings
from storage import integrity
from tests.fake_telegram import FakeTelegram

TOKEN = "123456789:TEST-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
SECRET = "test-secret-key-0123456789abcdef0123456789abcdef"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
HANDLER_ERRORS = "test.handler_errors"


def bot_env(fake: FakeTelegram, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment a bot process needs to talk to ``fake`` and keep data in ``data_dir``."""
    return {
        "BOT_TOKEN": TOKEN,
        "SECRET_KEY": SECRET,
        "TELEGRAM_API_URL": fake.url,
        "DATA_DIR": str(data_dir),
        "TELEGRAM_PACING": "false",
        "WEB_PORT": "",  # no dashboard unless a test asks for one
        STRICT_ENV: "1",
        # The per-token instance lock lives in the temporary directory: one per test, so a test
        # run beside another (or a process a failed test left) does not hold this one's lock.
        "TMPDIR": str(data_dir.parent),
        **extra,
    }


def make_settings(fake: FakeTelegram, data_dir: Path, **extra: object) -> Settings:
    # Fake users act instantly; pacing each chat to a message a second would only slow the
    # tests down (tests/test_concurrency.py checks the pacing under the fake's flood limits).
    # No dashboard unless a test asks for one (WEB_PORT=0: any free port).
    fields = {"bot_token": TOKEN, "secret_key": SECRET, "telegram_api_url": fake.url,
              "data_dir": data_dir, "telegram_pacing": False, "web_port": None, **extra}
    return Settings(_env_file=None, **fields)


async def _record_error(update: object, context) -> None:
    context.application.bot_data[HANDLER_ERRORS].append(context.error)


@asynccontextmanager
async def running_bot(settings: Settings, *, expect_errors: bool = False,
                      records_intact: bool = True) -> AsyncIterator[Application]:
    """The Application polling the fake server inside the test's event loop. Unless the test
    expects them, an exception in any handler or job fails the test when the bot stops (the
    bot's own error handler would otherwise apologise to the user and the test pass). Unless
    ``records_intact`` is False (a test that changes records behind the bot's back), every
    record must then match its tag: whatever the test did through the bot re-tagged them."""
    application = build_application(settings)
    application.bot_data[HANDLER_ERRORS] = []
    application.add_error_handler(_record_error)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    # As run_polling does (python -m bot): a polling failure goes to the error handlers.
    await application.updater.start_polling(
        poll_interval=0, timeout=5, allowed_updates=Update.ALL_TYPES,
        error_callback=lambda exc: application.create_task(application.process_error(error=exc, update=None)))
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
    errors = application.bot_data[HANDLER_ERRORS]
    if not expect_errors:
        assert errors == [], f"handlers raised: {[repr(error) for error in errors]}"
    if records_intact and settings.database_path.exists():
        verdict = integrity.verify_file(settings.database_path, settings.keys().record_keys())
        assert verdict.intact, f"records changed outside the bot: {integrity.one_line(verdict.findings)}"


async def run_module(module: str, env: dict[str, str], timeout: float = 60.0,
                     args: tuple[str, ...] = ()) -> tuple[int, str, str]:
    """Run ``python -m module args...`` to completion; returns (status, stdout, stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, *args, cwd=str(PROJECT_ROOT),
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT_ROOT), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode, out.decode(), err.decode()


class BotProcess:
    """``python -m bot`` as a child process, for restarts, signals and start-up errors."""

    running: set["BotProcess"] = set()  # killed after each test (conftest), even one that failed

    def __init__(self, env: dict[str, str]) -> None:
        self.env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT_ROOT), **env}
        self.process: asyncio.subprocess.Process | None = None
        BotProcess.running.add(self)

    @classmethod
    async def kill_leftovers(cls) -> None:
        for bot in list(cls.running):
            if bot.process is not None and bot.process.returncode is None:
                bot.process.kill()
                await bot.process.wait()
        cls.running.clear()

    async def start(self, fake: FakeTelegram | None = None, timeout: float = 30.0) -> None:
        polls = fake.polls if fake else 0
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", env=self.env, cwd=str(PROJECT_ROOT),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        if fake is not None:
            # Ready once it polls: by then it has migrated the database and set its commands.
            await fake.wait_for(lambda: fake.polls > polls or self.process.returncode is not None, timeout)

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> tuple[int, str]:
        """Send ``sig`` and wait for the exit; returns (exit status, stderr)."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        _, err = await asyncio.wait_for(self.process.communicate(), timeout)
        return self.process.returncode, err.decode("utf-8", "replace")

    async def finish(self, timeout: float = 30.0) -> tuple[int, str, str]:
        """Wait for a process that exits by itself; returns (status, stdout, stderr)."""
        assert self.process is not None
        out, err = await asyncio.wait_for(self.process.communicate(), timeout)
        return self.process.returncode, out.decode(), err.decode()
