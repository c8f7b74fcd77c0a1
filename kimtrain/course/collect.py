"""``kimtrain collect NAME --from DIR``: offline hand-ins (zips) into nbgrader's ``submitted/``.

Every file in ``DIR`` gets a line in the report; nothing is dropped silently:

* a zip that is not a kimtrain hand-in, is damaged, or whose files do not match the
  checksums in its manifest: **corrupt** (not imported), with its real cause (a
  missing, cut-short, changed or unreadable file, an unreadable manifest…); the
  refusal is remembered for ``kimtrain grade`` (:func:`~kimtrain.course.handin.record_refusal`);
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
:func:`~kimtrain.course.handin.install`: fsynced and swapped in whole.
The zips in ``DIR`` are left as they are.
"""

from __future__ import annotations

import json
import re
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
from kimtrain.course.handin import (
    NewerHandIn,
    clear_refusal,
    handed_in_at,
    install,
    record_refusal,
)
from kimtrain.course.layout import Course
from kimtrain.course.roster import load_roster
from kimtrain.errors import CourseError, KimtrainError
from kimtrain.widgets.offline import MANIFEST, SUBMISSION_FORMAT, sha256

__all__ = ["CollectProblem", "CollectReport", "collect_zips", "read_submission"]

IMPORTED, CORRUPT, UNKNOWN, WRONG, DUPLICATE, OLDER, SAME, NOT_ZIP, EXTRA = (
    "imported", "corrupt", "unknown_participant", "wrong_assessment", "duplicate",
    "older", "already_collected", "not_zip", "extra_members",
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
    extra: tuple[str, ...] = ()  # members the manifest does not list (not imported)

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
        self.manifest: dict[str, Any] | None = None  # when it could be read

    def render(self) -> str:
        from kimtrain.i18n import t

        return t(f"collect.damage.{self.reason}", **self.params)


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def _manifest_folder(names: set[str]) -> str:
    """Where ``manifest.json`` is: ``""`` at the top, or the one folder a re-packing
    tool put around the files (``KIM-001_pretest/manifest.json``)."""
    if MANIFEST in names:
        return ""
    found = [n[: -len(MANIFEST)] for n in names
             if n.endswith("/" + MANIFEST) and not n.startswith("__MACOSX/")]
    if len(found) != 1:
        raise _Corrupt("manifest")
    return found[0]


def _read_members(zf: zipfile.ZipFile, names: set[str], folder: str,
                  manifest: dict[str, Any]) -> dict[str, bytes]:
    listed = manifest.get("files")
    if not isinstance(listed, dict) or not listed:
        raise _Corrupt("fields")
    files: dict[str, bytes] = {}
    for name, meta in listed.items():
        if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith(".") \
                or not isinstance(meta, dict):
            raise _Corrupt("bad_name", file=str(name))
        member = folder + name
        if member not in names:
            raise _Corrupt("missing_member", file=name)
        if zf.getinfo(member).file_size > _MAX_MEMBER:
            raise _Corrupt("too_large", file=name, limit=_MAX_MEMBER // (1024 * 1024))
        data = zf.read(member)
        if sha256(data) != meta.get("sha256"):
            size = meta.get("size")
            if isinstance(size, int) and len(data) < size:
                raise _Corrupt("truncated", file=name, got=len(data), size=size)
            raise _Corrupt("checksum", file=name)
        files[name] = data
    return files


def read_submission(path: Path) -> Submission:
    """Open and verify one zip; :class:`_Corrupt` (with the real reason) when it is not
    sound."""
    manifest: dict[str, Any] | None = None
    try:
        try:
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
                if bad is not None:
                    raise _Corrupt("crc", file=bad)
                names = {n for n in zf.namelist() if not n.endswith("/")}
                folder = _manifest_folder(names)
                try:
                    loaded = json.loads(zf.read(folder + MANIFEST).decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    raise _Corrupt("manifest_unreadable") from None
                if not isinstance(loaded, dict) or loaded.get("format") != SUBMISSION_FORMAT:
                    raise _Corrupt("manifest")
                manifest = loaded
                files = _read_members(zf, names, folder, manifest)
                listed = {folder + MANIFEST} | {folder + n for n in files}
                extra = tuple(sorted(n for n in names - listed
                                     if not n.startswith("__MACOSX/")
                                     and not n.rsplit("/", 1)[-1].startswith("._")))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise _Corrupt("unreadable") from exc
        try:
            participant = participant_id(manifest["participant"])
            assessment = assessment_id(manifest["assessment"])
            _parse_time(manifest.get("submitted_at") or manifest["created_at"])
        except (KimtrainError, KeyError, ValueError, TypeError, AttributeError) as exc:
            raise _Corrupt("fields") from exc
        sheet_name = sheet_filename(assessment, participant)
        if sheet_name not in files:
            raise _Corrupt("sheet", file=sheet_name)
        try:
            sheet = AnswerSheet.from_dict(json.loads(files[sheet_name].decode("utf-8")))
        except (KimtrainError, KeyError, ValueError, TypeError, AttributeError,
                UnicodeDecodeError) as exc:
            raise _Corrupt("sheet_unreadable", file=sheet_name) from exc
        if (sheet.participant, sheet.assessment) != (participant, assessment):
            raise _Corrupt("sheet", file=sheet_name)
    except _Corrupt as exc:
        exc.manifest = manifest
        raise
    return Submission(path, manifest, files, sheet, extra)


def _whose(path: Path, exc: _Corrupt, assessment: str) -> str | None:
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
    folder = course.folder("submitted", participant, assessment)
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
    newer one: :class:`~kimtrain.course.handin.NewerHandIn`)."""
    notebooks = [n for n in sub.files if n.endswith(".ipynb")]
    files: dict[str, bytes] = {}
    for name, data in sub.files.items():
        # nbgrader grades <NAME>.ipynb: a renamed copy ("pretest (1).ipynb") is put back
        out = f"{assessment}.ipynb" if name.endswith(".ipynb") and len(notebooks) == 1 else name
        files[out] = data
    files[RECEIPT] = json.dumps(
        {"file": sub.file.name, "fingerprint": sub.fingerprint, "manifest": sub.manifest},
        ensure_ascii=False, indent=1).encode("utf-8")
    install(course.folder("submitted", sub.participant, assessment), files,
            sub.submitted_at.astimezone(UTC))


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
