"""Statistics charts for moderators: sections of labelled horizontal bars drawn to PNG with Pillow."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

WIDTH = 900
MAX_BAR_LENGTH = 500
# Keeps the picture within Telegram's photo limits (width + height <= 10000) and readable.
MAX_BARS = 60
# Text is drawn only in greys, so this blue is the one non-grey colour and marks bar pixels alone.
BAR_COLOR = (46, 117, 182)
ELLIPSIS = "…"

_BACKGROUND = (255, 255, 255)
_TEXT_COLOR = (33, 33, 33)
_COUNT_COLOR = (90, 90, 90)

_MARGIN = 24
_LABEL_X = _MARGIN
_BAR_X = 300
_LABEL_WIDTH = _BAR_X - _LABEL_X - 12
_COUNT_GAP = 8
_TITLE_SIZE, _HEADING_SIZE, _LABEL_SIZE = 26, 19, 16
_TITLE_HEIGHT = 52
_HEADING_HEIGHT = 32
_SECTION_GAP = 14
_ROW_HEIGHT = 28
_BAR_THICKNESS = 18

# Pillow's built-in font has no Cyrillic (every letter is the same box), so the labels,
# which are Kazakh or Russian, need a real font; this one ships inside a PyPI package.
_FONT_PACKAGE = "font_source_sans_pro"
_REGULAR, _SEMIBOLD = "SourceSansPro-Regular.ttf", "SourceSansPro-Semibold.ttf"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class Bar:
    """One bar: its already translated label and the number it stands for."""

    label: str
    count: int


@dataclass(frozen=True)
class Section:
    """A heading and the bars under it."""

    title: str
    bars: list[Bar]


@dataclass(frozen=True)
class _Row:
    label: str
    count: int
    middle: int
    length: int


@dataclass(frozen=True)
class _Layout:
    title: str
    headings: list[tuple[str, int]]
    rows: list[_Row]
    height: int


def stats_chart(title: str, sections: list[Section]) -> bytes:
    """A PNG: each section a heading and horizontal bars, bar length proportional to its count.

    All bars share one scale: the largest count drawn gets MAX_BAR_LENGTH pixels, a count
    of 0 gets no bar, any other count at least 1 pixel. Only the first MAX_BARS bars are
    drawn; later ones are dropped silently (the headings do not say so), and a section
    left with no bars, by the cap or as given, is not drawn at all. Long labels and titles
    are shortened with "…". The same input always gives the same bytes.
    Raises ValueError for a negative count.
    """
    layout = _layout(title, sections)
    image = Image.new("RGB", (WIDTH, layout.height), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((_MARGIN, _MARGIN), layout.title, font=_font(_SEMIBOLD, _TITLE_SIZE), fill=_TEXT_COLOR)
    for heading, top in layout.headings:
        draw.text((_MARGIN, top), heading, font=_font(_SEMIBOLD, _HEADING_SIZE), fill=_TEXT_COLOR)
    for row in layout.rows:
        _draw_row(draw, row)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def bar_geometry(title: str, sections: list[Section]) -> list[tuple[int, int, int]]:
    """For each bar in order: (y of the bar's middle row, x where the bar starts, its length in px)
    exactly as stats_chart draws it, so a test can measure the drawn bars."""
    return [(row.middle, _BAR_X, row.length) for row in _layout(title, sections).rows]


def _draw_row(draw: ImageDraw.ImageDraw, row: _Row) -> None:
    label_font = _font(_REGULAR, _LABEL_SIZE)
    draw.text((_LABEL_X, row.middle), row.label, font=label_font, fill=_TEXT_COLOR, anchor="lm")
    if row.length:
        top = row.middle - _BAR_THICKNESS // 2
        # rectangle() includes both corners, hence the -1s.
        draw.rectangle(
            (_BAR_X, top, _BAR_X + row.length - 1, top + _BAR_THICKNESS - 1), fill=BAR_COLOR
        )
    count_x = _BAR_X + row.length + _COUNT_GAP
    draw.text((count_x, row.middle), str(row.count), font=label_font, fill=_COUNT_COLOR, anchor="lm")


def _layout(title: str, sections: list[Section]) -> _Layout:
    """Where everything goes; both the drawing and bar_geometry read it, so they cannot disagree."""
    kept = _capped(sections)
    longest = max((bar.count for section in kept for bar in section.bars), default=0)
    text_width = WIDTH - 2 * _MARGIN
    label_font, heading_font = _font(_REGULAR, _LABEL_SIZE), _font(_SEMIBOLD, _HEADING_SIZE)
    headings: list[tuple[str, int]] = []
    rows: list[_Row] = []
    y = _MARGIN + _TITLE_HEIGHT
    for index, section in enumerate(kept):
        if index:
            y += _SECTION_GAP
        headings.append((_shortened(section.title, heading_font, text_width), y))
        y += _HEADING_HEIGHT
        for bar in section.bars:
            label = _shortened(bar.label, label_font, _LABEL_WIDTH)
            rows.append(_Row(label, bar.count, y + _ROW_HEIGHT // 2, _bar_length(bar.count, longest)))
            y += _ROW_HEIGHT
    title_text = _shortened(title, _font(_SEMIBOLD, _TITLE_SIZE), text_width)
    return _Layout(title_text, headings, rows, y + _MARGIN)


def _capped(sections: list[Section]) -> list[Section]:
    room = MAX_BARS
    kept: list[Section] = []
    for section in sections:
        for bar in section.bars:
            if bar.count < 0:
                raise ValueError(f"negative count {bar.count} for {bar.label!r}")
        bars = list(section.bars[:room])
        room -= len(bars)
        if bars:
            kept.append(Section(section.title, bars))
    return kept


def _bar_length(count: int, longest: int) -> int:
    if count == 0:
        return 0
    # Integer round-half-up: the same pixels on every machine, no float ties.
    scaled = (2 * count * MAX_BAR_LENGTH + longest) // (2 * longest)
    return max(1, scaled)


def _shortened(text: str, font: Font, width: int) -> str:
    """The text on one line, cut with "…" to fit ``width`` pixels."""
    text = " ".join(text.split())
    if font.getlength(text) <= width:
        return text
    # Binary search for the longest prefix that still fits with the ellipsis.
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle].rstrip() + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


@lru_cache(maxsize=None)
def _font(face: str, size: int) -> Font:
    data = _font_bytes(face)
    if data is None:
        return ImageFont.load_default(size=size)
    # BASIC layout: Cyrillic needs no shaping, and it does not depend on libraqm being found.
    return ImageFont.truetype(io.BytesIO(data), size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=None)
def _font_bytes(face: str) -> bytes | None:
    try:
        return (resources.files(_FONT_PACKAGE) / "files" / face).read_bytes()
    except (ModuleNotFoundError, OSError):
        log.warning("font package %s not installed: chart text in Cyrillic will show as boxes", _FONT_PACKAGE)
        return None
