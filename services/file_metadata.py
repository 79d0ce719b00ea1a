"""Whether a document's own data names a person: the author of a PDF (its document info or XMP),
of an Office Open XML file (docProps/core.xml) or of an OpenDocument file (meta.xml).

Read from the decrypted stored file as a stream of pieces, never whole: a PDF's object and
metadata streams and a ZIP's few small metadata entries are inflated within fixed budgets. Only
a yes or no comes out; the name itself is never kept, logged or returned (it may be the
reporter's own).
"""

from __future__ import annotations

import re
import struct
import zlib
from typing import Iterable, Iterator
from xml.etree import ElementTree

PDF_TYPES = frozenset({"application/pdf"})
ZIP_TYPES = frozenset({
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
})

# Budgets that keep a hostile file (a deflate bomb, a PDF of a million object streams) cheap.
_INFLATED_PER_STREAM = 4 * 1024 * 1024
_INFLATED_PER_FILE = 32 * 1024 * 1024
_PIECE = 64 * 1024  # inflated at a time
_OVERLAP = 4096  # kept from one piece to the next, so a token cut in two is still found
_XML_LIMIT = 1024 * 1024  # a core.xml or meta.xml larger than this is not read

# /Author followed by a literal string, a hex string or a reference to one. Whether the value is
# empty is judged from its start; the value itself is never kept.
_PDF_AUTHOR = re.compile(
    rb"/Author\s*(?:\((?P<literal>[^)]{0,64})|<(?P<hex>[0-9A-Fa-f\s]{0,128})>|(?P<ref>\d+\s+\d+\s+R))")
_XMP_CREATOR = re.compile(rb"<dc:creator\b[^>]*>(?P<inner>.{0,4096}?)</dc:creator>", re.S)
_XMP_TEXT = re.compile(rb">\s*[^<\s]")
# "stream" at the start of a stream's data (not the end of "endstream"), then its line break.
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_EMPTY_LITERAL = (b"\xfe\xff", b"\xff\xfe", b"\xef\xbb\xbf", b"\\376\\377", b"\\377\\376", b"\x00")

_DC = "{http://purl.org/dc/elements/1.1/}"
_AUTHOR_ELEMENTS = frozenset({
    f"{_DC}creator",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastModifiedBy",
    "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}initial-creator",
})
_METADATA_ENTRIES = frozenset({"docprops/core.xml", "meta.xml"})


def looks_into(mime_type: str | None) -> bool:
    """Whether this type is one whose author we can read."""
    base = (mime_type or "").split(";")[0].strip().lower()
    return base in PDF_TYPES or base in ZIP_TYPES


def names_an_author(mime_type: str | None, pieces: Iterable[bytes]) -> bool | None:
    """True when the document's own data names an author; None for a type we do not read or a
    file we could not make sense of (a broken ZIP), False when we read it and found none."""
    base = (mime_type or "").split(";")[0].strip().lower()
    if base in PDF_TYPES:
        return _pdf_author(iter(pieces))
    if base in ZIP_TYPES:
        try:
            return _zip_author(PieceReader(pieces))
        except (_Unreadable, zlib.error, struct.error):
            return None
    return None


def xmp_names_a_creator(xmp: bytes) -> bool:
    """Whether XMP metadata (of a PDF, or of a JPEG) has a non-empty ``dc:creator``."""
    return any(_XMP_TEXT.search(match.group("inner")) for match in _XMP_CREATOR.finditer(xmp))


# ---- PDF ------------------------------------------------------------------------------------


def _pdf_author(pieces: Iterator[bytes]) -> bool:
    """Scan the raw bytes, and inflate object streams and XMP metadata streams as they come."""
    budget = [_INFLATED_PER_FILE]
    buffer = b""
    for piece in pieces:
        buffer += piece
        while True:
            found = _STREAM.search(buffer)
            if found is None or (found.end() == len(buffer) and buffer.endswith(b"\r")):
                break  # none yet, or a CR whose LF may come in the next piece
            head, rest = buffer[:found.start()], buffer[found.end():]
            if _pdf_text_names_author(head):
                return True
            if _inflatable(head):
                named, buffer = _inflate_stream(rest, pieces, budget)
                if named:
                    return True
            else:
                buffer = rest
        if _pdf_text_names_author(buffer):
            return True
        buffer = buffer[-_OVERLAP:]
    return False


def _pdf_text_names_author(data: bytes) -> bool:
    for match in _PDF_AUTHOR.finditer(data):
        if match.group("ref"):
            return True  # the value is elsewhere: taken as present
        value = match.group("literal") if match.group("literal") is not None else match.group("hex")
        if value is None:
            continue
        if match.group("hex") is not None:
            value = re.sub(rb"\s", b"", value).upper().removeprefix(b"FEFF")
        for empty in _EMPTY_LITERAL:
            value = value.replace(empty, b"")
        if value.strip():
            return True
    return xmp_names_a_creator(data)


def _inflatable(head: bytes) -> bool:
    """Whether the stream about to start is an object stream or XMP metadata, deflated: the
    dictionary is what follows the last ``obj`` keyword before it."""
    window = head[-1024:]
    start = window.rfind(b"obj")
    dictionary = window[start:] if start >= 0 else window
    return b"/FlateDecode" in dictionary and (b"/ObjStm" in dictionary or b"/Metadata" in dictionary)


