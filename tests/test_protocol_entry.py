"""Reading a protocol's figures as typed on a phone (services.protocol_entry)."""

from __future__ import annotations

import pytest

from domain.counts import PROTOCOL_LINES
from services.i18n import Translator
from services.protocol_entry import BadFigures, parse

LINES = [*PROTOCOL_LINES, "candidate:1", "candidate:2"]


def labels(lang: str) -> dict[str, str]:
    t = Translator(lang)
    return {**{line: t.text(f"count.line.{line}") for line in PROTOCOL_LINES},
            "candidate:1": "Иванов Иван", "candidate:2": "Петрова Анна"}


def test_one_number_fills_the_line_asked():
    assert parse(" 1 210 ", LINES, labels("ru"), 1) == {"ballots_received": 1210}


def test_the_whole_protocol_one_number_a_line_from_its_first_line_whatever_was_asked():
    typed = "1500\n1 210\n1000\n950\n5\n205\n10\n600\n340"
    assert parse(typed, LINES, labels("kk"), 4) == dict(zip(LINES, (1500, 1210, 1000, 950, 5, 205, 10, 600, 340)))


def test_names_numbers_and_the_start_of_a_name():
    typed = "Недействительных бюллетеней: 12\nиванов - 600\n3. 1000\nПолучено 1210\nпетрова=340"
    assert parse(typed, LINES, labels("ru"), 0) == {
        "invalid": 12, "candidate:1": 600, "ballots_issued": 1000, "ballots_received": 1210, "candidate:2": 340}


@pytest.mark.parametrize("typed, key", [
    ("Бюллетени: 5", "count.figures_unknown_line"),  # the start of several lines' names
    ("12: 5", "count.figures_unknown_line"),  # no twelfth line
    ("12a", "count.figures_bad_row"),
    ("1500\nПолучено: 1210", "count.figures_bad_row"),  # a bare number among named lines
    ("2000000", "count.figures_too_big"),
    ("   ", "count.figures_empty"),
])
def test_what_cannot_be_read_is_said(typed, key):
    with pytest.raises(BadFigures) as raised:
        parse(typed, LINES, labels("ru"), 0)
    assert raised.value.key == key


def test_more_numbers_than_lines_left_or_none_left():
    with pytest.raises(BadFigures) as raised:
        parse("1\n2\n3", LINES, labels("en"), 7)
    assert (raised.value.key, raised.value.params) == ("count.figures_too_many", {"numbers": 3, "left": 2, "total": 9})
    with pytest.raises(BadFigures) as raised:
        parse("7", LINES, labels("en"), 9)
    assert raised.value.key == "count.figures_all_given"
