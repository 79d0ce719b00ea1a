"""The urgent path: "It is happening now / I am in danger". Two taps file a report at once with
priority urgent (the main menu's 🆘, then what is happening), which reaches the moderators ahead
of everything queued (handlers.filing, handlers.deliveries); the person is told first what to do
right now (102, 112, somewhere safe), then their receipt, and may add what they can for a while
afterwards: words, a photo, a video, a voice message or their location, each one added to the
report and noted under its alert.

The report is anonymous as any other (no author, nothing linking it to the person). What lets
them add to it is a link between their chat and the report, and it is kept in memory only, for
FOLLOW_UP_SECONDS (services.chat_memory.UrgentFollowUps); the text they are shown says so.
Nobody is asked for contact here: allowing it would link the report to them on disk, which is
theirs to choose in a report of their own (the wizard's contact step), not in a hurry."""

from __future__ import annotations

import secrets

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler, MessageHandler, filters

from services.chat_memory import FOLLOW_UP_SECONDS
from services.i18n import Html, Translator
from services import witnesses
from services.text import clean
from domain.rules import CATEGORIES, REGION_UNKNOWN, REGIONS, URGENT_CHOICES
from handlers import callback_data as cb
from handlers import deliveries, duty, evidence_intake, filing, keyboards, live_keyboard
from handlers.report_wizard import PLACE_MAX, precinct_number
from handlers.wizard import Retry, grid
from handlers.context import BotContext
from storage import outbox, reports
from storage.models import NewReport

# One text added to the description is kept whole: Telegram's own limit of a message. A longer
# text comes as parts of up to that many, each kept, the next joined to the one before.
FOLLOW_UP_MAX = 4096
SPLIT_PART, JOIN_WITHIN = 3_500, 10.0  # as the wizard's description (handlers.report_wizard)
FOLLOW_UP = (filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & (
    (filters.TEXT & ~filters.COMMAND) | filters.LOCATION | filters.PHOTO | filters.VIDEO | filters.VOICE
    | filters.VIDEO_NOTE | filters.AUDIO | filters.Document.ALL))


def safety(t: Translator) -> Html:
    """What to do right now, before anything else: the same words before and after filing."""
    return t("urgent.safety")


def choices_keyboard(t: Translator, screen: str) -> InlineKeyboardMarkup:
    """The choices, each carrying the ``screen``'s random mark: a second press on the same screen
    (a double tap, a slow client) finds the report the first one filed instead of filing another."""
    rows = [[InlineKeyboardButton(t(f"urgent.choice.{choice}"),
                                  callback_data=cb.encode(cb.UrgentChoice(choice, screen)))] for choice in URGENT_CHOICES]
    cancel = InlineKeyboardButton(t("wizard.cancel"), callback_data=cb.encode(cb.UrgentCancel()))
    return InlineKeyboardMarkup(rows + [[cancel]])


async def ask(update: Update, context: BotContext) -> None:
    """Tap 1, the main menu's 🆘: what to do to be safe, then what is happening (one tap files it)."""
    query = update.callback_query
    await query.answer()
    t = context.t
    text = Html("\n\n".join([safety(t), t("urgent.ask")]))
    # Random, so it ties the report it becomes to nothing (unlike a chat or message id would).
    markup = choices_keyboard(t, secrets.token_hex(cb.SCREEN_BYTES))
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except TelegramError:  # the menu is gone or unchanged: a new message instead
        await live_keyboard.send(update, context, text, markup)
        return
    await live_keyboard.shown(context, update.effective_chat.id, query.message.message_id)


