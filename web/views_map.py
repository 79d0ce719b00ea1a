"""The map: Kazakhstan's 17 regions and 3 cities coloured by how many reports the queue's filters
(status, category, priority, days, words) match, the reports with a location as clustered points,
and those abroad or not yet placed listed beside it. The page lists every count in its HTML (it
works without JavaScript); /map/data gives the same to the map's script as JSON."""

from __future__ import annotations

from dataclasses import replace

from aiohttp import web

from services.search_query import BadQuery, FIND_KEYS, from_form
from domain.rules import CATEGORIES, CATEGORY_GROUPS, PRIORITIES, REGION_UNKNOWN, REGIONS, STATUSES
from storage import moderation
from web.context import SERVICES
from web.render import HEADERS, render

LEVELS = 4  # colour classes level-1 … level-4 (level-0: none), each a quarter of the busiest region
ON_MAP = tuple(code for code in REGIONS if code != "abroad")
BESIDE = ("abroad", REGION_UNKNOWN)  # not on the map: listed beside it
KEYS = (*FIND_KEYS, "priority")
POINTS = 5000  # the newest located reports drawn (older ones are counted in their regions)


def level(count: int, most: int) -> int:
    """A region's colour class: 0 for none, else 1…LEVELS by its share of the busiest region."""
    return 0 if count <= 0 or most <= 0 else max(1, -(-count * LEVELS // most))


def bounds(most: int) -> list[tuple[int, int, int]]:
    """The legend: (level, first count, last count) of each level some count can have."""
    spans = [(n, most * (n - 1) // LEVELS + 1, most * n // LEVELS) for n in range(1, LEVELS + 1)]
    return [span for span in spans if span[1] <= span[2]]


async def _data(request: web.Request, points: bool = True) -> dict:
    services = request.app[SERVICES]
    values = {key: request.query.get(key, "")[:200] for key in KEYS}
    try:
        query = from_form({key: values[key] for key in FIND_KEYS if key != "region"})
    except BadQuery as bad:
        return {"values": values, "problem": bad, "counts": {}, "most": 0, "points": [], "located": 0}
    filters = replace(query.filters(services.settings.tz),
                      priority=values["priority"] if values["priority"] in PRIORITIES else None)
    db = await services.db()
    counts = await moderation.counts_by_region(db, filters)
    most = max((counts.get(code, 0) for code in ON_MAP), default=0)
    if not points:  # the page: how many are drawn, not where (its script asks /map/data for that)
        return {"values": values, "problem": None, "counts": counts, "most": most, "points": [],
                "located": await moderation.count_located(db, filters, POINTS)}
    found = await moderation.located(db, filters, POINTS)
    return {"values": values, "problem": None, "counts": counts, "most": most, "points": found, "located": len(found)}


async def page(request: web.Request) -> web.Response:
    """GET /map: the filters, the map and every region's count."""
    found = await _data(request, points=False)
    query = {key: value for key, value in request.query.items() if key in KEYS and value}
    source = str(request.rel_url.with_path("/map/data").with_query(query))
    return render(request, "map.html", **found, on_map=ON_MAP, beside=BESIDE, level=level, levels=LEVELS,
                  legend=bounds(found["most"]), source=source, statuses=STATUSES, groups=CATEGORY_GROUPS,
                  categories=CATEGORIES, priorities=PRIORITIES, queue_query=request.rel_url.query_string)


async def data(request: web.Request) -> web.Response:
    """GET /map/data: each region's count and colour class, and the located reports."""
    found = await _data(request)
    most = found["most"]
    body = {"regions": {code: {"count": found["counts"].get(code, 0), "level": level(found["counts"].get(code, 0), most)}
                        for code in ON_MAP},
            # [reference, latitude, longitude, urgent]: 5,000 points in half the bytes of objects
            "points": [[ref, round(lat, 5), round(lon, 5), int(priority == "urgent")]
                       for ref, lat, lon, _, priority in found["points"]]}
    return web.json_response(body, headers={key: value for key, value in HEADERS.items() if key != "Content-Security-Policy"})
