"""Who is asking: the session cookie (checked against the database and the person's role on
every request), the CSRF token of forms, and Telegram Mini App ``initData``."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import datetime, timezone
from urllib.parse import parse_qsl

from aiohttp import web

from services.official import MAX_BYTES as OFFICIAL_MAX_BYTES
from services.web_login import is_staff, token_hash
from domain import clock
from storage import people, web_sessions
from storage.models import Person
from web.context import SERVICES, VISITOR

COOKIE = "kz_session"
INIT_DATA_MAX_AGE = 24 * 3600  # seconds: Telegram's initData older than a day is refused
PUBLIC = ("/login", "/app", "/static/", "/webapp/login")
# Forms that carry a file bigger than the dashboard's usual limit (web.server): read with this
# limit once the session is known to be staff's (the view itself admits administrators only).
LARGE_FORMS = {"/official": OFFICIAL_MAX_BYTES + 64 * 1024}


class Visitor:
    """A signed-in staff member: the person, their session's CSRF token and cookie value."""

    def __init__(self, person: Person, csrf: str, session_id: str, admin: bool = False) -> None:
        self.person, self.csrf, self.session_id, self.admin = person, csrf, session_id, admin



@web.middleware
async def require_staff(request: web.Request, handler):
    """Every page but sign-in needs an open session of someone who is staff now; a form that
    changes anything needs the session's CSRF token. Refusals say nothing about the data."""
    if request.path.startswith(PUBLIC):
        return await handler(request)
    services = request.app[SERVICES]
    session_id = request.cookies.get(COOKIE, "")
    db = await services.db()
    found = await web_sessions.session(db, token_hash(services.keys, "session", session_id)) if session_id else None
    person = await people.get_by_id(db, found.person_id) if found else None
    admins = await services.admin_pseudonyms()
    if found is None or not is_staff(person, admins):
        raise web.HTTPUnauthorized()
    if request.method not in ("GET", "HEAD"):
        if request.path in LARGE_FORMS:
            request = request.clone(client_max_size=LARGE_FORMS[request.path])
        form = await request.post()
        sent = str(form.get("csrf", "")) or request.headers.get("X-CSRF-Token", "")
        if not hmac.compare_digest(sent.encode(), found.csrf.encode()):
            raise web.HTTPForbidden()
    request[VISITOR] = Visitor(person, found.csrf, session_id, admin=person.pseudonym in admins)
    return await handler(request)


class SignedInitData:
    """A Mini App's initData as Telegram signed it: whose it is, when it was signed, and its
    signature (the same however its fields are ordered: what a replay is known by)."""

    def __init__(self, user_id: int, auth_date: int, signature: str) -> None:
        self.user_id, self.auth_date, self.signature = user_id, auth_date, signature

    @property
    def expires_at(self) -> str:
        return clock.iso(datetime.fromtimestamp(self.auth_date + INIT_DATA_MAX_AGE, timezone.utc))


def signed_init_data(init_data: str, bot_token: str, now: float | None = None) -> SignedInitData | None:
    """A Mini App's ``initData``, validated as Telegram specifies (HMAC-SHA256 keyed with
    HMAC-SHA256("WebAppData", bot token), ``auth_date`` within a day); None for anything forged,
    stale or malformed. Whether it was used before is the caller's to ask."""
    try:
        pairs = dict(parse_qsl(init_data, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        return None
    received = pairs.pop("hash", "")
    check = "\n".join(f"{key}={value}" for key, value in sorted(pairs.items()))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    expected = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    if not received or not hmac.compare_digest(expected, received):
        return None
    try:
        auth_date = int(pairs["auth_date"])
        user = json.loads(pairs["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError):
        return None
    age = (now if now is not None else time.time()) - auth_date
    return SignedInitData(user_id, auth_date, expected) if -60 <= age <= INIT_DATA_MAX_AGE else None
