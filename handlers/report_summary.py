"""Rendering a draft or a report as text in a person's language (escaped, valid HTML)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from bot.services.i18n import Html, Translator
from storage.models import Draft, EvidenceRecord


def when_text(t: Translator, occurred_at: str | None) -> str:
    if not occurred_at:
        return "—"
    if len(occurred_at) == 10:
        return t.date(date.fromisoformat(occurred_at))
    return t.datetime(datetime.fromisoformat(occurred_at))


def where_text(t: Translator, region: str | None, precinct_kind: str | None, precinct: str | None) -> str:
    parts = [t(f"region.{region}")] if region else []
    if precinct_kind == "number":
        parts.append(t("summary.precinct", number=precinct))
    elif precinct_kind:
        parts.append(t(f"summary.precinct_{precinct_kind}"))
    return ", ".join(parts) or "—"


def evidence_text(t: Translator, records: list[EvidenceRecord]) -> str:
    if not records:
        return t("summary.no_evidence")
    kinds = Counter(record.kind for record in records)
    detail = ", ".join(t.plural(f"evidence.kind.{kind}", n) for kind, n in sorted(kinds.items()))
    return f"{t.plural('summary.files', len(records))} ({detail})"


def draft_summary(t: Translator, draft: Draft, records: list[EvidenceRecord]) -> Html:
    what = t(f"category.{draft.category}") if draft.category else "—"
    lines = [
        t("summary.title"),
        t("summary.role", value=t(f"role.{draft.reporter_role}") if draft.reporter_role else "—"),
        t("summary.what", value=Html(what)),
        t("summary.where", value=Html(where_text(t, draft.region, draft.precinct_kind, draft.precinct))),
    ]
    if draft.place:
        lines.append(t("summary.place", value=draft.place))
    if draft.latitude is not None:
        lines.append(t("summary.location"))
    lines += [
        t("summary.when", value=when_text(t, draft.occurred_at)),
        t("summary.description", value=draft.description or "—"),
        t("summary.evidence", value=Html(evidence_text(t, records))),
        t("summary.contact", value=t("summary.contact_allowed" if draft.contact_allowed else "summary.contact_anonymous")),
    ]
    return Html("\n".join(lines))
