"""The text of a complaint about an escalated report, in Russian or Kazakh, for a lawyer to file.

Plain text for a .txt file: nothing is HTML-escaped, the reporter's description is quoted
verbatim, and every word of the document itself comes from the catalogs (``complaint.*``).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from datetime import date, datetime, timedelta, timezone, tzinfo

from bot.services.i18n import Translator
from domain.rules import APPEAL_DAYS, DEFAULT_ESCALATION_TARGET, LAW_ARTICLES
from storage.models import EvidenceRecord, Report

WIDTH = 100
INDENT = "   "
_SPACES = re.compile(r"\s+")


def _wrap(text: str, indent: str = "") -> str:
    """Catalog text wrapped to WIDTH, line by line (a message's own line breaks are kept)."""
    return "\n".join(
        textwrap.fill(line, WIDTH, initial_indent=indent, subsequent_indent=indent,
                      break_long_words=False, break_on_hyphens=False) if line.strip() else ""
        for line in text.split("\n")
    )


def _label(text: str) -> str:
    """A catalog label without the emoji some menu labels start with (🌍 За рубежом)."""
    start = 0
    while start < len(text) and not unicodedata.category(text[start]).startswith(("L", "N")):
        start += 1
    return text[start:] or text


def _moment(text: str) -> datetime:
    """An ISO timestamp as stored; a naive one is UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _incident(t: Translator, occurred_at: str, tz: tzinfo) -> tuple[str, date | None]:
    """The incident's date (and time) as text, and its date in ``tz``."""
    try:
        if len(occurred_at) == 10:
            day = date.fromisoformat(occurred_at)
            return t.date(day), day
        moment = _moment(occurred_at)
        return t.datetime(moment), moment.astimezone(tz).date()
    except ValueError:
        return occurred_at, None


def _offset(tz: tzinfo, at: datetime) -> str:
    """'+05:00' for Kazakhstan."""
    delta = at.astimezone(tz).utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _evidence(t: Translator, number: int, record: EvidenceRecord) -> list[str]:
    size = str(t.plural("complaint.bytes", record.size)) if record.size is not None \
        else t.text("complaint.size_unknown")
    lines = [t.text("complaint.evidence_item", number=number, kind=t.text(f"complaint.kind.{record.kind}"),
                    size=size, received=t.datetime(_moment(record.received_at)))]
    if record.file_name:
        # The sender chose the name: one line, whatever it holds.
        lines.append(INDENT + t.text("complaint.evidence_name", name=_SPACES.sub(" ", record.file_name).strip()))
    if record.sha256:
        lines.append(INDENT + t.text("complaint.evidence_sha256", sha256=record.sha256))
    elif record.too_big:
        lines.append(_wrap(t.text("complaint.evidence_too_big"), INDENT))
    else:
        lines.append(INDENT + t.text("complaint.evidence_no_hash"))
    return lines


def complaint_text(report: Report, records: list[EvidenceRecord], lang: str, tz: tzinfo) -> str:
    """Plain text (not HTML) of a complaint in ``lang`` ("ru" or "kk"), addressed according to
    report.escalated_to, with the facts (category, description), place and time (region,
    precinct or "not at a polling station", place), the applicable deadline note (appeal within
    10 days of the incident, Election Law art. 20 cl. 9; examination within 5 days, art. 49),
    the list of evidence with kind, size, SHA-256 and receipt time of each file, the report's
    reference, and blanks for the applicant's name, signature and date to fill in by hand.

    Times are shown in ``tz``. A report with no known ``escalated_to`` gets the internal memo
    for the legal team. ``lang`` "en" works too (the catalogs are complete), anything else
    falls back to the bot's default language.
    """
    t = Translator(lang, tz)
    target = report.escalated_to or DEFAULT_ESCALATION_TARGET
    submitted = _moment(report.submitted_at)
    when, day = _incident(t, report.occurred_at, tz)

    out: list[str] = [
        _wrap(t.text(f"complaint.header.{target}")),
        "",
        _wrap(t.text("complaint.from")),
        "",
        t.text(f"complaint.title.{target}"),
        t.text("complaint.subject", reference=report.reference),
        "",
        t.text("complaint.facts"),
        t.text("complaint.category", category=_kind(t, report)),
    ]
    role = report.reporter_role
    if role == "observer" and report.accredited:
        role = "observer_accredited"
    out.append(t.text(f"complaint.source.{role}"))
    # The description is quoted exactly as the reporter wrote it: no wrapping, no escaping.
    out += [t.text("complaint.description"), report.description, ""]

    out += [
        t.text("complaint.place_time"),
        t.text("complaint.region", region=_label(t.text(f"region.{report.region}"))),
        _precinct_line(t, report),
    ]
    if report.place:
        out.append(t.text("complaint.place", place=report.place))
    if report.latitude is not None and report.longitude is not None:
        out.append(t.text("complaint.coordinates", latitude=f"{report.latitude:.6f}",
                          longitude=f"{report.longitude:.6f}"))
    out += [
        t.text("complaint.when", value=when),
        t.text("complaint.submitted", value=t.datetime(submitted)),
        t.text("complaint.timezone", offset=_offset(tz, submitted)),
        "",
        t.text("complaint.law"),
    ]
    article = LAW_ARTICLES.get(report.subcategory or "")
    if article:
        out.append(_wrap(t.text(f"complaint.law.{article}")))
    out.append(_wrap(t.text("complaint.deadline")))
    if day:
        out.append(t.text("complaint.deadline_date", deadline=t.date(day + timedelta(days=APPEAL_DAYS))))
    out += [
        _wrap(t.text("complaint.examination")),
        "",
        t.text("complaint.evidence"),
    ]
    if records:
        for number, record in enumerate(records, start=1):
            out += _evidence(t, number, record)
        out += ["", _wrap(t.text("complaint.evidence_note"))]
    else:
        out.append(t.text("complaint.evidence_none"))

    out += [
        "",
        t.text("complaint.request"),
        _wrap(t.text(f"complaint.request.{target}")),
        "",
    ]
    if records:
        out += [_wrap(t.text("complaint.attachment", count=len(records))), ""]
    out.append(_wrap(t.text("complaint.signature")))
    return "\n".join(out) + "\n"


def _kind(t: Translator, report: Report) -> str:
    """The exact kind of violation in words (the group's name for reports that have none)."""
    return t.text(f"category.{report.subcategory}" if report.subcategory else f"group.{report.category}")


def _precinct_line(t: Translator, report: Report) -> str:
    if report.precinct:
        return t.text("complaint.precinct", number=report.precinct)
    kind = {"none": "complaint.precinct_away", "unknown": "complaint.precinct_unknown"}
    return t.text(kind.get(report.precinct_kind or "", "complaint.precinct_none"))
