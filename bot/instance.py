"""One running bot per data directory and per bot token on this machine.

Two copies on one token split the reports over two databases and hand out the same reference
twice; two on one data directory write one database from two processes. Each copy holds an
exclusive lock for its whole life (released by the kernel when the process ends, even on
SIGKILL); a second copy finds the lock taken and stops with one line naming the first."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO


class AlreadyRunning(Exception):
    """Another copy of the bot holds the lock."""


class InstanceLock:
    """The locks of one running bot; held until ``release`` or the end of the process."""

    def __init__(self, data_dir: Path, token: str) -> None:
        token_id = hashlib.sha256(token.encode()).hexdigest()[:16]  # names the token, reveals nothing
        self._locks = [
            (data_dir / "bot.lock", f"DATA_DIR {data_dir}"),
            (Path(tempfile.gettempdir()) / f"kz-election-bot-{token_id}.lock", "this BOT_TOKEN"),
        ]
        self._held: list[IO[str]] = []

    def acquire(self) -> None:
        for path, what in self._locks:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(path, "a+", encoding="ascii")
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                handle.close()
                self.release()
                raise AlreadyRunning(f"another instance of the bot (pid {holder}) is running with {what}; "
                                     "stop it first (two copies would split and double reports)") from None
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            self._held.append(handle)

    def release(self) -> None:
        for handle in self._held:
            handle.close()
        self._held = []
