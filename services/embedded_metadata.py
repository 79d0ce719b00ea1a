"""What a file's own metadata says about the person who made it, read from its containers
without decoding a picture: PNG and WebP chunks, and the boxes of ISO BMFF files (MP4, MOV,
HEIC), walked with a bounded reader (only small metadata boxes are ever held, a file's media
data is skipped). Only flags and a device's model come out: never a position, serial or name.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from PIL import Image

from services.file_metadata import PieceReader, xmp_names_a_creator

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 36867
_DATETIME = 306
_MODEL = 272
_MAKE = 271
_ARTIST = 315
_XP_AUTHOR = 40093
_CAMERA_OWNER = 42032  # in the Exif IFD: the name a camera's owner typed into it
_SERIALS_EXIF = (42033, 42037)  # BodySerialNumber, LensSerialNumber (Exif IFD)
_SERIALS_MAIN = (50735,)  # CameraSerialNumber (DNG, IFD0)

# A metadata box or chunk larger than this is not read: the file's metadata counts as unread.
BOX_LIMIT = 1024 * 1024
_INFLATED_LIMIT = 1024 * 1024  # of a PNG's compressed text chunk
_XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
_XMP_GPS = re.compile(rb"exif:GPS(?:Latitude|Longitude)|<exif:GPS|photoshop:(?:City|State|Country)\b"
                      rb"|Iptc4xmpCore:Location|xmpDM:(?:shotLocation|location)")
_XMP_SERIAL = re.compile(rb"(?:aux|exifEX):(?:SerialNumber|BodySerialNumber|LensSerialNumber)\s*[=>]\s*[\"']?[^\"'<\s]")
_XMP_DEVICE = re.compile(rb"tiff:Model\s*[=>]\s*[\"']?([^\"'<]{1,80})")


class Unreadable(Exception):
    """The container cannot be followed (cut short, a box of impossible size, too large)."""


@dataclass
class Found:
    """What a file's metadata holds that may identify its maker."""

    captured_at: str | None = None
    camera_model: str | None = None
    had_gps: bool = False
    had_serial: bool = False
    had_author: bool = False
    _parts: list[str] = field(default_factory=list, repr=False)

    def device(self, make: object, model: object) -> None:
        make, model = clean(make), clean(model)
        # Many cameras repeat the maker in the model ("Canon" + "Canon EOS R6").
        camera = model if make and model and model.lower().startswith(make.lower()) else \
            " ".join(part for part in (make, model) if part) or None
        self.camera_model = self.camera_model or clean(camera)


# ---- EXIF and XMP, wherever they were found ---------------------------------------------------


def read_exif(exif: Image.Exif, found: Found) -> None:
    """Capture time, device, serials, GPS and an author from a parsed EXIF block."""
    details = exif.get_ifd(_EXIF_IFD)
    found.captured_at = found.captured_at or clean(details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME))
    found.device(exif.get(_MAKE), exif.get(_MODEL))
    found.had_gps = found.had_gps or bool(exif.get_ifd(_GPS_IFD))
    found.had_serial = found.had_serial or any(readable(details.get(tag)) for tag in _SERIALS_EXIF) \
        or any(readable(exif.get(tag)) for tag in _SERIALS_MAIN)
    found.had_author = found.had_author or any(readable(value) for value in (
        exif.get(_ARTIST), exif.get(_XP_AUTHOR), details.get(_CAMERA_OWNER)))


def read_exif_bytes(data: bytes, found: Found) -> None:
    """An EXIF block as stored in a PNG, a WebP or a HEIC file (with or without its "Exif" mark)."""
    exif = Image.Exif()
    try:
        exif.load(data[data.find(b"Exif\x00\x00"):] if b"Exif\x00\x00" in data[:16] else data)
    except (SyntaxError, ValueError, struct.error, EOFError, OSError, KeyError, TypeError) as exc:
        raise Unreadable(f"EXIF: {type(exc).__name__}") from None
    read_exif(exif, found)


def read_xmp(xmp: bytes, found: Found) -> None:
    """A location, a serial, a device or a creator in an XMP packet."""
    found.had_gps = found.had_gps or bool(_XMP_GPS.search(xmp))
    found.had_serial = found.had_serial or bool(_XMP_SERIAL.search(xmp))
    found.had_author = found.had_author or xmp_names_a_creator(xmp)
    model = _XMP_DEVICE.search(xmp)
    if model:
        found.device(None, model.group(1).decode("utf-8", "replace"))


