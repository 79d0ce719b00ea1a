"""Entry point: ``python -m bot`` validates the settings and starts long polling."""

from __future__ import annotations

import logging
import sys

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot import logs
from bot.app import build_application
from bot.instance import AlreadyRunning, InstanceLock
from bot.settings import load_or_report
from storage import startup
from storage.startup import StartupProblem

log = logging.getLogger("bot")
SWITCH_INTERVAL = 0.0005  # seconds


def main() -> int:
    """Start the bot; returns the exit status (2: it must not start as configured)."""
    if "--demo" in sys.argv[1:]:  # the demonstration: its own token, its own Telegram (bot/demo/)
        from bot.demo.run import main as demo

        return demo(sys.argv[1:])
    startup.keep_private()  # first: the lock, the probe and DATA_DIR itself are made below
    settings = load_or_report()
    if settings is None:
        return 2
    secrets = [settings.bot_token, settings.secret_key, settings.secret_key_previous]
    logs.configure(settings.log_level, [s.get_secret_value() for s in secrets if s is not None])
    lock = InstanceLock(settings.data_dir, settings.bot_token.get_secret_value())
    try:
        startup.check(settings.data_dir, settings.database_path, settings.keys(),
                      min_free=settings.min_free_mb * 2**20)
        lock.acquire()
    except (StartupProblem, AlreadyRunning) as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    # Evidence is written in worker threads, which take the GIL back after each system call;
    # at Python's default of 5 ms a thread waits that long for the event loop to let go, and a
    # photo's file and preview need a dozen such hand-overs. 0.5 ms keeps those waits short.
    sys.setswitchinterval(SWITCH_INTERVAL)
    application = build_application(settings)
    log.info("starting long polling")
    try:
        # run_polling stops cleanly on SIGINT and SIGTERM (its default stop_signals).
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print("configuration error: BOT_TOKEN was refused by the Bot API server", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"cannot reach the Bot API server at TELEGRAM_API_URL: {type(exc).__name__}", file=sys.stderr)
        return 1
    finally:
        lock.release()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
