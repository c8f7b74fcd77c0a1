"""The gradebook's database: SQLite in the course folder (the default) or PostgreSQL.

* **URLs.** ``postgresql://`` is written as ``postgresql+psycopg://`` (psycopg 3, the
  ``postgres`` extra: ``pip install "kimtrain[postgres]"``); SQLAlchemy's plain
  ``postgresql://`` would look for psycopg2. A URL that carries a password is refused:
  the course folder is copied, zipped and shown on projectors, so credentials come
  from peer authentication over the Unix socket
  (``postgresql:///kim_sampit?host=/var/run/postgresql``) or from libpq's password file
  (``~/.pgpass`` or ``PGPASSFILE``), never from ``nbgrader_config.py``.
* **One database per course.** nbgrader's assignment names are unique in a gradebook
  and every course has a ``pretest`` and a ``posttest``, so two courses on one server
  each get their own database (``kim_sampit``, ``kim_baamang``) in the same PostgreSQL
  cluster; nbgrader's tables and kimtrain's stay exactly as on a laptop, a course is
  backed up and restored on its own (``pg_dump`` of one database), and access is
  granted per database.
* **A missing driver** is a :class:`~kimtrain.errors.CourseError` naming the extra,
  never a traceback.
* **Read-only connections** for reports: SQLite opened with ``mode=ro``, PostgreSQL
  with ``default_transaction_read_only``.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import re
import shutil
from pathlib import Path
from typing import Any

from kimtrain.errors import CourseError

__all__ = ["engine", "is_postgres", "libpq_args", "normalize_url", "pg_tool",
           "require_driver", "sqlite_file"]

_SCHEME = re.compile(r"^([a-z][a-z0-9]*)(\+[a-z0-9_]+)?://", re.IGNORECASE)
_DRIVERS = {"psycopg": "psycopg", "psycopg2": "psycopg2", "pg8000": "pg8000",
            "asyncpg": "asyncpg", "psycopg2cffi": "psycopg2cffi"}


def is_postgres(url: str) -> bool:
    match = _SCHEME.match(url)
    return match is not None and match.group(1).lower() in ("postgresql", "postgres")


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (``None`` for another database or memory)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or ":memory:" in url:
        return None
    return Path(url[len(prefix):].split("?", 1)[0])


def normalize_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` -> ``postgresql+psycopg://``; a URL with a
    password is refused (see the module docstring)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not is_postgres(url):
        return url
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CourseError("init.bad_db_url", url=url) from None
    if parsed.password:
        raise CourseError("db.password_in_url")
    if "+" not in parsed.drivername:
        match = _SCHEME.match(url)
        assert match is not None  # is_postgres matched
        url = "postgresql+psycopg://" + url[match.end():]
    return url


def require_driver(url: str) -> None:
    """A clear message when the database's Python driver is not installed."""
    if not is_postgres(url):
        return
    match = _SCHEME.match(url)
    driver = (match.group(2) or "+psycopg2")[1:] if match else "psycopg2"
    module = _DRIVERS.get(driver, driver)
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a module set to None in sys.modules
        found = False
    if not found:
        raise CourseError("db.no_driver", driver=module)


def engine(url: str, *, readonly: bool = False) -> Any:
    """A SQLAlchemy engine for the gradebook (the caller disposes of it)."""
    from sqlalchemy import create_engine

    require_driver(url)
    if readonly:
        path = sqlite_file(url)
        if path is not None:
            return create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        if is_postgres(url):
            return create_engine(url, connect_args={
                "options": "-c default_transaction_read_only=on"})
    return create_engine(url)


def libpq_args(url: str) -> list[str]:
    """``pg_dump``/``pg_restore`` connection options for a PostgreSQL URL (no password:
    libpq takes it from ``~/.pgpass`` or ``PGPASSFILE`` itself)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    args = []
    host = parsed.host or parsed.query.get("host")
    if isinstance(host, tuple):
        host = host[0]
    if host:
        args += ["--host", str(host)]
    port = parsed.port or parsed.query.get("port")
    if isinstance(port, tuple):
        port = port[0]
    if port:
        args += ["--port", str(port)]
    if parsed.username:
        args += ["--username", parsed.username]
    args += ["--dbname", str(parsed.database or "")]
    return args


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program (``pg_dump``, ``pg_restore``): on PATH,
    else Debian's ``/usr/lib/postgresql/<version>/bin`` (the newest)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda p: int(re.sub(r"\D", "", Path(p).parts[-3]) or 0))
    if candidates and os.access(candidates[-1], os.X_OK):
        return candidates[-1]
    raise CourseError("db.no_tool", tool=name)
