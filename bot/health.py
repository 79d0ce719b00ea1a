"""The operator's window on a running bot: ``/health`` (200 only while the bot polls Telegram and
its database answers; a supervisor restarts it otherwise) and ``/metrics`` for Prometheus.
Served by the bot's own process on HEALTH_HOST:HEALTH_PORT when HEALTH_PORT is set."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from telegram.ext import Application

from bot.services.container import Services
from storage.failures import describe_failure

log = logging.getLogger(__name__)

DATABASE_ANSWERS_WITHIN = 2.0  # seconds
_RUNNER = "health.runner"
APPLICATION = web.AppKey("application", Application)
PORT = "health.port"  # bot_data: where the endpoints are


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


async def health(request: web.Request) -> web.Response:
    """200 with what was checked, or 503 naming what is wrong."""
    application = request.app[APPLICATION]
    services: Services = application.bot_data["services"]
    problems = []
    if application.updater is None or not application.updater.running:
        problems.append("not polling Telegram")
    try:
        db = await asyncio.wait_for(services.db(), DATABASE_ANSWERS_WITHIN)
        await asyncio.wait_for(db.ping(), DATABASE_ANSWERS_WITHIN)
    except asyncio.TimeoutError:
        problems.append("the database does not answer")
    except Exception as exc:  # noqa: BLE001 - whatever it is, the bot is not healthy
        problems.append(f"the database fails: {describe_failure(exc) or type(exc).__name__}")
    status = 503 if problems else 200
    return web.json_response({"status": "failing" if problems else "ok", "problems": problems}, status=status)


async def metrics(request: web.Request) -> web.Response:
    application = request.app[APPLICATION]
    services: Services = application.bot_data["services"]
    body = await services.metrics.render(await services.db(), services.settings.database_path)
    return web.Response(body=body, content_type="text/plain", charset="utf-8",
                        headers={"X-Content-Type-Options": "nosniff"})
