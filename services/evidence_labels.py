"""What an evidence file is called and what moderators are warned of about it.

Every file goes by one neutral name wherever it appears (the moderators' chat, /bundle, the
complaint drafts, the dashboard's download): the report's reference, the file's number in the
report and an extension from its detected type, ``KZ-000123-2.pdf``. The name its sender gave it
is never used: it may be their own. The warning lists what the file's own data holds that may
point to the reporter: a GPS position, the device, an author's name.
"""

from __future__ import annotations

from typing import Iterable

from services.i18n import Html, Translator
from storage.models import EvidenceRecord

_EXTENSIONS = {
    "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp", "image/heic": "heic",
    "image/heif": "heif",
    "video/mp4": "mp4", "video/quicktime": "mov", "audio/ogg": "ogg", "audio/mpeg": "mp3",
    "application/pdf": "pdf", "text/plain": "txt", "text/html": "html", "image/svg+xml": "svg",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# Telegram gives no type for some kinds; what it sends them as.
_BY_KIND = {"photo": "jpg", "video": "mp4", "voice": "ogg", "audio": "mp3", "video_note": "mp4"}

# What a file's own data may give away, in the order the warning names them.
GPS, DEVICE, SERIAL, AUTHOR = "gps", "device", "serial", "author"


def extension(record: EvidenceRecord) -> str:
    """From the type we recorded (checked against the bytes at receipt), else from the kind."""
    base = (record.mime_type or "").split(";")[0].strip().lower()
    return _EXTENSIONS.get(base) or _BY_KIND.get(record.kind, "bin")


def neutral_name(reference: str, number: int, record: EvidenceRecord) -> str:
    """``KZ-000123-2.pdf``: the name a file goes by everywhere; ``number`` counts from 1 in the
    order the report's files were received."""
    return f"{reference}-{number}.{extension(record)}"


def numbered(reference: str, records: Iterable[EvidenceRecord]) -> list[tuple[str, EvidenceRecord]]:
    """Each of a report's files (in the order received) with its neutral name."""
    ordered = sorted(records, key=lambda r: (r.id is None, r.id or 0))
    return [(neutral_name(reference, number, record), record) for number, record in enumerate(ordered, start=1)]


def identifying(record: EvidenceRecord) -> list[str]:
    """What the file's own data holds that may identify the reporter (GPS, DEVICE, SERIAL, AUTHOR)."""
    found = [GPS] if record.had_gps else []
    found += [DEVICE] if record.camera_model else []
    found += [SERIAL] if record.had_serial else []
    found += [AUTHOR] if record.had_author else []
    return found


def metadata_unread(record: EvidenceRecord) -> bool:
    """Whether what the file's own data holds is not known (not read whole, or not at all)."""
    return record.metadata != "read"


def found_text(t: Translator, record: EvidenceRecord) -> Html | None:
    """"a GPS position, the device (iPhone 12), an author's name", or None."""
    parts = {GPS: lambda: t("mod.evidence.identifying_gps"),
             DEVICE: lambda: t("mod.evidence.identifying_device", model=record.camera_model),
             SERIAL: lambda: t("mod.evidence.identifying_serial"),
             AUTHOR: lambda: t("mod.evidence.identifying_author")}
    found = [parts[item]() for item in identifying(record)]
    return Html(", ".join(found)) if found else None


def unread_text(t: Translator, record: EvidenceRecord) -> Html:
    """Why a file's own data is not known: past the image worker's budget, or not read."""
    return t("mod.evidence.why_too_large" if record.metadata == "too_large" else "mod.evidence.why_unread")


def warning(t: Translator, name: str, record: EvidenceRecord) -> Html | None:
    """"⚠️ KZ-000123-2.jpg: the file's own data holds a GPS position, the device (iPhone 12), an
    author's name; it may identify the reporter", and a line when that data could not be read
    (a file too large to look inside safely, a damaged one); None when neither."""
    found = found_text(t, record)
    lines = [t("mod.evidence.identifying", name=name, found=found)] if found else []
    if metadata_unread(record) and record.stored_path and not record.too_big:
        lines.append(t("mod.evidence.unread", name=name, why=unread_text(t, record)))
    return Html("\n".join(lines)) if lines else None


CAPTION_SHOWN = 600  # of a reporter's caption under a file in the chat; /view and the dashboard show it all


def caption_line(t: Translator, record: EvidenceRecord, limit: int | None = CAPTION_SHOWN) -> Html | None:
    """What the reporter wrote under the file, escaped, as moderators read it."""
    if not record.caption:
        return None
    text = record.caption if limit is None or len(record.caption) <= limit else record.caption[:limit - 1] + "…"
    return t("mod.evidence.caption", text=text)


def notes(t: Translator, name: str, record: EvidenceRecord) -> Html | None:
    """The warning about the file's own data and the reporter's caption, as one caption part."""
    found = [line for line in (warning(t, name, record), caption_line(t, record)) if line]
    return Html("\n".join(found)) if found else None
