"""Telegram's HTML parse mode, as strict as the real server: returns the plain text or raises."""

from __future__ import annotations

import html
import re

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


class EntityError(ValueError):
    """Raised with Telegram's own wording for a text it cannot parse."""


def parse_html(text: str) -> str:
    """The text as a user would see it; raises EntityError where Telegram would refuse."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "<":
            match = _TAG.match(text, pos)
            if not match:
                raise EntityError(
                    f"can't parse entities: Unsupported start tag at byte offset {_offset(text, pos)}"
                )
            closing, name, _attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in ALLOWED_TAGS:
                raise EntityError(
                    f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {_offset(text, pos)}'
                )
            if closing:
                if not stack or stack[-1] != name:
                    raise EntityError(
                        f'can\'t parse entities: Unmatched end tag at byte offset {_offset(text, pos)}, expected "</{stack[-1] if stack else ""}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                stack.append(name)
            pos = match.end()
        elif char == "&":
            match = _ENTITY.match(text, pos)
            if not match:
                raise EntityError(
                    f"can't parse entities: Character '&' is reserved and must be escaped at byte offset {_offset(text, pos)}"
                )
            out.append(html.unescape(match.group(0)))
            pos = match.end()
        elif char == ">":
            raise EntityError(
                f"can't parse entities: Character '>' is reserved and must be escaped at byte offset {_offset(text, pos)}"
            )
        else:
            out.append(char)
            pos += 1
    if stack:
        raise EntityError(f'can\'t parse entities: Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _offset(text: str, pos: int) -> int:
    return len(text[:pos].encode("utf-8"))


def utf16_len(text: str) -> int:
    """Telegram counts lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
