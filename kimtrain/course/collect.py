"""``kimtrain collect NAME --from DIR``: offline hand-ins (zips) into nbgrader's ``submitted/``.

Every file in ``DIR`` gets a line in the report; nothing is dropped silently:

* a zip that is not a kimtrain hand-in, is damaged, or whose files do not match the
  checksums in its manifest: **corrupt** (not imported), with its real cause (a
  missing, cut-short, changed or unreadable file, an unreadable manifest…); the
  refusal is remembered for ``kimtrain grade`` (:func:`~kimtrain.handin.record_refusal`);
* a zip re-packed by a common tool (one folder around the same files, a
  ``__MACOSX`` folder) is read from the folder holding ``manifest.json``; files the
  manifest does not list are not imported and are reported (**extra files**);
* a participant who is not on the roster: **unknown participant**;
* a hand-in for another assessment: **wrong assessment**;
* two hand-ins of one participant in ``DIR``: the newer (by its "Kirim" time) is
  imported, the other is reported as a **duplicate**;
* a hand-in older than the one already collected: **older** (never replaces it); the
  same hand-in again: **already collected**.

An accepted hand-in becomes ``submitted/<ID>/<NAME>/`` (the notebook, the answer
sheet and nbgrader's ``timestamp.txt`` holding the "Kirim" time), written by
:func:`~kimtrain.handin.install`: fsynced and swapped in whole.
The zips in ``DIR`` are left as they are.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC
from enum import StrEnum
from pathlib import Path
from typing import Any

from kimtrain.answers.store import participant_id
from kimtrain.course.layout import Course
from kimtrain.course.roster import load_roster
from kimtrain.errors import CourseError, KimtrainError
from kimtrain.handin import (
    CorruptSubmission,
    NewerHandIn,
    Submission,
    clear_refusal,
    handed_in_at,
    install,
    read_submission,
    record_refusal,
)

__all__ = ["CollectKind", "CollectProblem", "CollectReport", "collect_zips", "read_submission"]


class CollectKind(StrEnum):
    """What became of one file in the folder collected from."""

    IMPORTED = "imported"
    CORRUPT = "corrupt"
    UNKNOWN = "unknown_participant"
    WRONG = "wrong_assessment"
    DUPLICATE = "duplicate"
    OLDER = "older"
    SAME = "already_collected"
    NOT_ZIP = "not_zip"
    EXTRA = "extra_members"


IMPORTED, CORRUPT, UNKNOWN, WRONG, DUPLICATE, OLDER, SAME, NOT_ZIP, EXTRA = CollectKind
_Corrupt = CorruptSubmission  # the old private name


@dataclass(frozen=True)
class CollectProblem:
    file: str
    kind: CollectKind
    participant: str | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CollectReport:
    assessment: str
    imported: list[tuple[str, str]] = field(default_factory=list)  # (file, participant)
    problems: list[CollectProblem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"assessment": self.assessment, "imported": [list(i) for i in self.imported],
                "problems": [p.to_dict() for p in self.problems]}


def _whose(path: Path, exc: CorruptSubmission, assessment: str) -> str | None:
    """The participant a refused zip belongs to: from its manifest when that could be
    read, else from its name (``KIM-001_pretest.zip``, ``KIM-001_pretest (1).zip``)."""
    manifest = exc.manifest or {}
    candidates = []
    if manifest.get("assessment") == assessment:
        candidates.append(manifest.get("participant"))
    match = re.match(rf"^(.+?)_{re.escape(assessment)}\b", path.name)
    if match and not manifest:
        candidates.append(match.group(1))
    for candidate in candidates:
        try:
            return participant_id(str(candidate))
        except KimtrainError:
            continue
    return None


def _collected(course: Course, participant: str, assessment: str) -> str | None:
    """The fingerprint of the hand-in already in ``submitted/`` (``""`` when it has
    none), or ``None`` when there is no hand-in."""
    folder = course.submitted_dir(participant, assessment)
    if handed_in_at(folder) is None:
        return None
    try:
        receipt = json.loads((folder / RECEIPT).read_text(encoding="utf-8"))
        return str(receipt.get("fingerprint", ""))
    except (OSError, ValueError, AttributeError):
        return ""


RECEIPT = ".kimtrain_kiriman.json"


def _install(course: Course, sub: Submission, assessment: str) -> None:
    """``submitted/<ID>/<NAME>/`` becomes this hand-in (whole, fsynced, never over a
    newer one: :class:`~kimtrain.handin.NewerHandIn`)."""
    notebooks = [n for n in sub.files if n.endswith(".ipynb")]
    files: dict[str, bytes] = {}
    for name, data in sub.files.items():
        # nbgrader grades <NAME>.ipynb: a renamed copy ("pretest (1).ipynb") is put back
        out = f"{assessment}.ipynb" if name.endswith(".ipynb") and len(notebooks) == 1 else name
        files[out] = data
    files[RECEIPT] = json.dumps(
        {"file": sub.file.name, "fingerprint": sub.fingerprint, "manifest": sub.manifest},
        ensure_ascii=False, indent=1).encode("utf-8")
    install(course.submitted_dir(sub.participant, assessment), files,
            sub.submitted_at.astimezone(UTC))


def collect_zips(course: Course, assessment: str, source: str | Path) -> CollectReport:
    """Import every hand-in of ``assessment`` found in ``source``; report every file."""
    source = Path(source)
    if not source.is_dir():
        raise CourseError("collect.no_folder", path=str(source))
    if not course.source_dir(assessment).is_dir():
        raise CourseError("collect.no_assessment", assessment=assessment)
    roster = {p.id for p in load_roster(course)}
    report = CollectReport(assessment)
    candidates: dict[str, list[Submission]] = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = str(path.relative_to(source))
        if path.suffix.lower() != ".zip":
            report.problems.append(CollectProblem(name, NOT_ZIP))
            continue
        try:
            sub = read_submission(path)
        except CorruptSubmission as exc:
            whose = _whose(path, exc, assessment)
            report.problems.append(CollectProblem(name, CORRUPT, whose, exc.render()))
            if whose in roster:
                record_refusal(course.root, assessment, whose, name,
                               f"collect.damage.{exc.reason}", exc.params)
            continue
        if sub.manifest["assessment"] != assessment:
            report.problems.append(CollectProblem(name, WRONG, sub.participant,
                                                  sub.manifest["assessment"]))
        elif sub.participant not in roster:
            report.problems.append(CollectProblem(name, UNKNOWN, sub.participant))
        else:
            candidates.setdefault(sub.participant, []).append(sub)
    for participant, subs in sorted(candidates.items()):
        subs.sort(key=lambda s: (s.submitted_at, s.manifest.get("created_at", "")),
                  reverse=True)
        newest, *others = subs
        for other in others:
            report.problems.append(CollectProblem(
                str(other.file.relative_to(source)), DUPLICATE, participant,
                str(newest.file.relative_to(source))))
        name = str(newest.file.relative_to(source))
        if _collected(course, participant, assessment) == newest.fingerprint:
            report.problems.append(CollectProblem(name, SAME, participant))
            clear_refusal(course.root, assessment, participant)
            continue
        try:
            _install(course, newest, assessment)
        except NewerHandIn as kept:
            report.problems.append(CollectProblem(
                name, OLDER, participant, kept.existing.isoformat(timespec="seconds")
                if kept.existing.year < 9999 else "?"))
            continue
        clear_refusal(course.root, assessment, participant)
        report.imported.append((name, participant))
        if newest.extra:
            report.problems.append(CollectProblem(name, EXTRA, participant,
                                                  ", ".join(newest.extra)))
    return report
