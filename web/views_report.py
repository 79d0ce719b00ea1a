"""A report's page: every field, the evidence (previews inline, originals to download, both
decrypted as they are sent), deadlines, the whole history, and the moderators' actions."""

from __future__ import annotations

import asyncio

from aiohttp import web

from services import capture_time, deadlines, discrepancies, history, report_files, tally
from services.evidence_labels import neutral_name, numbered, warning
from services.evidence import read
from services.filetypes import BINARY, sniff
from domain.rules import CATEGORY_GROUPS, ESCALATION_TARGETS, REGIONS
from storage import audit, evidence, moderation, reports, witnesses
from services.witnesses import line as witness_line
from storage.crypto import FileUnreadable
from storage.models import Report
from services import moderation as rulebook
from web.actions import ACTIONS, DONE, REDRAWN, Refused, act
from web.context import CHANGED, SERVICES, VISITOR
from web.render import download, render, whole_number

SAYINGS = frozenset(DONE.values())  # the only texts ?done= may name



async def _report(request: web.Request) -> Report:
    services = request.app[SERVICES]
    found = await reports.by_reference(await services.db(), request.match_info["reference"].upper()[:20])
    if found is None:
        raise web.HTTPNotFound()
    return found


def said(request: web.Request) -> str | None:
    """What the page is to say after an action: the ``done`` parameter names a text from a fixed
    list; anything else (markup, placeholders, another key) says nothing."""
    done = request.query.get("done", "")
    return done if done in SAYINGS else None


async def page(request: web.Request, message: str | None = None, problem: Refused | None = None,
               status: int = 200, typed: dict[str, str] | None = None) -> web.Response:
    """GET /report/<reference>; after a refusal, with what was typed kept in its form."""
    services = request.app[SERVICES]
    report = await _report(request)
    db = await services.db()
    t = services.translator(request[VISITOR].person.language)
    files = numbered(report.reference, await evidence.of_report(db, report.id))
    records = [record for _, record in files]
    names = await moderation.staff_names(db)
    lines = [history.line(t, entry, names) for entry in await audit.of_report(db, report.id)]
    steps = await moderation.escalation_steps(db, report.id)
    group = await witnesses.group_of(db, report.id)
    count = (await tally.of_report(db, report.id, report.region, report.precinct, services.settings.counts_discrepancy)
             if report.kind != "violation" else None)
    return render(request, "report.html", count=count, line_names=await tally.line_names(db) if count else {},
                  label=discrepancies.label, translator=t, group=group, group_line=witness_line(t, group, report.id),
                  group_files=await _group_files(db, group, report.id), status=status, report=report, records=records,
                  file_names={record.id: name for name, record in files},
                  warnings={record.id: warning(t, name, record) for name, record in files},
                  far={record.id: capture_time.off_day(record.captured_at, report.occurred_at) for record in records},
                  taken={record.id: capture_time.taken_at(record.captured_at) for record in records},
                  deadlines=[(deadlines.describe(t, deadline, services.today(), html=False),
                              deadline.state(services.today())) for deadline in
                             deadlines.of_report(report, services.settings.tz, steps, services.settings.election_day)],
                  history=lines, taken_by=await moderation.staff_name(db, report.taken_by),
                  steps=steps, step_lines=[history.step_line(t, step) for step in steps],
                  offered=rulebook.offered(report, request[VISITOR].person, grouped=group is not None),
                  holds=rulebook.holds(report, request[VISITOR].person),
                  targets=ESCALATION_TARGETS, regions=REGIONS, groups=CATEGORY_GROUPS,
                  message=message or said(request), problem=problem, typed=typed or {},
                  version=await _version(services, report))


async def _group_files(db, group, report_id: int) -> list[tuple[str, int]]:
    """(reference, how many files) of the group's other reports: every witness's evidence is
    kept with its own report and counted with the group's."""
    if group is None:
        return []
    others = [member for member in group.members if member.report_id != report_id]
    counts = await evidence.counts_of_reports(db, [member.report_id for member in others])
    return [(member.reference, counts.get(member.report_id, 0)) for member in others]


