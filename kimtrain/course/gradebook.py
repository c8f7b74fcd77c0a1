"""Reading scores out of nbgrader's gradebook: the one reader, per item and per domain.

One read-only SQL query (:func:`read_grades`) over the tables nbgrader's ORM maps
(``grade``, ``submitted_notebook``, ``submitted_assignment``, ``assignment``,
``grade_cells``/``base_cell``), through SQLAlchemy, so the same code reads the default
SQLite file and a hub's PostgreSQL database, and 400,000 grades load in about a
second. A cell's score is nbgrader's own rule (``Grade.score``: the manual score,
else the automatic score, plus extra credit; 0 when it has neither); a cell still
waiting for a person has none. ``tests/test_gradebook_parity.py`` proves the rows
equal what nbgrader's ORM (``Gradebook.find_assignment(...).submissions``) reads on a
real graded course. The reports (:mod:`kimtrain.reports.data`) read the same rows into arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from kimtrain.assessment.manifest import load_manifest
from kimtrain.course.database import engine as open_engine
from kimtrain.course.layout import Course
from kimtrain.errors import CourseError
from kimtrain.gradeids import item_of

__all__ = ["CellScore", "GradeRow", "ParticipantScore", "assessment_names", "cell_scores",
           "participant_scores", "read_grades"]

# (participant, grade id, score, needs manual grading, max score) as the driver gives it
GradeRow = tuple[str, str, float, Any, float]

_QUERY = """
SELECT submitted_assignment.student_id, base_cell.name,
       CASE WHEN grade.manual_score IS NULL AND grade.auto_score IS NULL THEN 0.0
            ELSE COALESCE(grade.manual_score, grade.auto_score)
                 + COALESCE(grade.extra_credit, 0.0) END,
       grade.needs_manual_grade, grade_cells.max_score
FROM grade
JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id
JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id
JOIN assignment ON submitted_assignment.assignment_id = assignment.id
JOIN grade_cells ON grade.cell_id = grade_cells.id
JOIN base_cell ON grade_cells.id = base_cell.id
WHERE assignment.name = :name AND assignment.course_id = :course
"""


def assessment_names(course: Course, *, graded_only: bool = False) -> list[str]:
    """The assessments the gradebook knows (``graded_only``: with at least one
    submission), in name order. Errors of the database are raised as SQLAlchemy's."""
    from sqlalchemy import text

    # read-only (SQLite mode=ro, PostgreSQL default_transaction_read_only), so a report
    # can never lock out or change a grading run
    engine = open_engine(course.db_url, readonly=True)
    query = ("SELECT DISTINCT assignment.name FROM assignment JOIN submitted_assignment "
             "ON submitted_assignment.assignment_id = assignment.id "
             "WHERE assignment.course_id = :course" if graded_only else
             "SELECT name FROM assignment WHERE course_id = :course")
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(query), {"course": course.course_id}).all()
    finally:
        engine.dispose()
    return sorted(str(r[0]) for r in rows)


def _must_know(conn: Any, params: dict[str, str]) -> None:
    """Raise when the gradebook has no assessment ``params["name"]`` in this course."""
    from sqlalchemy import text

    known = conn.execute(
        text("SELECT 1 FROM assignment WHERE name = :name AND course_id = :course"),
        params).first()
    if known is None:
        raise CourseError("gradebook.no_assessment", assessment=params["name"])


def read_grades(course: Course, assessment: str) -> list[GradeRow]:
    """Every grade of every submission of ``assessment`` (any cell, kimtrain's or not),
    in no particular order, as the driver's plain tuples (SQLAlchemy's Row objects
    cost more than the query)."""
    from sqlalchemy import text

    # read-only (SQLite mode=ro, PostgreSQL default_transaction_read_only), so a report
    # can never lock out or change a grading run
    engine = open_engine(course.db_url, readonly=True)
    params = {"name": assessment, "course": course.course_id}
    try:
        with engine.connect() as conn:
            _must_know(conn, params)
            result = conn.execute(text(_QUERY), params)
            cursor = getattr(result, "cursor", None)
            rows = cast("list[GradeRow]",
                        cursor.fetchall() if cursor is not None else result.all())
    except CourseError:
        raise
    except Exception as exc:  # sqlalchemy.exc.* (a missing or locked database)
        raise CourseError("report.gradebook_unreadable", url=course.db_url,
                          reason=str(exc).splitlines()[0]) from exc
    finally:
        engine.dispose()
    from kimtrain.hub.ids import one_spelling

    return one_spelling(course, rows)  # a hub's kim-001 / jupyter-kim-001 are KIM-001


