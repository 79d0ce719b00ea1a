"""Counting each person's updates in a sliding window, for flood control."""

from __future__ import annotations

from collections import deque

WINDOW_SECONDS = 10.0
MAX_UPDATES = 30


class FloodGuard:
    """Counts each person's updates in a sliding window, in memory (nothing else waits)."""

    def __init__(self, limit: int = MAX_UPDATES, window: float = WINDOW_SECONDS) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._warned: dict[str, float] = {}
        self._albums: dict[str, None] = {}

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

    def should_warn(self, pseudonym: str, now: float) -> bool:
        """One notice per window, so the notice itself does not flood the chat."""
        if now - self._warned.get(pseudonym, -self.window) < self.window:
            return False
        self._warned[pseudonym] = now
        return True

    def forget(self, pseudonym: str) -> None:
        self._seen.pop(pseudonym, None)
        self._warned.pop(pseudonym, None)
