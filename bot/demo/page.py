"""The demo's page: Telegram in the browser for the people of the demo (their chats, buttons and
files) and the rehearsal's controls. Served only by ``python -m bot --demo``, on its own port:
the dashboard of a real deployment has no such routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bot.demo.chats import ROLES, Chats
from bot.demo.rehearsal import Rehearsal
from services.i18n import Translator
from domain.rules import DEFAULT_LANGUAGE, LANGUAGES
from fake_telegram import FakeUser
from web.render import HEADERS

HERE = Path(__file__).resolve().parent
CHATS = web.AppKey("chats", Chats)
REHEARSAL = web.AppKey("rehearsal", Rehearsal)
DASHBOARD_URL = web.AppKey("dashboard", str)
_PHOTO_TYPES = ("image/jpeg", "image/png")
_FILE_LIMIT = 20 * 2**20  # bytes: what a person may send the bot through the page

_environment = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                           trim_blocks=True, lstrip_blocks=True)


def _who(request: web.Request, source: Any) -> tuple[str, str]:
    role, lang = str(source.get("who", "")), str(source.get("lang", ""))
    if role not in ROLES or lang not in LANGUAGES:
        raise web.HTTPBadRequest(text="who and lang")
    return role, lang


def _person(request: web.Request, source: Any) -> FakeUser:
    role, lang = _who(request, source)
    in_group = str(source.get("chat", "")) == "group"
    if in_group and role != "moderator":
        raise web.HTTPForbidden(text="only moderators are in the moderators' group")
    return request.app[CHATS].person(role, lang, in_group)


def _guard(request: web.Request) -> None:
    """A change comes from the page's own script (a header no other site's form can send)."""
    if request.headers.get("X-Demo") != "1":
        raise web.HTTPForbidden(text="403 Forbidden")


async def home(request: web.Request) -> web.Response:
    """GET /demo/: the people to pick, or one person's chats."""
    lang = request.query.get("lang", DEFAULT_LANGUAGE)
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    role = request.query.get("who", "")
    t = Translator(lang)
    chats = []
    if role in ROLES:
        chats = ["private", "group"] if role == "moderator" else ["private"]
    page = _environment.get_template("chat_page.html").render(
        t=lambda key, **params: Markup(t(key, **params)), lang=lang, role=role if role in ROLES else "",
        roles=ROLES, languages=LANGUAGES, names={code: Translator(code)("language.name." + code) for code in LANGUAGES},
        chats=chats, dashboard=request.app[DASHBOARD_URL])
    return web.Response(text=page, content_type="text/html", headers=HEADERS)


async def chat(request: web.Request) -> web.StreamResponse:
    """GET /demo/api/chat: what a chat shows now (204 when nothing changed since ``since``)."""
    user = _person(request, request.query)
    shown = request.app[CHATS].chat(user.chat["id"])
    if str(shown.version) == request.query.get("since"):
        return web.Response(status=204, headers=HEADERS)
    notice, shown.notice = shown.notice, ""
    return web.json_response({"version": shown.version, "entries": shown.entries, "keyboard": shown.keyboard,
                              "notice": notice, "me": user.id}, headers=HEADERS)


async def send(request: web.Request) -> web.Response:
    """POST /demo/api/send: a text (a reply to a message when ``reply_to`` names one)."""
    _guard(request)
    form = await request.post()
    user = _person(request, form)
    text = str(form.get("text", "")).strip()[:4096]
    if not text:
        raise web.HTTPBadRequest(text="empty")
    reply_to = str(form.get("reply_to", ""))
    replied = request.app[CHATS].fake.messages.get((user.chat["id"], int(reply_to))) if reply_to.isdigit() else None
    await request.app[CHATS].say(user, text, replied)
    return web.json_response({"ok": True}, headers=HEADERS)


