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
    _shared_auth()  # reads the service's token and OAuth client from the environment
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
