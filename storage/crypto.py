"""Keys derived from SECRET_KEY: keyed pseudonyms for people and sealing of chat references."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: bytes, purpose: bytes) -> bytes:
    # Separate keys per purpose, so a leak of one use does not weaken another.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


class Keys:
    """Everything the bot derives from its secret; the secret itself is not kept."""

    def __init__(self, secret: str) -> None:
        raw = secret.encode("utf-8")
        self._pseudonym_key = _derive(raw, b"kz-election-bot/pseudonym/v1")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(raw, b"kz-election-bot/seal/v1")))
        self.file_key = _derive(raw, b"kz-election-bot/files/v1")

    def pseudonym(self, telegram_user_id: int) -> str:
        """A stable, keyed, one-way name for a Telegram user (64 hex digits)."""
        msg = f"user:{telegram_user_id}".encode()
        return hmac.new(self._pseudonym_key, msg, hashlib.sha256).hexdigest()

    def keyed_hash(self, text: str) -> str:
        """A keyed hash of any identifier, for look-ups that must not reveal it."""
        return hmac.new(self._pseudonym_key, f"key:{text}".encode(), hashlib.sha256).hexdigest()

    def seal(self, value: str) -> bytes:
        return self._fernet.encrypt(value.encode("utf-8"))

    def unseal(self, token: bytes) -> str | None:
        """The sealed text, or None when it was sealed under another key."""
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            return None
