"""People and their roles and settings, looked up by keyed pseudonym.

Nothing in a person's row follows the order or the time of what they did: ids are random (a
counter would follow first contact, and so the order of reports), and timestamps are kept to
the day (a row changed at the second an anonymous report came in would tie the two together).
"""

from __future__ import annotations

import secrets
from typing import Callable, Sequence

from domain.clock import utcnow
from domain.rules import DEFAULT_LANGUAGE
from storage.db import Database
from storage.models import Language, Person, Role

# A language of "" (UNKNOWN_LANGUAGE) is one nobody chose yet: someone added by an administrator
# before they wrote to the bot. They read as the default language until their first update
# brings their Telegram language (get_or_create).
UNKNOWN_LANGUAGE = ""
COLUMNS = (f"id, pseudonym, COALESCE(NULLIF(language, '{UNKNOWN_LANGUAGE}'), '{DEFAULT_LANGUAGE}')"
            " AS language, role, staff_name, staff_code, reporter_role")
STAFF_CODE_LENGTH = 4  # hex digits, random: nothing else about the person is in it
# Ids are drawn at random above every id a counter ever gave (migration 0022 moved those), and
# below 2**53, so they stay exact wherever a number goes (JSON, JavaScript).
ID_FLOOR, ID_CEILING = 2 ** 32, 2 ** 53


def new_id() -> int:
    """A random person id: its value and its order say nothing of when the person came."""
    return ID_FLOOR + secrets.randbelow(ID_CEILING - ID_FLOOR)


def _day() -> str:
    """Today (UTC), the only precision people's timestamps get."""
    return utcnow()[:10]


async def get(db: Database, pseudonym: str) -> Person | None:
    row = await db.fetchone(f"SELECT {COLUMNS} FROM people WHERE pseudonym = ?", (pseudonym,))
    return Person(**dict(row)) if row else None


async def get_by_id(db: Database, person_id: int) -> Person | None:
    row = await db.fetchone(f"SELECT {COLUMNS} FROM people WHERE id = ?", (person_id,))
    return Person(**dict(row)) if row else None


async def find(db: Database, pseudonyms: Sequence[str]) -> Person | None:
    """The person stored under the first of ``pseudonyms`` that names anyone (the current
    pseudonym, then older ones), in one trip."""
    marks = ", ".join("?" * len(pseudonyms))
    order = " ".join(f"WHEN ? THEN {rank}" for rank in range(len(pseudonyms)))
    row = await db.fetchone(f"SELECT {COLUMNS} FROM people WHERE pseudonym IN ({marks})"
                            f" ORDER BY CASE pseudonym {order} END LIMIT 1", (*pseudonyms, *pseudonyms))
    return Person(**dict(row)) if row else None


async def create(db: Database, pseudonym: str, language: Language) -> tuple[Person, bool]:
    """A person seen for the first time (``find`` found nobody), in one trip, and True; or
    whoever was stored under the pseudonym meanwhile, and False."""
    now = _day()
    row = await db.write_returning(
        "INSERT INTO people (id, pseudonym, chat_ref, language, created_at, updated_at)"
        f" VALUES (?, ?, NULL, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING {COLUMNS}",
        (new_id(), pseudonym, language, now, now))
    if row:
        return Person(**dict(row)), True
    return await get_or_create(db, pseudonym, language), False


async def get_or_create(
    db: Database, pseudonym: str, language: Language, chat_ref: bytes | None = None
) -> Person:
    """The person with this pseudonym, created with ``language`` at first contact (and given
    it then, if they were added before anyone knew their language)."""
    found = await get(db, pseudonym)
    if found:
        return await language_at_first_contact(db, found, language)
    now = _day()
    person = None
    while person is None:  # a random id already taken (about never) is drawn again
        await db.write(
            "INSERT INTO people (id, pseudonym, chat_ref, language, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (new_id(), pseudonym, chat_ref, language, now, now),
        )
        person = await get(db, pseudonym)
    return person


async def set_language(db: Database, person_id: int, language: Language) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE people SET language = ?, updated_at = ? WHERE id = ?",
            (language, _day(), person_id),
        )


async def set_role(db: Database, person_id: int, role: Role) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE people SET role = ?, updated_at = ? WHERE id = ?", (role, _day(), person_id)
        )


