"""Who may do what: administrators come from ADMIN_IDS, moderators from the database."""

from __future__ import annotations

from bot.settings import Settings
from domain.rules import STAFF_ROLES
from storage.models import Person


def is_admin(settings: Settings, user_id: int | None) -> bool:
    return user_id is not None and user_id in settings.admin_ids


def is_moderator(settings: Settings, person: Person | None, user_id: int | None) -> bool:
    """Moderators and administrators may handle reports."""
    return is_admin(settings, user_id) or (person is not None and person.role in STAFF_ROLES)


def matching_code(code: str, staff: list[Person]) -> Person | None:
    """The staff member whose code an administrator typed (case does not matter), if any."""
    code = code.strip().upper()
    return next((person for person in staff if person.staff_code == code), None)
