"""A transaction run whole in SQLite's thread: one trip from the event loop instead of one a
statement, so the write lock is held for the statements' own time, not for the loop's turns.

At a hundred reports a second each trip waited for a turn of a busy loop while the lock was held,
and every other transaction queued behind those waits (BENCHMARKS.md, issue #26). A body is
written as any other (``async def body(conn)`` awaiting ``conn.execute`` and the like, so the
helpers that take a connection serve both); here its awaits complete at once, and a body that
awaits anything else (a sleep, a thread, the network) is refused, rolled back, not run half.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Awaitable, Callable, Generator, Iterable, TypeVar

import aiosqlite

T = TypeVar("T")


class _Done:
    """An awaitable (and async context manager) whose value is already there."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, None, Any]:
        return self.value
        yield  # a generator that returns at once: awaiting it never suspends

    async def __aenter__(self) -> Any:
        return self.value

    async def __aexit__(self, *_: object) -> None:
        self.value.close()


class _Cursor:
    """The parts of aiosqlite's cursor that storage uses, done at once."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    def close(self) -> None:
        self._cursor.close()


class Statements:
    """What a body run whole sees as its connection: aiosqlite's methods, done at once in
    SQLite's thread. ``owner`` is the aiosqlite connection it stands for (what is bound to it,
    such as storage.integrity's keys, is found through it)."""

    def __init__(self, conn: sqlite3.Connection, owner: aiosqlite.Connection) -> None:
        self._conn, self.owner = conn, owner

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    def execute(self, sql: str, parameters: Iterable[Any] | dict = ()) -> _Done:
        return _Done(_Cursor(self._conn.execute(sql, parameters)))

    def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> _Done:
        return _Done(_Cursor(self._conn.executemany(sql, parameters)))

    def execute_fetchall(self, sql: str, parameters: Iterable[Any] | dict = ()) -> _Done:
        return _Done(self._conn.execute(sql, parameters).fetchall())

    def execute_insert(self, sql: str, parameters: Iterable[Any] | dict = ()) -> _Done:
        cursor = self._conn.execute(sql, parameters)
        return _Done(cursor.execute("SELECT last_insert_rowid()").fetchone())


def owner_of(conn: Any) -> Any:
    """The aiosqlite connection behind ``conn`` (itself, or what a body run whole was given)."""
    return conn.owner if isinstance(conn, Statements) else conn


class AwaitedOutside(RuntimeError):
    """A body run whole awaited something other than its statements."""


def run(conn: sqlite3.Connection, owner: aiosqlite.Connection,
        body: Callable[[Any], Awaitable[T]]) -> T:
    """In SQLite's thread: BEGIN IMMEDIATE, the body, COMMIT; ROLLBACK if anything fails,
    the commit included (a full disk)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        coroutine = body(Statements(conn, owner))
        try:
            coroutine.send(None)  # type: ignore[attr-defined]
        except StopIteration as done:
            result = done.value
        else:
            coroutine.close()  # type: ignore[attr-defined]
            raise AwaitedOutside(f"{getattr(body, '__qualname__', body)} awaited outside its statements")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result
