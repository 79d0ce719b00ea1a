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

from bot.services.i18n import Translator
from domain import clock
from web.context import SERVICES, VISITOR

TEMPLATES = Path(__file__).resolve().parent / "templates"
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Scripts only from the bot itself; Telegram may show the page as a Mini App.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
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


def render(request: web.Request, template: str, *, status: int = 200, **context: Any) -> web.Response:
    services = request.app[SERVICES]
    visitor = request.get(VISITOR)
    language = visitor.person.language if visitor else services.settings.moderator_language
    body = environment().get_template(template).render(
        t=Words(services.translator(language)), lang=language, visitor=visitor,
        csrf=visitor.csrf if visitor else "", demo=services.demo, **context)
    return web.Response(text=body, content_type="text/html", charset="utf-8", status=status, headers=HEADERS)
