"""Observers' invitations, the same from Telegram's /invite and the dashboard's people page: a
one-time code whose link marks whoever opens it as an accredited observer (only a keyed hash of
it is kept), revoked while unused; each on the record (never the code)."""

from __future__ import annotations

import secrets

from storage import moderation
from storage.crypto import Keys
from storage.db import Database


def link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


async def make(db: Database, keys: Keys, actor: str) -> str:
    """A new invitation's code (shown once, to the administrator who made it)."""
    code = secrets.token_urlsafe(12)
    await moderation.create_invite(db, keys.keyed_hash(f"invite:{code}"), actor)
    await moderation.record(db, None, actor, "invite_created", None)
    return code


async def revoke(db: Database, invite_id: int, actor: str) -> bool:
    """An unused invitation stops working; False when there is none such."""
    if not await moderation.revoke_invite(db, invite_id):
        return False
    await moderation.record(db, None, actor, "invite_revoked", str(invite_id))
    return True
