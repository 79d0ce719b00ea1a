"""The tally as files a lawyer or a journalist can use: CSV (a row per precinct and line, turnout
by the hour too) and JSON (the country, the regions and every precinct's record with the copies
each figure rests on), codes beside labels; each put on the audit log as the reports' exports are."""

from __future__ import annotations

import asyncio
import csv
import io
import json

from domain import clock
from domain.counts import TURNOUT_HOURS
from services.discrepancies import label
from services.i18n import Translator
from services.report_files import Made
from services.tally import COUNTRY, PrecinctRecord, Sums, Tally
from storage import moderation
from storage.db import Database

FORMATS = ("csv", "json")
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}
CSV_COLUMNS = ("region", "region_name", "precinct", "line", "line_name", "observers", "official", "difference",
               "beyond_threshold", "conflict", "confirmed_by", "values", "copies")
# "values": each value the copies give with the copies giving it, where they differ; "copies":
# the precinct's copies (where they agree, each gives the observers' figure).
TURNOUT_LINE = "turnout_{hour}"


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(cell: str) -> str:
    """A name set by an administrator (a candidate's) as a spreadsheet shows it: never a formula."""
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell


def _values(figure) -> str:
    """Each value the copies give, with the copies giving it: "702: KZ-000001 KZ-000002 | 2702: KZ-000003"."""
    return " | ".join(f"{value}: {' '.join(references)}" for value, references in sorted(figure.values.items()))


def tally_csv(tally: Tally, t: Translator, names: dict[str, str]) -> bytes:
    """UTF-8 CSV with a BOM (Excel reads Cyrillic), header row CSV_COLUMNS; empty cells for what
    one side lacks. Every cell is a code, a number, a name we set or references: nothing typed
    by a reporter."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for (region, precinct), record in sorted(tally.precincts.items(), key=_order):
        region_name = t.text(f"region.{region}")
        copies = " ".join(copy.reference for copy in record.copies)
        for line in tally.lines:
            figure = record.figures.get(line)
            if figure is None:
                continue
            difference = figure.difference
            writer.writerow((region, region_name, precinct, line, _text(label(t, line, names)), _cell(figure.agreed),
                             _cell(figure.official), _cell(difference),
                             int(difference is not None and abs(difference) > tally.threshold), int(figure.conflict),
                             figure.confirmed.reference if figure.confirmed else "",
                             _values(figure) if len(figure.values) > 1 else "", copies))
        for hour in TURNOUT_HOURS:
            observed, official = record.turnout.get(hour), record.turnout_official.get(hour)
            if observed is None and official is None:
                continue
            difference = official - observed if observed is not None and official is not None else None
            writer.writerow((region, region_name, precinct, TURNOUT_LINE.format(hour=hour),
                             t.text(f"tally.hour.{hour}"), _cell(observed), _cell(official), _cell(difference), "", "",
                             "", "", ""))
    return buffer.getvalue().encode("utf-8-sig")


def _order(item) -> tuple[str, int]:
    (region, precinct), _ = item
    return region, int(precinct) if precinct.isdigit() else 0


def _cell(value: int | None) -> str | int:
    return "" if value is None else value


def _sums(sums: Sums) -> dict:
    return {"official_precincts": sums.official_precincts, "observed_precincts": sums.observed_precincts,
            "covered": sums.covered, "coverage": sums.coverage, "conflicts": sums.conflicts,
            "discrepant": sums.discrepant,
            "lines": {line: {"observers": pair[0], "official": pair[1], "difference": pair[1] - pair[0]}
                      for line, pair in sums.lines.items()},
            "turnout": {hour: {"observers": row[0], "official": row[1], "precincts": row[2]}
                        for hour, row in sums.turnout.items()}}


def _record(record: PrecinctRecord, threshold: int) -> dict:
    return {
        "region": record.region, "precinct": record.precinct, "in_official_file": record.in_official,
        "copies": [{"reference": copy.reference, "copy": copy.copy_state} for copy in record.copies],
        # Each line; where the copies differ, each value with the copies giving it (where they
        # agree, every copy of the precinct gives the observers' figure).
        "figures": [{"line": figure.line, "observers": figure.agreed, "official": figure.official,
                     "difference": figure.difference,
                     "beyond_threshold": figure.difference is not None and abs(figure.difference) > threshold,
                     "conflict": figure.conflict,
                     **({"values": [{"value": value, "copies": references} for value, references in
                                    sorted(figure.values.items())]} if len(figure.values) > 1 else {}),
                     "confirmed_by": figure.confirmed.reference if figure.confirmed else None}
                    for figure in record.figures.values()],
        "turnout": {hour: {"observers": record.turnout.get(hour), "official": record.turnout_official.get(hour)}
                    for hour in TURNOUT_HOURS if hour in record.turnout or hour in record.turnout_official},
    }


def tally_json(tally: Tally, t: Translator, names: dict[str, str]) -> bytes:
    """UTF-8 JSON: when, the threshold, the lines with their names, the country's and each
    region's sums, and every precinct's record."""
    document = {
        "exported_at": clock.utcnow(), "threshold": tally.threshold,
        "lines": {line: label(t, line, names) for line in tally.lines},
        "country": _sums(tally.regions[COUNTRY]),
        "regions": {region: _sums(sums) for region, sums in sorted(tally.regions.items()) if region != COUNTRY},
        "precincts": [_record(record, tally.threshold) for _, record in sorted(tally.precincts.items(), key=_order)],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


async def made(tally: Tally, kind: str, t: Translator, names: dict[str, str]) -> Made:
    """The tally as a file (10,000 precincts: some megabytes, written off the event loop)."""
    data = await asyncio.to_thread(tally_csv if kind == "csv" else tally_json, tally, t, names)
    return Made(data, f"tally-{clock.now().strftime('%Y%m%d-%H%M')}.{kind}", len(tally.precincts))


async def record(db: Database, actor: str, kind: str, file: Made) -> None:
    """On the record: the tally left the bot, by whom, how many precincts."""
    await moderation.record(db, None, actor, "export", f"tally {kind}, {file.count} precincts")
