"""A handler that fails: the person gets an apology, the moderators' chat (or the administrators)
one line naming the error's type and the handler, without personal data, at most once a minute."""

from __future__ import annotations

import pytest

from storage import reports
from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import L

ADMIN = 1001
GROUP = {"id": -100777, "type": "supergroup", "title": "Moderators"}
SECRET_TEXT = "Ivanova Olga 850101400123"


@pytest.fixture
def broken_my_reports(monkeypatch):
    async def broken(db, reporter_id):
        raise RuntimeError(SECRET_TEXT)  # an error's text may hold what a person typed
    monkeypatch.setattr(reports, "count_of_reporter", broken)


async def test_a_failure_is_told_to_the_moderators_once_a_minute(fake, data_dir, user_factory, broken_my_reports):
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])
    group = FakeUser(fake, ADMIN, chat=GROUP)
    async with running_bot(settings, expect_errors=True) as application:
        user = user_factory("kk", first_name="Olga")
        (apology,) = await user.say("/myreports")
        assert apology.message["text"] == L("kk", "common.error")
        (notice,) = await group.replies(1)
        text = notice.message["text"]
        assert text == L("ru", "common.failure_notice", error="RuntimeError",
                         handler="handlers.my_reports.show_my_reports")
        for secret in (SECRET_TEXT, "Olga", str(user.id)):
            assert secret not in text
        (again,) = await user.say("/myreports")  # within the minute: apologised to, not announced
        assert again.message["text"] == L("kk", "common.error")
        # The chat's next update is handled only after that one, error handler included.
        (helped,) = await user.say("/help")
        assert helped.message["text"] == L("kk", "help.text")
        assert len(group.events) == 1
    assert len(application.bot_data["test.handler_errors"]) == 2
    assert fake.refused == []


async def test_without_a_moderators_chat_the_administrators_are_told(fake, data_dir, user_factory,
                                                                    broken_my_reports):
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN))
    admin = FakeUser(fake, ADMIN, language_code="ru")
    async with running_bot(settings, expect_errors=True):
        await admin.say("/start")  # the administrator has a private chat with the bot
        user = user_factory("en")
        (apology,) = await user.say("/myreports")
        assert apology.message["text"] == L("en", "common.error")
        (notice,) = await admin.replies(1)
        assert notice.message["text"] == L("ru", "common.failure_notice", error="RuntimeError",
                                           handler="handlers.my_reports.show_my_reports")
    assert fake.refused == []
