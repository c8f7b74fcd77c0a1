"""Village to province: a laptop course's hand-ins and grades in one verified archive,
imported by the central server.

``kimtrain db export`` (on the laptop) writes a zip with

* ``MANIFEST.json`` — format, course id, the forms, and the SHA-256 and size of every
  other member; nothing outside the list is accepted on import;
* ``roster/peserta.csv`` (the groups; contacts and PINs stay on the laptop),
  ``source/<form>/`` (the assessment as built) and ``submitted/<ID>/<form>/`` (every
  hand-in with its answer sheet and nbgrader's ``timestamp.txt``);
* ``nilai/<form>.json`` — the laptop gradebook's score for every participant and item.

``kimtrain db import`` (on the central server, in a course with the same id, usually
with its own PostgreSQL database) first checks every member against the manifest —
a changed, missing, unlisted or unsafely named member refuses the whole archive
before anything is written — then copies what is new or different, creates the form
in the central gradebook when it is not there yet, grades with ``kimtrain grade``
(kimtrain's tables are written as on the laptop) and compares the scores with the
laptop's. Importing the same archive again finds every file identical, nbgrader skips
every unchanged submission, and nothing changes.
"""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.errors import CourseError

__all__ = ["ExportResult", "ImportResult", "export_course", "import_course"]

FORMAT = "kimtrain-arsip/1"
MANIFEST = "MANIFEST.json"
_SKIP = (".ipynb_checkpoints", "__pycache__")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    files: int
    participants: int


@dataclass(frozen=True)
class ImportResult:
    new: int
    same: int
    changed: int
    participants: int
    rows: int
    differ: list[tuple[str, str, str]]  # (form, participant, item) scored differently


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _forms(course: Course) -> list[str]:
    return sorted({p.name for p in course.root.glob("submitted/*/*") if p.is_dir()})


def _members(course: Course, forms: list[str]) -> list[str]:
    root = course.root
    found: list[Path] = []
    roster = root / "roster" / "peserta.csv"
    if roster.is_file():
        found.append(roster)
    for form in forms:
        found += [p for p in (root / "source" / form).rglob("*") if p.is_file()]
        for folder in sorted(root.glob(f"submitted/*/{form}")):
            found += [p for p in folder.rglob("*") if p.is_file()]
    return sorted(p.relative_to(root).as_posix() for p in found
                  if not any(part in _SKIP for part in p.parts))


def export_course(course: Course, out: Path) -> ExportResult:
    """Write the archive (see the module docstring) to ``out``, atomically."""
    from kimtrain.course.gradebook import cell_scores

    forms = _forms(course)
    members = _members(course, forms)
    payload: dict[str, bytes] = {name: (course.root / name).read_bytes() for name in members}
    for form in forms:
        try:
            scores = [[c.participant, c.item, c.score, c.max_points]
                      for c in cell_scores(course, form)]
        except CourseError:  # handed in but never generated or graded here
            scores = []
        payload[f"nilai/{form}.json"] = json.dumps(scores, ensure_ascii=False).encode()
    manifest = {"format": FORMAT, "course_id": course.course_id, "forms": forms,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "files": {name: {"sha256": _sha(data), "size": len(data)}
                          for name, data in sorted(payload.items())}}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            for name, data in sorted(payload.items()):
                zf.writestr(name, data)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    people = {name.split("/")[1] for name in members if name.startswith("submitted/")}
    return ExportResult(out, len(payload), len(people))


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return (bool(name) and "\\" not in name and not path.is_absolute()
            and ".." not in path.parts and ":" not in name
            and path.parts[0] in ("roster", "source", "submitted", "nilai"))


def _verified(archive: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and every member, or a CourseError before anything is written."""
    if not archive.is_file():
        raise CourseError("archive.missing", path=str(archive))
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile):
        raise CourseError("archive.not_archive", path=str(archive)) from None
    with zf:
        try:
            manifest = json.loads(zf.read(MANIFEST))
            files = manifest["files"]
            assert manifest.get("format") == FORMAT and isinstance(files, dict)
        except (KeyError, ValueError, AssertionError, TypeError):
            raise CourseError("archive.not_archive", path=str(archive)) from None
        data: dict[str, bytes] = {}
        for info in zf.infolist():
            name = info.filename
            if name == MANIFEST or name.endswith("/"):
                continue
            if not _safe(name):
                raise CourseError("archive.unsafe", path=str(archive), member=name)
            if name not in files:
                raise CourseError("archive.extra", path=str(archive), member=name)
            try:
                body = zf.read(info)
            except (zipfile.BadZipFile, OSError, ValueError):  # a CRC error: changed
                raise CourseError("archive.tampered", path=str(archive),
                                  member=name) from None
            if _sha(body) != files[name].get("sha256"):
                raise CourseError("archive.tampered", path=str(archive), member=name)
            data[name] = body
        for name in files:
            if name not in data:  # listed but removed from the archive
                raise CourseError("archive.tampered", path=str(archive), member=name)
    return manifest, data


def import_course(course: Course, archive: Path) -> ImportResult:
    """Verify and import ``archive`` into ``course`` (see the module docstring)."""
    from kimtrain.answers.store import atomic_write
    from kimtrain.course.grade import grade_cohort
    from kimtrain.course.gradebook import cell_scores
    from kimtrain.course.tables import read_responses

    archive = Path(archive).resolve()
    manifest, data = _verified(archive)
    if manifest.get("course_id") != course.course_id:
        raise CourseError("archive.wrong_course", path=str(archive),
                          archive=str(manifest.get("course_id")), course=course.course_id)
    new = same = changed = 0
    for name, body in sorted(data.items()):
        if name.startswith("nilai/"):
            continue
        target = course.root.joinpath(*PurePosixPath(name).parts)
        if target.is_file():
            if _sha(target.read_bytes()) == _sha(body):
                same += 1
                continue
            changed += 1
        else:
            new += 1
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, body)
    rows = 0
    differ: list[tuple[str, str, str]] = []
    for form in manifest.get("forms") or []:
        _ensure_generated(course, form)
        grade_cohort(course, form)
        central = {(c.participant, c.item): c.score for c in cell_scores(course, form)}
        laptop = json.loads(data.get(f"nilai/{form}.json", b"[]"))
        differ += [(form, p, i) for p, i, score, _ in laptop
                   if (p, i) in central and central[(p, i)] != score]
        rows += len(read_responses(course, form))
    people = {name.split("/")[1] for name in data if name.startswith("submitted/")}
    return ImportResult(new, same, changed, len(people), rows, differ)


def _ensure_generated(course: Course, form: str) -> None:
    """The form in the central gradebook (nbgrader's generate) when it is not there."""
    released = course.release_dir(form) / f"{form}.ipynb"
    if released.is_file():
        return
    from kimtrain.course.nbgrader_api import Nbgrader

    Nbgrader(course).generate(form)
