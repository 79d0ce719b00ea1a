"""Looking inside photo evidence with Pillow, guarded against bombs and broken files: what its
metadata gives away (time, camera, GPS, an author) and a clean copy without any of it."""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from bot.services.file_metadata import xmp_names_a_creator

# A JPEG is decoded at reduced scale (down to an eighth a side), so even a 120-megapixel photo
# costs a few megapixels of memory. Other formats are decoded whole: above 16 megapixels (a
# phone screenshot is 3) they get no preview and are kept byte-exact all the same, so a small
# PNG of 9000 x 9000 pixels cannot take a gigabyte.
MAX_PIXELS = 120_000_000
MAX_DECODED_PIXELS = 16_000_000
PREVIEW_SIZE = (1280, 1280)
# Previews drawn at once, whatever the number of uploads: what bounds the memory of image work.
_DRAWING = threading.BoundedSemaphore(2)

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 36867
_DATETIME = 306
_MODEL = 272
_MAKE = 271
_ARTIST = 315
_XP_AUTHOR = 40093
_CAMERA_OWNER = 42032  # in the Exif IFD: the name a camera's owner typed into it
_TEXT_AUTHORS = ("Author", "Artist")  # PNG text chunks


@dataclass(frozen=True)
class ImageFacts:
    """What a photo says about itself, and a clean copy (JPEG, no metadata) to show."""

    captured_at: str | None
    camera_model: str | None
    had_gps: bool
    had_author: bool | None  # None: not looked at (too large to read safely)
    preview: bytes | None  # None: too large to decode safely; the original is kept as it is


class NotAnImage(ValueError):
    """The bytes are not a decodable image within the limits."""


def inspect_image(data: bytes) -> ImageFacts:
    """Read capture time, camera, and whether there is a GPS position or an author's name; and
    draw a preview without metadata. The author's name itself is never kept."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                pixels = image.width * image.height
                if pixels > MAX_PIXELS:
                    raise NotAnImage("too many pixels")
                if image.format != "JPEG" and pixels > MAX_DECODED_PIXELS:
                    # Not even its metadata: a PNG's is read by decoding the whole picture.
                    return ImageFacts(None, None, False, None, preview=None)
                facts = _exif_facts(image.getexif())
                had_author = facts[3] or _text_names_author(image.info)
                with _DRAWING:
                    # A JPEG is decoded at the smallest scale still at least the preview's size:
                    # a 12-megapixel photo decodes several times faster, and nothing shown is lost.
                    image.draft("RGB", PREVIEW_SIZE)
                    image.load()
                    preview = _reencoded(image, PREVIEW_SIZE)
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
                OSError, SyntaxError, ValueError, EOFError) as exc:
            raise NotAnImage(type(exc).__name__) from None
    return ImageFacts(*facts[:3], had_author=had_author, preview=preview)


def _exif_facts(exif: Image.Exif) -> tuple[str | None, str | None, bool, bool]:
    details = exif.get_ifd(_EXIF_IFD)
    taken = details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    make, model = _clean(exif.get(_MAKE)), _clean(exif.get(_MODEL))
    # Many cameras repeat the maker in the model ("Canon" + "Canon EOS R6").
    camera = model if make and model and model.lower().startswith(make.lower()) else \
        " ".join(part for part in (make, model) if part) or None
    had_gps = bool(exif.get_ifd(_GPS_IFD))
    had_author = any(_readable(value) for value in (exif.get(_ARTIST), exif.get(_XP_AUTHOR),
                                                     details.get(_CAMERA_OWNER)))
    return (_clean(taken), _clean(camera), had_gps, had_author)


def _text_names_author(info: dict) -> bool:
    """An author in a PNG's text chunks or in the XMP packet Pillow found (JPEG, PNG, WebP)."""
    if any(_readable(info.get(key)) for key in _TEXT_AUTHORS):
        return True
    xmp = info.get("xmp") or info.get("XML:com.adobe.xmp")
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8", "replace")
    return isinstance(xmp, bytes) and xmp_names_a_creator(xmp)


def _readable(value: object) -> bool:
    """Whether a tag holds any text at all (XPAuthor is UTF-16 bytes; padding counts as none)."""
    if isinstance(value, (bytes, tuple)):
        value = bytes(value).decode("utf-16-le", "replace") if isinstance(value, tuple) else \
            value.decode("utf-8", "replace")
    return bool(str(value or "").strip("\x00 \ufffd"))


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip("\x00 ")[:100]
    return text or None


def _reencoded(image: Image.Image, size: tuple[int, int]) -> bytes:
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail(size)
    out = io.BytesIO()
    # A new image from pixels alone: no EXIF, no GPS, nothing but what is seen.
    upright.convert("RGB").save(out, format="JPEG", quality=80)
    return out.getvalue()