async def chose(update: Update, context: BotContext) -> None:
    """Tap 2: the report is filed at once, its alert sent, the receipt shown in place of the
    choices, and the person told again what to do now and that they may add to it."""
    query = update.callback_query
    pressed = context.press(cb.UrgentChoice)
    choice, screen = pressed.choice, pressed.screen
    t, services = context.t, context.services
    if context.private_chat is None:  # the menu is only ever in a private chat: forged
        await query.answer(t("common.stale_button"))
        return
    await query.answer()
    if await filing.over_limit(context):
        await update.effective_chat.send_message(t("flood.reports", max=filing.REPORTS_PER_HOUR))
        return
    person = context.person
    observer = person.role == "observer"  # accredited: they redeemed an invite
    report = NewReport(
        reporter_role="observer" if observer else "voter", accredited=observer,
        category=CATEGORIES[choice], subcategory=choice, region=REGION_UNKNOWN, precinct_kind="unknown",
        occurred_at=services.now().isoformat(timespec="minutes"), description=t.text(f"urgent.description.{choice}"),
        contact_allowed=False, submission_key=f"urgent-{screen}", priority="urgent")
    # A draft the person had open stays as it was: this report is filed beside it.
    # Its alert goes to the group and, privately, to each moderator on duty (nothing in it names
    # the reporter).
    on_duty = [("duty", {"to": staff.id}) for staff in await duty.on_duty_staff(context)]
    stored, created = await filing.file(context, report, [("alert", {})], query=query, with_draft=False,
                                        staff_notices=on_duty)
    live_keyboard.forget(context, update.effective_chat.id, query.message.message_id)  # the receipt is there now
    if not created:  # a second press on the same screen: its receipt, if it has not arrived yet
        await deliveries.confirm_now(context, query)
        return
    services.follow_ups.open(update.effective_chat.id, stored.id)
    # One short screen: the receipt above says what to keep; this, what they may still do.
    await update.effective_chat.send_message(t("urgent.follow_up", minutes=FOLLOW_UP_SECONDS // 60),
                                             reply_markup=follow_up_keyboard(t, where=True))


async def cancelled(update: Update, context: BotContext) -> None:
    """Cancel instead of tap 2: the screen becomes the main menu again."""
    query = update.callback_query
    t = context.t
    if context.private_chat is None:  # the menu is only ever in a private chat: forged
        await query.answer(t("common.stale_button"))
        return
    await query.answer()
    await query.edit_message_text(t("start.greeting"), reply_markup=keyboards.main_menu(t, context.person))
    await live_keyboard.shown(context, update.effective_chat.id, query.message.message_id)


def follow_up_keyboard(t: Translator, where: bool) -> InlineKeyboardMarkup:
    """Where it is happening (one optional question), and Nothing more to add."""
    rows = [[InlineKeyboardButton(t("urgent.where"), callback_data=cb.encode(cb.UrgentWhere()))]] if where else []
    return InlineKeyboardMarkup(rows + [[InlineKeyboardButton(t("urgent.done"), callback_data=cb.encode(cb.UrgentDone()))]])


async def where(update: Update, context: BotContext) -> None:
    """"Where is it happening?": the regions, two a row (the wizard's own list)."""
    query = update.callback_query
    t = context.t
    if context.services.follow_ups.report_of(update.effective_chat.id) is None:
        await query.answer(t("urgent.link_ended"), show_alert=True)
        return
    await query.answer()
    buttons = [InlineKeyboardButton(t(f"region.{region}"), callback_data=cb.encode(cb.UrgentRegion(region)))
               for region in REGIONS]
    rows = grid(buttons, 2)  # two a row, a long name on a row of its own
    done = [InlineKeyboardButton(t("urgent.done"), callback_data=cb.encode(cb.UrgentDone()))]
    await query.edit_message_text(t("urgent.ask_region"), reply_markup=InlineKeyboardMarkup(rows + [done]))


async def region_chosen(update: Update, context: BotContext) -> None:
    """The region: set on the report, noted under its alert; then the precinct or place, typed, if known."""
    query = update.callback_query
    t, services, chat = context.t, context.services, update.effective_chat.id
    region = context.press(cb.UrgentRegion).region
    report_id = services.follow_ups.report_of(chat)
    if report_id is None:
        await query.answer(t("urgent.link_ended"), show_alert=True)
        return
    await query.answer()
    db = await services.db()
    report = await reports.set_where(db, report_id, "region", {"region": region}, [("alert", {"added": "region"})])
    services.follow_ups.ask_where(chat)
    await query.edit_message_text(t("urgent.ask_place", region=t(f"region.{region}"), max=PLACE_MAX),
                                  reply_markup=follow_up_keyboard(t, where=False))
    for item in await outbox.waiting(db, report.id, outbox.FOREGROUND):
        await deliveries.attempt(context, item)


async def _where_typed(update: Update, context: BotContext, report_id: int, text: str) -> str | None:
    """The precinct number or the place (at most PLACE_MAX characters), typed after the region;
    what it was, or None (told why)."""
    message, t = update.message, context.t
    try:
        number = precinct_number(text)
    except Retry as retry:
        await message.reply_text(retry.said(t))
        return None
    changes = {"precinct_kind": "number", "precinct": number} if number is not None else {"place": text}
    added = "precinct" if number is not None else "place"
    await reports.set_where(await context.services.db(), report_id, added, changes, [("alert", {"added": added})])
    context.services.follow_ups.ask_where(update.effective_chat.id, False)
    return added


async def finished(update: Update, context: BotContext) -> None:
    """Done adding: the chat's link to the report is dropped now, and the main menu shown."""
    query = update.callback_query
    context.services.follow_ups.close(update.effective_chat.id)
    await query.answer()
    t = context.t
    await live_keyboard.send(update, context, t("urgent.closed"), keyboards.main_menu(t, context.person))


async def follow_up(update: Update, context: BotContext) -> None:
    """One message sent soon after an urgent report (words, a file, a location): added to the
    report, noted under its alert, and confirmed. Anything else goes on to the journeys."""
    chat = update.effective_chat.id
    report_id = context.services.follow_ups.report_of(chat)
    if report_id is None:
        return
    message, t = update.message, context.t
    db = await context.services.db()
    report = await reports.get(db, report_id)
    if report is None:
        context.services.follow_ups.close(chat)
        return
    if not context.services.follow_ups.count(chat):
        await message.reply_text(t("urgent.follow_up_limit", max=context.services.follow_ups.each))
        raise ApplicationHandlerStop
    added = await _add(update, context, report.id)
    if added is None:
        raise ApplicationHandlerStop
    for item in await outbox.waiting(db, report.id, outbox.FOREGROUND):
        await deliveries.attempt(context, item)
    await message.reply_text(t("urgent.added", what=t(f"urgent.added.{added}"), reference=report.reference))
    raise ApplicationHandlerStop  # taken: no wizard step, story or menu answers it as well


async def _add(update: Update, context: BotContext, report_id: int) -> str | None:
    """Store what the message carries on the report; what it was, or None (the person was told why)."""
    message, t, services = update.message, context.t, context.services
    db = await services.db()
    if message.location is not None:
        await reports.set_location(db, report_id, message.location.latitude, message.location.longitude,
                                   [("alert", {"added": "location"})])
        return "location"
    if message.text is not None:
        text = clean(message.text).strip()
        if not text:
            return None
        # Asked where: a short text is the precinct or the place; a longer one is what happens,
        # added to the description as ever (never refused for being long).
        if services.follow_ups.asking_where(update.effective_chat.id) and len(text) <= PLACE_MAX:
            return await _where_typed(update, context, report_id, text)
        if len(text) > FOLLOW_UP_MAX:  # not from Telegram's apps; said, never cut
            await message.reply_text(t.plural("urgent.too_long", len(text), max=t.number(FOLLOW_UP_MAX)))
            return None
        joined = services.follow_ups.text_added(update.effective_chat.id, len(text), SPLIT_PART, JOIN_WITHIN)
        await reports.append_description(db, report_id, text, [("alert", {"added": "text"})],
                                         separator=" " if joined else "\n\n")
        return "text"
    try:
        incoming = evidence_intake.incoming(message)
        if incoming is None:
            return None
        # Kept under the report at once; its note under the alert goes once it is downloaded
        # (storage.downloads.completed), now or after a time-out, an outage or a restart.
        taken = await evidence_intake.take(context, incoming, report_id=report_id)
    except evidence_intake.NotTaken as why:
        await message.reply_text(t(why.key))
        return None
    db = await context.services.db()
    await witnesses.place(db, report_id)  # the same photo as another report: one event
    return taken.record.kind


def handlers() -> list[BaseHandler]:
    """The journey's buttons (group 0, before the fallback); follow_up_handler runs earlier."""
    return [
        CallbackQueryHandler(ask, pattern=cb.pattern(cb.Menu, item="urgent")),
        CallbackQueryHandler(chose, pattern=cb.pattern(cb.UrgentChoice)),
        CallbackQueryHandler(cancelled, pattern=cb.pattern(cb.UrgentCancel)),
        CallbackQueryHandler(where, pattern=cb.pattern(cb.UrgentWhere)),
        CallbackQueryHandler(region_chosen, pattern=cb.pattern(cb.UrgentRegion)),
        CallbackQueryHandler(finished, pattern=cb.pattern(cb.UrgentDone)),
    ]


def follow_up_handler() -> BaseHandler:
    """Runs before the journeys and before a reply is read as an answer about a report (its
    receipt names the report): within the window, what the person sends is for the alert."""
    return MessageHandler(FOLLOW_UP, follow_up)
