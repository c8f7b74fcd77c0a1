"""kimtrain's own tables in the course's gradebook database (SQLite or PostgreSQL).

nbgrader's gradebook holds scores per cell; a report also needs what each participant
chose (item and distractor analysis) and where they come from (KIM, desa, kecamatan,
kabupaten). These live beside nbgrader's tables in the same database, so the database
alone produces a report, and a province server's databases produce a province one:

* ``kimtrain_response`` — one row per participant, form and item: the chosen option(s)
  or typed answer (JSON), points, maximum and status, as the item's grade cell showed
  them in the graded notebook (:mod:`kimtrain.grading.results`);
* ``kimtrain_participant`` — the roster's groups (and name, for certificates);
* ``kimtrain_form`` — each form's public manifest (items, domains, options; no keys);
* ``kimtrain_setting`` — the course's kabupaten/kota.

They are created and upgraded with Alembic (``kimtrain/course/migrations``, version in
``kimtrain_alembic_version``, apart from nbgrader's own ``alembic_version``), and only
once nbgrader has made its tables: nbgrader stamps its own schema version only in an
empty database. ``kimtrain grade`` writes them (:class:`Recorder`: each participant as
grading finishes them, in one transaction at the end, read and written a chunk of
participants at a time); ``kimtrain db sync`` fills them for forms graded before.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.errors import CourseError

__all__ = ["HEAD", "Recorder", "form_manifest", "get_setting", "has_responses",
           "read_responses", "read_roster", "revision", "set_setting", "sync_assessment",
           "sync_roster", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0001"
VERSION_TABLE = "kimtrain_alembic_version"
# nbgrader's tables (nbgrader.api's models) that kimtrain's tables and queries refer to
NBGRADER_TABLES = {"course", "assignment", "notebook", "base_cell", "grade_cells",
                   "submitted_assignment", "submitted_notebook", "grade", "student",
                   "alembic_version"}
CHUNK = 250  # participants whose responses are read and written at a time (Recorder)


def _upgrade_connection(connection: Any) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def upgrade(course: Course) -> str:
    """Create or upgrade kimtrain's tables; return the revision now in place."""
    from kimtrain.course.database import engine as open_engine

    _nbgrader_tables(course)
    engine = open_engine(course.db_url)
    try:
        with engine.begin() as conn:
            _upgrade_connection(conn)
    finally:
        engine.dispose()
    return revision(course) or HEAD


def _nbgrader_tables(course: Course) -> None:
    """nbgrader's schema first (see the module docstring), when it is not there yet:
    importing nbgrader costs a command a second or more (nbformat's jsonschema)."""
    from sqlalchemy import inspect

    from kimtrain.course.database import engine as open_engine

    engine = open_engine(course.db_url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    if tables >= NBGRADER_TABLES:
        return
    from kimtrain.course.nbgrader_api import _clean_env, _scripts_on_path

    _scripts_on_path()
    from nbgrader.api import Gradebook

    with _clean_env(), Gradebook(course.db_url, course.course_id):
        pass


def revision(course: Course) -> str | None:
    """kimtrain's schema revision in the gradebook (``None``: no kimtrain tables)."""
    from sqlalchemy import inspect, text

    from kimtrain.course.database import engine as open_engine

    engine = open_engine(course.db_url, readonly=True)
    try:
        with engine.connect() as conn:
            if VERSION_TABLE not in inspect(conn).get_table_names():
                return None
            row = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).first()
            return str(row[0]) if row else None
    except CourseError:
        raise
    except Exception:  # no gradebook file yet
        return None
    finally:
        engine.dispose()


def _write(course: Course) -> Any:
    """An engine for writing, with kimtrain's tables upgraded to the head."""
    from kimtrain.course.database import engine as open_engine

    if revision(course) != HEAD:
        upgrade(course)
    return open_engine(course.db_url)


# -- settings ------------------------------------------------------------------------------
def set_setting(course: Course, key: str, value: str) -> None:
    from sqlalchemy import text

    engine = _write(course)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM kimtrain_setting WHERE key = :k"), {"k": key})
            conn.execute(text("INSERT INTO kimtrain_setting (key, value) VALUES (:k, :v)"),
                         {"k": key, "v": value})
    finally:
        engine.dispose()


def get_setting(course: Course, key: str, default: str = "") -> str:
    rows = _read(course, "SELECT value FROM kimtrain_setting WHERE key = :k", {"k": key})
    return str(rows[0][0]) if rows else default


