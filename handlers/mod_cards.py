"""Report cards for moderators: the summary with its buttons, posted to the moderators' chat
with the evidence as clean previews, and edited in place as the status changes; when too many
come at once for a card each, one message counts them instead (``post_summary``)."""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Awaitable, Callable, ContextManager

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaDocument, InputMediaPhoto, InputMediaVideo
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from handlers import callback_data as cb
from services import deadlines, evidence_posting
from services import moderation as rulebook, witnesses
from services import evidence_labels as labels
from services.evidence import read, read_original
from services.i18n import Html, Translator
from services.container import Services
from handlers.context import BotContext
from domain.rules import OPEN
from handlers import report_summary
from handlers.wizard import View
from storage import evidence, moderation, outbox, people, reports
from storage import witnesses as storage_witnesses
from storage.crypto import FileUnreadable
from storage.models import Draft, EvidenceRecord, Report

log = logging.getLogger(__name__)

def card_keyboard(t: Translator, report: Report, grouped: bool = False) -> InlineKeyboardMarkup | None:
    """The actions the report's status offers (the rulebook's, as on the dashboard), and its
    group's when it is in one (``grouped``)."""
    buttons = []
    for action in rulebook.offered(report, grouped=grouped):
        name = "correct" if action == "correct_escalation" else action  # its button's older name
        data = cb.encode(cb.CardAction(name, report.id))
        buttons.append(InlineKeyboardButton(t(f"mod.action.{name}"), callback_data=data))
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[i:i + 3] for i in range(0, len(buttons), 3)])


async def card_text(services: Services, t: Translator, report: Report) -> Html:
    """Everything a moderator needs to judge a report, and nothing about who sent it: each
    step's line as the wizard's table renders it for moderators, then the status."""
    db = await services.db()
    view = View(records=await evidence.of_report(db, report.id), for_moderators=True,
                reporter=await _reporter_line(services, db, t, report), received_at=report.submitted_at)
    lines = [
        *([t("mod.card.urgent")] if report.priority == "urgent" else []),
        t("mod.card.title", reference=report.reference, status=t(f"status.{report.status}")),
        *report_summary.summary(t, Draft.of_report(report), view),
        *await _status_lines(services, db, t, report),
    ]
    return Html("\n".join(lines))


async def _reporter_line(services: Services, db, t: Translator, report: Report) -> Html:
    """Who sent it, as far as moderators may know: an anonymous report is linked to nobody, so
    it has no code, no count of earlier reports and nobody to write to."""
    role = t(f"role.{report.reporter_role}")
    if report.accredited:
        role = Html(f"{role} {t('mod.card.accredited')}")
    if not report.contact_allowed:
        return t("mod.card.reporter_anonymous", role=role)
    person = await people.get_by_id(db, report.reporter_id) if report.reporter_id is not None else None
    if person is None:
        return t("mod.card.reporter_gone", role=role)
    earlier = await reports.count_before(db, person.id, report.id)
    return t("mod.card.reporter", role=role, code=services.reporter_code(person),
             earlier=t.plural("mod.card.earlier", earlier), contact=t("mod.card.contact_yes"))


async def in_group(services: Services, report: Report) -> bool:
    """Whether the report is in a group of witnesses (its card offers to confirm or split it)."""
    return await storage_witnesses.group_of(await services.db(), report.id) is not None


async def _status_lines(services: Services, db, t: Translator, report: Report) -> list[Html]:
    lines = []
    group = witnesses.line(t, await storage_witnesses.group_of(db, report.id), report.id)
    if group is not None:  # a new report joining others of one event says so on its card
        lines.append(group)
    if report.status_changed_at:
        who = await moderation.staff_name(db, report.taken_by) or t("mod.card.someone")
        lines.append(t("mod.card.changed", who=who, at=t.datetime(datetime.fromisoformat(report.status_changed_at))))
    if report.taken_by is None and report.status in OPEN and report.status != "new":
        lines.append(t("mod.card.unassigned"))  # its moderator left: anyone may take it
    if report.status == "rejected" and report.status_note:
        lines.append(t("mod.card.reason", value=report.status_note))
    if report.status == "duplicate" and report.duplicate_of:
        lines.append(t("mod.card.duplicate_of", value=report.duplicate_of))
    steps = await moderation.escalation_steps(db, report.id)
    for step in steps:
        # "filed" only with a filing date: without one the card says it is not known yet.
        key = "mod.card.escalated" if step.external_date else "mod.card.escalated_unfiled"
        lines.append(t(key, target=t(f"mod.target.{step.target}"), ref=step.external_ref or "—",
                       date=_day(t, step.external_date)))
        if step.answer_kind:
            lines.append(t(f"mod.card.step_{step.answer_kind}", date=_day(t, step.answer_date)))
    lines += deadline_lines(services, t, report, steps)
    if report.status == "resolved" and report.status_note:
        lines.append(t("mod.card.outcome", value=report.status_note))
    return lines


