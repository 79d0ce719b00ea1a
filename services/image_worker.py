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
import resource
from concurrent.futures.process import BrokenProcessPool

from services import media
from services.worker_pool import WorkerPool

log = logging.getLogger(__name__)

WORKERS = 2
# A worker's whole address space: the interpreter and Pillow take about 45 MB of it, a picture
# decoded whole at the largest size we draw (16 megapixels, four bytes a pixel) 64 MB and its
# reduction a fraction more. A progressive JPEG 60000 pixels long (whole-size coefficients) does
# not fit, and is flagged.
MEMORY_LIMIT = 256 * 1024 * 1024
TIMEOUT = 120.0  # seconds for one image, start of a worker included

_workers = WorkerPool(WORKERS, MEMORY_LIMIT)


def inspect(data: bytes | bytearray) -> media.ImageFacts:
    """media.inspect_image(data) in a worker; blocks (call it from a thread). A worker that dies
    on it is replaced and the image tried once more (a pool that breaks fails every image it
    held, not only the one to blame); one that dies twice is over the budget."""
    for _ in range(2):
        pool = _workers.executor()
        try:
            # Pickled as it is (a bytearray too): one copy on its way, none kept.
            return pool.submit(media.inspect_image, data).result(timeout=TIMEOUT)
        except BrokenProcessPool:
            _workers.replace(pool)
        except concurrent.futures.TimeoutError:
            log.warning("an image took longer than %d s in the image worker: kept without a preview", TIMEOUT)
            _workers.replace(pool)
            break
        except MemoryError:
            break  # raised in the worker and carried back
    return media.ImageFacts(None, None, False, None, None, metadata="too_large")


def worker_memory_limit() -> int:
    """The address-space limit as a worker sees it (soft and hard are set alike)."""
    return _workers.executor().submit(resource.getrlimit, resource.RLIMIT_AS).result(timeout=TIMEOUT)[1]


def shutdown() -> None:
    """Stop the workers (at the bot's shutdown)."""
    _workers.shutdown()
