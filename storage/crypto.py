"""Keys derived from SECRET_KEY: memory-hard keyed pseudonyms, sealed identifiers and encrypted files.

A pseudonym is Argon2id (RFC 9106) of the Telegram user id, keyed by the secret: without the key
it cannot be computed at all, and with it each guess costs PSEUDONYM_KDF's memory and time, so
that trying every Telegram id takes years (SECURITY.md, ``python -m bench.pseudonym_cost``).
Pseudonyms are kept in memory once computed (PSEUDONYMS_CACHED), so a person pays once per process.

An older secret (SECRET_KEY_PREVIOUS) still opens what was sealed or encrypted under it, so
the key can be rotated without losing data; new writes always use the current secret.

Files are written as KZEV2: the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015)
over AES-256-GCM, so that a file of any size is encrypted and checked 64 KiB at a time::

    header = b"KZEV2" | key id (8) | nonce prefix (7, random) | chunk size (4, big-endian)
    chunk i = AESGCM(plaintext[i*64K:(i+1)*64K], nonce = prefix | i (4, big-endian) | last (1),
                     associated data = header)

``last`` is 1 only for the final chunk (an empty file is one empty final chunk). A chunk opens
only at its own position and only as the last one if it was written as the last one, so
changed, reordered, repeated, dropped or appended chunks are all detected. KZEV1 files (one
AES-GCM message: magic, key id, 12-byte nonce, ciphertext and tag) are still read.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import io
import os
import threading
from collections import OrderedDict
from typing import BinaryIO, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FILE_MAGIC = b"KZEV2"
FILE_MAGIC_V1 = b"KZEV1"
FILE_CHUNK = 64 * 1024  # plaintext bytes per chunk: what a reader or writer holds at a time
_NONCE = 12
_KEY_ID = 8
_PREFIX = 7
_COUNTER = 4
_CHUNK_FIELD = 4
_TAG = 16
_MAX_CHUNK = 1024 * 1024  # a header may not make a reader hold more than this per chunk
HEADER_SIZE = len(FILE_MAGIC) + _KEY_ID + _PREFIX + _CHUNK_FIELD

# Argon2id's cost per pseudonym: 8 MiB and one pass, about 4 ms of one core here (SECURITY.md,
# BENCHMARKS.md). The benchmark's burst (1,000 new people, 100 first messages a second) is what
# bounds it: at 32 MiB and two passes (46 ms) the computations queued and first answers took up
# to 30 s; at this cost they keep within the 100 ms target.
PSEUDONYM_KDF = {"memory_cost": 8 * 1024, "iterations": 1, "lanes": 1}  # memory in KiB
PSEUDONYMS_CACHED = 100_000  # (secret, user id) pairs kept in memory: 100 bytes each
_cache: OrderedDict[tuple[bytes, int], str] = OrderedDict()
_cache_lock = threading.Lock()  # pseudonyms are computed in worker threads


def _derive(secret: bytes, purpose: bytes) -> bytes:
    # Separate keys per purpose, so a leak of one use does not weaken another.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


class _SecretKeys:
    """The keys of one secret."""

    def __init__(self, secret: str) -> None:
        raw = secret.encode("utf-8")
        self.pseudonym = _derive(raw, b"kz-election-bot/pseudonym/v1")  # keyed hashes; v1 pseudonyms
        self.argon_secret = _derive(raw, b"kz-election-bot/pseudonym/v2")
        self.argon_salt = _derive(raw, b"kz-election-bot/pseudonym/v2/salt")[:16]
        self.key_id = hashlib.sha256(self.argon_secret).digest()[:8]  # names the secret in the cache
        self.fernet = Fernet(base64.urlsafe_b64encode(_derive(raw, b"kz-election-bot/seal/v1")))
        self.file = AESGCM(_derive(raw, b"kz-election-bot/files/v1"))
        self.file_id = hashlib.sha256(_derive(raw, b"kz-election-bot/files/id/v1")).digest()[:_KEY_ID]
        self.records = _derive(raw, b"kz-election-bot/records/v1")  # the tags of storage.integrity


class FileUnreadable(ValueError):
    """An evidence file that no known key opens, or that was altered."""


class Keys:
    """Everything the bot derives from its secrets; the secrets themselves are not kept."""

    def __init__(self, secret: str, previous: list[str] | None = None) -> None:
        self._current = _SecretKeys(secret)
        self._previous = [_SecretKeys(old) for old in previous or []]
        self._fernet = MultiFernet([self._current.fernet, *(k.fernet for k in self._previous)])

    # ---- pseudonyms --------------------------------------------------------------------------

    def pseudonym(self, telegram_user_id: int) -> str:
        """A stable, keyed, one-way, memory-hard name for a Telegram user (64 hex digits).
        Takes a few milliseconds and 8 MiB the first time in a process: call it off the event loop
        (``cached_pseudonym`` first)."""
        return _argon(self._current, telegram_user_id)

    def pseudonym_job(self, telegram_user_id: int) -> functools.partial[str]:
        """The pseudonym's computation as a call for a pseudonym thread (services.kdf_worker;
        its result goes to ``remember_pseudonym``)."""
        return functools.partial(argon_pseudonym, self._current.argon_secret, self._current.argon_salt,
                                 telegram_user_id)

    def remember_pseudonym(self, telegram_user_id: int, value: str) -> None:
        """Keep a pseudonym computed elsewhere (``pseudonym_job``) for this process."""
        _remember((self._current.key_id, telegram_user_id), value)

    def cached_pseudonym(self, telegram_user_id: int) -> str | None:
        """The pseudonym if this process computed it already, else None (at once)."""
        with _cache_lock:
            return _cache.get((self._current.key_id, telegram_user_id))

    @property
    def rotating(self) -> bool:
        """Whether older secrets are held (older_pseudonyms then computes Argon2id: slow)."""
        return bool(self._previous)

    def older_pseudonyms(self, telegram_user_id: int) -> list[str]:
        """The names the same person may be stored under from before: the keyed HMAC of
        earlier versions (under this secret and older ones), and the pseudonym under older
        secrets, to find them after an upgrade or a rotation. Slow: older secrets' pseudonyms
        are computed too."""
        legacy = [_hmac(k.pseudonym, f"user:{telegram_user_id}") for k in (self._current, *self._previous)]
        return legacy + [_argon(k, telegram_user_id) for k in self._previous]

    def fingerprint(self) -> str:
        """Names the current secret without revealing it: the database keeps it to notice a
        wrong SECRET_KEY at start."""
        return _hmac(self._current.pseudonym, "fingerprint:v1")

    def previous_fingerprints(self) -> list[str]:
        return [_hmac(k.pseudonym, "fingerprint:v1") for k in self._previous]

    def keyed_hash(self, text: str) -> str:
        """A keyed hash of any identifier, for look-ups that must not reveal it."""
        return _hmac(self._current.pseudonym, f"key:{text}")

    def record_keys(self) -> list[bytes]:
        """The keys that tag records (storage.integrity), the current one first: a tag made
        under an older secret is still accepted until ``bot.rekey`` re-tags everything."""
        return [self._current.records, *(k.records for k in self._previous)]

    # ---- sealed identifiers ------------------------------------------------------------------

    def seal(self, value: str) -> bytes:
        return self._fernet.encrypt(value.encode("utf-8"))

    def unseal(self, token: bytes) -> str | None:
        """The sealed text, or None when no known secret opens it."""
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            return None

    # ---- files -------------------------------------------------------------------------------

    def file_writer(self, fileobj: BinaryIO) -> FileWriter:
        """A KZEV2 writer into ``fileobj`` under the current key; call close() when complete."""
        return FileWriter(self._current, fileobj)

    def iter_decrypt(self, fileobj: BinaryIO) -> Iterator[bytes]:
        """The plaintext of a KZEV2 (or KZEV1) file, chunk by chunk, each checked before it is
        yielded. Raises FileUnreadable, possibly after some chunks: trust the whole only once
        the iteration ends without an error."""
        magic = _read_exactly(fileobj, len(FILE_MAGIC))
        if magic == FILE_MAGIC_V1:
            yield self._decrypt_v1(magic + fileobj.read())
            return
        if magic != FILE_MAGIC:
            raise FileUnreadable("not an evidence file")
        header = magic + _read_exactly(fileobj, HEADER_SIZE - len(magic))
        if len(header) < HEADER_SIZE:
            raise FileUnreadable("the file was altered: its header is cut short")
        keys = self._file_keys(header[len(FILE_MAGIC):len(FILE_MAGIC) + _KEY_ID])
        prefix = header[HEADER_SIZE - _CHUNK_FIELD - _PREFIX:HEADER_SIZE - _CHUNK_FIELD]
        chunk_size = int.from_bytes(header[HEADER_SIZE - _CHUNK_FIELD:], "big")
        if not 0 < chunk_size <= _MAX_CHUNK:
            raise FileUnreadable("the file was altered: bad chunk size")
        sealed = _read_exactly(fileobj, chunk_size + _TAG)
        counter = 0
        while True:
            # Reading one chunk ahead is how we know whether this one must be the last.
            following = _read_exactly(fileobj, chunk_size + _TAG)
            last = not following
            try:
                plain = keys.file.decrypt(_chunk_nonce(prefix, counter, last), sealed, header)
            except InvalidTag:
                raise FileUnreadable("the file was altered, cut short or reordered") from None
            yield plain
            if last:
                return
            sealed, counter = following, counter + 1

    def encrypt_file(self, data: bytes | bytearray) -> bytes:
        """The KZEV2 file of ``data`` (for small files held in memory anyway)."""
        out = io.BytesIO()
        writer = self.file_writer(out)
        writer.write(data)
        writer.close()
        return out.getvalue()

    def decrypt_file(self, blob: bytes) -> bytes:
        """The plaintext of a whole KZEV2 or KZEV1 file held in memory."""
        return b"".join(self.iter_decrypt(io.BytesIO(blob)))

    def file_is_current(self, blob: bytes) -> bool:
        """Whether a file (or its first HEADER_SIZE bytes) is KZEV2 under the current key."""
        return blob.startswith(FILE_MAGIC) and \
            blob[len(FILE_MAGIC):len(FILE_MAGIC) + _KEY_ID] == self._current.file_id

    def _decrypt_v1(self, blob: bytes) -> bytes:
        # KZEV1: one AES-GCM message over the whole file, stored before KZEV2 existed.
        start = len(FILE_MAGIC_V1) + _KEY_ID
        keys = self._file_keys(blob[len(FILE_MAGIC_V1):start])
        nonce, sealed = blob[start:start + _NONCE], blob[start + _NONCE:]
        try:
            return keys.file.decrypt(nonce, sealed, FILE_MAGIC_V1)
        except InvalidTag:
            raise FileUnreadable("the file was altered") from None

    def _file_keys(self, key_id: bytes) -> _SecretKeys:
        for keys in (self._current, *self._previous):
            if keys.file_id == key_id:
                return keys
        raise FileUnreadable("encrypted under an unknown key")


class FileWriter:
    """Encrypts a stream into a file object as KZEV2, sealing each 64 KiB as it fills up.

    Not a context manager on purpose: only an explicit close() writes the final chunk, so a
    writer abandoned after an error leaves a file that never opens, not a shorter valid one.
    """

    def __init__(self, keys: _SecretKeys, fileobj: BinaryIO) -> None:
        self._aead = keys.file
        self._prefix = os.urandom(_PREFIX)
        self._header = FILE_MAGIC + keys.file_id + self._prefix + FILE_CHUNK.to_bytes(_CHUNK_FIELD, "big")
        self._out = fileobj
        self._pending = bytearray()
        self._counter = 0
        self._closed = False
        fileobj.write(self._header)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Add plaintext; complete chunks are encrypted and written at once."""
        if self._closed:
            raise ValueError("write to a closed FileWriter")
        view = memoryview(data)
        while view:
            if len(self._pending) == FILE_CHUNK:
                # A full chunk with more data after it: now we know it is not the last.
                self._seal(last=False)
            take = FILE_CHUNK - len(self._pending)
            self._pending += view[:take]
            view = view[take:]

    def close(self) -> None:
        """Write the final chunk (empty for an empty file). Does not close the file object."""
        if not self._closed:
            self._seal(last=True)
            self._closed = True

    def _seal(self, last: bool) -> None:
        nonce = _chunk_nonce(self._prefix, self._counter, last)
        self._out.write(self._aead.encrypt(nonce, self._pending, self._header))
        self._pending.clear()
        self._counter += 1


