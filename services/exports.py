"""Exports for moderators and lawyers: reports as CSV, JSON or XLSX, and one report's evidence as a
ZIP whose manifest lets anyone check each file against the hash taken at receipt."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime, timezone
from typing import Any, Callable

import xlsxwriter

from services.evidence_labels import identifying, numbered
from services.export_columns import EXTRA_FIELDS, flat_cell
from storage.crypto import FileUnreadable
from domain.clock import utcnow
from storage.models import EvidenceRecord, Report

# Every field of a report is exported (a new one too), in the model's order after these four,
# except reporter identity, submission keys and moderator bookkeeping: an export leaves the
# bot's protection, and none of those help a lawyer. Nor the report's kind: these exports hold
# violations only (an observer's counts go out with the tally).
_FIRST = ("reference", "status", "submitted_at", "occurred_at")
NOT_EXPORTED = frozenset({"id", "reporter_id", "submission_key", "receipt_hash", "taken_by", "status_changed_at",
                          "moderator_message_id", "alerted_at", "deadline_reminded", "kind"})
EXPORT_FIELDS: tuple[str, ...] = _FIRST + tuple(
    name for name in Report.model_fields if name not in NOT_EXPORTED and name not in _FIRST)

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_README = """\
Evidence bundle for report {reference}, exported {exported_at} (UTC).

report.json    the report as filed and its current status
manifest.json  one entry per evidence file, with the SHA-256 hash taken when the bot received it
evidence/      the original files, byte for byte as Telegram delivered them

