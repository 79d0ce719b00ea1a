"""What a reporter is told through the bot, in their language and without any moderator's name:
the confirmation of their report, its status changes and moderators' public replies."""

from __future__ import annotations

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError

from services import receipts
from services.container import Services
from services.i18n import Html, Translator
from domain.rules import DEFAULT_LANGUAGE
from storage import people
from storage.models import Report

REPORTER_KINDS = ("confirmation", "status", "reply", "lost")  # outbox kinds that go to the reporter


class Unreachable(Exception):
    """The reporter cannot be written to: they deleted their data, or never wrote in private."""


def status_name(t: Translator, status: str, target: str | None = None) -> Html:
    """A status as its reporter reads it: where an escalated report went, and a duplicate as
    what it is to them (a second witness of the same event), not a dismissal."""
    if status == "escalated" and target:
        return t(f"status.escalated_to.{target}")
    if status == "duplicate":
        return t("status.corroborates")
    return t(f"status.{status}")


def meaning(t: Translator, status: str, filed: str | None) -> Html:
    """What the status means to the reporter. An escalation is "a complaint was filed" only
    with a filing date: without one the report was passed on, and no more is said."""
    if status == "escalated" and not filed:
        return t("receipt.meaning.escalated_unfiled")
    return t(f"receipt.meaning.{status}")


def text_for(t: Translator, kind: str, report: Report, body: dict) -> Html:
    """The message of an outbox item for its reporter."""
    if kind == "reply":
        text = t("feedback.reply", reference=report.reference, text=body["text"])
        return Html(f"{text}\n{t('feedback.reply_hint')}") if report.contact_allowed else text
    status = body["status"]
    name = status_name(t, status, body.get("target"))
    if status == "duplicate":
        return t("feedback.status_duplicate_own" if body.get("own") else "feedback.status_duplicate",
                 reference=report.reference)
    # What the status means to the reporter, said with it (the receipt's /status says the same).
    said = meaning(t, status, body.get("filed"))
    if status in ("rejected", "resolved") and body.get("note"):
        return t(f"feedback.status_{status}", reference=report.reference, status=name, meaning=said,
                 note=body["note"])
    return t("feedback.status", reference=report.reference, status=name, meaning=said)


async def tell(bot: Bot, services: Services, report: Report, kind: str, body: dict,
               query: CallbackQuery | None = None) -> None:
    """Send one message to the report's author; the confirmation replaces the review screen when
    the Send press is at hand. Telegram's errors are the caller's to sort (retry or give up).
    The confirmation finds its chat in its own body (an anonymous report has no author to ask);
    everything else only reaches an author who allowed contact."""
    markup = None
    if kind == "confirmation":
        chat_id = receipts.confirmation_chat(services.keys, body)
        if chat_id is None:
            raise Unreachable("the confirmation's chat no longer opens")
        t = services.translator(body.get("lang") or DEFAULT_LANGUAGE)
        code = body["receipt"]
        # An urgent report's reader is in a hurry: its receipt says only what must be kept.
        key = "urgent.sent" if report.priority == "urgent" and not report.contact_allowed else (
            "wizard.sent" if report.contact_allowed else "wizard.sent_anonymous")
        text = t(key, reference=report.reference, code=receipts.shown(code))
        if body.get("coming"):  # files still on their way from Telegram: said plainly
            text = Html(f"{text}\n\n{t.plural('wizard.sent_coming', body['coming'], reference=report.reference)}")
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(
            t("receipt.button", reference=report.reference), callback_data=f"{receipts.CALLBACK}{code}")]])
    elif kind == "lost":  # a file that never came: told to the chat it came from, even anonymous
        chat_id = receipts.confirmation_chat(services.keys, body)
        if chat_id is None:
            raise Unreachable("the chat no longer opens")
        t = services.translator(body.get("lang") or DEFAULT_LANGUAGE)
        text = t("evidence.lost", reference=report.reference, file=t.plural(f"evidence.kind.{body['file']}", 1))
    else:
        if report.reporter_id is None or not report.contact_allowed:
            raise Unreachable("anonymous, or the reporter deleted their data")
        person = await people.get_by_id(await services.db(), report.reporter_id)
        chat_id = await services.chat_of(report.reporter_id)
        if person is None or chat_id is None:
            raise Unreachable("no private chat with the reporter")
        text = text_for(services.translator(person.language), kind, report, body)
    if query is not None:
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except (BadRequest, NetworkError):
            pass  # the review message is gone, or Telegram failed to change it: a new message instead
    await bot.send_message(chat_id, text, reply_markup=markup)
