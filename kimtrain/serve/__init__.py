"""The workshop server: served assessments and modules, hand-in, the trainer's view.

Importing this package stays light (a participant kernel imports
:mod:`kimtrain.serve.kernel`); Voilà is imported only by :mod:`kimtrain.serve.app`.
"""

from __future__ import annotations

from kimtrain.serve.records import Presence, read_presence, record_presence
from kimtrain.serve.status import AssessmentStatus, ParticipantStatus, workshop_status
from kimtrain.serve.submission import place_submission, sweep
from kimtrain.serve.workshop import (
    ServedAssessment,
    ServedModule,
    Workshop,
    prepare_workshop,
    serve_root,
)

__all__ = [
    "AssessmentStatus",
    "ParticipantStatus",
    "Presence",
    "ServedAssessment",
    "ServedModule",
    "Workshop",
    "place_submission",
    "prepare_workshop",
    "read_presence",
    "record_presence",
    "serve_root",
    "sweep",
    "workshop_status",
]
