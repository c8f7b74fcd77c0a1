"""A copy of the gradebook before anything rewrites it (grading, generating).

SQLite gradebooks are copied with SQLite's online backup (safe while nbgrader or
formgrader has the file open) to ``backups/gradebook-<time>-<reason>.db``; the
newest :data:`KEEP` copies are kept. Another database (a hub's PostgreSQL) is the
hub administrator's to back up: nothing is copied and ``None`` is returned.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from kimtrain.course.layout import Course

__all__ = ["KEEP", "backup_gradebook", "sqlite_path"]

KEEP = 20


def sqlite_path(db_url: str) -> Path | None:
    prefix = "sqlite:///"
    return Path(db_url[len(prefix):]) if db_url.startswith(prefix) else None


def backup_gradebook(course: Course, reason: str = "grade") -> Path | None:
    """Copy the gradebook; return the copy's path (``None``: nothing to copy here)."""
    source = sqlite_path(course.db_url)
    if source is None or not source.is_file():
        return None
    folder = course.root / "backups"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"gradebook-{stamp}-{reason}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"gradebook-{stamp}-{reason}-{n}.db"
    # A proper file: URI (file:///C:/Users/...): a plain path breaks on Windows drive
    # letters and backslashes, and anywhere on a folder name with "#" or "?".
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()
    for old in sorted(folder.glob("gradebook-*.db"))[:-KEEP]:
        old.unlink()
    return target
