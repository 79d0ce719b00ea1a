"""Report cards for moderators: the summary with its buttons, posted to the moderators' chat
with the evidence as clean previews, and edited in place as the status changes; when too many
come at once for a card each, one message counts them instead (``post_summary``)."""

from __future__ import annotations

import functools
import logging
from datetime import date, datetime
from typing import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaDocument, InputMediaPhoto, InputMediaVideo
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from handlers import callback_data as cb
from bot.services import deadlines
from bot.services.evidence import read
from bot.services.filetypes import is_active
from bot.services.i18n import Html, Translator
from bot.services.container import Services
from handlers.context import BotContext
from domain.rules import TRANSITIONS
# The table names the review, which posts cards: a module import, read when a card is drawn.
from handlers import report_wizard
from handlers.wizard import View
from storage import evidence, moderation, outbox, people, reports
from storage.crypto import FileUnreadable
from storage.models import Draft, EvidenceRecord, Report

log = logging.getLogger(__name__)

# Buttons by the status they lead to, in the order moderators read them.
ACTIONS: tuple[tuple[str, str], ...] = (
    ("take", "in_review"), ("verify", "verified"), ("reject", "rejected"),
    ("duplicate", "duplicate"), ("escalate", "escalated"), ("resolve", "resolved"), ("reopen", "in_review"),
)


def card_keyboard(t: Translator, report: Report) -> InlineKeyboardMarkup | None:
    possible = TRANSITIONS[report.status]
    buttons = []
    for action, target in ACTIONS:
        reopening = report.status in ("rejected", "duplicate", "verified") and target == "in_review"
        if target in possible and (action == "reopen") == reopening:
            buttons.append(InlineKeyboardButton(t(f"mod.action.{action}"), callback_data=cb.build("m", action, report.id)))
    if report.status == "escalated":  # a mistyped number, or the filing date once known
        buttons.append(InlineKeyboardButton(t("mod.action.correct"), callback_data=cb.build("m", "correct", report.id)))
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[i:i + 3] for i in range(0, len(buttons), 3)])


async def card_text(services: Services, t: Translator, report: Report) -> Html:
    """Everything a moderator needs to judge a report, and nothing about who sent it: each
    step's line as the wizard's table renders it for moderators, then the status."""
    db = await services.db()
    view = View(records=await evidence.of_report(db, report.id), for_moderators=True,
                reporter=await _reporter_line(db, t, report), received_at=report.submitted_at)
    lines = [
        t("mod.card.title", reference=report.reference, status=t(f"status.{report.status}")),
        *report_wizard.STEPS.summary(t, Draft.of_report(report), view),
        *await _status_lines(services, db, t, report),
    ]
    return Html("\n".join(lines))


async def _reporter_line(db, t: Translator, report: Report) -> Html:
    role = t(f"role.{report.reporter_role}")
    if report.accredited:
        role = Html(f"{role} {t('mod.card.accredited')}")
    if report.reporter_id is None:
        return t("mod.card.reporter_gone", role=role)
    person = await people.get_by_id(db, report.reporter_id)
    earlier = await reports.count_before(db, report.reporter_id, report.id)
    contact = t("mod.card.contact_yes" if report.contact_allowed else "mod.card.contact_no")
    return t("mod.card.reporter", role=role, code=person.short_name if person else "—",
             earlier=t.plural("mod.card.earlier", earlier), contact=contact)


async def _status_lines(services: Services, db, t: Translator, report: Report) -> list[Html]:
    lines = []
    if report.status_changed_at:
        who = await moderation.staff_name(db, report.taken_by) or t("mod.card.someone")
        lines.append(t("mod.card.changed", who=who, at=t.datetime(datetime.fromisoformat(report.status_changed_at))))
    if report.status == "rejected" and report.status_note:
        lines.append(t("mod.card.reason", value=report.status_note))
    if report.status == "duplicate" and report.duplicate_of:
        lines.append(t("mod.card.duplicate_of", value=report.duplicate_of))
    if report.escalated_to:
        for step in await moderation.escalation_steps(db, report.id):
            lines.append(t("mod.card.escalated", target=t(f"mod.target.{step.target}"),
                           ref=step.external_ref or "—",
                           date=_day(t, step.external_date)))
    lines += deadline_lines(services, t, report)
    if report.status == "resolved" and report.status_note:
        lines.append(t("mod.card.outcome", value=report.status_note))
    return lines


