"""Telegram handlers, one module per user journey; ``register`` wires them in order."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from handlers.context import BotContext, identified, identify
from handlers import (
    admin, buttons, dashboard, delete_data, duty, errors, fallback, flood, groups, info, language, mod_filings, mod_find, mod_prompts,
    mod_queries, mod_view, moderation, my_reports, official, receipts, reporter_answers, report_story, report_wizard, start, urgent,
)


async def counted(update: Update, context: BotContext) -> None:
    """Runs before everything: the update is counted, with its lag, for the operator's metrics."""
    message = update.effective_message
    context.services.metrics.took(message.date.timestamp() if message is not None and message.date else None)


def register(application: Application) -> None:
    """Add every handler. The group order matters:
    -200 counts every update for the metrics; -100 finds the person behind it, and -99 stops an update
      whose person could not be found (the error handler answered it); -90 drops floods before any work is done;
    -80 reads a button's data once, for every handler after it, and answers data no button of this bot carries;
    -12 takes the official figures' file an administrator sends after /official (any other document
      goes on untouched);
    -11 takes what someone sends soon after their urgent report, for its alert (before a reply to
      its receipt is read as an answer about it, before any wizard step);
    -10 takes a moderator's reply to the bot's question; -9 a reporter's answer to a moderator's question
      (a reply about their report, or anything sent while a question is open and no report is being written);
    0 holds the journeys, the report wizard first so that its steps take typed text, and
      last the fallback that answers any button nobody took (one of a kind the door read, for
      a journey not open: a wizard's button with no report being written)."""
    application.add_handler(TypeHandler(Update, counted), group=-200)
    application.add_handler(TypeHandler(Update, identify), group=-100)
    application.add_handler(TypeHandler(Update, identified), group=-99)
    application.add_handler(TypeHandler(Update, flood.guard), group=-90)
    application.add_handler(buttons.handler(), group=-80)
    application.add_handler(official.file_handler(), group=official.GROUP)
    application.add_handler(urgent.follow_up_handler(), group=-11)
    application.add_handler(mod_prompts.answer_handler(), group=-10)
    application.add_handler(reporter_answers.answer_handler(), group=-9)
    journeys = (receipts, reporter_answers, report_wizard, report_story, start, urgent, language, info,
                my_reports, delete_data, moderation, mod_prompts, mod_queries, mod_filings, mod_find, mod_view, dashboard,
                duty, admin, official, groups, fallback)
    for module in journeys:
        for handler in module.handlers():
            application.add_handler(handler)
    application.add_error_handler(errors.on_error)
