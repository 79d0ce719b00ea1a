"""Receiving evidence: download, SHA-256 at receipt, byte-exact encrypted storage, and for
photos the metadata summary and a clean re-encoded preview for the moderators' cards (drawn in
the image worker, a process under a hard memory limit); for videos, what their boxes hold (a
location, the device, an author); for documents, whether their own data names an author; and
for each, whether that metadata could be read whole (``metadata``). The sender's file name is
never kept: only whether Telegram holds one, so that such a file is never re-sent by file_id.

A file is streamed, never held whole: each piece is hashed and encrypted into a ``.part`` file
as it arrives, which becomes ``.enc`` only when complete. Only images up to the Bot API's 20 MB
are also gathered in memory, because Pillow needs the whole picture for a preview.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import struct
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, AsyncIterator, Callable, Iterable

import aiohttp
from telegram import Bot, Message
from telegram.error import NetworkError, TimedOut

from services import embedded_metadata, file_metadata, image_worker
from services.filetypes import MARKUP_SNIFF, content_matches, is_active, is_markup
from services.text import clean
from storage.crypto import FileUnreadable, FileWriter, Keys
from domain.clock import utcnow
from storage.evidence import STORED_FOLDERS
from storage.models import EvidenceRecord

log = logging.getLogger(__name__)

BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses larger files on Telegram's servers
LOCAL_API_DOWNLOAD_LIMIT = 2000 * 1024 * 1024
MAX_FILES = 20
IMAGE_IN_MEMORY_LIMIT = BOT_API_DOWNLOAD_LIMIT  # larger images are kept byte-exact, without a preview
# Pieces are handed to a worker thread for hashing, encryption and writing in batches of this
# size: large enough that thread hops cost little, small enough to keep memory flat.
WRITE_BATCH = 256 * 1024
# A long file is flushed to disk as it comes, this much at a time: one fsync of 20 MB at the end
# (times 20 uploads finishing together) would stall every other write on the disk, SQLite's too.
SYNC_EVERY = 2 * 1024 * 1024
_SNIFF = 16  # filetypes.content_matches looks no further than this into a file
# A slow link is fine as long as bytes keep coming: the read timeout is per chunk, not per file.
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=10.0, sock_read=60.0)

_DOCUMENT_TYPES = {
    "application/pdf", "text/plain", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
}
_MEDIA_PREFIXES = ("image/", "video/", "audio/")
CAPTION_MAX = 1024  # Telegram's own limit for a caption


@dataclass(frozen=True)
class IncomingFile:
    kind: str
    file_id: str
    file_unique_id: str
    size: int | None
    mime_type: str | None
    named: bool  # Telegram holds a file name the sender chose; the name itself is not kept
    media_group_id: str | None
    caption: str | None = None  # the text written under it


class UnsupportedFile(ValueError):
    """A document of a type we do not take as evidence."""


class ContentMismatch(ValueError):
    """The bytes are not what the file claims to be (a renamed executable, a fake JPEG)."""


def incoming_file(message: Message) -> IncomingFile | None:
    """The evidence file a message carries, or None; raises UnsupportedFile for bad types."""
    kinds = (("photo", message.photo[-1] if message.photo else None), ("video", message.video),
             ("document", message.document), ("voice", message.voice), ("audio", message.audio),
             ("video_note", message.video_note))
    for kind, item in kinds:
        if item is None:
            continue
        mime = getattr(item, "mime_type", None) or ("image/jpeg" if kind == "photo" else None)
        if kind == "document" and not (mime in _DOCUMENT_TYPES or (mime or "").startswith(_MEDIA_PREFIXES)):
            raise UnsupportedFile(mime or "unknown")
        return IncomingFile(kind, item.file_id, item.file_unique_id, item.file_size, mime,
                            bool(getattr(item, "file_name", None)), message.media_group_id,
                            clean(message.caption or "")[:CAPTION_MAX] or None)
    return None


def reference(incoming: IncomingFile) -> EvidenceRecord:
    """What is known of a file the moment its message arrives (the receipt time is now): kept
    before its download, which fills in the hash and the stored copy (storage.downloads)."""
    return EvidenceRecord(
        kind=incoming.kind, file_id=incoming.file_id, file_unique_id=incoming.file_unique_id,
        mime_type=incoming.mime_type, sender_named=incoming.named, size=incoming.size,
        received_at=utcnow(), media_group_id=incoming.media_group_id, caption=incoming.caption, pending=True,
    )


async def receive(bot: Bot, incoming: IncomingFile | EvidenceRecord, data_dir: Path, download_limit: int,
                  keys: Keys, *, client: aiohttp.ClientSession | None = None) -> EvidenceRecord:
    """Download and store one file; one too large for the Bot API is kept by file_id only.
    Raises ContentMismatch when the bytes contradict the claimed type. ``client`` is the
    shared download client (Services.download_client()); without it one is made per call.
    Given its kept reference, the record keeps its id and receipt time (when the message came,
    not when the download ended)."""
    record = reference(incoming) if isinstance(incoming, IncomingFile) else incoming
    record = record.model_copy(update={"pending": False})
    too_big = record.model_copy(update={"too_big": True})
    if record.size is not None and record.size > download_limit:
        return too_big
    telegram_file = await bot.get_file(record.file_id)
    if telegram_file.file_size is not None and telegram_file.file_size > download_limit:
        return too_big
    if not telegram_file.file_path:
        raise NetworkError("Telegram gave no path to download the file from")
    known_size = max(record.size or 0, telegram_file.file_size or 0)
    is_image = (record.kind == "photo" or (record.mime_type or "").startswith("image/")) \
        and not is_active(record.mime_type)
    stored = _StoredFile(data_dir, keys)
    try:
        update = await _stream_to_disk(
            _file_chunks(bot, telegram_file.file_path, client), stored, record.mime_type, download_limit,
            keep_image=is_image and known_size <= IMAGE_IN_MEMORY_LIMIT, kind=record.kind)
    except _TooBig:
        stored.discard()
        return too_big
    except BaseException:
        # An error, ContentMismatch or a cancellation: no half file stays behind.
        stored.discard()
        raise
    return record.model_copy(update=update)


class _TooBig(Exception):
    """The stream went past the download limit (the announced size was wrong or missing)."""


async def _stream_to_disk(chunks: AsyncIterator[bytes], stored: _StoredFile, mime_type: str | None,
                          limit: int, keep_image: bool, kind: str | None = None) -> dict[str, Any]:
    """Hash, check and encrypt the pieces as they arrive; the fields of the stored record."""
    size = 0
    head = b""
    checked = False
    pending = bytearray()
    image: bytearray | None = bytearray() if keep_image else None
    async with contextlib.aclosing(chunks):
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise _TooBig()
            if len(head) < MARKUP_SNIFF:
                head += chunk[:MARKUP_SNIFF - len(head)]
            if not checked and len(head) >= _SNIFF:
                _check_type(mime_type, head)  # before a byte is stored
                checked = True
            if image is not None:
                image += chunk
                if len(image) > IMAGE_IN_MEMORY_LIMIT:
                    image = None  # kept byte-exact all the same, just without a preview
            pending += chunk
            if len(pending) >= WRITE_BATCH:
                batch, pending = pending, bytearray()
                await stored.in_thread(stored.write, batch)
    if not checked:
        _check_type(mime_type, head)  # a file shorter than the signatures we know
    markup = is_markup(head)
    # One trip to a worker thread for the end of the file, its preview and its metadata (none
    # for markup, which is never drawn or read as a document).
    previews = await stored.in_thread(stored.finish, pending, None if markup else image,
                                      None if markup else mime_type, None if markup else kind)
    fields = {"sha256": stored.sha256.hexdigest(), "size": size, "stored_path": str(stored.relative), **previews}
    if markup and not is_active(mime_type):
        fields["mime_type"] = "text/html"  # what it is: shown as such, never rendered
    return fields


_ISO_MEDIA_TYPES = ("video/mp4", "video/quicktime", "audio/mp4", "audio/x-m4a", "audio/m4a")


def is_iso_media(kind: str | None, mime_type: str | None) -> bool:
    """A video (MP4, MOV, a round video) or an M4A recording, whose metadata is in ISO BMFF boxes."""
    return kind in ("video", "video_note") or (mime_type or "").lower() in _ISO_MEDIA_TYPES


def _check_type(mime_type: str | None, head: bytes) -> None:
    if not content_matches(mime_type, head):
        raise ContentMismatch(mime_type or "")


class _StoredFile:
    """The encrypted copy of one download, with its previews: ``.part`` while it is being
    written, ``.enc`` once complete; discard() removes whatever exists of it."""

    def __init__(self, data_dir: Path, keys: Keys) -> None:
        self.data_dir = data_dir
        self.keys = keys
        self.relative = _new_name("evidence")
        self.sha256 = hashlib.sha256()  # of the bytes exactly as Telegram served them
        self._part = (data_dir / self.relative).with_suffix(".part")
        self._extra: list[Path] = []  # previews written so far
        self._fh: IO[bytes] | None = None
        self._writer: FileWriter | None = None
        self._running: asyncio.Future | None = None
        self._unsynced = 0

    async def in_thread(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` in a worker thread. A cancelled to_thread cannot stop its
        thread, which may still be writing: we wait for it, so discard() comes after it."""
        self._running = asyncio.ensure_future(asyncio.to_thread(function, *args))
        try:
            return await asyncio.shield(self._running)
        except asyncio.CancelledError:
            await asyncio.wait([self._running])
            if not self._running.cancelled():
                self._running.exception()  # seen: the cancellation is what we report
            raise

    def write(self, data: bytearray) -> None:
        """Hash and encrypt one batch into the ``.part`` file, which the first batch creates."""
        if self._writer is None:
            self._fh = _create(self._part)
            self._writer = self.keys.file_writer(self._fh)
        self.sha256.update(data)
        self._writer.write(data)
        self._unsynced += len(data)
        if self._unsynced >= SYNC_EVERY:
            self._fh.flush()
            os.fdatasync(self._fh.fileno())
            self._unsynced = 0

    def finish(self, data: bytearray, image: bytearray | None, mime_type: str | None,
               kind: str | None = None) -> dict[str, Any]:
        """The last piece (maybe empty): seal, flush to disk, and only then call it ``.enc``;
        then the preview of a photo, or the author flag of a document. Returns those fields."""
        self.write(data)
        self._writer.close()
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._part, self.data_dir / self.relative)
        if image is not None:
            return self.add_previews(image)
        if file_metadata.looks_into(mime_type):
            return self.document_facts(mime_type)
        if is_iso_media(kind, mime_type):
            return self.media_facts(embedded_metadata.iso_media)
        if (mime_type or "").lower() == "audio/mpeg":
            return self.media_facts(embedded_metadata.audio_mpeg)
        # A voice message is Telegram's own recording, and plain text has no metadata: read.
        return {"metadata": "read"} if kind == "voice" or mime_type == "text/plain" else {}

    def document_facts(self, mime_type: str | None) -> dict[str, Any]:
        """Whether a PDF, Office or OpenDocument file names an author, read back from the stored
        file through the decrypting reader, a chunk at a time. Never the name; never logged."""
        try:
            with open(self.data_dir / self.relative, "rb") as fh:
                named = file_metadata.names_an_author(mime_type, self.keys.iter_decrypt(fh))
            return {"had_author": named, "metadata": "unreadable" if named is None else "read"}
        except (FileUnreadable, OSError) as exc:
            log.warning("stored document not read back for its metadata (%s)", type(exc).__name__)
        except Exception as exc:  # noqa: BLE001 - a file our reader trips on is still evidence
            log.warning("document metadata not read (%s)", type(exc).__name__)
        return {"metadata": "unreadable"}

    def media_facts(self, reader: Callable[[Iterable[bytes]], embedded_metadata.Found]) -> dict[str, Any]:
        """A location, the device, a serial or an author in a video's boxes (MP4, MOV, M4A) or an
        MP3's tags, read back from the stored file a chunk at a time (only small metadata boxes
        and tags are held)."""
        try:
            with open(self.data_dir / self.relative, "rb") as fh:
                found = reader(self.keys.iter_decrypt(fh))
        except (embedded_metadata.Unreadable, FileUnreadable, OSError, struct.error, IndexError, ValueError) as exc:
            log.info("media metadata not read (%s)", type(exc).__name__)
            return {"metadata": "unreadable"}
        except Exception as exc:  # noqa: BLE001 - a file our reader trips on is still evidence
            log.warning("media metadata reader failed (%s)", type(exc).__name__)
            return {"metadata": "unreadable"}
        return {"captured_at": found.captured_at, "camera_model": found.camera_model, "had_gps": found.had_gps,
                "had_serial": found.had_serial, "had_author": found.had_author, "metadata": "read"}

    def add_previews(self, image: bytearray) -> dict[str, Any]:
        """Metadata and clean copies of a photo, from the image worker; a file it could not read
        or draw within its budget is kept byte-exact all the same, without a preview, flagged."""
        facts = image_worker.inspect(image)
        update: dict[str, Any] = {"captured_at": facts.captured_at, "camera_model": facts.camera_model,
                                  "had_gps": facts.had_gps, "had_author": facts.had_author,
                                  "had_serial": facts.had_serial, "metadata": facts.metadata}
        if facts.preview is None:
            return update  # too large to draw safely: the original alone, byte-exact
        relative = _new_name("previews")
        self._extra.append(self.data_dir / relative)
        _write_redrawable(self.data_dir / relative, self.keys.encrypt_file(facts.preview))
        update["preview_path"] = str(relative)
        return update

    def discard(self) -> None:
        """Remove the ``.part``, the ``.enc`` and previews, once no worker thread writes them."""
        if self._running is not None and not self._running.done():
            # Cancelled twice while a thread was still at work: clean up when it ends.
            self._running.add_done_callback(lambda _: self._remove())
        else:
            self._remove()

    def _remove(self) -> None:
        if self._fh is not None:
            self._fh.close()
        for path in (self._part, self.data_dir / self.relative, *self._extra,
                     *(p.with_suffix(".part") for p in self._extra)):
            path.unlink(missing_ok=True)


