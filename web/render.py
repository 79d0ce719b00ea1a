"""Server-rendered pages: Jinja2 with autoescaping, every word from the catalogs in the
visitor's language, and headers that keep pages out of caches and frames."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from aiohttp import web
from babel.dates import format_datetime
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from services.i18n import Translator
from services.report_files import Made
from domain import clock
from domain.rules import LANGUAGES
from web.context import SERVICES, VISITOR

TEMPLATES = Path(__file__).resolve().parent / "templates"
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Scripts only from the bot itself; Telegram may show the page as a Mini App.
    # Forms post only here and no <base> may move relative addresses elsewhere, should markup
    # ever slip into a page; evidence plays from here only.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self';"
                               " script-src 'self'; form-action 'self'; base-uri 'none';"
                               " frame-ancestors 'self' https://web.telegram.org",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


class Words:
    """The catalogs for a template: ``t("web.queue.title", count=3)``; values are escaped by the
    Translator, and the catalogs' own markup is kept."""

    def __init__(self, translator: Translator) -> None:
        self.translator = translator

    def __call__(self, key: str, /, **params: Any) -> Markup:
        return Markup(self.translator(key, **params))

    def plural(self, key: str, count: int, /, **params: Any) -> Markup:
        return Markup(self.translator.plural(key, count, **params))

    def text(self, key: str, /, **params: Any) -> str:
        return self.translator.text(key, **params)

    @staticmethod
    def safe(html: str) -> Markup:
        """HTML the Translator made (its parameters already escaped)."""
        return Markup(html)

    def datetime(self, value: object) -> str:
        """A moment as stored (UTC ISO) in the bot's time zone."""
        return self.translator.datetime(clock.parse(value) if isinstance(value, str) else value)

    def date(self, value: date) -> str:
        return self.translator.date(value)

    def camera(self, value) -> str:
        """A camera's own clock (no zone): shown as it reads, not moved to the bot's zone."""
        return format_datetime(value, format="medium", locale=self.translator.locale)

    def moment(self, value: str) -> str:
        """An incident's or a photo's time as stored: a day alone, or a moment."""
        try:
            return self.date(date.fromisoformat(value)) if len(value) == 10 else self.datetime(value)
        except ValueError:
            return value


def language_of(request: web.Request) -> str:
    """The signed-in person's language; for anyone else the first of Accept-Language the bot
    speaks (by weight), else the moderators' language."""
    visitor = request.get(VISITOR)
    if visitor is not None and visitor.person.language in LANGUAGES:
        return visitor.person.language
    wanted = []
    for position, part in enumerate(request.headers.get("Accept-Language", "")[:500].split(",")):
        tag, _, weight = part.strip().partition(";q=")
        try:
            quality = float(weight) if weight else 1.0
        except ValueError:
            continue
        code = tag.strip().lower().split("-")[0]
        if code in LANGUAGES and quality > 0:
            wanted.append((-quality, position, code))
    return min(wanted)[2] if wanted else request.app[SERVICES].settings.moderator_language


def render(request: web.Request, template: str, *, status: int = 200, **context: Any) -> web.Response:
    services = request.app[SERVICES]
    visitor = request.get(VISITOR)
    language = language_of(request)
    body = environment().get_template(template).render(
        t=Words(services.translator(language)), lang=language, visitor=visitor,
        csrf=visitor.csrf if visitor else "", demo=services.demo, **context)
    return web.Response(text=body, content_type="text/html", charset="utf-8", status=status, headers=HEADERS)


ERROR_PAGES = (400, 401, 403, 404, 405, 410, 413, 500)  # each has its text: web.error.<status>


def error_page(request: web.Request, status: int) -> web.Response:
    """A refusal or failure as a page in the visitor's language; the same for every address, so
    it tells nothing of what is there."""
    try:
        return render(request, "message.html", status=status, message=f"web.error.{status}", code=status)
    except Exception:  # noqa: BLE001 - the catalogs or templates themselves failing: still a page
        return web.Response(text=str(status), content_type="text/plain", status=status, headers=HEADERS)


def whole_number(text: str, largest: int = 2**63 - 1) -> int | None:
    """A number from an address (ASCII digits, within SQLite's integers); None for anything else,
    which the page answers with 404."""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:  # more digits than any SQLite integer
        return None
    value = int(text)
    return value if value <= largest else None


def download(made: Made, media_type: str) -> web.Response:
    """A file to save (never shown in the dashboard's origin), under its ASCII name."""
    return web.Response(body=made.data, content_type=media_type,
                        headers={"Content-Disposition": f'attachment; filename="{made.name}"',
                                 "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                                 "Content-Security-Policy": "default-src 'none'; sandbox"})
