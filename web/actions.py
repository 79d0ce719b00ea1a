"""What a moderator does on a report's page, translated into the rulebook's terms
(services.moderation, the same the card's buttons and commands go through): the form becomes
a ``Request``, the outcome becomes the message key the page shows."""

from __future__ import annotations

from datetime import date

from services import moderation as rulebook
from services.i18n import Translator
from services.moderation import BULK, Refused, Request
from storage.db import Database
from storage.models import Person, Report

ACTIONS = rulebook.ACTIONS
# What the page says of each outcome.
DONE = {"changed": "web.report.done", "noted": "web.report.noted", "replied": "web.report.replied",
        "corrected": "web.report.corrected", "unchanged": "web.report.nothing_to_correct",
        "taken_over": "web.report.taken_over", "escalation_corrected": "web.report.done",
        "witness_confirmed": "web.witness.confirmed", "witness_split": "web.witness.split"}
REDRAWN = ("changed", "corrected", "taken_over", "escalation_corrected", "witness_confirmed", "witness_split")  # the card in the group shows them

__all__ = ["ACTIONS", "BULK", "DONE", "REDRAWN", "Refused", "act", "request_of"]


def request_of(action: str, form: dict[str, str]) -> Request:
    """The form of an action as the rulebook's request."""
    outside = f"{form.get('number', '')} {form.get('filed', '')}".strip()
    return Request(action=action, words=form.get("text", ""), internal=form.get("internal") == "1",
                   original=form.get("original", ""), target=form.get("target", ""), outside=outside,
                   corrections={name: form.get(name, "") for name in ("region", "category", "precinct")})


async def act(db: Database, person: Person, report: Report, action: str, form: dict[str, str],
              t: Translator, today: date) -> rulebook.Outcome:
    """Carry out ``action`` by the rulebook; raises Refused."""
    return await rulebook.act(db, person, report, request_of(action, form), t, today)
