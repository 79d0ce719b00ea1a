"""A report's history as moderators read it (in /view and on the dashboard): each audit entry
in the reader's language, with who (a staff member by name) and when (local time)."""

from __future__ import annotations

from datetime import date

from services.i18n import Html, Translator
from services.search_query import FIX_KEYS, label
from domain import clock
from domain.rules import ESCALATION_TARGETS
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
    if entry.action in ("evidence_arrived", "evidence_lost"):  # a file that came (or never came) after Send
        return t(f"mod.history.{entry.action}", who=who, at=at)
    if entry.action == "escalation_step":  # the body, its number and the filing date
        return t("mod.history.escalation_step", who=who, at=at, step=step_text(t, entry.note or ""))
    if entry.action == "escalation_corrected":
        before, _, after = (entry.note or "").partition(" → ")
        return t("mod.history.escalation_fixed", who=who, at=at, before=step_text(t, before),
                 after=step_text(t, after))
    if entry.action == "escalation_answer":
        number, _, rest = (entry.note or "").partition(" ")
        target, _, change = rest.partition(": ")
        before, _, after = change.partition(" → ")
        return t("mod.history.escalation_answer", who=who, at=at, step=number, body=_body(t, target),
                 before=_answer_text(t, before), after=_answer_text(t, after))
    if entry.action == "filing_file":  # "2 prosecutor answer <sha256>"
        number, target, which, sha256 = ((entry.note or "").split() + ["-"] * 4)[:4]
        return t("mod.history.filing_file", who=who, at=at, step=number, body=_body(t, target),
                 which=t.text(f"mod.filing_file.{which}") if which in ("complaint", "answer") else which,
                 sha256=sha256)
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


def _body(t: Translator, target: str) -> str:
    return t.text(f"mod.target.{target}") if target in ESCALATION_TARGETS else (target or "—")


def step_text(t: Translator, note: str) -> str:
    """"commission 12-3/45 2026-12-01" (as the audit keeps a step) in the reader's words: the
    body's name, its number and the filing date."""
    words = note.split()
    if not words:
        return "—"
    target, rest = words[0], words[1:]
    day = rest.pop() if rest else "-"
    ref = " ".join(rest) or "-"
    if day == "-":  # "filed" only with a filing date
        return t.text("mod.history.step_unfiled", body=_body(t, target), ref=ref if ref != "-" else "—")
    return t.text("mod.history.step", body=_body(t, target), ref=ref if ref != "-" else "—",
                  date=_date(t, day))


def _answer_text(t: Translator, text: str) -> str:
    kind, _, day = text.strip().partition(" ")
    if kind not in ("received", "refused"):
        return t.text("mod.card.step_none")
    return t.text(f"mod.card.step_{kind}", date=_date(t, day))


def _date(t: Translator, text: str) -> str:
    try:
        return t.date(date.fromisoformat(text))
    except ValueError:
        return "—"


def step_line(t: Translator, step) -> str:
    """One filing of the chain as plain text: the body, its number, the filing date and the
    answer (received or refused, with its date) or "no answer"."""
    text = step_text(t, f"{step.target} {step.external_ref or '-'} {step.external_date or '-'}")
    answer = (t.text(f"mod.card.step_{step.answer_kind}", date=_date(t, step.answer_date or ""))
              if step.answer_kind else t.text("mod.card.step_none"))
    return f"{text} · {answer}"
