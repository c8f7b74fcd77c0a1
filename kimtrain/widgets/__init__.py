"""Participant widgets: tap-to-answer items, identity and answer check (anywidget, no CDN).

Importing this package must stay light: no pandas, matplotlib or nbgrader (a test
runs ``python -X importtime`` to keep it so).
"""

from __future__ import annotations

from kimtrain.widgets.session import Assessment, IdentifyHook, SubmitHook, record_answer
from kimtrain.widgets.views import CheckWidget, IdentityWidget, ItemWidget, SubmitWidget

__all__ = [
    "Assessment",
    "CheckWidget",
    "IdentifyHook",
    "IdentityWidget",
    "ItemWidget",
    "SubmitHook",
    "SubmitWidget",
    "record_answer",
]
