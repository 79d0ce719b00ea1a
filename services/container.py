"""The long-lived objects of one running bot: settings, keys, the database, people, translators."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime

import aiohttp

from services.chat_memory import HeldStories, LiveKeyboards, ReporterAnswers, UrgentFollowUps
from services.evidence import download_client, remove_files
from services import kdf_worker
from services.flood import FloodGuard
from services.i18n import Translator, pick_language
from services.metrics import Metrics
from bot.settings import Settings
from domain import clock
from domain.rules import STAFF_ROLES
from storage import drafts, evidence, integrity, people
from storage.crypto import Keys
from storage.db import Database
from storage.models import Language, Person

PEOPLE_CACHED = 50_000  # recent people kept in memory; the rest are read from the database
KDF_AT_ONCE = kdf_worker.WORKERS  # pseudonyms computed at the same time (storage.crypto.PSEUDONYM_KDF)


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
    demo: bool = False  # python -m bot --demo: every dashboard page says it is a demonstration
    _kdf: asyncio.Semaphore | None = None
    _admins: frozenset[str] | None = None
    _scrub: bool = False
    _scrub_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _scrubs_asked: int = 0
    _scrubs_done: int = 0  # the last request a finished checkpoint covered
    _chats_kept: set[int] = field(default_factory=set)  # staff whose private chat is stored
    keyboards: LiveKeyboards = field(default_factory=LiveKeyboards)  # each chat's live buttons
    stories: HeldStories = field(default_factory=HeldStories)  # texts typed at the main menu, deciding
    follow_ups: UrgentFollowUps = field(default_factory=UrgentFollowUps)  # urgent reports still open to additions
    answers: ReporterAnswers = field(default_factory=ReporterAnswers)  # answers to moderators without Reply

    async def db(self) -> Database:
        """The open, migrated database (opened once, by whoever needs it first)."""
        if self._db is None:
            async with self._open_lock:
                if self._db is None:
                    db = await Database.open(self.settings.database_path)
                    integrity.bind(db, self.keys.record_keys())  # before anything is written
                    self._db = db
        return self._db

    async def close(self) -> None:
        if self._downloads is not None:
            await self._downloads.close()
            self._downloads = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def pseudonym_of(self, user_id: int) -> str:
        """The person's memory-hard pseudonym: from memory, or computed once (a few milliseconds)
        in a pseudonym thread (services.kdf_worker), so that nobody else's update waits for it."""
        found = self.keys.cached_pseudonym(user_id)
        if found is None:
            async with self._kdf_slots():
                found = self.keys.cached_pseudonym(user_id) or await kdf_worker.pseudonym(self.keys, user_id)
        return found

    def _kdf_slots(self) -> asyncio.Semaphore:
        # As many at once as there are pseudonym threads: the rest wait here, not in the pool's queue.
        if self._kdf is None:
            self._kdf = asyncio.Semaphore(KDF_AT_ONCE)
        return self._kdf

    async def known_person(self, user_id: int) -> Person | None:
        """The person behind a Telegram user if the bot knows them (carried over from a
        pseudonym of an earlier version or an older secret on the way), without creating one."""
        pseudonym = await self.pseudonym_of(user_id)
        cached = self._people.get(pseudonym)
        if cached:
            self._people.move_to_end(pseudonym)
            return cached
        db = await self.db()
        # Without older secrets the older names are keyed HMACs (microseconds): no thread needed.
        older = (await asyncio.to_thread(self.keys.older_pseudonyms, user_id) if self.keys.rotating
                 else self.keys.older_pseudonyms(user_id))
        person = await people.find(db, [pseudonym, *older])
        if person is not None and person.pseudonym != pseudonym:
            await people.rename(db, person.id, pseudonym)
            person = await people.get_by_id(db, person.id)
        return self.remember(person) if person is not None else None

    async def person_for(self, user_id: int, language_code: str | None, chat_id: int | None) -> Person:
        """The person behind a Telegram user, created at first contact in their language. Their
        private chat is kept (sealed) only for staff: a reporter's is kept with a report they
        allowed contact on, never merely because they wrote to the bot."""
        pseudonym = await self.pseudonym_of(user_id)
        person = self._people.get(pseudonym)
        if person is not None:
            self._people.move_to_end(pseudonym)  # the common case: no database work at all
        else:
            person = await self.known_person(user_id)
            db = await self.db()
            if person is None:
                person, new = await people.create(db, pseudonym, pick_language(language_code))
                if new:
                    drafts.none_yet(db, person.id)
            else:
                person = await people.language_at_first_contact(db, person, pick_language(language_code))
        if person.role in STAFF_ROLES or user_id in self.settings.admin_ids:
            person = await self._staff_ready(person, chat_id)
        return self.remember(person)

    async def _staff_ready(self, person: Person, chat_id: int | None) -> Person:
        """A staff member has a code, and their private chat is kept (sealed) once the bot has
        seen it, whatever chat they wrote in first (a group, say): checked once per process."""
        db = await self.db()
        if person.staff_code is None:
            person = await people.give_staff_code(db, person.id)
        if chat_id is not None and person.id not in self._chats_kept:
            await people.fill_chat_ref(db, person.id, self.keys.seal(str(chat_id)))
            self._chats_kept.add(person.id)
        return person

    async def admin_pseudonyms(self) -> frozenset[str]:
        """The pseudonyms of ADMIN_IDS, computed once (the dashboard checks them on every request)."""
        if self._admins is None:
            self._admins = frozenset([await self.pseudonym_of(admin_id) for admin_id in self.settings.admin_ids])
        return self._admins

    def remember(self, person: Person) -> Person:
        """Keep this copy of the person (as just changed) for their next update."""
        self._people[person.pseudonym] = person
        self._people.move_to_end(person.pseudonym)
        if len(self._people) > PEOPLE_CACHED:
            self._people.popitem(last=False)
        return person

    def reporter_code(self, person: Person) -> str:
        """What moderators see of a reporter who allowed contact: four characters that tell
        their reports apart from others', derived apart from any staff code (an administrator
        adding someone as a moderator learns nothing that appears on a card)."""
        return self.keys.keyed_hash(f"card:{person.pseudonym}")[:4].upper()

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

    def soon_scrub(self) -> None:
        """Ask for the database's log to be emptied soon (handlers.jobs.scrub_log)."""
        self._scrub = True

    async def scrub_now(self) -> None:
        """Empty the database's log now (after an anonymous report is committed and its reference
        shown: its older frames still hold the draft under its author). Requests that come while
        a checkpoint runs share the next one, so a wave of reports costs a few checkpoints, not
        one each; a checkpoint kept from finishing leaves it to the scrub job."""
        self._scrubs_asked += 1
        wanted = self._scrubs_asked
        async with self._scrub_lock:
            if self._scrubs_done >= wanted:
                return  # a checkpoint that began after this request covered it
            self._scrubs_done = self._scrubs_asked
            if not await (await self.db()).wipe_log():
                self.soon_scrub()

    def take_scrub(self) -> bool:
        """Whether a scrub was asked for since the last one (and it is taken now)."""
        due, self._scrub = self._scrub, False
        return due

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
