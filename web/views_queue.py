"""The queue: reports filtered (status, region, category, precinct, local days, words), sorted
and paged, with who has each; the rows refresh by themselves, and the page works without
JavaScript (the references are in its HTML)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from aiohttp import web

from bot.services import deadlines
from bot.services.search_query import BadQuery, FIND_KEYS, from_form
from domain.rules import CATEGORIES, CATEGORY_GROUPS, PRIORITIES, REGIONS, QUEUE_ORDERS, REPORTER_ROLES, STATUSES
from storage import evidence, moderation, reports
from web.actions import BULK, DONE, Refused, act
from storage.models import Report
from web.context import CHANGED, SERVICES, VISITOR
from web.render import render

PAGE = 50
EXTRA_KEYS = ("assignee", "role", "accredited", "priority")  # the dashboard's filters beyond /find's


@dataclass(frozen=True)
class Row:
    report: Report
    files: int
    taken_by: str | None
    overdue: bool
    urgent: bool


async def _rows(request: web.Request) -> dict:
    """The page's query, its rows, the true total and paging; or the part of it that is wrong."""
    services = request.app[SERVICES]
    values = {key: request.query.get(key, "")[:200] for key in (*FIND_KEYS, *EXTRA_KEYS)}
    order = request.query.get("sort", "newest")
    order = order if order in QUEUE_ORDERS else "newest"
    page = max(1, int(request.query.get("page", "1"))) if request.query.get("page", "1").isdigit() else 1
    try:
        query = from_form(values)
    except BadQuery as bad:
        return {"values": values, "problem": bad, "rows": [], "total": 0, "page": 1, "pages": 1, "order": order}
    db = await services.db()
    visitor = request[VISITOR]
    filters = replace(query.filters(services.settings.tz),
                      taken_by=visitor.person.id if values["assignee"] == "me" else None,
                      reporter_role=values["role"] if values["role"] in REPORTER_ROLES else None,
                      accredited={"1": True, "0": False}.get(values["accredited"]),
                      priority=values["priority"] if values["priority"] in PRIORITIES else None)
    total = await moderation.count_found(db, filters)
    pages = max(1, -(-total // PAGE))
    page = min(page, pages)
    found = await moderation.find(db, filters, limit=PAGE, offset=(page - 1) * PAGE, order=order)
    files = await evidence.counts_of_reports(db, [report.id for report in found])
    today, tz = services.today(), services.settings.tz
    names = await moderation.staff_names_by_id(db, {report.taken_by for report in found if report.taken_by})
    chains = await moderation.steps_of_reports(db, [report.id for report in found])
    day = services.settings.election_day
    rows = [Row(report, files.get(report.id, 0), names.get(report.taken_by),
                deadlines.overdue(report, tz, today, chains[report.id], day),
                deadlines.urgent(report, tz, today, chains[report.id], day)) for report in found]
    return {"values": values, "problem": None, "rows": rows, "total": total, "page": page, "pages": pages,
            "order": order}


def _links(request: web.Request, page: int) -> str:
    """The current query string with another page."""
    query = {key: value for key, value in request.query.items() if key not in ("page", "v") and value}
    return str(request.rel_url.with_query({**query, "page": str(page)}).query_string)


async def _version(request: web.Request) -> str:
    """What the rows shown depend on: the last change to any report, and the day (deadlines
    turn overdue at midnight)."""
    services = request.app[SERVICES]
    return f"{await moderation.last_change(await services.db())}-{services.today().isoformat()}"


def _rows_url(request: web.Request, version: str) -> str:
    """The address the rows refresh from, carrying the version they show."""
    query = {key: value for key, value in request.query.items() if key != "v"}
    return str(request.rel_url.with_path("/queue/rows").with_query({**query, "v": version}))


async def queue(request: web.Request) -> web.Response:
    """GET /queue: the filter form and the first rows."""
    version = await _version(request)
    found = await _rows(request)
    return render(request, "queue.html", **found, orders=QUEUE_ORDERS, regions=REGIONS, groups=CATEGORY_GROUPS, categories=CATEGORIES,
                  statuses=STATUSES, roles=REPORTER_ROLES, priorities=PRIORITIES, bulk=BULK, results=None,
                  page_query=lambda page: _links(request, page),
                  rows_url=_rows_url(request, version))


async def queue_rows(request: web.Request) -> web.Response:
    """GET /queue/rows: the rows alone, for the page to refresh itself every second; when
    nothing changed since the version the page shows, 204 and no work (fifty open dashboards
    polling cost the bot almost nothing then)."""
    version = await _version(request)
    if request.query.get("v") == version:
        return web.Response(status=204, headers={"Cache-Control": "no-store"})
    return render(request, "queue_rows.html", **await _rows(request), page_query=lambda page: _links(request, page),
                  rows_url=_rows_url(request, version))


async def bulk(request: web.Request) -> web.Response:
    """POST /queue/bulk: take, verify or mark as duplicates of one reference the reports ticked
    in the queue, each by the same rules as one at a time; what happened to each is listed."""
    services = request.app[SERVICES]
    form = await request.post()
    action = str(form.get("action", ""))
    if action not in BULK:
        raise web.HTTPBadRequest()
    person = request[VISITOR].person
    db = await services.db()
    results = []
    for reference in list(dict.fromkeys(str(value).upper()[:20] for value in form.getall("pick", [])))[:PAGE]:
        report = await reports.by_reference(db, reference)
        if report is None:
            results.append((reference, "mod.not_found", {}))
            continue
        try:
            outcome = await act(db, person, report, action, {"original": str(form.get("original", ""))},
                                services.translator(person.language), services.today())
        except Refused as refused:
            results.append((reference, refused.key, refused.params))
            continue
        results.append((reference, DONE[outcome.kind], {}))
        await request.app[CHANGED](report.id, True)
    return render(request, "bulk.html", results=results)
