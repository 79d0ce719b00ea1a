"""Which legal deadlines a report runs against, per kind of violation and per addressee, from the
incident on and for every filing in its chain (domain.legal holds the law).

- the appeal window (10 days from the incident, Election Law art. 20 cl. 9) only for a
  commission's decision or action; it is met by a filing with a commission or a court, and
  missed otherwise (a filing with the prosecutor does not stop it); filed with a commission
  only, the court stays open within the same days and is watched as its own window;
- each filing with a court or a prosecutor has its answer window (5 days, art. 49; "at once"
  when filed on voting day or in the five days before it), counted from the filing date, or
  from the day of escalation while the date is not known yet ("estimated");
- a commission's answer opens a new 10-day window to go on to a court or a higher commission.

Every window stays for the life of the report with its state (answered, filed, running, due
today, overdue, missed); only the ones still running are reminded of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, Sequence

from domain import legal
from domain.clock import parse
from domain.rules import DEFAULT_ESCALATION_TARGET, OPEN, REMIND_BEFORE, incident_date
from services.i18n import Translator
from storage.models import DeadlineFacts, Report
from storage.moderation import EscalationStep

Stage = Literal["soon", "today", "overdue"]
STAGES: tuple[str, ...] = ("soon", "today", "overdue")  # in the order they come
Kind = Literal["appeal", "appeal_court", "appeal_decision", "answer"]
# A window's state as shown: met ("answered", "filed"), still running, or past ("overdue" for a
# body's answer, "missed" for an appeal that can no longer be filed).
STATES: tuple[str, ...] = ("answered", "filed", "running", "soon", "today", "overdue", "missed")


@dataclass(frozen=True)
class Deadline:
    kind: Kind
    day: date
    estimated: bool = False  # an answer window counted from the escalation, the filing date unknown
    target: str | None = None  # the body of the step it belongs to (answer, appeal_decision)
    step: int | None = None    # that step's number in the chain, 1 = the first filing
    at_once: bool = False      # art. 49's "at once": due the day it was filed
    met: bool = False          # answered (answer) or filed in time (appeal, appeal_decision)

    def stage(self, today: date) -> Stage | None:
        """Where ``today`` stands for a window still open: two days before or closer, the day
        itself, or past it; None when it is met or still far."""
        if self.met:
            return None
        if today > self.day:
            return "overdue"
        if today == self.day:
            return "today"
        if today >= self.day - REMIND_BEFORE:
            return "soon"
        return None

    def state(self, today: date) -> str:
        """One of STATES, for the card, the dashboard and the exports."""
        if self.met:
            return "answered" if self.kind == "answer" else "filed"
        stage = self.stage(today) or "running"
        return "missed" if stage == "overdue" and self.kind != "answer" else stage

    @property
    def tag(self) -> str:
        """Which window this is, for the reminders already sent (one per window and stage)."""
        return f"{self.kind}{self.step or ''}:{self.day.isoformat()}"


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def filed_on(report: Report) -> date | None:
    """The date the latest complaint was filed with the outside body, as the moderator typed it."""
    return _day(report.external_date)


def chain(report: Report | DeadlineFacts, steps: Sequence[EscalationStep] | None) -> list[EscalationStep]:
    """The chain of filings; a report read without it has its latest step in its own columns."""
    if steps is not None:
        return list(steps)
    if report.status not in ("escalated", "resolved") or not report.escalated_to:
        return []
    return [EscalationStep(target=report.escalated_to or DEFAULT_ESCALATION_TARGET,
                           external_ref=report.external_ref, external_date=report.external_date,
                           created_at=report.escalated_at or report.status_changed_at or report.submitted_at,
                           actor="")]


def of_report(report: Report | DeadlineFacts, tz, steps: Sequence[EscalationStep] | None = None,
              election_day: date | None = None) -> list[Deadline]:
    """Every window of this report, in order (none for a report rejected or a duplicate)."""
    if report.status in ("rejected", "duplicate"):
        return []
    item = legal.entry(report.category, report.subcategory)
    filings = chain(report, steps)
    found: list[Deadline] = []
    if item.commission_act:
        day = legal.appeal_deadline(incident_date(report.occurred_at))
        in_time = {step.target for step in filings
                   if step.target in legal.APPEAL_BODIES and (_day(step.external_date) or date.max) <= day}
        found.append(Deadline("appeal", day, met=bool(in_time)))
        if in_time == {"commission"}:
            # "to a higher commission and (or) a court": filed with a commission, the court is
            # still open within the same ten days, and is watched on its own.
            found.append(Deadline("appeal_court", day))
    for number, step in enumerate(filings, start=1):
        filed = _day(step.external_date)
        estimated = filed is None
        if estimated:
            filed = parse(step.created_at).astimezone(tz).date()
        due = legal.answer_deadline(step.target, filed, election_day)
        if due is not None:
            found.append(Deadline("answer", due, estimated=estimated, target=step.target, step=number,
                                  at_once=due == filed, met=step.answer_kind is not None))
        answered = _day(step.answer_date)
        if step.target == "commission" and answered is not None:
            day = legal.appeal_deadline(answered)
            met = any(later.target in legal.APPEAL_BODIES and (_day(later.external_date) or date.max) <= day
                      for later in filings[number:])
            found.append(Deadline("appeal_decision", day, target=step.target, step=number, met=met))
    return found


def running(report: Report | DeadlineFacts, tz, steps: Sequence[EscalationStep] | None = None,
            election_day: date | None = None) -> list[Deadline]:
    """The windows still to be met while the report is open: what reminders and flags are about."""
    if report.status not in OPEN:
        return []
    return [deadline for deadline in of_report(report, tz, steps, election_day) if not deadline.met]


def overdue(report: Report, tz, today: date, steps: Sequence[EscalationStep] | None = None,
            election_day: date | None = None) -> bool:
    return any(deadline.stage(today) == "overdue" for deadline in running(report, tz, steps, election_day))


def urgent(report: Report, tz, today: date, steps: Sequence[EscalationStep] | None = None,
           election_day: date | None = None) -> bool:
    """Still open, and filed as urgent ("it is happening now"), from an accredited observer or
    with a deadline two days off or closer: what the group's summary names and the dashboard's
    queue marks first."""
    if report.status not in OPEN:
        return False
    return (report.priority == "urgent" or bool(report.accredited)
            or any(deadline.stage(today) is not None for deadline in running(report, tz, steps, election_day)))


def describe(t: Translator, deadline: Deadline, today: date, *, html: bool = True) -> str:
    """One line for a window: which (the appeal, or the answer of which body at which step), its
    day and its state (Telegram HTML from ``t``; ``html=False``: plain text for the exports)."""
    say = t if html else t.text
    if deadline.kind == "answer":
        key = ("mod.window.answer_estimated" if deadline.estimated
               else "mod.window.answer_at_once" if deadline.at_once else "mod.window.answer")
    else:
        key = f"mod.window.{deadline.kind}"
    return say(key, date=t.date(deadline.day), state=t.text(f"mod.deadline_state.{deadline.state(today)}"),
               target=t.text(f"mod.target.{deadline.target}") if deadline.target else "", step=deadline.step or "")