def _day(t: Translator, text: str | None) -> str:
    """A stored date as the reader writes it; one that is not a date is shown as it is."""
    try:
        return t.date(date.fromisoformat(text)) if text else "—"
    except ValueError:
        return text


def deadline_lines(services: Services, t: Translator, report: Report) -> list[Html]:
    """Each deadline the report runs against, flagged when close, due today or missed."""
    today = services.today()
    lines = []
    for deadline in deadlines.of_report(report, services.settings.tz):
        stage = deadline.stage(today) or "running"
        key = f"mod.card.deadline.{deadline.kind}" + ("_estimated" if deadline.estimated else "")
        lines.append(t(key, date=t.date(deadline.day), state=t(f"mod.deadline_state.{stage}")))
    return lines


def moderator_translator(services: Services) -> Translator:
    return services.translator(services.settings.moderator_language)


async def refresh_card(context: ContextTypes.DEFAULT_TYPE, services: Services, report: Report) -> None:
    """Edit the report's card in the moderators' chat to show its current state."""
    chat_id = services.settings.moderator_chat_id
    if chat_id is None or report.moderator_message_id is None:
        return
    t = moderator_translator(services)
    try:
        await context.bot.edit_message_text(await card_text(services, t, report), chat_id=chat_id,
                                            message_id=report.moderator_message_id,
                                            reply_markup=card_keyboard(t, report))
    except TelegramError as exc:
        log.warning("report %s: card not updated (%s)", report.reference, type(exc).__name__)


async def post_card(context: BotContext, report: Report) -> None:
    """The card with its buttons, once: a report whose card is in the chat is left alone."""
    services = context.services
    chat_id = services.settings.moderator_chat_id
    if chat_id is None or report.moderator_message_id is not None:
        return
    t = moderator_translator(services)
    message = await context.bot.send_message(chat_id, await card_text(services, t, report),
                                             reply_markup=card_keyboard(t, report))
    await moderation.set_moderator_message(await services.db(), report.id, message.message_id)


async def post_answer(context: BotContext, report: Report, text: str) -> None:
    """A reporter's answer, under the report's card in the moderators' chat."""
    services = context.services
    chat_id = services.settings.moderator_chat_id
    if chat_id is None:
        return  # it is in the report's history; /view shows it
    if report.moderator_message_id is None and await outbox.card_coming(await services.db(), report.id):
        raise CardNotPosted(report.reference)
    # Under its card; a report that went into a summary has none, and the answer names it.
    t = moderator_translator(services)
    await context.bot.send_message(chat_id, t("mod.reporter_answer", reference=report.reference, text=text),
                                   reply_to_message_id=report.moderator_message_id,
                                   allow_sending_without_reply=True)


SUMMARY_REFERENCES = 30  # urgent references named in a summary; more are on the dashboard


def urgent(services: Services, report: Report) -> bool:
    return deadlines.urgent(report, services.settings.tz, services.today())


async def post_summary(context: BotContext, report_ids: list[int]) -> None:
    """One message for reports that got no card ("12 new, 2 urgent"), naming the urgent ones
    and pointing to the dashboard and /queue, where they all are."""
    services = context.services
    chat_id = services.settings.moderator_chat_id
    if chat_id is None or not report_ids:
        return
    db = await services.db()
    found = [report for report in [await reports.get(db, report_id) for report_id in report_ids] if report]
    pressing = [report.reference for report in found if urgent(services, report)]
    t = moderator_translator(services)
    lines = [t.plural("mod.summary", len(found), urgent=t.number(len(pressing)))]
    if pressing:
        more = " …" if len(pressing) > SUMMARY_REFERENCES else ""
        lines.append(t("mod.summary_urgent", references=", ".join(pressing[:SUMMARY_REFERENCES]) + more))
    url = getattr(services.settings, "public_url", None)
    if url:
        lines.append(t("mod.summary_link", url=url.rstrip("/")))
    await context.bot.send_message(chat_id, "\n".join(lines))


class CardNotPosted(Exception):
    """The evidence goes under its card, which is not in the chat yet."""


