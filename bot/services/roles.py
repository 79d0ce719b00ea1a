"""Who may do what: administrators come from ADMIN_IDS, moderators from the database."""

from __future__ import annotations

from bot.settings import Settings
from storage.models import Person


def is_admin(settings: Settings, user_id: int | None) -> bool:
    return user_id is not None and user_id in settings.admin_ids


def is_moderator(settings: Settings, person: Person | None, user_id: int | None) -> bool:
    """Moderators and administrators may handle reports."""
    return is_admin(settings, user_id) or (person is not None and person.role in ("moderator", "admin"))


CODE_MIN = 4  # the four hex digits cards show (Person.short_name)


def staff_codes(pseudonyms: list[str]) -> dict[str, str]:
    """Each pseudonym's code for /mods and /delmod: its first hex digits, four or as many more
    as tell it apart from the others listed."""
    codes = {}
    for pseudonym in pseudonyms:
        length = CODE_MIN
        while length < len(pseudonym) and any(
                other != pseudonym and other.startswith(pseudonym[:length]) for other in pseudonyms):
            length += 1
        codes[pseudonym] = pseudonym[:length].upper()
    return codes


def matching_code(code: str, pseudonyms: list[str]) -> list[str]:
    """The pseudonyms a code typed by an administrator may stand for (case does not matter)."""
    code = code.strip().lower()
    if len(code) < CODE_MIN or any(c not in "0123456789abcdef" for c in code):
        return []
    return [pseudonym for pseudonym in pseudonyms if pseudonym.lower().startswith(code)]