@dataclass(frozen=True)
class CellScore:
    participant: str
    item: str
    grade_id: str
    score: float | None
    max_points: float
    needs_manual: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParticipantScore:
    participant: str
    score: float = 0.0
    max_points: float = 0.0  # of the items graded so far
    pending: int = 0  # items waiting for a person (not in score or max_points yet)
    pending_points: float = 0.0
    domains: dict[str, list[float]] = field(default_factory=dict)  # domain -> [score, max]

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_points if self.max_points else 0.0

    def domain_percent(self, domain: str) -> float | None:
        got, total = self.domains.get(domain, (0.0, 0.0))
        return 100.0 * got / total if total else None


def cell_scores(course: Course, assessment: str) -> list[CellScore]:
    """Every graded item of every submission of ``assessment``, by participant and
    grade id."""
    return _cells(read_grades(course, assessment))


def participant_scores(course: Course, assessment: str) -> list[ParticipantScore]:
    """Totals and per-domain sums for each participant, over the items graded so far;
    items waiting for manual grading are counted apart (``pending``).

    The grades are read one participant at a time (:func:`_by_participant`), so the
    memory this takes does not grow with the cohort's size times its items (5,000 × 40
    cells as objects were the largest thing ``kimtrain grade`` held)."""
    manifest = load_manifest(course.source_dir(assessment), assessment)
    domain_of = {item["id"]: item["domain"] for item in manifest["items"]}
    by_participant: dict[str, ParticipantScore] = {}
    for cells in _by_participant(course, assessment):
        for cell in cells:
            row = by_participant.setdefault(cell.participant,
                                            ParticipantScore(cell.participant))
            if cell.needs_manual:
                row.pending += 1
                row.pending_points += cell.max_points
                continue
            got = cell.score or 0.0
            row.score += got
            row.max_points += cell.max_points
            bucket = row.domains.setdefault(domain_of.get(cell.item, "?"), [0.0, 0.0])
            bucket[0] += got
            bucket[1] += cell.max_points
    return [by_participant[p] for p in sorted(by_participant)]


_STUDENTS = """
SELECT DISTINCT submitted_assignment.student_id FROM submitted_assignment
JOIN assignment ON submitted_assignment.assignment_id = assignment.id
WHERE assignment.name = :name AND assignment.course_id = :course
"""


def _by_participant(course: Course, assessment: str) -> Iterator[list[CellScore]]:
    """:func:`cell_scores`, one participant's cells at a time (in the same order): the
    rows come from the database ordered by participant, a batch at a time. A gradebook
    with hub spellings of one participant (see :func:`read_grades`) is read whole."""
    from itertools import groupby

    from sqlalchemy import text

    from kimtrain.hub.ids import code_mapper

    code = code_mapper(course)
    engine = open_engine(course.db_url, readonly=True)
    params = {"name": assessment, "course": course.course_id}
    try:
        with engine.connect() as conn:
            _must_know(conn, params)
            spelled = any(code(str(pid)) != pid for (pid,) in
                          conn.execute(text(_STUDENTS), params))
            if not spelled:
                # a server-side cursor on PostgreSQL; the size given to partitions()
                # too (without it, a buffered result's fetchmany() fetches everything)
                query = text(_QUERY + " ORDER BY submitted_assignment.student_id")
                result = conn.execute(query.execution_options(yield_per=_BATCH), params)
                rows = (r for part in result.partitions(_BATCH) for r in part)
                for _, mine in groupby(rows, key=lambda r: r[0]):
                    yield _cells(list(mine))
                return
    except CourseError:
        raise
    except Exception as exc:  # sqlalchemy.exc.* (a missing or locked database)
        raise CourseError("report.gradebook_unreadable", url=course.db_url,
                          reason=str(exc).splitlines()[0]) from exc
    finally:
        engine.dispose()
    yield cell_scores(course, assessment)


_BATCH = 10_000  # grade rows fetched at a time by _by_participant


def _cells(rows: Iterable[GradeRow]) -> list[CellScore]:
    """The rows' graded items as :func:`cell_scores` gives them, in its order."""
    cells: list[CellScore] = []
    for participant, name, score, manual, max_score in sorted(rows,
                                                              key=lambda r: (r[0], r[1])):
        item = item_of(name)
        if item is None:
            continue
        pending = bool(manual)
        cells.append(CellScore(participant=str(participant), item=item, grade_id=name,
                               score=None if pending else float(score),
                               max_points=float(max_score), needs_manual=pending))
    return cells
