"""Assessment building: blueprints, the nbgrader source notebook, and its public manifest.

Sub-modules are imported on use: a participant kernel reads ``manifest`` only and
must not pay for YAML or nbformat.
"""

from __future__ import annotations