# -- writing --------------------------------------------------------------------------------
def _roster_rows(course: Course) -> list[dict[str, str]]:
    from kimtrain.course.roster import load_roster

    return [{"id": p.id, "nama": p.nama, "kim": p.kim, "desa": p.desa,
             "kecamatan": p.kecamatan} for p in load_roster(course)]


def _store_roster(conn: Any, rows: list[dict[str, str]], kabupaten: str) -> None:
    from sqlalchemy import text

    if not rows:
        return
    conn.execute(text("DELETE FROM kimtrain_participant"))
    conn.execute(text(
        "INSERT INTO kimtrain_participant (id, nama, kim, desa, kecamatan, kabupaten) "
        "VALUES (:id, :nama, :kim, :desa, :kecamatan, :kabupaten)"),
        [{**row, "kabupaten": kabupaten} for row in rows])


def _store_form(conn: Any, course: Course, assessment: str) -> None:
    from sqlalchemy import text

    from kimtrain.assessment.manifest import load_manifest

    try:
        manifest = load_manifest(course.source_dir(assessment), assessment)
    except Exception:  # no source here (an imported course): keep what is stored
        return
    conn.execute(text("DELETE FROM kimtrain_form WHERE assessment = :a"), {"a": assessment})
    conn.execute(text("INSERT INTO kimtrain_form (assessment, title, manifest) "
                      "VALUES (:a, :t, :m)"),
                 {"a": assessment, "t": str(manifest.get("title") or assessment),
                  "m": json.dumps(manifest, ensure_ascii=False)})


def _store_responses(conn: Any, assessment: str,
                     rows: dict[str, list[list[Any]]]) -> int:
    from sqlalchemy import text

    if not rows:
        return 0
    people = list(rows)
    for start in range(0, len(people), 500):
        conn.execute(text("DELETE FROM kimtrain_response WHERE assessment = :a "
                          "AND participant = :p"),
                     [{"a": assessment, "p": p} for p in people[start:start + 500]])
    values = [{"a": assessment, "p": participant, "i": str(item), "n": n,
               "r": json.dumps(response, ensure_ascii=False), "pt": points,
               "mx": float(max_points), "s": str(status or "")}
              for participant, found in rows.items()
              for n, (item, response, points, max_points, status) in enumerate(found)]
    seen: set[tuple[str, str]] = set()
    unique = []
    for value in reversed(values):  # a repeated item: the last one shown counts
        if (value["p"], value["i"]) not in seen:
            seen.add((value["p"], value["i"]))
            unique.append(value)
    if unique:
        conn.execute(text(
            "INSERT INTO kimtrain_response (assessment, participant, item, position, "
            "response, points, max_points, status) VALUES (:a, :p, :i, :n, :r, :pt, :mx, :s)"),
            unique)
    return len(unique)


class Recorder:
    """What ``kimtrain grade`` writes: each participant's results as grading finishes
    them (:meth:`add`), the roster and the form, in one transaction (:meth:`flush`).

    :meth:`add` only notes where the graded notebook is; :meth:`flush` reads the
    notebooks :data:`CHUNK` participants at a time and writes each chunk's rows before
    reading the next, so memory stays flat in the cohort's size (5,000 participants ×
    40 items held at once and then copied into parameter rows were hundreds of MiB)."""

    def __init__(self, course: Course, assessment: str) -> None:
        self.course = course
        self.assessment = assessment
        self.rows: dict[str, list[list[Any]]] = {}  # rows given directly (store_rows)
        self.notebooks: dict[str, Path] = {}  # participant -> graded notebook (add)

    def add(self, participant: str, notebook: Path) -> None:
        """The results the participant's graded notebook shows (none: an empty list),
        read when :meth:`flush` writes them."""
        self.rows.pop(participant, None)
        self.notebooks[participant] = notebook

    def _chunks(self) -> Iterator[dict[str, list[list[Any]]]]:
        from kimtrain.grading.results import _rows_in

        people = list(self.notebooks.items())
        for start in range(0, len(people), CHUNK):
            yield {participant: _rows_in(notebook) if notebook.is_file() else []
                   for participant, notebook in people[start:start + CHUNK]}

    def flush(self) -> int:
        engine = _write(self.course)
        try:
            with engine.begin() as conn:
                kabupaten = _setting(conn, "kabupaten")
                _store_roster(conn, _roster_rows(self.course), kabupaten)
                _store_form(conn, self.course, self.assessment)
                count = _store_responses(conn, self.assessment, self.rows)
                for chunk in self._chunks():
                    count += _store_responses(conn, self.assessment, chunk)
        finally:
            engine.dispose()
        self.rows, self.notebooks = {}, {}
        return count


