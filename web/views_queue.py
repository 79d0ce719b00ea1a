"""The queue: reports filtered (status, region, category, precinct, local days, words), sorted
and paged, with who has each; the rows refresh by themselves, and the page works without
JavaScript (the references are in its HTML)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from aiohttp import web

from services import deadlines
from services import moderation as rulebook, report_files
from services.search_query import BadQuery, FIND_KEYS, Query, from_form
from domain.rules import CATEGORIES, CATEGORY_GROUPS, PRIORITIES, REGIONS, QUEUE_ORDERS, REPORTER_ROLES, STATUSES
from storage import evidence, moderation, reports, witnesses
from web.actions import BULK, DONE, Refused, act
from storage.models import Report
from web.context import CHANGED, SERVICES, VISITOR
from web.render import download, render, whole_number

PAGE = 50
EXTRA_KEYS = ("assignee", "role", "accredited", "priority", "deadline", "dates")  # the dashboard's filters beyond /find's
DEADLINE_FILTERS = ("soon", "overdue")  # ⚡ a window closes within two days; ❌ one has closed
DATES = ("received", "incident")  # what the From/To days are of
EXCERPT_WORDS = 12
SCANNED = 5000  # reports read to find those of a deadline filter (deadlines are computed, not stored)


@dataclass(frozen=True)
class Row:
    report: Report
    files: int
    taken_by: str | None
    overdue: bool
    soon: bool  # ⚡ a deadline within two days (not the reporter's 🆘 urgent)
    next_deadline: date | None
    excerpt: str
    cut: bool  # the description goes on past the excerpt
    witnesses: int = 0  # independent reporters of its group of witnesses (0: in none)


def _row(report: Report, files: int, taken_by: str | None, running: list[deadlines.Deadline], today: date,
         group: witnesses.Group | None = None) -> Row:
    stages = {deadline.stage(today) for deadline in running}
    words = report.description.split()
    return Row(report, files, taken_by, "overdue" in stages, bool(stages & {"soon", "today"}),
               min((deadline.day for deadline in running), default=None),
               " ".join(words[:EXCERPT_WORDS]), len(words) > EXCERPT_WORDS, group.witnesses if group else 0)


def _values(request: web.Request) -> dict[str, str]:
    return {key: request.query.get(key, "")[:200] for key in (*FIND_KEYS, *EXTRA_KEYS)}


def _filters(request: web.Request, values: dict[str, str]) -> tuple[Query, moderation.Filters]:
    """The form's query and what storage runs for it; raises BadQuery."""
    services = request.app[SERVICES]
    query = from_form(values)
    return query, replace(query.filters(services.settings.tz, by_incident=values["dates"] == "incident"),
                          taken_by=request[VISITOR].person.id if values["assignee"] == "me" else None,
                          reporter_role=values["role"] if values["role"] in REPORTER_ROLES else None,
                          accredited={"1": True, "0": False}.get(values["accredited"]),
                          priority=values["priority"] if values["priority"] in PRIORITIES else None)


