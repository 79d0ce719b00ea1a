"""What an operator watches on voting day, in Prometheus' format: updates handled and their lag,
failures by kind, the outbox's backlog, the database and disk, and which of /health's checks
fail. One registry per running bot."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from domain import clock
from storage import outbox
from storage.db import Database


class Metrics:
    """The bot's metrics; the gauges of the database and disk are read when they are scraped."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter("bot_updates_handled", "Updates taken from Telegram", registry=self.registry)
        self.failures = Counter("bot_failures", "Updates or jobs that failed, by kind of failure",
                                ["kind"], registry=self.registry)
        self.lag = Histogram("bot_update_lag_seconds", "From a message's sending to the bot taking it",
                             buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 300), registry=self.registry)
        self.backlog = Gauge("bot_outbox_backlog", "Messages waiting to be delivered, by kind", ["kind"],
                             registry=self.registry)
        self.oldest = Gauge("bot_outbox_oldest_seconds", "Age of the oldest message waiting to be delivered",
                            registry=self.registry)
        self.database = Gauge("bot_database_bytes", "Size of the database file", registry=self.registry)
        self.wal = Gauge("bot_wal_bytes", "Size of the database's write-ahead log", registry=self.registry)
        self.free = Gauge("bot_disk_free_bytes", "Free space where DATA_DIR is", registry=self.registry)
        self.failing = Gauge("bot_health_check_failing", "1 while this check of /health fails (polling, "
                             "database, disk, telegram, outbox), else 0", ["check"], registry=self.registry)
        self.silence = Gauge("bot_telegram_silence_seconds", "Since Telegram last answered a call",
                             registry=self.registry)
        self.backed_up = Gauge("bot_backup_last_success_timestamp_seconds",
                               "When the last archive was made (where=folder) or reached BACKUP_URL (where=bucket)",
                               ["where"], registry=self.registry)
        self.started = time.time()

    def checked(self, failing: dict[str, bool], silence: float) -> None:
        """What /health found, for the gauges of its checks."""
        for check, fails in failing.items():
            self.failing.labels(check).set(1 if fails else 0)
        self.silence.set(silence)

    def took(self, sent_at: float | None) -> None:
        """An update was taken; ``sent_at`` is when Telegram says its message was sent."""
        self.updates.inc()
        if sent_at is not None:
            self.lag.observe(max(0.0, time.time() - sent_at))

    async def render(self, db: Database | None, database_path: Path) -> bytes:
        """The metrics as Prometheus reads them, the database and disk read now; with no
        database (it fails), its gauges keep their last values and the rest is still told."""
        if db is not None:
            counts = await outbox.backlog_by_kind(db)
            for kind in outbox.KINDS:
                self.backlog.labels(kind).set(counts.get(kind, 0))
            _, oldest = await outbox.backlog(db)
            self.oldest.set((clock.now() - clock.parse(oldest)).total_seconds() if oldest else 0)
        try:
            for gauge, path in ((self.database, database_path),
                                (self.wal, database_path.with_name(database_path.name + "-wal"))):
                gauge.set(path.stat().st_size if path.exists() else 0)
            self.free.set(shutil.disk_usage(database_path.parent).free)
        except OSError:
            pass  # the disk check of /health names it
        return generate_latest(self.registry)
