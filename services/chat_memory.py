"""What the bot keeps of a private chat in memory only, and loses at a restart by design: the
message whose buttons are the chat's live ones, a story typed at the main menu while its
author decides whether it starts a report, the urgent report a chat may still add to, and what
lets a reporter answer moderators without Telegram's Reply."""

from __future__ import annotations

import time
from collections import OrderedDict

CHATS_KEPT = 50_000  # chats remembered; the least recent are forgotten (their old keyboard may stay)
STORIES_KEPT = 5_000  # a story is at most DESCRIPTION_MAX characters: a few tens of MB at worst
STORY_SECONDS = 10 * 60  # long enough to read the question and decide


class LiveKeyboards:
    """Per chat, the id of the one bot message whose inline keyboard is live (the last wizard
    prompt or main menu). In memory only: it changes with every prompt, and writing it with the
    draft would cost each typed step a second write after its answer (each step writes once:
    BENCHMARKS.md). After a restart one old keyboard may stay; its buttons are still checked
    against the draft, as any press is."""

    def __init__(self, limit: int = CHATS_KEPT) -> None:
        self._ids: OrderedDict[int, int] = OrderedDict()
        self._limit = limit

    def get(self, chat_id: int) -> int | None:
        return self._ids.get(chat_id)

    def swap(self, chat_id: int, message_id: int) -> int | None:
        """``message_id`` carries the live buttons now; returns the message that did before.
        Synchronous, so two tasks of one chat (a step and an album's late answer) never both
        take the same previous message."""
        previous = self._ids.pop(chat_id, None)
        self._ids[chat_id] = message_id
        if len(self._ids) > self._limit:
            self._ids.popitem(last=False)
        return previous

    def forget(self, chat_id: int, message_id: int | None = None) -> None:
        """The live message lost its buttons another way (edited into a confirmation, say);
        with ``message_id``, only if that message is still the live one."""
        if message_id is None or self._ids.get(chat_id) == message_id:
            self._ids.pop(chat_id, None)


class HeldStories:
    """Per chat, a text typed outside the wizard, kept a few minutes until its author says
    whether it starts a report. Never written anywhere: a restart loses it, and they type it
    again (it is still in their chat)."""

    def __init__(self, limit: int = STORIES_KEPT, seconds: float = STORY_SECONDS) -> None:
        self._texts: OrderedDict[int, tuple[float, str]] = OrderedDict()
        self._limit, self._seconds = limit, seconds

    def hold(self, chat_id: int, text: str, now: float | None = None) -> None:
        """Keep ``text`` for the chat, in place of any earlier one."""
        self._texts.pop(chat_id, None)
        self._texts[chat_id] = ((time.monotonic() if now is None else now) + self._seconds, text)
        while len(self._texts) > self._limit:
            self._texts.popitem(last=False)

    def take(self, chat_id: int, now: float | None = None) -> str | None:
        """The chat's text if it is still kept; it is not kept any longer either way."""
        now = time.monotonic() if now is None else now
        held = self._texts.pop(chat_id, None)
        # Oldest first: every text is held for the same time, in the order they came.
        while self._texts and next(iter(self._texts.values()))[0] <= now:
            self._texts.popitem(last=False)
        return held[1] if held is not None and held[0] > now else None

    def drop(self, chat_id: int) -> None:
        self._texts.pop(chat_id, None)


FOLLOW_UP_SECONDS = 30 * 60  # long enough to get somewhere safe and send what they saw
FOLLOW_UPS_KEPT = 5_000
FOLLOW_UPS_EACH = 20  # additions to one report: each goes to the moderators' group ahead of all else


