"""Answer stores: where every tap is saved the moment it happens.

One sheet per (assessment, participant). :class:`FileAnswerStore` keeps each sheet
as ``jawaban__<assessment>__<PARTICIPANT>.json`` in the notebook's folder, so the
file travels with the notebook through nbgrader's submit/collect and zip flows and
is there when autograde runs. Writes are atomic (temporary file, fsync, rename):
a crash leaves either the old sheet or the new one, never half a file.
:class:`MemoryAnswerStore` is the same interface for tests.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from kimtrain.errors import AnswerError, StoreError
from kimtrain.oscompat import RETRY_DELAYS, replace_with_retry

__all__ = [
    "SHEET_GLOB",
    "SHEET_PREFIX",
    "Answer",
    "AnswerSheet",
    "AnswerStore",
    "FileAnswerStore",
    "MemoryAnswerStore",
    "is_sheet",
    "participant_id",
    "sheet_filename",
]

FORMAT = "kimtrain-jawaban"
VERSION = 1
_PARTICIPANT = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")
_ASSESSMENT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def participant_id(code: str) -> str:
    """The canonical participant id: trimmed and upper-case (``kim-001`` -> ``KIM-001``);
    a hub's spellings of a code (``jupyter-kim-001``, ``kim-001@...``) are the same
    participant (:func:`kimtrain.hub.names.roster_code`)."""
    from kimtrain.hub.names import roster_code

    clean = roster_code(code)
    if not _PARTICIPANT.match(clean):
        raise AnswerError("participant.invalid", code=code)
    return clean


def assessment_id(name: str) -> str:
    if not isinstance(name, str) or not _ASSESSMENT.match(name):
        raise AnswerError("assessment.invalid", name=name)
    return name


SHEET_PREFIX = "jawaban__"
SHEET_GLOB = f"{SHEET_PREFIX}*"  # every answer sheet, of any assessment


def sheet_filename(assessment: str, participant: str) -> str:
    """``jawaban__<assessment>__<PARTICIPANT>.json``: the one place this name is made."""
    return f"{SHEET_PREFIX}{assessment_id(assessment)}__{participant_id(participant)}.json"


def is_sheet(name: str) -> bool:
    """Whether a file name is an answer sheet's (any assessment, any participant)."""
    return name.startswith(SHEET_PREFIX)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class Answer:
    value: Any
    saved_at: str
    changes: int = 1


