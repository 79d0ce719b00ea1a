"""Evidence streamed at receipt: the KZEV2 chunked format, files of the KZEV1 format, key
rotation of both, and receipt from the fake Bot API with bounded memory and no half files."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import tracemalloc
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from PIL import Image
from telegram import Bot
from telegram.error import NetworkError

from services import evidence
from services.evidence import (
    BOT_API_DOWNLOAD_LIMIT, ContentMismatch, IncomingFile, download_client, read, receive,
)
from bot.rekey import reencrypt_files
from storage.crypto import FILE_CHUNK, FILE_MAGIC, HEADER_SIZE, FileUnreadable, Keys
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.server import FakeFile
from tests.harness import SECRET, TOKEN, make_settings, running_bot
from tests.report_helpers import KEYS, jpeg, sha256

SIZES = (0, 1, 65535, 65536, 65537, 3 * 65536 + 5)
SEALED = FILE_CHUNK + 16  # a full chunk on disk: plaintext and GCM tag
NEW_SECRET = "rotated-secret-key-9876543210fedcba9876543210fedcba"
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42"


def kzev2(keys: Keys, data: bytes, piece: int = 7919) -> bytes:
    """``data`` through the streaming writer, fed in pieces that do not line up with chunks."""
    out = io.BytesIO()
    writer = keys.file_writer(out)
    for start in range(0, len(data), piece):
        writer.write(data[start:start + piece])
    writer.close()
    return out.getvalue()


def kzev1(secret: str, data: bytes) -> bytes:
    """A file as the previous version stored it: magic, key id, nonce, one AES-GCM message."""
    def derive(purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())
    key_id = hashlib.sha256(derive(b"kz-election-bot/files/id/v1")).digest()[:8]
    nonce = os.urandom(12)
    return b"KZEV1" + key_id + nonce + AESGCM(derive(b"kz-election-bot/files/v1")).encrypt(nonce, data, b"KZEV1")


def opened(keys: Keys, blob: bytes) -> bytes:
    return b"".join(keys.iter_decrypt(io.BytesIO(blob)))


def files_under(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()] if directory.exists() else []


# ---- the format --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_at_chunk_boundaries(size):
    data = os.urandom(size)
    blob = kzev2(KEYS, data)
    chunks = list(KEYS.iter_decrypt(io.BytesIO(blob)))
    assert blob.startswith(FILE_MAGIC) and KEYS.file_is_current(blob)
    assert b"".join(chunks) == data
    assert len(chunks) == max(1, -(-size // FILE_CHUNK))  # an empty file is one empty final chunk
    assert all(len(chunk) <= FILE_CHUNK for chunk in chunks)
    assert len(blob) == HEADER_SIZE + 16 * len(chunks) + size
    assert KEYS.decrypt_file(blob) == data
    whole = KEYS.encrypt_file(data)
    assert KEYS.decrypt_file(whole) == data and whole != blob  # a fresh nonce prefix per file


def tampered() -> dict[str, bytes]:
    """Four chunks (three full, five bytes in the last), altered every way that must fail."""
    blob = kzev2(KEYS, os.urandom(3 * FILE_CHUNK + 5))
    header, body = blob[:HEADER_SIZE], blob[HEADER_SIZE:]
    chunks = [body[i:i + SEALED] for i in range(0, len(body), SEALED)]
    assert len(chunks) == 4
    flipped = bytearray(blob)
    flipped[HEADER_SIZE + SEALED + 100] ^= 1
    return {
        "final chunk cut off": header + b"".join(chunks[:3]),
        "cut mid-chunk": blob[:HEADER_SIZE + SEALED + 1000],
        "last byte cut": blob[:-1],
        "header only": header,
        "header cut": blob[:HEADER_SIZE - 1],
        "chunks swapped": header + chunks[1] + chunks[0] + chunks[2] + chunks[3],
        "chunk repeated": header + chunks[0] + chunks[0] + chunks[1] + chunks[2] + chunks[3],
        "byte flipped": bytes(flipped),
        "byte appended": blob + b"\x00",
        "final chunk appended again": blob + chunks[3],
        "chunk size changed": header[:-4] + (FILE_CHUNK // 2).to_bytes(4, "big") + body,
        "nonce prefix changed": header[:-5] + bytes([header[-5] ^ 1]) + header[-4:] + body,
        "magic of the old format": b"KZEV1" + blob[5:],
    }


@pytest.mark.parametrize("case", sorted(tampered()))
def test_altered_cut_reordered_or_extended_files_do_not_open(case):
    blob = tampered()[case]
    with pytest.raises(FileUnreadable):
        KEYS.decrypt_file(blob)
    with pytest.raises(FileUnreadable):
        opened(KEYS, blob)


def test_a_truncated_file_whose_last_chunk_is_full_does_not_open():
    blob = kzev2(KEYS, os.urandom(2 * FILE_CHUNK))  # a full non-final chunk, then a full final one
    with pytest.raises(FileUnreadable, match="altered"):
        KEYS.decrypt_file(blob[:HEADER_SIZE + SEALED])


def test_wrong_key_does_not_open_and_a_previous_key_does():
    data = os.urandom(100_000)
    blob = kzev2(KEYS, data)
    with pytest.raises(FileUnreadable, match="unknown key"):
        Keys(NEW_SECRET).decrypt_file(blob)
    rotated = Keys(NEW_SECRET, previous=[SECRET])
    assert rotated.decrypt_file(blob) == data and not rotated.file_is_current(blob)
    with pytest.raises(FileUnreadable, match="not an evidence file"):
        KEYS.decrypt_file(b"GIF89a" + blob)


def test_the_writer_seals_the_final_chunk_only_on_close():
    out = io.BytesIO()
    writer = KEYS.file_writer(out)
    writer.write(os.urandom(FILE_CHUNK * 2 + 10))
    with pytest.raises(FileUnreadable):  # abandoned after an error: never a shorter valid file
        KEYS.decrypt_file(out.getvalue())
    writer.close()
    assert len(KEYS.decrypt_file(out.getvalue())) == FILE_CHUNK * 2 + 10
    with pytest.raises(ValueError):
        writer.write(b"more")


@pytest.mark.parametrize("size", (0, 5, 200_000))
def test_files_of_the_previous_format_still_open(size, tmp_path):
    data = os.urandom(size)
    blob = kzev1(SECRET, data)
    assert KEYS.decrypt_file(blob) == data and opened(KEYS, blob) == data
    assert not KEYS.file_is_current(blob)  # rekey rewrites it as KZEV2
    (tmp_path / "old.enc").write_bytes(blob)
    assert read(tmp_path, "old.enc", KEYS) == data
    assert Keys(NEW_SECRET, previous=[SECRET]).decrypt_file(blob) == data
    altered = bytearray(blob)
    altered[-1] ^= 1
    with pytest.raises(FileUnreadable, match="altered"):
        KEYS.decrypt_file(bytes(altered))
    with pytest.raises(FileUnreadable, match="unknown key"):
        Keys(NEW_SECRET).decrypt_file(blob)


def test_a_stored_file_decrypts_chunk_by_chunk(tmp_path):
    data = os.urandom(3 * FILE_CHUNK + 5)
    (tmp_path / "f.enc").write_bytes(kzev2(KEYS, data))
    with open(tmp_path / "f.enc", "rb") as fh:
        chunks = list(KEYS.iter_decrypt(fh))
    assert [len(c) for c in chunks] == [FILE_CHUNK] * 3 + [5] and b"".join(chunks) == data


# ---- key rotation ------------------------------------------------------------------------------


def test_rekey_moves_old_and_new_format_files_to_the_current_key(tmp_path):
    contents = {"evidence/aa/v1.enc": os.urandom(70_000), "evidence/bb/v2.enc": os.urandom(3 * FILE_CHUNK + 5),
                "previews/cc/current.enc": os.urandom(1000), "thumbnails/dd/v1-current.enc": os.urandom(10)}
    rotated = Keys(NEW_SECRET, previous=[SECRET])
    blobs = {"evidence/aa/v1.enc": kzev1(SECRET, contents["evidence/aa/v1.enc"]),
             "evidence/bb/v2.enc": kzev2(KEYS, contents["evidence/bb/v2.enc"]),
             "previews/cc/current.enc": rotated.encrypt_file(contents["previews/cc/current.enc"]),
             "thumbnails/dd/v1-current.enc": kzev1(NEW_SECRET, contents["thumbnails/dd/v1-current.enc"])}
    for relative, blob in blobs.items():
        (tmp_path / relative).parent.mkdir(parents=True)
        (tmp_path / relative).write_bytes(blob)

    assert reencrypt_files(tmp_path, rotated) == 3  # all but the one already KZEV2 under the new key

    new_only = Keys(NEW_SECRET)
    for relative, data in contents.items():
        blob = (tmp_path / relative).read_bytes()
        assert rotated.file_is_current(blob) and new_only.decrypt_file(blob) == data
        with pytest.raises(FileUnreadable):
            KEYS.decrypt_file(blob)
    assert (tmp_path / "previews/cc/current.enc").read_bytes() == blobs["previews/cc/current.enc"]
    assert not list(tmp_path.rglob("*.part"))
    assert reencrypt_files(tmp_path, rotated) == 0


def test_rekey_streams_and_stops_cleanly_at_a_damaged_file(tmp_path):
    big = os.urandom(8 * 1024 * 1024)
    (tmp_path / "evidence" / "aa").mkdir(parents=True)
    (tmp_path / "evidence" / "aa" / "big.enc").write_bytes(kzev2(KEYS, big, piece=FILE_CHUNK * 4))
    rotated = Keys(NEW_SECRET, previous=[SECRET])
    tracemalloc.start()
    try:
        assert reencrypt_files(tmp_path, rotated) == 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024, f"rekey held {peak} bytes for an 8 MB file"
    assert Keys(NEW_SECRET).decrypt_file((tmp_path / "evidence" / "aa" / "big.enc").read_bytes()) == big

    damaged = bytearray(kzev2(KEYS, os.urandom(200_000)))
    damaged[-1] ^= 1
    (tmp_path / "evidence" / "bb").mkdir()
    (tmp_path / "evidence" / "bb" / "damaged.enc").write_bytes(bytes(damaged))
    with pytest.raises(FileUnreadable):
        reencrypt_files(tmp_path, rotated)
    assert (tmp_path / "evidence" / "bb" / "damaged.enc").read_bytes() == bytes(damaged)
    assert not list(tmp_path.rglob("*.part"))


# ---- receipt from the fake Bot API ---------------------------------------------------------


@pytest.fixture
async def bot(fake: FakeTelegram):
    async with Bot(TOKEN, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot") as bot:
        yield bot


def incoming(fake_file: FakeFile, kind: str = "video", mime: str | None = "video/mp4",
             size: int | None = -1) -> IncomingFile:
    return IncomingFile(kind, fake_file.file_id, fake_file.file_unique_id,
                        fake_file.size if size == -1 else size, mime, True, None)


def mp4(size: int) -> bytes:
    return MP4_HEAD + os.urandom(size - len(MP4_HEAD))


async def test_a_20_mb_video_streams_through_bounded_memory(fake, bot, data_dir):
    video = mp4(BOT_API_DOWNLOAD_LIMIT)
    fake_file = fake.add_file(video, "mp4")
    # The fake server runs in this process, so tracemalloc counts what it allocates too. Sent
    # whole, its response alone copies the 20 MB twice; trickled (in 20 pieces, with a short
    # pause each) from a memoryview, it holds about a piece at a time.
    fake_file.data = memoryview(video)
    fake.download_delay = lambda _: 0.1
    async with download_client() as client:
        tracemalloc.start()
        try:
            record = await receive(bot, incoming(fake_file), data_dir, BOT_API_DOWNLOAD_LIMIT, KEYS, client=client)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # Held whole, the video alone would take 20 MB; streamed, a few hundred KB are in flight,
    # and about a megabyte more is the fake server's piece in its socket buffer.
    assert peak < 4 * 1024 * 1024, f"receipt held {peak} bytes at its peak"
    assert record.sha256 == sha256(video) and record.size == len(video) and not record.too_big
    assert record.thumbnail_path is None and record.preview_path is None
    assert [p.relative_to(data_dir).as_posix() for p in files_under(data_dir)] == [record.stored_path]
    assert record.stored_path.startswith("evidence/") and record.stored_path.endswith(".enc")
    blob = (data_dir / record.stored_path).read_bytes()
    assert blob.startswith(FILE_MAGIC) and MP4_HEAD not in blob
    assert read(data_dir, record.stored_path, KEYS) == video


async def test_a_photo_still_gets_its_metadata_and_preview(fake, bot, data_dir):
    photo = jpeg(width=1600, height=1200)
    fake_file = fake.add_file(photo, "jpg")
    record = await receive(bot, incoming(fake_file, "photo", "image/jpeg"), data_dir, BOT_API_DOWNLOAD_LIMIT, KEYS)
    assert record.sha256 == sha256(photo) and read(data_dir, record.stored_path, KEYS) == photo
    assert (record.camera_model, record.captured_at, record.had_gps) == ("Google Pixel 7", "2026:11:24 09:15:00", True)
    clean = Image.open(io.BytesIO(read(data_dir, record.preview_path, KEYS)))
    assert clean.format == "JPEG" and not clean.getexif() and clean.size == (1280, 960)
    assert record.thumbnail_path is None and len(files_under(data_dir)) == 2


@pytest.mark.parametrize("claimed", (None, 10), ids=("size unknown", "size understated"))
async def test_an_image_too_big_to_hold_is_kept_without_a_preview(fake, bot, data_dir, monkeypatch, claimed):
    monkeypatch.setattr(evidence, "IMAGE_IN_MEMORY_LIMIT", 1000)
    photo = jpeg(width=400, height=300)
    fake_file = fake.add_file(photo, "jpg", size=claimed)
    record = await receive(bot, incoming(fake_file, "document", "image/jpeg", size=claimed), data_dir,
                           BOT_API_DOWNLOAD_LIMIT, KEYS)
    assert record.sha256 == sha256(photo) and read(data_dir, record.stored_path, KEYS) == photo
    assert record.thumbnail_path is None and record.preview_path is None and record.camera_model is None


@pytest.mark.parametrize("body", (b"MZ\x90\x00" + b"\x00" * 300_000, b"MZ"), ids=("executable", "tiny"))
async def test_bytes_that_contradict_their_type_are_refused_and_nothing_is_stored(fake, bot, data_dir, body):
    data_dir.mkdir()
    fake_file = fake.add_file(body, "mp4")
    with pytest.raises(ContentMismatch):
        await receive(bot, incoming(fake_file), data_dir, BOT_API_DOWNLOAD_LIMIT, KEYS)
    assert list(data_dir.rglob("*")) == []


async def test_a_stream_longer_than_the_limit_is_dropped_and_kept_by_file_id(fake, bot, data_dir):
    fake_file = fake.add_file(mp4(600_000), "mp4", size=1000)  # Telegram's size said 1000 bytes
    record = await receive(bot, incoming(fake_file), data_dir, 500_000, KEYS)
    assert record.too_big and record.sha256 is None and record.stored_path is None
    assert record.file_id == fake_file.file_id
    assert files_under(data_dir) == []


async def test_a_cancelled_download_leaves_no_file(fake, bot, data_dir):
    fake_file = fake.add_file(mp4(2 * 1024 * 1024), "mp4")
    fake.download_delay = lambda _: 5.0  # the body trickles out in 20 pieces over 5 seconds
    loop = asyncio.get_running_loop()
    writing = asyncio.Event()

    class Watched(Keys):
        def file_writer(self, fileobj):
            loop.call_soon_threadsafe(writing.set)  # called from the worker thread
            return super().file_writer(fileobj)

    task = asyncio.create_task(receive(bot, incoming(fake_file), data_dir, BOT_API_DOWNLOAD_LIMIT, Watched(SECRET)))
    await asyncio.wait_for(writing.wait(), 10)
    assert [p.suffix for p in files_under(data_dir)] == [".part"]  # under way, encrypted, on disk
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert files_under(data_dir) == []


async def test_a_failed_download_leaves_no_file_and_does_not_show_the_token(fake, data_dir):
    fake_file = fake.add_file(mp4(300_000), "mp4")
    async with Bot(TOKEN, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/gone/bot") as bot:
        with pytest.raises(NetworkError) as refused:
            await receive(bot, incoming(fake_file), data_dir, BOT_API_DOWNLOAD_LIMIT, KEYS)
    assert "404" in str(refused.value) and TOKEN.split(":")[1] not in str(refused.value)
    assert files_under(data_dir) == []


async def test_local_mode_reads_the_servers_file_from_disk(fake, data_dir, tmp_path):
    video = mp4(3 * 1024 * 1024 + 7)
    on_disk = tmp_path / "telegram-bot-api" / "videos" / "file_1.mp4"
    on_disk.parent.mkdir(parents=True)
    on_disk.write_bytes(video)
    fake_file = fake.add_file(b"", "mp4", size=len(video))
    fake_file.path = str(on_disk)  # a local Bot API server answers getFile with an absolute path
    async with Bot(TOKEN, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot",
                   local_mode=True) as bot:
        tracemalloc.start()
        try:
            record = await receive(bot, incoming(fake_file), data_dir, evidence.LOCAL_API_DOWNLOAD_LIMIT, KEYS)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 1536 * 1024, f"receipt held {peak} bytes of a 3 MB file"  # no server here
    assert record.sha256 == sha256(video) and record.size == len(video)
    assert read(data_dir, record.stored_path, KEYS) == video
    assert on_disk.read_bytes() == video


async def test_a_running_bot_shares_one_download_client_and_closes_it(fake, data_dir):
    async with running_bot(make_settings(fake, data_dir)) as application:
        services = application.bot_data["services"]
        client = services.download_client()
        assert services.download_client() is client and not client.closed
    assert client.closed
