"""New people's pseudonyms (Argon2id, 8 MiB, a few milliseconds) computed in two threads of
their own, off the event loop.

cryptography releases the GIL while Argon2id runs since release 50 (before it, a computation held
every answer for its whole time, and the pseudonyms lived in worker processes): a thread now
computes it beside the event loop, on the other core, without pickling each job into another
interpreter and its result back (BENCHMARKS.md, session 4). WORKERS bounds how many run at once:
more threads than cores would only share the same two."""

from __future__ import annotations

import asyncio
import concurrent.futures

from storage.crypto import Keys

WORKERS = 2

_threads = concurrent.futures.ThreadPoolExecutor(WORKERS, thread_name_prefix="pseudonym")


async def pseudonym(keys: Keys, user_id: int) -> str:
    """The person's pseudonym, computed in a pseudonym thread and kept in ``keys``' cache."""
    value = await asyncio.get_running_loop().run_in_executor(_threads, keys.pseudonym_job(user_id))
    keys.remember_pseudonym(user_id, value)
    return value
