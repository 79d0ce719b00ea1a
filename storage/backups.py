"""Nightly copies of the database, made with SQLite's backup API (consistent while the bot writes)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from domain import clock


def make_backup(database: Path, folder: Path, keep: int) -> Path:
    """Copy ``database`` into ``folder`` under a time-stamped name; keep the newest ``keep``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"bot-{clock.now().strftime('%Y%m%d-%H%M%S')}.sqlite3"
    source, copy = sqlite3.connect(database), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    for old in sorted(folder.glob("bot-*.sqlite3"))[:-keep]:
        old.unlink()
    return target
