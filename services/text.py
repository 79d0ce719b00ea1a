"""Typed text made safe to store and show: invisible characters that disguise or pad it removed."""

from __future__ import annotations

import re

# Bidirectional controls turn "evidence\u202egpj.exe" into what reads as "evidenceexe.jpg";
# zero-width characters make "" look like twenty characters. Neither is ever needed in Kazakh,
# Russian or English text: they are removed before any length is checked.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean(text: str) -> str:
    """``text`` without bidirectional controls and zero-width characters, trimmed."""
    return _INVISIBLE.sub("", text).strip()
