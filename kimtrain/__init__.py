"""kimtrain: training and assessment of digital and media literacy for KIM, on Jupyter.

Sub-packages, each owning one concern (data flows down this list):

* ``kimtrain.bank`` — question banks: model, YAML loading, validation
* ``kimtrain.assessment`` — blueprints -> nbgrader source notebooks + public manifest
* ``kimtrain.widgets`` — participant widgets and the assessment session
* ``kimtrain.answers`` — the durable answer store and answer shapes
* ``kimtrain.grading`` — scoring rules, the hidden-test entry point, nbgrader steps
* ``kimtrain.course`` — course folders, nbgrader configuration and API, gradebook reads
* ``kimtrain.i18n`` — Bahasa Indonesia first, English by a switch

Nothing heavy is imported here.
"""

from __future__ import annotations

from kimtrain.errors import KimtrainError
from kimtrain.i18n import set_language, t

__version__ = "0.1.0"

__all__ = ["KimtrainError", "__version__", "set_language", "t"]
