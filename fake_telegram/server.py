"""A fake Telegram Bot API server (aiohttp) that the real Application talks to over HTTP.

It serves getUpdates by long polling, records every call the bot makes, keeps the messages
the bot sent (with edits), serves files, and refuses what Telegram refuses, in Telegram's
error shape. Tests read ``calls``, ``refused`` and the per-chat ``events``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

from fake_telegram import limits
from fake_telegram.html_check import EntityError, parse_html, utf16_len

# A predicate that reads the bot's database would otherwise be looked at again only at the next
# call, which may be the end of a long poll seconds later.
RECHECK = 0.05
VISIBLE = ("message", "edit")  # what a person reads as an answer (not old buttons going away)
from fake_telegram.refusal import Refusal

BOT_USER = {"id": 700000001, "is_bot": True, "first_name": "Election Bot", "username": "kz_election_test_bot"}

# Parameters that python-telegram-bot sends JSON-encoded inside form fields.
_JSON_FIELDS = {
    "reply_markup", "media", "commands", "scope", "entities", "caption_entities",
    "allowed_updates", "link_preview_options", "reply_parameters", "results", "menu_button",
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    ok: bool
    description: str | None = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Event:
    """Something the bot did that a user in a chat would notice."""

    # "message" | "edit" | "markup" (only the buttons changed: not an answer) | "answer" | "delete"
    kind: str
    chat_id: int
    message: dict[str, Any] | None
    params: dict[str, Any]


@dataclass
class FakeFile:
    file_id: str
    file_unique_id: str
    data: bytes
    path: str
    size: int
    # The name Telegram keeps with the file: the sender's, or an upload's filename. Sent again
    # by file_id, the file keeps it (there is no parameter to change it), as on Telegram.
    file_name: str | None = None


class Upload(bytes):
    """An uploaded file's bytes, with the filename its multipart part gave."""

    filename: str | None = None


