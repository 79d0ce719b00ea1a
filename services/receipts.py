"""A report's receipt: a code only the reporter's confirmation carries, the one way back from
them to an anonymous report (its status and the moderators' public answers). The database keeps
the code's hash, not the code, and nothing about who holds it."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

from storage.crypto import Keys

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to mistake when copied by hand
LENGTH = 12  # 60 bits: guessing one by asking the bot (30 tries in 10 s at most) never ends
GROUP = 4
CALLBACK = "rc:"  # callback data of the receipt's status button: "rc:" and the code
_TYPED = re.compile(r"[^A-Z0-9]")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """The code as the receipt shows it: ABCD-EFGH-JKLM."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def typed(text: str) -> str | None:
    """A code as someone typed or pasted it (any case, dashes, spaces), or None."""
    code = _TYPED.sub("", text.upper())
    return code if len(code) == LENGTH and all(c in ALPHABET for c in code) else None


def code_hash(code: str) -> str:
    """What the database keeps. Unkeyed on purpose: the code is random, so its hash names
    nobody, and it must still open after the secret is rotated."""
    return hashlib.sha256(f"receipt:{code}".encode()).hexdigest()


def chat_tag(keys: Keys, chat_id: int) -> str:
    """Finds a confirmation still waiting for this chat (kept with it only until it is sent)."""
    return keys.keyed_hash(f"confirmation-chat:{chat_id}")


def sealed_chat(keys: Keys, chat_id: int) -> str:
    """A chat as what must reach it carries it until then (a confirmation, a lost file's notice)."""
    return base64.urlsafe_b64encode(keys.seal(str(chat_id))).decode("ascii")


def confirmation_body(keys: Keys, chat_id: int, language: str, code: str, coming: int = 0) -> dict:
    """What a confirmation carries until it is delivered: where to, in which language, the code,
    and how many of the report's files were still coming from Telegram when it was filed."""
    body = {"chat": sealed_chat(keys, chat_id), "lang": language, "receipt": code, "who": chat_tag(keys, chat_id)}
    return {**body, "coming": coming} if coming else body


def confirmation_chat(keys: Keys, body: dict) -> int | None:
    """The chat a confirmation goes to, or None if it no longer opens."""
    try:
        opened = keys.unseal(base64.urlsafe_b64decode(body["chat"]))
    except (KeyError, ValueError):
        return None
    return int(opened) if opened else None
