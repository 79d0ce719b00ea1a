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
    # Office Open XML and OpenDocument files are ZIP archives (services/file_metadata.py
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


# What a browser may be given to show or play, by the file's own first bytes (never by the type
# its sender claimed): pictures, video and sound. Anything else is served as a download of bytes.
_PLAYABLE: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg"), (0, b"\x89PNG\r\n\x1a\n", "image/png"), (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"), (8, b"WEBP", "image/webp"), (0, b"OggS", "audio/ogg"),
    (0, b"\x1aE\xdf\xa3", "video/webm"), (0, b"ID3", "audio/mpeg"), (0, b"\xff\xfb", "audio/mpeg"),
    (0, b"\xff\xf3", "audio/mpeg"), (0, b"\xff\xf2", "audio/mpeg"), (4, b"ftypM4A", "audio/mp4"),
    (4, b"ftypqt", "video/quicktime"), (4, b"ftyp", "video/mp4"),
)
BINARY = "application/octet-stream"


def sniff(head: bytes) -> str | None:
    """The picture, video or sound type a file's first bytes show; None for anything else."""
    for offset, magic, mime_type in _PLAYABLE:
        if head[offset:offset + len(magic)] == magic:
            return mime_type
    return None


def is_markup(head: bytes) -> bool:
    """Whether a file is markup a browser would run: it looks like markup and is not a picture,
    video or sound by its own signature (a JPEG whose EXIF holds ``<script`` is a JPEG)."""
    return sniff(head) is None and looks_like_markup(head)
