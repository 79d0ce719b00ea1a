"""Observers' counts, defined once: the kinds of report beside violations, the official turnout
hours, the lines of a precinct's results protocol and the protocol's own arithmetic.

A turnout count and a protocol copy are reports (``reports.kind``) so that they share the
drafts, evidence, hashing, receipts and deletion of violation reports; their figures live in
tables of their own (storage.counts). Labels are in the catalogs under ``count.kind.<kind>``,
``count.hour.<hour>``, ``count.source.<source>``, ``count.line.<line>``,
``count.copy.<state>`` and ``count.check.<check>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

# What a report is: a violation (the wizard's), or one of an accredited observer's counts.
REPORT_KINDS: tuple[str, ...] = ("violation", "turnout", "results")
COUNT_KINDS: tuple[str, ...] = ("turnout", "results")  # offered to accredited observers only

# The hours at which commissions announce turnout (10:00 … 20:00, local time), and the close.
TURNOUT_HOURS: tuple[str, ...] = ("10", "12", "14", "16", "18", "20", "close")
# Whether the observer counted the voters themselves or wrote down the commission's figure.
TURNOUT_SOURCES: tuple[str, ...] = ("counted", "announced")

# The lines of a precinct commission's protocol of the results, in the protocol's order; the
# votes of each candidate follow as ``candidate:<position>`` (the candidates an administrator set).
PROTOCOL_LINES: tuple[str, ...] = (
    "voters_listed",     # voters on the list
    "ballots_received",  # ballots the commission received
    "ballots_issued",    # ballots issued to voters
    "ballots_cast",      # ballots found in the boxes
    "ballots_spoiled",   # spoiled ballots
    "ballots_unused",    # unused ballots, cancelled
    "invalid",           # invalid ballots
)
CANDIDATE_PREFIX = "candidate:"

# What the observer got of the protocol: a copy with the commission's seal, one without, or
# none (refused: itself a violation of observers' rights, filed as one at once).
COPY_STATES: tuple[str, ...] = ("sealed", "unsealed", "refused")
REFUSED_COPY_CATEGORY = "protocol_copy"  # the violation a refused copy files (domain.rules)
DISCREPANCY_CATEGORY = "protocol"  # the violation an official figure off the observers' files

# A protocol figure or a count above this is a typing slip, not a precinct (the largest hold a
# few thousand voters).
FIGURE_MAX = 1_000_000

# An official figure that differs from the observers' (agreed) figure by more than this many
# votes files a protocol-discrepancy report (the default of the setting COUNTS_DISCREPANCY).
DISCREPANCY_DEFAULT = 10


def candidate_line(position: int) -> str:
    return f"{CANDIDATE_PREFIX}{position}"


def candidate_position(line: str) -> int | None:
    """The candidate's position a line names, or None for a line of PROTOCOL_LINES."""
    if line.startswith(CANDIDATE_PREFIX) and line[len(CANDIDATE_PREFIX):].isdigit():
        return int(line[len(CANDIDATE_PREFIX):])
    return None


@dataclass(frozen=True)
class Mismatch:
    """One of the protocol's own rules its figures break: which, and the two sides."""

    check: str  # a code of CHECKS
    left: int
    right: int


# The protocol's arithmetic: (code, the lines summed on the left, the relation, the lines on the
# right). "votes" stands for the sum of every candidate's line. A rule is checked only when each
# of its lines is given.
CHECKS: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    ("received", ("ballots_received",), "==", ("ballots_issued", "ballots_spoiled", "ballots_unused")),
    ("cast", ("votes", "invalid"), "==", ("ballots_cast",)),
    ("issued_over_list", ("ballots_issued",), "<=", ("voters_listed",)),
    ("cast_over_issued", ("ballots_cast",), "<=", ("ballots_issued",)),
)


def check(figures: Mapping[str, int], candidates: int) -> list[Mismatch]:
    """The rules of the protocol that ``figures`` (line → value) break, given how many
    candidates the election has; a rule with a line not (yet) given is not checked."""
    votes = [figures.get(candidate_line(position)) for position in range(1, candidates + 1)]
    values = dict(figures)
    if candidates and all(value is not None for value in votes):
        values["votes"] = sum(votes)  # type: ignore[arg-type]
    found: list[Mismatch] = []
    for code, left_lines, relation, right_lines in CHECKS:
        if any(line not in values for line in (*left_lines, *right_lines)):
            continue
        left = sum(values[line] for line in left_lines)
        right = sum(values[line] for line in right_lines)
        if (relation == "==" and left != right) or (relation == "<=" and left > right):
            found.append(Mismatch(code, left, right))
    return found