def _file_chunks(bot: Bot, file_path: str, client: aiohttp.ClientSession | None) -> AsyncIterator[bytes]:
    """The file's bytes as they come: read from disk in local Bot API mode, else over HTTP."""
    # PTB's get_file leaves file_path as it is when it names an existing local file (local
    # mode: an absolute path) and otherwise prefixes it with base_file_url, token included.
    if bot.local_mode and os.path.isabs(file_path):
        return _local_chunks(Path(file_path))
    if not file_path.startswith(("http://", "https://")):
        file_path = f"{bot.base_file_url}/{file_path}"  # a relative path PTB took for a local one
    return _http_chunks(_encoded_url(file_path), client)


async def _local_chunks(path: Path) -> AsyncIterator[bytes]:
    """A local file in WRITE_BATCH reads, each in a worker thread: the loop never waits on disk."""
    fh = await asyncio.to_thread(open, path, "rb")
    try:
        while chunk := await asyncio.to_thread(fh.read, WRITE_BATCH):
            yield chunk
    finally:
        fh.close()


async def _http_chunks(url: str, client: aiohttp.ClientSession | None) -> AsyncIterator[bytes]:
    """The body of a GET, piece by piece. aiohttp errors become PTB's, which callers handle;
    their text never includes the URL, which holds the bot token."""
    own = client is None
    client = client or download_client()
    try:
        async with client.get(url) as response:
            if response.status != 200:
                raise NetworkError(f"file download failed with HTTP {response.status}")
            async for chunk in response.content.iter_chunked(64 * 1024):
                yield chunk
    except asyncio.TimeoutError:
        raise TimedOut("file download timed out") from None
    except (aiohttp.ClientError, ValueError) as exc:
        raise NetworkError(f"file download failed: aiohttp.{type(exc).__name__}") from None
    finally:
        if own:
            await client.close()


