"""Fixtures: the fake Bot API server, the bot running against it, and fake users."""

from __future__ import annotations

import os
import sys
import tempfile

# Before any module of the bot is imported: a message key missing from the catalogs raises.
os.environ["STRICT_MESSAGES"] = "1"

# Where the environment says not to write bytecode beside the sources (PYTHONDONTWRITEBYTECODE),
# each test worker would compile the bot and rewrite every test module's asserts afresh at every
# run: 2 of its 4 s of CPU to start. Kept in the temporary directory instead, never in the tree.
if sys.dont_write_bytecode and sys.pycache_prefix is None:
    sys.pycache_prefix = os.path.join(tempfile.gettempdir(), "kz-election-bot-pycache")
    sys.dont_write_bytecode = False

from pathlib import Path  # noqa: E402
from typing import AsyncIterator

import pytest  # noqa: E402

from tests.fake_telegram import FakeTelegram, FakeUser
from tests.harness import TOKEN, BotProcess, make_settings, running_bot
from storage.db import Database


@pytest.fixture(autouse=True)
async def no_bot_left_running() -> AsyncIterator[None]:
    """A test that fails half-way must not leave ``python -m bot`` polling (and holding its locks)."""
    yield
    await BotProcess.kill_leftovers()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh database at the latest schema, closed after the test."""
    database = await Database.open(tmp_path / "t.sqlite3")
    yield database
    await database.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(fake: FakeTelegram, data_dir: Path):
    return make_settings(fake, data_dir, admin_ids="1001")


@pytest.fixture
async def app(fake: FakeTelegram, settings):
    """The real Application polling the fake server; checks afterwards that Telegram refused nothing."""
    async with running_bot(settings) as application:
        yield application
    assert fake.refused == [], f"the bot made calls Telegram would refuse: {fake.refused}"


@pytest.fixture
def user_factory(fake: FakeTelegram):
    counter = iter(range(5_000_001, 6_000_000))

    def make(language_code: str | None = "ru", **kwargs) -> FakeUser:
        return FakeUser(fake, next(counter), language_code=language_code, **kwargs)

    return make


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """What ``-n auto`` means here: three workers a core, handed tests as they finish. The
    end-to-end tests mostly wait (on the fake Bot API, on real seconds of Telegram's windows), so
    one worker a core leaves the cores idle. The suite needs about 200 s of CPU (100 s of two
    idle cores); six workers keep both cores busy through the waits, each costs 2 s of CPU to
    start. A few
    tests take 10 to 25 s: dealt out in fixed batches (``--dist load``) one of them could start
    last and keep one worker busy alone at the end; with ``worksteal`` an idle worker takes over
    the queued tests of a busy one."""
    if config.option.dist == "no":
        config.option.dist = "worksteal"
    return 3 * (os.cpu_count() or 1)


# The tests that take longest (10 to 27 s each on two shared cores, mostly waiting out Telegram's
# scaled windows and a faulty API), longest first: each worker starts with its share of them.
LONG_TESTS: tuple[str, ...] = (
    "test_fault_run.py::test_a_quarter_of_calls_failing",
    "test_group_pressure.py::test_a_burst_of_fifty_reports",
    "test_demo.py::test_a_rehearsal",
    "test_fault_run.py::test_a_hundred_reports_under_telegrams_limits",
    "test_demo.py::test_a_voter_files_in_kazakh",
    "test_people.py::test_a_hundred_photos",
    "test_fault_run.py::test_fifty_reports_each_in_one_card_or_a_summary",
    "test_group_pressure.py::test_a_steady_stream",
    "test_hostile_files.py::test_long_thin_jpegs",
    "test_unlinkable.py::test_people_ids_do_not_follow_the_order_of_reports",
    "test_outbox.py::test_an_attempt_cut_by_a_stop",
    "test_urgent.py::test_urgent_reports_in_kk_and_ru_reach_the_moderators_ahead",
)


def _long_rank(item: pytest.Item) -> int | None:
    return next((rank for rank, name in enumerate(LONG_TESTS) if name in item.nodeid), None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``worksteal`` each worker is first dealt a contiguous share of the collection and
    idle ones take the *end* of a busy one's queue: a long test left in the middle of a share ran
    late, alone. Each share now begins with its part of the long tests (dealt in turn, longest
    first), then the rest in their order; every worker orders alike, as xdist requires."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2:
        return
    ranked = sorted((item for item in items if _long_rank(item) is not None), key=_long_rank)
    rest = [item for item in items if _long_rank(item) is None]
    shares: list[list[pytest.Item]] = [ranked[worker::workers] for worker in range(workers)]
    left = len(items)
    for worker, share in enumerate(shares):
        size = left // (workers - worker)  # as xdist deals the shares out
        take = max(0, size - len(share))
        share.extend(rest[:take])
        del rest[:take]
        left -= len(share)
    shares[-1].extend(rest)
    items[:] = [item for share in shares for item in share]