async def post_evidence_under_card(context: BotContext, report: Report, done: int,
                                   progress: Callable[[int], Awaitable[None]]) -> None:
    """The evidence as replies to the report's card, from the ``done``-th message on; after
    each message ``progress`` is told how many are done, so a retry goes on from there."""
    services = context.services
    chat_id = services.settings.moderator_chat_id
    if chat_id is None:
        return
    if report.moderator_message_id is None:
        raise CardNotPosted(report.reference)
    records = await evidence.of_report(await services.db(), report.id)
    sends = evidence_messages(context, services, chat_id, report, records, reply_to=report.moderator_message_id)
    for number, send in enumerate(sends[done:], start=done + 1):
        await send()
        await progress(number)


def _preview(services: Services, record: EvidenceRecord) -> bytes | None:
    """The clean preview of a photo, or None when it cannot be read (lost in a power cut, or
    altered): the card goes out without it, and the original stays for /bundle."""
    try:
        return read(services.settings.data_dir, record.preview_path, services.keys)
    except (FileUnreadable, OSError) as exc:
        log.warning("preview of evidence %s unreadable (%s): card sent without it", record.id, type(exc).__name__)
        return None


async def post_evidence(context, services: Services, chat_id: int, report: Report,
                        records: list[EvidenceRecord]) -> None:
    """All of a report's evidence to one chat (a moderator's /view)."""
    for send in evidence_messages(context, services, chat_id, report, records):
        await send()


def evidence_messages(context, services: Services, chat_id: int, report: Report, records: list[EvidenceRecord],
                      reply_to: int | None = None) -> list[Callable[[], Awaitable[object]]]:
    """One call per message: photos as our clean previews (never the sender's file: it may carry
    GPS), the rest by file_id; albums of up to ten, since Telegram takes no more in one media
    group. Each carries the report's reference (a round video, which takes no caption, in a
    reply of its own) and, under a card, replies to it."""
    visual: list[tuple[str, object]] = []
    documents: list[tuple[str, object]] = []
    singles: list[EvidenceRecord] = []
    for record in records:
        if is_active(record.mime_type):
            continue  # SVG or HTML: a viewer would run it; lawyers get it from /bundle
        if record.preview_path:
            preview = _preview(services, record)
            if preview is not None:
                visual.append(("photo", preview))
        elif record.kind == "video":
            visual.append(("video", record.file_id))
        elif record.kind == "document":
            documents.append(("document", record.file_id))
        else:
            singles.append(record)
    reply = {"reply_to_message_id": reply_to, "allow_sending_without_reply": True} if reply_to else {}
    sends: list[Callable[[], Awaitable[object]]] = []
    for items in (visual, documents):
        for start in range(0, len(items), 10):
            sends.append(functools.partial(_send_group, context, chat_id, items[start:start + 10],
                                           report.reference, reply))
    senders = {"voice": context.bot.send_voice, "audio": context.bot.send_audio}
    t = (moderator_translator(services) if chat_id == services.settings.moderator_chat_id
         else getattr(context, "t", None) or moderator_translator(services))

    # A round video takes no caption: a short reply to it holds the reference. A retry that
    # starts at the reply (the video went out before a restart) puts it under the card instead.
    async def video_note(file_id: str, sent: dict[str, int]) -> object:
        message = await context.bot.send_video_note(chat_id, file_id, **reply)
        sent["message_id"] = message.message_id
        return message

    async def its_reference(sent: dict[str, int]) -> object:
        under = ({"reply_to_message_id": sent["message_id"], "allow_sending_without_reply": True}
                 if "message_id" in sent else reply)
        return await context.bot.send_message(chat_id, t("mod.evidence_reference", reference=report.reference),
                                              **under)

    for record in singles:
        if record.kind == "video_note":
            sent: dict[str, int] = {}
            sends += [functools.partial(video_note, record.file_id, sent), functools.partial(its_reference, sent)]
        else:
            sends.append(functools.partial(senders[record.kind], chat_id, record.file_id,
                                           caption=report.reference, **reply))
    return sends


_MEDIA = {"photo": InputMediaPhoto, "video": InputMediaVideo, "document": InputMediaDocument}


async def _send_group(context, chat_id: int, items: list[tuple[str, object]], reference: str,
                      reply: dict) -> None:
    if len(items) == 1:
        kind, media = items[0]
        send = {"photo": context.bot.send_photo, "video": context.bot.send_video,
                "document": context.bot.send_document}[kind]
        await send(chat_id, media, caption=reference, **reply)
        return
    group = [_MEDIA[kind](media, caption=reference if i == 0 else None) for i, (kind, media) in enumerate(items)]
    await context.bot.send_media_group(chat_id, group, **reply)