def download_client() -> aiohttp.ClientSession:
    """An HTTP session for evidence downloads (Services keeps one per running bot)."""
    # Never inflated: a compressed body would come out in one piece of unbounded size.
    return aiohttp.ClientSession(timeout=DOWNLOAD_TIMEOUT, auto_decompress=False,
                                 headers={"Accept-Encoding": "identity"})


def _encoded_url(url: str) -> str:
    """UTF-8 in the path percent-encoded, as PTB's File does before downloading."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=urllib.parse.quote(parts.path)))


def _new_name(folder: str) -> Path:
    """A random name under ``folder``, relative to DATA_DIR (never the sender's file name)."""
    name = uuid.uuid4().hex
    return Path(folder) / name[:2] / f"{name}.enc"


def read(data_dir: Path, relative: str, keys: Keys) -> bytes:
    """The bytes of a stored file (an original or a preview), decrypted."""
    return keys.decrypt_file((data_dir / relative).read_bytes())


def read_original(data_dir: Path, relative: str, keys: Keys) -> bytes:
    """An original's bytes, decrypted a checked chunk at a time: its encrypted copy is never
    held whole beside them (an upload of it to the moderators' chat)."""
    with open(data_dir / relative, "rb") as fh:
        return b"".join(keys.iter_decrypt(fh))


def _write_redrawable(path: Path, data: bytes) -> None:
    """Write a file that can be drawn again from the original (a preview) under its name once
    complete, without fsync: the original is fsynced before the reporter is told anything, and
    a second fsync per photo doubled the disk's work in a wave of photos. After a power cut such
    a file may be empty; the moderators' card goes out without it (handlers/mod_cards.py)."""
    temporary = path.with_suffix(".part")
    with _create(temporary) as fh:
        fh.write(data)
    os.replace(temporary, path)


def _create(path: Path) -> IO[bytes]:
    """A new file under a random name (never an existing one), its folder made if missing.
    The folder is made only when the open fails: a mkdir per file would cost a hand-over of
    the GIL each in the worker thread, and with it a wait for the event loop."""
    try:
        return open(path, "xb")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "xb")


def remove_files(records: list[EvidenceRecord], data_dir: Path) -> None:
    for record in records:
        for relative in (record.stored_path, record.thumbnail_path, record.preview_path):
            if relative:
                (data_dir / relative).unlink(missing_ok=True)



def remove_orphans(data_dir: Path, referenced: set[str]) -> int:
    """Remove files no evidence row refers to: a ``.part`` a killed upload left, or an ``.enc``
    whose row was never committed. Run before the bot takes updates, when no upload is under
    way. Returns how many were removed."""
    removed = 0
    for folder in STORED_FOLDERS:
        for path in (data_dir / folder).rglob("*"):
            if path.is_file() and str(path.relative_to(data_dir)) not in referenced:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
