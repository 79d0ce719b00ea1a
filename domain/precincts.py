"""A precinct named inside a place, as people write it in Kazakh and Russian: one rule for the
wizard (a place and a number never contradict each other) and for moderators' corrections."""

from __future__ import annotations

import re

# A precinct named inside a place ("школа 12, УИК 246", "246-учаске жанында"): its number.
_NAMED_PRECINCT = (
    re.compile(r"\b(?:уик|уск|тик|участ\w*|учаске\w*|precinct)[\s№#:\-]{0,3}(\d{1,5})\b", re.IGNORECASE),
    re.compile(r"\b(\d{1,5})[\s\-]{0,2}(?:й\s+)?(?:уик|уск|участ\w*|учаске\w*)\b", re.IGNORECASE),
)


def named_precinct(place: str | None) -> str | None:
    """The precinct number a place names ("школа 12, УИК 246"), if it names one."""
    for pattern in _NAMED_PRECINCT:  # "УИК 246" before "246 УИК": a number after the word is surer
        found = pattern.search(place or "")
        if found is not None:
            return found.group(1).lstrip("0") or None
    return None
