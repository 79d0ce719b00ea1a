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
        self._marked: set[int] = set()  # rows known to carry something written once (a draft's chat)

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

    def put(self, key: int, value: str, mark: bool = False) -> None:
        """The row as just written; ``mark``: it now carries what is written once (kept by later
        writes until the row goes)."""
        self._rows[key] = value
        self._rows.move_to_end(key)
        if mark:
            self._marked.add(key)
        if len(self._rows) > self._limit:
            gone, _ = self._rows.popitem(last=False)
            self._marked.discard(gone)

    def marked(self, key: int) -> bool:
        return key in self._marked

    def invalidate(self, key: int) -> None:
        """The row was deleted (or changed other than by ``put``)."""
        self._generation += 1
        self._rows.pop(key, None)
        self._marked.discard(key)
