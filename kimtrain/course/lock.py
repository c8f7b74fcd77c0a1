"""One grading run per course at a time.

Two trainers (or one trainer in two terminals) grading the same course at once would
interleave nbgrader's writes to the same submissions. :func:`grading_lock` is held for
the whole of ``kimtrain grade``; a second run is refused at once with a message that
names the other run, and changes nothing.

* **PostgreSQL**: a session-level advisory lock (``pg_try_advisory_lock``) in the
  course's database, held by a connection kept open for the run. The server releases
  it when that connection ends, so a killed grader never leaves a stale lock, and two
  graders on different machines of a hub see the same lock.
* **SQLite** (a laptop): an OS file lock on ``.kimtrain/menilai.lock``
  (``fcntl.flock``; ``msvcrt.locking`` on Windows), likewise released by the OS when
  the process ends.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.errors import CourseError

__all__ = ["LOCK_FILE", "grading_lock"]

LOCK_FILE = Path(".kimtrain") / "menilai.lock"
_APP = "kimtrain grade"


def _holder() -> str:
    return f"{socket.gethostname()} pid {os.getpid()} {time.strftime('%Y-%m-%d %H:%M')}"


def _key(course: Course) -> int:
    """A stable 63-bit key for this course's grading lock."""
    return zlib.crc32(f"kimtrain-grade:{course.course_id}".encode()) | (0x6B696D << 32)


@contextlib.contextmanager
def _postgres_lock(course: Course, url: str) -> Iterator[None]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, poolclass=_null_pool(), connect_args={
        "application_name": f"{_APP} {_holder()}"[:63]})
    key = _key(course)
    try:
        with engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            conn.commit()
            if not got:
                row = conn.execute(text(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a "
                    "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                    "AND l.database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database()) "
                    "AND ((l.classid::bigint << 32) | l.objid::bigint) = :k"),
                    {"k": key}).first()
                holder = str(row[0]).removeprefix(_APP).strip() if row and row[0] else ""
                raise CourseError("db.locked", holder=holder or _unknown())
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
    finally:
        engine.dispose()


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


def _unknown() -> str:
    from kimtrain.i18n import t

    return t("db.lock_holder_unknown")


@contextlib.contextmanager
def _file_lock(course: Course) -> Iterator[None]:
    path = course.root / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not _try_lock(fd):
            try:
                holder = path.read_text(encoding="utf-8").strip()
            except (OSError, ValueError):
                holder = ""
            raise CourseError("db.locked", holder=holder or _unknown())
        os.ftruncate(fd, 0)
        os.write(fd, _holder().encode("utf-8"))
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            _unlock(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:
        import msvcrt

        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def grading_lock(course: Course) -> Iterator[None]:
    """Hold the course's grading lock, or raise ``CourseError("db.locked")`` at once."""
    from kimtrain.course.database import is_postgres

    url = course.db_url
    lock = _postgres_lock(course, url) if is_postgres(url) else _file_lock(course)
    with lock:
        yield
