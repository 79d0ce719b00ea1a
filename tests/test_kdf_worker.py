"""A new person's pseudonym (Argon2id) is computed in a worker process, not on the bot's GIL,
and is the same pseudonym whichever way it was computed; a worker that dies loses no pseudonym."""

from __future__ import annotations

import os

from services import kdf_worker
from storage import crypto
from storage.crypto import Keys

SECRET = "kdf-worker-test-secret-0123456789abcdefghij"


def _computed_in() -> set[int]:
    return kdf_worker.pids()


async def test_a_pseudonym_is_computed_in_a_worker_process_and_is_the_same(monkeypatch):
    keys = Keys(SECRET)
    computed_here = []
    real = kdf_worker.asyncio.to_thread
    monkeypatch.setattr(kdf_worker.asyncio, "to_thread", lambda *a: computed_here.append(a) or real(*a))
    try:
        value = await kdf_worker.pseudonym(keys, 4_100_000_001)
        workers = _computed_in()
    finally:
        kdf_worker.shutdown()
    assert computed_here == [] and workers and os.getpid() not in workers
    assert keys.cached_pseudonym(4_100_000_001) == value  # kept for the person's next update
    assert value == crypto.argon_pseudonym(*keys.pseudonym_job(4_100_000_001).args)  # the same Argon2id, same parameters


async def test_a_worker_that_dies_loses_no_pseudonym():
    keys = Keys(SECRET)
    first = await kdf_worker.pseudonym(keys, 4_100_000_002)
    for pid in _computed_in():
        os.kill(pid, 9)
    try:
        second = await kdf_worker.pseudonym(keys, 4_100_000_003)
    finally:
        kdf_worker.shutdown()
    assert first != second and keys.cached_pseudonym(4_100_000_003) == second
    assert second == crypto.argon_pseudonym(*keys.pseudonym_job(4_100_000_003).args)
