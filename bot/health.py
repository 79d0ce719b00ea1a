"""The operator's window on a running bot: ``/health`` (200 only while the bot can work: it polls
Telegram and Telegram answers, its database takes a write, its disk has room and its outbox
moves; 503 naming what is wrong, so a supervisor restarts it or an operator is called) and
``/metrics`` for Prometheus, with a gauge per check. Served by the bot's own process on
HEALTH_HOST:HEALTH_PORT when HEALTH_PORT is set."""

from __future__ import annotations

import asyncio
import logging
import shutil

from aiohttp import web
from telegram.ext import Application

from services.container import Services
from bot.telegram_http import TelegramContact
from domain import clock
from storage import outbox
from storage.failures import describe_failure

log = logging.getLogger(__name__)

DATABASE_ANSWERS_WITHIN = 2.0  # seconds
_RUNNER = "health.runner"
APPLICATION = web.AppKey("application", Application)
PORT = "health.port"  # bot_data: where the endpoints are
CONTACT = "health.contact"  # bot_data: the TelegramContact both transports report to
# Every check, as the metric bot_health_check_failing{check=...} names it.
CHECKS = ("polling", "database", "disk", "telegram", "outbox")


async def start(application: Application) -> int | None:
    """Serve the endpoints; returns the port they are on (None when HEALTH_PORT is not set)."""
    settings = application.bot_data["services"].settings
    if settings.health_port is None:
        return None
    app = web.Application()
    app[APPLICATION] = application
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.health_host, settings.health_port)
    await site.start()
    application.bot_data[_RUNNER] = runner
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # HEALTH_PORT=0: any free one
    application.bot_data[PORT] = port
    log.info("health and metrics on %s:%d", settings.health_host, port)
    return port


async def stop(application: Application) -> None:
    runner = application.bot_data.pop(_RUNNER, None)
    if runner is not None:
        await runner.cleanup()


async def problems(application: Application) -> dict[str, str]:
    """What stops the bot from working now, by check (empty when nothing does); the metrics'
    gauges are set from the same answer."""
    services: Services = application.bot_data["services"]
    settings = services.settings
    found: dict[str, str] = {}
    if application.updater is None or not application.updater.running:
        found["polling"] = "not polling Telegram"
    contact: TelegramContact | None = application.bot_data.get(CONTACT)
    silence = contact.silence() if contact is not None else 0.0
    if silence > settings.health_telegram_silence_seconds:
        found["telegram"] = f"Telegram has not answered for {silence:.0f} s"
    free = await asyncio.to_thread(_free_bytes, settings)
    if free is None:
        found["disk"] = "the free space of DATA_DIR cannot be read"
    elif free < settings.min_free_mb * 2**20:
        found["disk"] = f"DATA_DIR has {free // 2**20} MB free, less than {settings.min_free_mb} MB"
    db = None
    try:
        db = await asyncio.wait_for(services.db(), DATABASE_ANSWERS_WITHIN)
        # A write, not a read: a full or read-only disk still answers reads from its cache.
        await asyncio.wait_for(db.write_probe(), DATABASE_ANSWERS_WITHIN)
    except asyncio.TimeoutError:
        found["database"] = "the database does not answer"
    except Exception as exc:  # noqa: BLE001 - whatever it is, the bot is not healthy
        found["database"] = f"the database cannot be written: {describe_failure(exc) or type(exc).__name__}"
    if db is not None and "database" not in found:
        try:
            _, oldest = await asyncio.wait_for(outbox.backlog(db), DATABASE_ANSWERS_WITHIN)
        except Exception as exc:  # noqa: BLE001
            found["database"] = f"the database fails: {describe_failure(exc) or type(exc).__name__}"
        else:
            waited = (clock.now() - clock.parse(oldest)).total_seconds() if oldest else 0.0
            if waited > settings.health_outbox_max_age_seconds:
                found["outbox"] = f"the outbox's oldest message has waited {waited:.0f} s"
    services.metrics.checked({check: check in found for check in CHECKS}, silence)
    return found


def _free_bytes(settings) -> int | None:
    try:
        return shutil.disk_usage(settings.data_dir).free
    except OSError:
        return None


async def health(request: web.Request) -> web.Response:
    """200 with what was checked, or 503 naming what is wrong."""
    found = await problems(request.app[APPLICATION])
    return web.json_response({"status": "failing" if found else "ok", "problems": list(found.values()),
                              "failing": sorted(found)}, status=503 if found else 200)


async def metrics(request: web.Request) -> web.Response:
    application = request.app[APPLICATION]
    services: Services = application.bot_data["services"]
    found = await problems(application)  # the gauges of the checks, as /health would answer now
    db = None
    if "database" not in found:
        db = await services.db()
    try:
        body = await services.metrics.render(db, services.settings.database_path)
    except Exception:  # noqa: BLE001 - the database failed since: the checks' gauges still tell
        body = await services.metrics.render(None, services.settings.database_path)
    return web.Response(body=body, content_type="text/plain", charset="utf-8",
                        headers={"X-Content-Type-Options": "nosniff"})
