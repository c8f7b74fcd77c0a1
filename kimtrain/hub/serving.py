"""Set-up of ``kimtrain serve --hub`` (see :mod:`kimtrain.hub.service`)."""

from __future__ import annotations

import os
from typing import Any

from kimtrain.course.layout import Course
from kimtrain.errors import KimtrainError

__all__ = ["hub_server"]


def hub_server(course: Course, config: Any) -> tuple[Any, str, int, str]:
    """Adapt Voilà's ``config`` to a hub service; return (gate, host, port, prefix).

    Refused with a clear message outside a hub (no service token in the environment)."""
    if not os.environ.get("JUPYTERHUB_API_TOKEN"):
        raise KimtrainError("hub.serve.not_on_hub")
    try:
        from kimtrain.hub.service import (
            HubGate,
            HubIdentityProvider,
            _shared_auth,
            hub_service_address,
        )
    except ImportError as exc:
        raise KimtrainError("hub.serve.needs_jupyterhub", reason=str(exc)) from exc
    host, port, prefix = hub_service_address()
    gate = HubGate.from_environment(course.course_id)
    _shared_auth(gate.token)  # the OAuth client: its secret is the service's token
    # ... which participants' kernels must never inherit
    os.environ.pop("JUPYTERHUB_API_TOKEN", None)
    os.environ.pop("JPY_API_TOKEN", None)
    config.Voila.ip = host
    config.Voila.port = port
    config.Voila.base_url = prefix
    config.Voila.identity_provider_class = HubIdentityProvider
    # one kernel per page and person: a kernel run ahead would belong to nobody
    config.VoilaConfiguration.preheat_kernel = False
    return gate, host, port, prefix


def empty_workshop(course: Course) -> Any:
    """Nothing released yet: a hub service still starts (JupyterHub stops when a managed
    service exits) and picks up tests as they are released (:func:`add_released`)."""
    from kimtrain.serve.workshop import Workshop, notebooks_root

    root = notebooks_root(course.root)
    root.mkdir(parents=True, exist_ok=True)
    return Workshop(course, root, [], [])


def add_released(workshop: Any, paths: set[str], lang: str) -> list[str]:
    """Serve tests released since the service started (a trainer on a hub cannot
    restart the service alone); returns their names. ``paths`` is the server's set of
    notebook paths that may render."""
    from kimtrain.serve.workshop import _copy_assessment, _released

    served = {a.name for a in workshop.assessments}
    added = []
    for name in _released(workshop.course):
        if name in served:
            continue
        assessment = _copy_assessment(workshop.course, name, workshop.root / name, lang)
        workshop.assessments.append(assessment)
        paths.add(assessment.url.removeprefix("/voila/render/"))
        added.append(name)
    return added
