"""What a moderator does on a report's page, as the card's buttons do: the same transitions,
checks and audit rows (storage.moderation), the reporter told through the outbox, and the card
in the moderators' chat redrawn by the bot."""

from __future__ import annotations

import re

from bot.services import outside_ref
from bot.services.text import clean
from domain.clock import utcnow
from domain.rules import CATEGORIES, ESCALATION_TARGETS, REGIONS
from storage import moderation, reports
from storage.models import Person, Report

NOTE_MAX = 1000
ACTIONS = ("take", "verify", "reopen", "reject", "duplicate", "escalate", "resolve", "note", "reply", "correct",
           "takeover")
BULK = ("take", "verify", "duplicate")  # what can be done to many reports at once
OPEN_TO_ALL = ("note", "takeover")  # what anyone may do to a report someone else has
DIRECT = {"take": "in_review", "verify": "verified", "reopen": "in_review"}


class Refused(Exception):
    """Why an action cannot be done: a message key and its parameters, shown on the page."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def actor(person: Person) -> str:
    return f"moderator {person.actor_code}"


async def act(db, person: Person, report: Report, action: str, form: dict[str, str], language: str,
              today) -> str:
    """Carry out ``action``; returns the message key to show. Raises Refused."""
    words = clean(form.get("text", "")).strip()[:NOTE_MAX]
    internal = form.get("internal") == "1"
    if report.taken_by not in (None, person.id) and action not in OPEN_TO_ALL:
        raise Refused("web.report.taken_by_other")  # take it over first: on the record
    try:
        if action == "takeover":
            if report.taken_by in (None, person.id):
                raise Refused("web.report.nothing_to_take_over")
            await moderation.take_over(db, report.id, actor(person), person.id)
            return "web.report.taken_over"
        if action in DIRECT:
            await _change(db, person, report, DIRECT[action])
        elif action in ("reject", "resolve"):
            if not words:
                raise Refused("mod.need_words", reference=report.reference)
            await _change(db, person, report, "rejected" if action == "reject" else "resolved", note=words,
                          internal=internal)
        elif action == "duplicate":
            original = await reports.by_reference(db, form.get("original", "").strip().upper())
            if original is None:
                raise Refused("mod.not_found")
            if original.id == report.id:
                raise Refused("mod.not_itself")
            await _change(db, person, report, "duplicate", duplicate_of=original.reference)
        elif action == "escalate":
            target = form.get("target", "")
            if target not in ESCALATION_TARGETS:
                raise Refused("web.report.pick_target")
            typed = f"{form.get('number', '')} {form.get('filed', '')}".strip() or "-"
            try:
                outside = outside_ref.parse(typed, language, today)
            except outside_ref.BadWhen as bad:
                raise Refused(f"mod.external_date.{bad}") from None
            await _change(db, person, report, "escalated", escalated_to=target, external_ref=outside.number,
                          external_date=outside.filed_on.isoformat() if outside.filed_on else None,
                          escalated_at=utcnow())
        elif action == "note":
            if not words:
                raise Refused("mod.need_words", reference=report.reference)
            await moderation.add_note(db, report.id, actor(person), words)
            return "web.report.noted"
        elif action == "reply":
            if not report.contact_allowed or report.reporter_id is None:
                raise Refused("web.report.no_contact")
            if not words:
                raise Refused("mod.need_words", reference=report.reference)
            await moderation.add_reply(db, report.id, actor(person), words)
            return "web.report.replied"
        elif action == "correct":
            changes = _corrections(form)
            if not changes:
                raise Refused("web.report.nothing_to_correct")
            _, notes = await moderation.correct(db, report.id, actor(person), changes)
            return "web.report.corrected" if notes else "web.report.nothing_to_correct"
        else:
            raise Refused("common.stale_button")
    except moderation.TransitionRefused:
        raise Refused("web.report.refused") from None
    return "web.report.done"


async def _change(db, person: Person, report: Report, target: str, note: str | None = None,
                  internal: bool = False, **fields) -> None:
    await moderation.change_status(db, report.id, actor(person), target, note, internal=internal,
                                   taken_by=person.id, **fields)


def _corrections(form: dict[str, str]) -> dict[str, str]:
    """The fields of the correction form that were chosen, each checked against the domain."""
    changes = {}
    if form.get("region") in REGIONS:
        changes["region"] = form["region"]
    if form.get("category") in CATEGORIES:
        changes["category"] = form["category"]
    precinct = form.get("precinct", "").strip()
    if precinct in moderation.PRECINCT_WORDS or re.fullmatch(r"[0-9]{1,6}", precinct) and int(precinct):
        changes["precinct"] = precinct
    elif precinct:
        raise Refused("mod.find.bad_precinct", value=precinct)
    return changes
