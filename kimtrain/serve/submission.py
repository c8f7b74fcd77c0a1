"""Hand-in of a served assessment: into nbgrader's ``submitted/`` folder, ready to grade.

A participant's "Kirim" in a served notebook places three kinds of file in
``<course>/submitted/<ID>/<assessment>/`` — the notebook as it was released, the
public manifest, the participant's *own* answer sheet (never another's) — and
``timestamp.txt`` in nbgrader's format, the same layout ``nbgrader collect`` makes,
so ``nbgrader autograde <assessment>`` grades it. :func:`kimtrain.handin.install`
writes it: staged beside the target, fsynced, swapped in whole, and never over a
hand-in that is as new or newer (an nbgrader hand-in made later, for example).
:func:`sweep` is the server's safety net: it places every submitted sheet whose
hand-in is missing or older (for example when a kernel died right after "Kirim").
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kimtrain.answers.store import FileAnswerStore, is_sheet, participant_id, sheet_filename
from kimtrain.errors import StoreError
from kimtrain.handin import (
    TIMESTAMP_FORMAT,
    NewerHandIn,
    handed_in_at,
    install,
    submitted_folder,
)

__all__ = ["TIMESTAMP_FORMAT", "place_submission", "submitted_folder", "sweep"]


def _moment(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def place_submission(course_root: str | Path, folder: str | Path, assessment: str,
                     participant: str) -> Path:
    """Put ``participant``'s submitted answers to ``assessment`` (served from ``folder``)
    into nbgrader's ``submitted/`` folder; return that folder.

    A hand-in already there that is as new or newer is kept: the same "Kirim" again
    changes nothing; an older one raises :class:`StoreError` saying so."""
    folder = Path(folder)
    pid = participant_id(participant)
    sheet = FileAnswerStore(folder).load(assessment, pid)
    if not sheet.submitted_at:
        raise StoreError("serve.handin.not_submitted", participant=pid, assessment=assessment)
    target = submitted_folder(course_root, assessment, pid)
    moment = _moment(sheet.submitted_at)
    try:
        files = {path.name: path.read_bytes() for path in sorted(folder.iterdir())
                 if path.is_file() and not path.name.startswith(".") and not is_sheet(path.name)}
        own = sheet_filename(assessment, pid)
        files[own] = (folder / own).read_bytes()
        install(target, files, moment)
    except NewerHandIn as kept:
        if kept.existing == moment:
            return target  # this very hand-in is already in place
        raise StoreError("safety.handin.newer_kept", participant=pid, assessment=assessment,
                         existing=kept.existing.isoformat(timespec="seconds"),
                         refused=moment.isoformat(timespec="seconds")) from None
    except OSError as exc:
        raise StoreError("serve.handin.failed", participant=pid, assessment=assessment,
                         reason=str(exc)) from exc
    return target


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
        if not sheet.submitted_at:
            continue
        existing = handed_in_at(submitted_folder(course_root, assessment, pid))
        if existing is not None and existing >= _moment(sheet.submitted_at):
            continue
        place_submission(course_root, folder, assessment, pid)
        placed.append(pid)
    return placed