class UrgentFollowUps:
    """Per chat, the urgent report its author may still add to (one message at a time: text, a
    file, a location), for FOLLOW_UP_SECONDS after filing it. The one link between a person and
    an anonymous report, so it lives here and nowhere else: never in the database or a log, lost
    at a restart (then they file what they have as a new report). The text they are shown says so."""

    def __init__(self, limit: int = FOLLOW_UPS_KEPT, seconds: float = FOLLOW_UP_SECONDS,
                 each: int = FOLLOW_UPS_EACH) -> None:
        self._reports: OrderedDict[int, tuple[float, int]] = OrderedDict()
        self._added: dict[int, int] = {}
        self._joins: dict[int, float] = {}  # until when a text may be the next part of a long one
        self._asking_where: set[int] = set()  # chats whose next text is the precinct or the place
        self._limit, self._seconds, self.each = limit, seconds, each

    def open(self, chat_id: int, report_id: int, now: float | None = None) -> None:
        """The chat may add to ``report_id`` from now on, in place of any earlier report."""
        self.close(chat_id)
        self._reports[chat_id] = ((time.monotonic() if now is None else now) + self._seconds, report_id)
        while len(self._reports) > self._limit:
            self._added.pop(self._reports.popitem(last=False)[0], None)

    def report_of(self, chat_id: int, now: float | None = None) -> int | None:
        """The report the chat may still add to, if its time has not run out."""
        now = time.monotonic() if now is None else now
        # Oldest first: every link is kept for the same time, in the order they came.
        while self._reports and next(iter(self._reports.values()))[0] <= now:
            self._added.pop(self._reports.popitem(last=False)[0], None)
        kept = self._reports.get(chat_id)
        return kept[1] if kept is not None else None

    def count(self, chat_id: int) -> bool:
        """One more addition from the chat: False once it has made ``each`` (a flood of them would
        take the group's place kept for answers to moderators)."""
        added = self._added.get(chat_id, 0)
        if added >= self.each:
            return False
        self._added[chat_id] = added + 1
        return True

    def close(self, chat_id: int) -> None:
        self._reports.pop(chat_id, None)
        self._added.pop(chat_id, None)
        self._joins.pop(chat_id, None)
        self._asking_where.discard(chat_id)

    def drop(self, chat_id: int) -> bool:
        """Close the chat's link; whether there was one still open (the person is then told)."""
        open_now = self.report_of(chat_id) is not None
        self.close(chat_id)
        return open_now

    def ask_where(self, chat_id: int, asking: bool = True) -> None:
        """The chat was asked for the precinct or the place: its next text answers that."""
        (self._asking_where.add if asking else self._asking_where.discard)(chat_id)

    def asking_where(self, chat_id: int) -> bool:
        return chat_id in self._asking_where

    def text_added(self, chat_id: int, length: int, split_part: int, within: float,
                   now: float | None = None) -> bool:
        """A text was added: whether it is the next part of the one before (that one was as long
        as Telegram's parts and came less than ``within`` seconds ago), to be joined to it."""
        now = time.monotonic() if now is None else now
        joins = self._joins.pop(chat_id, 0.0) > now
        if length >= split_part:
            self._joins[chat_id] = now + within
        return joins


ANSWER_SECONDS = 10 * 60  # a file or text held while its author chooses which question it answers
ANSWER_GOES_ON = 10.0  # seconds: the next part of a long text (Telegram splits them), an album's next item


class ReporterAnswers:
    """Per chat, what lets a reporter answer moderators without Telegram's Reply: the report
    their last answer went to, for a few seconds (the rest of a split text or an album goes
    there too), and a message held while they choose which of several open questions it
    answers. In memory only: a restart loses it, and they send it again."""

    def __init__(self, limit: int = STORIES_KEPT) -> None:
        self._going_on: OrderedDict[int, tuple[float, int]] = OrderedDict()
        self._held: OrderedDict[int, tuple[float, object]] = OrderedDict()
        self._limit = limit

    def answered(self, chat_id: int, report_id: int, now: float | None = None) -> None:
        """An answer went to ``report_id``: what follows within seconds goes there too."""
        self._going_on.pop(chat_id, None)
        self._going_on[chat_id] = ((time.monotonic() if now is None else now) + ANSWER_GOES_ON, report_id)
        while len(self._going_on) > self._limit:
            self._going_on.popitem(last=False)

    def going_on(self, chat_id: int, now: float | None = None) -> int | None:
        kept = self._going_on.get(chat_id)
        return kept[1] if kept is not None and kept[0] > (time.monotonic() if now is None else now) else None

    def hold(self, chat_id: int, message: object, now: float | None = None) -> None:
        """Keep ``message`` (a Telegram message) until its author chooses the question."""
        self._held.pop(chat_id, None)
        self._held[chat_id] = ((time.monotonic() if now is None else now) + ANSWER_SECONDS, message)
        while len(self._held) > self._limit:
            self._held.popitem(last=False)

    def take(self, chat_id: int, now: float | None = None) -> object | None:
        held = self._held.pop(chat_id, None)
        return held[1] if held is not None and held[0] > (time.monotonic() if now is None else now) else None

    def forget(self, chat_id: int) -> None:
        self._going_on.pop(chat_id, None)
        self._held.pop(chat_id, None)
