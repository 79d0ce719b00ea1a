"""A new person's pseudonym (Argon2id) is computed in a pseudonym thread, not on the event loop's,
while the loop goes on answering others; it is the same pseudonym whichever way it is computed."""

from __future__ import annotations

import asyncio
import threading
import time

from services import kdf_worker
from storage import crypto
from storage.crypto import Keys

SECRET = "kdf-worker-test-secret-0123456789abcdefghij"


async def test_a_pseudonym_is_computed_off_the_event_loop_and_is_the_same(monkeypatch):
    keys = Keys(SECRET)
    threads: list[int] = []
    real = crypto.argon_pseudonym

    def recorded(*args):
        threads.append(threading.get_ident())
        return real(*args)

    monkeypatch.setattr(crypto, "argon_pseudonym", recorded)
    value = await kdf_worker.pseudonym(keys, 4_100_000_001)
    assert threads and threading.get_ident() not in threads
    assert keys.cached_pseudonym(4_100_000_001) == value  # kept for the person's next update
    assert value == real(*keys.pseudonym_job(4_100_000_001).args)  # the same Argon2id, same parameters


def _spins(seconds: float) -> int:
    spins, ends = 0, time.perf_counter() + seconds
    while time.perf_counter() < ends:
        spins += 1
    return spins


def _spins_while_pseudonyms_are_computed(seconds: float) -> int:
    """This thread's spins while another computes pseudonyms one after another."""
    keys, stop = Keys(SECRET), threading.Event()

    def compute() -> None:
        user_id = 4_100_000_100
        while not stop.is_set():
            keys.pseudonym_job(user_id)()
            user_id += 1

    worker = threading.Thread(target=compute)
    worker.start()
    try:
        return _spins(seconds)
    finally:
        stop.set()
        worker.join()


def test_argon2id_lets_other_threads_run_while_it_computes():
    """What computing pseudonyms in threads rests on (cryptography 50 and later): a thread in
    Argon2id leaves the GIL to the others. With cryptography 49 this thread ran at about 40 % of
    its pace alone; with 50 and later, at its full pace. Best of five, each against its pace
    alone just before, so that a busy machine slows both alike."""
    ratios = [_spins_while_pseudonyms_are_computed(0.1) / _spins(0.1) for _ in range(5)]
    assert max(ratios) > 0.65, ratios
