"""Receiving evidence: download, SHA-256 at receipt, byte-exact encrypted storage, and for
photos the metadata summary and clean re-encoded copies (thumbnail, preview)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot, Message

from bot import media
from bot.filetypes import content_matches
from storage.crypto import Keys
from storage.db import utcnow
from storage.models import EvidenceRecord

BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses larger files on Telegram's servers
LOCAL_API_DOWNLOAD_LIMIT = 2000 * 1024 * 1024
MAX_FILES = 20

_DOCUMENT_TYPES = {
    "application/pdf", "text/plain", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_MEDIA_PREFIXES = ("image/", "video/", "audio/")


@dataclass(frozen=True)
class IncomingFile:
    kind: str
    file_id: str
    file_unique_id: str
    size: int | None
    mime_type: str | None
    file_name: str | None
    media_group_id: str | None


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
                            getattr(item, "file_name", None), message.media_group_id)
    return None


async def receive(bot: Bot, incoming: IncomingFile, data_dir: Path, download_limit: int,
                  keys: Keys) -> EvidenceRecord:
    """Download and store one file; one too large for the Bot API is kept by file_id only.
    Raises ContentMismatch when the bytes contradict the claimed type."""
    received_at = utcnow()
    record = EvidenceRecord(
        kind=incoming.kind, file_id=incoming.file_id, file_unique_id=incoming.file_unique_id,
        mime_type=incoming.mime_type, file_name=_display_name(incoming.file_name),
        size=incoming.size, received_at=received_at, media_group_id=incoming.media_group_id,
    )
    if incoming.size is not None and incoming.size > download_limit:
        return record.model_copy(update={"too_big": True})
    telegram_file = await bot.get_file(incoming.file_id)
    data = await telegram_file.download_as_bytearray()  # no copy: a 20 MB file is held once
    if not content_matches(incoming.mime_type, data):
        raise ContentMismatch(incoming.mime_type or "")
    # Hashing, encrypting, writing and decoding are CPU and disk work: off the event loop.
    return await asyncio.to_thread(_store, data, record, data_dir, keys)


def _store(data: bytes | bytearray, record: EvidenceRecord, data_dir: Path, keys: Keys) -> EvidenceRecord:
    # The hash is of the original bytes as Telegram served them: what a court compares.
    digest = hashlib.sha256(data).hexdigest()
    update: dict = {"sha256": digest, "size": len(data),
                    "stored_path": _write_encrypted(data_dir, "evidence", data, keys)}
    if record.kind == "photo" or (record.mime_type or "").startswith("image/"):
        try:
            facts = media.inspect_image(data)
        except media.NotAnImage:
            pass  # kept byte-exact all the same; it is just not previewable
        else:
            update.update(
                captured_at=facts.captured_at, camera_model=facts.camera_model, had_gps=facts.had_gps,
                thumbnail_path=_write_encrypted(data_dir, "thumbnails", facts.thumbnail, keys),
                preview_path=_write_encrypted(data_dir, "previews", facts.preview, keys),
            )
    return record.model_copy(update=update)


def _write_encrypted(data_dir: Path, folder: str, data: bytes | bytearray, keys: Keys) -> str:
    """Store ``data`` encrypted under a random name; returns the path relative to DATA_DIR."""
    name = uuid.uuid4().hex
    relative = Path(folder) / name[:2] / f"{name}.enc"
    _write_atomically(data_dir / relative, keys.encrypt_file(data))
    return str(relative)


def read(data_dir: Path, relative: str, keys: Keys) -> bytes:
    """The bytes of a stored file (an original, thumbnail or preview), decrypted."""
    return keys.decrypt_file((data_dir / relative).read_bytes())


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    with open(temporary, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temporary, path)


def _display_name(name: str | None) -> str | None:
    """The sender's file name, kept only as a label: never used as a path."""
    if not name:
        return None
    return os.path.basename(name.replace("\\", "/"))[:120] or None


def remove_files(records: list[EvidenceRecord], data_dir: Path) -> None:
    for record in records:
        for relative in (record.stored_path, record.thumbnail_path, record.preview_path):
            if relative:
                (data_dir / relative).unlink(missing_ok=True)
