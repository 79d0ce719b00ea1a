"""Image work (decoding, previews, metadata) in worker processes with a hard memory limit.

Pillow's decoders are C code fed by strangers: a shape nobody thought of (a JPEG 60000 pixels
long), a decoder bug or a bomb could take whatever memory it asks for. Here it asks inside a
process whose address space is capped (RLIMIT_AS, set before any image is opened), so an
allocation past the budget fails there (MemoryError) or the worker dies, and the bot's own
process never grows with an image. Either way the file is kept byte-exact, without a preview,
and flagged for moderators ("too_large").

Workers are started with ``spawn`` (a fresh interpreter, not a fork of the bot's threads and
memory) and reused; at most WORKERS images are worked on at once, whatever the uploads."""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import multiprocessing.connection
import os
import resource
import threading
from concurrent.futures.process import BrokenProcessPool

from services import media

log = logging.getLogger(__name__)

WORKERS = 2
# A worker's whole address space: the interpreter and Pillow take about 45 MB of it, a picture
# decoded whole at the largest size we draw (16 megapixels, four bytes a pixel) 64 MB and its
# reduction a fraction more. A progressive JPEG 60000 pixels long (whole-size coefficients) does
# not fit, and is flagged.
MEMORY_LIMIT = 256 * 1024 * 1024
TIMEOUT = 120.0  # seconds for one image, start of a worker included

_lock = threading.Lock()
_pool: concurrent.futures.ProcessPoolExecutor | None = None


def start_worker(limit: int) -> None:
    """In the worker, before any image: its address space may not grow past ``limit``; and it
    ends with the bot, even one killed outright (it would otherwise wait for work forever,
    holding the bot's stdout and stderr open)."""
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    parent = multiprocessing.parent_process()
    if parent is not None:
        def end_with_parent() -> None:
            multiprocessing.connection.wait([parent.sentinel])
            os._exit(0)
        threading.Thread(target=end_with_parent, daemon=True, name="end-with-bot").start()


def _executor() -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker, initargs=(MEMORY_LIMIT,))
        return _pool


def _replace(broken: concurrent.futures.ProcessPoolExecutor) -> None:
    """A worker died (killed at its limit, or a decoder crashed): a fresh pool for what follows."""
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def inspect(data: bytes | bytearray) -> media.ImageFacts:
    """media.inspect_image(data) in a worker; blocks (call it from a thread). A worker that dies
    on it is replaced and the image tried once more (a pool that breaks fails every image it
    held, not only the one to blame); one that dies twice is over the budget."""
    for _ in range(2):
        pool = _executor()
        try:
            # Pickled as it is (a bytearray too): one copy on its way, none kept.
            return pool.submit(media.inspect_image, data).result(timeout=TIMEOUT)
        except BrokenProcessPool:
            _replace(pool)
        except concurrent.futures.TimeoutError:
            log.warning("an image took longer than %d s in the image worker: kept without a preview", TIMEOUT)
            _replace(pool)
            break
        except MemoryError:
            break  # raised in the worker and carried back
    return media.ImageFacts(None, None, False, None, None, metadata="too_large")


def worker_memory_limit() -> int:
    """The address-space limit as a worker sees it (soft and hard are set alike)."""
    return _executor().submit(resource.getrlimit, resource.RLIMIT_AS).result(timeout=TIMEOUT)[1]


def shutdown() -> None:
    """Stop the workers (at the bot's shutdown)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
