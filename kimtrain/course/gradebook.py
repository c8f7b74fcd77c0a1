"""Reading scores out of nbgrader's gradebook, per item and rolled up per domain.

Uses nbgrader's own ``Gradebook`` (SQLAlchemy), so the same code reads the default
SQLite file and a hub's PostgreSQL database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kimtrain.assessment.manifest import load_manifest
from kimtrain.course.layout import Course
from kimtrain.errors import CourseError

__all__ = ["CellScore", "ParticipantScore", "cell_scores", "participant_scores"]

_PREFIXES = ("nilai_", "jawaban_")


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


def _item_of(grade_id: str) -> str | None:
    for prefix in _PREFIXES:
        if grade_id.startswith(prefix):
            return grade_id[len(prefix):]
    return None


def cell_scores(course: Course, assessment: str) -> list[CellScore]:
    """Every graded item of every submission of ``assessment``."""
    from nbgrader.api import Gradebook, MissingEntry

    from kimtrain.hub.ids import code_mapper

    code = code_mapper(course)  # a hub's spellings of a code are that participant
    rows: dict[tuple[str, str], CellScore] = {}
    with Gradebook(course.db_url, course.course_id) as gb:
        try:
            assignment = gb.find_assignment(assessment)
        except MissingEntry:
            raise CourseError("gradebook.no_assessment", assessment=assessment) from None
        for submission in assignment.submissions:
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    item = _item_of(grade.name)
                    if item is None:
                        continue
                    pending = bool(grade.needs_manual_grade)
                    row = CellScore(
                        participant=code(submission.student.id), item=item, grade_id=grade.name,
                        score=None if pending else float(grade.score),
                        max_points=float(grade.max_score), needs_manual=pending,
                    )
                    exact = row.participant == submission.student.id
                    if exact or (row.participant, grade.name) not in rows:
                        rows[(row.participant, grade.name)] = row
    return list(rows.values())


def participant_scores(course: Course, assessment: str) -> list[ParticipantScore]:
    """Totals and per-domain sums for each participant, over the items graded so far;
    items waiting for manual grading are counted apart (``pending``)."""
    manifest = load_manifest(course.folder("source", assessment), assessment)
    domain_of = {item["id"]: item["domain"] for item in manifest["items"]}
    by_participant: dict[str, ParticipantScore] = {}
    for cell in cell_scores(course, assessment):
        row = by_participant.setdefault(cell.participant, ParticipantScore(cell.participant))
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
