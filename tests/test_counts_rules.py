"""The protocol's own arithmetic (domain.counts.check): each rule found broken, and none when
the figures add up or a line is missing."""

from domain.counts import CHECKS, check

GOOD = {
    "voters_listed": 1200, "ballots_received": 1210, "ballots_issued": 800, "ballots_spoiled": 3,
    "ballots_unused": 407, "ballots_cast": 798, "invalid": 8, "candidate:1": 500, "candidate:2": 290,
}


def test_figures_that_add_up_break_nothing():
    assert check(GOOD, candidates=2) == []


def test_each_rule_is_found_broken():
    cases = {
        "received": {"ballots_unused": 400},
        "cast": {"candidate:1": 501},
        "issued_over_list": {"voters_listed": 700},
        "cast_over_issued": {"ballots_cast": 801, "invalid": 11},
    }
    assert set(cases) == {code for code, *_ in CHECKS}
    for code, change in cases.items():
        found = check({**GOOD, **change}, candidates=2)
        assert code in [mismatch.check for mismatch in found], code


def test_a_rule_with_a_line_not_given_is_not_checked():
    figures = {line: value for line, value in GOOD.items() if line != "candidate:2"}
    assert check({**figures, "candidate:1": 1}, candidates=2) == []
