"""The day over time: reports per hour by category group and by region, where the day's reports
stand, the median time to a first action, the urgent ones' waits and the running deadlines
(overdue first), as plain HTML bars (no script)."""

from __future__ import annotations

from datetime import date, datetime, time

from aiohttp import web

from services import day as days
from services import deadlines
from domain import clock
from domain.rules import CATEGORY_GROUPS, REGIONS, STATUSES
from storage import witnesses
from web.context import SERVICES, VISITOR
from web.render import render

SHOWN = 100  # running deadlines listed (overdue first); the report pages hold the rest


async def page(request: web.Request) -> web.Response:
    """GET /day[?day=YYYY-MM-DD]: the local day, today by default."""
    services = request.app[SERVICES]
    try:
        day = date.fromisoformat(request.query.get("day", "")[:10])
    except ValueError:
        day = services.today()
    tz = services.settings.tz
    db = await services.db()
    found = await days.of_day(db, day, tz, services.now(), services.settings.election_day, SHOWN)
    t = services.translator(request[VISITOR].person.language)
    most = max((count for counts in found.by_category.values() for count in counts.values()), default=0)
    most_region = max((count for counts in found.by_region.values() for count in counts.values()), default=0)
    today = services.today()
    return render(request, "day.html", found=found, shown=SHOWN, day=day, hours=days.HOURS, groups=CATEGORY_GROUPS,
                  regions=[code for code in (*REGIONS, "unknown") if code in found.by_region], statuses=STATUSES,
                  most=most, most_region=most_region, funnel_most=max(found.funnel.values(), default=0),
                  duration=days.duration, describe=lambda deadline: deadlines.describe(t, deadline, today, html=False),
                  state=lambda deadline: deadline.state(today),
                  joined=await witnesses.recently_joined(db, clock.iso(datetime.combine(day, time(), tzinfo=tz))))
