"""Administrators' page of people: the moderators and the accredited observers, invitations made
(the link shown once) and revoked, through the same service as /invite. Anyone else: 403."""

from __future__ import annotations

from aiohttp import web

from services import invites
from storage import moderation, people
from web.context import BOT_NAME, SERVICES, VISITOR
from web.render import render, whole_number

SAYINGS = ("web.people.revoked", "web.people.not_revoked")  # the only texts ?done= may name


async def _admin_only(request: web.Request) -> None:
    if not request[VISITOR].admin:
        raise web.HTTPForbidden()


def _actor(request: web.Request) -> str:
    return f"admin {request[VISITOR].person.actor_code}"  # as /invite records an administrator


async def page(request: web.Request, new_link: str | None = None) -> web.Response:
    """GET /people."""
    await _admin_only(request)
    db = await request.app[SERVICES].db()
    on_duty = {person.id for person in await people.on_duty(db)}
    done = request.query.get("done", "")
    return render(request, "people.html", moderators=await moderation.moderators(db), on_duty=on_duty,
                  observers=await moderation.observers(db), invites=await moderation.open_invites(db),
                  new_link=new_link, message=done if done in SAYINGS else None)


async def invite(request: web.Request) -> web.Response:
    """POST /people/invite: a new invitation; its link is on the page that answers, once."""
    await _admin_only(request)
    services = request.app[SERVICES]
    code = await invites.make(await services.db(), services.keys, _actor(request))
    return await page(request, new_link=invites.link(request.app[BOT_NAME](), code))


async def revoke(request: web.Request) -> web.StreamResponse:
    """POST /people/invite/<number>/revoke: that unused invitation stops working."""
    await _admin_only(request)
    invite_id = whole_number(request.match_info["id"])
    revoked = invite_id is not None and await invites.revoke(await request.app[SERVICES].db(), invite_id,
                                                             _actor(request))
    raise web.HTTPSeeOther(f"/people?done={SAYINGS[0] if revoked else SAYINGS[1]}")
