"""What of each evidence file goes to the moderators' chats, decided in one place: a clean
preview; the original only when its own metadata was read whole and holds nothing that may
identify the reporter (a location, the device, a serial, an author); otherwise a line saying
why it is not posted and where it is (the dashboard, /bundle). Never SVG or HTML."""

from __future__ import annotations

from typing import Literal

from services import evidence_labels as labels
from services.filetypes import is_active
from services.i18n import Html, Translator
from storage.models import EvidenceRecord

Posting = Literal["nothing", "preview", "original", "line"]


def how_posted(record: EvidenceRecord) -> Posting:
    """How ``record`` reaches a moderators' chat."""
    if is_active(record.mime_type):
        return "nothing"  # a viewer would run it; lawyers get it from /bundle
    if record.preview_path:
        return "preview"
    if record.too_big or not record.stored_path:
        return "line"  # never downloaded: nothing of it was read
    if labels.metadata_unread(record) or labels.identifying(record):
        return "line"
    return "original"


def line(t: Translator, name: str, record: EvidenceRecord) -> Html:
    """The line that stands for a file not posted as received: why, and where it is."""
    if record.too_big or not record.stored_path:
        return t("mod.evidence.withheld_too_big", name=name)
    found = labels.found_text(t, record)
    why = t("mod.evidence.why_holds", found=found) if found else labels.unread_text(t, record)
    return t("mod.evidence.withheld", name=name, why=why)


def unread_and_withheld(record: EvidenceRecord) -> bool:
    """A file kept from the chat because what its own data holds is not known (the card flags it)."""
    return how_posted(record) == "line" and not labels.identifying(record) and labels.metadata_unread(record)
