"""The bot's Telegram HTML as a browser may show it: only the tags Telegram knows, every text
escaped, links only to http(s), and bare addresses made links as Telegram's apps do."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_SIMPLE = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "ins": "u", "s": "s", "strike": "s",
           "del": "s", "code": "code", "pre": "pre", "blockquote": "blockquote"}
_URL = re.compile(r"https?://[^\s<>\"']+")


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []  # the tags written, to close them in order
        self.in_link = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _SIMPLE:
            self._open(_SIMPLE[tag], "")
        elif tag == "a":
            href = values.get("href") or ""
            if re.match(r"^https?://", href):
                self._open("a", f' href="{html.escape(href)}" target="_blank" rel="noopener noreferrer"')
                self.in_link += 1
            else:
                self._open("span", "")
        elif tag == "tg-spoiler" or (tag == "span" and values.get("class") == "tg-spoiler"):
            self._open("span", ' class="spoiler"')
        else:
            self._open("span", "")  # unknown: kept as plain text, as the fake refuses it anyway

    def _open(self, tag: str, attrs: str) -> None:
        self.out.append(f"<{tag}{attrs}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open:
            closed = self.open.pop()
            if closed == "a":
                self.in_link -= 1
            self.out.append(f"</{closed}>")

    def handle_data(self, data: str) -> None:
        if self.in_link:
            self.out.append(html.escape(data))
            return
        position = 0
        for found in _URL.finditer(data):
            self.out.append(html.escape(data[position:found.start()]))
            url = html.escape(found.group(0))
            self.out.append(f'<a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>')
            position = found.end()
        self.out.append(html.escape(data[position:]))


def to_page(text: str | None, parse_mode: str | None) -> str:
    """Safe HTML for a message's text or caption sent with ``parse_mode`` (HTML or none)."""
    if not text:
        return ""
    cleaner = _Cleaner()
    cleaner.feed(text if parse_mode and parse_mode.upper() == "HTML" else html.escape(text))
    cleaner.close()
    return "".join(cleaner.out) + "".join(f"</{tag}>" for tag in reversed(cleaner.open))
