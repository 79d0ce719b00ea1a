"""A capped pool of worker processes started once and replaced when it breaks: what the image
checks (services.image_worker) run in."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import multiprocessing.connection
import os
import resource
import threading


def start_worker(limit: int) -> None:
    """In the worker, before any work: its address space may not grow past ``limit``; and it
    ends with the bot, even one killed outright (it would otherwise wait for work forever,
    holding the bot's stdout and stderr open)."""
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    parent = multiprocessing.parent_process()
    if parent is not None:
        def end_with_parent() -> None:
            multiprocessing.connection.wait([parent.sentinel])
            os._exit(0)
        threading.Thread(target=end_with_parent, daemon=True, name="end-with-bot").start()


class WorkerPool:
    """At most ``workers`` processes (``spawn``: fresh interpreters, not forks of the bot's
    threads), each capped at ``memory_limit`` bytes, started on first use."""

    def __init__(self, workers: int, memory_limit: int) -> None:
        self.workers, self.memory_limit = workers, memory_limit
        self._lock = threading.Lock()
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def executor(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=start_worker, initargs=(self.memory_limit,))
            return self._pool

    def replace(self, broken: concurrent.futures.ProcessPoolExecutor) -> None:
        """A worker died (killed at its limit, or could not start): a fresh pool for what follows."""
        with self._lock:
            if self._pool is broken:
                self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        """Stop the workers, waiting for them to end."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def pids(self) -> set[int]:
        """The workers' process ids (for tests and the operator's checks)."""
        with self._lock:
            pool = self._pool
        return {process.pid for process in (pool._processes or {}).values()} if pool is not None else set()
