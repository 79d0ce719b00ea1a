"""The dashboard's aiohttp application and its place in the bot's process (started and stopped
with the bot, on WEB_HOST:WEB_PORT)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Awaitable, Callable

from aiohttp import web

from services import tally
from services.container import Services
from web import views_auth, views_day, views_map, views_people, views_queue, views_report, views_tally
from web.auth import require_staff
from web.context import BOT_NAME, CHANGED, SERVICES
from web.render import ERROR_PAGES, error_page

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


async def _home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/queue")


def _failures(failed: Callable[[BaseException], None]):
    """A refusal or a page that fails is a page in the visitor's language that says only what
    happened, nothing of the data or of the failure; a failure also goes to the bot's error
    handler, as a handler's does (the staff are told, tests fail)."""
    @web.middleware
    async def middleware(request: web.Request, handler):
        try:
            return await handler(request)
        except web.HTTPException as refused:
            if refused.status not in ERROR_PAGES:
                raise  # redirects
            return error_page(request, refused.status)
        except Exception as exc:  # noqa: BLE001 - whatever it is, the visitor gets a plain 500
            failed(exc)
            return error_page(request, 500)
    return middleware


def make_app(services: Services, changed: Callable[[int, bool], Awaitable[None]],
             failed: Callable[[BaseException], None] = lambda exc: log.exception("dashboard page failed"),
             bot_name: Callable[[], str] = lambda: "") -> web.Application:
    app = web.Application(middlewares=[_failures(failed), require_staff], client_max_size=64 * 1024)
    app[SERVICES] = services
    app[CHANGED] = changed
    app[BOT_NAME] = bot_name
    app.router.add_get("/", _home)
    app.router.add_get("/login/{token}", views_auth.login_page)
    app.router.add_post("/login", views_auth.login)
    app.router.add_get("/app", views_auth.mini_app)
    app.router.add_post("/webapp/login", views_auth.mini_app_login)
    app.router.add_post("/logout", views_auth.logout)
    app.router.add_get("/queue", views_queue.queue)
    app.router.add_get("/queue/rows", views_queue.queue_rows)
    app.router.add_post("/queue/bulk", views_queue.bulk)
    app.router.add_get("/report/{reference}", views_report.page)
    app.router.add_post("/report/{reference}", views_report.change)
    app.router.add_get("/report/{reference}/version", views_report.version)
    app.router.add_get("/report/{reference}/bundle", views_report.bundle)
    app.router.add_get("/queue/export", views_queue.export)
    app.router.add_get("/people", views_people.page)
    app.router.add_post("/people/invite", views_people.invite)
    app.router.add_post("/people/invite/{id}/revoke", views_people.revoke)
    app.router.add_get("/map", views_map.page)
    app.router.add_get("/map/data", views_map.data)
    app.router.add_get("/day", views_day.page)
    app.router.add_get("/tally", views_tally.page)
    app.router.add_get("/tally/export", views_tally.export)
    app.router.add_get("/tally/{region}/{precinct}", views_tally.precinct)
    app.router.add_post("/tally/{region}/{precinct}/confirm", views_tally.confirm)
    app.router.add_get("/official", views_tally.upload_page)
    app.router.add_post("/official", views_tally.upload)
    app.router.add_get("/evidence/{id}/{which:preview|original}", views_report.file)
    app.router.add_static("/static/", STATIC, append_version=True)
    return app


class Dashboard:
    """The running server; ``port`` is where it listens (WEB_PORT=0: any free one)."""

    def __init__(self, runner: web.AppRunner, port: int, warming: asyncio.Task | None = None) -> None:
        self.runner, self.port, self.warming = runner, port, warming


async def _warm(services: Services) -> None:
    """Read the whole country's tally once at start, so that the first moderator to open it is
    answered from what changed since (services.tally.current), not by reading it all."""
    try:
        await tally.current(await services.db(), services.settings.counts_discrepancy)
    except Exception:  # noqa: BLE001 - the page reads it then; nothing is lost
        log.warning("the tally could not be read at start", exc_info=True)


async def start(services: Services, changed: Callable[[int, bool], Awaitable[None]],
                failed: Callable[[BaseException], None], bot_name: Callable[[], str] = lambda: "") -> Dashboard | None:
    settings = services.settings
    if settings.web_port is None:
        return None
    runner = web.AppRunner(make_app(services, changed, failed, bot_name), access_log=None)  # no addresses or paths in logs
    await runner.setup()
    site = web.TCPSite(runner, settings.web_host, settings.web_port)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    services.web_port = port
    log.info("dashboard on %s:%d", settings.web_host, port)
    return Dashboard(runner, port, asyncio.get_running_loop().create_task(_warm(services)))


async def stop(dashboard: Dashboard | None) -> None:
    if dashboard is not None:
        if dashboard.warming is not None and not dashboard.warming.done():
            dashboard.warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await dashboard.warming
        await dashboard.runner.cleanup()
