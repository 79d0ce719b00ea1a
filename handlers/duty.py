"""Moderators on duty: /duty on|off, and the private copy of an urgent (🆘) alert each of them
gets besides the one in the moderators' group (outbox kind ``duty``, sent ahead of cards).

The private alert says what the report is about and where to look (its reference, /view), and
nothing of who sent it: the reporter is as anonymous to a moderator's phone as to the group."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from services import feedback
from domain.rules import URGENT_CHOICES
from handlers.context import BotContext
from handlers.staff_guard import fence
from storage import moderation, people
from storage.models import Person, Report


async def duty_command(update: Update, context: BotContext) -> None:
    """/duty on|off: whether urgent alerts also come to this staff member's private chat; /duty
    alone says which it is now."""
    t, services = context.t, context.services
    db = await services.db()
    person = context.person
    choice = (context.args or [""])[0].lower()
    if choice not in ("on", "off"):
        state = t("duty.state.on" if await people.is_on_duty(db, person.id) else "duty.state.off")
        await update.effective_message.reply_text(t("mod.usage.duty", state=state))
        return
    if choice == "on" and await services.chat_of(person.id) is None:
        await update.effective_message.reply_text(t("duty.no_private_chat"))  # nowhere to send it yet
        return
    await people.set_on_duty(db, person.id, choice == "on")
    await moderation.record(db, None, f"moderator {person.actor_code}", "duty", choice)
    await update.effective_message.reply_text(t(f"duty.{choice}"))


async def on_duty_staff(context: BotContext) -> list[Person]:
    """Who gets an urgent alert in private: on duty, and still staff."""
    services = context.services
    admins = await services.admin_pseudonyms()
    return [person for person in await people.on_duty(await services.db())
            if person.role in ("moderator", "admin") or person.pseudonym in admins]


async def alert_privately(context: BotContext, report: Report, person_id: int) -> None:
    """One urgent report's alert in an on-duty staff member's private chat, in their language.
    Someone who went off duty or left the staff since it was recorded is not written to."""
    services = context.services
    person = next((staff for staff in await on_duty_staff(context) if staff.id == person_id), None)
    if person is None:
        raise feedback.Unreachable("no longer on duty, or no longer staff")
    chat_id = await services.chat_of(person_id)
    if chat_id is None:
        raise feedback.Unreachable("no private chat with the moderator")
    t = services.translator(person.language)
    # The choice it was filed with, or the category a moderator has set since.
    sub = report.subcategory
    what = (t(f"urgent.choice.{sub}") if sub in URGENT_CHOICES
            else t(f"category.{sub}") if sub else t(f"group.{report.category}"))
    await context.bot.send_message(chat_id, t("duty.alert", reference=report.reference, what=what))


def handlers() -> list[BaseHandler]:
    return fence("staff", [CommandHandler("duty", duty_command)])