def _day(t: Translator, text: str | None) -> str:
    """A stored date as the reader writes it; one that is not a date is shown as it is."""
    try:
        return t.date(date.fromisoformat(text)) if text else "—"
    except ValueError:
        return text


def deadline_lines(services: Services, t: Translator, report: Report, steps=None) -> list[Html]:
    """Every window of the report and of each filing in its chain: met, running, close, due
    today, overdue or missed."""
    today = services.today()
    return [Html(deadlines.describe(t, deadline, today))
            for deadline in deadlines.of_report(report, services.settings.tz, steps, services.settings.election_day)]


def moderator_translator(services: Services) -> Translator:
    return services.translator(services.settings.moderator_language)


async def refresh_card(context: ContextTypes.DEFAULT_TYPE, services: Services, report: Report) -> None:
    """Edit the report's card in the moderators' chat to show its current state."""
    chat_id = services.settings.moderator_chat_id
    if chat_id is None or report.moderator_message_id is None:
        return
    t = moderator_translator(services)
    text, markup = await card_text(services, t, report), card_keyboard(t, report, await in_group(services, report))
    if _drawn(context).get(report.id) == _look(text, markup):
        return  # two redraws of one state (a card posted as it already is): Telegram refuses the second
    try:
        await context.bot.edit_message_text(text, chat_id=chat_id, message_id=report.moderator_message_id,
                                            reply_markup=markup)
    except TelegramError as exc:
        log.warning("report %s: card not updated (%s)", report.reference, type(exc).__name__)
        return
    _remember_drawn(context, report.id, text, markup)


_DRAWN = "cards.drawn"  # bot_data: report id -> how its card was last drawn (this process's)
_DRAWN_KEPT = 10_000


def _look(text: str, markup: InlineKeyboardMarkup | None) -> int:
    return hash((str(text), markup.to_json() if markup is not None else ""))


def _drawn(context: ContextTypes.DEFAULT_TYPE) -> dict[int, int]:
    return context.application.bot_data.setdefault(_DRAWN, {})


def _remember_drawn(context: ContextTypes.DEFAULT_TYPE, report_id: int, text: str,
                    markup: InlineKeyboardMarkup | None) -> None:
    drawn = _drawn(context)
    drawn.pop(report_id, None)
    drawn[report_id] = _look(text, markup)
    if len(drawn) > _DRAWN_KEPT:  # the oldest drawn first out (dicts keep their order)
        del drawn[next(iter(drawn))]


async def post_card(context: BotContext, report: Report) -> None:
    """The card with its buttons, once: a report whose card is in the chat is left alone."""
    services = context.services
    chat_id = services.settings.moderator_chat_id
    if chat_id is None or report.moderator_message_id is not None:
        return
    t = moderator_translator(services)
    text, markup = await card_text(services, t, report), card_keyboard(t, report, await in_group(services, report))
    message = await context.bot.send_message(chat_id, text, reply_markup=markup)
    await moderation.set_moderator_message(await services.db(), report.id, message.message_id)
    _remember_drawn(context, report.id, text, markup)


