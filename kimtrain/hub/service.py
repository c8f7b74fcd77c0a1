"""``kimtrain serve --hub``: participant mode as a JupyterHub-managed service.

The hub starts the server (``c.JupyterHub.services``, written by ``kimtrain init
--hub``) with its service environment (``JUPYTERHUB_SERVICE_PREFIX``,
``JUPYTERHUB_SERVICE_URL``, ``JUPYTERHUB_API_TOKEN``, ``JUPYTERHUB_CLIENT_ID`` …).
Then:

* every page, kernel connection and kimtrain page needs the hub login: identity comes
  from JupyterHub's OAuth (:class:`jupyterhub.services.auth.HubOAuth`), not from a
  code and PIN; the participant is the roster code of the hub user
  (:func:`kimtrain.hub.names.roster_code`);
* behind the hub's proxy every request comes from 127.0.0.1, so the address proves
  nothing: ``/pelatih`` opens only for a hub user in the course's
  ``formgrade-<course>`` group (or a hub admin), never for "this machine" or a key;
* a page's kernel is noted with its hub user (``hub:<name>``), which is also the
  "client" the kernel limits count per person.

JupyterHub is imported only here (and only when serving with ``--hub``).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from jupyter_server.auth.identity import IdentityProvider, User
from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
from tornado.web import RequestHandler

__all__ = ["HUB_CLIENT_PREFIX", "HubGate", "HubIdentityProvider", "hub_service_address"]

HUB_CLIENT_PREFIX = "hub:"
log = logging.getLogger("kimtrain.serve")


def hub_service_address() -> tuple[str, int, str]:
    """(host, port, URL prefix) of this service, from the hub's environment."""
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:8866"))
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    if not prefix.endswith("/"):
        prefix += "/"
    return url.hostname or "127.0.0.1", url.port or 8866, prefix


def _shared_auth(api_token: str | None = None) -> HubOAuth:
    """The service's one HubOAuth. The first call passes the token explicitly: traitlets
    read defaults lazily, and the token leaves the environment before kernels start."""
    if api_token is not None:
        return HubOAuth.instance(api_token=api_token, cache_max_age=60)
    return HubOAuth.instance(cache_max_age=60)


class _LoginHandler(HubOAuthenticated, RequestHandler):
    """``<prefix>login``: off to the hub's login (an OAuth state cookie is set first)."""

    hub_auth_class = HubOAuth

    async def get(self) -> None:
        base = hub_service_address()[2]
        next_url = self.get_argument("next", "")
        if not next_url.startswith(base):  # only back into this service, never elsewhere
            next_url = base
        if await self.hub_auth.get_user(self, sync=False):
            self.redirect(next_url)
            return
        self.request.uri = next_url  # where the hub's OAuth sends the user back to
        self.redirect(self.get_login_url())


class _CallbackHandler(HubOAuthCallbackHandler):
    hub_auth_class = HubOAuth


class HubIdentityProvider(IdentityProvider):
    """jupyter_server's identity seam, answered by the hub's OAuth cookie."""

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    async def get_user(self, handler: RequestHandler) -> User | None:
        model = await _shared_auth().get_user(handler, sync=False)
        if not model:
            return None
        return User(username=model["name"], name=model["name"])

    def get_handlers(self) -> list[tuple[str, object]]:
        prefix = hub_service_address()[2]
        return [(prefix + "login", _LoginHandler),
                (prefix + "oauth_callback", _CallbackHandler)]


@dataclass
class HubGate:
    """What kimtrain's own pages ask of the hub: who is this, and are they a trainer."""

    course_id: str
    api_url: str = ""
    token: str = ""
    is_hub_gate = True  # what kimtrain.serve.app looks for (a plain class attribute)

    @classmethod
    def from_environment(cls, course_id: str) -> HubGate:
        return cls(course_id, os.environ.get("JUPYTERHUB_API_URL", ""),
                   os.environ.get("JUPYTERHUB_API_TOKEN", ""))

    @property
    def trainer_group(self) -> str:
        return f"formgrade-{self.course_id}"

    async def user(self, handler: RequestHandler) -> str | None:
        model = await _shared_auth().get_user(handler, sync=False)
        return str(model["name"]) if model else None

    def is_trainer(self, name: str) -> bool:
        """A member of ``formgrade-<course>`` or a hub admin (asked with the service's
        own token; a hub that cannot be asked opens nothing)."""
        try:
            model = _get_json(f"{self.api_url}/users/{name}", self.token)
        except OSError as exc:
            log.warning("hub API unreachable when checking %s: %s", name, exc)
            return False
        return bool(model.get("admin")) or self.trainer_group in (model.get("groups") or [])


def _get_json(url: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        data = json.loads(response.read().decode("utf-8"))
    return data if isinstance(data, dict) else {}
