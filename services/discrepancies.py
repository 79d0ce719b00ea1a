"""Protocol-discrepancy reports: a precinct whose official result differs from the observers' agreed
figures by more than COUNTS_DISCREPANCY gets one violation report (category 'protocol', an
accredited observers' finding, the precinct) with both figures of each such line and the copies
it rests on. Once per precinct: the same figures again (a reload, a confirmation that changed
nothing) file nothing; changed figures file a new report. Run after each official load and each
confirmed figure, from either door."""

from __future__ import annotations

import hashlib
import logging

from domain.counts import DISCREPANCY_CATEGORY, candidate_position
from domain.rules import CATEGORIES
from services.i18n import Translator
from services.tally import Figure, PrecinctRecord, Tally, current, line_names
from storage import reports
from storage import tally as store
from storage.models import NewReport, Report

log = logging.getLogger(__name__)
REFERENCES_SHOWN = 20  # copies named in a report's description; the tally lists them all
OWNER = 0  # no person files it: the bot does, for the observers whose copies it rests on


def digest(figures: list[Figure]) -> str:
    """What a report was filed for: the lines beyond the threshold and both figures of each."""
    text = ";".join(f"{figure.line}={figure.agreed}/{figure.official}" for figure in sorted(figures, key=lambda f: f.line))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def label(t: Translator, line: str, names: dict[str, str]) -> str:
    """A protocol line in ``t``'s language; a candidate by the name an administrator set."""
    position = candidate_position(line)
    if position is None:
        return t.text(f"tally.line.{line}")
    return names.get(line) or t.text("tally.line.candidate", position=str(position))


def description(t: Translator, record: PrecinctRecord, beyond: list[Figure], threshold: int,
                names: dict[str, str]) -> str:
    lines = [t.text("tally.discrepancy.intro", precinct=record.precinct, region=t.text(f"region.{record.region}"),
                    threshold=str(threshold))]
    for figure in beyond:
        lines.append(t.text("tally.discrepancy.line", line=label(t, figure.line, names), observed=str(figure.agreed),
                            official=str(figure.official), difference=f"{figure.difference:+d}"))
    references = [copy.reference for copy in record.copies]
    shown = ", ".join(references[:REFERENCES_SHOWN]) + (" …" if len(references) > REFERENCES_SHOWN else "")
    lines.append(t.text("tally.discrepancy.copies", count=str(len(references)), references=shown))
    return "\n".join(lines)


async def file_new(services, tally: Tally | None = None) -> list[Report]:
    """File a report for each precinct beyond the threshold that has none for these figures."""
    db = await services.db()
    if not await store.has_official(db):
        return []  # nothing to differ from: no tally worked out for each copy filed before the load
    threshold = services.settings.counts_discrepancy
    tally = tally if tally is not None and tally.threshold == threshold else await current(db, threshold)
    filed = await store.discrepancies(db)
    names = await line_names(db)
    t = services.translator(services.settings.moderator_language)
    day = (services.settings.election_day or services.today()).isoformat()
    notices = [("card", {})] if services.settings.moderator_chat_id is not None else []
    made = []
    for key, record in tally.precincts.items():
        beyond = record.beyond(threshold)
        if not beyond or not record.copies:
            continue
        figures_digest = digest(beyond)
        before = filed.get(key)
        if before is not None and before[2] == figures_digest:
            continue  # filed already for these very figures
        report = NewReport(
            reporter_role="observer", accredited=True, category=CATEGORIES[DISCREPANCY_CATEGORY],
            subcategory=DISCREPANCY_CATEGORY, region=record.region,
            precinct=record.precinct, precinct_kind="number", occurred_at=day,
            description=description(t, record, beyond, threshold, names)[:10_000],
            submission_key=f"discrepancy-{key[0]}-{key[1]}-{figures_digest}")
        stored, created = await reports.submit(db, OWNER, report, notices, with_draft=False,
                                               then=store.discrepancy_filed(key, figures_digest))
        if created:
            made.append(stored)
    if made:
        log.info("%d protocol-discrepancy reports filed", len(made))
    return made
