"""``kimtrain collect NAME --from DIR``: offline hand-ins (zips) into nbgrader's ``submitted/``.

Every file in ``DIR`` gets a line in the report; nothing is dropped silently:

* a zip that is not a kimtrain hand-in, is damaged, or whose files do not match the
  checksums in its manifest: **corrupt** (not imported);
* a participant who is not on the roster: **unknown participant**;
* a hand-in for another assessment: **wrong assessment**;
* two hand-ins of one participant in ``DIR``: the newer (by its "Kirim" time) is
  imported, the other is reported as a **duplicate**;
* a hand-in older than the one already collected: **older** (never replaces it); the
  same hand-in again: **already collected**.

An accepted hand-in becomes ``submitted/<ID>/<NAME>/`` (the notebook, the answer
sheet and nbgrader's ``timestamp.txt`` holding the "Kirim" time), swapped in whole.
The zips in ``DIR`` are left as they are.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kimtrain.answers.store import (
    AnswerSheet,
    assessment_id,
    participant_id,
    sheet_filename,
)
from kimtrain.course.layout import Course
from kimtrain.course.roster import load_roster
from kimtrain.errors import CourseError, KimtrainError
from kimtrain.oscompat import remove_tree, remove_tree_quietly, rename_with_retry
from kimtrain.widgets.offline import MANIFEST, SUBMISSION_FORMAT, sha256

__all__ = ["CollectProblem", "CollectReport", "collect_zips", "read_submission"]

IMPORTED, CORRUPT, UNKNOWN, WRONG, DUPLICATE, OLDER, SAME, NOT_ZIP = (
    "imported", "corrupt", "unknown_participant", "wrong_assessment", "duplicate",
    "older", "already_collected", "not_zip",
)
TIMESTAMP = "timestamp.txt"
_MAX_MEMBER = 50 * 1024 * 1024


@dataclass(frozen=True)
class CollectProblem:
    file: str
    kind: str
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


@dataclass(frozen=True)
class Submission:
    """A hand-in read and verified from its zip."""

    file: Path
    manifest: dict[str, Any]
    files: dict[str, bytes]
    sheet: AnswerSheet

    @property
    def participant(self) -> str:
        return self.sheet.participant

    @property
    def submitted_at(self) -> datetime:
        return _parse_time(self.manifest.get("submitted_at") or self.manifest["created_at"])

    @property
    def fingerprint(self) -> str:
        return sha256(json.dumps(self.manifest["files"], sort_keys=True).encode())


class _Corrupt(Exception):
    """Why a zip is not a sound hand-in: a catalog key (``collect.damage.*``) and its
    parameters, shown to the trainer in their language."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason, self.params = reason, params

    def render(self) -> str:
        from kimtrain.i18n import t

        return t(f"collect.damage.{self.reason}", **self.params)


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def read_submission(path: Path) -> Submission:
    """Open and verify one zip; :class:`_Corrupt` (with the reason) when it is not sound."""
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise _Corrupt("crc", file=bad)
            names = set(zf.namelist())
            if MANIFEST not in names:
                raise _Corrupt("manifest")
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
            if not isinstance(manifest, dict) or manifest.get("format") != SUBMISSION_FORMAT:
                raise _Corrupt("manifest")
            files: dict[str, bytes] = {}
            for name, meta in manifest.get("files", {}).items():
                if "/" in name or "\\" in name or name.startswith("."):
                    raise _Corrupt("member", file=name)
                if name not in names or zf.getinfo(name).file_size > _MAX_MEMBER:
                    raise _Corrupt("member", file=name)
                data = zf.read(name)
                if sha256(data) != meta.get("sha256"):
                    raise _Corrupt("checksum", file=name)
                files[name] = data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            UnicodeDecodeError, AttributeError, KeyError) as exc:
        raise _Corrupt("unreadable") from exc
    try:
        participant = participant_id(manifest["participant"])
        assessment = assessment_id(manifest["assessment"])
        sheet_name = sheet_filename(assessment, participant)
        if sheet_name not in files:
            raise _Corrupt("sheet", file=sheet_name)
        sheet = AnswerSheet.from_dict(json.loads(files[sheet_name].decode("utf-8")))
        if (sheet.participant, sheet.assessment) != (participant, assessment):
            raise _Corrupt("sheet", file=sheet_name)
        _parse_time(manifest.get("submitted_at") or manifest["created_at"])
    except (KimtrainError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise _Corrupt("fields") from exc
    return Submission(path, manifest, files, sheet)


def _existing(course: Course, participant: str, assessment: str
              ) -> tuple[datetime | None, str] | None:
    """The time and fingerprint of what is already in ``submitted/`` (time ``None``
    when it cannot be read: such a submission is never replaced)."""
    folder = course.folder("submitted", participant, assessment)
    if not folder.is_dir():
        return None
    when: datetime | None = None
    try:
        from dateutil.parser import parse

        when = parse((folder / TIMESTAMP).read_text(encoding="utf-8").strip())
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
    except (OSError, ValueError, OverflowError):
        when = None
    fingerprint = ""
    receipt = folder / ".kimtrain_kiriman.json"
    if receipt.is_file():
        fingerprint = json.loads(receipt.read_text(encoding="utf-8")).get("fingerprint", "")
    return when, fingerprint


def _install(course: Course, sub: Submission, assessment: str) -> None:
    """Swap ``submitted/<ID>/<NAME>/`` for this hand-in in one rename."""
    target = course.folder("submitted", sub.participant, assessment)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{assessment}.kimtrain-new"
    old = target.parent / f".{assessment}.kimtrain-old"
    for leftover in (staging, old):
        if leftover.exists():
            remove_tree(leftover)
    staging.mkdir()
    notebooks = [n for n in sub.files if n.endswith(".ipynb")]
    for name, data in sub.files.items():
        # nbgrader grades <NAME>.ipynb: a renamed copy ("pretest (1).ipynb") is put back
        out = f"{assessment}.ipynb" if name.endswith(".ipynb") and len(notebooks) == 1 else name
        (staging / out).write_bytes(data)
    when = sub.submitted_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") + " UTC"
    (staging / TIMESTAMP).write_text(when, encoding="utf-8")
    (staging / ".kimtrain_kiriman.json").write_text(json.dumps(
        {"file": sub.file.name, "fingerprint": sub.fingerprint, "manifest": sub.manifest},
        ensure_ascii=False, indent=1), encoding="utf-8")
    # On Windows a folder cannot be renamed while a file inside is open (formgrader,
    # antivirus): wait a moment; an old copy that cannot be deleted yet is left behind.
    if target.exists():
        rename_with_retry(target, old)
    rename_with_retry(staging, target)
    if old.exists():
        remove_tree_quietly(old)


def collect_zips(course: Course, assessment: str, source: str | Path) -> CollectReport:
    """Import every hand-in of ``assessment`` found in ``source``; report every file."""
    source = Path(source)
    if not source.is_dir():
        raise CourseError("collect.no_folder", path=str(source))
    if not course.folder("source", assessment).is_dir():
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
        except _Corrupt as exc:
            report.problems.append(CollectProblem(name, CORRUPT, detail=exc.render()))
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
        existing = _existing(course, participant, assessment)
        if existing is not None:
            when, fingerprint = existing
            if fingerprint == newest.fingerprint:
                report.problems.append(CollectProblem(name, SAME, participant))
                continue
            if when is None or newest.submitted_at <= when:
                report.problems.append(CollectProblem(
                    name, OLDER, participant,
                    when.isoformat(timespec="seconds") if when else "?"))
                continue
        _install(course, newest, assessment)
        report.imported.append((name, participant))
    return report
