"""A python-telegram-bot persistence that reads conversation states from where they are stored.

The report wizard's state is the step of its draft, written with the draft before the bot
answers, so nothing is written here: at start-up each conversation's states are read back
through its reader, and updates are ignored. No other data is persisted.
"""

from __future__ import annotations

from typing import Awaitable, Callable

from telegram.ext import BasePersistence, PersistenceInput

from storage.crypto import Keys
from storage.db import Database


ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
# Reads the states of a conversation from where its handlers store them.
StatesReader = Callable[[Database, Keys], Awaitable[ConversationDict]]


class SqlitePersistence(BasePersistence[dict, dict, dict]):
    """Conversation states read through each conversation's reader; nothing else is stored."""

    def __init__(self, open_db: Callable[[], Awaitable[Database]], keys: Keys,
                 readers: dict[str, StatesReader]) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False, callback_data=False),
            update_interval=60,  # nothing is written on the timer: see update_conversation
        )
        self._open_db = open_db
        self._keys = keys
        self._readers = readers

    async def get_conversations(self, name: str) -> ConversationDict:
        return await self._readers[name](await self._open_db(), self._keys)

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        """Nothing to do: the handlers stored the state with their data before they answered."""

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
