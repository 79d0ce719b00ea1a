"""/find: reports by region, category, status, precinct, days and words, a page at a time with
the true total; Next and Previous carry the query in themselves (services.search_query)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from services.i18n import Html, Translator, pack
from services.search_query import BadQuery, Query, label, parse_filters
from domain.rules import CATEGORY_GROUPS, REGIONS, STATUSES
from handlers import callback_data as cb
from handlers.context import BotContext
from handlers.mod_queries import PAGE, queue_line
from handlers.moderation import tell
from handlers.staff_guard import fence
from storage import moderation


async def find(update: Update, context: BotContext) -> None:
    """/find [key=value …] [words]: reports by region, category, status (codes or names in the
    moderator's words), precinct, days received (local time, as people write them: 30 ноября,
    вчера, Nov 30, 2026-11-30) and words in descriptions and places, a page at a time with the
    true total. Alone: every key and value it takes."""
    t = context.t
    try:
        query = parse_filters(context.args or [], lang=t.lang, today=context.services.today())
    except BadQuery as bad:
        await tell(update, bad.lines(t))
        return
    if query == Query():  # alone, or with nothing to search by ("/find ?"): what it takes
        for message in pack(_guide(t, context.services.settings.timezone)):
            await update.effective_chat.send_message(message)
        return
    await _send_found(update, context, query, 1)


async def find_page(update: Update, context: BotContext) -> None:
    """Next or Previous under /find results: the query comes back in the button itself."""
    pressed = context.press(cb.FindPage)
    await update.callback_query.answer()
    await _send_found(update, context, pressed.query, pressed.page)


async def _send_found(update: Update, context: BotContext, query: Query, page: int) -> None:
    t, services = context.t, context.services
    db = await services.db()
    filters = query.filters(services.settings.tz)
    total = await moderation.count_found(db, filters)
    if not total:
        await update.effective_chat.send_message(f"{t('mod.found_none')}\n{_query_line(t, query)}")
        return
    pages = -(-total // PAGE)
    page = min(max(page, 1), pages)  # fewer pages now than when the button was made
    found = await moderation.find(db, filters, limit=PAGE, offset=(page - 1) * PAGE)
    lines = [t("mod.found", count=t.plural("mod.reports", total), page=page, pages=pages), _query_line(t, query)]
    lines += [queue_line(context, report) for report in found]
    markup = _page_buttons(t, query, page, pages)
    if markup is None and pages > 1:
        lines.append(t("mod.find.no_paging"))
    messages = pack(lines)
    for number, message in enumerate(messages, start=1):
        await update.effective_chat.send_message(message, reply_markup=markup if number == len(messages) else None)


def _page_buttons(t: Translator, query: Query, page: int, pages: int) -> InlineKeyboardMarkup | None:
    """Previous and Next; None when there is one page, or the query is too long to carry."""
    if pages <= 1:
        return None
    try:
        buttons = [InlineKeyboardButton(t(label), callback_data=cb.encode(cb.FindPage(target, query)))
                   for label, target in (("mod.page_prev", page - 1), ("mod.page_next", page + 1)) if 1 <= target <= pages]
    except cb.TooLong:  # the words take more than Telegram's 64 bytes
        return None
    return InlineKeyboardMarkup([buttons])


def _query_line(t: Translator, query: Query) -> Html:
    """How the bot read the query, in the moderator's words."""
    parts = [t("mod.find.part", name=t(f"mod.find.name.{key}"), value=label(t, key, getattr(query, key)))
             for key in ("region", "category", "status") if getattr(query, key)]
    parts += [t("mod.find.part", name=t("mod.find.name.precinct"), value=query.precinct)] if query.precinct else []
    parts += [t(f"mod.find.{key}", date=t.date(getattr(query, key))) for key in ("since", "until") if getattr(query, key)]
    parts += [t("mod.find.quoted", text=" ".join(query.words))] if query.words else []
    return t("mod.find.query", filters=Html(" · ".join(parts)))


def _guide(t: Translator, zone: str) -> list[Html]:
    """Every key /find takes and every value, as labels with their codes."""
    def values(family: str, codes) -> list[Html]:
        return [t("mod.find.value", label=label(t, family, code), code=code) for code in codes]
    lines = [t("mod.find.guide"), t("mod.find.key.region"), *values("region", REGIONS), t("mod.find.key.category")]
    for group, categories in CATEGORY_GROUPS.items():
        lines.append(t("mod.find.value", label=t(f"group.{group}"), code=group))
        lines += [t("mod.find.subvalue", label=t(f"category.{code}"), code=code) for code in categories if code != group]
    lines += [t("mod.find.key.status"), *values("status", STATUSES)]
    lines += [t("mod.find.key.precinct"), t("mod.find.key.dates", zone=zone), t("mod.find.key.text")]
    return lines


def handlers() -> list[BaseHandler]:
    return fence("staff", [
        CommandHandler("find", find),
        CallbackQueryHandler(find_page, pattern=cb.pattern(cb.FindPage)),
    ])
