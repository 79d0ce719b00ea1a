"""A report's history as moderators read it (in /view and on the dashboard): each audit entry
in the reader's language, with who (a staff member by name) and when (local time)."""

from __future__ import annotations

from bot.services.i18n import Html, Translator
from bot.services.search_query import FIX_KEYS, label
from domain import clock
from storage.models import AuditEntry

# mod.history.<action>: who, at, text
HISTORY_WITH_TEXT = ("note", "reply", "bundle", "complaint", "export", "reporter_answer", "escalation_corrected",
                     "takeover", "handed_back", "question_closed")


def line(t: Translator, entry: AuditEntry, names: dict[str, str]) -> Html:
    who, at = _who(t, entry.actor, names), t.datetime(clock.parse(entry.created_at))
    if entry.action == "submitted":
        return t("mod.history.submitted", who=who, at=at)
    if entry.action == "status":
        before, after = (label(t, "status", code) if code else "—" for code in (entry.from_status, entry.to_status))
        return t("mod.history.status_note" if entry.note else "mod.history.status",
                 who=who, at=at, before=before, after=after, text=entry.note or "")
    if entry.action == "urgent_added":  # what the reporter of an urgent report sent after it
        return t("mod.history.urgent_added", who=who, at=at, what=t(f"urgent.added.{entry.note}"))
    change = correction(t, entry.note or "") if entry.action == "correct" else None
    if change is not None:
        return t("mod.history.correct", who=who, at=at, change=change)
    if entry.action in HISTORY_WITH_TEXT:
        return t(f"mod.history.{entry.action}", who=who, at=at, text=entry.note or "")
    return t("mod.history.other", who=who, at=at, action=entry.action, text=entry.note or "")


def _who(t: Translator, who: str, names: dict[str, str]) -> str:
    """An audit row's actor as moderators know them: a staff member by name, when known."""
    kind, _, code = who.partition(" ")
    if kind == "moderator" and code:
        name = names.get(code)
        return t("mod.history.moderator_named", name=name, code=code) if name else t("mod.history.moderator", code=code)
    return t("mod.history.reporter") if who == "reporter" else who


def correction(t: Translator, note: str) -> Html | None:
    """"region: akmola → karaganda", as written by moderation.correct, in the reader's words."""
    field, _, change = note.partition(": ")
    before, arrow, after = change.partition(" → ")
    if field not in FIX_KEYS or not arrow:
        return None
    return t("mod.fix.change", field=t(f"mod.find.name.{field}"),
             before=label(t, field, before), after=label(t, field, after))