@dataclass
class AnswerSheet:
    """Everything one participant answered in one assessment."""

    assessment: str
    participant: str
    answers: dict[str, Answer] = field(default_factory=dict)
    created_at: str = field(default_factory=_now)
    updated_at: str = ""
    submitted_at: str | None = None

    def value(self, item_id: str) -> Any:
        answer = self.answers.get(item_id)
        return None if answer is None else answer.value

    def answered(self) -> set[str]:
        return {k for k, a in self.answers.items() if a.value is not None}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "assessment": self.assessment,
            "participant": self.participant,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "submitted_at": self.submitted_at,
            "answers": {
                k: {"value": a.value, "saved_at": a.saved_at, "changes": a.changes}
                for k, a in self.answers.items()
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerSheet:
        if data.get("format") != FORMAT or not isinstance(data.get("answers"), dict):
            raise ValueError("not a kimtrain answer sheet")
        return cls(
            assessment=data["assessment"],
            participant=data["participant"],
            answers={
                k: Answer(v.get("value"), v.get("saved_at", ""), int(v.get("changes", 1)))
                for k, v in data["answers"].items()
            },
            created_at=data.get("created_at", ""),
            updated_at=data.get("updated_at", ""),
            submitted_at=data.get("submitted_at"),
        )

    def record(self, item_id: str, value: Any) -> None:
        now = _now()
        old = self.answers.get(item_id)
        if old is not None and old.value == value:
            return
        self.answers[item_id] = Answer(value, now, (old.changes + 1) if old else 1)
        self.updated_at = now


class AnswerStore(Protocol):
    """What widgets, the demo and the grader need from any store."""

    def load(self, assessment: str, participant: str) -> AnswerSheet: ...

    def save_answer(self, assessment: str, participant: str, item_id: str,
                    value: Any) -> AnswerSheet: ...

    def mark_submitted(self, assessment: str, participant: str) -> AnswerSheet: ...

    def participants(self, assessment: str) -> list[str]: ...


class MemoryAnswerStore:
    """An in-memory store with the same behaviour, for tests and previews."""

    def __init__(self) -> None:
        self._sheets: dict[tuple[str, str], AnswerSheet] = {}

    def load(self, assessment: str, participant: str) -> AnswerSheet:
        key = (assessment_id(assessment), participant_id(participant))
        sheet = self._sheets.get(key)
        return AnswerSheet.from_dict(sheet.to_dict()) if sheet else AnswerSheet(*key)

    def save_answer(self, assessment: str, participant: str, item_id: str,
                    value: Any) -> AnswerSheet:
        sheet = self.load(assessment, participant)
        sheet.record(item_id, value)
        self._sheets[(sheet.assessment, sheet.participant)] = sheet
        return self.load(assessment, participant)

    def mark_submitted(self, assessment: str, participant: str) -> AnswerSheet:
        sheet = self.load(assessment, participant)
        sheet.submitted_at = _now()
        self._sheets[(sheet.assessment, sheet.participant)] = sheet
        return self.load(assessment, participant)

    def participants(self, assessment: str) -> list[str]:
        return sorted(p for a, p in self._sheets if a == assessment)


class FileAnswerStore:
    """Answer sheets as JSON files in ``directory`` (the notebook's folder)."""

    _thread_lock = threading.Lock()

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def path(self, assessment: str, participant: str) -> Path:
        return self.directory / sheet_filename(assessment, participant)

    def load(self, assessment: str, participant: str) -> AnswerSheet:
        path = self.path(assessment, participant)
        if not path.exists():
            return AnswerSheet(assessment_id(assessment), participant_id(participant))
        return read_sheet(path)

    def save_answer(self, assessment: str, participant: str, item_id: str,
                    value: Any) -> AnswerSheet:
        with self._locked():
            sheet = self.load(assessment, participant)
            sheet.record(item_id, value)
            self._write(sheet)
        return sheet

    def mark_submitted(self, assessment: str, participant: str) -> AnswerSheet:
        with self._locked():
            sheet = self.load(assessment, participant)
            sheet.submitted_at = _now()
            self._write(sheet)
        return sheet

    def participants(self, assessment: str) -> list[str]:
        prefix = f"{SHEET_PREFIX}{assessment_id(assessment)}__"
        return sorted(
            p.name[len(prefix):-len(".json")] for p in self.directory.glob(f"{prefix}*.json")
        )

    # -- durability ---------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise writers: threads in this process, and processes on POSIX
        (two browser tabs of one participant run two kernels)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._thread_lock:
            try:
                import fcntl
            except ImportError:  # Windows
                with _windows_lock(self.directory / LOCK_FILE):
                    yield
                return
            fd = os.open(self.directory, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def _write(self, sheet: AnswerSheet) -> None:
        path = self.path(sheet.assessment, sheet.participant)
        data = json.dumps(sheet.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
        atomic_write(path, data)


LOCK_FILE = ".jawaban.lock"


@contextlib.contextmanager
def _windows_lock(path: Path) -> Iterator[None]:
    """Serialise writers across processes on Windows (two tabs of one participant run
    two kernels): a byte-range lock on a lock file beside the sheets. ``LK_LOCK`` waits,
    trying once a second, up to ten times before it gives up."""
    # Imported by name: the module exists only on Windows, where this runs.
    msvcrt: Any = importlib.import_module("msvcrt")

    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    try:
        for _ in range(3):
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                break
            except OSError:
                continue
        else:
            raise StoreError("windows.store.locked", path=str(path.parent))
        try:
            yield
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old or the new file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # Windows refuses the replace while another process has the sheet open (the
        # sweep, the trainer's page, antivirus): wait a moment rather than lose the tap.
        replace_with_retry(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def read_sheet(path: Path) -> AnswerSheet:
    """Read one sheet file; a damaged file raises :class:`StoreError` naming it."""
    try:
        text = _read_with_retry(path)
        return AnswerSheet.from_dict(json.loads(text))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreError("store.unreadable", path=str(path), reason=str(exc)) from exc


def _read_with_retry(path: Path) -> str:
    """Read a sheet; on Windows a sheet being replaced at that moment is briefly refused."""
    for delay in RETRY_DELAYS:
        try:
            return path.read_text(encoding="utf-8")
        except PermissionError:
            time.sleep(delay)
    return path.read_text(encoding="utf-8")
