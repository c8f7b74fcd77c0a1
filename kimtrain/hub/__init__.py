"""kimtrain on a JupyterHub: user names to roster codes, the course's hub settings,
the hub's REST API, hand-ins through nbgrader's exchange and the participant service.

Only :mod:`kimtrain.hub.names` is imported by participant kernels; it uses the
standard library alone. Nothing here runs unless a course was made with
``kimtrain init --hub`` or a process runs under JupyterHub.
"""

from __future__ import annotations

from kimtrain.hub.names import TLJH_PREFIX, hub_username, roster_code

__all__ = ["TLJH_PREFIX", "hub_username", "roster_code"]
