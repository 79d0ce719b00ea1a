"""``python -m bot.restore ARCHIVE``: put a backup back into an empty DATA_DIR (with the archives
of its chain, found beside it or under the same s3:// prefix), after checking every member
against its manifest and every evidence file against the SHA-256 taken when the bot received
it. Run it with the bot stopped and the SECRET_KEY the backup was made with. Anything wrong is
told in one line, exit status 2, and DATA_DIR is left as it was."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from bot.settings import Settings, load_or_report
from storage import backup_bucket, startup
from storage.backups import BackupProblem, archives_needed, restore


def main(argv: list[str] | None = None) -> int:
    """Put one archive back; returns the exit status."""
    startup.keep_private()  # DATA_DIR, the database and every evidence file are made anew
    parser = argparse.ArgumentParser(prog="python -m bot.restore", description=__doc__)
    parser.add_argument("archive", help="a backup-*.tar made by the bot, or its s3:// address")
    parser.add_argument("--keep-damaged", action="store_true",
                        help="restore even when evidence files differ from their hash or are missing "
                             "(each is listed, exit status 1)")
    args = parser.parse_args(argv)
    settings = load_or_report()
    if settings is None:
        return 2
    try:
        with tempfile.TemporaryDirectory() as scratch:
            archive = Path(args.archive)
            if args.archive.startswith("s3://"):
                archive = asyncio.run(_fetch_chain(args.archive, Path(scratch), settings))
            result = restore(archive, settings.data_dir, settings.database_path, settings.keys(),
                             keep_damaged=args.keep_damaged)
    except (BackupProblem, OSError) as exc:
        print(f"cannot restore: {exc}", file=sys.stderr)
        return 2
    print(f"restored {result.reports} reports; {result.files_checked} evidence files checked, "
          f"{len(result.files_differing)} differ, {len(result.files_missing)} missing")
    for path in result.files_differing:
        print(f"differs from its hash at receipt: {path}", file=sys.stderr)
    for path in result.files_missing:
        print(f"missing: {path}", file=sys.stderr)
    return 0 if not result.files_differing and not result.files_missing else 1


async def _fetch_chain(url: str, scratch: Path, settings: Settings) -> Path:
    """The archive at ``url`` and the archives of its chain (same prefix), into ``scratch``."""
    prefix, name = url.rsplit("/", 1)
    newest = await backup_bucket.download(url, scratch / name, settings.backup_s3_endpoint)
    for other in archives_needed(newest):
        await backup_bucket.download(f"{prefix}/{other}", scratch / other, settings.backup_s3_endpoint)
    return newest


if __name__ == "__main__":
    sys.exit(main())
