"""Keys derived from SECRET_KEY: keyed pseudonyms, sealed identifiers and encrypted files.

An older secret (SECRET_KEY_PREVIOUS) still opens what was sealed or encrypted under it, so
the key can be rotated without losing data; new writes always use the current secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FILE_MAGIC = b"KZEV1"
_NONCE = 12
_KEY_ID = 8


def _derive(secret: bytes, purpose: bytes) -> bytes:
    # Separate keys per purpose, so a leak of one use does not weaken another.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


class _SecretKeys:
    """The keys of one secret."""

    def __init__(self, secret: str) -> None:
        raw = secret.encode("utf-8")
        self.pseudonym = _derive(raw, b"kz-election-bot/pseudonym/v1")
        self.fernet = Fernet(base64.urlsafe_b64encode(_derive(raw, b"kz-election-bot/seal/v1")))
        self.file = AESGCM(_derive(raw, b"kz-election-bot/files/v1"))
        self.file_id = hashlib.sha256(_derive(raw, b"kz-election-bot/files/id/v1")).digest()[:_KEY_ID]


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
        """A stable, keyed, one-way name for a Telegram user (64 hex digits)."""
        return _hmac(self._current.pseudonym, f"user:{telegram_user_id}")

    def previous_pseudonyms(self, telegram_user_id: int) -> list[str]:
        """The same person's names under older secrets, to find them after a rotation."""
        return [_hmac(k.pseudonym, f"user:{telegram_user_id}") for k in self._previous]

    def keyed_hash(self, text: str) -> str:
        """A keyed hash of any identifier, for look-ups that must not reveal it."""
        return _hmac(self._current.pseudonym, f"key:{text}")

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

    def encrypt_file(self, data: bytes) -> bytes:
        """AES-256-GCM: magic, key id, nonce, then ciphertext with its tag."""
        nonce = os.urandom(_NONCE)
        sealed = self._current.file.encrypt(nonce, data, FILE_MAGIC)
        return FILE_MAGIC + self._current.file_id + nonce + sealed

    def decrypt_file(self, blob: bytes) -> bytes:
        if not blob.startswith(FILE_MAGIC):
            raise FileUnreadable("not an evidence file")
        key_id = blob[len(FILE_MAGIC):len(FILE_MAGIC) + _KEY_ID]
        start = len(FILE_MAGIC) + _KEY_ID
        nonce, sealed = blob[start:start + _NONCE], blob[start + _NONCE:]
        for keys in (self._current, *self._previous):
            if keys.file_id == key_id:
                try:
                    return keys.file.decrypt(nonce, sealed, FILE_MAGIC)
                except InvalidTag:
                    raise FileUnreadable("the file was altered") from None
        raise FileUnreadable("encrypted under an unknown key")

    def file_is_current(self, blob: bytes) -> bool:
        return blob[len(FILE_MAGIC):len(FILE_MAGIC) + _KEY_ID] == self._current.file_id


def _hmac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
