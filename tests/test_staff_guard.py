"""The one fence: every staff command and button is registered behind it, every command the bot
registers is a known one, and a staff member's name is written only when it changes."""

from __future__ import annotations

import re

import pytest
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.app import build_application
from domain.rules import ADMIN_COMMANDS, MODERATOR_COMMANDS, OBSERVER_COMMANDS, USER_COMMANDS
from handlers.staff_guard import FENCE
from storage import moderation
from tests.fake_telegram import FakeUser
from tests.report_helpers import L, db_rows

ADMIN = 1001
GROUP = {"id": -100777, "type": "supergroup", "title": "Moderators"}
# A button of each staff kind of callback data (handlers.callback_data), and whom it is for.
STAFF_BUTTONS = {"m:take:1": "staff", "esc:1:court": "staff", "escc:1:court": "staff", "p:cancel": "staff",
                 "q:2": "staff", "fq:1:.:.": "staff"}


def registered(application) -> list:
    """Every handler of the application, those inside the report conversation included."""
    found = []
    for handlers in application.handlers.values():
        for handler in handlers:
            found.append(handler)
            if isinstance(handler, ConversationHandler):
                found += handler.entry_points + handler.fallbacks
                found += [h for state in handler.states.values() for h in state]
    return found


@pytest.fixture
def application(fake, data_dir):
    from tests.harness import make_settings
    return build_application(make_settings(fake, data_dir, admin_ids=str(ADMIN)))


def test_every_staff_command_is_fenced_and_no_other(application):
    audiences = {**{c: None for c in (*USER_COMMANDS, *OBSERVER_COMMANDS)}, **{c: "staff" for c in MODERATOR_COMMANDS},
                 **{c: "admins" for c in ADMIN_COMMANDS}}
    seen = set()
    for handler in registered(application):
        if isinstance(handler, CommandHandler):
            for command in handler.commands:
                assert command in audiences, f"/{command} is in no command list of domain.rules"
                assert getattr(handler.callback, FENCE, None) == audiences[command], f"/{command}"
                seen.add(command)
    assert seen == set(audiences)  # and every listed command has a handler


def test_every_staff_button_is_fenced(application):
    seen = set()
    for handler in registered(application):
        if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
            for data, audience in STAFF_BUTTONS.items():
                if handler.pattern(data) if callable(handler.pattern) else re.match(handler.pattern, data):
                    assert getattr(handler.callback, FENCE, None) == audience, (data, handler.callback)
                    seen.add(data)
    assert seen == set(STAFF_BUTTONS)


@pytest.fixture
def settings(fake, data_dir):
    from tests.harness import make_settings
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


async def test_a_staff_name_is_written_only_when_it_changes(app, fake, monkeypatch):
    writes: list[str] = []
    original = moderation.set_staff_name

    async def counting(db, person_id, name):
        writes.append(name)
        await original(db, person_id, name)

    monkeypatch.setattr(moderation, "set_staff_name", counting)
    admin = FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", chat=GROUP)
    for _ in range(3):
        (answer,) = await admin.say("/queue")
        assert answer.message["text"] == L("ru", "mod.queue_empty")
    assert writes == ["Нурлан"]
    renamed = FakeUser(fake, ADMIN, language_code="ru", first_name="Нұрлан", chat=GROUP)
    renamed.mark_seen()
    (answer,) = await renamed.say("/queue")
    assert answer.message["text"] == L("ru", "mod.queue_empty")
    assert writes == ["Нурлан", "Нұрлан"]
    assert [row["staff_name"] for row in db_rows(fake_data_dir(app), "SELECT staff_name FROM people")] == ["Нұрлан"]


def fake_data_dir(application):
    return application.bot_data["services"].settings.data_dir
