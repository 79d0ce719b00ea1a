"""Looking inside photo evidence with Pillow, guarded against bombs and broken files."""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

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


@dataclass(frozen=True)
class ImageFacts:
    """What a photo says about itself, and a clean copy (JPEG, no metadata) to show."""

    captured_at: str | None
    camera_model: str | None
    had_gps: bool
    preview: bytes | None  # None: too large to decode safely; the original is kept as it is


class NotAnImage(ValueError):
    """The bytes are not a decodable image within the limits."""


def inspect_image(data: bytes) -> ImageFacts:
    """Read capture time, camera and GPS presence, and draw a preview without metadata."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                pixels = image.width * image.height
                if pixels > MAX_PIXELS:
                    raise NotAnImage("too many pixels")
                if image.format != "JPEG" and pixels > MAX_DECODED_PIXELS:
                    # Not even its metadata: a PNG's is read by decoding the whole picture.
                    return ImageFacts(None, None, False, preview=None)
                facts = _exif_facts(image.getexif())
                with _DRAWING:
                    # A JPEG is decoded at the smallest scale still at least the preview's size:
                    # a 12-megapixel photo decodes several times faster, and nothing shown is lost.
                    image.draft("RGB", PREVIEW_SIZE)
                    image.load()
                    preview = _reencoded(image, PREVIEW_SIZE)
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
                OSError, SyntaxError, ValueError, EOFError) as exc:
            raise NotAnImage(type(exc).__name__) from None
    return ImageFacts(*facts, preview=preview)


def _exif_facts(exif: Image.Exif) -> tuple[str | None, str | None, bool]:
    details = exif.get_ifd(_EXIF_IFD)
    taken = details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    make, model = _clean(exif.get(_MAKE)), _clean(exif.get(_MODEL))
    # Many cameras repeat the maker in the model ("Canon" + "Canon EOS R6").
    camera = model if make and model and model.lower().startswith(make.lower()) else \
        " ".join(part for part in (make, model) if part) or None
    had_gps = bool(exif.get_ifd(_GPS_IFD))
    return (_clean(taken), _clean(camera), had_gps)


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
