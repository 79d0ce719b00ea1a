"""``python -m bot.backup [FOLDER] [--incremental]``: one archive of the database and the evidence,
encrypted, with a manifest of hashes, in FOLDER (BACKUP_DIR, or DATA_DIR/backups), and a copy in
the bucket of BACKUP_URL when it is set (with any archive of its chain the bucket lacks). Full
unless --incremental: then only the evidence files new since the newest archive. Safe while the
bot runs."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import load_or_report
from storage import backup_bucket, startup
from storage.backups import BackupProblem, make_backup


def main(argv: list[str] | None = None) -> int:
    """Make one archive; returns the exit status."""
    startup.keep_private()  # the archive, its scratch copy of the database and the folder
    parser = argparse.ArgumentParser(prog="python -m bot.backup", description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, help="where to write the archive")
    parser.add_argument("--incremental", action="store_true",
                        help="only the evidence files new since the newest archive in the folder")
    args = parser.parse_args(argv)
    settings = load_or_report()
    if settings is None:
        return 2
    if not settings.database_path.exists():
        print(f"cannot back up: there is no database at {settings.database_path}", file=sys.stderr)
        return 2
    try:
        path = make_backup(settings.data_dir, settings.database_path, args.folder or settings.backup_folder,
                           settings.keys(), settings.backup_keep, incremental=args.incremental)
    except (BackupProblem, OSError) as exc:
        print(f"cannot back up: {exc}", file=sys.stderr)
        return 1
    print(f"backed up to {path}")
    if settings.backup_url:
        try:
            remote = asyncio.run(backup_bucket.upload_chain(path, settings.backup_url, settings.backup_s3_endpoint))
        except BackupProblem as exc:
            print(f"cannot back up off the machine: {exc}", file=sys.stderr)
            return 1
        print(f"copied to {remote}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
