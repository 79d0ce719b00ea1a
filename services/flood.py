"""Counting each person's updates in a sliding window, for flood control; and their anonymous
reports of the last hour, which the database cannot count (nothing there links them to anyone)."""

from __future__ import annotations

from collections import deque

WINDOW_SECONDS = 10.0
MAX_UPDATES = 30
# Files sent to a report being written are counted apart, against a larger limit: its wizard takes
# twenty and answers the rest with one message (handlers.report_evidence), so a hundred photos sent
# one by one cost little, and the person's next words are not dropped as part of a flood.
MAX_FILES = 200


class FloodGuard:
    """Counts each person's updates in a sliding window, in memory (nothing else waits)."""

    def __init__(self, limit: int = MAX_UPDATES, window: float = WINDOW_SECONDS) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._warned: dict[str, float] = {}
        self._albums: dict[str, None] = {}
        self._anonymous: dict[str, deque[float]] = {}
        self._files: dict[str, deque[float]] = {}

    def allow(self, pseudonym: str, now: float, album: str | None = None) -> bool:
        """Whether this update may go on; the items of one album count once."""
        if album is not None:
            if album in self._albums:
                return True
            self._albums[album] = None
            if len(self._albums) > 10_000:  # bounded: the oldest albums are long finished
                self._albums.pop(next(iter(self._albums)))
        times = self._seen.setdefault(pseudonym, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True

    def allow_file(self, pseudonym: str, now: float) -> bool:
        """Whether a file sent to a report being written may go on (see MAX_FILES)."""
        times = self._files.setdefault(pseudonym, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= MAX_FILES:
            return False
        times.append(now)
        return True

    def should_warn(self, pseudonym: str, now: float) -> bool:
        """One notice per window, so the notice itself does not flood the chat."""
        if now - self._warned.get(pseudonym, -self.window) < self.window:
            return False
        self._warned[pseudonym] = now
        return True

    def anonymous_reports(self, pseudonym: str, now: float, period: float = 3600.0) -> int:
        """How many anonymous reports this person sent in the last ``period`` seconds (since
        this process started: the count lives in memory only, by design)."""
        times = self._anonymous.get(pseudonym)
        while times and now - times[0] >= period:
            times.popleft()
        return len(times) if times else 0

    def anonymous_report_sent(self, pseudonym: str, now: float) -> None:
        self._anonymous.setdefault(pseudonym, deque()).append(now)

    def forget(self, pseudonym: str) -> None:
        self._seen.pop(pseudonym, None)
        self._files.pop(pseudonym, None)
        self._warned.pop(pseudonym, None)
        self._anonymous.pop(pseudonym, None)
