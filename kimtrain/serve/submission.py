"""Hand-in of a served assessment: into nbgrader's ``submitted/`` folder, ready to grade.

A participant's "Kirim" in a served notebook places three kinds of file in
``<course>/submitted/<ID>/<assessment>/`` — the notebook as it was released, the
public manifest, the participant's *own* answer sheet (never another's) — and
``timestamp.txt`` in nbgrader's format, the same layout ``nbgrader collect`` makes,
so ``nbgrader autograde <assessment>`` grades it. The folder is built beside the
target and renamed into place, so nbgrader never sees half a hand-in.
:func:`sweep` is the server's safety net: it places every submitted sheet whose
hand-in is missing or older (for example when a kernel died right after "Kirim").
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

from kimtrain.answers.store import FileAnswerStore, participant_id, sheet_filename
from kimtrain.errors import StoreError
from kimtrain.oscompat import remove_tree_quietly, rename_with_retry

__all__ = ["TIMESTAMP_FORMAT", "place_submission", "submitted_folder", "sweep"]

# nbgrader's Exchange.timestamp_format (what `nbgrader submit` writes).
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
SHEET_PREFIX = "jawaban__"


def submitted_folder(course_root: str | Path, assessment: str, participant: str) -> Path:
    return Path(course_root) / "submitted" / participant_id(participant) / assessment


def _timestamp(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def place_submission(course_root: str | Path, folder: str | Path, assessment: str,
                     participant: str) -> Path:
    """Put ``participant``'s submitted answers to ``assessment`` (served from ``folder``)
    into nbgrader's ``submitted/`` folder; return that folder."""
    folder = Path(folder)
    pid = participant_id(participant)
    sheet = FileAnswerStore(folder).load(assessment, pid)
    if not sheet.submitted_at:
        raise StoreError("serve.handin.not_submitted", participant=pid, assessment=assessment)
    target = submitted_folder(course_root, assessment, pid)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{assessment}.{uuid.uuid4().hex}.tmp"
    try:
        staging.mkdir()
        for path in folder.iterdir():
            if (path.is_file() and not path.name.startswith((".", SHEET_PREFIX))):
                shutil.copy2(path, staging / path.name)
        own = sheet_filename(assessment, pid)
        shutil.copy2(folder / own, staging / own)
        (staging / "timestamp.txt").write_text(_timestamp(sheet.submitted_at),
                                               encoding="utf-8")
        _swap_in(staging, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        raise StoreError("serve.handin.failed", participant=pid, assessment=assessment,
                         reason=str(exc)) from exc
    return target


def _swap_in(staging: Path, target: Path) -> None:
    # Windows refuses to rename a folder while a file inside is open (the trainer's
    # page, antivirus): rename_with_retry waits a moment instead of failing the hand-in.
    if not target.exists():
        rename_with_retry(staging, target)
        return
    old = target.parent / f".{target.name}.{uuid.uuid4().hex}.old"
    rename_with_retry(target, old)
    rename_with_retry(staging, target)
    remove_tree_quietly(old)


def _handed_in_at(course_root: Path, assessment: str, participant: str) -> str | None:
    folder = submitted_folder(course_root, assessment, participant)
    if not (folder / sheet_filename(assessment, participant)).exists():
        return None
    try:
        return FileAnswerStore(folder).load(assessment, participant).submitted_at
    except (StoreError, OSError, ValueError):
        return None


def sweep(course_root: str | Path, folder: str | Path, assessment: str) -> list[str]:
    """Place every submitted sheet in ``folder`` whose hand-in is missing or older;
    return the participants placed."""
    course_root, folder = Path(course_root), Path(folder)
    store = FileAnswerStore(folder)
    placed = []
    for pid in store.participants(assessment):
        try:
            sheet = store.load(assessment, pid)
        except (StoreError, OSError, ValueError):
            continue
        if sheet.submitted_at and _handed_in_at(course_root, assessment, pid) != sheet.submitted_at:
            place_submission(course_root, folder, assessment, pid)
            placed.append(pid)
    return placed
