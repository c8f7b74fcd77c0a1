"""``kimtrain grade NAME``: grade a whole cohort through nbgrader, one participant at a time.

1. The gradebook is backed up (:func:`~kimtrain.course.backup.backup_gradebook`).
2. Each submission in ``submitted/*/NAME/`` is screened
   (:func:`~kimtrain.grading.screen.screen_submission`): a fatal problem is reported
   and that participant is not sent to nbgrader; the others go on.
3. nbgrader's autograde runs for each participant separately, configured by
   :func:`~kimtrain.grading.pipeline.configure` (kimtrain notebooks are graded without
   a kernel). A failure is that participant's flag only. Without ``force`` a
   submission already graded and not newer is left as it is (nbgrader's own rule),
   so re-running changes nothing. With ``jobs`` > 1 (the default on a machine with
   several cores, POSIX only) participants are shared among that many worker
   processes, each with its own nbgrader; SQLite's short per-notebook commits allow
   that, and a participant whose worker failed is graded once more, alone.
4. The scores are read back from the gradebook.

The result is plain data (:class:`GradeSummary`); the command prints it.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.errors import CourseError, NbgraderError

__all__ = ["GRADED", "NOT_GRADED", "NOT_SUBMITTED", "REFUSED", "UNCHANGED", "GradeStatus",
           "GradeSummary", "ParticipantOutcome", "grade_cohort"]

class GradeStatus(StrEnum):
    """What became of one participant in ``kimtrain grade``."""

    GRADED = "graded"
    UNCHANGED = "unchanged"          # already graded and not newer: left as it was
    NOT_GRADED = "not_graded"
    NOT_SUBMITTED = "not_submitted"
    REFUSED = "refused"  # handed in, but the hand-in was refused (kimtrain collect)


GRADED, UNCHANGED, NOT_GRADED, NOT_SUBMITTED, REFUSED = (
    GradeStatus.GRADED, GradeStatus.UNCHANGED, GradeStatus.NOT_GRADED,
    GradeStatus.NOT_SUBMITTED, GradeStatus.REFUSED)
Progress = Callable[[int, int, str], None]


@dataclass
class ParticipantOutcome:
    participant: str
    status: GradeStatus
    flags: list[Any] = field(default_factory=list)  # kimtrain.grading.screen.Flag
    mode: str = ""  # kernelfree | kernel
    score: float | None = None
    max_points: float | None = None
    pending: int = 0  # items waiting for manual grading
    via: str = ""  # template | steps (graded in bulk, kimtrain.course.grade_bulk) | nbgrader

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    def to_dict(self) -> dict[str, Any]:
        return {"participant": self.participant, "status": self.status,
                "flags": [f.to_dict() for f in self.flags], "mode": self.mode,
                "score": self.score, "max_points": self.max_points, "pending": self.pending,
                "via": self.via}


@dataclass
class GradeSummary:
    assessment: str
    outcomes: list[ParticipantOutcome]
    backup: Path | None
    seconds: float

    def count(self, status: GradeStatus | str) -> int:
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

    submitted = course.submitted_participants(assessment)
    missing = sorted({p.id for p in load_roster(course)} - set(submitted))
    return submitted, missing


def _already_graded(course: Course, participant: str, assessment: str) -> bool:
    """Whether nbgrader's autograde (without ``force``) will leave this participant as
    graded before: the graded copy exists and the hand-in is not newer than it
    (nbgrader's own rule in ``BaseConverter.init_single_notebook_resources``)."""
    from kimtrain.handin import TIMESTAMP, parse_timestamp

    graded = course.autograded_dir(participant, assessment)
    if not graded.exists():
        return False

    def stamp(folder: Path) -> datetime | None:
        """As nbgrader reads it: UTC, without a time zone (a bare time counts as UTC)."""
        try:
            text = (folder / TIMESTAMP).read_text(encoding="utf-8").strip()
            moment = parse_timestamp(text) if text else None
        except (OSError, ValueError, OverflowError):
            return None
        if moment is not None and moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment

    new, old = stamp(course.submitted_dir(participant, assessment)), stamp(graded)
    return new is None or old is None or not new > old


_EXCEPTION_LINE = re.compile(r"^\s*[\w.]+(Error|Exception|Interrupt)\b[^\n]*:")


def _reason(error: NbgraderError) -> str:
    """The exception that stopped nbgrader (its last line), not its generic summary."""
    # a log line may quote a participant's notebook: only its start is matched, so a
    # long line cannot make the pattern backtrack for long
    causes = [line.strip() for line in error.log.splitlines()
              if _EXCEPTION_LINE.match(line[:500]) and "NbGraderException" not in line]
    return (causes[-1] if causes else str(error.params.get("reason", "")))[:200]


def default_jobs() -> int:
    """Worker processes for grading: one per core, at most four (POSIX), else one."""
    from kimtrain.oscompat import is_windows

    if is_windows():
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def usable_jobs(jobs: int, platform: str | None = None) -> int:
    """Worker processes that can really run here: the workers are forked (they inherit
    the imported nbgrader), and Windows cannot fork, so there it is always one."""
    from kimtrain.oscompat import is_windows

    if is_windows(platform):
        return 1
    return max(1, jobs)


# -- one participant through nbgrader, in this process or in a worker ----------------------
_worker: Any = None  # the worker process's own Nbgrader


def _start_worker(root: str) -> None:
    global _worker
    from kimtrain.course.layout import open_course
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.grading.pipeline import configure

    _worker = Nbgrader(open_course(root), config=configure)


def _autograde(nbgrader: Any, assessment: str, participant: str,
               force: bool) -> tuple[str, str | None, str]:
    """(participant, nbgrader's log or None, the reason it failed)."""
    try:
        return participant, nbgrader.autograde(assessment, participant, force=force), ""
    except NbgraderError as exc:
        return participant, None, _reason(exc)


def _in_worker(task: tuple[str, str, bool]) -> tuple[str, str | None, str]:
    assessment, participant, force = task
    return _autograde(_worker, assessment, participant, force)


def _run(course: Course, assessment: str, participants: list[str], force: bool,
         jobs: int) -> Iterator[tuple[str, str | None, str]]:
    """nbgrader's autograde for each participant, as results come in."""
    if not participants:
        return
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.grading.pipeline import configure

    retry: list[str] = []
    jobs = usable_jobs(jobs)
    if jobs > 1 and len(participants) > 1:
        import nbgrader.apps  # imported once here and inherited by every worker

        context = multiprocessing.get_context("fork")
        tasks = [(assessment, p, force) for p in participants]
        with context.Pool(min(jobs, len(participants)), _start_worker,
                          (str(course.root),)) as pool:
            for participant, log, reason in pool.imap_unordered(_in_worker, tasks):
                if log is None:
                    retry.append(participant)
                else:
                    yield participant, log, reason
    else:
        retry = participants
    if retry:
        nbgrader = Nbgrader(course, config=configure)
        for participant in retry:
            yield _autograde(nbgrader, assessment, participant, force)


def grade_cohort(course: Course, assessment: str, *, force: bool = False,
                 progress: Progress | None = None, jobs: int | None = None) -> GradeSummary:
    """Grade every submission of ``assessment``; see the module docstring. One run per
    course at a time (:func:`~kimtrain.course.lock.grading_lock`); each participant's
    chosen options and the roster go into kimtrain's tables in the gradebook
    (:class:`~kimtrain.course.tables.Recorder`)."""
    from kimtrain.course.lock import grading_lock

    with grading_lock(course):
        return _grade_cohort(course, assessment, force=force, progress=progress, jobs=jobs)


def _grade_cohort(course: Course, assessment: str, *, force: bool = False,
                  progress: Progress | None = None, jobs: int | None = None) -> GradeSummary:
    from kimtrain.course.backup import backup_gradebook
    from kimtrain.course.gradebook import participant_scores
    from kimtrain.grading.runner import MODE_KERNELFREE
    from kimtrain.grading.screen import FAILED, OUTPUT_CUT, Flag, after_grading, reference_cells
    from kimtrain.grading.screen import screen_submission as screen

    start = time.perf_counter()
    released = course.release_dir(assessment) / f"{assessment}.ipynb"
    if not released.is_file():
        raise CourseError("grade.not_generated", assessment=assessment)
    reference = reference_cells(released)
    release = released.read_bytes()
    backup = backup_gradebook(course, reason="grade")
    submitted, missing = _participants(course, assessment)
    outcomes: dict[str, ParticipantOutcome] = {}
    ready: list[str] = []
    done = 0
    for participant in submitted:
        folder = course.submitted_dir(participant, assessment)
        flags = screen(folder, assessment, participant, reference, release)
        outcomes[participant] = ParticipantOutcome(participant, GRADED, flags)
        if any(f.fatal for f in flags):
            outcomes[participant].status = NOT_GRADED
            done += 1
            if progress is not None:
                progress(done, len(submitted), participant)
        else:
            ready.append(participant)
    jobs = default_jobs() if jobs is None else jobs
    kernel: list[str] = []
    from kimtrain.course.grade_bulk import DONE, SKIPPED, grade_bulk
    from kimtrain.course.tables import Recorder

    recorder = Recorder(course, assessment)  # chosen options into kimtrain's tables
    for result in grade_bulk(course, assessment, ready, force=force, jobs=usable_jobs(jobs)):
        if result.status not in (DONE, SKIPPED):
            kernel.append(result.participant)  # code of its own, or unknown: nbgrader
            continue
        outcome = outcomes[result.participant]
        outcome.via = result.path
        graded = course.autograded_dir(result.participant, assessment) / f"{assessment}.ipynb"
        if result.status == SKIPPED:
            outcome.status = UNCHANGED
            outcome.mode, after = after_grading(graded)
            outcome.flags.extend(after)
        else:
            outcome.mode = MODE_KERNELFREE
            if result.output_cut:
                outcome.flags.append(Flag(OUTPUT_CUT, str(result.output_cut)))
        recorder.add(result.participant, graded)
        done += 1
        if progress is not None:
            progress(done, len(submitted), result.participant)
    # nbgrader's own timestamp rule decides "unchanged" for the kernel path
    unchanged = set() if force else {p for p in kernel
                                     if _already_graded(course, p, assessment)}
    for participant, log, reason in _run(course, assessment, kernel, force, jobs):
        outcome = outcomes[participant]
        outcome.via = "nbgrader"
        if log is None:
            outcome.status = NOT_GRADED
            outcome.flags.append(Flag(FAILED, reason))
        else:
            if participant in unchanged:
                outcome.status = UNCHANGED
            graded = course.autograded_dir(participant, assessment) / f"{assessment}.ipynb"
            outcome.mode, after = after_grading(graded)
            outcome.flags.extend(after)
            recorder.add(participant, graded)
        done += 1
        if progress is not None:
            progress(done, len(submitted), participant)
    recorder.flush()
    for row in participant_scores(course, assessment) if submitted else []:
        scored = outcomes.get(row.participant)
        if scored is not None and scored.status != NOT_GRADED:
            scored.score, scored.max_points = row.score, row.max_points
            scored.pending = row.pending
    from kimtrain.handin import load_refusals

    refusals = load_refusals(course.root, assessment)
    everyone = list(outcomes.values())
    everyone += [ParticipantOutcome(p, REFUSED, [Flag("refused", refusals[p].render())])
               if p in refusals else ParticipantOutcome(p, NOT_SUBMITTED) for p in missing]
    return GradeSummary(assessment, everyone, backup, time.perf_counter() - start)