def _setting(conn: Any, key: str) -> str:
    from sqlalchemy import text

    row = conn.execute(text("SELECT value FROM kimtrain_setting WHERE key = :k"),
                       {"k": key}).first()
    return str(row[0]) if row else ""


def sync_roster(course: Course) -> int:
    rows = _roster_rows(course)
    engine = _write(course)
    try:
        with engine.begin() as conn:
            _store_roster(conn, rows, _setting(conn, "kabupaten"))
    finally:
        engine.dispose()
    return len(rows)


def sync_assessment(course: Course, assessment: str) -> tuple[int, int]:
    """Fill the tables for ``assessment`` from every graded notebook in the course;
    (participants, rows)."""
    recorder = Recorder(course, assessment)
    root = course.root / "autograded"
    for folder in sorted(root.glob(f"*/{assessment}")):
        recorder.add(folder.parent.name, folder / f"{assessment}.ipynb")
    people = len(recorder.notebooks)
    return people, recorder.flush()


def store_rows(course: Course, assessment: str,
               rows: Iterable[tuple[str, str, Any, float | None, float, str]]) -> int:
    """Store ``(participant, item, response, points, max_points, status)`` rows."""
    recorder = Recorder(course, assessment)
    for participant, item, response, points, max_points, status in rows:
        recorder.rows.setdefault(participant, []).append(
            [item, response, points, max_points, status])
    return recorder.flush()


# -- reading (read-only connections) -----------------------------------------------------------
def _read(course: Course, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    from sqlalchemy import text

    from kimtrain.course.database import engine as open_engine

    if revision(course) is None:
        return []
    engine = open_engine(course.db_url, readonly=True)
    try:
        with engine.connect() as conn:
            result = conn.execute(text(sql), params)
            cursor = getattr(result, "cursor", None)
            return list(cursor.fetchall() if cursor is not None else result.all())
    except Exception as exc:
        raise CourseError("db.unreadable", url=course.db_url,
                          reason=str(exc).splitlines()[0]) from exc
    finally:
        engine.dispose()


def has_responses(course: Course, assessment: str) -> bool:
    return bool(_read(course, "SELECT 1 FROM kimtrain_response WHERE assessment = :a "
                              "LIMIT 1", {"a": assessment}))


def read_responses(course: Course, assessment: str) -> list[tuple[Any, ...]]:
    """``(participant, item, response, points, max_points, status)`` for every stored
    response of ``assessment``, ordered as :func:`kimtrain.grading.results.result_rows`."""
    rows = _read(course, "SELECT participant, item, response, points, max_points, status "
                         "FROM kimtrain_response WHERE assessment = :a", {"a": assessment})
    rows.sort(key=lambda row: row[0])  # stable: each participant's rows in stored order
    # a cohort gives the same few answers ("B", true, ["A", "C"]) thousands of times:
    # each distinct text is decoded once (a list is copied, so no two rows share one)
    decoded: dict[str, Any] = {}
    out = []
    for p, i, r, pt, mx, s in rows:
        if r is None:
            value = None
        else:
            value = decoded.get(r, decoded)
            if value is decoded:
                value = decoded[r] = json.loads(r)
            if isinstance(value, list):
                value = list(value)
            elif isinstance(value, dict):
                value = json.loads(r)
        out.append((p, i, value, pt, mx, s))
    return out


def form_manifest(course: Course, assessment: str) -> dict[str, Any] | None:
    rows = _read(course, "SELECT manifest FROM kimtrain_form WHERE assessment = :a",
                 {"a": assessment})
    return json.loads(rows[0][0]) if rows else None


def read_roster(course: Course) -> list[dict[str, str]]:
    """The roster as stored: id, nama, kim, desa, kecamatan, kabupaten."""
    rows = _read(course, "SELECT id, nama, kim, desa, kecamatan, kabupaten "
                         "FROM kimtrain_participant ORDER BY id", {})
    names = ("id", "nama", "kim", "desa", "kecamatan", "kabupaten")
    return [dict(zip(names, (str(v or "") for v in row), strict=True)) for row in rows]
