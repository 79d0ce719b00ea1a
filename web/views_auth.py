"""Signing in and out: the one-time link from /dashboard (opened by a press, so that a link
preview cannot use it up), the Telegram Mini App's initData, and signing out."""

from __future__ import annotations

from aiohttp import web

from services.web_login import LINK_VALID, SESSION_LASTS, base_url, is_staff, open_session, token_hash
from storage import people, web_sessions
from web.auth import COOKIE, signed_init_data
from web.context import SERVICES, VISITOR
from web.render import render


def _signed_in(request: web.Request, response: web.StreamResponse, session_id: str) -> web.StreamResponse:
    settings = request.app[SERVICES].settings
    response.set_cookie(COOKIE, session_id, max_age=int(SESSION_LASTS.total_seconds()), path="/", httponly=True,
                        samesite="Strict", secure=base_url(settings).startswith("https://"))
    return response


async def login_page(request: web.Request) -> web.Response:
    """GET /login/<token>: a button that signs in (a GET changes nothing)."""
    return render(request, "login.html", token=request.match_info["token"])


async def login(request: web.Request) -> web.StreamResponse:
    """POST /login: the link's token, used once, within five minutes, by someone still staff."""
    services = request.app[SERVICES]
    form = await request.post()
    token = str(form.get("token", ""))[:200]
    db = await services.db()
    person_id = await web_sessions.use_login(db, token_hash(services.keys, "login", token), LINK_VALID) if token else None
    person = await people.get_by_id(db, person_id) if person_id else None
    if not is_staff(person, await services.admin_pseudonyms()):
        return render(request, "message.html", status=401, message="web.login.refused")
    session_id, _ = await open_session(db, services.keys, person.id)
    return _signed_in(request, web.Response(status=303, headers={"Location": "/queue"}), session_id)


async def mini_app(request: web.Request) -> web.Response:
    """GET /app: the Mini App's first page; its script sends Telegram's initData to sign in."""
    return render(request, "app.html")


async def mini_app_login(request: web.Request) -> web.StreamResponse:
    """POST /webapp/login: initData signed by Telegram for a staff member opens a session, once:
    the same initData again (copied from a log, a screen or a proxy) is refused."""
    services = request.app[SERVICES]
    form = await request.post()
    signed = signed_init_data(str(form.get("init_data", ""))[:4096], services.settings.bot_token.get_secret_value())
    db = await services.db()
    person = await services.known_person(signed.user_id) if signed is not None else None
    admin = signed is not None and signed.user_id in services.settings.admin_ids
    if person is None or not (admin or is_staff(person, await services.admin_pseudonyms())):
        raise web.HTTPUnauthorized()
    if not await web_sessions.use_init_data(db, token_hash(services.keys, "init-data", signed.signature),
                                            signed.expires_at):
        raise web.HTTPUnauthorized()
    session_id, _ = await open_session(db, services.keys, person.id)
    return _signed_in(request, web.json_response({"next": "/queue"}), session_id)


async def logout(request: web.Request) -> web.StreamResponse:
    """POST /logout: the session is closed for good."""
    services = request.app[SERVICES]
    visitor = request[VISITOR]
    await web_sessions.revoke(await services.db(), token_hash(services.keys, "session", visitor.session_id))
    response = render(request, "message.html", message="web.logout.done")
    response.del_cookie(COOKIE, path="/")
    return response
