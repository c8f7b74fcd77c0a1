"""The hand-in: everything about how a participant's answers reach nbgrader, in one place.

* **The layout**: a hand-in is ``<course>/submitted/<ID>/<NAME>/`` (the notebook, the
  participant's own answer sheet, ``timestamp.txt`` in nbgrader's format)
  (:func:`submitted_folder`, :func:`submitted_participants`).
* **The offline zip** (``<ID>_<NAME>.zip``, :func:`submission_name`): written by the
  participant's "Kirim" (:func:`write_submission`, via :mod:`kimtrain.widgets.offline`)
  and read back and verified by ``kimtrain collect`` (:func:`read_submission`); see
  :data:`SUBMISSION_FORMAT` below. The handout's marker file is :data:`MARKER`.
* **Placing one**: a served "Kirim" (:mod:`kimtrain.serve.submission`), an offline zip
  (:mod:`kimtrain.course.collect`) and the demo all go through :func:`install`:

* the files and ``timestamp.txt`` are written into a sibling temporary folder
  (``.<NAME>.<random>.tmp``, which nbgrader ignores), each file fsynced, then the
  folder itself; the folder is swapped in by renames and the parent fsynced, so a
  power cut leaves the old hand-in or the new one, never a truncated one;
* under a lock per participant and assessment, the time of the hand-in already there
  is compared first: an older or equal hand-in never replaces it
  (:class:`NewerHandIn`). A hand-in whose ``timestamp.txt`` cannot be read counts as
  newest: it is never replaced without a person looking at it.

:func:`record_refusal` keeps why a participant's hand-in was refused in
``.kimtrain/penolakan/<NAME>.json``, which ``kimtrain grade`` reads so such a
participant is listed as refused, with the reason, rather than as "did not submit".

The answer sheet's own file name (``jawaban__<NAME>__<ID>.json``) is the answer
store's: :func:`kimtrain.answers.store.sheet_filename`.

The zip holds the notebook, the participant's answer sheet and ``manifest.json``::

    {"format": "kimtrain-kiriman", "version": 1, "assessment": "pretest",
     "participant": "KIM-001", "course": "kim", "submitted_at": "...",
     "created_at": "...", "answered": 18, "items": 19, "kimtrain": "0.1.0",
     "files": {"pretest.ipynb": {"sha256": "...", "size": 1234}, ...}}

Each file's SHA-256 lets the collector tell a damaged zip from a good one. Only the
standard library is used here: this runs in participant kernels.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kimtrain.answers.store import (
    AnswerSheet,
    assessment_id,
    atomic_write,
    participant_id,
    sheet_filename,
)
from kimtrain.errors import KimtrainError
from kimtrain.oscompat import exclusive, remove_tree_quietly, rename_with_retry

__all__ = ["MANIFEST", "MARKER", "SUBMISSION_FORMAT", "SUBMITTED", "TIMESTAMP",
           "TIMESTAMP_FORMAT", "CorruptSubmission", "NewerHandIn", "Refusal", "Submission",
           "clear_refusal", "format_timestamp", "handed_in_at", "install", "load_refusals",
           "pack_submission", "read_submission", "record_refusal", "sha256", "submission_name",
           "submitted_folder", "submitted_participants", "write_submission"]

SUBMITTED = "submitted"  # nbgrader's folder of hand-ins in a course
TIMESTAMP = "timestamp.txt"
# nbgrader's Exchange.timestamp_format (what `nbgrader submit` writes).
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
UNREADABLE = datetime.max.replace(tzinfo=UTC)  # a hand-in whose time cannot be read
REFUSALS = Path(".kimtrain") / "penolakan"
MARKER = "kimtrain_kirim.json"  # in an offline handout's folder: "Kirim" writes a zip
MANIFEST = "manifest.json"
SUBMISSION_FORMAT = "kimtrain-kiriman"
MAX_MEMBER = 50 * 1024 * 1024


# -- the layout ------------------------------------------------------------------------------

def submitted_folder(course_root: str | Path, assessment: str, participant: str) -> Path:
    """``<course>/submitted/<ID>/<NAME>``: where ``participant``'s hand-in is."""
    return Path(course_root) / SUBMITTED / participant_id(participant) / assessment


def submitted_participants(course_root: str | Path, assessment: str) -> list[str]:
    """Everyone with a hand-in folder for ``assessment``, sorted."""
    return sorted(p.parent.name for p in Path(course_root).glob(f"{SUBMITTED}/*/{assessment}")
                  if p.is_dir())


class NewerHandIn(Exception):
    """The hand-in already in place is as new or newer; nothing was changed."""

    def __init__(self, existing: datetime) -> None:
        super().__init__(existing.isoformat())
        self.existing = existing


