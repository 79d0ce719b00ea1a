"""The operator's endpoints: /health is 200 only while the bot can work (it polls and Telegram
answers, the database takes a write, the disk has room, the outbox moves) and 503 naming what
is wrong otherwise; /metrics says which check fails, counts updates, failures and the outbox,
and holds no personal data."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import aiohttp
import pytest

from bot import health
from tests.harness import PROJECT_ROOT, BotProcess, bot_env, make_settings, running_bot
from tests.report_helpers import finish_and_send, up_to_evidence

GROUP = {"id": -100791, "type": "supergroup", "title": "Moderators"}


async def get(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}{path}") as response:
            return response.status, await response.text()


async def health_becomes(port: int, status: int, timeout: float = 30.0) -> dict:
    """The body of /health once it answers ``status`` (it is asked again until then)."""
    deadline = time.monotonic() + timeout
    while True:
        got, body = await get(port, "/health")
        if got == status:
            return json.loads(body)
        assert time.monotonic() < deadline, f"/health still {got}: {body}"
        await asyncio.sleep(0.2)


def metric(text: str, name: str) -> float:
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + " ")
               or line.startswith(name + "{"))


def failing_checks(text: str) -> set[str]:
    """The checks /metrics says fail (bot_health_check_failing{check="..."} 1.0)."""
    return {line.split('"')[1] for line in text.splitlines()
            if line.startswith("bot_health_check_failing{") and float(line.split()[-1]) == 1}


async def test_health_and_metrics(fake, data_dir, user_factory):
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
        assert failing_checks(text) == set() and metric(text, "bot_health_check_failing") == 0
        assert {f'bot_health_check_failing{{check="{check}"}}' in text for check in health.CHECKS} == {True}
        for secret in ("Гульнара", str(user.id), reference, "Студентов"):
            assert secret not in text

        # The database still answers reads but takes no write (as a read-only or full disk
        # does): a read would say all is well, the bot cannot take a report.
        db = await application.bot_data["services"].db()
        await db.ping()
        await db.conn.execute("PRAGMA query_only = ON")
        status, body = await get(port, "/health")
        assert status == 503 and json.loads(body)["failing"] == ["database"] and "readonly" in body
        assert failing_checks((await get(port, "/metrics"))[1]) == {"database"}
        await db.conn.execute("PRAGMA query_only = OFF")
        await health_becomes(port, 200)

        await application.updater.stop()
        status, body = await get(port, "/health")
        assert status == 503 and "not polling" in body and json.loads(body)["failing"] == ["polling"]
        await application.updater.start_polling(poll_interval=0, timeout=5)
        await health_becomes(port, 200)
    assert fake.refused == []


async def test_a_telegram_outage_is_unhealthy_until_telegram_answers_again(fake, data_dir):
    settings = make_settings(fake, data_dir, health_port=0, health_telegram_silence_seconds=2)
    async with running_bot(settings, expect_errors=True) as application:  # the polls time out
        port = application.bot_data[health.PORT]
        await health_becomes(port, 200)
        fake.latency = 8.0  # Telegram stops answering: every call hangs past the bot's time-out
        body = await health_becomes(port, 503)
        assert body["failing"] == ["telegram"] and "Telegram has not answered" in body["problems"][0]
        _, text = await get(port, "/metrics")
        assert failing_checks(text) == {"telegram"} and metric(text, "bot_telegram_silence_seconds") > 2
        fake.latency = 0.0  # it is back
        await health_becomes(port, 200)
        _, text = await get(port, "/metrics")
        assert failing_checks(text) == set() and metric(text, "bot_telegram_silence_seconds") < 2
    assert fake.refused == []


async def test_an_outbox_that_does_not_move_is_unhealthy(fake, data_dir, user_factory):
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, health_port=0, health_outbox_max_age_seconds=1,
                             moderator_chat_id=GROUP["id"])
    # The group's messages fail (a proxy's 502) while the reporter's chat works: the card waits.
    fake.fault = lambda method, params: 502 if params.get("chat_id") == GROUP["id"] else None
    async with running_bot(settings, expect_errors=True) as application:
        port = application.bot_data[health.PORT]
        user = user_factory("en")
        await up_to_evidence(user, "en", "Our manager told every worker to vote and bring a photo of the ballot.")
        await finish_and_send(user, "en", evidence=False)
        body = await health_becomes(port, 503)
        assert body["failing"] == ["outbox"] and "oldest message has waited" in body["problems"][0]
        assert failing_checks((await get(port, "/metrics"))[1]) == {"outbox"}
        fake.fault = None
        # The outbox tries again (its pause grows from a few seconds) and the card goes.
        await fake.wait_for(lambda: any(call.params.get("chat_id") == GROUP["id"] for call in fake.calls), 60)
        await health_becomes(port, 200, timeout=60)
    assert fake.refused == []


def _can_mount() -> bool:
    if shutil.which("unshare") is None or shutil.which("nsenter") is None or os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs root, unshare -m and nsenter")
async def test_a_nearly_full_disk_is_unhealthy_until_space_is_freed(fake, tmp_path):
    """The bot runs in its own mount namespace on a 220 MB tmpfs (enough to start); a file taking
    30 MB brings it under the 200 MB it needs; removing it makes it healthy again."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bot = BotProcess(bot_env(fake, data_dir, HEALTH_PORT=str(port)))
    bot.process = await asyncio.create_subprocess_exec(
        "unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=220m tmpfs {data_dir} && exec {sys.executable} -m bot",
        cwd=str(PROJECT_ROOT), env=bot.env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    await fake.wait_for(lambda: fake.polls > 0 or bot.process.returncode is not None, 30)
    assert bot.process.returncode is None
    inside = ["nsenter", "-t", str(bot.process.pid), "-m", "--"]  # the bot's view of the disk

    assert (await health_becomes(port, 200))["status"] == "ok"
    subprocess.run([*inside, "fallocate", "-l", "30M", str(data_dir / "filler")], check=True)
    body = await health_becomes(port, 503)
    assert body["failing"] == ["disk"] and "MB free, less than 200 MB" in body["problems"][0]
    assert failing_checks((await get(port, "/metrics"))[1]) == {"disk"}
    subprocess.run([*inside, "rm", str(data_dir / "filler")], check=True)
    await health_becomes(port, 200)
    assert failing_checks((await get(port, "/metrics"))[1]) == set()
    status, log = await bot.stop(signal.SIGTERM)
    assert status == 0, log
    assert fake.refused == []


async def test_no_endpoint_unless_asked(fake, data_dir):
    async with running_bot(make_settings(fake, data_dir)) as application:
        assert health.PORT not in application.bot_data
