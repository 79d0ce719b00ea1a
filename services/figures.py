"""A moderator confirms a precinct's figure by the photo of one observer's copy: the figure that
copy gives becomes the precinct's for that line (resolving a conflict between copies), on the
copy's record. Both doors call ``confirm``; it refuses with the rulebook's ``Refused``."""

from __future__ import annotations

from domain.counts import PROTOCOL_LINES, candidate_position
from services import discrepancies
from services.moderation import Refused, actor, parse_reference
from storage import reports
from storage import tally as store
from storage.models import Person, Report


def _line(line: str) -> bool:
    return line in PROTOCOL_LINES or (candidate_position(line) or 0) >= 1


async def confirm(services, person: Person, region: str, precinct: str, line: str, reference: str) -> tuple[int, list[Report]]:
    """Confirm ``line`` of the precinct by the copy ``reference``; returns the figure and any
    discrepancy report the confirmed figure files. Raises Refused."""
    db = await services.db()
    number = parse_reference(reference)
    if not _line(line) or number is None:
        raise Refused("tally.confirm.bad", retry=True)
    copy = await store.copy_of(db, number)
    report = await reports.get(db, number)
    if copy is None or report is None or report.region != region or store.number(report.precinct or "") != precinct:
        raise Refused("tally.confirm.not_a_copy", retry=True, reference=reference[:20])
    value = copy[1].get(line)
    if value is None:
        raise Refused("tally.confirm.no_line", retry=True, reference=report.reference)
    await store.confirm(db, (region, precinct), line, value, report.id, actor(person))
    return value, await discrepancies.file_new(services)

