"""The columns an analyst asks of an export beside a report's own fields: local time beside UTC,
labels beside codes, who has it, when a moderator first acted, evidence and GPS flags, the
deadlines still running and every step of the chain of filings (not only the latest)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo
from typing import Any

from services import deadlines
from services.complaint import region_name
from services.i18n import Translator
from storage.models import Report
from storage.moderation import EscalationStep

EXTRA_FIELDS: tuple[str, ...] = (
    "submitted_at_local", "occurred_at_local", "escalated_at_local",
    "status_label", "category_label", "subcategory_label", "region_label", "reporter_role_label",
    "escalated_to_label", "assignee", "first_action_at", "first_action_at_local",
    "evidence_count", "evidence_with_gps", "location_shared", "running_deadlines", "escalation_steps",
)


@dataclass
class Facts:
    """What the exports need to know beside the reports, read once for all of them."""
    tz: tzinfo
    today: date
    election_day: date | None = None
    names: dict[int, str] = field(default_factory=dict)           # staff names by person id
    first_actions: dict[int, str] = field(default_factory=dict)   # report id → first staff action (UTC)
    evidence: dict[int, int] = field(default_factory=dict)        # report id → files
    gps: dict[int, int] = field(default_factory=dict)             # report id → files with a GPS position
    chains: dict[int, list[EscalationStep]] = field(default_factory=dict)


def _local(text: str | None, tz: tzinfo) -> str | None:
    """An ISO timestamp in local time with its offset (2026-12-01T17:00:00+05:00); a date alone stays."""
    if not text:
        return None
    if len(text) == 10:
        return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(tz).isoformat(timespec="seconds")


def _label(t: Translator, key: str) -> str | None:
    return t.text(key) if key else None


def steps(t: Translator, chain: list[EscalationStep]) -> list[dict[str, Any]]:
    """Every filing: body (code and name), number, filing date, answer and its date."""
    return [{"number": number, "body": step.target, "body_label": t.text(f"mod.target.{step.target}"),
             "external_ref": step.external_ref, "filed_on": step.external_date, "answer": step.answer_kind,
             "answer_date": step.answer_date, "escalated_at": step.created_at}
            for number, step in enumerate(chain, start=1)]


def windows(report: Report, facts: Facts, chain: list[EscalationStep]) -> list[dict[str, Any]]:
    """The deadlines still running (open reports only), with their state today."""
    return [{"kind": deadline.kind, "body": deadline.target, "step": deadline.step, "day": deadline.day.isoformat(),
             "state": deadline.state(facts.today), "at_once": deadline.at_once, "estimated": deadline.estimated}
            for deadline in deadlines.running(report, facts.tz, chain, facts.election_day)]


def extra(t: Translator, report: Report, facts: Facts) -> dict[str, Any]:
    """The extra columns of one report, as JSON values (lists for the deadlines and the steps)."""
    chain = facts.chains.get(report.id, [])
    return {
        "submitted_at_local": _local(report.submitted_at, facts.tz),
        "occurred_at_local": _local(report.occurred_at, facts.tz),
        "escalated_at_local": _local(report.escalated_at, facts.tz),
        "status_label": t.text(f"status.{report.status}"),
        "category_label": t.text(f"group.{report.category}") if report.category else None,
        "subcategory_label": t.text(f"category.{report.subcategory}") if report.subcategory else None,
        "region_label": region_name(t, report.region) if report.region else None,
        "reporter_role_label": t.text(f"role.{report.reporter_role}") if report.reporter_role else None,
        "escalated_to_label": t.text(f"mod.target.{report.escalated_to}") if report.escalated_to else None,
        "assignee": facts.names.get(report.taken_by) if report.taken_by else None,
        "first_action_at": facts.first_actions.get(report.id),
        "first_action_at_local": _local(facts.first_actions.get(report.id), facts.tz),
        "evidence_count": facts.evidence.get(report.id, 0),
        "evidence_with_gps": facts.gps.get(report.id, 0),
        "location_shared": report.latitude is not None and report.longitude is not None,
        "running_deadlines": windows(report, facts, chain),
        "escalation_steps": steps(t, chain),
    }


def flat_cell(name: str, value: Any) -> Any:
    """A list column as one CSV cell: "appeal 2026-12-11 soon; answer prosecutor#2 2026-12-10 overdue",
    "1. commission № 12-3/45 filed 2026-12-01, refused 2026-12-03; 2. prosecutor …"."""
    if name == "running_deadlines":
        return "; ".join(" ".join(part for part in (
            item["kind"], f"{item['body']}#{item['step']}" if item["body"] else "", item["day"], item["state"],
            "at_once" if item["at_once"] else "", "estimated" if item["estimated"] else "") if part)
            for item in value)
    if name == "escalation_steps":
        return "; ".join(
            f"{item['number']}. {item['body']} ({item['body_label']}) № {item['external_ref'] or '-'}"
            f" filed {item['filed_on'] or '-'}"
            + (f", {item['answer']} {item['answer_date'] or '-'}" if item["answer"] else ", no answer")
            for item in value)
    return value
