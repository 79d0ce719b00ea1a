"""Statistics charts: a real PNG, bars measured in its pixels, Kazakh text actually drawn."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from services.charts import (
    BAR_COLOR,
    MAX_BAR_LENGTH,
    MAX_BARS,
    WIDTH,
    Bar,
    Section,
    bar_geometry,
    stats_chart,
)

KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"

SAMPLE = [
    Section("Бұзушылық түрлері", [Bar("Дауыс сатып алу", 20), Bar("Қысым көрсету", 7), Bar("Басқа", 0)]),
    Section("Облыстар", [Bar("Ұлытау облысы", 1), Bar("Алматы қаласы", 20)]),
]
SAMPLE_COUNTS = [20, 7, 0, 1, 20]


def _open(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def _bar_runs(image: Image.Image, y: int) -> list[tuple[int, int]]:
    """(start, length) of each horizontal run of BAR_COLOR pixels in row y."""
    runs: list[tuple[int, int]] = []
    start = None
    for x in range(image.width + 1):
        on_bar = x < image.width and image.getpixel((x, y)) == BAR_COLOR
        if on_bar and start is None:
            start = x
        elif not on_bar and start is not None:
            runs.append((start, x - start))
            start = None
    return runs


def _differs(first: bytes, second: bytes) -> bool:
    a, b = _open(first), _open(second)
    return a.size != b.size or ImageChops.difference(a, b).getbbox() is not None


def _one_label_chart(label: str) -> bytes:
    return stats_chart("Сайлау", [Section("Түрлері", [Bar(label, 3)])])


def test_chart_is_a_png_of_fixed_width_on_white() -> None:
    image = _open(stats_chart("Статистика", SAMPLE))
    assert image.width == WIDTH
    assert image.getpixel((0, 0)) == (255, 255, 255)


def test_geometry_has_one_entry_per_bar_with_the_longest_at_full_length() -> None:
    geometry = bar_geometry("Статистика", SAMPLE)
    assert len(geometry) == len(SAMPLE_COUNTS)
    assert max(length for _, _, length in geometry) == MAX_BAR_LENGTH


def test_measured_bars_match_geometry_and_are_proportional() -> None:
    image = _open(stats_chart("Статистика", SAMPLE))
    geometry = bar_geometry("Статистика", SAMPLE)
    longest = max(SAMPLE_COUNTS)
    for (y, x, length), count in zip(geometry, SAMPLE_COUNTS, strict=True):
        runs = _bar_runs(image, y)
        if count == 0:
            assert length == 0
            assert runs == [], f"a zero count drew bar pixels at y={y}"
            continue
        assert runs == [(x, length)], f"count {count}: drawn {runs}, geometry says {(x, length)}"
        assert abs(length - round(count / longest * MAX_BAR_LENGTH)) <= 1
        assert length >= 1


def test_bar_color_appears_only_inside_the_bars() -> None:
    image = _open(stats_chart("Статистика", SAMPLE))
    geometry = bar_geometry("Статистика", SAMPLE)
    pixels = image.load()
    for y in range(image.height):
        for x in range(image.width):
            if pixels[x, y] != BAR_COLOR:
                continue
            _, start, length = min(geometry, key=lambda bar: abs(bar[0] - y))
            assert start <= x < start + length, f"bar colour outside any bar at {(x, y)}"


def test_tiny_count_still_gets_a_pixel() -> None:
    sections = [Section("Барлығы", [Bar("көп", 100_000), Bar("аз", 1)])]
    image = _open(stats_chart("Сайлау", sections))
    (_, x, big), (y_small, _, small) = bar_geometry("Сайлау", sections)
    assert (big, small) == (MAX_BAR_LENGTH, 1)
    assert _bar_runs(image, y_small) == [(x, 1)]


def test_all_zero_counts_draw_no_bars() -> None:
    sections = [Section("Барлығы", [Bar("бір", 0), Bar("екі", 0)])]
    image = _open(stats_chart("Сайлау", sections))
    assert [length for _, _, length in bar_geometry("Сайлау", sections)] == [0, 0]
    assert BAR_COLOR not in {color for _, color in image.getcolors(maxcolors=1 << 16)}


def test_same_input_gives_the_same_bytes() -> None:
    assert stats_chart("Статистика", SAMPLE) == stats_chart("Статистика", SAMPLE)


def test_kazakh_words_render_differently() -> None:
    # Same length, differing only in Kazakh letters: a font without them draws both as boxes.
    assert _differs(_one_label_chart("әкім"), _one_label_chart("өкім"))
    assert _differs(_one_label_chart("Қазақстан"), _one_label_chart("Ұлытаудың"))


def test_every_kazakh_letter_has_its_own_glyph() -> None:
    missing_glyph = _one_label_chart("\uffff")
    drawn = {letter: _one_label_chart(letter) for letter in KAZAKH_LETTERS}
    for letter, png in drawn.items():
        assert _differs(png, missing_glyph), f"{letter!r} is drawn as the missing-glyph box"
    assert len(set(drawn.values())) == len(KAZAKH_LETTERS), "two Kazakh letters look the same"


def test_long_labels_are_cut_before_the_bars() -> None:
    prefix = "Сайлау учаскесіндегі бюллетеньдерді заңсыз толтыру " * 3
    first, second = _one_label_chart(prefix + "бір"), _one_label_chart(prefix + "екі басқа")
    # Both cut to the same prefix plus "…", so the differing tails never reach the image.
    assert not _differs(first, second)
    image = _open(first)
    (y, x, _), = bar_geometry("Сайлау", [Section("Түрлері", [Bar(prefix, 3)])])
    gap = image.crop((x - 6, y - 12, x, y + 12))
    assert gap.getextrema() == ((255, 255), (255, 255), (255, 255)), "label ink runs into the bar"


def test_at_most_max_bars_are_drawn_and_the_height_stays_bounded() -> None:
    sections = [Section(f"Бөлім {n}", [Bar(f"жол {i}", i + 1) for i in range(25)]) for n in range(4)]
    geometry = bar_geometry("Көп", sections)
    assert len(geometry) == MAX_BARS
    image = _open(stats_chart("Көп", sections))
    assert geometry[-1][0] < image.height <= 4000
    # The cap keeps the first bars, so the last drawn one is the 10th of the third section.
    assert geometry[-1][2] == round(10 / 25 * MAX_BAR_LENGTH)


def test_height_grows_with_the_number_of_bars() -> None:
    one = _open(stats_chart("Т", [Section("С", [Bar("а", 1)])]))
    three = _open(stats_chart("Т", [Section("С", [Bar("а", 1), Bar("б", 2), Bar("в", 3)])]))
    assert three.height > one.height
    assert one.width == three.width == WIDTH


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        stats_chart("Т", [Section("С", [Bar("а", -1)])])
