"""The moderation rulebook: who may act on a report, what each status offers, the words each
action needs and their limits, the change itself with its audit rows, and what the reporter is
told. The Telegram handlers and the dashboard both call ``act``; they only translate a command,
a button or a form into a ``Request`` and an ``Outcome`` or a ``Refused`` into what they show."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict

from services import outside_ref, witnesses as witness_groups
from services.i18n import Translator
from services.text import clean
from domain.clock import utcnow
from domain.rules import CATEGORIES, ESCALATION_TARGETS, REGIONS, TRANSITIONS
from storage import moderation, reports, witnesses
from storage.db import Database
from storage.models import Person, Report

NOTE_MAX = 1000  # a reason, an outcome, a note or a reply: what one screen of the card shows
# Actions that change the status at once, and those that need a few words.
DIRECT = {"take": "in_review", "verify": "verified", "reopen": "in_review"}
WORDED = {"reject": "rejected", "resolve": "resolved"}
# Status actions in the order moderators read them on a card and on the report's page.
STATUS_ACTIONS: tuple[str, ...] = ("take", "verify", "reject", "duplicate", "escalate", "resolve", "reopen")
TARGET_OF = {**DIRECT, **WORDED, "duplicate": "duplicate", "escalate": "escalated"}
# Witnesses of one event: confirm the group a report is in, or take the report out of it.
GROUP_ACTIONS: tuple[str, ...] = witness_groups.ACTIONS
ACTIONS: tuple[str, ...] = (*STATUS_ACTIONS, "correct_escalation", "note", "reply", "correct", "takeover", *GROUP_ACTIONS)
OPEN_TO_ALL = ("note", "takeover")  # what anyone may do to a report another moderator has
NOT_A_CASE = ("note", "reply", "correct")  # what may be done to an observer's count
BULK = ("take", "verify", "duplicate")  # what may be done to many reports at once
REOPENABLE = ("rejected", "duplicate", "verified")  # "reopen" (not "take") leads back to review

_REFERENCE = re.compile(r"^(?:KZ-?)?0*(\d{1,9})$", re.IGNORECASE)
_PRECINCT = re.compile(r"[0-9]{1,6}")


class Refused(Exception):
    """Why an action was not done: a message key and its parameters (already in the actor's
    words). ``retry``: the input will not do (the same question may be answered again);
    otherwise the report is not in a state for it (the question, if any, is over)."""

    def __init__(self, key: str, retry: bool = False, **params: str) -> None:
        super().__init__(key)
        self.key, self.retry, self.params = key, retry, params


class Request(BaseModel):
    """An action on one report as either door received it."""

    model_config = ConfigDict(frozen=True)

    action: str
    words: str = ""  # a reason, an outcome, a note, a reply
    internal: bool = False  # a reason or an outcome kept from the reporter
    original: str = ""  # a duplicate's original, as typed
    target: str = ""  # an escalation's body
    outside: str = ""  # the outside number and filing date, as typed
    corrections: dict[str, str] = {}  # region, category, precinct, as chosen
    prompt_id: int | None = None  # the question this answers (Telegram)
    expect: tuple[str, int | None] | None = None  # the status and step the question was asked at


@dataclass
class Outcome:
    """What happened: ``kind`` (changed, noted, replied, corrected, unchanged, taken_over,
    escalation_corrected), the report as it is now, the reporter's notice queued in the outbox
    (None: nobody to tell), whether the card in the group must be redrawn, and for a correction
    the notes of what changed."""

    kind: str
    report: Report
    notice: int | None = None
    redraw: bool = False
    notes: list[str] = field(default_factory=list)


def parse_reference(text: str) -> int | None:
    """A report's number from what a moderator types: KZ-000123, kz123, 123, № 123."""
    match = _REFERENCE.match(text.strip().lstrip("№").strip())
    return int(match.group(1)) if match else None


def actor(person: Person) -> str:
    """How the audit log names a staff member ("moderator 3FA2")."""
    return f"moderator {person.actor_code}"


