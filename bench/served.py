"""The dashboard served on a free local port for a benchmark, each request's server-side time
(and the process's CPU meanwhile: its threads, the database's too) kept by path, and its pages
fetched as a signed-in moderator. Not part of the test suite."""

from __future__ import annotations

import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, AsyncIterator, Iterable

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from services.container import Services


@dataclass
class Served:
    port: int
    times: dict[str, list[float]] = field(default_factory=dict)  # path: seconds, server-side
    cpu: dict[str, list[float]] = field(default_factory=dict)  # path: the process's CPU seconds meanwhile

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def fetch(self, cookie: str, paths: Iterable[str], rounds: int) -> dict[str, int]:
        """Each of ``paths`` ``rounds`` times, in turn; each answer's size by path (200 required)."""
        from web.auth import COOKIE  # the benchmarks set the environment before the app is imported

        sizes: dict[str, int] = {}
        async with aiohttp.ClientSession(headers={"Cookie": f"{COOKIE}={cookie}"}) as client:
            for _ in range(rounds):
                for path in paths:
                    async with client.get(f"{self.url}{path}") as response:
                        assert response.status == 200, (path, response.status)
                        sizes[path] = len(await response.read())
        return sizes


@asynccontextmanager
async def dashboard(services: "Services") -> AsyncIterator[Served]:
    """The dashboard over ``services``, timed, until the block ends."""
    from web.server import make_app

    served = Served(port=0)

    @web.middleware
    async def timed(request, handler):
        began, cpu = time.perf_counter(), time.process_time()
        try:
            return await handler(request)
        finally:
            served.times.setdefault(request.path_qs, []).append(time.perf_counter() - began)
            served.cpu.setdefault(request.path_qs, []).append(time.process_time() - cpu)

    async def changed(report_id: int, redraw: bool) -> None:
        return None

    app = make_app(services, changed)
    app.middlewares.insert(0, timed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    served.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield served
    finally:
        await runner.cleanup()
