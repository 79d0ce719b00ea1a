"""The life of a report: statuses, the transitions that make sense, escalation and deadlines."""

from __future__ import annotations

from datetime import date, datetime, timedelta

STATUSES: tuple[str, ...] = ("new", "in_review", "verified", "rejected", "duplicate", "escalated", "resolved")

# Moves a moderator may make from each status; anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"in_review", "rejected", "duplicate"}),
    "in_review": frozenset({"verified", "rejected", "duplicate", "new"}),
    "verified": frozenset({"escalated", "resolved", "in_review"}),
    "escalated": frozenset({"resolved"}),
    "rejected": frozenset({"in_review"}),
    "duplicate": frozenset({"in_review"}),
    "resolved": frozenset(),
}
OPEN = ("new", "in_review", "verified", "escalated")  # statuses that still need someone
ESCALATION_TARGETS: tuple[str, ...] = ("commission", "prosecutor", "court", "police", "media", "legal")

# Election Law art. 20 cl. 9: appeal within 10 days of the decision or action;
# art. 49: courts and prosecutors examine within 5 days.
APPEAL_DAYS = 10
ANSWER_DAYS = 5
REMIND_BEFORE = timedelta(days=2)


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def incident_date(occurred_at: str) -> date:
    return date.fromisoformat(occurred_at[:10])


def appeal_deadline(occurred_at: str) -> date:
    """The last day to appeal an incident to a higher commission or a court."""
    return incident_date(occurred_at) + timedelta(days=APPEAL_DAYS)


def answer_deadline(escalated_at: str) -> date:
    """The day by which the body it was escalated to must answer."""
    return datetime.fromisoformat(escalated_at).date() + timedelta(days=ANSWER_DAYS)
