"""The offline hand-in: "Kirim" writes one zip per participant and assessment.

Where a room has no server, each laptop gets the assessment folder (``kimtrain
release NAME --offline DIR``); the participant's "Kirim" then writes
``<ID peserta>_<assessment>.zip`` (for example ``KIM-001_pretest.zip``) beside the
notebook, and the trainer gathers the zips (USB stick, WhatsApp) for ``kimtrain
collect NAME --from DIR``.

When it is active (checked once, when the ``Assessment`` is created):

* the session's context (:mod:`kimtrain.context`, ``KIMTRAIN_KIRIM``) says ``zip``: always;
* it says ``off``, or the notebook is being graded: never;
* otherwise: when the notebook's folder holds ``kimtrain_kirim.json`` (written by
  ``kimtrain release --offline``), and never in a served notebook.

The zip's format, its name and the marker file are the hand-in module's
(:mod:`kimtrain.handin`); this module only adds the "Kirim" hook. Only the standard
library is used here: this runs in participant kernels.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kimtrain.answers.store import AnswerSheet
from kimtrain.context import Kirim
from kimtrain.handin import (  # the format's names, kept importable from here
    MANIFEST,  # noqa: F401
    MARKER,
    SUBMISSION_FORMAT,
    sha256,  # noqa: F401
    submission_name,
    write_submission,
)
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

def _marker(directory: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((directory / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def attach_zip(assessment: Assessment) -> None:
    """Add the zip-writing ``on_submit`` hook when the offline hand-in is active here."""
    context = assessment.context
    if context.kirim is Kirim.OFF or context.in_grading:
        return
    marker = _marker(assessment.directory)
    if context.kirim is not Kirim.ZIP and (marker is None or context.served):
        return
    course = (marker or {}).get("course")

    def hook(session: Assessment, sheet: AnswerSheet) -> str:
        path = write_submission(session.directory, sheet, course=course,
                                items=len(session.order))
        return t("widget.submit.zip", lang=session.lang, file=path.name)

    assessment.on_submit.append(hook)