def holds(report: Report, person: Person) -> bool:
    """Whether ``person`` may act on ``report`` without taking it over first."""
    return report.taken_by in (None, person.id)


def offered(report: Report, person: Person | None = None, grouped: bool = False) -> list[str]:
    """The status actions the report's status offers, in the card's order, and a group's
    (``grouped``: the report is in one); for a report another moderator has, only the take-over
    (and a note) until it is taken over. An observer's count offers none: it is no case."""
    if report.kind != "violation":
        return []
    if person is not None and not holds(report, person):
        return ["takeover"]
    possible = TRANSITIONS[report.status]
    shown = []
    for action in STATUS_ACTIONS:
        target = TARGET_OF[action]
        back_to_review = target == "in_review"
        if target in possible and (not back_to_review or (action == "reopen") == (report.status in REOPENABLE)):
            shown.append(action)
    if report.status == "escalated":  # a mistyped number, or the filing date once known
        shown.append("correct_escalation")
    return shown + list(GROUP_ACTIONS if grouped else ())


def _words(request: Request, report: Report, needed: bool) -> str:
    words = clean(request.words).strip()
    if needed and not words:
        raise Refused("mod.need_words", retry=True, reference=report.reference)
    if len(words) > NOTE_MAX:  # never cut what a moderator typed without saying so
        raise Refused("mod.too_long", retry=True, reference=report.reference, max=str(NOTE_MAX),
                      count=str(len(words)))
    return words


def _corrections(chosen: dict[str, str]) -> dict[str, str]:
    """The chosen fields of a correction, each checked against the domain."""
    changes = {}
    if chosen.get("region") in REGIONS:
        changes["region"] = chosen["region"]
    if chosen.get("category") in CATEGORIES:
        changes["category"] = chosen["category"]
    precinct = chosen.get("precinct", "").strip()
    if precinct in moderation.PRECINCT_WORDS or _PRECINCT.fullmatch(precinct) and int(precinct):
        changes["precinct"] = precinct
    elif precinct:
        raise Refused("mod.find.bad_precinct", retry=True, value=precinct)
    return changes


