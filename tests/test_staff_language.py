"""End to end: staff in their own language (a moderator added before they ever wrote takes
their Telegram language; their command menu is theirs and leaves the reporter menu's language
alone), /mods shows the code /delmod takes, and every file posted to the moderators' chat for a
report carries its reference (a round video by a reply of its own)."""

from __future__ import annotations

import json

import pytest

from domain.rules import ADMIN_COMMANDS, MODERATOR_COMMANDS, USER_COMMANDS
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.harness import make_settings
from tests.report_helpers import KEYS, L, db_rows, finish_and_send, mp4, up_to_evidence

ADMIN = 1001
GROUP = {"id": -100778, "type": "supergroup", "title": "Moderators"}
DESCRIPTION = "Сайлау учаскесінде бақылаушыны дауыс санауға жібермеді, төраға полиция шақырамын деп қорқытты."


@pytest.fixture
def settings(fake, data_dir):
    fake.add_chat(GROUP)
    return make_settings(fake, data_dir, admin_ids=str(ADMIN), moderator_chat_id=GROUP["id"])


@pytest.fixture
def admin(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", username="nurlan_admin")


@pytest.fixture
def group(fake):
    return FakeUser(fake, ADMIN, language_code="ru", first_name="Нурлан", username="nurlan_admin", chat=GROUP)


def chat_scope(chat_id: int) -> str:
    return json.dumps({"chat_id": chat_id, "type": "chat"}, sort_keys=True)


def menu_seen(fake: FakeTelegram, chat_id: int, language_code: str) -> dict[str, str]:
    """The menu a client in ``language_code`` sees in its private chat with the bot, found as
    Telegram finds it: chat scope with the language, chat scope, then all private chats and the
    default, each with the language before without."""
    private = json.dumps({"type": "all_private_chats"}, sort_keys=True)
    default = json.dumps({"type": "default"}, sort_keys=True)
    for scope in (chat_scope(chat_id), private, default):
        for lang in (language_code, ""):
            if (scope, lang) in fake.commands:
                return {c["command"]: c["description"] for c in fake.commands[(scope, lang)]}
    return {}


def described_in(lang: str, names) -> dict[str, str]:
    return {name: L(lang, f"command.{name}") for name in names}


def staff_code(data_dir, user_id: int) -> str:
    """The random code a staff member was given (what /mods and the history show)."""
    (row,) = db_rows(data_dir, "SELECT staff_code FROM people WHERE pseudonym = ?", (KEYS.pseudonym(user_id),))
    return row["staff_code"]


def staff_menu_calls(fake: FakeTelegram, chat_id: int) -> list[dict]:
    """The setMyCommands calls the bot made for one private chat."""
    return [call.params for call in fake.calls_of("setMyCommands")
            if (call.params.get("scope") or {}).get("chat_id") == chat_id]


async def test_a_moderator_added_before_writing_works_in_their_telegram_language(app, fake, user_factory, admin, data_dir):
    moderator = user_factory("kk", first_name="Дана", username="dana_mod")
    reporter_menu = described_in("kk", USER_COMMANDS)
    assert menu_seen(fake, moderator.id, "kk") == reporter_menu

    (added,) = await admin.say(f"/addmod {moderator.id}")
    code = staff_code(data_dir, moderator.id)
    assert added.message["text"] == "\n".join([L("ru", "admin.added", code=code), L(
        "ru", "admin.added_language", language=L("ru", "admin.language_from_telegram"))])
    assert staff_menu_calls(fake, moderator.id) == []  # no chat to set it in yet

    # Their first message brings their Telegram language: Kazakh, not the Russian default.
    (greeting,) = await moderator.say("/start")
    assert greeting.message["text"] == L("kk", "start.greeting")
    assert [row["language"] for row in db_rows(data_dir, "SELECT language FROM people WHERE role = 'moderator'")] == ["kk"]
    (queue,) = await moderator.say("/queue")
    assert queue.message["text"] == L("kk", "mod.queue_empty")
    (help_text,) = await moderator.say("/help")
    assert L("kk", "mod.help") in help_text.message["text"]

    # Their menu: set for their chat, in Kazakh, with the staff commands; the reporter commands
    # in it read as before, in Kazakh (no Russian menu took over their chat).
    calls = staff_menu_calls(fake, moderator.id)
    assert calls and all(call["scope"] == {"type": "chat", "chat_id": moderator.id} for call in calls)
    for call in calls:
        assert {c["command"]: c["description"] for c in call["commands"]} == described_in(
            "kk", USER_COMMANDS + MODERATOR_COMMANDS)
    seen = menu_seen(fake, moderator.id, "kk")
    assert seen == described_in("kk", USER_COMMANDS + MODERATOR_COMMANDS)
    assert {name: seen[name] for name in USER_COMMANDS} == reporter_menu
    assert not set(ADMIN_COMMANDS) & set(seen)

    # The administrator's own menu is theirs: Russian, with the admin commands.
    await admin.say("/start")
    assert menu_seen(fake, admin.id, "ru") == described_in("ru", USER_COMMANDS + MODERATOR_COMMANDS + ADMIN_COMMANDS)
    # Everyone else keeps the menu of everyone.
    assert menu_seen(fake, user_factory("kk").id, "kk") == reporter_menu


async def test_a_language_given_to_addmod_is_kept(app, fake, user_factory, admin, data_dir):
    known = user_factory("kk", first_name="Ержан", username="erzhan")
    await known.say("/start")
    (added,) = await admin.say(f"/addmod {known.id} en")
    assert added.message["text"] == "\n".join([L("ru", "admin.added", code=staff_code(data_dir, known.id)),
                                               L("ru", "admin.added_language", language=L("ru", "language.name.en"))])
    # Their chat was not kept while they were an ordinary user (issue #15): their next message
    # brings it, and their menu is set then, in the language given.
    assert staff_menu_calls(fake, known.id) == []
    await known.say("/start")
    assert menu_seen(fake, known.id, "kk") == described_in("en", USER_COMMANDS + MODERATOR_COMMANDS)

    unseen = user_factory("ru", first_name="Гүлнар", username="gulnar")
    await admin.say(f"/addmod {unseen.id} kk")
    (greeting,) = await unseen.say("/start")  # their Telegram says Russian; the admin said Kazakh
    assert greeting.message["text"] == L("kk", "start.greeting")
    assert menu_seen(fake, unseen.id, "ru") == described_in("kk", USER_COMMANDS + MODERATOR_COMMANDS)

    # A moderator who already writes in Kazakh keeps it when added without a language.
    writer = user_factory("kk", first_name="Айдос", username="aidos")
    await writer.say("/start")
    await admin.say(f"/addmod {writer.id}")
    (queue,) = await writer.say("/queue")
    assert queue.message["text"] == L("kk", "mod.queue_empty")

    for wrong in ("/addmod", f"/addmod {writer.id} de", f"/addmod {writer.id} kk extra", "/addmod abc", "/addmod ²"):
        (usage,) = await admin.say(wrong)
        assert usage.message["text"] == L("ru", "admin.usage"), wrong
    languages = {row["language"] for row in db_rows(data_dir, "SELECT language FROM people WHERE role = 'moderator'")}
    assert languages == {"en", "kk"}


async def test_mods_shows_what_delmod_takes(app, fake, user_factory, admin, data_dir):
    dana = user_factory("kk", first_name="Дана", username="dana_mod")
    oleg = user_factory("ru", first_name="Олег", username="oleg_mod")
    for person in (dana, oleg):
        await person.say("/start")
        await admin.say(f"/addmod {person.id}")
        await person.say("/queue")  # a staff command: the name they gave Telegram is kept for /mods
    dana_code, oleg_code = staff_code(data_dir, dana.id), staff_code(data_dir, oleg.id)
    assert dana_code != oleg_code and KEYS.pseudonym(dana.id)[:4].upper() != dana_code

    (listing,) = await admin.say("/mods")
    lines = listing.message["text"].split("\n")
    assert lines[0] == L("ru", "admin.mods_title", count=2)
    assert lines[1:3] == [L("ru", "admin.mods_item", code=dana_code, name="Дана"),
                          L("ru", "admin.mods_item", code=oleg_code, name="Олег")]  # by name
    assert f"<code>{dana_code}</code>" in listing.message["html_text"]  # tap to copy
    assert lines[3] == L("ru", "admin.mods_hint", code=dana_code)  # the first listed, as an example

    # The staff do not see it; the administrator's wrong codes change nothing.
    (refused,) = await dana.say("/mods")
    assert refused.message["text"] == L("kk", "mod.refused")
    (usage,) = await admin.say("/delmod")
    assert usage.message["text"] == L("ru", "admin.usage_delmod")
    for wrong in (f"/delmod {KEYS.pseudonym(999)[:12]}", "/delmod ZZZZ", "/delmod 12", f"/delmod {ADMIN}"):
        (unknown,) = await admin.say(wrong)
        assert unknown.message["text"] == L("ru", "admin.not_moderator"), wrong
    assert chat_scope(dana.id) in {scope for scope, _ in fake.commands}

    # The code as /mods shows it (any case) removes the moderator and their staff menu.
    (removed,) = await admin.say(f"/delmod {dana_code.lower()}")
    assert removed.message["text"] == L("ru", "admin.removed", code=dana_code)
    assert chat_scope(dana.id) not in {scope for scope, _ in fake.commands}
    assert menu_seen(fake, dana.id, "kk") == described_in("kk", USER_COMMANDS)
    (queue,) = await dana.say("/queue")
    assert queue.message["text"] == L("kk", "mod.refused")
    (listing,) = await admin.say("/mods")
    assert listing.message["text"].split("\n")[:2] == [
        L("ru", "admin.mods_title", count=1), L("ru", "admin.mods_item", code=oleg_code, name="Олег")]

    # The Telegram id /addmod took still works too.
    (removed,) = await admin.say(f"/delmod {oleg.id}")
    assert removed.message["text"] == L("ru", "admin.removed", code=oleg_code)
    assert db_rows(data_dir, "SELECT id FROM people WHERE role = 'moderator'") == []


async def test_every_file_posted_to_the_group_carries_the_reference(app, fake, user_factory, group):
    reporter = user_factory("kk", first_name="Әсел", username="asel_secret")
    await up_to_evidence(reporter, "kk", DESCRIPTION)
    await reporter.media("voice", b"OggS-voice-evidence", "audio/ogg")
    await reporter.replies(1)
    await reporter.media("audio", b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb" + bytes(200), "audio/mpeg")
    await reporter.replies(1)
    await reporter.media("video_note", mp4(b"round-video"), "video/mp4")
    await reporter.replies(1)
    reference = await finish_and_send(reporter, "kk")

    card, voice, audio, video_note, note_reference = await group.replies(5)
    assert reference in card.message["text"]
    card_id = card.message["message_id"]
    assert "voice" in voice.message and voice.message["caption"] == reference
    assert "audio" in audio.message and audio.message["caption"] == reference
    assert "video_note" in video_note.message and "caption" not in video_note.message
    for media in (voice, audio, video_note):
        assert media.message["reply_to_message"]["message_id"] == card_id
    # The round video cannot carry a caption: the message after it answers it with the reference.
    assert note_reference.message["text"] == L("ru", "mod.evidence_reference", reference=reference)
    assert note_reference.message["reply_to_message"]["message_id"] == video_note.message["message_id"]
    # Every message in the chat for this report holds the reference, or has a reply that does.
    posted = [event.message for event in fake.chat_events(GROUP["id"]) if event.kind == "message"]
    assert len(posted) == 5

    def holds(message) -> bool:
        return reference in (message.get("caption") or message.get("text") or "")

    answered = {m["reply_to_message"]["message_id"] for m in posted if "reply_to_message" in m and holds(m)}
    assert all(holds(m) or m["message_id"] in answered for m in posted)


async def test_a_moderator_who_changes_language_gets_their_menu_in_it(app, fake, user_factory, admin):
    moderator = user_factory("kk", first_name="Дана")
    await moderator.say("/start")
    await admin.say(f"/addmod {moderator.id}")
    await moderator.say("/language")
    await moderator.tap(L("kk", "language.name.en"), n=2)  # confirmed, then greeted in English
    await moderator.say("/help")  # in order: the menu was registered by now
    assert menu_seen(fake, moderator.id, "kk") == described_in("en", USER_COMMANDS + MODERATOR_COMMANDS)
    assert fake.refused == []
