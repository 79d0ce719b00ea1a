"""The operator's endpoints: /health is 200 only while the bot polls and its database answers;
/metrics counts updates, failures and the outbox, and holds no personal data."""

from __future__ import annotations

import sqlite3

import aiohttp

from bot import health
from storage.db import Database
from tests.harness import make_settings, running_bot
from tests.report_helpers import L, finish_and_send, up_to_evidence


async def get(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}{path}") as response:
            return response.status, await response.text()


def metric(text: str, name: str) -> float:
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + " ")
               or line.startswith(name + "{"))


async def test_health_and_metrics(fake, data_dir, user_factory, monkeypatch):
    settings = make_settings(fake, data_dir, health_port=0)
    async with running_bot(settings) as application:
        port = application.bot_data[health.PORT]
        status, body = await get(port, "/health")
        assert status == 200 and '"ok"' in body
        user = user_factory("ru", first_name="Гульнара")
        await up_to_evidence(user, "ru", "Студентов заставили прийти на участок и сфотографировать бюллетень.")
        reference = await finish_and_send(user, "ru", evidence=False)
        status, text = await get(port, "/metrics")
        assert status == 200
        # Every update of the walk (each message and tap the fake handed to the bot) is counted.
        assert metric(text, "bot_updates_handled_total") >= len(fake.delivered_at) >= 10
        assert "bot_outbox_backlog{kind=\"confirmation\"}" in text
        assert metric(text, "bot_database_bytes") > 0 and metric(text, "bot_disk_free_bytes") > 0
        for secret in ("Гульнара", str(user.id), reference, "Студентов"):
            assert secret not in text

        async def broken(self):
            raise sqlite3.OperationalError("disk I/O error")
        monkeypatch.setattr(Database, "ping", broken)
        status, body = await get(port, "/health")
        assert status == 503 and "disk I/O error" in body
        monkeypatch.undo()
        await application.updater.stop()
        status, body = await get(port, "/health")
        assert status == 503 and "not polling" in body
        await application.updater.start_polling(poll_interval=0, timeout=5)
    assert fake.refused == []


async def test_no_endpoint_unless_asked(fake, data_dir):
    async with running_bot(make_settings(fake, data_dir)) as application:
        assert health.PORT not in application.bot_data
