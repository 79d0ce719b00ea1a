"""A file's name is never stored or shown, and what its own data gives away is.

End to end: a reporter sends a PDF named after herself (with an author in its document info),
a JPEG as a file (GPS, camera), a named video and a named PDF too big to download. The name, her
ID number and her surname are then nowhere: not in the database or its log, not in anything the
bot sent to Telegram (texts, captions, file names), the /bundle ZIP, the exports, the complaint
drafts, the dashboard or the logs. Every file goes by its neutral name (KZ-000001-2.jpg);
moderators are warned of the GPS position, the device and the author; the reporter was told once
that files keep such data. Then the old names are gone from a database that had them, and the
readers of document metadata are checked on their own.
"""

from __future__ import annotations

from services.i18n import Translator

import io
import time
import json
import logging
import sqlite3
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image

from bot.logs import LIBRARIES
from services.evidence_labels import extension, neutral_name
from services.file_metadata import names_an_author
from services.i18n import Html, Translator
from services import media
from storage.db import Database
from storage.models import EvidenceRecord
from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.harness import make_settings
from tests.report_helpers import L, db_rows, docx_text, finish_and_send, jpeg, mp4, up_to_evidence
from tests.test_dashboard import base, client, link_for, sign_in

ADMIN = 1001
GROUP = {"id": -100795, "type": "supergroup", "title": "Moderators"}
DESCRIPTION = "Директор школы велел всем учителям сфотографировать бюллетень и прислать ему."
NAME = "Ivanova_Olga_IIN_850101400123"
SECRETS = (NAME, "850101400123", "ivanova")  # matched without regard to case
AUTHOR = "Sarsenova Dana"  # the PDF's author: flagged, never stored or shown
PDF_STAMP = time.gmtime(1_796_040_000)  # 2026-11-30, fixed: Pillow writes a struct_time as a PDF date
MP4 = mp4(bytes(2000))


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"], web_port=0)


def pdf(author: str | None) -> bytes:
    """The same bytes at every call: Pillow stamps the current second unless told the dates, and a
    test that compares the file sent with a second call's bytes failed when a second ticked."""
    out = io.BytesIO()
    stamp = {"creationDate": PDF_STAMP, "modDate": PDF_STAMP}
    Image.new("RGB", (20, 20), (255, 255, 255)).save(out, format="PDF", **stamp, **({"author": author} if author else {}))
    return out.getvalue()