# ---- PNG and WebP ---------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_AUTHORS = (b"Author", b"Artist")


def png(data: bytes) -> Found:
    """Every chunk of a PNG is walked (eXIf may follow the picture); text chunks are read, the
    picture's data is skipped, never inflated."""
    if not data.startswith(_PNG_SIGNATURE):
        raise Unreadable("not a PNG")
    found = Found()
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, position)
        body = data[position + 8:position + 8 + length]
        if len(body) < length:
            raise Unreadable("cut short")
        if kind == b"eXIf":
            read_exif_bytes(body, found)
        elif kind in (b"tEXt", b"zTXt", b"iTXt"):
            _png_text(kind, body, found)
        elif kind == b"IEND":
            return found
        position += 12 + length
    raise Unreadable("no end")


def _png_text(kind: bytes, body: bytes, found: Found) -> None:
    keyword, _, rest = body.partition(b"\x00")
    if kind == b"tEXt":
        text = rest
    elif kind == b"zTXt":
        text = _inflate(rest[1:])
    else:  # iTXt: compressed flag, method, language, translated keyword, then the text
        compressed = rest[:1] == b"\x01"
        _, _, after = rest[2:].partition(b"\x00")
        _, _, text = after.partition(b"\x00")
        text = _inflate(text) if compressed else text
    if keyword in _TEXT_AUTHORS and readable(text):
        found.had_author = True
    elif keyword == b"XML:com.adobe.xmp":
        read_xmp(text, found)
    elif keyword == b"Raw profile type exif":
        # ImageMagick's way of keeping EXIF: hex after a header of three lines.
        hexed = b"".join(text.split(b"\n")[3:])
        try:
            read_exif_bytes(bytes.fromhex(hexed.decode("ascii", "replace")), found)
        except ValueError:
            raise Unreadable("raw EXIF profile") from None


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, _INFLATED_LIMIT)
    except zlib.error:
        raise Unreadable("compressed text") from None
    if inflater.unconsumed_tail:
        raise Unreadable("compressed text past the limit")
    return out