def format_timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def handed_in_at(folder: Path) -> datetime | None:
    """When the hand-in in ``folder`` was made (its ``timestamp.txt``); ``None`` when
    there is none; :data:`UNREADABLE` (the newest possible) when it cannot be read."""
    if not folder.is_dir():
        return None
    try:
        moment = parse_timestamp((folder / TIMESTAMP).read_text(encoding="utf-8").strip())
    except (OSError, ValueError, OverflowError):
        return UNREADABLE
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def parse_timestamp(text: str) -> datetime:
    """A ``timestamp.txt``: nbgrader's format or ISO 8601 with the standard library;
    anything else as nbgrader reads it (``dateutil``). Raises ``ValueError``."""
    with contextlib.suppress(ValueError):
        return datetime.strptime(text.replace(" UTC", " +0000"), "%Y-%m-%d %H:%M:%S.%f %z")
    with contextlib.suppress(ValueError):
        return datetime.fromisoformat(text)
    from dateutil.parser import parse

    moment: datetime = parse(text)
    return moment


def _fsync_dir(path: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):  # Windows: directories cannot be opened
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def install(target: Path, files: Mapping[str, bytes], moment: datetime) -> Path:
    """Make ``target`` hold exactly ``files`` plus ``timestamp.txt`` (``moment``).

    Raises :class:`NewerHandIn` (changing nothing) when ``target`` already holds a
    hand-in made at ``moment`` or later."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    target.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(target.parent / f".{target.name}.lock"):
        existing = handed_in_at(target)
        if existing is not None and existing >= moment:
            raise NewerHandIn(existing)
        staging = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
        old = target.parent / f".{target.name}.{uuid.uuid4().hex}.old.tmp"
        try:
            staging.mkdir()
            for name, data in files.items():
                _write(staging / name, data)
            _write(staging / TIMESTAMP, format_timestamp(moment).encode("utf-8"))
            _fsync_dir(staging)
            # Windows refuses to rename a folder while a file inside is open (the
            # trainer's page, antivirus): the renames wait a moment instead of failing.
            if target.exists():
                rename_with_retry(target, old)
            rename_with_retry(staging, target)
            _fsync_dir(target.parent)
        except BaseException:
            if old.exists() and not target.exists():
                old.rename(target)  # put the previous hand-in back
            shutil.rmtree(staging, ignore_errors=True)
            raise
        remove_tree_quietly(old)
    return target


# -- refused hand-ins ----------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    """Why a participant's hand-in was not taken: the file, a catalog key and its values."""

    participant: str
    file: str
    reason: str
    params: dict[str, Any]
    at: str

    def render(self, lang: str | None = None) -> str:
        from kimtrain.i18n import t

        return f"{self.file}: {t(self.reason, lang=lang, **self.params)}"


def _refusals_file(course_root: Path, assessment: str) -> Path:
    return course_root / REFUSALS / f"{assessment}.json"


def load_refusals(course_root: str | Path, assessment: str) -> dict[str, Refusal]:
    path = _refusals_file(Path(course_root), assessment)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for participant, entry in raw.items() if isinstance(raw, dict) else ():
        with contextlib.suppress(KeyError, TypeError, AttributeError):
            out[participant] = Refusal(participant, str(entry["file"]), str(entry["reason"]),
                                       dict(entry.get("params", {})), str(entry.get("at", "")))
    return out


def _save_refusals(course_root: Path, assessment: str, refusals: dict[str, Refusal]) -> None:
    path = _refusals_file(course_root, assessment)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {p: {"file": r.file, "reason": r.reason, "params": r.params, "at": r.at}
            for p, r in sorted(refusals.items())}
    atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def record_refusal(course_root: str | Path, assessment: str, participant: str, file: str,
                   reason: str, params: Mapping[str, Any] | None = None) -> None:
    """Remember that ``participant``'s hand-in ``file`` was refused (``reason``: a
    catalog key, ``params`` its values)."""
    params = params or {}
    root = Path(course_root)
    refusals = load_refusals(root, assessment)
    refusals[participant] = Refusal(participant, file, reason,
                                    {k: str(v) for k, v in params.items()},
                                    datetime.now(UTC).isoformat(timespec="seconds"))
    _save_refusals(root, assessment, refusals)


def clear_refusal(course_root: str | Path, assessment: str, participant: str) -> None:
    root = Path(course_root)
    refusals = load_refusals(root, assessment)
    if refusals.pop(participant, None) is not None:
        _save_refusals(root, assessment, refusals)


# -- the offline zip ---------------------------------------------------------------------------

def submission_name(participant: str, assessment: str) -> str:
    """The fixed file name of an offline hand-in: ``<ID peserta>_<assessment>.zip``."""
    return f"{participant}_{assessment}.zip"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _version() -> str:
    from kimtrain import __version__

    return __version__


