"""What leaves the bot as files, the same through both doors (Telegram's /export and /bundle,
the dashboard's downloads): the filtered reports as CSV, JSON or XLSX with the analyst's
columns, one report's evidence as a ZIP, and each put on the record."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Awaitable, Callable

from services import export_columns
from services.evidence import read
from services.exports import evidence_bundle, reports_csv, reports_json, reports_xlsx
from domain import clock
from storage import evidence, moderation
from storage.models import Report

FORMATS = ("csv", "json", "xlsx")
_WRITERS = {"csv": reports_csv, "json": reports_json, "xlsx": reports_xlsx}
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip": "application/zip"}
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class Made:
    """A file to hand over: its bytes, its name, and how many reports or evidence files it holds."""
    data: bytes
    name: str
    count: int


async def export_extras(services, db, found: list[Report]) -> dict[int, dict]:
    """The analyst's columns of every exported report (labels in the moderators' language)."""
    ids = [report.id for report in found]
    facts = export_columns.Facts(
        tz=services.settings.tz, today=services.today(), election_day=services.settings.election_day,
        names=await moderation.staff_names_by_id(db, {report.taken_by for report in found if report.taken_by}),
        first_actions=await moderation.first_actions(db, ids), evidence=await evidence.counts_of_reports(db, ids),
        gps=await evidence.gps_counts_of_reports(db, ids), chains=await moderation.steps_of_reports(db, ids))
    t = services.translator(services.settings.moderator_language)
    return {report.id: export_columns.extra(t, report, facts) for report in found}


async def export(services, filters: moderation.Filters, kind: str,
                 keep: Callable[[list[Report]], Awaitable[list[Report]]] | None = None) -> Made:
    """The reports ``filters`` match as a ``kind`` file (one of FORMATS); ``keep``, when given,
    narrows them further by what storage cannot select (the dashboard's deadline filter)."""
    db = await services.db()
    found = await moderation.find(db, filters, limit=EXPORT_LIMIT)
    if keep is not None:
        found = await keep(found)
    extras = await export_extras(services, db, found)
    data = await asyncio.to_thread(_WRITERS[kind], found, extras)
    return Made(data, f"reports-{clock.now().strftime('%Y%m%d-%H%M')}.{kind}", len(found))


async def record_export(services, actor: str, kind: str, made: Made, described: str) -> None:
    """On the record: what left the bot, by whom, under which filters (codes and dates)."""
    await moderation.record(await services.db(), None, actor, "export",
                            f"{kind}, {made.count} reports, {described or 'all'}")


async def bundle(services, report: Report) -> Made:
    """One report's evidence as a ZIP for lawyers (services.exports.evidence_bundle)."""
    records = await evidence.of_report(await services.db(), report.id)
    # Decrypting and zipping up to twenty files is disk and CPU work: off the event loop.
    data = await asyncio.to_thread(
        evidence_bundle, report, records, lambda path: read(services.settings.data_dir, path, services.keys),
        exported_at=clock.utcnow())
    return Made(data, f"{report.reference}-evidence.zip", len(records))


async def record_bundle(services, actor: str, report: Report, made: Made) -> None:
    await moderation.record(await services.db(), report.id, actor, "bundle", f"{made.count} files")