async def _rows(request: web.Request) -> dict:
    """The page's query, its rows, the true total and paging; or the part of it that is wrong."""
    services = request.app[SERVICES]
    values = _values(request)
    order = request.query.get("sort", "newest")
    order = order if order in QUEUE_ORDERS else "newest"
    asked = whole_number(request.query.get("page", "1")) or 1
    try:
        _, filters = _filters(request, values)
    except BadQuery as bad:
        return {"values": values, "problem": bad, "rows": [], "total": 0, "page": 1, "pages": 1, "order": order}
    db = await services.db()
    by_deadline = values["deadline"] if values["deadline"] in DEADLINE_FILTERS else None

    async def made(found: list[Report]) -> list[Row]:
        return await _made(request, found)

    if by_deadline is None:
        total = await moderation.count_found(db, filters)
        pages = max(1, -(-total // PAGE))
        page = min(asked, pages)
        rows = await made(await moderation.find(db, filters, limit=PAGE, offset=(page - 1) * PAGE, order=order))
    else:  # a window's state is computed from the chain of filings: read the matches, keep those
        rows = [row for row in await made(await moderation.find(db, filters, limit=SCANNED, order=order))
                if _kept(row, by_deadline)]
        total = len(rows)
        pages = max(1, -(-total // PAGE))
        page = min(asked, pages)
        rows = rows[(page - 1) * PAGE:page * PAGE]
    return {"values": values, "problem": None, "rows": rows, "total": total, "page": page, "pages": pages,
            "order": order}


async def _made(request: web.Request, found: list[Report]) -> list[Row]:
    """The rows of these reports: files, who has them, their running deadlines, their witnesses."""
    services = request.app[SERVICES]
    db = await services.db()
    today, tz, day = services.today(), services.settings.tz, services.settings.election_day
    ids = [report.id for report in found]
    files = await evidence.counts_of_reports(db, ids)
    names = await moderation.staff_names_by_id(db, {report.taken_by for report in found if report.taken_by})
    chains = await moderation.steps_of_reports(db, ids)
    groups = await witnesses.groups_of_reports(db, ids)
    return [_row(report, files.get(report.id, 0), names.get(report.taken_by),
                 deadlines.running(report, tz, chains[report.id], day), today, groups.get(report.id))
            for report in found]


def _kept(row: Row, by_deadline: str) -> bool:
    """Whether a row passes the deadline filter: ⚡ soon, or ❌ overdue."""
    return row.soon if by_deadline == "soon" else row.overdue


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
    return await _page(request, None)


async def _page(request: web.Request, results: list[tuple[str, str, dict]] | None) -> web.Response:
    """The queue under the request's filters; after a bulk action with what became of each."""
    version = await _version(request)
    found = await _rows(request)
    return render(request, "queue.html", **found, orders=QUEUE_ORDERS, regions=REGIONS, groups=CATEGORY_GROUPS, categories=CATEGORIES,
                  statuses=STATUSES, roles=REPORTER_ROLES, priorities=PRIORITIES, bulk=BULK, results=results,
                  deadline_filters=DEADLINE_FILTERS, dates=DATES, formats=report_files.FORMATS,
                  export_query=lambda kind: _export_query(request, kind),
                  page_query=lambda page: _links(request, page),
                  bulk_query=_bulk_query(request),
                  rows_url=_rows_url(request, version))


def _bulk_query(request: web.Request) -> str:
    """The queue's filters, carried by the bulk form's address: its results come back in the
    same filtered queue."""
    query = {key: value for key, value in request.query.items() if key != "v" and value}
    return str(request.rel_url.with_query(query).query_string)


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
    """POST /queue/bulk?<the queue's filters>: take, verify or mark as duplicates of one reference
    the reports ticked in the queue, each by the same rules as one at a time; what happened to
    each is listed above the same filtered queue, nothing ticked."""
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
    return await _page(request, results)


def _export_query(request: web.Request, kind: str) -> str:
    """The current filters with a file format, for the download links."""
    query = {key: value for key, value in request.query.items() if key not in ("page", "v", "sort") and value}
    return str(request.rel_url.with_query({**query, "format": kind}).query_string)


async def export(request: web.Request) -> web.Response:
    """GET /queue/export?format=csv|json|xlsx&<the queue's filters>: the reports the filters
    match as a file, made and recorded by the same service as /export in Telegram."""
    services = request.app[SERVICES]
    kind = request.query.get("format", "")
    if kind not in report_files.FORMATS:
        raise web.HTTPBadRequest()
    try:
        query, filters = _filters(request, _values(request))
    except BadQuery:
        raise web.HTTPBadRequest() from None
    values = _values(request)
    by_deadline = values["deadline"] if values["deadline"] in DEADLINE_FILTERS else None

    async def keep(found: list[Report]) -> list[Report]:  # the deadline filter, as the queue reads it
        return [row.report for row in await _made(request, found) if _kept(row, by_deadline)]

    made = await report_files.export(services, filters, kind, keep if by_deadline else None)
    described = " ".join(part for part in (query.describe(), _extra_described(request)) if part)
    await report_files.record_export(services, rulebook.actor(request[VISITOR].person), kind, made, described)
    return download(made, report_files.MEDIA_TYPES[kind])


def _extra_described(request: web.Request) -> str:
    """The dashboard's filters beyond /find's, for the record (codes only; whatever else was
    sent is not repeated)."""
    values = _values(request)
    known = {"assignee": ("me",), "role": REPORTER_ROLES, "accredited": ("0", "1"), "priority": PRIORITIES,
             "dates": DATES, "deadline": DEADLINE_FILTERS}
    return " ".join(f"{key}={values[key]}" for key, allowed in known.items() if values[key] in allowed)
