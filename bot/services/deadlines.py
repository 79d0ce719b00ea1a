"""Which legal deadlines a report is running against, and how close each is, from the incident on.

The appeal window (10 days from the incident, Election Law art. 20 cl. 9) runs for every open
report until a complaint is filed somewhere with a date; once filed, the body's answer window
(5 days, art. 49) runs from that filing date, or from the day of escalation while the date is
not known yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from domain.clock import parse
from domain.rules import OPEN, REMIND_BEFORE, answer_deadline, appeal_deadline
from storage.models import Report

Stage = Literal["soon", "today", "overdue"]
STAGES: tuple[str, ...] = ("soon", "today", "overdue")  # in the order they come


@dataclass(frozen=True)
class Deadline:
    kind: Literal["appeal", "answer"]
    day: date
    estimated: bool = False  # an answer window counted from the escalation, the filing date unknown

    def stage(self, today: date) -> Stage | None:
        """Where ``today`` stands: two days before or closer, the day itself, or past it."""
        if today > self.day:
            return "overdue"
        if today == self.day:
            return "today"
        if today >= self.day - REMIND_BEFORE:
            return "soon"
        return None


def filed_on(report: Report) -> date | None:
    """The date the complaint was filed with the outside body, as the moderator typed it."""
    try:
        return date.fromisoformat(report.external_date) if report.external_date else None
    except ValueError:
        return None


def of_report(report: Report, tz) -> list[Deadline]:
    """The deadlines that matter for this report now (none once it is closed)."""
    if report.status not in OPEN:
        return []
    if report.status != "escalated":
        return [Deadline("appeal", appeal_deadline(report.occurred_at))]
    filed = filed_on(report)
    if filed is not None:
        return [Deadline("answer", answer_deadline(filed))]
    escalated = parse(report.escalated_at or report.status_changed_at or report.submitted_at).astimezone(tz).date()
    return [Deadline("appeal", appeal_deadline(report.occurred_at)),
            Deadline("answer", answer_deadline(escalated), estimated=True)]


def overdue(report: Report, tz, today: date) -> bool:
    return any(deadline.stage(today) == "overdue" for deadline in of_report(report, tz))


def urgent(report: Report, tz, today: date) -> bool:
    """Still open, and filed as urgent ("it is happening now"), from an accredited observer or
    with a deadline two days off or closer: what the group's summary names and the dashboard's
    queue marks first."""
    if report.status not in OPEN:
        return False
    return (report.priority == "urgent" or bool(report.accredited)
            or any(deadline.stage(today) is not None for deadline in of_report(report, tz)))
