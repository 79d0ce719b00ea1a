"""Reading what a moderator types after Escalate: the outside body's number and the filing date,
in the forms people write them (№ 12-3/45 от 24.11.2026, 12-3/45 24.11.26, 2026-11-24 № 7)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from services.when import BadWhen, parse_date

_DATE = re.compile(r"(?<![\d/\-.])(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})(?![\d/\-])")
# The words and marks around a number that are not part of it: "№", "No.", "от", "from", "г.", "ж."
_NOISE = re.compile(r"(?i)(?:^|(?<=\s))(?:№|no\.?|n|#|от|from|dated|date|дата|г\.?|года|ж\.?|жылғы|күнгі)(?=\s|$|\d)")
_MARKS = re.compile(r"^[\s№#,;:.\-]+|[\s,;:]+$")
NOTHING_YET = {"", "-", "—", "–"}


@dataclass(frozen=True)
class Outside:
    number: str | None
    filed_on: date | None


def parse(words: str, lang: str, today: date) -> Outside:
    """The number (without № or "от") and the filing date (a real date, not in the future);
    '-' means not filed yet. Raises BadWhen('format' | 'future' | 'too_old') for a bad date."""
    text = words.strip()
    if text in NOTHING_YET:
        return Outside(None, None)
    match = _DATE.search(text)
    filed = None
    if match:
        token = match.group(1)
        # Dots are day first wherever this bot is used; slashes follow the moderator's language.
        filed = parse_date(token, "ru" if "." in token else lang, today)
        text = text[:match.start()] + " " + text[match.end():]
    number = _NOISE.sub(" ", text)
    number = _MARKS.sub("", " ".join(number.split()))
    return Outside(number or None, filed)


__all__ = ["BadWhen", "Outside", "parse"]