def webp(data: bytes) -> Found:
    """The RIFF chunks of a WebP: EXIF and XMP read, the picture skipped."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise Unreadable("not a WebP")
    found = Found()
    position = 12
    while position + 8 <= len(data):
        kind, length = struct.unpack_from("<4sI", data, position)
        body = data[position + 8:position + 8 + length]
        if len(body) < length:
            raise Unreadable("cut short")
        if kind == b"EXIF":
            read_exif_bytes(body, found)
        elif kind == b"XMP ":
            read_xmp(body, found)
        position += 8 + length + (length & 1)
    return found


# ---- ISO BMFF: MP4, MOV, HEIC -----------------------------------------------------------------

_CONTAINERS = {b"moov", b"udta", b"trak", b"mdia", b"minf", b"meta", b"ilst", b"iprp", b"ipco"}
_LOCATION_KEYS = (b"com.apple.quicktime.location.iso6709", b"com.android.capture.location")
_MAKE_KEYS = {b"com.apple.quicktime.make": "make", b"com.apple.quicktime.model": "model",
              b"com.android.manufacturer": "make", b"com.android.model": "model"}
_AUTHOR_KEYS = (b"com.apple.quicktime.author", b"com.apple.quicktime.artist", b"com.apple.quicktime.displayname")
_ATOM_LOCATION = (b"\xa9xyz", b"loci")
_ATOM_AUTHOR = (b"\xa9aut", b"\xa9ART", b"auth", b"\xa9wrt", b"perf")
_ATOM_MAKE, _ATOM_MODEL = b"\xa9mak", b"\xa9mod"


def _box_header(read) -> tuple[bytes, int, int] | None:
    """(type, size of the body or -1 for "to the end", header length), None at the end."""
    head = read(8)
    if not head:
        return None
    if len(head) < 8:
        raise Unreadable("a box header cut short")
    size, kind = struct.unpack(">I4s", head)
    header = 8
    if size == 1:
        large = read(8)
        if len(large) < 8:
            raise Unreadable("a box header cut short")
        size = struct.unpack(">Q", large)[0]
        header = 16
    if size == 0:
        return kind, -1, header
    if size < header:
        raise Unreadable("a box of impossible size")
    return kind, size - header, header


def iso_media(pieces: Iterable[bytes]) -> Found:
    """MP4 or MOV, streamed: the ``moov`` box's metadata (``udta``, ``meta``) and any XMP box are
    read; tracks and media data are skipped. A box that runs past the file, or a metadata box
    over BOX_LIMIT, makes the whole unread."""
    stream = PieceReader(pieces)
    found = Found()
    saw_moov = False
    while True:
        header = _box_header(stream.read)
        if header is None:
            break
        kind, size, _ = header
        if kind == b"moov":
            saw_moov = True
            if size < 0:
                raise Unreadable("moov to the end")
            _walk_moov(stream, size, found)
        elif kind == b"uuid" and size >= 16:
            if _exactly(stream, 16) != _XMP_UUID:
                if not stream.skip(size - 16):
                    raise Unreadable("a box runs past the end")
            elif size - 16 > BOX_LIMIT:
                raise Unreadable("an XMP box past the limit")
            else:
                read_xmp(_exactly(stream, size - 16), found)
        elif size < 0:
            break  # media data to the end of the file
        elif not stream.skip(size):
            raise Unreadable("a box runs past the end")
    if not saw_moov:
        raise Unreadable("no movie box")
    return found


def _exactly(stream: PieceReader, size: int) -> bytes:
    body = stream.read(size)
    if len(body) < size:
        raise Unreadable("a box runs past the end")
    return body


def _walk_moov(stream: PieceReader, size: int, found: Found) -> None:
    """The children of ``moov`` (and of its tracks), without holding a track's sample tables."""
    end = stream.position + size
    while stream.position < end:
        header = _box_header(stream.read)
        if header is None or header[1] < 0:
            raise Unreadable("moov cut short")
        kind, body_size, _ = header
        if kind == b"trak":
            _walk_moov(stream, body_size, found)  # a track's udta or meta can hold the same
        elif kind == b"cmov":
            raise Unreadable("a compressed movie box")  # old QuickTime: its metadata is inside
        elif kind in (b"udta", b"meta"):
            if body_size > BOX_LIMIT:
                raise Unreadable("a metadata box past the limit")
            _metadata_box(kind, _exactly(stream, body_size), found)
        elif not stream.skip(body_size):
            raise Unreadable("moov cut short")
    if stream.position != end:
        raise Unreadable("a box overruns moov")


def _children(body: bytes) -> Iterator[tuple[bytes, bytes]]:
    position = 0
    while position + 8 <= len(body):
        cursor = PieceReader([body[position:position + 16]])
        header = _box_header(cursor.read)
        if header is None:
            return
        kind, size, header_length = header
        start = position + header_length
        size = len(body) - start if size < 0 else size
        if start + size > len(body):
            raise Unreadable("a box overruns its parent")
        yield kind, body[start:start + size]
        position = start + size


def _metadata_box(kind: bytes, body: bytes, found: Found) -> None:
    """``udta`` (QuickTime's ©xyz, ©mak, ©mod, authors) or ``meta`` (keys and ilst, or a
    full box whose children follow four bytes of version and flags)."""
    if kind == b"meta":
        # ISO's meta is a full box (version and flags first); QuickTime's starts with a child.
        offset = 0 if body[4:8] in (b"hdlr", b"iinf", b"iloc", b"pitm", b"xml ", b"keys", b"ilst") else 4
        _meta(body[offset:], found)
        return
    make = model = None
    for child, content in _children(body):
        if child in _ATOM_LOCATION:
            found.had_gps = found.had_gps or len(content) > 4
        elif child in _ATOM_AUTHOR and readable(_atom_text(content)):
            found.had_author = True
        elif child == _ATOM_MAKE:
            make = _atom_text(content)
        elif child == _ATOM_MODEL:
            model = _atom_text(content)
        elif child == b"meta":
            _metadata_box(b"meta", content, found)
        elif child == b"XMP_":
            read_xmp(content, found)
    if make or model:
        found.device(make, model)


def _atom_text(content: bytes) -> str:
    """A QuickTime text atom (size, language, then the text), or an iTunes-style data box."""
    if content[4:8] == b"data":
        return content[16:].decode("utf-8", "replace")
    return content[4:].decode("utf-8", "replace") if len(content) > 4 else ""


