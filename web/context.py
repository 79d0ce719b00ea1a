"""What every view reaches through the aiohttp application: the bot's services, the template
environment and the hook that tells the bot something changed."""

from __future__ import annotations

from typing import Awaitable, Callable

from aiohttp import web

from services.container import Services

SERVICES = web.AppKey("services", Services)
# Called with a report's id after a change from the dashboard, and whether its card shows the
# change: the bot redraws the card in the moderators' chat and delivers what the reporter is to
# be told now (the assembly provides it).
CHANGED = web.AppKey("changed", Callable[[int, bool], Awaitable[None]])
VISITOR = web.RequestKey("visitor", object)  # the signed-in staff member (web.auth.Visitor)
BOT_NAME = web.AppKey("bot_name", Callable[[], str])  # the bot's @username, for the links it makes
