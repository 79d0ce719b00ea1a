"""Bot API calls over aiohttp: python-telegram-bot's request contract, less CPU per call.

python-telegram-bot's default transport (httpx) spent about a third of the bot's CPU under
load, most of it walking every pooled connection on each call; aiohttp's pool hands out a
connection without that walk and parses responses in C.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from http import HTTPStatus

import aiohttp
from telegram._utils.defaultvalue import DefaultValue  # as python-telegram-bot's own HTTPXRequest does
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

_DEFAULT = BaseRequest.DEFAULT_NONE
log = logging.getLogger(__name__)

# A call answered with one of these (or that could not connect) was not carried out: a proxy in
# front of Telegram or Telegram itself failed before it. It is tried again after these pauses
# before the caller sees the error. A 504 or a time-out may have been carried out: not repeated.
RETRIED_STATUSES = frozenset({500, 502, 503})
RETRY_DELAYS = (0.3, 1.0, 3.0)


class TelegramContact:
    """When Telegram last answered a call, shared by the bot's transports: /health reports the
    bot unhealthy when it has been silent too long. A proxy's 5xx, a time-out or a refused
    connection is not an answer; any reply from the Bot API itself (a 429, a 400) is."""

    def __init__(self) -> None:
        self._last = time.monotonic()  # from start: a bot that never got through is silent too

    def answered(self) -> None:
        self._last = time.monotonic()

    def silence(self) -> float:
        """Seconds since Telegram last answered."""
        return time.monotonic() - self._last


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded pool; timeouts as in python-telegram-bot's
    HTTPXRequest (connect, read, write, pool), and the same errors (TimedOut, NetworkError)."""

    def __init__(self, connections: int = 256, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0,
                 contact: TelegramContact | None = None) -> None:
        self._connections = connections
        self.contact = contact or TelegramContact()
        self._timeouts = {"read": read_timeout, "write": write_timeout, "connect": connect_timeout,
                          "pool": pool_timeout}
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._made_timeouts: dict[tuple, aiohttp.ClientTimeout] = {}

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict:
        """Telegram's answer, less what it echoes back of the bot's own messages and the bot
        never reads again: their inline keyboards (also on the messages of pressed buttons) and,
        on a method's result, the formatting of its text. Turning a region keyboard's buttons
        and a card's entities into objects, on each edit and each press, was the bot's largest
        cost of its own per update (BENCHMARKS.md, issue #26). A person's own message keeps its
        text's formatting (it carries no keyboard of the bot's). An answer that is not JSON is refused without being logged: it may hold what a
        person wrote."""
        try:
            data = json.loads(payload.decode("utf-8", "replace"))
        except ValueError as err:
            raise TelegramError("Invalid server response") from err
        if isinstance(data, dict):
            _drop_echoes(data.get("result"))
        return data

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, limit_per_host=self._connections)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}, raise_for_status=False)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=_DEFAULT, write_timeout=_DEFAULT, connect_timeout=_DEFAULT,
                         pool_timeout=_DEFAULT) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout, bool(files))
        retries = () if url.endswith("/getUpdates") else RETRY_DELAYS  # polling retries by itself
        for delay in (*retries, None):
            # A form can be sent once: each attempt builds its own body.
            body = _body(request_data, files) if request_data else {}
            try:
                async with self._session.request(method, url, timeout=timeout, **body) as response:
                    status, payload = response.status, await response.read()
            except asyncio.TimeoutError as err:
                raise TimedOut from err  # it may have been done: not repeated here
            except aiohttp.ClientConnectorError as err:
                if delay is None:
                    raise NetworkError(f"aiohttp.{type(err).__name__}") from err
            except aiohttp.ClientError as err:
                # The class name only: the error's text holds the URL, and the URL holds the token.
                raise NetworkError(f"aiohttp.{type(err).__name__}") from err
            else:
                if status < 500:
                    self.contact.answered()
                if status == HTTPStatus.OK and url.endswith(_RESULT_UNREAD):
                    return status, _DONE
                if status not in RETRIED_STATUSES or delay is None:
                    return status, _short_if_not_json(status, payload)
            log.debug("Bot API call not done, trying again in %.1f s", delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _timeout(self, read, write, connect, pool, uploading: bool) -> aiohttp.ClientTimeout:
        key = (read, write, connect, pool, uploading)  # a handful of combinations: made once each
        found = self._made_timeouts.get(key)
        if found is None:
            if len(self._made_timeouts) >= 64:  # a caller passing ever-new values: start again
                self._made_timeouts.clear()
            found = self._made_timeouts[key] = self._make_timeout(read, write, connect, pool, uploading)
        return found

    def _make_timeout(self, read, write, connect, pool, uploading: bool) -> aiohttp.ClientTimeout:
        def pick(value, name: str) -> float | None:
            return self._timeouts[name] if isinstance(value, DefaultValue) else value
        read, connect, pool = pick(read, "read"), pick(connect, "connect"), pick(pool, "pool")
        if isinstance(write, DefaultValue):
            write = self._media_write_timeout if uploading else self._timeouts["write"]
        parts = (read, write, connect, pool)
        # aiohttp has no write timeout of its own: the whole call is bounded by the sum instead.
        total = None if None in parts else sum(parts)
        waiting = None if connect is None or pool is None else connect + pool
        return aiohttp.ClientTimeout(total=total, connect=waiting, sock_connect=connect, sock_read=read)


# Edits whose result, the edited message, the bot never reads: answered as done (True, as
# Telegram answers an edit of an inline message, and as python-telegram-bot's types allow), so
# that no Message of a hundred fields is built for nothing on each step of the wizard (a third
# of a busy bot's messages parsed; BENCHMARKS.md, session 4). A refused edit still raises.
_RESULT_UNREAD = ("/editMessageText", "/editMessageReplyMarkup", "/editMessageCaption", "/editMessageMedia")
_DONE = b'{"ok":true,"result":true}'

# Of a message the bot itself sent or edited, as a method returns it.
_ECHOED = ("reply_markup", "entities", "caption_entities", "link_preview_options")


def _drop_echoes(result: object) -> None:
    """Remove the echoes (``_ECHOED``) from a method's message, and ``reply_markup`` from the
    messages of getUpdates' updates (a message, an edited one, a pressed button's message)."""
    if isinstance(result, dict):
        if "message_id" in result:
            for key in _ECHOED:
                result.pop(key, None)
        return
    if isinstance(result, list):
        for update in result:
            if not isinstance(update, dict):
                continue
            for part in update.values():
                if isinstance(part, dict):
                    if "message_id" in part:
                        part.pop("reply_markup", None)
                    elif isinstance(part.get("message"), dict):
                        part["message"].pop("reply_markup", None)


def _short_if_not_json(status: int, payload: bytes) -> bytes:
    """A proxy's error page in place of Telegram's JSON becomes a one-line JSON error: python-
    telegram-bot would otherwise log the whole page, once per failed call."""
    if status < 400 or payload.lstrip()[:1] == b"{":
        return payload
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "HTTP error"
    return json.dumps({"ok": False, "error_code": status,
                       "description": f"{phrase} ({status}), not from Telegram's API"}).encode()


_JSON_TYPE = {"Content-Type": "application/json"}


def _json(parameters: dict) -> bytes:
    """The parameters as a JSON object, a value that carries its own JSON text (``as_json``: a
    keyboard made once, handlers.keyboards) spliced in as it is."""
    return ("{" + ",".join(f"{json.dumps(name)}:{getattr(value, 'as_json', None) or json.dumps(value)}"
                           for name, value in parameters.items()) + "}").encode()


def _body(request_data: RequestData, files: dict | None) -> dict:
    """The parameters as one JSON body, or multipart when there are files: the two ways the
    Bot API takes them (JSON is encoded once, where a form would encode each value and then
    escape it again)."""
    if not files:
        return {"data": _json(request_data.parameters), "headers": _JSON_TYPE}
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return {"data": form}
