"""No upload lost to a kill or an outage (issue 22, point 4): a file's reference is stored the moment
its message arrives, before its download; a download cut by SIGKILL is done after the restart, one
Telegram times out on is tried again, and one that finally cannot be done is told to its sender
through the outbox. The report keeps the photo byte-exact, with its SHA-256 and the time the bot
received the message (not when the download ended)."""

from __future__ import annotations

import signal
import time
from datetime import timedelta

import pytest

from services.i18n import Translator
from domain import clock
from bot import telegram_http
from handlers import evidence_intake, jobs
from tests.fake_telegram import FakeUser
from tests.fake_telegram.html_check import parse_html
from tests.harness import BotProcess, bot_env, make_settings, running_bot
from tests.report_helpers import L, confirmed, db_rows, jpeg, sha256, up_to_evidence

DESCRIPTION = "Председатель УИК раздавал бюллетени без паспорта, наблюдателя попросили выйти."
GROUP = {"id": -100784, "type": "supergroup", "title": "Moderators"}


def ru(key: str, **params) -> str:
    return L("ru", key, **params)


def ru_plural(key: str, count: int, **params) -> str:
    return parse_html(Translator("ru").plural(key, count, **params))


def evidence_rows(data_dir) -> list:
    return db_rows(data_dir, "SELECT * FROM evidence ORDER BY id")


async def send(user: FakeUser, review: dict) -> tuple[str, str]:
    """Send pressed on the review; the confirmation's reference and its whole text."""
    await user.press(ru("wizard.send"), message=review)
    (sent,) = await user.replies(1, timeout=30)
    text = sent.message["text"]
    receipt, _, coming = text.partition("\n\n⏳")  # the files still coming, said after the receipt
    reference, _ = confirmed(receipt, "ru")
    return reference, text


async def test_a_kill_during_a_photos_download_keeps_the_photo(fake, tmp_path):
    data_dir = tmp_path / "data"
    env = bot_env(fake, data_dir)
    user = FakeUser(fake, 4545, language_code="ru")
    photo = jpeg(width=320, height=240)
    first = BotProcess(env)
    await first.start(fake)
    await up_to_evidence(user, "ru", DESCRIPTION)
    review = user.last_with_buttons()
    # The photo's download stops half-way and stays silent: the kill lands in the middle of it.
    fake.download_hangs = lambda file: file.data == photo
    sent_at = clock.utcnow()
    fake_file = await user.photo(photo)
    await fake.wait_for(lambda: fake_file.path in fake.downloads_started, 30)
    status, _ = await first.stop(signal.SIGKILL)
    assert status == -signal.SIGKILL
    (kept,) = evidence_rows(data_dir)  # the reference was stored before the download began
    assert (kept["pending"], kept["sha256"], kept["stored_path"]) == (1, None, None)
    assert kept["file_id"] == fake_file.file_id and kept["kind"] == "photo"
    assert db_rows(data_dir, "SELECT COUNT(*) AS n FROM downloads")[0]["n"] == 1

    fake.download_hangs = None  # Telegram serves it whole now
    second = BotProcess(env)
    await second.start(fake)
    # The job at start downloads what the kill cut, before the reporter does anything.
    await fake.wait_for(lambda: evidence_rows(data_dir)[0]["pending"] == 0, 30)
    reference, text = await send(user, review)
    status, log = await second.stop(signal.SIGTERM)
    assert status == 0, log
    assert reference == "KZ-000001" and ru_plural("wizard.sent_coming", 1, reference=reference) not in text
    (stored,) = evidence_rows(data_dir)
    assert stored["report_id"] == 1 and stored["sha256"] == sha256(photo)
    assert stored["received_at"] == kept["received_at"] and sent_at <= stored["received_at"] <= kept["received_at"]
    assert db_rows(data_dir, "SELECT * FROM downloads") == []
    assert fake.refused == []


async def test_a_get_file_time_out_is_tried_again_and_the_photo_kept(fake, data_dir, user_factory):
    user = user_factory("ru")
    photo = jpeg(width=320, height=240)
    held: list[float] = []

    def first_get_file_times_out(method: str, params: dict) -> float:
        if method == "getFile" and fake.files[params["file_id"]].data == photo and not held:
            held.append(time.monotonic())
            # Marked: the fake carries it out after the bot gave up on it, and records it then,
            # which on a loaded machine comes before the count below.
            params["abandoned"] = True
            return 6.0  # past the bot's 5-second read timeout: "getFile timed out"
        return 0.0
    fake.delay = first_get_file_times_out
    async with running_bot(make_settings(fake, data_dir)):
        await up_to_evidence(user, "ru", DESCRIPTION)
        before = clock.utcnow()
        await user.photo(photo)
        (told,) = await user.replies(1, timeout=30)
        assert ru("wizard.evidence_coming") in told.message["text"]
        assert ru_plural("wizard.files_attached", 1, max=20) in told.message["text"]
        (row,) = evidence_rows(data_dir)
        assert row["pending"] == 1 and row["received_at"] >= before
        # Send right away: the photo is fetched again now and waited for, then filed with it.
        reference, text = await send(user, told.message)
    assert ru_plural("wizard.sent_coming", 1, reference=reference) not in text
    (stored,) = evidence_rows(data_dir)
    assert stored["pending"] == 0 and stored["sha256"] == sha256(photo) and stored["report_id"] == 1
    assert stored["received_at"] == row["received_at"]  # when the message came, not the download
    assert len([call for call in fake.calls_of("getFile")
                if fake.files[call.params["file_id"]].data == photo and "abandoned" not in call.params]) == 1
    assert db_rows(data_dir, "SELECT * FROM downloads") == []
    assert fake.refused == []


