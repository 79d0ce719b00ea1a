"""``python -m bot --demo``: the real bot, as ``python -m bot`` builds it, against the built-in
Telegram on 127.0.0.1, with its data in a temporary (or chosen) DATA_DIR under a key made for
this run; prints the one address to open."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import secrets
import signal
import sys
import tempfile
from pathlib import Path

from dotenv import dotenv_values
from aiohttp import web
from telegram import Update

from bot import logs
from bot.app import DASHBOARD, build_application
from bot.demo import chats as demo_chats
from bot.demo.page import make_app
from bot.demo.rehearsal import Rehearsal
from bot.instance import AlreadyRunning, InstanceLock
from services.i18n import Translator
from bot.settings import Settings
from fake_telegram import FakeTelegram
from storage import startup
from storage.startup import StartupProblem

log = logging.getLogger("bot.demo")
HOST = "127.0.0.1"
# The demo's own token: the shape of a token, so the bot takes it, and plainly not one of Telegram's.
DEMO_TOKEN = "0:DEMO-not-a-telegram-bot-token"
_REAL_LOOKING = re.compile(r"^\d{6,20}:[A-Za-z0-9_-]{30,}$")


def real_looking_token() -> str | None:
    """Where a real-looking bot token is set (the environment or ./.env), or None: the demo
    never starts beside one, so that nothing of it can reach a real bot's chats."""
    found = [("BOT_TOKEN", os.environ.get("BOT_TOKEN", ""))]
    if Path(".env").is_file():
        found.append((".env", str(dotenv_values(".env").get("BOT_TOKEN") or "")))
    for where, token in found:
        if token.strip() and token.strip() != DEMO_TOKEN and _REAL_LOOKING.match(token.strip()):
            return where
    return None


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot --demo", description=__doc__)
    parser.add_argument("--demo", action="store_true", help="run the demonstration (this command)")
    parser.add_argument("--data-dir", type=Path, help="keep the demo's data here (default: a temporary folder)")
    parser.add_argument("--port", type=int, default=8000, help="the demo page's port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--rehearsal", type=int, metavar="N", help="at start, replay N reports of a voting day")
    parser.add_argument("--pace", type=float, default=30.0, help="reports a minute in a rehearsal (default 30)")
    parser.add_argument("--seed", type=int, help="the same rehearsal every time (who files what, where)")
    parser.add_argument("--exit-after-rehearsal", action="store_true",
                        help="print the rehearsal's summary and stop (for a script or a test)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Run the demo until Ctrl+C; returns the exit status (2: it must not start)."""
    options = arguments(argv)
    where = real_looking_token()
    if where is not None:
        print(f"cannot start the demo: a real-looking bot token is set ({where}); the demo makes its own. "
              "Run it where no BOT_TOKEN is set.", file=sys.stderr)
        return 2
    startup.keep_private()
    logs.configure("INFO", [DEMO_TOKEN])
    with tempfile.TemporaryDirectory(prefix="kz-election-demo-") as temporary:
        data_dir = options.data_dir or Path(temporary) / "data"
        try:
            return asyncio.run(_serve(options, data_dir))
        except (StartupProblem, AlreadyRunning) as exc:
            print(f"cannot start: {exc}", file=sys.stderr)
            return 2


async def _serve(options: argparse.Namespace, data_dir: Path) -> int:
    fake = FakeTelegram(DEMO_TOKEN)
    await fake.start(HOST)
    key_file = data_dir / "demo-secret-key"
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not key_file.exists():  # a chosen DATA_DIR keeps its key, for the next run (a demo's data is not secret)
        key_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        key_file.chmod(0o600)
    settings = Settings(_env_file=None, bot_token=DEMO_TOKEN, secret_key_file=key_file, telegram_api_url=fake.url,
                        data_dir=data_dir, admin_ids=",".join(map(str, demo_chats.admin_ids())),
                        moderator_chat_id=demo_chats.GROUP["id"], web_host=HOST, web_port=0)
    startup.check(settings.data_dir, settings.database_path, settings.keys(), min_free=settings.min_free_mb * 2**20)
    lock = InstanceLock(settings.data_dir, DEMO_TOKEN)
    lock.acquire()
    chats = demo_chats.Chats(fake)  # before the bot starts: every message it sends is seen
    application = build_application(settings)
    application.bot_data["services"].demo = True  # the dashboard's pages say so too
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    page: web.AppRunner | None = None
    rehearsal: Rehearsal | None = None
    background: list[asyncio.Task] = []  # stopped before the bot: a made-up person mid-report, the invites
    try:
        await application.initialize()
        await application.post_init(application)
        await application.updater.start_polling(poll_interval=0, timeout=10, allowed_updates=Update.ALL_TYPES)
        await application.start()
        dashboard = application.bot_data[DASHBOARD]
        rehearsal = Rehearsal(fake, application.bot_data["services"], options.seed)
        page = web.AppRunner(make_app(chats, rehearsal, f"http://{HOST}:{dashboard.port}/"), access_log=None)
        await page.setup()
        site = web.TCPSite(page, HOST, options.port)
        try:
            await site.start()
        except OSError:
            print(f"cannot start the demo: port {options.port} is taken (--port 0 picks a free one)", file=sys.stderr)
            return 2
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        accrediting = asyncio.create_task(chats.accredit_observers())
        background.append(accrediting)
        accrediting.add_done_callback(lambda task: task.cancelled() or task.exception() is None
                                      or log.error("observers not accredited: %r", task.exception()))
        print(f"Demo (not a real Telegram): open http://{HOST}:{port}/demo/", flush=True)
        if options.rehearsal:
            rehearsal.start(options.rehearsal, options.pace)
            background.append(asyncio.create_task(
                _summary_when_over(rehearsal, stop if options.exit_after_rehearsal else None)))
        await stop.wait()
    finally:
        if rehearsal is not None and rehearsal.task is not None:
            background.append(rehearsal.task)
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        if page is not None:
            await page.cleanup()
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        await application.post_shutdown(application)
        await fake.stop()
        lock.release()
    return 0


async def _summary_when_over(rehearsal: Rehearsal, stop: asyncio.Event | None) -> None:
    """The command line's rehearsal: its summary printed once every report is in (then the
    demo stops, with --exit-after-rehearsal)."""
    await rehearsal.wait()
    state = await rehearsal.state(Translator("en"))
    print(f"Rehearsal summary:\n{state['summary']}", flush=True)
    if stop is not None:
        stop.set()
