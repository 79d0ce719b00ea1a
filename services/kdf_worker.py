"""New people's pseudonyms (Argon2id, 8 MiB, about 5 ms) computed in worker processes.

cryptography's Argon2id keeps the GIL while it runs: in a worker thread each computation held
the event loop (everyone's answers) for its whole time, and two threads were no faster than
one. A process computes it without the bot's GIL, on the other core. The workers are started
once (``spawn``: a fresh interpreter, not a fork of the bot's threads), at most WORKERS of them,
capped in memory and ending with the bot; a pool that cannot start or breaks falls back to a
thread, so a pseudonym is always computed."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
from concurrent.futures.process import BrokenProcessPool

from services.worker_pool import WorkerPool
from storage.crypto import Keys

log = logging.getLogger(__name__)

WORKERS = 2
MEMORY_LIMIT = 192 * 1024 * 1024  # the interpreter and cryptography, and Argon2id's 8 MiB

_workers = WorkerPool(WORKERS, MEMORY_LIMIT)
# They live as long as the process, not one bot's run: a process that builds several bots (the
# tests' workers) starts them once.
atexit.register(_workers.shutdown)


async def pseudonym(keys: Keys, user_id: int) -> str:
    """The person's pseudonym, computed in a worker process and kept in ``keys``' cache."""
    job = keys.pseudonym_job(user_id)
    loop = asyncio.get_running_loop()
    value: str | None = None
    for _ in range(2):
        pool = _workers.executor()
        try:
            value = await loop.run_in_executor(pool, job)
            break
        except (BrokenProcessPool, OSError, RuntimeError):
            _workers.replace(pool)  # a worker died (or could not start): a fresh pool, once
    if value is None:
        log.warning("pseudonym workers unavailable: computed in a thread")
        value = await asyncio.to_thread(job)
    keys.remember_pseudonym(user_id, value)
    return value


def warm() -> None:
    """Start the workers now (blocking: call it from a thread), so the first new person does not
    wait for an interpreter to start."""
    pool = _workers.executor()
    try:
        concurrent.futures.wait([pool.submit(int) for _ in range(WORKERS)], timeout=60)
    except (BrokenProcessPool, OSError, RuntimeError):
        _workers.replace(pool)


def shutdown() -> None:
    """Stop the workers now (they otherwise end with the process)."""
    _workers.shutdown()


def pids() -> set[int]:
    return _workers.pids()
