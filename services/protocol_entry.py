"""Reading a protocol's figures as an observer types them on a phone: one number (the line asked),
several numbers one a line (the protocol's order), or lines of ``name: number`` (a line's name
in the person's language, a candidate's name, or the line's number in the list)."""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from domain.counts import FIGURE_MAX

# A figure as people write it: "1210", "1 210", "1.210" (groups of three after a separator).
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.,']\d{3})+|\d+"
_BARE = re.compile(rf"^(?:{_NUMBER})$")
_NUMBERED = re.compile(rf"^(\d{{1,2}})\s*[:=.)]\s*({_NUMBER})$")
_NAMED = re.compile(rf"^(.*?[^\W\d_].*?)\s*[:=\-–—]?\s*({_NUMBER})$")
PREFIX_MIN = 3  # letters of a line's name that are enough when they name one line only


class BadFigures(Exception):
    """What was typed cannot be taken: a catalog key and its values (nothing is stored)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, dict(params)


def _value(text: str) -> int:
    value = int(re.sub(r"\D", "", text))
    if value > FIGURE_MAX:
        raise BadFigures("count.figures_too_big", max=FIGURE_MAX)
    return value


def _words(text: str) -> str:
    """A name as it is compared: lower case, ё as е, letters and digits only."""
    return "".join(ch for ch in text.lower().replace("ё", "е") if ch.isalnum())


def _line_named(name: str, lines: Sequence[str], labels: Mapping[str, str]) -> str | None:
    """The line a typed name stands for: its whole name, or the start of one name only (of
    the line's name, or of any word of a candidate's name)."""
    typed = _words(name)
    if not typed:
        return None
    exact = [line for line in lines if _words(labels[line]) == typed]
    if exact:
        return exact[0]
    if len(typed) < PREFIX_MIN:
        return None
    starts = [line for line in lines
              if _words(labels[line]).startswith(typed)
              or any(_words(word).startswith(typed) for word in labels[line].split())]
    return starts[0] if len(starts) == 1 else None


def parse(text: str, lines: Sequence[str], labels: Mapping[str, str], asked: int) -> dict[str, int]:
    """The figures in ``text`` (line → value). ``lines`` are the protocol's lines in order,
    ``labels`` their names as the person reads them, ``asked`` the index of the line asked now
    (len(lines) when every line is given). Raises BadFigures, having taken nothing."""
    rows = [row.strip() for row in text.strip().splitlines() if row.strip()]
    if not rows:
        raise BadFigures("count.figures_empty")
    if all(_BARE.match(row) for row in rows):
        values = [_value(row) for row in rows]
        if len(values) == len(lines):  # the whole protocol, from its first line
            return dict(zip(lines, values))
        left = len(lines) - asked
        if left <= 0:
            raise BadFigures("count.figures_all_given")
        if len(values) > left:
            raise BadFigures("count.figures_too_many", numbers=len(values), left=left, total=len(lines))
        return dict(zip(lines[asked:], values))
    found: dict[str, int] = {}
    for row in rows:
        numbered = _NUMBERED.match(row)
        if numbered is not None:
            position = int(numbered.group(1))
            if not 1 <= position <= len(lines):
                raise BadFigures("count.figures_unknown_line", row=row)
            found[lines[position - 1]] = _value(numbered.group(2))
            continue
        named = _NAMED.match(row)
        if named is None:
            raise BadFigures("count.figures_bad_row", row=row)
        line = _line_named(named.group(1), lines, labels)
        if line is None:
            raise BadFigures("count.figures_unknown_line", row=row)
        found[line] = _value(named.group(2))
    return found
