"""``python -m bot.verify [--head ID:TAG]``: check every report, file and audit entry against its
tag and the audit log's chain (storage.integrity), and name each row changed or deleted outside
the bot, by its report's reference. Exit status 0 when every record is intact, 1 when something
was changed, 2 when it cannot check. Safe while the bot runs.

``--head`` takes a head kept off this machine (printed here, and logged at each start): the chain
must still pass through it, which someone who holds the key and rewrote the history cannot fake.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.settings import load_or_report
from storage import integrity, startup
from storage.db import Database

# What each finding means, for the person at the terminal.
MEANS = {
    integrity.EDITED: "the report's own row was edited",
    integrity.DELETED: "the report was deleted",
    integrity.NOT_ON_RECORD: "the report was added outside the bot (no audit entry records it)",
    integrity.FILE_EDITED: "the row of its file {detail} was edited",
    integrity.FILES_REMOVED: "a file's row was deleted (or moved to another report)",
    integrity.FILES_ADDED: "a file's row was added outside the bot",
    integrity.REVERTED: "the report was put back to an earlier version of itself",
    integrity.ENTRY_EDITED: "audit entry {detail} was edited",
    integrity.ENTRIES_DELETED: "audit entries {detail} were deleted",
    integrity.HEAD_CHANGED: "the chain's head ({detail}) was removed or replaced: the latest entries are gone",
}


def describe(finding: integrity.Finding) -> str:
    where = finding.reference or "audit log"
    return f"{where}: {MEANS[finding.what].format(detail=finding.detail or '-')}"


async def run(argv: list[str] | None = None) -> int:
    """Check the records; returns the exit status."""
    startup.keep_private()
    parser = argparse.ArgumentParser(prog="python -m bot.verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("--head", help="a head kept off this machine (ID:TAG), which the chain must still hold")
    args = parser.parse_args(argv)
    settings = load_or_report()
    if settings is None:
        return 2
    if not settings.database_path.exists():
        print(f"cannot check: there is no database at {settings.database_path}", file=sys.stderr)
        return 2
    keys = settings.keys().record_keys()
    db = await Database.open(settings.database_path)
    try:
        integrity.bind(db, keys)
        if await integrity.needs_sealing(db):
            print("the records carry no tags yet: start the bot once (it tags them) and check again")
            return 2
        verdict = await integrity.verify(db, keys)
        holds = await integrity.head_holds(db, keys, args.head) if args.head else True
    finally:
        await db.close()
    for finding in verdict.findings:
        print(describe(finding))
    if not holds:
        print(f"the head {args.head} is not in this chain: the history up to it was rewritten, or it is not this "
              "database's (after bot.rekey, compare with the head it printed)")
    print(f"{verdict.reports} reports, {verdict.files} files, {verdict.entries} audit entries: "
          f"{'intact' if verdict.intact and holds else 'CHANGED OUTSIDE THE BOT'}; head {verdict.head or '-'}")
    return 0 if verdict.intact and holds else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
