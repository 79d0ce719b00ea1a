"""The tally on the dashboard: the country and each region (observers' agreed figures beside the
official ones with the differences, coverage, turnout by the hour drawn as server-side SVG), a
precinct's merged record (each copy's figure, conflicts, a figure confirmed by a copy's photo),
the CSV and JSON exports, and the administrators' upload of the official file."""

from __future__ import annotations

from aiohttp import web

from domain.counts import TURNOUT_HOURS
from domain.rules import REGIONS
from services import discrepancies, figures, official, tally, tally_exports
from services.moderation import Refused, actor
from storage import tally as store
from web.context import SERVICES, VISITOR
from web.render import download, render

SAYINGS = ("tally.web.confirmed",)  # the only texts ?done= may name
CHART_HEIGHT = 120


async def _tally(request: web.Request) -> tally.Tally:
    services = request.app[SERVICES]
    return await tally.current(await services.db(), services.settings.counts_discrepancy)


def _region(request: web.Request) -> str | None:
    region = request.query.get("region", "")
    return region if region in REGIONS else None


def chart(turnout: dict[str, list[int]]) -> list[dict]:
    """The bars of a turnout chart: per hour, the observers' and the official sum scaled to
    CHART_HEIGHT by the larger of all."""
    most = max((max(row[0], row[1]) for row in turnout.values()), default=0)
    bars = []
    for index, hour in enumerate(TURNOUT_HOURS):
        observed, official_voters, precincts = turnout.get(hour, (0, 0, 0))
        bars.append({"hour": hour, "x": index * 60, "observed": observed, "official": official_voters,
                     "precincts": precincts,
                     "observed_height": CHART_HEIGHT * observed // most if most else 0,
                     "official_height": CHART_HEIGHT * official_voters // most if most else 0})
    return bars


async def page(request: web.Request) -> web.Response:
    """GET /tally[?region=code]: the country and its regions, or one region and its precincts."""
    services = request.app[SERVICES]
    db = await services.db()
    found = await _tally(request)
    region = _region(request)
    sums = found.regions.get(region or tally.COUNTRY, tally.Sums())
    precincts = sorted((record for record in found.precincts.values() if record.region == region),
                       key=lambda record: int(record.precinct) if record.precinct.isdigit() else 0) if region else []
    done = request.query.get("done", "")
    return render(request, "tally_page.html", found=found, region=region, sums=sums, precincts=precincts,
                  regions=[code for code in REGIONS if code in found.regions], chart=chart(sums.turnout),
                  chart_height=CHART_HEIGHT, names=await tally.line_names(db), label=discrepancies.label,
                  translator=services.translator(request[VISITOR].person.language), hours=TURNOUT_HOURS,
                  load=await store.last_load(db), filed=await store.discrepancies(db),
                  message=done if done in SAYINGS else None)


async def precinct(request: web.Request, problem: Refused | None = None, status: int = 200) -> web.Response:
    """GET /tally/<region>/<precinct>: one precinct's merged record."""
    services = request.app[SERVICES]
    db = await services.db()
    key = (request.match_info["region"], store.number(request.match_info["precinct"][:12]))
    threshold = services.settings.counts_discrepancy
    record = await tally.of_precinct(db, key, threshold) if key[0] in REGIONS else None
    if record is None:
        raise web.HTTPNotFound()
    done = request.query.get("done", "")
    return render(request, "tally_precinct.html", status=status, record=record, threshold=threshold,
                  lines=tally.line_order(set(record.figures)),
                  names=await tally.line_names(db), label=discrepancies.label,
                  translator=services.translator(request[VISITOR].person.language), hours=TURNOUT_HOURS,
                  filed=(await store.discrepancies(db)).get(key), problem=problem,
                  message=done if done in SAYINGS else None)


async def confirm(request: web.Request) -> web.StreamResponse:
    """POST /tally/<region>/<precinct>/confirm: a figure confirmed by the photo of one copy."""
    services = request.app[SERVICES]
    form = await request.post()
    region, number = request.match_info["region"], store.number(request.match_info["precinct"][:12])
    try:
        await figures.confirm(services, request[VISITOR].person, region, number, str(form.get("line", ""))[:40],
                              str(form.get("reference", ""))[:20])
    except Refused as refused:
        return await precinct(request, problem=refused, status=409)
    raise web.HTTPSeeOther(f"/tally/{region}/{number}?done=tally.web.confirmed")


async def export(request: web.Request) -> web.Response:
    """GET /tally/export?format=csv|json: the whole tally, on the audit log."""
    kind = request.query.get("format", "")
    if kind not in tally_exports.FORMATS:
        raise web.HTTPNotFound()
    services = request.app[SERVICES]
    db = await services.db()
    person = request[VISITOR].person
    made = await tally_exports.made(await _tally(request), kind, services.translator(person.language),
                              await tally.line_names(db))
    await tally_exports.record(db, actor(person), kind, made)
    return download(made, tally_exports.MEDIA_TYPES[kind])


async def _admin_only(request: web.Request) -> None:
    if not request[VISITOR].admin:
        raise web.HTTPForbidden()


async def upload_page(request: web.Request, refused: official.BadFile | None = None, status: int = 200,
                      loaded: tuple[official.Loaded, int] | None = None) -> web.Response:
    """GET /official: the administrators' upload of the official file (anyone else: 403)."""
    await _admin_only(request)
    db = await request.app[SERVICES].db()
    return render(request, "official.html", status=status, refused=refused, loaded=loaded,
                  load=await store.last_load(db), max_mb=official.MAX_BYTES // 2**20)


async def upload(request: web.Request) -> web.Response:
    """POST /official (multipart, ``file``): loaded whole, or refused line by line with nothing
    stored; the tally then files any protocol-discrepancy report the figures call for."""
    await _admin_only(request)
    services = request.app[SERVICES]
    sent = (await request.post()).get("file")
    data = sent.file.read() if isinstance(sent, web.FileField) else b""
    try:
        loaded = await official.load(await services.db(), data,
                                     f"admin {request[VISITOR].person.actor_code}")
    except official.BadFile as bad:
        return await upload_page(request, refused=bad, status=400)
    filed = await discrepancies.file_new(services)
    return await upload_page(request, loaded=(loaded, len(filed)))
