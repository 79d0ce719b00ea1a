"""The long-lived objects of one running bot: settings, keys, the database, people, translators."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime

import aiohttp

from bot.services.evidence import download_client, remove_files
from bot.services.flood import FloodGuard
from bot.services.i18n import Translator, pick_language
from bot.services.metrics import Metrics
from bot.settings import Settings
from domain import clock
from storage import evidence, people
from storage.crypto import Keys
from storage.db import Database
from storage.models import Language, Person

PEOPLE_CACHED = 50_000  # recent people kept in memory; the rest are read from the database


@dataclass
class Services:
    """Long-lived objects of one running bot; the database opens on first need."""

    settings: Settings
    keys: Keys
    _db: Database | None = None
    _open_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _people: OrderedDict[str, Person] = field(default_factory=OrderedDict)
    _translators: dict[str, Translator] = field(default_factory=dict)
    flood: FloodGuard = field(default_factory=FloodGuard)
    metrics: Metrics = field(default_factory=Metrics)
    _downloads: aiohttp.ClientSession | None = None
    web_port: int | None = None  # where the dashboard listens once started (WEB_PORT=0 picks one)

    async def db(self) -> Database:
        """The open, migrated database (opened once, by whoever needs it first)."""
        if self._db is None:
            async with self._open_lock:
                if self._db is None:
                    self._db = await Database.open(self.settings.database_path)
        return self._db

    async def close(self) -> None:
        if self._downloads is not None:
            await self._downloads.close()
            self._downloads = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def person_for(self, user_id: int, language_code: str | None, chat_id: int | None) -> Person:
        """The person behind a Telegram user, created at first contact in their language."""
        pseudonym = self.keys.pseudonym(user_id)
        cached = self._people.get(pseudonym)
        if cached:
            self._people.move_to_end(pseudonym)
            return cached
        db = await self.db()
        chat_ref = self.keys.seal(str(chat_id)) if chat_id is not None else None
        await self._rename_after_rotation(db, user_id, pseudonym, chat_ref)
        person = await people.get_or_create(db, pseudonym, pick_language(language_code), chat_ref)
        if chat_ref is not None:
            # Added as a moderator, or first seen in a group: now the bot can write back.
            await people.fill_chat_ref(db, person.id, chat_ref)
        self.remember(person)
        return person

    def remember(self, person: Person) -> Person:
        """Keep this copy of the person (as just changed) for their next update."""
        self._people[person.pseudonym] = person
        self._people.move_to_end(person.pseudonym)
        if len(self._people) > PEOPLE_CACHED:
            self._people.popitem(last=False)
        return person

    async def _rename_after_rotation(self, db: Database, user_id: int, pseudonym: str,
                                     chat_ref: bytes | None) -> None:
        """Someone known under an older secret: carry them over to the current pseudonym."""
        for old in self.keys.previous_pseudonyms(user_id):
            found = await people.get(db, old)
            if found is not None:
                await people.rename(db, found.id, pseudonym, chat_ref)
                return

    async def set_language(self, person: Person, language: Language) -> Person:
        await people.set_language(await self.db(), person.id, language)
        updated = person.model_copy(update={"language": language})
        self.remember(updated)
        return updated

    async def chat_of(self, person_id: int) -> int | None:
        """The private chat to write to this person in, or None: never written to the bot in
        private, or sealed under a secret no longer held."""
        sealed = await people.chat_ref(await self.db(), person_id)
        opened = self.keys.unseal(sealed) if sealed else None
        return int(opened) if opened else None

    def now(self) -> datetime:
        """The current local time (aware), in the configured time zone."""
        return clock.local_now(self.settings.tz)

    def today(self) -> date:
        return self.now().date()

    def forget(self, person: Person) -> None:
        """Drop the cached copy after the person's role or settings changed elsewhere."""
        self._people.pop(person.pseudonym, None)

    async def delete_person(self, person: Person) -> None:
        """Forget a person: draft evidence (rows and files), draft, settings; reports stay unlinked."""
        db = await self.db()
        records = await evidence.discard_draft(db, person.id)
        await people.delete(db, person.id)
        remove_files(records, self.settings.data_dir)
        await db.wipe_log()
        self.forget(person)
        self.flood.forget(person.pseudonym)

    def translator(self, language: str) -> Translator:
        if language not in self._translators:
            self._translators[language] = Translator(language, tz=self.settings.tz)
        return self._translators[language]

    def download_client(self) -> aiohttp.ClientSession:
        """The HTTP client evidence downloads share (its connections are reused), made on first use."""
        if self._downloads is None:
            self._downloads = download_client()
        return self._downloads