How to verify: compute the SHA-256 of each file and compare it with "sha256" for that file in
manifest.json. They must be equal.
  Linux:   sha256sum evidence/*
  macOS:   shasum -a 256 evidence/*
  Windows: certutil -hashfile evidence\\{reference}-1.jpg SHA256
An entry with "in_bundle": false has no file here: it was too big to download ("too_big") or
could not be read from storage ("error"). "matches": false means the file differs from what was
received and must not be relied on.

Files are named {reference}-<number>.<type>, never by the names their senders gave them. An entry
whose "identifying_metadata" is not empty holds, inside the file itself, a GPS position ("gps"),
the camera or phone model ("device") or an author's name ("author"): it may identify the
reporter. Do not publish or pass on such a file as it is.

---

Пакет доказательств по сообщению {reference}, выгружен {exported_at} (UTC).

report.json    сообщение в том виде, в каком оно было подано, и его текущий статус
manifest.json  по записи на каждый файл, с хешем SHA-256, вычисленным при получении ботом
evidence/      исходные файлы, байт в байт как их передал Telegram

Как проверить: вычислите SHA-256 каждого файла и сравните со значением "sha256" для этого файла
в manifest.json. Они должны совпадать.
  Linux:   sha256sum evidence/*
  macOS:   shasum -a 256 evidence/*
  Windows: certutil -hashfile evidence\\{reference}-1.jpg SHA256
Запись с "in_bundle": false не имеет файла в пакете: он был слишком большим для загрузки
("too_big") или не читается из хранилища ("error"). "matches": false означает, что файл
отличается от полученного, и полагаться на него нельзя.

Файлы названы {reference}-<номер>.<тип>, а не так, как их назвали отправители. Если у записи
"identifying_metadata" не пусто, в самом файле есть GPS-координаты ("gps"), модель камеры или
телефона ("device") или имя автора ("author"): по ним можно узнать автора сообщения. Не
публикуйте и не передавайте такой файл в исходном виде.
"""


def reports_csv(reports: list[Report], extras: dict[int, dict[str, Any]] | None = None) -> bytes:
    """UTF-8 CSV with a BOM (Excel opens Cyrillic correctly), header row = EXPORT_FIELDS, then
    EXTRA_FIELDS when ``extras`` (by report id, services.export_columns) are given: the
    deadlines and every escalation step in one cell each.

    Booleans are written 1/0, missing values as empty cells. A text cell starting with =, +, -,
    @, tab or carriage return gets a leading apostrophe, so a spreadsheet shows it as text
    instead of running it as a formula (reporters write the descriptions: CSV injection).
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS + (EXTRA_FIELDS if extras is not None else ()))
    for report in reports:
        row = list(_row(report).values())
        if extras is not None:
            more = extras.get(report.id, {})
            row += [flat_cell(name, more.get(name)) for name in EXTRA_FIELDS]
        writer.writerow(_csv_cell(value) for value in row)
    return buffer.getvalue().encode("utf-8-sig")


def reports_json(reports: list[Report], extras: dict[int, dict[str, Any]] | None = None) -> bytes:
    """UTF-8 JSON: {"exported_at": ISO-8601 UTC, "count": n, "reports": [ {field: value} ]},
    ensure_ascii=False, indent=2; with ``extras``, each report also holds EXTRA_FIELDS (the
    running deadlines and the escalation steps as lists)."""
    rows = [_row(report) | ({name: extras.get(report.id, {}).get(name) for name in EXTRA_FIELDS}
                            if extras is not None else {}) for report in reports]
    document = {"exported_at": utcnow(), "count": len(reports), "reports": rows}
    return _json(document)


def reports_xlsx(reports: list[Report], extras: dict[int, dict[str, Any]] | None = None) -> bytes:
    """The CSV's table as an Excel workbook (one sheet, a frozen header row): every text written
    as a string cell, so nothing a reporter wrote is ever read as a formula; numbers as numbers,
    booleans 1/0, missing values empty."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    sheet = book.add_worksheet("reports")
    header = EXPORT_FIELDS + (EXTRA_FIELDS if extras is not None else ())
    bold = book.add_format({"bold": True})
    for column, name in enumerate(header):
        sheet.write_string(0, column, name, bold)
    sheet.freeze_panes(1, 0)
    for line, report in enumerate(reports, start=1):
        row = list(_row(report).values())
        if extras is not None:
            more = extras.get(report.id, {})
            row += [flat_cell(name, more.get(name)) for name in EXTRA_FIELDS]
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_number(line, column, int(value))
            elif isinstance(value, (int, float)):
                sheet.write_number(line, column, value)
            else:
                sheet.write_string(line, column, str(value))
    book.close()
    return buffer.getvalue()


def evidence_bundle(report: Report, records: list[EvidenceRecord], open_file: Callable[[str], bytes],
                    *, exported_at: str) -> bytes:
    """A ZIP for lawyers: report.json, every original file byte-exact under its neutral name
    (``evidence/KZ-000123-1.jpg``, never the sender's), manifest.json with the hash recorded at
    receipt next to the hash of the file as written here and what in the file's own data may
    identify the reporter, and README.txt (English, Russian) on how to verify.

    ``open_file(stored_path)`` returns a decrypted original; a file it cannot give is listed in
    the manifest with "in_bundle": false and an "error", and the bundle is made all the same.
    The same inputs give the same bytes: entry times are ``exported_at``.
    """
    stamp = _zip_time(exported_at)
    buffer = io.BytesIO()
    entries = []
    with zipfile.ZipFile(buffer, "w") as bundle:
        for number, (neutral, record) in enumerate(numbered(report.reference, records), start=1):
            name = f"evidence/{neutral}"
            data, error = _original(record, open_file)
            if data is not None:
                _write(bundle, name, data, stamp, zipfile.ZIP_STORED)  # media is compressed already
            entries.append(_manifest_entry(number, record, name, data, error))
        manifest = {"reference": report.reference, "exported_at": exported_at,
                    "hash_algorithm": "sha256", "evidence": entries}
        _write(bundle, "report.json", _json(_row(report)), stamp, zipfile.ZIP_DEFLATED)
        _write(bundle, "manifest.json", _json(manifest), stamp, zipfile.ZIP_DEFLATED)
        readme = _README.format(reference=report.reference, exported_at=exported_at)
        _write(bundle, "README.txt", readme.encode("utf-8"), stamp, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _row(report: Report) -> dict[str, Any]:
    return {field: getattr(report, field) for field in EXPORT_FIELDS}


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    return str(value)  # numbers: a negative longitude must stay a number, not gain a quote


def _json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _original(record: EvidenceRecord, open_file: Callable[[str], bytes]) -> tuple[bytes | None, str | None]:
    """The original bytes, or None and why they are not in the bundle."""
    if record.too_big:
        return None, None  # known by file_id only: nothing was ever downloaded
    if not record.stored_path:
        return None, "not stored"
    try:
        return open_file(record.stored_path), None
    except FileNotFoundError:
        return None, "missing from storage"
    except FileUnreadable as exc:
        return None, f"unreadable: {exc}"
    except Exception as exc:  # noqa: BLE001 - one bad file must not cost the lawyer the others
        return None, f"could not be read ({type(exc).__name__})"


def _manifest_entry(number: int, record: EvidenceRecord, name: str, data: bytes | None,
                    error: str | None) -> dict[str, Any]:
    in_bundle = data is not None
    actual = hashlib.sha256(data).hexdigest() if in_bundle else None
    return {
        "number": number,
        "file": name if in_bundle else None,
        "in_bundle": in_bundle,
        "kind": record.kind,
        "mime_type": record.mime_type,
        "size": record.size,
        "sha256": record.sha256,
        "sha256_in_bundle": actual,
        "matches": (actual == record.sha256) if in_bundle else None,
        "received_at": record.received_at,
        "file_unique_id": record.file_unique_id,
        "file_id": record.file_id,
        "captured_at": record.captured_at,
        "camera_model": record.camera_model,
        "had_gps": record.had_gps,
        "had_author": record.had_author,
        "identifying_metadata": identifying(record),
        "caption": record.caption,
        "too_big": record.too_big,
        "error": error,
    }


def _zip_time(exported_at: str) -> tuple[int, int, int, int, int, int]:
    moment = datetime.fromisoformat(exported_at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _write(bundle: zipfile.ZipFile, name: str, data: bytes, stamp: tuple[int, ...], method: int) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = method
    info.external_attr = 0o644 << 16  # plain readable file whatever the umask of whoever unzips
    bundle.writestr(info, data)