def pack_submission(directory: Path, sheet: AnswerSheet, *, notebook: str | None = None,
                    course: str | None = None, items: int | None = None) -> bytes:
    """The zip of ``sheet``'s hand-in from the notebook's ``directory``, as bytes."""
    notebook = notebook or f"{sheet.assessment}.ipynb"
    own = sheet_filename(sheet.assessment, sheet.participant)
    files: dict[str, bytes] = {own: (directory / own).read_bytes()}
    if (directory / notebook).is_file():
        files[notebook] = (directory / notebook).read_bytes()
    manifest = {
        "format": SUBMISSION_FORMAT, "version": 1,
        "assessment": sheet.assessment, "participant": sheet.participant, "course": course,
        "submitted_at": sheet.submitted_at,
        "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "answered": len(sheet.answered()), "items": items,
        "kimtrain": _version(),
        "files": {name: {"sha256": sha256(data), "size": len(data)}
                  for name, data in sorted(files.items())},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        for name, data in sorted(files.items()):
            zf.writestr(name, data)
    return buffer.getvalue()


def write_submission(directory: Path, sheet: AnswerSheet, *, notebook: str | None = None,
                     course: str | None = None, items: int | None = None) -> Path:
    """Write the participant's zip into ``directory`` (atomically); return its path."""
    path = directory / submission_name(sheet.participant, sheet.assessment)
    atomic_write(path, pack_submission(directory, sheet, notebook=notebook, course=course,
                                       items=items))
    return path


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


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


class CorruptSubmission(Exception):
    """Why a zip is not a sound hand-in: a catalog key (``collect.damage.*``) and its
    parameters, shown to the trainer in their language."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason, self.params = reason, params
        self.manifest: dict[str, Any] | None = None  # when it could be read

    def render(self) -> str:
        from kimtrain.i18n import t

        return t(f"collect.damage.{self.reason}", **self.params)


def _manifest_folder(names: set[str]) -> str:
    """Where ``manifest.json`` is: ``""`` at the top, or the one folder a re-packing
    tool put around the files (``KIM-001_pretest/manifest.json``)."""
    if MANIFEST in names:
        return ""
    found = [n[: -len(MANIFEST)] for n in names
             if n.endswith("/" + MANIFEST) and not n.startswith("__MACOSX/")]
    if len(found) != 1:
        raise CorruptSubmission("manifest")
    return found[0]


def _read_members(zf: zipfile.ZipFile, names: set[str], folder: str,
                  manifest: dict[str, Any]) -> dict[str, bytes]:
    listed = manifest.get("files")
    if not isinstance(listed, dict) or not listed:
        raise CorruptSubmission("fields")
    files: dict[str, bytes] = {}
    for name, meta in listed.items():
        if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith(".") \
                or not isinstance(meta, dict):
            raise CorruptSubmission("bad_name", file=str(name))
        member = folder + name
        if member not in names:
            raise CorruptSubmission("missing_member", file=name)
        if zf.getinfo(member).file_size > MAX_MEMBER:
            raise CorruptSubmission("too_large", file=name, limit=MAX_MEMBER // (1024 * 1024))
        data = zf.read(member)
        if sha256(data) != meta.get("sha256"):
            size = meta.get("size")
            if isinstance(size, int) and len(data) < size:
                raise CorruptSubmission("truncated", file=name, got=len(data), size=size)
            raise CorruptSubmission("checksum", file=name)
        files[name] = data
    return files


def read_submission(path: Path) -> Submission:
    """Open and verify one zip; :class:`CorruptSubmission` (with the real reason) when
    it is not sound."""
    manifest: dict[str, Any] | None = None
    try:
        try:
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
                if bad is not None:
                    raise CorruptSubmission("crc", file=bad)
                names = {n for n in zf.namelist() if not n.endswith("/")}
                folder = _manifest_folder(names)
                try:
                    loaded = json.loads(zf.read(folder + MANIFEST).decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    raise CorruptSubmission("manifest_unreadable") from None
                if not isinstance(loaded, dict) or loaded.get("format") != SUBMISSION_FORMAT:
                    raise CorruptSubmission("manifest")
                manifest = loaded
                files = _read_members(zf, names, folder, manifest)
                listed = {folder + MANIFEST} | {folder + n for n in files}
                extra = tuple(sorted(n for n in names - listed
                                     if not n.startswith("__MACOSX/")
                                     and not n.rsplit("/", 1)[-1].startswith("._")))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise CorruptSubmission("unreadable") from exc
        try:
            participant = participant_id(manifest["participant"])
            assessment = assessment_id(manifest["assessment"])
            _parse_time(manifest.get("submitted_at") or manifest["created_at"])
        except (KimtrainError, KeyError, ValueError, TypeError, AttributeError) as exc:
            raise CorruptSubmission("fields") from exc
        sheet_name = sheet_filename(assessment, participant)
        if sheet_name not in files:
            raise CorruptSubmission("sheet", file=sheet_name)
        try:
            sheet = AnswerSheet.from_dict(json.loads(files[sheet_name].decode("utf-8")))
        except (KimtrainError, KeyError, ValueError, TypeError, AttributeError,
                UnicodeDecodeError) as exc:
            raise CorruptSubmission("sheet_unreadable", file=sheet_name) from exc
        if (sheet.participant, sheet.assessment) != (participant, assessment):
            raise CorruptSubmission("sheet", file=sheet_name)
    except CorruptSubmission as exc:
        exc.manifest = manifest
        raise
    return Submission(path, manifest, files, sheet, extra)
