"""``kimtrain grade NAME``: grade a whole cohort through nbgrader, one participant at a time.

1. The gradebook is backed up (:func:`~kimtrain.course.backup.backup_gradebook`).
2. Each submission in ``submitted/*/NAME/`` is screened
   (:func:`~kimtrain.grading.screen.screen_submission`): a fatal problem is reported
   and that participant is not sent to nbgrader; the others go on.
3. nbgrader's autograde runs for each participant separately, configured by
   :func:`~kimtrain.grading.pipeline.configure` (kimtrain notebooks are graded without
   a kernel). A failure is that participant's flag only. Without ``force`` a
   submission already graded and not newer is left as it is (nbgrader's own rule),
   so re-running changes nothing.
4. The scores are read back from the gradebook.

The result is plain data (:class:`GradeSummary`); the command prints it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.errors import CourseError, NbgraderError

__all__ = ["GRADED", "NOT_GRADED", "NOT_SUBMITTED", "UNCHANGED", "GradeSummary",
           "ParticipantOutcome", "grade_cohort"]

GRADED, UNCHANGED, NOT_GRADED, NOT_SUBMITTED = "graded", "unchanged", "not_graded", \
    "not_submitted"
Progress = Callable[[int, int, str], None]


@dataclass
class ParticipantOutcome:
    participant: str
    status: str
    flags: list[Any] = field(default_factory=list)  # kimtrain.grading.screen.Flag
    mode: str = ""  # kernelfree | kernel
    score: float | None = None
    max_points: float | None = None
    pending: int = 0  # items waiting for manual grading

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    def to_dict(self) -> dict[str, Any]:
        return {"participant": self.participant, "status": self.status,
                "flags": [f.to_dict() for f in self.flags], "mode": self.mode,
                "score": self.score, "max_points": self.max_points, "pending": self.pending}


@dataclass
class GradeSummary:
    assessment: str
    outcomes: list[ParticipantOutcome]
    backup: Path | None
    seconds: float

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def flagged(self) -> int:
        return sum(1 for o in self.outcomes if o.flagged)

    @property
    def needs_manual(self) -> int:
        return sum(1 for o in self.outcomes if o.pending)

    def to_dict(self) -> dict[str, Any]:
        return {"assessment": self.assessment, "backup": str(self.backup or ""),
                "seconds": round(self.seconds, 3),
                "outcomes": [o.to_dict() for o in self.outcomes]}


def _participants(course: Course, assessment: str) -> tuple[list[str], list[str]]:
    from kimtrain.course.roster import load_roster

    submitted = sorted(p.parent.name for p in course.root.glob(f"submitted/*/{assessment}")
                       if p.is_dir())
    missing = sorted({p.id for p in load_roster(course)} - set(submitted))
    return submitted, missing


def _reason(error: NbgraderError) -> str:
    """The exception that stopped nbgrader (its last line), not its generic summary."""
    causes = [line.strip() for line in error.log.splitlines()
              if re.match(r"^\s*[\w.]+(Error|Exception|Interrupt)\b.*:", line)
              and "NbGraderException" not in line]
    return (causes[-1] if causes else str(error.params.get("reason", "")))[:200]


def grade_cohort(course: Course, assessment: str, *, force: bool = False,
                 progress: Progress | None = None) -> GradeSummary:
    """Grade every submission of ``assessment``; see the module docstring."""
    from kimtrain.course.backup import backup_gradebook
    from kimtrain.course.gradebook import participant_scores
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.grading.pipeline import configure
    from kimtrain.grading.screen import FAILED, Flag, after_grading, reference_cells
    from kimtrain.grading.screen import screen_submission as screen

    start = time.perf_counter()
    released = course.folder("release", assessment) / f"{assessment}.ipynb"
    if not released.is_file():
        raise CourseError("grade.not_generated", assessment=assessment)
    reference = reference_cells(released)
    backup = backup_gradebook(course, reason="grade")
    submitted, missing = _participants(course, assessment)
    nbgrader = Nbgrader(course, config=configure)
    outcomes: dict[str, ParticipantOutcome] = {}
    for done, participant in enumerate(submitted, 1):
        folder = course.folder("submitted", participant, assessment)
        flags = screen(folder, assessment, participant, reference)
        outcome = ParticipantOutcome(participant, GRADED, flags)
        outcomes[participant] = outcome
        if any(f.fatal for f in flags):
            outcome.status = NOT_GRADED
        else:
            try:
                log = nbgrader.autograde(assessment, participant, force=force)
            except NbgraderError as exc:
                outcome.status = NOT_GRADED
                outcome.flags.append(Flag(FAILED, _reason(exc)))
            else:
                if "Skipping existing assignment" in log:
                    outcome.status = UNCHANGED
                graded = course.folder("autograded", participant, assessment,
                                       f"{assessment}.ipynb")
                outcome.mode, after = after_grading(graded)
                outcome.flags.extend(after)
        if progress is not None:
            progress(done, len(submitted), participant)
    for row in participant_scores(course, assessment) if submitted else []:
        outcome = outcomes.get(row.participant)
        if outcome is not None and outcome.status != NOT_GRADED:
            outcome.score, outcome.max_points = row.score, row.max_points
            outcome.pending = row.pending
    result = list(outcomes.values())
    result += [ParticipantOutcome(p, NOT_SUBMITTED) for p in missing]
    return GradeSummary(assessment, result, backup, time.perf_counter() - start)
