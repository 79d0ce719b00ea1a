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
}


def content_matches(mime_type: str | None, data: bytes) -> bool:
    """False only when we know the type's signature and the bytes do not carry it."""
    signatures = _SIGNATURES.get((mime_type or "").lower())
    if not signatures:
        return True
    return any(data[offset:offset + len(magic)] == magic for offset, magic in signatures)