def _chunk_nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    # to_bytes raises OverflowError past 2**32 chunks (256 TiB) rather than reuse a nonce.
    return prefix + counter.to_bytes(_COUNTER, "big") + (b"\x01" if last else b"\x00")


def _read_exactly(fileobj: BinaryIO, size: int) -> bytes:
    """``size`` bytes, fewer only at the end of the file (a pipe may return short reads)."""
    parts: list[bytes] = []
    while size > 0:
        part = fileobj.read(size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _hmac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _argon(keys: _SecretKeys, telegram_user_id: int) -> str:
    """Argon2id of the id under one secret, remembered for this process."""
    slot = (keys.key_id, telegram_user_id)
    with _cache_lock:
        found = _cache.get(slot)
        if found is not None:
            _cache.move_to_end(slot)
            return found
    value = argon_pseudonym(keys.argon_secret, keys.argon_salt, telegram_user_id)
    _remember(slot, value)
    return value


def argon_pseudonym(secret: bytes, salt: bytes, telegram_user_id: int) -> str:
    """The pseudonym's computation alone (no cache): what a worker process runs."""
    kdf = Argon2id(salt=salt, length=32, secret=secret, **PSEUDONYM_KDF)
    return kdf.derive(f"user:{telegram_user_id}".encode()).hex()


def _remember(slot: tuple[bytes, int], value: str) -> None:
    with _cache_lock:
        _cache[slot] = value
        if len(_cache) > PSEUDONYMS_CACHED:
            _cache.popitem(last=False)
