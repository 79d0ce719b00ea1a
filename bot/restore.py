"""``python -m bot.restore ARCHIVE``: put a backup back into an empty DATA_DIR, then check every
evidence file against the SHA-256 taken when the bot received it. Run it with the bot stopped and
the SECRET_KEY the backup was made with. Exit status 0 only when every file matches."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from bot.settings import load_or_report
from storage import backup_bucket, startup
from storage.backups import BackupProblem, restore


def main(argv: list[str] | None = None) -> int:
    """Put one archive back; returns the exit status."""
    startup.keep_private()  # DATA_DIR, the database and every evidence file are made anew
    parser = argparse.ArgumentParser(prog="python -m bot.restore", description=__doc__)
    parser.add_argument("archive", help="a backup-*.tar made by python -m bot.backup, or its s3:// address")
    args = parser.parse_args(argv)
    settings = load_or_report()
    if settings is None:
        return 2
    try:
        with tempfile.TemporaryDirectory() as scratch:
            archive = Path(args.archive)
            if args.archive.startswith("s3://"):
                archive = asyncio.run(backup_bucket.download(
                    args.archive, Path(scratch) / args.archive.rsplit("/", 1)[-1], settings.backup_s3_endpoint))
            result = restore(archive, settings.data_dir, settings.database_path, settings.keys())
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


if __name__ == "__main__":
    sys.exit(main())