async def press(request: web.Request) -> web.Response:
    """POST /demo/api/press: a press on one of the bot's inline buttons."""
    _guard(request)
    form = await request.post()
    user = _person(request, form)
    message = request.app[CHATS].fake.messages.get((user.chat["id"], int(str(form.get("message_id", "0")) or 0)))
    data = str(form.get("data", ""))
    if message is None or not data:
        raise web.HTTPBadRequest(text="no such button")
    await user.press(data=data, message=message)
    return web.json_response({"ok": True}, headers=HEADERS)


async def upload(request: web.Request) -> web.Response:
    """POST /demo/api/upload: a photo (JPEG, PNG) or any other file from the computer."""
    _guard(request)
    form = await request.post()
    user = _person(request, form)
    sent = form.get("file")
    if not isinstance(sent, web.FileField):
        raise web.HTTPBadRequest(text="no file")
    data = sent.file.read(_FILE_LIMIT + 1)
    if not data or len(data) > _FILE_LIMIT:
        raise web.HTTPBadRequest(text="empty or too large")
    chats = request.app[CHATS]
    name = Path(sent.filename or "file").name[:100] or "file"
    message_id = user.last_sent_id + 1
    if sent.content_type in _PHOTO_TYPES:
        chats.sent(user, message_id, photo="pending")
        fake = await user.photo(data)
        chats.chat(user.chat["id"]).find("me", message_id)["photo"] = fake.file_id
    else:
        fake = user.file(data, name.rsplit(".", 1)[-1] if "." in name else "bin", None, name)
        chats.sent(user, message_id, file={"file_id": fake.file_id, "name": name})
        await user.send(document={"file_id": fake.file_id, "file_unique_id": fake.file_unique_id, "file_name": name,
                                  "mime_type": sent.content_type or "application/octet-stream",
                                  "file_size": fake.size})
    return web.json_response({"ok": True}, headers=HEADERS)


async def file(request: web.Request) -> web.Response:
    """GET /demo/file/{file_id}: a file held by the built-in Telegram (photos in the chats)."""
    found = request.app[CHATS].fake.files.get(request.match_info["file_id"])
    if found is None:
        raise web.HTTPNotFound()
    kind = "image/jpeg" if found.path.endswith((".jpg", ".jpeg")) else "application/octet-stream"
    headers = {**HEADERS, "Content-Disposition": "attachment" if kind != "image/jpeg" else "inline"}
    return web.Response(body=found.data, content_type=kind, headers=headers)


async def rehearsal_start(request: web.Request) -> web.Response:
    """POST /demo/api/rehearsal: start a rehearsal of ``count`` reports at ``pace`` a minute."""
    _guard(request)
    form = await request.post()
    try:
        count, pace = int(str(form.get("count", "100"))), float(str(form.get("pace", "30")))
    except ValueError:
        raise web.HTTPBadRequest(text="count and pace are numbers") from None
    started = request.app[REHEARSAL].start(max(1, min(count, 1000)), max(1.0, min(pace, 600.0)))
    return web.json_response({"started": started}, headers=HEADERS)


async def rehearsal_state(request: web.Request) -> web.Response:
    """GET /demo/api/rehearsal: its progress, then its summary in the page's language."""
    lang = request.query.get("lang", DEFAULT_LANGUAGE)
    return web.json_response(await request.app[REHEARSAL].state(Translator(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)),
                             headers=HEADERS)


async def _home_redirect(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/demo/")


def make_app(chats: Chats, rehearsal: Rehearsal, dashboard_url: str) -> web.Application:
    app = web.Application(client_max_size=_FILE_LIMIT + 2**16)
    app[CHATS], app[REHEARSAL], app[DASHBOARD_URL] = chats, rehearsal, dashboard_url
    app.router.add_get("/", _home_redirect)
    app.router.add_get("/demo/", home)
    app.router.add_get("/demo/api/chat", chat)
    app.router.add_post("/demo/api/send", send)
    app.router.add_post("/demo/api/press", press)
    app.router.add_post("/demo/api/upload", upload)
    app.router.add_get("/demo/file/{file_id}", file)
    app.router.add_post("/demo/api/rehearsal", rehearsal_start)
    app.router.add_get("/demo/api/rehearsal", rehearsal_state)
    app.router.add_static("/demo/static/", HERE / "static")
    return app
