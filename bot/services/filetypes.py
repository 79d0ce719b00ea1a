"""Checking that a file's bytes are what its claimed type says (magic numbers)."""

from __future__ import annotations

_SIGNATURES: dict[str, tuple[tuple[int, bytes], ...]] = {
    "image/jpeg": ((0, b"\xff\xd8\xff"),),
    "image/png": ((0, b"\x89PNG\r\n\x1a\n"),),
    "image/gif": ((0, b"GIF87a"), (0, b"GIF89a")),
    "image/webp": ((8, b"WEBP"),),
    "application/pdf": ((0, b"%PDF-"),),
    "video/mp4": ((4, b"ftyp"),),
    "video/quicktime": ((4, b"ftyp"), (4, b"moov"), (4, b"wide"), (4, b"mdat")),
    "audio/ogg": ((0, b"OggS"),),
    "audio/mpeg": ((0, b"ID3"), (0, b"\xff\xfb"), (0, b"\xff\xf3"), (0, b"\xff\xf2")),
    # Office Open XML and OpenDocument files are ZIP archives (bot/services/file_metadata.py
    # reads their authors entry by entry from the first local header).
    **{zipped: ((0, b"PK\x03\x04"),) for zipped in (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet")},
}


def content_matches(mime_type: str | None, data: bytes) -> bool:
    """False only when we know the type's signature and the bytes do not carry it."""
    signatures = _SIGNATURES.get((mime_type or "").lower())
    if not signatures:
        return True
    return any(data[offset:offset + len(magic)] == magic for offset, magic in signatures)


# Files a browser or a viewer would run rather than show: kept byte-exact as evidence, never
# drawn, never posted to moderators' chats (they reach lawyers only inside /bundle's ZIP).
ACTIVE_TYPES = frozenset({"image/svg+xml", "text/html", "application/xhtml+xml"})
_MARKUP = (b"<svg", b"<html", b"<!doctype html", b"<script", b"<?xml", b"<iframe", b"<body")
MARKUP_SNIFF = 1024  # how far into a file markup is looked for


def looks_like_markup(head: bytes) -> bool:
    """Whether the start of a file is HTML, SVG or XML, whatever its claimed type."""
    text = head[:MARKUP_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(tag in text for tag in _MARKUP)


def is_active(mime_type: str | None) -> bool:
    """Whether a viewer would run a file of this type (SVG, HTML) rather than show it."""
    return (mime_type or "").lower() in ACTIVE_TYPES