def leaks(blob: bytes | str, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    text = (blob if isinstance(blob, bytes) else blob.encode("utf-8")).lower()
    return [secret for secret in secrets if secret.lower().encode("utf-8") in text]


def ru(key: str, **params) -> str:
    return L("ru", key, **params)


def warning(name: str, *found: str) -> str:
    t = Translator("ru")
    return parse_html(t("mod.evidence.identifying", name=name, found=Html(", ".join(found))))


async def test_no_sender_file_name_anywhere_and_the_metadata_is_flagged(app, fake, user_factory, data_dir, caplog):
    caplog.set_level(logging.DEBUG)  # the bot's own loggers at their most talkative...
    for library in LIBRARIES:  # ...and the libraries as the bot sets them (they print whole updates)
        caplog.set_level(logging.WARNING, logger=library)
    reporter = user_factory("ru", first_name="Ольга")
    group = FakeUser(fake, ADMIN, chat=GROUP)
    admin = FakeUser(fake, ADMIN)
    await up_to_evidence(reporter, "ru", DESCRIPTION)
    photo = jpeg(make="Google", camera="Pixel 7", gps=True)
    sent_pdf = pdf(AUTHOR)  # its creation time is in it, to the second: the bytes sent, kept
    await reporter.document(sent_pdf, f"{NAME}.pdf", "application/pdf")
    await reporter.replies(1)
    await reporter.document(photo, f"{NAME}.jpg", "image/jpeg")
    await reporter.replies(1)
    await reporter.document(b"%PDF-1.4 never downloaded", f"{NAME}_scan.pdf", "application/pdf",
                            size=25 * 1024 * 1024)
    await reporter.replies(1)
    await reporter.media("video", MP4, "video/mp4", file_name=f"{NAME}.mp4")
    await reporter.replies(1)
    senders_files = set(fake.files)
    reference = await finish_and_send(reporter, "ru")

    # The reporter was told once, before sending anything, that files keep their own data: at the
    # description, the first step that takes files.
    note = ru("wizard.evidence_metadata_note")
    texts = [(e.message["message_id"], e.message.get("text", "")) for e in reporter.events]
    told = {message_id for message_id, text in texts if note in text}  # its buttons taken off is an edit
    first_file = next(message_id for message_id, text in texts
                      if text.startswith(parse_html(Translator("ru").plural("wizard.files_attached", 1, max=20))))
    assert len(told) == 1 and min(told) < first_file, (told, first_file)
    assert ru("wizard.ask_description", min=20, max=Translator("ru").number(10_000), files=20, note=note) in dict(texts)[min(told)]

    # The moderators' chat: the card, the photo's clean preview and the video (its metadata read
    # and clean; uploaded under its neutral name) in one album; a line for the PDF, whose author
    # keeps it from being posted as received; and one for the file too big to download, which
    # was never looked into (and by file_id would show the sender's name).
    card, preview, video, document, withheld = await group.replies(5)
    assert reference in card.message["text"]
    gps, device = ru("mod.evidence.identifying_gps"), ru("mod.evidence.identifying_device", model="Google Pixel 7")
    assert preview.message["caption"] == f"{reference}\n{warning(f'{reference}-2.jpg', gps, device)}"
    assert video.message["video"]["file_name"] == f"{reference}-4.mp4" and "caption" not in video.message
    assert fake.files[video.message["video"]["file_id"]].data == MP4
    t = Translator("ru")
    assert document.message["text"] == parse_html(t(
        "mod.evidence.withheld", name=f"{reference}-1.pdf",
        why=t("mod.evidence.why_holds", found=t("mod.evidence.identifying_author"))))
    assert "document" not in document.message
    assert withheld.message["text"] == ru("mod.evidence.withheld_too_big", name=f"{reference}-3.pdf")

    # What is stored: no name, the flags.
    rows = db_rows(data_dir, "SELECT file_name, sender_named, had_gps, camera_model, had_author, metadata"
                             " FROM evidence ORDER BY id")
    assert [tuple(row) for row in rows] == [
        (None, 1, None, None, 1, "read"), (None, 1, 1, "Google Pixel 7", 0, "read"), (None, 1, None, None, None, None),
        (None, 1, 0, None, 0, "read")]

    # /view shows the same evidence with the same warnings; /bundle, the exports, the complaints.
    shown = await admin.say(f"/view {reference}", n=6)  # the card, its history, then the evidence
    assert [e.message.get("caption") or e.message.get("text") for e in shown[2:6]] == [
        preview.message["caption"], None, document.message["text"], withheld.message["text"]]
    await admin.say(f"/bundle {reference}")
    await admin.say("/export csv")
    await admin.say("/export json")
    for step in (f"/take {reference}", f"/verify {reference}", f"/escalate {reference} media"):
        await admin.say(step)
    await admin.say(f"/complaint {reference} ru")
    await admin.say(f"/escalate {reference} court")
    await admin.say(f"/complaint {reference} kk")
    uploaded = {file_id: fake.files[file_id] for file_id in set(fake.files) - senders_files}
    by_name = {f.file_name: f for f in uploaded.values() if f.file_name}
    bundle = zipfile.ZipFile(io.BytesIO(by_name[f"{reference}-evidence.zip"].data))
    assert sorted(bundle.namelist()) == sorted([f"evidence/{reference}-{n}" for n in ("1.pdf", "2.jpg", "4.mp4")]
                                               + ["report.json", "manifest.json", "README.txt"])
    manifest = json.loads(bundle.read("manifest.json"))
    assert [e["identifying_metadata"] for e in manifest["evidence"]] == [["author"], ["gps", "device"], [], []]
    complaints = [docx_text(f.data) for name, f in by_name.items() if "-complaint-" in name]
    assert len(complaints) == 2 and all(f"{reference}-2.jpg" in text for text in complaints)

    # The dashboard: the same names and warnings, the download named neutrally.
    await admin.say("/start")
    async with client() as browser:
        assert (await sign_in(browser, await link_for(admin))).status == 303
        async with browser.get(f"{base(app)}/report/{reference}") as page:
            html = await page.text()
        assert page.status == 200 and f"{reference}-3.pdf" in html
        assert ru("mod.evidence.identifying_author") in html and "Google Pixel 7" in html
        downloads = []
        for (evidence_id,) in db_rows(data_dir, "SELECT id FROM evidence WHERE stored_path IS NOT NULL ORDER BY id"):
            async with browser.get(f"{base(app)}/evidence/{evidence_id}/original") as original:
                downloads.append((original.headers["Content-Disposition"], await original.read()))
    assert [disposition for disposition, _ in downloads] == [
        f'attachment; filename="{reference}-{n}"' for n in ("1.pdf", "2.jpg", "4.mp4")]

    # Nowhere: the name, the ID number, the surname. The author's name only inside the original
    # files themselves (byte-exact evidence), never in what the bot wrote.
    everything_written = [html, *(json.dumps(call.params, ensure_ascii=False) for call in fake.calls),
                          *(json.dumps(event.message, ensure_ascii=False) for event in fake.events if event.message),
                          *(f.file_name or "" for f in uploaded.values()), *complaints,
                          "\n".join(bundle.namelist()),
                          *(bundle.read(name) for name in ("report.json", "manifest.json", "README.txt")),
                          *(record.getMessage() for record in caplog.records)]
    everything_written += [f.data for f in uploaded.values() if f.file_name and f.file_name.startswith("reports-")]
    for blob in everything_written:
        assert not leaks(blob, (*SECRETS, AUTHOR)), leaks(blob, (*SECRETS, AUTHOR))
    originals = [*(bundle.read(name) for name in bundle.namelist()), *(data for _, data in downloads),
                 *(f.data for f in uploaded.values())]
    for blob in originals:
        assert not leaks(blob), leaks(blob)
    for path in sorted(Path(data_dir).rglob("*")):
        if path.is_file():  # the database, its log, evidence and previews (encrypted)
            assert not leaks(path.read_bytes(), (*SECRETS, AUTHOR)), path
    assert fake.refused == []


async def test_the_names_an_older_database_holds_are_gone_after_migration(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = await Database.open(path, upto=13)
    async with old.transaction() as conn:
        await conn.execute(
            "INSERT INTO reports (id, reference, reporter_id, reporter_role, category, region, occurred_at,"
            " description, submitted_at, submission_key) VALUES (1, 'KZ-000001', NULL, 'voter', 'pressure',"
            " 'astana', '2026-01-01', 'Директор требует голосовать.', '2026-01-01', 'k1')")
        for number, name in enumerate((f"{NAME}.pdf", None, f"{NAME}.jpg"), start=1):
            await conn.execute(
                "INSERT INTO evidence (report_id, kind, file_id, file_unique_id, file_name, received_at)"
                " VALUES (1, 'document', ?, ?, ?, '2026-01-01')", (f"F{number}", f"U{number}", name))
    await old.close()
    assert leaks(path.read_bytes())  # the old version kept them

    upgraded = await Database.open(path, upto=14)
    rows = await upgraded.fetchall("SELECT file_name, sender_named, had_author FROM evidence ORDER BY id")
    assert [tuple(row) for row in rows] == [(None, 1, None), (None, 0, None), (None, 1, None)]
    await upgraded.close()
    for leftover in tmp_path.iterdir():  # the database, and its log if one is left
        assert not leaks(leftover.read_bytes()), leftover.name


# ---- the readers, file by file -------------------------------------------------------------------


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


CORE = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">{}</cp:coreProperties>')
META = ('<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<office:meta>{}</office:meta></office:document-meta>')
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


class _Pipe(io.RawIOBase):
    """An output that cannot seek: zipfile then writes each entry's sizes after it."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.data += data
        return len(data)


def office(metadata_name: str, metadata: str, *, streamed: bool = False) -> bytes:
    out = _Pipe() if streamed else io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + "слово " * 50_000 + "</w:document>")
        archive.writestr("word/media/image1.png", bytes(range(256)) * 1000, compress_type=zipfile.ZIP_STORED)
        archive.writestr(metadata_name, metadata)
    return bytes(out.data) if streamed else out.getvalue()


@pytest.mark.parametrize("size", [1, 5, 4096, 10**7])
def test_a_pdfs_author_is_found_in_its_info_its_object_streams_and_its_xmp(size):
    assert names_an_author("application/pdf", pieces(pdf(AUTHOR), size)) is True
    assert names_an_author("application/pdf", pieces(pdf(None), size)) is False
    packed = zlib.compress(b"7 0 <</Author(Sarsenova)/Producer(Word)>>")
    in_stream = (b"%PDF-1.5\n1 0 obj\n<</Type/ObjStm/N 1/First 4/Filter/FlateDecode>>\nstream\r\n" + packed
                 + b"\nendstream\nendobj\n")
    assert names_an_author("application/pdf", pieces(in_stream, size)) is True
    xmp = zlib.compress(b"<dc:creator><rdf:Seq><rdf:li>Dana</rdf:li></rdf:Seq></dc:creator>")
    with_xmp = b"%PDF-1.5\n3 0 obj\n<</Type/Metadata/Subtype/XML/Filter/FlateDecode>>\nstream\n" + xmp + b"\nendstream\n"
    assert names_an_author("application/pdf", pieces(with_xmp, size)) is True
    # A producer or an empty author names nobody.
    for nobody in (b"<</Producer(Dana's Word)/Author()>>", b"<</Author <FEFF>>>",
                   b"<x:xmpmeta><dc:creator><rdf:Seq><rdf:li/></rdf:Seq></dc:creator><pdf:Producer>X</pdf:Producer>"):
        assert names_an_author("application/pdf", pieces(b"%PDF-1.4\n" + nobody, size)) is False


@pytest.mark.parametrize("streamed", [False, True], ids=["sizes in headers", "sizes after entries"])
def test_office_and_opendocument_authors(streamed):
    def found(name: str, metadata: str, mime: str = DOCX) -> bool | None:
        return names_an_author(mime, pieces(office(name, metadata, streamed=streamed), 65536))

    assert found("docProps/core.xml", CORE.format("<dc:creator>Dana</dc:creator>")) is True
    assert found("docProps/core.xml", CORE.format("<cp:lastModifiedBy>Dana</cp:lastModifiedBy>")) is True
    assert found("docProps/core.xml", CORE.format("<dc:creator> </dc:creator><dc:title>Dana</dc:title>")) is False
    assert found("meta.xml", META.format("<meta:initial-creator>Dana</meta:initial-creator>"), ODT) is True
    assert found("meta.xml", META.format("<dc:creator>Dana</dc:creator>"), ODT) is True
    assert found("meta.xml", META.format("<meta:generator>LibreOffice</meta:generator>"), ODT) is False
    assert found("docProps/app.xml", "<Properties/>") is None  # no metadata to read: not known


def test_broken_or_hostile_documents_are_not_known_rather_than_an_error():
    assert names_an_author(DOCX, [b"PK\x03\x04 cut short"]) is None
    assert names_an_author(DOCX, [b"not a zip at all"]) is None
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("docProps/core.xml", b"<a>" + b" " * (300 * 1024 * 1024) + b"</a>")
    assert names_an_author(DOCX, pieces(bomb.getvalue(), 65536)) is None
    assert names_an_author("text/plain", [b"/Author (Dana)"]) is None  # not a type we read


def test_an_images_author_is_flagged_never_kept():
    exif = Image.Exif()
    exif[315] = AUTHOR  # Artist
    out = io.BytesIO()
    Image.new("RGB", (40, 30)).save(out, format="JPEG", exif=exif)
    facts = media.inspect_image(out.getvalue())
    assert facts.had_author is True and AUTHOR not in repr(facts)
    assert media.inspect_image(jpeg()).had_author is False


def test_the_neutral_name():
    def record(kind: str, mime: str | None) -> EvidenceRecord:
        return EvidenceRecord(kind=kind, file_id="F", file_unique_id="U", mime_type=mime, received_at="2026-01-01")

    assert neutral_name("KZ-000123", 2, record("document", "application/pdf")) == "KZ-000123-2.pdf"
    assert extension(record("photo", None)) == "jpg" and extension(record("voice", "audio/ogg; codecs=opus")) == "ogg"
    assert extension(record("document", "application/x-msdownload")) == "bin"
    assert extension(record("document", ODT)) == "odt"