async def post_alert(context: BotContext, report: Report, body: dict,
                     noted: Callable[[], Awaitable[None]]) -> None:
    """An urgent report in the moderators' chat: its card (with the urgent banner, first of
    everything queued: handlers.deliveries), or a note under it of what its reporter added since
    (``body["added"]``: text, location, or a file, posted after the note); ``noted`` is told
    once the note is in the chat, so a retry posts only the file."""
    added = body.get("added")
    if added is None:
        await post_card(context, report)
        return
    services = context.services
    chat_id = services.settings.moderator_chat_id
    if chat_id is None:
        return  # it is in the report's history; /view shows it
    db = await services.db()
    if report.moderator_message_id is None and await outbox.card_coming(db, report.id):
        raise CardNotPosted(report.reference)
    t = moderator_translator(services)
    reply = ({"reply_to_message_id": report.moderator_message_id, "allow_sending_without_reply": True}
             if report.moderator_message_id else {})
    if not body.get("noted"):
        await context.bot.send_message(chat_id, t("mod.urgent_added", reference=report.reference,
                                                  what=t(f"urgent.added.{added}")), **reply)
        await refresh_card(context, services, report)  # the description or the place changed
        await noted()
    if body.get("evidence") is not None:
        records = await evidence.of_report(db, report.id)
        for send in evidence_messages(context, services, chat_id, report, records,
                                      reply_to=report.moderator_message_id, only={body["evidence"]}):
            await send()


async def post_answer(context: BotContext, report: Report, text: str, evidence_id: int | None = None) -> None:
    """A reporter's answer, under the report's card in the moderators' chat; a file they
    answered with (``evidence_id``) follows its caption's line."""
    services = context.services
    chat_id = services.settings.moderator_chat_id
    if chat_id is None:
        return  # it is in the report's history; /view shows it
    if report.moderator_message_id is None and await outbox.card_coming(await services.db(), report.id):
        raise CardNotPosted(report.reference)
    # Under its card; a report that went into a summary has none, and the answer names it.
    t = moderator_translator(services)
    said = (t("mod.reporter_answer", reference=report.reference, text=text) if text
            else t("mod.reporter_answer_file", reference=report.reference))
    await context.bot.send_message(chat_id, said, reply_to_message_id=report.moderator_message_id,
                                   allow_sending_without_reply=True)
    if evidence_id is not None:
        records = await evidence.of_report(await services.db(), report.id)
        for send in evidence_messages(context, services, chat_id, report, records,
                                      reply_to=report.moderator_message_id, only={evidence_id}):
            await send()


SUMMARY_REFERENCES = 30  # urgent references named in a summary; more are on the dashboard


def named(t: Translator, report: Report) -> str:
    """A report's reference in a list for moderators, marked when it is urgent (its priority)."""
    return f"{t('mod.urgent_flag')} {report.reference}" if report.priority == "urgent" else report.reference


def urgent(services: Services, report: Report) -> bool:
    return deadlines.urgent(report, services.settings.tz, services.today(),
                            election_day=services.settings.election_day)


