"""/dashboard: a staff member gets a one-time link that signs them in to the web dashboard;
and what the bot does after a change made there (the card redrawn, the reporter told)."""

from __future__ import annotations

from telegram import LinkPreviewOptions, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CommandHandler

from services.web_login import LINK_VALID, base_url, new_link
from handlers import deliveries
from handlers.context import BotContext
from handlers.mod_cards import refresh_card
from handlers.staff_guard import fence
from storage import reports


async def dashboard(update: Update, context: BotContext) -> None:
    """Only in a private chat: a link in a group could be opened by anyone who reads it."""
    t, services = context.t, context.services
    if update.effective_chat.type != ChatType.PRIVATE:
        await update.effective_message.reply_text(t("web.dashboard.private_only"))
        return
    if services.settings.web_port is None:
        await update.effective_message.reply_text(t("web.dashboard.off"))
        return
    link = await new_link(await services.db(), base_url(services.settings, services.web_port), services.keys,
                          context.person)
    await update.effective_message.reply_text(
        t("web.dashboard.link", link=link, minutes=int(LINK_VALID.total_seconds() // 60)),
        link_preview_options=LinkPreviewOptions(is_disabled=True))  # a preview must not open it


async def after_change(context: BotContext) -> None:
    """A job run after a change on the dashboard: the card shows it, the reporter is told."""
    services = context.services
    report_id, redraw = context.job.data
    report = await reports.get(await services.db(), report_id)
    if report is not None and redraw:
        await refresh_card(context, services, report)
    await deliveries.deliver_due(context)


def handlers() -> list[BaseHandler]:
    return fence("staff", [CommandHandler("dashboard", dashboard)])