@pytest.fixture
def quick_retries(monkeypatch):
    """The bot's waits between tries scaled down, their number kept: three HTTP retries of each
    getFile (0.3 s, 1 s and 3 s in life), then the job's attempts."""
    monkeypatch.setattr(telegram_http, "RETRY_DELAYS", (0.05, 0.1, 0.2))
    monkeypatch.setattr(jobs, "DOWNLOADS_EVERY", timedelta(seconds=0.3))
    monkeypatch.setattr(evidence_intake, "pause", lambda attempts: timedelta(seconds=0.2))
    monkeypatch.setattr(evidence_intake, "SEND_WAIT", 1.0)
    monkeypatch.setattr(evidence_intake, "MAX_ATTEMPTS", 4)
    monkeypatch.setattr(jobs, "OUTBOX_EVERY", timedelta(seconds=0.5))


async def test_a_file_that_never_comes_is_told_through_the_outbox(fake, data_dir, user_factory, quick_retries):
    fake.add_chat(GROUP)
    user = user_factory("ru")
    photo = jpeg(width=320, height=240)

    def telegram_fails_it(method: str, params: dict) -> int | None:
        return 502 if method == "getFile" and fake.files[params["file_id"]].data == photo else None
    fake.fault = telegram_fails_it
    settings = make_settings(fake, data_dir, moderator_chat_id=GROUP["id"])
    async with running_bot(settings):
        await up_to_evidence(user, "ru", DESCRIPTION)
        await user.photo(photo)
        (told,) = await user.replies(1, timeout=30)
        assert ru("wizard.evidence_coming") in told.message["text"]
        reference, text = await send(user, told.message)
        # Filed without waiting for ever, and saying so plainly.
        assert ru_plural("wizard.sent_coming", 1, reference=reference) in text
        assert evidence_rows(data_dir)[0]["report_id"] == 1
        (lost,) = await user.replies(1, timeout=30)
    assert lost.message["text"] == ru("evidence.lost", reference=reference, file="1 фото")
    assert evidence_rows(data_dir) == [] and db_rows(data_dir, "SELECT * FROM downloads") == []
    (notice,) = db_rows(data_dir, "SELECT * FROM outbox WHERE kind = 'lost'")
    assert notice["sent_at"] is not None and notice["body"] == "{}"  # its chat is forgotten once told
    assert fake.refused == []


async def test_a_file_that_comes_after_its_report_goes_under_its_card(fake, data_dir, user_factory, quick_retries):
    fake.add_chat(GROUP)
    user = user_factory("ru")
    moderators = FakeUser(fake, 1001, language_code="ru", chat=GROUP)
    photo = jpeg(width=320, height=240)
    failing = [True]

    def outage(method: str, params: dict) -> int | None:
        return 502 if failing[0] and method == "getFile" and fake.files[params["file_id"]].data == photo else None
    fake.fault = outage
    settings = make_settings(fake, data_dir, moderator_chat_id=GROUP["id"])
    async with running_bot(settings):
        await up_to_evidence(user, "ru", DESCRIPTION)
        await user.photo(photo)
        (told,) = await user.replies(1, timeout=30)
        reference, text = await send(user, told.message)
        assert ru_plural("wizard.sent_coming", 1, reference=reference) in text
        (card,) = await moderators.replies(1, timeout=30)
        assert card.message["text"].startswith(f"📋 {reference}")
        failing[0] = False  # Telegram gives it now
        (preview,) = await moderators.replies(1, timeout=30)
    assert "photo" in preview.message and reference in preview.message.get("caption", "")
    assert preview.message["reply_to_message"]["message_id"] == card.message["message_id"]
    (stored,) = evidence_rows(data_dir)
    assert stored["pending"] == 0 and stored["sha256"] == sha256(photo)
    assert fake.refused == []


async def test_a_draft_file_telegram_refuses_is_told_through_the_outbox_when_the_chat_was_not_reached(
        fake, data_dir, user_factory, quick_retries):
    """Telegram times out on the photo, then refuses it for good while the report is a draft; the
    message that says so in the chat fails too. The draft no longer counts it, and once the report
    is sent its sender is told through the outbox."""
    user = user_factory("ru")
    photo = jpeg(width=320, height=240)
    lost_in_chat = ru("wizard.evidence_lost", file="1 фото")

    def telegram(method: str, params: dict) -> int | None:
        known = fake.files.get(params.get("file_id", ""))
        if method == "getFile" and known is not None and known.data == photo:
            return 502  # the first attempt: an outage
        if method == "sendMessage" and params.get("text") == lost_in_chat:
            return 502  # and the chat cannot be reached to say the file is lost
        return None
    fake.fault = telegram
    async with running_bot(make_settings(fake, data_dir)):
        await up_to_evidence(user, "ru", DESCRIPTION)
        await user.photo(photo)
        (told,) = await user.replies(1, timeout=30)
        assert ru("wizard.evidence_coming") in told.message["text"]
        # Telegram no longer knows the file: getFile answers 400 from now on.
        del fake.files[next(file_id for file_id, file in fake.files.items() if file.data == photo)]
        await fake.wait_for(lambda: db_rows(data_dir, "SELECT refused FROM downloads")[0]["refused"] == 1, 30)
        reference, text = await send(user, told.message)
        assert ru_plural("wizard.sent_coming", 1, reference=reference) not in text
        (lost,) = await user.replies(1, timeout=30)
    assert lost.message["text"] == ru("evidence.lost", reference=reference, file="1 фото")
    assert evidence_rows(data_dir) == [] and db_rows(data_dir, "SELECT * FROM downloads") == []
    assert [e.message.get("text") for e in user.events].count(lost.message["text"]) == 1
    assert fake.refused and {call.method for call in fake.refused} == {"getFile"}
