"""``kimtrain init``: a course folder with nbgrader's configuration, the starter
material and a short trainer's guide in Indonesian (``PANDUAN.md``).

The gradebook is SQLite in the course folder unless ``db_url`` names another
database (a hub's PostgreSQL, for example ``postgresql://user@db/kim``); the
exchange is a local folder unless ``exchange`` names a hub's shared one.
"""

from __future__ import annotations

import re
from pathlib import Path

from kimtrain.course.layout import Course, create_course
from kimtrain.errors import CourseError

__all__ = ["GUIDE", "init_course"]

GUIDE = "PANDUAN.md"
_TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "panduan_pelatih.md"
_DB_URL = re.compile(r"^[a-z][a-z0-9+]*://")


def init_course(root: str | Path, course_id: str = "kim", *, db_url: str | None = None,
                exchange: str | None = None) -> Course:
    """Create the course (see :func:`~kimtrain.course.layout.create_course`) and its guide."""
    if db_url is not None and not _DB_URL.match(db_url):
        raise CourseError("init.bad_db_url", url=db_url)
    if db_url is not None:
        from kimtrain.course.database import normalize_url, require_driver

        db_url = normalize_url(db_url)  # no password in the course; psycopg 3
        require_driver(db_url)
    course = create_course(root, course_id, db_url=db_url, exchange=exchange)
    (course.root / "roster").mkdir(exist_ok=True)
    if db_url:
        note = (f"database `{_hide_password(db_url)}` (nbgrader_config.py); `kimtrain grade` "
                "membuat cadangan dengan `pg_dump` di `backups/`.")
    else:
        note = "`gradebook.db` di folder ini; `kimtrain grade` membuat cadangan di `backups/`."
    guide = _TEMPLATE.read_text(encoding="utf-8").format(
        course_id=course.course_id, root=str(course.root), db_note=note)
    (course.root / GUIDE).write_text(guide, encoding="utf-8")
    return course


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