async def post_summary(context: BotContext, report_ids: list[int]) -> None:
    """One message for reports that got no card ("12 new, 2 urgent"), naming the urgent ones
    and pointing to the dashboard and /queue, where they all are."""
    services = context.services
    chat_id = services.settings.moderator_chat_id
    if chat_id is None or not report_ids:
        return
    db = await services.db()
    found = [report for report in [await reports.get(db, report_id) for report_id in report_ids] if report]
    # Those filed as urgent first (their alert came apart: handlers.deliveries), then the rest.
    pressing = [report.reference for report in sorted(found, key=lambda r: r.priority != "urgent")
                if urgent(services, report)]
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
                                   progress: Callable[[int], Awaitable[None]],
                                   departing: Callable[[int], ContextManager[None]],
                                   only: set[int] | None = None) -> None:
    """The evidence as replies to the report's card, after the first ``done`` messages; each
    message is sent inside ``departing(its number)`` (its intent recorded as it goes:
    handlers.deliveries) and ``progress`` is told how many are done after it, so a retry goes on
    from there and never sends one again. ``only``: just these files (one that came from
    Telegram after the rest was posted)."""
    services = context.services
    chat_id = services.settings.moderator_chat_id
    if chat_id is None:
        return
    if report.moderator_message_id is None:
        raise CardNotPosted(report.reference)
    records = await evidence.of_report(await services.db(), report.id)
    sends = evidence_messages(context, services, chat_id, report, records, reply_to=report.moderator_message_id,
                              only=only)
    for number, send in enumerate(sends[done:], start=done + 1):
        with departing(number):
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
                      reply_to: int | None = None, only: set[int] | None = None,
                      ) -> list[Callable[[], Awaitable[object]]]:
    """One call per message: photos as our clean previews (never the sender's file: it may carry
    GPS); a file whose own data may identify the reporter or could not be read, as a line saying
    why (services.evidence_posting decides); a file Telegram holds under a name its sender
    chose as our stored original, uploaded under its neutral name (by file_id Telegram would
    show the sender's name); the rest by file_id. Albums of up to ten, since Telegram takes no more in one media group. Each carries
    the report's reference (a round video, which takes no caption, in a reply of its own) and
    the warning of a file whose own data may identify the reporter; under a card, replies to it.
    ``only``: just these files (by id), named as among all of ``records``."""
    t = (moderator_translator(services) if chat_id == services.settings.moderator_chat_id
         else getattr(context, "t", None) or moderator_translator(services))
    visual: list[_Item] = []
    documents: list[_Item] = []
    singles: list[_Item] = []
    withheld: list[Html] = []
    for name, record in labels.numbered(report.reference, records):
        if (only is not None and record.id not in only) or record.pending:
            continue  # not asked for; or still coming from Telegram (it follows once it is in)
        posting = evidence_posting.how_posted(record)
        if posting == "nothing":
            continue  # SVG or HTML: a viewer would run it; lawyers get it from /bundle
        warning = labels.notes(t, name, record)  # and what the reporter wrote under it
        if posting == "preview":
            preview = _preview(services, record)
            if preview is not None:
                visual.append(_Item("photo", preview, name, warning))
            continue
        if posting == "line":  # its own data may identify the reporter, or could not be read
            withheld.append(evidence_posting.line(t, name, record))
            continue
        item = _original(record, name, warning)
        if item is None:
            withheld.append(_withheld(t, name, record))
        elif record.kind in ("photo", "video"):
            visual.append(item)
        elif record.kind == "document":
            documents.append(item)
        else:
            singles.append(item)
    reply = {"reply_to_message_id": reply_to, "allow_sending_without_reply": True} if reply_to else {}
    sends: list[Callable[[], Awaitable[object]]] = []
    for items in (visual, documents):
        for album in _albums(items):
            sends.append(functools.partial(_send_group, context, services, t, chat_id, album, report.reference, reply))

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

    for item in singles:
        if item.kind == "video_note" and not item.upload:
            sent: dict[str, int] = {}
            sends += [functools.partial(video_note, item.media, sent), functools.partial(its_reference, sent)]
        else:
            sends.append(functools.partial(_send_group, context, services, t, chat_id, [item], report.reference, reply))
    for notice in withheld:
        sends.append(functools.partial(context.bot.send_message, chat_id, notice, **reply))
    return sends


# An original is uploaded from memory (python-telegram-bot reads an upload whole): up to the Bot
# API's limit for a bot's upload, and one album's worth at a time. Larger ones are named in the
# chat and downloaded from the dashboard.
UPLOAD_LIMIT = 50 * 1024 * 1024
ALBUM_UPLOAD_BYTES = 20 * 1024 * 1024
_CAPTION_LIMIT = 1024  # Telegram's, in UTF-16 code units


@dataclass(frozen=True)
class _Item:
    """One file as it goes to the chat: ``media`` is a preview's bytes, a file_id, or (with
    ``upload``) the stored path of an original, read only when it is sent."""

    kind: str
    media: object
    name: str
    warning: Html | None
    upload: bool = False
    size: int = 0


def _original(record: EvidenceRecord, name: str, warning: Html | None) -> _Item | None:
    """How a file other than a previewed image goes out; None when it cannot without showing
    the name its sender gave it (never downloaded, or too large to upload)."""
    if not record.sender_named:
        return _Item(record.kind, record.file_id, name, warning)  # no name to show: by file_id
    if record.stored_path and not record.too_big and (record.size or 0) <= UPLOAD_LIMIT:
        return _Item(record.kind, record.stored_path, name, warning, upload=True, size=record.size or 0)
    return None


def _withheld(t: Translator, name: str, record: EvidenceRecord) -> Html:
    """The line that stands for a file not posted: never downloaded, or too large to upload."""
    never_stored = record.too_big or not record.stored_path
    return t("mod.evidence.withheld_too_big" if never_stored else "mod.evidence.withheld_large", name=name)


def _albums(items: list[_Item]) -> list[list[_Item]]:
    """Up to ten items an album, and no more originals to upload than ALBUM_UPLOAD_BYTES in one
    (a larger original goes alone)."""
    albums: list[list[_Item]] = []
    load = 0
    for item in items:
        if not albums or len(albums[-1]) == 10 or (item.upload and load and load + item.size > ALBUM_UPLOAD_BYTES):
            albums.append([])
            load = 0
        albums[-1].append(item)
        load += item.size if item.upload else 0
    return albums