async def change(request: web.Request) -> web.StreamResponse:
    """POST /report/<reference>: one of the actions; back to the page with what happened."""
    services = request.app[SERVICES]
    report = await _report(request)
    form = {key: str(value) for key, value in (await request.post()).items()}
    action = form.get("action", "")
    if action not in ACTIONS:
        raise web.HTTPBadRequest()
    person = request[VISITOR].person
    try:
        outcome = await act(await services.db(), person, report, action, form, services.translator(person.language),
                            services.today())
    except Refused as refused:
        return await page(request, problem=refused, status=409, typed=form)
    if outcome.kind in REDRAWN or outcome.notice is not None:  # the card shows it, or the reporter is to be told
        await request.app[CHANGED](report.id, outcome.kind in REDRAWN)
    raise web.HTTPSeeOther(f"/report/{report.reference}?done={DONE[outcome.kind]}")


async def file(request: web.Request) -> web.StreamResponse:
    """GET /evidence/<id>/preview or /original: the file decrypted (off the event loop)."""
    services = request.app[SERVICES]
    evidence_id = whole_number(request.match_info["id"])
    found = await evidence.get(await services.db(), evidence_id) if evidence_id is not None else None
    if found is None or found[0] is None:
        raise web.HTTPNotFound()
    _, record = found
    original = request.match_info["which"] == "original"
    path = record.stored_path if original else record.preview_path
    if path is None:
        raise web.HTTPNotFound()
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "default-src 'none'; sandbox"}
    if not original:  # a preview is small: read whole
        try:
            data = await asyncio.to_thread(read, services.settings.data_dir, path, services.keys)
        except (FileUnreadable, OSError):
            raise web.HTTPGone() from None
        return web.Response(body=data, content_type="image/jpeg", headers=headers)  # we made it: always a JPEG
    # An original (up to 20 MB, a video) is decrypted a chunk at a time as it is sent, each chunk
    # checked. Its type is read from its own first bytes: a picture, video or sound plays in the
    # page's <img>/<video>/<audio>; anything else is bytes to download, never a page in the
    # dashboard's origin (opened, it is a download: attachment). It is saved under its neutral
    # name (ASCII: a reference, a number, an extension), never the sender's.
    report_id = found[0]
    db = await services.db()
    report = await reports.get(db, report_id)
    name = neutral_name(report.reference, await evidence.number_in_report(db, report_id, record.id), record)
    headers["Content-Disposition"] = f'attachment; filename="{name}"'
    try:
        handle = await asyncio.to_thread(open, services.settings.data_dir / path, "rb")
    except OSError:
        raise web.HTTPGone() from None
    try:
        chunks = services.keys.iter_decrypt(handle)
        try:
            first = await asyncio.to_thread(next, chunks, b"")
        except FileUnreadable:
            raise web.HTTPGone() from None
        response = web.StreamResponse(headers=headers)
        response.content_type = sniff(first) or BINARY
        await response.prepare(request)
        chunk = first
        try:
            while chunk:
                await response.write(chunk)
                # A chunk altered on disk stops the download short: a broken file, never a wrong one.
                chunk = await asyncio.to_thread(next, chunks, b"")
            await response.write_eof()
        except ConnectionResetError:
            pass  # the browser stopped listening (a player seeking, a closed tab): nothing failed here
        return response
    finally:
        await asyncio.to_thread(handle.close)



async def _version(services, report: Report) -> str:
    """What the page shows of a report depends on: its row and its history."""
    return await moderation.report_version(await services.db(), report.id)


async def version(request: web.Request) -> web.Response:
    """GET /report/<reference>/version: a few bytes the open page polls, to fetch itself again
    when someone else changed the report."""
    services = request.app[SERVICES]
    return web.Response(text=await _version(services, await _report(request)), content_type="text/plain",
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


async def bundle(request: web.Request) -> web.Response:
    """GET /report/<reference>/bundle: the evidence ZIP for lawyers, made and recorded by the same
    service as /bundle in Telegram."""
    services = request.app[SERVICES]
    report = await _report(request)
    made = await report_files.bundle(services, report)
    await report_files.record_bundle(services, rulebook.actor(request[VISITOR].person), report, made)
    return download(made, report_files.MEDIA_TYPES["zip"])