class FakeTelegram:
    """One fake Bot API server for one bot token."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.events: list[Event] = []
        # The same calls and events indexed by method and by chat: tests' predicates are re-checked
        # after every call, and scanning the whole history each time made a run of a hundred
        # reports spend seconds of CPU in the scans alone.
        self._calls_by_method: dict[str, list[Call]] = {}
        self._events_by_chat: dict[int, list[Event]] = {}
        self._visible_by_chat: dict[int, list[Event]] = {}
        # Waiters on one chat (wait_for_chat): woken by that chat's events only, not by every call.
        self._chat_waiters: dict[int, list[tuple[Callable[[], Any], asyncio.Future]]] = {}
        self.files: dict[str, FakeFile] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.callback_queries: dict[str, bool] = {}
        self._query_chats: dict[str, int] = {}
        self._query_times: dict[str, float] = {}
        # Telegram refuses to answer a callback query more than about 15 seconds after the press.
        self.callback_answer_ttl = 15.0
        # An outage as the bot sees it: while held, getUpdates hands out nothing (the updates wait).
        self.holding = False
        # Seconds a call waits before it is carried out (Telegram holding an edit in a full group).
        self.delay: Callable[[str, dict[str, Any]], float] | None = None
        # A download that never finishes: its first half is served, then the link stays silent.
        self.download_hangs: Callable[[FakeFile], bool] | None = None
        self.downloads_started: list[str] = []  # file paths, as each download begins
        self.rate_limits: limits.RateLimits | None = None
        self.download_delay: Callable[[FakeFile], float] | None = None
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.delivered_at: dict[int, float] = {}
        self.polls = 0
        self.stopping = False
        # Injected failures: ``fault(method, params)`` returns an HTTP status to answer with
        # (429, or a 5xx with an HTML page as a proxy sends it) instead of carrying the call out.
        self.fault: Callable[[str, dict[str, Any]], int | None] | None = None
        self.faulted: list[Call] = []
        self.menu_buttons: dict[int, dict[str, Any]] = {}  # private chat id -> its menu button
        self.latency = 0.0  # seconds added to every call
        # Called with every Event as it happens: the benchmark's cheap way to follow 1,000 chats.
        self.observers: list[Callable[[Event], None]] = []

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application(client_max_size=200 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]
        self.url = f"http://{host}:{sockets[0].getsockname()[1]}"
        return self.url

    async def stop(self) -> None:
        # Pending long polls would hold the server's shutdown until their timeout.
        async with self._changed:
            self.stopping = True
            self._changed.notify_all()
        if self._runner:
            await self._runner.cleanup()

    # ---- what tests look at ----------------------------------------------------------------

    @property
    def refused(self) -> list[Call]:
        return [call for call in self.calls if not call.ok]

    def calls_of(self, method: str) -> list[Call]:
        return list(self._calls_by_method.get(method, ()))

    def chat_events(self, chat_id: int) -> list[Event]:
        return list(self._events_by_chat.get(chat_id, ()))

    def visible_events(self, chat_id: int) -> list[Event]:
        """A chat's events a person reads as an answer (VISIBLE: messages and edits), in order;
        the list itself, kept up to date (do not change it)."""
        return self._visible_by_chat.get(chat_id, [])

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 15.0, *,
                       recheck: float | None = RECHECK) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked after every call, and every ``recheck``
        seconds for what no call shows, such as a row in the bot's database); return it. A
        predicate on what the fake alone records passes ``recheck=None``: a hundred fake users
        waiting at once would otherwise wake twenty times a second each."""
        if recheck is None:
            async with self._changed:
                return await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

        # asyncio.timeout, not nested wait_for: in Python 3.11 an inner wait_for finishing as the
        # outer one times out can swallow the outer cancellation, and the wait would never end.
        async with asyncio.timeout(timeout):
            async with self._changed:
                while not (result := predicate()):
                    try:
                        async with asyncio.timeout(recheck):
                            await self._changed.wait()
                    except TimeoutError:
                        pass
                return result

    async def wait_for_chat(self, chat_id: int, predicate: Callable[[], Any], timeout: float = 15.0) -> Any:
        """Wait until ``predicate()``, which looks at ``chat_id``'s events only, is truthy (re-checked
        at each event in that chat); return it. A hundred fake users waiting at once are each
        woken by their own chat, not all of them by every call."""
        if result := predicate():
            return result
        waiter = (predicate, asyncio.get_running_loop().create_future())
        waiters = self._chat_waiters.setdefault(chat_id, [])
        waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter[1], timeout)
        finally:
            waiters.remove(waiter)

    # ---- what tests feed in ----------------------------------------------------------------

    def next_id(self) -> int:
        return next(self._ids)

    def add_chat(self, chat: dict[str, Any]) -> None:
        self.chats[chat["id"]] = chat

    def add_file(self, data: bytes, suffix: str = "bin", size: int | None = None,
                 file_name: str | None = None) -> FakeFile:
        """Register bytes as a file held by Telegram; ``size`` may claim more than ``data``."""
        n = self.next_id()
        fake = FakeFile(
            file_id=f"FILE{n:06d}AgAD{n}",
            file_unique_id=f"UNQ{n:06d}",
            data=data,
            path=f"documents/file_{n}.{suffix}",
            size=len(data) if size is None else size,
            file_name=file_name,
        )
        self.files[fake.file_id] = fake
        return fake

    async def hold_updates(self, on: bool) -> None:
        """Hold every update back (an outage between Telegram and the bot), or let them go."""
        async with self._changed:
            self.holding = on
            self._changed.notify_all()

    async def push_update(self, payload: dict[str, Any]) -> int:
        update = {"update_id": next(self._update_ids), **payload}
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()
        return update["update_id"]

    # ---- HTTP ------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params, uploads = await _read_params(request)
        if self.latency:
            await asyncio.sleep(self.latency)
        if self.delay is not None and (wait := self.delay(method, params)):
            await asyncio.sleep(wait)
        fault = self.fault(method, params) if self.fault else None
        if fault is not None:
            # An injected failure before the call is carried out: kept apart from refusals.
            self.faulted.append(Call(method, params, False, f"injected {fault}"))
            if fault == 429:
                body = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1}}
                return web.json_response(body, status=429)
            if fault == 409:
                body = {"ok": False, "error_code": 409, "description": "Conflict: terminated by other "
                        "getUpdates request; make sure that only one bot instance is running"}
                return web.json_response(body, status=409)
            page = f"<html><head><title>{fault}</title></head><body><h1>{fault} Bad Gateway</h1>" + "x" * 2000
            return web.Response(status=fault, text=page + "</body></html>", content_type="text/html")
        handler = getattr(self, f"_m_{method.lower()}", None)
        try:
            if handler is None:
                raise Refusal(404, "Not Found: method not found")
            if self.rate_limits is not None:
                self.rate_limits.check(method, params)
            result = await handler(params, uploads)
        except Refusal as refusal:
            await self._record(Call(method, params, False, refusal.description))
            body: dict[str, Any] = {"ok": False, "error_code": refusal.code, "description": refusal.description}
            if refusal.retry_after is not None:
                body["parameters"] = {"retry_after": refusal.retry_after}
            return web.json_response(body, status=refusal.code)
        if method != "getUpdates" or result:
            await self._record(Call(method, params, True))
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        found = next((f for f in self.files.values() if f.path == path), None)
        if found is None:
            return web.Response(status=404)
        async with self._changed:
            self.downloads_started.append(path)
            self._changed.notify_all()
        if self.download_hangs is not None and self.download_hangs(found):
            response = web.StreamResponse()
            response.content_length = len(found.data)
            await response.prepare(request)
            half = len(found.data) // 2
            await response.write(found.data[:half])
            # Silent until the test lets it go or the server stops (a killed client never reads on).
            while not self.stopping and self.download_hangs is not None and self.download_hangs(found):
                await asyncio.sleep(0.1)
            if self.stopping:
                return response
            await response.write(found.data[half:])
            await response.write_eof()
            return response
        delay = self.download_delay(found) if self.download_delay else 0
        if not delay:
            return web.Response(body=found.data)
        # A throttled link: the body trickles out in chunks over ``delay`` seconds.
        response = web.StreamResponse()
        response.content_length = len(found.data)
        await response.prepare(request)
        chunks = 20
        step = max(1, len(found.data) // chunks)
        for start in range(0, len(found.data), step):
            await response.write(found.data[start:start + step])
            await asyncio.sleep(delay / chunks)
        await response.write_eof()
        return response

    async def _record(self, call: Call, events: list[Event] = ()) -> None:
        async with self._changed:
            self.calls.append(call)
            self._calls_by_method.setdefault(call.method, []).append(call)
            self._add_events(events)
            self._changed.notify_all()

    async def _emit(self, *events: Event) -> None:
        for observer in self.observers:
            for event in events:
                observer(event)
        async with self._changed:
            self._add_events(events)
            self._changed.notify_all()

    def _add_events(self, events) -> None:
        for event in events:
            self.events.append(event)
            self._events_by_chat.setdefault(event.chat_id, []).append(event)
            if event.kind in VISIBLE:
                self._visible_by_chat.setdefault(event.chat_id, []).append(event)
        for chat_id in {event.chat_id for event in events}:
            for predicate, future in self._chat_waiters.get(chat_id, ()):
                if not future.done() and (result := predicate()):
                    future.set_result(result)

    # ---- methods ---------------------------------------------------------------------------

    async def _m_getme(self, params, uploads):
        return BOT_USER

    async def _m_deletewebhook(self, params, uploads):
        return True

    async def _m_getwebhookinfo(self, params, uploads):
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    async def _m_close(self, params, uploads):
        return True

    async def _m_getupdates(self, params, uploads):
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        async with self._changed:
            self.polls += 1
            self._changed.notify_all()
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if (self.holding or not self._updates) and timeout > 0:
                try:
                    await asyncio.wait_for(self._changed.wait_for(
                        lambda: (bool(self._updates) and not self.holding) or self.stopping), timeout)
                except asyncio.TimeoutError:
                    pass
            batch = [] if self.holding else self._updates[:limit]
            now = time.monotonic()
            for update in batch:
                self.delivered_at.setdefault(update["update_id"], now)
            return batch

    async def _m_setchatmenubutton(self, params, uploads):
        """The button beside a private chat's text field; a Mini App's must be https."""
        button = params.get("menu_button") or {"type": "default"}
        if isinstance(button, str):
            button = json.loads(button)
        if button.get("type") not in ("default", "commands", "web_app"):
            raise Refusal(400, "Bad Request: unsupported menu button type")
        if button["type"] == "web_app":
            url = (button.get("web_app") or {}).get("url", "")
            if not url.startswith("https://") or not 1 <= len(button.get("text", "")) <= 64:
                raise Refusal(400, "Bad Request: BUTTON_URL_INVALID")
        self.menu_buttons[int(params["chat_id"])] = button
        return True

    async def _m_setmycommands(self, params, uploads):
        commands = params.get("commands") or []
        if not 0 < len(commands) <= 100:
            raise Refusal(400, "Bad Request: commands list is empty or too long")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise Refusal(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise Refusal(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[(scope, params.get("language_code") or "")] = commands
        return True

    async def _m_deletemycommands(self, params, uploads):
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands.pop((scope, params.get("language_code") or ""), None)
        return True

    async def _m_getmycommands(self, params, uploads):
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        return self.commands.get((scope, params.get("language_code") or ""), [])

    async def _m_sendchataction(self, params, uploads):
        self._chat(params)
        return True

    async def _m_getchat(self, params, uploads):
        return self._chat(params)

    async def _m_sendmessage(self, params, uploads):
        chat = self._chat(params)
        text = params.get("text") or ""
        plain = self._formatted(text, params.get("parse_mode"), limits.MESSAGE_TEXT, "text")
        markup = self._markup(params)
        message = self._new_message(chat, text=plain, html_text=text, reply_markup=markup,
                                    reply_to_message=self._replied(chat, params))
        await self._emit(Event("message", chat["id"], message, params))
        return message

    async def _m_editmessagetext(self, params, uploads):
        message = self._existing(params)
        text = params.get("text") or ""
        plain = self._formatted(text, params.get("parse_mode"), limits.MESSAGE_TEXT, "text")
        markup = self._markup(params)
        if message.get("text") == plain and message.get("reply_markup") == markup:
            raise Refusal(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message.update(text=plain, html_text=text, edit_date=int(time.time()))
        _set_markup(message, markup)
        await self._emit(Event("edit", message["chat"]["id"], message, params))
        return message

    async def _m_editmessagecaption(self, params, uploads):
        message = self._existing(params)
        caption = params.get("caption") or ""
        plain = self._formatted(caption, params.get("parse_mode"), limits.CAPTION, "caption", allow_empty=True)
        markup = self._markup(params)
        if message.get("caption") == plain and message.get("reply_markup") == markup:
            raise Refusal(400, "Bad Request: message is not modified")
        message.update(caption=plain, edit_date=int(time.time()))
        _set_markup(message, markup)
        await self._emit(Event("edit", message["chat"]["id"], message, params))
        return message

    async def _m_editmessagereplymarkup(self, params, uploads):
        message = self._existing(params)
        markup = self._markup(params)
        if message.get("reply_markup") == markup:
            raise Refusal(400, "Bad Request: message is not modified")
        _set_markup(message, markup)
        # Not an "edit": a test waiting for the bot's answer should not take an old screen's
        # buttons going away for it (the bot takes them off after it answered).
        await self._emit(Event("markup", message["chat"]["id"], message, params))
        return message

    async def _m_deletemessage(self, params, uploads):
        message = self._existing(params)
        self.messages.pop((message["chat"]["id"], message["message_id"]))
        await self._emit(Event("delete", message["chat"]["id"], message, params))
        return True

    async def _m_answercallbackquery(self, params, uploads):
        query_id = str(params.get("callback_query_id"))
        too_old = time.monotonic() - self._query_times.get(query_id, 0.0) > self.callback_answer_ttl
        if self.callback_queries.get(query_id) is not False or too_old:
            raise Refusal(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if utf16_len(params.get("text") or "") > limits.CALLBACK_ANSWER:
            raise Refusal(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callback_queries[query_id] = True
        chat_id = self._query_chats.get(query_id, 0)
        await self._emit(Event("answer", chat_id, None, params))
        return True

    async def _m_getfile(self, params, uploads):
        found = self.files.get(str(params.get("file_id")))
        if found is None:
            raise Refusal(400, "Bad Request: invalid file_id")
        if found.size > limits.GET_FILE_BYTES:
            raise Refusal(400, "Bad Request: file is too big")
        return {"file_id": found.file_id, "file_unique_id": found.file_unique_id,
                "file_size": found.size, "file_path": found.path}

    async def _m_sendphoto(self, params, uploads):
        return await self._send_media(params, uploads, "photo", limits.PHOTO_UPLOAD)

    async def _m_senddocument(self, params, uploads):
        return await self._send_media(params, uploads, "document", limits.DOCUMENT_UPLOAD)

    async def _m_sendvideo(self, params, uploads):
        return await self._send_media(params, uploads, "video", limits.DOCUMENT_UPLOAD)

    async def _m_sendvoice(self, params, uploads):
        return await self._send_media(params, uploads, "voice", limits.DOCUMENT_UPLOAD)

    async def _m_sendaudio(self, params, uploads):
        return await self._send_media(params, uploads, "audio", limits.DOCUMENT_UPLOAD)

    async def _m_sendvideonote(self, params, uploads):
        return await self._send_media(params, uploads, "video_note", limits.DOCUMENT_UPLOAD)

    async def _m_sendlocation(self, params, uploads):
        chat = self._chat(params)
        location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        message = self._new_message(chat, location=location, reply_markup=self._markup(params),
                                    reply_to_message=self._replied(chat, params))
        await self._emit(Event("message", chat["id"], message, params))
        return message

    async def _m_sendmediagroup(self, params, uploads):
        chat = self._chat(params)
        media = params.get("media") or []
        if not limits.MEDIA_GROUP_MIN <= len(media) <= limits.MEDIA_GROUP_MAX:
            raise Refusal(400, "Bad Request: media group must include 2-10 items")
        kinds = {item.get("type") for item in media}
        if ("document" in kinds or "audio" in kinds) and len(kinds) > 1:
            raise Refusal(400, "Bad Request: documents and audio can't be mixed with other media types")
        group_id = str(self.next_id())
        sent = []
        for item in media:
            fake = self._media_file(item.get("media"), uploads, limits.DOCUMENT_UPLOAD)
            if item.get("type") == "photo":
                _photo_dimensions(fake)  # one photo Telegram will not take refuses the whole album
            caption = item.get("caption")
            plain = (self._formatted(caption, item.get("parse_mode"), limits.CAPTION, "caption")
                     if caption else None)
            sent.append((item["type"], fake, plain))
        messages = []
        for kind, fake, plain in sent:
            message = self._new_message(chat, media_group_id=group_id, caption=plain,
                                        reply_to_message=self._replied(chat, params),
                                        **{kind: _media_payload(kind, fake)})
            messages.append(message)
        await self._emit(*(Event("message", chat["id"], m, params) for m in messages))
        return messages

    # ---- helpers ---------------------------------------------------------------------------

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            chat_id = int(params.get("chat_id"))
        except (TypeError, ValueError):
            raise Refusal(400, "Bad Request: chat not found") from None
        if chat_id in self.blocked:
            raise Refusal(403, "Forbidden: bot was blocked by the user")
        chat = self.chats.get(chat_id)
        if chat is None:
            raise Refusal(400, "Bad Request: chat not found")
        return chat

    def _existing(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("inline_message_id"):
            raise Refusal(400, "Bad Request: inline messages are not used by this bot")
        chat = self._chat(params)
        message = self.messages.get((chat["id"], int(params.get("message_id") or 0)))
        if message is None:
            raise Refusal(400, "Bad Request: message to edit not found")
        return message

    def _formatted(self, text: str, parse_mode: str | None, limit: int, what: str,
                   allow_empty: bool = False) -> str:
        plain = text
        if parse_mode and parse_mode.upper() == "HTML":
            try:
                plain = parse_html(text)
            except EntityError as exc:
                raise Refusal(400, f"Bad Request: {exc}") from None
        elif parse_mode:
            raise Refusal(400, f"Bad Request: unsupported parse_mode in this fake: {parse_mode}")
        if not plain.strip() and not allow_empty:
            raise Refusal(400, f"Bad Request: message {what} is empty")
        if utf16_len(plain) > limit:
            raise Refusal(400, "Bad Request: message is too long" if what == "text"
                          else "Bad Request: message caption is too long")
        return plain

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if not markup:
            return None
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if sum(len(row) for row in rows) > limits.INLINE_BUTTONS:
                raise Refusal(400, "Bad Request: too many inline buttons")
            for row in rows:
                for button in row:
                    if not (button.get("text") or "").strip():
                        raise Refusal(400, "Bad Request: inline keyboard button text is empty")
                    actions = [k for k in ("callback_data", "url", "switch_inline_query", "copy_text",
                                           "web_app", "login_url", "pay") if k in button]
                    if len(actions) != 1:
                        raise Refusal(400, "Bad Request: inline keyboard button must have exactly one action")
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= limits.CALLBACK_DATA:
                        raise Refusal(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _replied(self, chat: dict[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
        """The message this one replies to, as Telegram includes it (without its own reply)."""
        reply = params.get("reply_parameters") or {}
        if isinstance(reply, str):
            reply = json.loads(reply)
        target = reply.get("message_id") or params.get("reply_to_message_id")
        if target is None:
            return None
        # People's own messages are not kept here: a reply to one of those is taken as it is.
        found = self.messages.get((chat["id"], int(target)))
        return {k: v for k, v in found.items() if k != "reply_to_message"} if found else None

    def _new_message(self, chat: dict[str, Any], **fields: Any) -> dict[str, Any]:
        counter = self._message_ids.setdefault(chat["id"], itertools.count(1_000))
        message = {"message_id": next(counter), "from": BOT_USER, "chat": chat, "date": int(time.time())}
        message.update({k: v for k, v in fields.items() if v is not None})
        if "inline_keyboard" not in message.get("reply_markup", {"inline_keyboard": None}):
            # Telegram keeps only inline keyboards on a message; a reply keyboard or ForceReply
            # acts on the user's client and is not returned.
            del message["reply_markup"]
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    def _media_file(self, media: Any, uploads: dict[str, bytes], limit: int) -> FakeFile:
        if isinstance(media, str) and media.startswith("attach://"):
            media = uploads.get(media.removeprefix("attach://"))
            if media is None:
                raise Refusal(400, "Bad Request: wrong attach reference")
        if isinstance(media, bytes):
            if len(media) > limit:
                raise Refusal(413, "Request Entity Too Large")
            return self.add_file(bytes(media), file_name=getattr(media, "filename", None))
        found = self.files.get(str(media))
        if found is None:
            raise Refusal(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return found

    async def _send_media(self, params, uploads, kind: str, limit: int):
        chat = self._chat(params)
        fake = self._media_file(uploads.get(kind, params.get(kind)), uploads, limit)
        if kind == "photo":
            _photo_dimensions(fake)
        caption = params.get("caption")
        plain = (self._formatted(caption, params.get("parse_mode"), limits.CAPTION, "caption")
                 if caption else None)
        message = self._new_message(chat, caption=plain, reply_markup=self._markup(params),
                                    reply_to_message=self._replied(chat, params),
                                    **{kind: _media_payload(kind, fake)})
        await self._emit(Event("message", chat["id"], message, params))
        return message

    def note_callback_query(self, query_id: str, chat_id: int) -> None:
        self.callback_queries[query_id] = False
        self._query_chats[query_id] = chat_id
        self._query_times[query_id] = time.monotonic()


def _photo_dimensions(fake: FakeFile) -> None:
    """Telegram's rule for a photo: width and height at most 10,000 together, neither more than
    20 times the other (a long screenshot is refused as a photo; as a document it is taken)."""
    from io import BytesIO

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(fake.data)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError):
        return  # the tests' stand-in bytes for a photo: nothing to measure
    if width + height > limits.PHOTO_DIMENSIONS_SUM or max(width, height) > limits.PHOTO_RATIO * min(width, height):
        raise Refusal(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")


def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
    if markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


def _media_payload(kind: str, fake: FakeFile) -> Any:
    base = {"file_id": fake.file_id, "file_unique_id": fake.file_unique_id, "file_size": fake.size}
    if fake.file_name and kind in ("document", "video", "audio"):
        base["file_name"] = fake.file_name  # what Telegram shows, and offers to save it as
    if kind == "photo":
        return [{**base, "width": 640, "height": 480}]
    if kind in ("video", "video_note"):
        return {**base, "width": 640, "height": 480, "duration": 1, "length": 640}
    if kind in ("voice", "audio"):
        return {**base, "duration": 1}
    return base


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = {}
    uploads: dict[str, bytes] = {}
    if request.content_type == "application/json":
        params = await request.json()
    elif request.content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if part.filename is not None:
                upload = Upload(await part.read())
                upload.filename = part.filename
                uploads[part.name] = upload
            else:
                params[part.name] = await part.text()
    elif request.can_read_body:
        params = dict(await request.post())
    else:
        params = dict(request.query)
    for key in list(params):
        if key in _JSON_FIELDS and isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except json.JSONDecodeError:
                raise web.HTTPBadRequest(text=f"bad JSON in {key}") from None
    return params, uploads