def _captions(reference: str, items: list[_Item]) -> list[str | None]:
    """The reference and every warning on the first item, which clients show under an album;
    when that is too long for one caption, each warning on its own item."""
    warnings = [item.warning for item in items if item.warning]
    together = "\n".join([reference, *warnings])
    if len(together.encode("utf-16-le")) // 2 <= _CAPTION_LIMIT:
        return [together] + [None] * (len(items) - 1)
    first = "\n".join([reference, *([items[0].warning] if items[0].warning else [])])
    return [first] + [item.warning for item in items[1:]]


_MEDIA = {"photo": InputMediaPhoto, "video": InputMediaVideo, "document": InputMediaDocument}


async def _send_group(context, services: Services, t: Translator, chat_id: int, items: list[_Item],
                      reference: str, reply: dict) -> None:
    """One message or one album; originals are read from storage now, so a list of these
    holds no file. One that can no longer be read is left out and named instead."""
    ready: list[tuple[_Item, object]] = []
    for item in items:
        media = await _media(services, item)
        if media is None:
            await context.bot.send_message(chat_id, t("mod.evidence.unreadable", name=item.name), **reply)
        else:
            ready.append((item, media))
    if not ready:
        return
    captions = _captions(reference, [item for item, _ in ready])
    # Bytes we upload go under the neutral name; a file_id keeps whatever Telegram holds (none).
    named = [{"filename": item.name} if isinstance(media, bytes) else {} for item, media in ready]
    if len(ready) == 1:
        (item, media), caption = ready[0], captions[0]
        await _send_one(context, t, chat_id, item, media, caption, named[0], reference, reply)
        return
    group = [_MEDIA[item.kind](media, caption=caption, **name)
             for (item, media), caption, name in zip(ready, captions, named)]
    try:
        await context.bot.send_media_group(chat_id, group, **reply)
    except BadRequest as exc:
        # One file Telegram will not take (a photo too long for its limits) refuses the whole
        # album: each goes alone, so the rest still reach the chat.
        log.warning("an album of %s refused (%s): its files go one by one", reference, exc.message)
        for (item, media), name in zip(ready, named):
            await _send_one(context, t, chat_id, item, media, _captions(reference, [item])[0], name, reference, reply)


async def _send_one(context, t: Translator, chat_id: int, item: _Item, media: object, caption: str | None,
                    named: dict, reference: str, reply: dict) -> None:
    """One file as its own message; one Telegram refuses goes as a document (a file is taken
    whatever its dimensions), and one refused that way too is named in the chat instead."""
    send = {"photo": context.bot.send_photo, "video": context.bot.send_video, "document": context.bot.send_document,
            "audio": context.bot.send_audio, "voice": context.bot.send_voice,
            "video_note": context.bot.send_video_note}[item.kind]
    extra = {} if item.kind == "video_note" else {"caption": caption}
    if item.kind == "audio" and item.upload:
        # Ours, not the tags inside the file (artist, title), which Telegram would show.
        extra.update(title=item.name, performer=reference)
    try:
        await send(chat_id, media, **named, **extra, **reply)
        return
    except BadRequest as exc:
        log.warning("a file of %s refused (%s)", reference, exc.message)
    if item.kind != "document" and isinstance(media, bytes):
        try:
            await context.bot.send_document(chat_id, media, filename=item.name,
                                            caption=caption or reference, **reply)
            return
        except BadRequest as exc:
            log.warning("a file of %s refused as a document too (%s)", reference, exc.message)
    await context.bot.send_message(chat_id, t("mod.evidence.refused", name=item.name), **reply)


async def _media(services: Services, item: _Item) -> object | None:
    """What to hand Telegram for an item: the preview or file_id as it is, an original's bytes
    decrypted (off the event loop); None when the original can no longer be read."""
    if not item.upload:
        return item.media
    try:
        return await asyncio.to_thread(read_original, services.settings.data_dir, item.media, services.keys)
    except (FileUnreadable, OSError) as exc:
        log.warning("original of %s unreadable (%s): not posted", item.name, type(exc).__name__)
        return None