def _inflate_stream(data: bytes, pieces: Iterator[bytes], budget: list[int]) -> tuple[bool, bytes]:
    """Inflate one stream starting at ``data``, pulling more pieces as needed. Returns whether it
    names an author, and the bytes after the stream (to scan on). Past the budget, or on a
    broken stream, the rest is scanned raw: nothing found there is lost, only not inflated."""
    inflater = zlib.decompressobj()
    tail = b""
    spent = 0
    while True:
        try:
            while data and not inflater.eof:
                out = inflater.decompress(data, _PIECE)
                data = inflater.unconsumed_tail
                spent += len(out)
                budget[0] -= len(out)
                text = tail + out
                if _pdf_text_names_author(text):
                    return True, b""
                tail = text[-_OVERLAP:]
                if spent > _INFLATED_PER_STREAM or budget[0] <= 0:
                    return False, data
        except zlib.error:
            return False, data
        if inflater.eof:
            return False, inflater.unused_data
        data = next(pieces, b"")
        if not data:
            return False, b""


# ---- ZIP (Office Open XML, OpenDocument) ----------------------------------------------------


class _Unreadable(Exception):
    """The ZIP cannot be followed entry by entry (a stored entry of unknown size, a bad header)."""


class PieceReader:
    """Exact reads and skips over a stream of pieces, holding at most a piece and what was asked
    for; ``position`` counts the bytes taken (the ZIP walk here, the media boxes in
    services.embedded_metadata)."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces: Iterator[bytes] = iter(pieces)
        self._buffer = b""
        self.position = 0

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            piece = next(self._pieces, b"")
            if not piece:
                break
            self._buffer += piece
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        self.position += len(out)
        return out

    def skip(self, size: int) -> bool:
        """False when the stream ended first."""
        while size > 0:
            if not self._buffer:
                self._buffer = next(self._pieces, b"")
                if not self._buffer:
                    return False
            taken = min(size, len(self._buffer))
            self._buffer = self._buffer[taken:]
            self.position += taken
            size -= taken
        return True

    def piece(self) -> bytes:
        """Whatever is buffered, or the next piece (empty at the end)."""
        out, self._buffer = (self._buffer or next(self._pieces, b"")), b""
        self.position += len(out)
        return out

    def give_back(self, data: bytes) -> None:
        self._buffer = data + self._buffer
        self.position -= len(data)


_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_DESCRIPTOR_SIGNATURE = b"PK\x07\x08"
_CENTRAL_SIGNATURE = b"PK\x01\x02"


def _zip_author(reader: PieceReader) -> bool | None:
    """Follow the local headers from the start; read the metadata entries, skip the rest."""
    seen = False
    while True:
        header = reader.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
            break  # the central directory (or the end): every entry has been seen
        _, _, flags, method, _, _, _, compressed, _, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        name = reader.read(name_length).decode("utf-8", "replace").lower()
        extra = reader.read(extra_length)
        zip64 = compressed == 0xFFFFFFFF
        if zip64:
            compressed = _zip64_size(extra)
        described_later = bool(flags & 0x08)
        wanted = name in _METADATA_ENTRIES
        if method == 8 and (described_later or wanted):
            content = _inflate_entry(reader, keep=wanted)
        elif not described_later:
            if wanted and method == 0 and compressed <= _XML_LIMIT:
                content = reader.read(compressed)
            else:
                if not reader.skip(compressed):
                    raise _Unreadable("ends inside an entry")
                content = None
        else:
            # Stored, its length only after it (a ZIP written as a stream): go on from the
            # next header. Such entries are pictures and the like, never the metadata we read.
            _resync(reader)
            continue
        if described_later:
            _skip_descriptor(reader, zip64)
        if wanted and content is not None:
            seen = True
            if _xml_names_author(content):
                return True
    return False if seen else None


def _zip64_size(extra: bytes) -> int:
    position = 0
    while position + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, position)
        if kind == 0x0001 and size >= 16:
            return struct.unpack_from("<Q", extra, position + 4 + 8)[0]  # after the uncompressed size
        position += 4 + size
    raise _Unreadable("a Zip64 entry without its sizes")


def _inflate_entry(reader: PieceReader, keep: bool) -> bytes | None:
    """Inflate one deflated entry to its end (deflate marks its own end); its text when ``keep``
    and within the XML limit, else None. Unused bytes go back to the reader."""
    inflater = zlib.decompressobj(-15)
    kept = bytearray()
    spent = 0
    while not inflater.eof:
        data = reader.piece()
        if not data:
            raise _Unreadable("ends inside an entry")
        while data and not inflater.eof:
            out = inflater.decompress(data, _PIECE)
            data = inflater.unconsumed_tail
            spent += len(out)
            if spent > _INFLATED_PER_FILE:
                raise _Unreadable("inflates past the budget")
            if keep and kept is not None:
                kept += out
                if len(kept) > _XML_LIMIT:
                    kept = None
        if inflater.eof:
            reader.give_back(inflater.unused_data + data)
    return bytes(kept) if keep and kept is not None else None


def _resync(reader: PieceReader) -> None:
    """Skip to the next local header (or the central directory), a piece at a time."""
    carried = b""
    while True:
        piece = reader.piece()
        if not piece:
            return
        data = carried + piece
        found = [at for at in (data.find(_LOCAL_SIGNATURE), data.find(_CENTRAL_SIGNATURE)) if at >= 0]
        if found:
            reader.give_back(data[min(found):])
            return
        carried = data[-3:]


def _skip_descriptor(reader: PieceReader, zip64: bool) -> None:
    first = reader.read(4)
    if first != _DESCRIPTOR_SIGNATURE:
        reader.give_back(first)  # the signature is optional: that was the CRC
    if not reader.skip(4 + (16 if zip64 else 8)):
        raise _Unreadable("ends inside an entry")


def _xml_names_author(content: bytes) -> bool:
    """Whether core.xml or meta.xml has a non-empty creator or last editor. Expat refuses
    external entities and, since 2.4, entity-expansion bombs."""
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        return False
    return any(element.tag in _AUTHOR_ELEMENTS and (element.text or "").strip() for element in root.iter())
