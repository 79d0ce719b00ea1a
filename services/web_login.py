"""Signing in to the dashboard: one-time links made for a staff member by /dashboard, sessions,
and the check that someone is still staff (administrators are known by their pseudonym)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from bot.settings import Settings
from domain.rules import STAFF_ROLES
from storage import web_sessions
from storage.crypto import Keys
from storage.db import Database
from storage.models import Person

LINK_VALID = timedelta(minutes=5)
SESSION_LASTS = timedelta(hours=12)


def base_url(settings: Settings, port: int | None = None) -> str:
    """Where people open the dashboard: PUBLIC_URL, or the address it listens on."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return f"http://{settings.web_host}:{port if port is not None else settings.web_port}"


def is_staff(person: Person | None, admins: frozenset[str]) -> bool:
    """Moderators and administrators (ADMIN_IDS, matched by their pseudonyms ``admins``: the
    dashboard never learns a Telegram id)."""
    if person is None:
        return False
    return person.role in STAFF_ROLES or person.pseudonym in admins


def token_hash(keys: Keys, kind: str, token: str) -> str:
    return keys.keyed_hash(f"web-{kind}:{token}")


async def new_link(db: Database, base: str, keys: Keys, person: Person) -> str:
    """A link under ``base`` that signs ``person`` in once, within LINK_VALID."""
    token = secrets.token_urlsafe(32)
    await web_sessions.add_login(db, token_hash(keys, "login", token), person.id)
    return f"{base}/login/{token}"


async def open_session(db: Database, keys: Keys, person_id: int) -> tuple[str, str]:
    """A new session for someone signed in: its cookie value and its CSRF token."""
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    await web_sessions.open_session(db, token_hash(keys, "session", session_id), person_id, csrf, SESSION_LASTS)
    return session_id, csrf
