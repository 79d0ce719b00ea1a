"""A python-telegram-bot persistence that keeps conversation states in SQLite.

Only conversations are persisted here. A conversation whose state is already stored elsewhere
(the report wizard's is the step of its draft) is read from there and never written twice.
Other conversations' keys hold chat and user ids, so they are stored sealed, with a keyed hash
for look-ups.
"""

from __future__ import annotations

import json
from typing import Awaitable, Callable

from telegram.ext import BasePersistence, PersistenceInput

from storage.crypto import Keys
from storage.db import Database, utcnow


ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
# Reads the states of a conversation from where its handlers store them.
StatesReader = Callable[[Database, Keys], Awaitable[ConversationDict]]


class SqlitePersistence(BasePersistence[dict, dict, dict]):
    """Conversation states in the ``conversations`` table; everything else is not stored."""

    def __init__(self, open_db: Callable[[], Awaitable[Database]], keys: Keys,
                 derived: dict[str, StatesReader] | None = None) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False, callback_data=False),
            # The application flushes after every update (see handlers.register); the timer
            # is only a safety net.
            update_interval=5,
        )
        self._open_db = open_db
        self._keys = keys
        self._derived = derived or {}

    def _hash(self, name: str, key: ConversationKey) -> str:
        return self._keys.keyed_hash(f"{name}:{json.dumps(list(key))}")

    async def get_conversations(self, name: str) -> ConversationDict:
        db = await self._open_db()
        if name in self._derived:
            return await self._derived[name](db, self._keys)
        rows = await db.fetchall(
            "SELECT key_hash, key_sealed, state FROM conversations WHERE name = ?", (name,)
        )
        states: ConversationDict = {}
        for row in rows:
            opened = self._keys.unseal(row["key_sealed"])
            if opened is None:  # sealed under a secret we no longer have: unusable
                continue
            key = tuple(json.loads(opened))
            states[key] = json.loads(row["state"])
            if row["key_hash"] != self._hash(name, key):  # written before a key rotation
                await self._rehash(db, name, row["key_hash"], key)
        return states

    async def _rehash(self, db: Database, name: str, old_hash: str, key: ConversationKey) -> None:
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE conversations SET key_hash = ?, key_sealed = ? WHERE name = ? AND key_hash = ?",
                (self._hash(name, key), self._keys.seal(json.dumps(list(key))), name, old_hash),
            )

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        if name in self._derived:
            return  # the handlers stored it, before they answered
        db = await self._open_db()
        key_hash = self._hash(name, key)
        if new_state is None:
            await db.write("DELETE FROM conversations WHERE name = ? AND key_hash = ?", (name, key_hash))
            return
        await db.write(
            "INSERT INTO conversations (name, key_hash, key_sealed, state, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, key_hash) DO UPDATE SET"
            " state = excluded.state, updated_at = excluded.updated_at",
            (name, key_hash, self._keys.seal(json.dumps(list(key))), json.dumps(new_state), utcnow()),
        )

    async def drop_conversation(self, name: str, key: ConversationKey) -> None:
        await self.update_conversation(name, key, None)

    # Nothing below is stored: drafts and settings live in their own tables.
    async def get_user_data(self) -> dict[int, dict]:
        return {}

    async def get_chat_data(self) -> dict[int, dict]:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_user_data(self, user_id: int, data: dict) -> None:
        pass

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        pass

    async def update_bot_data(self, data: dict) -> None:
        pass

    async def update_callback_data(self, data) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def drop_user_data(self, user_id: int) -> None:
        pass

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict) -> None:
        pass

    async def flush(self) -> None:
        pass
