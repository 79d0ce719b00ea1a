"""Telling the storage failing (a full, read-only or broken disk) from a bug in the code."""

from __future__ import annotations

import errno
import os
import sqlite3

# What a full, read-only or failing disk raises when evidence files are written.
_DISK_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EIO, errno.EDQUOT, errno.EACCES, errno.EPERM}


def describe_failure(error: BaseException | None) -> str | None:
    """A short description when ``error`` is the storage failing, else None."""
    if isinstance(error, sqlite3.Error):
        return f"{type(error).__name__}: {error}"  # SQLite's own words: "database or disk is full"
    if isinstance(error, OSError) and error.errno in _DISK_ERRNOS:
        return f"{type(error).__name__}: {os.strerror(error.errno)}"
    return None