def _meta(body: bytes, found: Found) -> None:
    """A ``meta`` box's children: QuickTime's keys with their values in ilst, iTunes atoms, XMP;
    for HEIC, the rest is read by heic()."""
    keys: list[bytes] = []
    values: dict[int, bytes] = {}
    for kind, content in _children(body):
        if kind == b"keys":
            count = struct.unpack_from(">I", content, 4)[0] if len(content) >= 8 else 0
            position = 8
            for _ in range(min(count, 4096)):
                if position + 8 > len(content):
                    raise Unreadable("keys cut short")
                size = struct.unpack_from(">I", content, position)[0]
                if size < 8:
                    raise Unreadable("a key of impossible size")
                keys.append(content[position + 8:position + size].lower())
                position += size
        elif kind == b"ilst":
            for item, value in _children(content):
                index = struct.unpack(">I", item)[0]
                values[index] = value
                if item in _ATOM_AUTHOR and readable(_atom_text(value)):
                    found.had_author = True
                elif item in _ATOM_LOCATION:
                    found.had_gps = True
        elif kind == b"xml " and b"x:xmpmeta" in content:
            read_xmp(content, found)
    make = model = None
    for number, key in enumerate(keys, start=1):
        text = _atom_text(values.get(number, b""))
        if key in _LOCATION_KEYS and readable(text):
            found.had_gps = True
        elif key in _AUTHOR_KEYS and readable(text):
            found.had_author = True
        elif _MAKE_KEYS.get(key) == "make":
            make = text
        elif _MAKE_KEYS.get(key) == "model":
            model = text
    if make or model:
        found.device(make, model)


_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis")


def is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def heic(data: bytes) -> Found:
    """A HEIC or AVIF held in memory: its ``meta`` box lists items; the Exif and XMP items are
    found through ``iinf`` and read where ``iloc`` says they are."""
    found = Found()
    meta = None
    for kind, content in _children(data):
        if kind == b"meta":
            meta = content[4:]  # a full box
    if meta is None:
        raise Unreadable("no meta box")
    items: dict[int, bytes] = {}
    locations: dict[int, list[tuple[int, int]]] = {}
    for kind, content in _children(meta):
        if kind == b"iinf":
            items = _item_types(content)
        elif kind == b"iloc":
            locations = _item_locations(content)
    for item_id, item_type in items.items():
        if item_type not in (b"Exif", b"mime"):
            continue
        extents = locations.get(item_id)
        if not extents:
            raise Unreadable("an item without its place")
        blob = b"".join(data[offset:offset + length] for offset, length in extents)
        if sum(length for _, length in extents) != len(blob) or len(blob) > BOX_LIMIT:
            raise Unreadable("an item past the file or the limit")
        if item_type == b"Exif":
            skip = struct.unpack_from(">I", blob)[0] if len(blob) >= 4 else 0
            read_exif_bytes(blob[4 + skip:], found)
        elif b"x:xmpmeta" in blob or b"<rdf:" in blob:
            read_xmp(blob, found)
    return found


def _item_types(body: bytes) -> dict[int, bytes]:
    version = body[0]
    position = 4 + (2 if version == 0 else 4)
    found: dict[int, bytes] = {}
    for kind, content in _children(body[position:]):
        if kind != b"infe" or len(content) < 4:
            continue
        infe_version = content[0]
        if infe_version >= 2:
            if infe_version == 2:
                item_id, = struct.unpack_from(">H", content, 4)
                item_type = content[8:12]
            else:
                item_id, = struct.unpack_from(">I", content, 4)
                item_type = content[10:14]
            found[item_id] = item_type
    return found


def _item_locations(body: bytes) -> dict[int, list[tuple[int, int]]]:
    version = body[0]
    sizes = struct.unpack_from(">H", body, 4)[0]
    offset_size, length_size, base_size = sizes >> 12, (sizes >> 8) & 0xF, (sizes >> 4) & 0xF
    index_size = sizes & 0xF if version in (1, 2) else 0
    position = 6

    def number(width: int) -> int:
        nonlocal position
        if width == 0:
            return 0
        if width not in (4, 8) or position + width > len(body):
            raise Unreadable("iloc")
        value = int.from_bytes(body[position:position + width], "big")
        position += width
        return value

    def short(width: int) -> int:
        nonlocal position
        if position + width > len(body):
            raise Unreadable("iloc")
        value = int.from_bytes(body[position:position + width], "big")
        position += width
        return value

    count = short(2 if version < 2 else 4)
    found: dict[int, list[tuple[int, int]]] = {}
    for _ in range(count):
        item_id = short(2 if version < 2 else 4)
        method = short(2) & 0xF if version in (1, 2) else 0
        short(2)  # data reference index
        base = number(base_size)
        extents = []
        for _ in range(short(2)):
            if index_size:
                number(index_size)
            extents.append((base + number(offset_size), number(length_size)))
        if method == 0:
            found[item_id] = extents
    return found


