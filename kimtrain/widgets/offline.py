"""The offline hand-in: "Kirim" writes one zip per participant and assessment.

Where a room has no server, each laptop gets the assessment folder (``kimtrain
release NAME --offline DIR``); the participant's "Kirim" then writes
``<ID peserta>_<assessment>.zip`` (for example ``KIM-001_pretest.zip``) beside the
notebook, and the trainer gathers the zips (USB stick, WhatsApp) for ``kimtrain
collect NAME --from DIR``.

When it is active (checked once, when the ``Assessment`` is created):

* ``KIMTRAIN_KIRIM=zip`` in the environment: always;
* ``KIMTRAIN_KIRIM=off``: never;
* otherwise: when the notebook's folder holds ``kimtrain_kirim.json`` (written by
  ``kimtrain release --offline``), and never in a served notebook
  (``KIMTRAIN_SERVER=1``) or under ``nbgrader autograde``.

The zip holds the notebook, the participant's answer sheet and ``manifest.json``::

    {"format": "kimtrain-kiriman", "version": 1, "assessment": "pretest",
     "participant": "KIM-001", "course": "kim", "submitted_at": "...",
     "created_at": "...", "answered": 18, "items": 19, "kimtrain": "0.1.0",
     "files": {"pretest.ipynb": {"sha256": "...", "size": 1234}, ...}}

Each file's SHA-256 lets the collector tell a damaged zip from a good one. Only the
standard library is used here: this runs in participant kernels.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kimtrain.answers.store import AnswerSheet, atomic_write, sheet_filename
from kimtrain.i18n import t

if TYPE_CHECKING:
    from kimtrain.widgets.session import Assessment

__all__ = [
    "MARKER",
    "SUBMISSION_FORMAT",
    "attach_zip",
    "submission_name",
    "write_submission",
]

MARKER = "kimtrain_kirim.json"
MANIFEST = "manifest.json"
SUBMISSION_FORMAT = "kimtrain-kiriman"
ENV_VAR = "KIMTRAIN_KIRIM"


def submission_name(participant: str, assessment: str) -> str:
    """The fixed file name of an offline hand-in: ``<ID peserta>_<assessment>.zip``."""
    return f"{participant}_{assessment}.zip"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _marker(directory: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((directory / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_submission(directory: Path, sheet: AnswerSheet, *, notebook: str | None = None,
                     course: str | None = None, items: int | None = None) -> Path:
    """Write the participant's zip into ``directory``; return its path."""
    notebook = notebook or f"{sheet.assessment}.ipynb"
    files: dict[str, bytes] = {
        sheet_filename(sheet.assessment, sheet.participant):
            (directory / sheet_filename(sheet.assessment, sheet.participant)).read_bytes(),
    }
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
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        for name, data in sorted(files.items()):
            zf.writestr(name, data)
    path = directory / submission_name(sheet.participant, sheet.assessment)
    atomic_write(path, buffer.getvalue())
    return path


def _version() -> str:
    from kimtrain import __version__

    return __version__


def attach_zip(assessment: Assessment) -> None:
    """Add the zip-writing ``on_submit`` hook when the offline hand-in is active here."""
    mode = os.environ.get(ENV_VAR, "").strip().lower()
    if mode in ("off", "0", "no", "tidak"):
        return
    if os.environ.get("NBGRADER_EXECUTION"):
        return
    marker = _marker(assessment.directory)
    if mode != "zip" and (marker is None or os.environ.get("KIMTRAIN_SERVER")):
        return
    course = (marker or {}).get("course")

    def hook(session: Assessment, sheet: AnswerSheet) -> str:
        path = write_submission(session.directory, sheet, course=course,
                                items=len(session.order))
        return t("widget.submit.zip", lang=session.lang, file=path.name)

    assessment.on_submit.append(hook)
