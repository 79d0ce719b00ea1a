"""Failures while running: a disk that stops taking writes is told plainly to the person and once
to the staff; a screen left behind its draft leads back to the draft's step."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from storage import drafts
from tests.fake_telegram import FakeUser
from tests.harness import make_settings, running_bot
from tests.report_helpers import L, db_rows, start_report

ADMIN = 1001
GROUP = {"id": -100777, "type": "supergroup", "title": "Moderators"}


async def test_a_full_disk_is_told_plainly_and_once(fake, data_dir, user_factory, monkeypatch, caplog):
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])
    group = FakeUser(fake, ADMIN, chat=GROUP)
    original = drafts.save

    async def full(db, person_id, draft, chat_ref=None):
        raise sqlite3.OperationalError("database or disk is full")

    async with running_bot(settings, expect_errors=True):
        user = user_factory("kk")
        await start_report(user, "kk")
        monkeypatch.setattr(drafts, "save", full)
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            await user.press(L("kk", "group.station"))
            (told,) = await user.replies(1)
            assert told.message["text"] == L("kk", "common.not_saved")
            (notice,) = await group.replies(1)
            assert notice.message["text"] == L("ru", "common.storage_notice",
                                               error="OperationalError: database or disk is full",
                                               handler="handlers.report_wizard.on_button (handlers.wizard.store)")
            await user.press(L("kk", "group.station"))  # again, within the minute
            (again,) = await user.replies(1)
            assert again.message["text"] == L("kk", "common.not_saved")
        failures = [r for r in caplog.records if r.name == "handlers.errors"]
        assert len(failures) == 2 and all(r.exc_info is None for r in failures)  # one line each
        assert all("database or disk is full" in r.getMessage() for r in failures)
        # The disk is back: the same button works, and nothing entered before was lost.
        monkeypatch.setattr(drafts, "save", original)
        (asked,) = await user.tap(L("kk", "group.station"))
        assert asked.message["text"] == L("kk", "wizard.ask_category", group=L("kk", "group.station"))
        assert len(group.events) == 1
    assert fake.refused == []


async def test_a_screen_behind_its_draft_leads_back_to_the_draft(app, fake, user_factory, data_dir):
    user = user_factory("ru")
    await start_report(user, "ru")
    await user.tap(L("ru", "wizard.change_role"))
    role_prompt = dict(user.last_with_buttons())
    await user.tap(L("ru", "role.observer"))
    # A press on the role screen (as if the edit that moved it on had failed): not a dead end.
    query = await user.press(data="w:role:voter", message=role_prompt)
    assert (await user.answered(query))["text"] == L("ru", "common.stale_button")
    (asked,) = await user.replies(1)
    assert asked.message["text"] == L("ru", "wizard.resumed") + "\n\n" + L(
        "ru", "wizard.ask_group", role=L("ru", "role.observer"))
    (category,) = await user.tap(L("ru", "group.station"), message=asked.message)
    assert L("ru", "wizard.ask_category", group=L("ru", "group.station")) in category.message["text"]
    (row,) = db_rows(data_dir, "SELECT data FROM drafts")
    assert '"reporter_role":"observer"' in row["data"]  # the old screen's choice was not taken
    assert fake.refused == []


async def test_polling_failures_are_one_line_and_a_second_copy_is_told_once(fake, data_dir, user_factory,
                                                                            caplog):
    """Telegram answers getUpdates with 409 (another copy polls) twice, then a 502 page: the
    conflict is told once to the log and the staff, the 502 is one line, and polling goes on."""
    fake.add_chat(GROUP)
    settings = make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])
    group = FakeUser(fake, ADMIN, chat=GROUP)
    answers = iter([409, 409, 502])
    fake.fault = lambda method, params: next(answers, None) if method == "getUpdates" else None
    with caplog.at_level(logging.INFO):
        async with running_bot(settings, expect_errors=True) as application:
            (notice,) = await group.replies(1)
            assert notice.message["text"] == L("ru", "common.conflict_notice")
            user = user_factory("kk")
            (greeting,) = await user.say("/start", )
            assert greeting.message["text"] == L("kk", "start.greeting")
    assert [call.description for call in fake.faulted] == ["injected 409", "injected 409", "injected 502"]
    ours = [record for record in caplog.records if record.name.startswith(("handlers", "bot"))]
    assert len([r for r in ours if "409 Conflict" in r.getMessage()]) == 1
    assert all(r.exc_info is None and "<html" not in r.getMessage() for r in ours)
    assert not any("<html" in record.getMessage() or (record.exc_info and "502" in str(record.exc_info[1]))
                   for record in caplog.records)
    assert len(group.events) == 1
    assert len(application.bot_data["test.handler_errors"]) == 3
    assert fake.refused == []


async def test_files_no_row_refers_to_are_removed_at_start(fake, data_dir, user_factory):
    """A kill in the middle of an upload leaves a .part, or an .enc whose row never committed:
    removed at the next start; files of drafts and reports stay."""
    from tests.report_helpers import jpeg, up_to_evidence
    settings = make_settings(fake, data_dir)
    user = user_factory("ru")
    async with running_bot(settings):
        await up_to_evidence(user, "ru", "Председатель не пустил наблюдателя на подсчёт голосов.")
        await user.photo(jpeg())
        await user.replies(1)
    kept = [row["stored_path"] for row in db_rows(data_dir, "SELECT stored_path FROM evidence")]
    kept += [row["preview_path"] for row in db_rows(data_dir, "SELECT preview_path FROM evidence")]
    orphans = [data_dir / "evidence" / "ab" / "left-by-a-kill.part", data_dir / "previews" / "never-committed.enc"]
    for orphan in orphans:
        orphan.parent.mkdir(parents=True, exist_ok=True)
        orphan.write_bytes(b"half a file")
    async with running_bot(settings):
        pass
    assert not any(orphan.exists() for orphan in orphans)
    assert all((data_dir / path).exists() for path in kept) and len(kept) == 2
    assert fake.refused == []
