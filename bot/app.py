"""Building the python-telegram-bot Application from the settings."""

from __future__ import annotations

import asyncio
import gc
import logging

from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

import handlers
from handlers import dashboard, integrity, jobs
from bot import health
from bot.rate_limit import TelegramRateLimiter
from bot.telegram_http import AiohttpRequest, TelegramContact
from bot.update_processor import PerChatUpdateProcessor
from services.menus import register_staff_commands, register_user_commands
from services.container import Services
from handlers.context import BotContext
from bot.settings import Settings
from handlers.report_wizard import CONVERSATION
from services import image_worker
from services.evidence import remove_orphans
from storage import downloads, drafts, evidence, outbox, startup
from storage.persistence import SqlitePersistence
from web import server as web_server

log = logging.getLogger(__name__)
DASHBOARD = "dashboard"  # bot_data: the running web dashboard (web.server.Dashboard), or None


def build_application(settings: Settings) -> Application:
    """The whole bot, ready for ``run_polling`` or for tests to start by hand."""
    startup.keep_private()  # before anything below opens a file (persistence opens the database)
    services = Services(settings=settings, keys=settings.keys())
    # The wizard's state is its draft's step: written once, with the draft, at every step.
    persistence = SqlitePersistence(services.db, services.keys, readers={CONVERSATION: drafts.wizard_states})
    root = settings.telegram_api_url
    contact = TelegramContact()  # both transports report Telegram's answers to /health
    application = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .local_mode(settings.telegram_local_mode)
        .request(AiohttpRequest(contact=contact))
        .get_updates_request(AiohttpRequest(connections=1, contact=contact))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz))
        .rate_limiter(TelegramRateLimiter(pacing=settings.telegram_pacing))
        .concurrent_updates(PerChatUpdateProcessor(settings.max_concurrent_updates))
        .context_types(ContextTypes(context=BotContext))
        .persistence(persistence)
        .post_init(_on_startup)
        .post_shutdown(_on_shutdown)
        .build()
    )
    application.bot_data["services"] = services
    application.bot_data[health.CONTACT] = contact
    # Background sends waiting for a group's minute give up once a stop begins (bot.rate_limit).
    application.bot.rate_limiter.stopping = lambda: not application.running
    handlers.register(application)
    return application


async def _on_startup(application: Application) -> None:
    services: Services = application.bot_data["services"]
    db = await services.db()
    await startup.mark(db, services.settings.data_dir, services.keys)
    await asyncio.to_thread(startup.make_private, services.settings.data_dir, services.settings.backup_folder)
    await integrity.check_at_start(application)  # before the first update can change a record
    await outbox.release_all(db)
    await downloads.release_all(db)  # downloads a kill cut are owed: the job takes them up at once
    orphans = await asyncio.to_thread(remove_orphans, services.settings.data_dir, await evidence.stored_paths(db))
    if orphans:
        log.info("removed %d evidence files no report or draft refers to", orphans)
    log.info("database ready at schema version %d", await db.schema_version())
    await register_user_commands(application.bot, services.translator)
    await register_staff_commands(application.bot, services)
    jobs.schedule(application)
    await health.start(application)
    application.bot_data[DASHBOARD] = await web_server.start(
        services, _after_dashboard_change(application),
        lambda exc: application.create_task(application.process_error(update=None, error=exc)),
        lambda: application.bot.username)
    # What start-up made (modules, catalogs, locale data, handlers) lives as long as the bot: out
    # of the collector's full passes, which walked it all every time (up to 88 ms in
    # bench.steps, the photo step's slowest answers; BENCHMARKS.md, session 4).
    gc.freeze()


def _after_dashboard_change(application: Application):
    """What the dashboard calls after a change: the bot redraws the card and tells the reporter,
    in a job of its own, so the page does not wait for Telegram."""
    async def changed(report_id: int, redraw: bool) -> None:
        application.job_queue.run_once(dashboard.after_change, 0, data=(report_id, redraw), name="dashboard:changed")
    return changed


async def _on_shutdown(application: Application) -> None:
    gc.unfreeze()  # collectable again (tests start many bots in one process)
    await web_server.stop(application.bot_data.pop(DASHBOARD, None))
    await health.stop(application)
    await application.bot_data["services"].close()
    await asyncio.to_thread(image_worker.shutdown)  # its processes end with the bot
