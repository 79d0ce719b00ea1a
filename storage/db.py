"""Opening the SQLite database (WAL, foreign keys) and applying numbered migrations."""

from __future__ import annotations

import asyncio
import logging
import re
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar

import aiosqlite

from storage import whole
from storage.cache import RowCache

log = logging.getLogger(__name__)
T = TypeVar("T")

# Open drafts kept in memory so a wizard step reads nothing: about 1 KB each.
DRAFTS_CACHED = 50_000

# A migration whose first line is this rebuilds a table that others refer to (see migrate).
REBUILDS_TABLES = "-- rebuilds tables"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str]]:
    """Every migration shipped with the package, as (number, SQL), in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations are not numbered 1..n: {numbers}")
    return found


class Database:
    """One aiosqlite connection shared by the whole bot; writes are serialised by SQLite."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        # One connection serves every coroutine: another coroutine's statement sent while a
        # transaction is open would become part of it, so transactions hold this lock and
        # single statements wait while it is held (but not for one another).
        self._write_lock = asyncio.Lock()
        # Every statement that changes drafts is in storage/ and keeps this copy in step.
        self.draft_cache = RowCache(DRAFTS_CACHED)

    @classmethod
    async def open(cls, path: Path, *, upto: int | None = None) -> "Database":
        """Open (creating if needed) the database at ``path`` and migrate it.

        ``upto`` stops at a given migration; tests use it to build an old database.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        # FULL: a commit is on the disk before the reporter sees its reference, even through a
        # power cut or a file-system error (NORMAL lost confirmed reports; see BENCHMARKS.md).
        await conn.execute("PRAGMA synchronous=FULL")
        await conn.execute("PRAGMA busy_timeout=5000")
        # Deleted rows (a cancelled draft, a person's data) are overwritten, not just unlinked.
        await conn.execute("PRAGMA secure_delete=ON")
        db = cls(conn)
        try:
            await db.migrate(upto=upto)
        except BaseException:
            await conn.close()  # its thread would otherwise keep the process alive, hung
            raise
        return db

    async def close(self) -> None:
        await self.conn.close()

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0])

    async def migrate(self, *, upto: int | None = None) -> None:
        """Apply, each in its own transaction, every migration newer than the database."""
        current = await self.schema_version()
        if current == 0 and upto is None:
            await self._create()
            return
        for number, sql in migrations():
            if number <= current or (upto is not None and number > upto):
                continue
            log.info("applying migration %04d", number)
            rebuilds = sql.startswith(REBUILDS_TABLES)
            if rebuilds:
                # SQLite's procedure for rebuilding a table others refer to: foreign keys off
                # (dropping the old table must not cascade), checked before the commit.
                await self.conn.execute("PRAGMA foreign_keys=OFF")
            try:
                # executescript commits first; BEGIN inside the script keeps the step atomic.
                await self.conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};")
                if rebuilds and await self.fetchone("PRAGMA foreign_key_check"):
                    raise RuntimeError(f"migration {number:04d} breaks a foreign key")
                await self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                raise
            finally:
                if rebuilds:
                    await self.conn.execute("PRAGMA foreign_keys=ON")

    async def _create(self) -> None:
        """A new database: every migration in one transaction (all of the schema or none of it,
        and one commit to wait for instead of one a migration). Foreign keys are off throughout,
        as for a rebuild (there is no row yet to cascade over), and checked before the commit."""
        steps = migrations()
        log.info("creating the database at migration %04d", steps[-1][0])
        script = "\n".join(sql for _, sql in steps)
        await self.conn.execute("PRAGMA foreign_keys=OFF")
        try:
            await self.conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {steps[-1][0]};")
            if await self.fetchone("PRAGMA foreign_key_check"):
                raise RuntimeError("the migrations break a foreign key")
            await self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                await self.conn.execute("ROLLBACK")
            raise
        finally:
            await self.conn.execute("PRAGMA foreign_keys=ON")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: committed when the block ends, rolled back on error."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def whole(self, body: Callable[[Any], Awaitable[T]]) -> T:
        """``body(conn)`` as one write transaction run whole in SQLite's thread, in one trip
        (storage.whole): for the transactions every report takes, so that under load the write
        lock is held for their statements, not for the loop's turns between them. The body may
        await only its connection's statements."""
        async with self._write_lock:
            # aiosqlite has no public way to run a function in its thread; _execute is how its
            # own methods do it (pinned in pyproject, tested in tests/test_whole_transactions.py).
            return await self.conn._execute(whole.run, self.conn._conn, self.conn, body)

    async def _outside_transactions(self) -> None:
        """Return when no transaction is open. The caller's next statement is queued to SQLite's
        thread before this coroutine yields again, so it runs before any later BEGIN."""
        while self._write_lock.locked():
            async with self._write_lock:
                pass

    async def write(self, sql: str, params: tuple | dict = ()) -> None:
        """One statement that is a transaction by itself (autocommit), in one trip to SQLite's
        thread. Statements like this do not wait for one another: SQLite runs them in order."""
        await self._outside_transactions()
        await self.conn.execute_fetchall(sql, params)

    async def insert(self, sql: str, params: tuple | dict = ()) -> int:
        """One INSERT that is a transaction by itself, in one trip; returns the new row's id."""
        await self._outside_transactions()
        row = await self.conn.execute_insert(sql, params)
        return int(row[0])

    async def write_returning(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
        """One statement with RETURNING that is a transaction by itself, in one trip: the
        first row it returns (None: it changed nothing)."""
        await self._outside_transactions()
        rows = await self.conn.execute_fetchall(sql, params)
        return rows[0] if rows else None

    async def ping(self) -> None:
        """A query that reads nothing: raises when the database cannot answer."""
        await self.fetchone("SELECT 1")

    async def write_probe(self) -> None:
        """A real write, committed (one small row of ``meta``): raises when the database can be
        read but not written (a full or read-only disk, a failing device), which ping misses."""
        async with self.transaction() as conn:
            await conn.execute("INSERT INTO meta (name, value) VALUES ('health_probe', datetime('now'))"
                               " ON CONFLICT (name) DO UPDATE SET value = excluded.value")

    async def wipe_log(self) -> bool:
        """Copy the write-ahead log into the database and empty it, so text just deleted (and
        overwritten, with secure_delete) no longer lies in the log's older frames either. False
        when a reader kept the checkpoint from finishing (the log is emptied by a later one)."""
        await self._outside_transactions()
        rows = await self.conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
        return not (rows and rows[0][0])

    async def fetchone(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
        """The first row of a query, in one trip (a cursor would take three)."""
        rows = await self.conn.execute_fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: tuple | dict = ()) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, params))


async def fetch_one(conn: aiosqlite.Connection, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
    """The first row of a query inside a transaction, in one trip to SQLite's thread. A cursor
    (``async with conn.execute(...)``, then fetchone, then its close) takes three, and a
    transaction holds the write lock through every trip: at a hundred reports a second the trips,
    not the statements, were what others waited for (BENCHMARKS.md, issue #26)."""
    rows = await conn.execute_fetchall(sql, params)
    return rows[0] if rows else None

