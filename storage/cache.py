"""A bounded in-memory copy of rows that are read far more than they change (open drafts)."""

from __future__ import annotations

from collections import OrderedDict


class RowCache:
    """Least-recently-used copies of rows by key, kept coherent by the code that writes them.

    A read that missed fills the cache only if nothing was invalidated while it was reading:
    otherwise a slow read of the old row could put back what a delete just removed.
    """

    def __init__(self, limit: int) -> None:
        self._rows: OrderedDict[int, str] = OrderedDict()
        self._limit = limit
        self._generation = 0

    def get(self, key: int) -> str | None:
        value = self._rows.get(key)
        if value is not None:
            self._rows.move_to_end(key)
        return value

    @property
    def generation(self) -> int:
        """Take this before a read that may fill the cache; pass it to ``fill``."""
        return self._generation

    def fill(self, key: int, value: str, generation: int) -> None:
        if generation == self._generation:
            self.put(key, value)

    def put(self, key: int, value: str) -> None:
        """The row as just written."""
        self._rows[key] = value
        self._rows.move_to_end(key)
        if len(self._rows) > self._limit:
            self._rows.popitem(last=False)

    def invalidate(self, key: int) -> None:
        """The row was deleted (or changed other than by ``put``)."""
        self._generation += 1
        self._rows.pop(key, None)
