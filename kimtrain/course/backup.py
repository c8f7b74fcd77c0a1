"""A copy of the gradebook before anything rewrites it (grading, generating), and
putting a copy back.

* SQLite gradebooks are copied with SQLite's online backup (safe while nbgrader or
  formgrader has the file open) to ``backups/gradebook-<time>-<reason>.db``;
* a PostgreSQL gradebook (one database per course) with the database's own
  ``pg_dump`` in its custom format, one consistent snapshot taken while others may
  be writing, to ``backups/gradebook-<time>-<reason>.dump``.

The newest :data:`KEEP` copies of each kind are kept. :func:`restore_gradebook` backs
up the present state first, then puts a copy back: SQLite through the same online
backup, PostgreSQL with ``pg_restore --clean --single-transaction`` (all or nothing).
Both hold nbgrader's tables and kimtrain's own (:mod:`kimtrain.course.tables`).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from pathlib import Path

from kimtrain.course.layout import Course
from kimtrain.errors import CourseError

__all__ = ["KEEP", "backup_gradebook", "restore_gradebook", "sqlite_path"]

KEEP = 20


def sqlite_path(db_url: str) -> Path | None:
    prefix = "sqlite:///"
    return Path(db_url[len(prefix):]) if db_url.startswith(prefix) else None


def _target(course: Course, reason: str, suffix: str) -> Path:
    folder = course.root / "backups"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"gradebook-{stamp}-{reason}{suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"gradebook-{stamp}-{reason}-{n}{suffix}"
    return target


def _prune(folder: Path, suffix: str) -> None:
    for old in sorted(folder.glob(f"gradebook-*{suffix}"))[:-KEEP]:
        old.unlink()


def _pg(tool: str, args: list[str]) -> None:
    from kimtrain.course.database import pg_tool

    try:
        proc = subprocess.run([pg_tool(tool), *args], capture_output=True, text=True,
                              timeout=3600, env={**os.environ, "PGCONNECT_TIMEOUT": "15"})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CourseError("db.tool_failed", tool=tool, reason=str(exc)) from exc
    if proc.returncode != 0:
        reason = (proc.stderr or proc.stdout).strip().splitlines()
        raise CourseError("db.tool_failed", tool=tool, reason=reason[-1] if reason else "")


def backup_gradebook(course: Course, reason: str = "grade") -> Path | None:
    """Copy the gradebook; return the copy's path (``None``: nothing to copy here)."""
    from kimtrain.course.database import is_postgres, libpq_args

    url = course.db_url
    if is_postgres(url):
        target = _target(course, reason, ".dump")
        partial = target.with_name(target.name + ".part")
        try:
            _pg("pg_dump", ["--format=custom", "--no-owner", "--no-privileges",
                            f"--file={partial}", *libpq_args(url)])
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        _prune(target.parent, ".dump")
        return target
    source = sqlite_path(url)
    if source is None or not source.is_file():
        return None
    target = _target(course, reason, ".db")
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
    _prune(target.parent, ".db")
    return target


def restore_gradebook(course: Course, backup: str | Path) -> tuple[Path, Path | None]:
    """Put ``backup`` back as the course's gradebook; (the backup, the copy of the state
    before). A file of the wrong kind is refused before anything changes."""
    from kimtrain.course.database import is_postgres, libpq_args

    backup = Path(backup).resolve()
    if not backup.is_file():
        raise CourseError("db.restore_missing", path=str(backup))
    url = course.db_url
    with backup.open("rb") as fh:
        head = fh.read(16)
    if is_postgres(url):
        if not head.startswith(b"PGDMP"):
            raise CourseError("db.restore_wrong_kind", path=str(backup), kind="pg_dump")
        before = backup_gradebook(course, reason="before-restore")
        _pg("pg_restore", ["--clean", "--if-exists", "--single-transaction", "--no-owner",
                           "--no-privileges", "--exit-on-error", *libpq_args(url),
                           str(backup)])
        return backup, before
    target = sqlite_path(url)
    if target is None or not head.startswith(b"SQLite format 3"):
        raise CourseError("db.restore_wrong_kind", path=str(backup), kind="SQLite")
    before = backup_gradebook(course, reason="before-restore")
    src = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()
    return backup, before