async def act(db: Database, person: Person, report: Report, request: Request, t: Translator,
              today: date) -> Outcome:
    """Carry out ``request`` on ``report`` by ``person`` (staff: each door fences that); raises
    Refused. Every change is audited in the transaction that makes it."""
    action = request.action
    if action not in ACTIONS:
        raise Refused("common.stale_button")
    if report.kind != "violation" and action not in NOT_A_CASE:
        # An observer's count goes to the tally, not through a case's statuses (an old card's
        # button, a forged form): a note, a reply and a correction are all it takes.
        raise Refused("mod.count_not_a_case", reference=report.reference)
    # An answer to a question is checked by storage, in its transaction, against the report as
    # it stood when the question was asked (told "it moved on" first); anything else here.
    if request.expect is None:
        if not holds(report, person) and action not in OPEN_TO_ALL:
            raise Refused("mod.taken_by_other", reference=report.reference,
                          name=await moderation.staff_name(db, report.taken_by) or "—")
        if (action in STATUS_ACTIONS or action == "correct_escalation") and action not in offered(report):
            # "reopen" a new report, "take" a rejected one: the transition exists, the action not
            target = "escalated" if action == "correct_escalation" else TARGET_OF[action]
            raise Refused("mod.transition_refused", reference=report.reference,
                          status=t(f"status.{report.status}"), target=t(f"status.{target}"))
    try:
        if action == "takeover":
            if holds(report, person):
                raise Refused("web.report.nothing_to_take_over")
            updated = await moderation.take_over(db, report.id, actor(person), person.id)
            return Outcome("taken_over", updated, redraw=True)
        if action == "note":
            words = _words(request, report, needed=True)
            await moderation.add_note(db, report.id, actor(person), words)
            return Outcome("noted", report)
        if action == "reply":
            if not report.contact_allowed or report.reporter_id is None:
                raise Refused("mod.reply_anonymous", reference=report.reference)
            words = _words(request, report, needed=True)
            notice = await moderation.add_reply(db, report.id, actor(person), words)
            return Outcome("replied", report, notice=notice)
        if action == "correct":
            changes = _corrections(request.corrections)
            if not changes:
                return Outcome("unchanged", report)
            updated, notes = await moderation.correct(db, report.id, actor(person), changes)
            if notes and ("region" in changes or "precinct" in changes):  # now of another precinct's event
                await witness_groups.place(db, report.id)
            return Outcome("corrected" if notes else "unchanged", updated, redraw=bool(notes), notes=notes)
        if action == "group_confirm":
            if await witnesses.confirm(db, report.id, actor(person)) is None:
                raise Refused("witness.none", reference=report.reference)
            return Outcome("witness_confirmed", report, redraw=True)
        if action == "group_split":
            if not await witnesses.split(db, report.id, actor(person)):
                raise Refused("witness.none", reference=report.reference)
            return Outcome("witness_split", report, redraw=True)
        if action in DIRECT:
            return await _change(db, person, report, request, DIRECT[action], t)
        if action in WORDED:
            words = _words(request, report, needed=True)
            return await _change(db, person, report, request, WORDED[action], t, note=words,
                                 internal=request.internal)
        if action == "duplicate":
            number = parse_reference(request.original)
            original = await reports.get(db, number) if number else None
            if original is None:
                raise Refused("mod.not_found", retry=True)
            if original.id == report.id:
                raise Refused("mod.not_itself", retry=True)
            outcome = await _change(db, person, report, request, "duplicate", t, duplicate_of=original.reference)
            # A duplicate is a witness of the original's event: its files stay its own and show
            # with the original's, and it counts among the group's witnesses.
            await witnesses.join_duplicate(db, report.id, original.id)
            return outcome
        # escalate, correct_escalation: a body, then its number and filing date as typed
        if request.target not in ESCALATION_TARGETS:
            raise Refused("web.report.pick_target", retry=True)
        try:
            outside = outside_ref.parse(request.outside.strip() or "-", t.lang, today)
        except outside_ref.BadWhen as bad:
            raise Refused(f"mod.external_date.{bad}", retry=True) from None
        filed = outside.filed_on.isoformat() if outside.filed_on else None
        if action == "correct_escalation":
            updated, notice = await moderation.correct_escalation(
                db, report.id, actor(person), request.target, outside.number, filed, prompt_id=request.prompt_id,
                expect=request.expect, holder=person.id)
            return Outcome("escalation_corrected", updated, notice=notice, redraw=True)
        return await _change(db, person, report, request, "escalated", t, escalated_to=request.target,
                             external_ref=outside.number, external_date=filed, escalated_at=utcnow())
    except moderation.Moved as moved:
        raise Refused("mod.prompt.moved", reference=report.reference, status=t(f"status.{moved.current}")) from None
    except moderation.TakenByOther:
        raise Refused("mod.taken_by_other", reference=report.reference,
                      name=await moderation.staff_name(db, (await reports.get(db, report.id)).taken_by) or "—") \
            from None
    except moderation.TransitionRefused as refused:
        target = "escalated" if action == "correct_escalation" else TARGET_OF.get(action, action)
        raise Refused("mod.transition_refused", reference=report.reference, status=t(f"status.{refused.current}"),
                      target=t(f"status.{target}")) from None


async def _change(db: Database, person: Person, report: Report, request: Request, target: str, t: Translator,
                  note: str | None = None, internal: bool = False, **fields: object) -> Outcome:
    updated, _, notice = await moderation.change_status(
        db, report.id, actor(person), target, note, internal=internal, prompt_id=request.prompt_id,
        expect=request.expect, holder=person.id, taken_by=person.id, **fields)
    return Outcome("changed", updated, notice=notice, redraw=True)