async def set_reporter_role(db: Database, person_id: int, role: str | None) -> None:
    """The role the person's next report starts in; None for a voter's (the default)."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE people SET reporter_role = ?, updated_at = ? WHERE id = ?", (role, _day(), person_id)
        )


async def set_chat_ref(db: Database, person_id: int, chat_ref: bytes) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE people SET chat_ref = ?, updated_at = ? WHERE id = ?",
            (chat_ref, _day(), person_id),
        )


async def rename(db: Database, person_id: int, pseudonym: str) -> None:
    """Move a person to their current pseudonym (after an upgrade or a key rotation)."""
    async with db.transaction() as conn:
        await conn.execute("UPDATE people SET pseudonym = ?, updated_at = ? WHERE id = ?",
                           (pseudonym, _day(), person_id))


async def give_staff_code(db: Database, person_id: int) -> Person:
    """A random code of their own for a staff member who has none, unlike any other staff
    member's: what /mods, /delmod and the history show of them."""
    async with db.transaction() as conn:
        async with conn.execute("SELECT staff_code FROM people WHERE staff_code IS NOT NULL") as cur:
            taken = {row[0] for row in await cur.fetchall()}
        code = secrets.token_hex(STAFF_CODE_LENGTH // 2).upper()
        while code in taken:
            code = secrets.token_hex(STAFF_CODE_LENGTH // 2).upper()
        await conn.execute("UPDATE people SET staff_code = ? WHERE id = ? AND staff_code IS NULL", (code, person_id))
    person = await get_by_id(db, person_id)
    assert person is not None
    return person


async def fill_chat_ref(db: Database, person_id: int, chat_ref: bytes) -> None:
    """Store the sealed chat where none is stored yet (a cheap no-op otherwise)."""
    row = await db.fetchone("SELECT chat_ref IS NULL AS missing FROM people WHERE id = ?", (person_id,))
    if row and row["missing"]:
        await set_chat_ref(db, person_id, chat_ref)


async def chat_ref(db: Database, person_id: int) -> bytes | None:
    row = await db.fetchone("SELECT chat_ref FROM people WHERE id = ?", (person_id,))
    return row["chat_ref"] if row else None


async def delete(db: Database, person_id: int) -> None:
    """Forget a person: drafts and draft evidence go with them, reports lose the link."""
    try:
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM people WHERE id = ?", (person_id,))
    finally:
        db.draft_cache.invalidate(person_id)  # the draft went with the person (ON DELETE CASCADE)


async def reseal_chat_refs(db: Database, unseal: Callable[[bytes], str | None],
                           seal: Callable[[str], bytes]) -> int:
    """Seal every chat reference again (after a key rotation), in one transaction; returns how
    many. A reference that does not open is left as it is."""
    count = 0
    async with db.transaction() as conn:
        async with conn.execute("SELECT id, chat_ref FROM people WHERE chat_ref IS NOT NULL") as cur:
            rows = await cur.fetchall()
        for person_id, sealed in rows:
            opened = unseal(sealed)
            if opened is not None:
                await conn.execute("UPDATE people SET chat_ref = ? WHERE id = ?", (seal(opened), person_id))
                count += 1
    return count


async def language_at_first_contact(db: Database, person: Person, language: Language) -> Person:
    """``person`` with ``language`` if nobody chose theirs yet, else as they are."""
    row = await db.fetchone("SELECT language = ? AS unknown FROM people WHERE id = ?",
                            (UNKNOWN_LANGUAGE, person.id))
    if not (row and row["unknown"]):
        return person
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE people SET language = ?, updated_at = ? WHERE id = ? AND language = ?",
            (language, _day(), person.id, UNKNOWN_LANGUAGE),
        )
    return await get_by_id(db, person.id) or person


async def add_staff(db: Database, pseudonym: str, role: Role, language: Language | None) -> Person:
    """Give the person with this pseudonym ``role``, creating them if the bot never heard from
    them. ``language`` sets theirs; None keeps the one they have, or for someone new leaves it
    unknown until their first update brings their Telegram language. They get a staff code."""
    now = _day()
    person = None
    while person is None:  # a random id already taken (about never) is drawn again
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO people (id, pseudonym, language, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (pseudonym) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at,"
                " language = CASE WHEN ? IS NULL THEN people.language ELSE excluded.language END"
                " ON CONFLICT DO NOTHING",
                (new_id(), pseudonym, language or UNKNOWN_LANGUAGE, role, now, now, language),
            )
        person = await get(db, pseudonym)
    return person if person.staff_code else await give_staff_code(db, person.id)


async def language_known(db: Database, person_id: int) -> bool:
    """Whether the person's language was chosen or seen (not just the default standing in)."""
    row = await db.fetchone("SELECT language != ? AS known FROM people WHERE id = ?", (UNKNOWN_LANGUAGE, person_id))
    return bool(row and row["known"])


async def set_on_duty(db: Database, person_id: int, on: bool) -> None:
    """Whether the staff member gets urgent alerts in their private chat too (/duty)."""
    async with db.transaction() as conn:
        await conn.execute("UPDATE people SET on_duty = ?, updated_at = ? WHERE id = ?", (int(on), _day(), person_id))


async def on_duty(db: Database) -> list[Person]:
    """Everyone who marked themselves on duty, in the order they came to the bot (whether they
    are still staff is the caller's to check: an administrator's role is not stored)."""
    rows = await db.fetchall(f"SELECT {COLUMNS} FROM people WHERE on_duty = 1 ORDER BY id")
    return [Person(**dict(row)) for row in rows]


async def is_on_duty(db: Database, person_id: int) -> bool:
    row = await db.fetchone("SELECT on_duty FROM people WHERE id = ?", (person_id,))
    return bool(row and row["on_duty"])
