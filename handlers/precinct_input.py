"""A precinct's number as people type it, in Kazakh and Russian word order alike (the violation
wizard's "where exactly", an urgent report's follow-up and an observer's counts)."""

from __future__ import annotations

import re

from handlers.wizard import Retry

# A precinct as people write it, in Kazakh and Russian word order alike: "245", "№ 245",
# "УИК №245", "№ 245 УСК", "245 учаске", "245-учаске", "№245 сайлау учаскесі", "245-й участок",
# "участок номер 245", "УИК № 1 032". The words that may stand around the number:
_PRECINCT_WORDS = frozenset("""
    уик уск иу ик тик участок участка участке участку участковая участковой избирательный избирательного
    избирательном избирательная избирательной избирательного комиссия комиссии номер номером под й ый ой
    учаске учаскесі учаскесы учаскелік сайлау комиссиясы нөмір нөмірі нөмірлі ші шы інші ынші
    precinct polling station no nr number
""".split())
_PRECINCT_NUMBER = re.compile(r"\d(?:[\d ]*\d)?")
_PRECINCT_SIGNS = re.compile(r"[№#:\-–.,()«»“”\"'\s]+")
PRECINCT_DIGITS = 5  # Kazakhstan's precincts are numbered in the thousands


def precinct_number(text: str) -> str | None:
    """The number in a precinct as people write it, or None when the text is not one (a place);
    0 or a number longer than any precinct's is explained."""
    lowered = text.lower()
    numbers = _PRECINCT_NUMBER.findall(lowered)
    if len(numbers) != 1:
        return None
    rest = lowered.replace(numbers[0], " ", 1)
    words = _PRECINCT_SIGNS.split(rest)
    if any(word and word not in _PRECINCT_WORDS for word in words):
        return None
    digits = numbers[0].replace(" ", "")
    if not digits.isascii():
        return None
    if int(digits) == 0 or len(digits.lstrip("0")) > PRECINCT_DIGITS:
        raise Retry("wizard.precinct_range", digits=PRECINCT_DIGITS)
    return str(int(digits))