# ---- MP3: ID3 tags ------------------------------------------------------------------------------

# Frames that name a person (performer, composer, lyricist, owner, encoded by), ID3v2.3/4 and 2.2.
_ID3_PEOPLE = {b"TPE1", b"TPE2", b"TPE3", b"TPE4", b"TCOM", b"TEXT", b"TOLY", b"TOPE", b"TOWN", b"TENC",
               b"TP1", b"TP2", b"TP3", b"TP4", b"TCM", b"TXT", b"TOL", b"TOA", b"TEN"}
_ID3_PLACE = re.compile(rb"(?i)location|gps|latitude|longitude|iso6709")


def audio_mpeg(pieces: Iterable[bytes]) -> Found:
    """An MP3, streamed: the ID3v2 tag at its start (frames naming a person, a user-defined
    frame naming a place) and the ID3v1 tag in its last 128 bytes (the artist)."""
    stream = PieceReader(pieces)
    found = Found()
    head = stream.read(10)
    tail = b""
    if head[:3] == b"ID3":
        if len(head) < 10:
            raise Unreadable("an ID3 header cut short")
        size = _syncsafe(head[6:10])
        if size > BOX_LIMIT:
            raise Unreadable("an ID3 tag past the limit")
        _id3v2(head[3], head[5], _exactly(stream, size), found)
    else:
        tail = head
    while True:
        piece = stream.read(64 * 1024)
        if not piece:
            break
        tail = (tail + piece)[-128:]
    if tail[:3] == b"TAG" and len(tail) == 128 and readable(tail[33:63].rstrip(b"\x00 ")):
        found.had_author = True
    return found


def _syncsafe(data: bytes) -> int:
    if any(byte & 0x80 for byte in data):
        raise Unreadable("not a syncsafe number")
    return (data[0] << 21) | (data[1] << 14) | (data[2] << 7) | data[3]


def _id3v2(version: int, flags: int, body: bytes, found: Found) -> None:
    if flags & 0x80:  # unsynchronised: 0xFF 0x00 stands for 0xFF
        body = body.replace(b"\xff\x00", b"\xff")
    position = 0
    if flags & 0x40 and version >= 3:  # an extended header first
        extended = _syncsafe(body[:4]) if version == 4 else struct.unpack(">I", body[:4])[0] + 4
        position = extended
    id_length, size_length = (3, 3) if version == 2 else (4, 4)
    header = id_length + size_length + (0 if version == 2 else 2)
    while position + header <= len(body):
        frame = body[position:position + id_length]
        if frame.strip(b"\x00") == b"":
            return  # padding
        raw = body[position + id_length:position + id_length + size_length]
        size = _syncsafe(raw) if version == 4 else int.from_bytes(raw, "big")
        content = body[position + header:position + header + size]
        if len(content) < size:
            raise Unreadable("an ID3 frame runs past its tag")
        # After the text encoding byte; UTF-16's byte order marks and zero bytes are no text.
        text = content[1:].replace(b"\xff\xfe", b"").replace(b"\xfe\xff", b"").replace(b"\x00", b"")
        if frame in _ID3_PEOPLE and readable(text):
            found.had_author = True
        elif frame in (b"TXXX", b"TXX") and _ID3_PLACE.search(text):
            found.had_gps = True
        position += header + size


# ---- small helpers ----------------------------------------------------------------------------


def readable(value: object) -> bool:
    """Whether a tag holds any text at all (XPAuthor is UTF-16 bytes; padding counts as none)."""
    if isinstance(value, (bytes, tuple)):
        value = bytes(value).decode("utf-16-le", "replace") if isinstance(value, tuple) else \
            value.decode("utf-8", "replace")
    return bool(str(value or "").strip("\x00 \ufffd"))


def clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip("\x00 ")[:100]
    return text or None
