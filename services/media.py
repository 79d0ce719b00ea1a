"""Looking inside photo evidence, guarded against bombs and broken files: what its metadata gives
away (time, camera, a serial, GPS, an author) and a clean copy without any of it.

Runs in the image worker (services.image_worker), a process of its own under a hard memory
limit: whatever a decoder does with a hostile file, the bot's own process never pays for it."""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageOps, UnidentifiedImageError

from services import embedded_metadata as embedded

# A JPEG is decoded at reduced scale (down to an eighth a side, chosen from its long side), so
# even a 120-megapixel photo, or one 60000 pixels long and 1490 high, costs a few megapixels.
# Other formats are decoded whole: above 16 megapixels (a phone screenshot is 3) they get no
# preview and are kept byte-exact all the same; their metadata is read from their chunks.
MAX_PIXELS = 120_000_000
MAX_DECODED_PIXELS = 16_000_000
PREVIEW_SIZE = (1280, 1280)

# Formats whose every place for metadata we read: for any other, "unread".
_READ_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF", "TIFF"})
_BROKEN = (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
           OSError, SyntaxError, ValueError, EOFError, KeyError, IndexError, TypeError)

# "read": every place this format keeps metadata was read, and the flags can be trusted;
# "unreadable": the file or its metadata could not be followed (cut short, a type we do not
# read); "too_large": its work went past the image worker's memory budget.
Metadata = Literal["read", "unreadable", "too_large"]


@dataclass(frozen=True)
class ImageFacts:
    """What a photo says about itself, and a clean copy (JPEG, no metadata) to show."""

    captured_at: str | None
    camera_model: str | None
    had_gps: bool
    had_author: bool | None
    preview: bytes | None  # None: not drawn (too large, broken); the original is kept as it is
    had_serial: bool = False
    metadata: Metadata = "read"


def inspect_image(data: bytes | bytearray) -> ImageFacts:
    """Read capture time, camera, and whether there is a GPS position, a serial or an author's
    name; and draw a preview without metadata. The name, serial or position is never kept."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow's notes on corrupt EXIF: the flags say enough
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except _BROKEN:
            return _not_drawable(data)
        with image:
            found, metadata = _metadata(image, data)
            pixels = image.width * image.height
            drawable = pixels <= MAX_PIXELS and (image.format == "JPEG" or pixels <= MAX_DECODED_PIXELS)
            preview = None
            if drawable:
                try:
                    preview = _reencoded(image)
                except MemoryError:
                    return _facts(found, None, "too_large")
                except _BROKEN:
                    # Cut short, malformed, or past the worker's memory (Pillow's decoders report
                    # an allocation that failed as a broken stream): not read whole, not drawn.
                    return _facts(found, None, "unreadable")
    return _facts(found, preview, metadata)


def _not_drawable(data: bytes | bytearray) -> ImageFacts:
    """A file Pillow cannot open: a HEIC's metadata is read from its boxes; anything else unread."""
    if embedded.is_heif(data):
        try:
            return _facts(embedded.heic(data), None, "read")
        except (embedded.Unreadable, IndexError, ValueError, struct.error):
            pass  # boxes that cannot be followed: unread, like any other file we cannot open
    return _facts(embedded.Found(), None, "unreadable")


def _metadata(image: Image.Image, data: bytes | bytearray) -> tuple[embedded.Found, Metadata]:
    """The metadata, read without decoding the picture: PNG and WebP from their chunks (Pillow
    would decode a PNG whole to reach an eXIf chunk after its pixels), others through Pillow."""
    try:
        if image.format == "PNG":
            found = embedded.png(data)
        elif image.format == "WEBP":
            found = embedded.webp(data)
        else:
            found = embedded.Found()
            embedded.read_exif(image.getexif(), found)
            xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
            if isinstance(xmp, str):
                xmp = xmp.encode("utf-8", "replace")
            if isinstance(xmp, bytes):
                embedded.read_xmp(xmp, found)
            if any(embedded.readable(image.info.get(key)) for key in ("Author", "Artist")):
                found.had_author = True
    except MemoryError:
        return embedded.Found(), "too_large"
    except (embedded.Unreadable, *_BROKEN):
        return embedded.Found(), "unreadable"
    return found, ("read" if image.format in _READ_FORMATS else "unreadable")


def _facts(found: embedded.Found, preview: bytes | None, metadata: Metadata) -> ImageFacts:
    return ImageFacts(found.captured_at, found.camera_model, found.had_gps, found.had_author, preview,
                      had_serial=found.had_serial, metadata=metadata)


def _reencoded(image: Image.Image) -> bytes:
    """A clean JPEG no larger than PREVIEW_SIZE, never holding the picture at full size when its
    format can decode smaller (JPEG): scaled from the long side, turned upright once small."""
    if image.format == "JPEG":
        # draft() picks the smallest scale at which the picture still covers the size asked; asked
        # for the preview's box it would go by the short side (a 60000 x 1490 picture stays
        # whole). Asked for the picture's own shape at the preview's long side, it shrinks.
        ratio = max(image.size) / max(PREVIEW_SIZE)
        if ratio > 1:
            image.draft("RGB", (max(1, int(image.width / ratio)), max(1, int(image.height / ratio))))
    image.load()
    image.thumbnail(PREVIEW_SIZE)  # in place: the full-size picture is not copied
    upright = ImageOps.exif_transpose(image)  # on the small picture only
    out = io.BytesIO()
    # A new image from pixels alone: no EXIF, no GPS, nothing but what is seen.
    upright.convert("RGB").save(out, format="JPEG", quality=80)
    return out.getvalue()
