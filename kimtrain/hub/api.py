"""The few JupyterHub REST API calls kimtrain makes (standard library only).

Roster import enrols participants in the course's hub group ``nbgrader-<course>``
(nbgrader's :class:`~nbgrader.auth.JupyterHubAuthPlugin` reads course membership
from it): users that do not exist on the hub yet are created, the group is created
when missing, then the users are added. The token is the trainer's
(``JUPYTERHUB_API_TOKEN`` inside their hub server, or ``KIMTRAIN_HUB_TOKEN``), and
needs the scopes ``kimtrain init --hub`` gives the ``formgrade-<course>`` group.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from kimtrain.errors import KimtrainError

__all__ = ["HubAPI", "HubAPIError", "hub_token"]

TIMEOUT = 15


class HubAPIError(KimtrainError):
    """The hub could not be reached, or refused a call (message names URL and reason)."""


def hub_token() -> str:
    return os.environ.get("KIMTRAIN_HUB_TOKEN") or os.environ.get("JUPYTERHUB_API_TOKEN") or ""


@dataclass
class HubAPI:
    url: str  # ..../hub/api
    token: str

    def _call(self, method: str, path: str, body: Any = None,
              ok: tuple[int, ...] = ()) -> Any:
        if not self.token:
            raise HubAPIError("hub.api.no_token", url=self.url)
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            self.url.rstrip("/") + path, data=data, method=method,
            headers={"Authorization": f"token {self.token}",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            if exc.code in ok:
                return None
            key = "hub.api.forbidden" if exc.code in (401, 403) else "hub.api.refused"
            raise HubAPIError(key, url=self.url, method=method, path=path,
                              status=exc.code) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise HubAPIError("hub.api.unreachable", url=self.url, reason=str(reason)) from exc
        return json.loads(text) if text else None

    def user(self, name: str) -> dict[str, Any] | None:
        found = self._call("GET", f"/users/{urllib.parse.quote(name)}", ok=(404,))
        return found if isinstance(found, dict) else None

    def create_users(self, names: list[str]) -> None:
        """Create the hub users that do not exist yet (existing ones are left alone)."""
        missing = [n for n in names if self.user(n) is None]
        if missing:
            self._call("POST", "/users", {"usernames": missing}, ok=(409,))

    def enrol(self, group: str, names: list[str]) -> None:
        """Make ``group`` (if missing) and add ``names`` to it (already members: fine)."""
        quoted = urllib.parse.quote(group)
        if self._call("GET", f"/groups/{quoted}", ok=(404,)) is None:
            self._call("POST", f"/groups/{quoted}", ok=(409,))
        if names:
            self._call("POST", f"/groups/{quoted}/users", {"users": names})

    def members(self, group: str) -> list[str]:
        found = self._call("GET", f"/groups/{urllib.parse.quote(group)}", ok=(404,))
        return list((found or {}).get("users") or [])
