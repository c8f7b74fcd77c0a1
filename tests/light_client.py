"""A participant's light test page spoken to over HTTP, as a phone's browser does.

The light page's counterpart of :class:`tests.served_client.ServedPage` (same
methods), for the load benchmark and tests: fetch the page and its two scripts and
styles, then one JSON call per tap (:mod:`kimtrain.serve.light`).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

from tests.served_client import NotSaved

__all__ = ["LightPage"]

_CONFIG = re.compile(r'<script type="application/json" id="kt-config">(.*?)</script>', re.S)
_ASSETS = re.compile(r'(?:href|src)="(/kimtrain/static/[^"]+)"')


class LightPage:
    """One participant's open light page of test ``name``."""

    def __init__(self, base_url: str, name: str, *, timeout: float = 120) -> None:
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.timeout = timeout
        self.html = ""
        self.page_id = ""
        self.comms: dict[str, dict[str, Any]] = {}  # widget key -> state
        self.timings: dict[str, float] = {}
        self.acked: dict[str, Any] = {}

    async def _get(self, path: str) -> bytes:
        from tornado.httpclient import AsyncHTTPClient

        response = await AsyncHTTPClient().fetch(f"{self.base_url}{path}",
                                                 request_timeout=self.timeout,
                                                 decompress_response=True)
        return bytes(response.body)

    async def open(self) -> None:
        started = time.perf_counter()
        self.html = (await self._get(f"/ujian/{self.name}")).decode("utf-8")
        self.timings["page"] = time.perf_counter() - started
        found = _CONFIG.search(self.html)
        if not found:
            raise RuntimeError(f"no light page for {self.name}")
        config = json.loads(found.group(1))
        self.page_id = config["page"]
        for path in dict.fromkeys(_ASSETS.findall(self.html)):  # what a phone fetches once
            await self._get(path)
        for widget in config["widgets"]:
            state = dict(widget["state"])
            state["labels"] = {**config["labels"], **state.get("labels", {})}
            self.comms[widget["key"]] = state
        self.timings["widgets"] = time.perf_counter() - started - self.timings["page"]

    async def close(self) -> None:
        return None

    async def call(self, key: str, *, state: dict[str, Any] | None = None,
                   msg: dict[str, Any] | None = None) -> None:
        from tornado.httpclient import AsyncHTTPClient

        body: dict[str, Any] = {"page": self.page_id, "widget": key}
        if state is not None:
            body["state"] = state
        if msg is not None:
            body["msg"] = msg
        response = await AsyncHTTPClient().fetch(
            f"{self.base_url}/ujian/{self.name}/api", method="POST",
            headers={"Content-Type": "application/json"}, body=json.dumps(body),
            request_timeout=self.timeout)
        for widget, changes in json.loads(response.body).get("changes", {}).items():
            self.comms.setdefault(widget, {}).update(changes)

    def comm_of(self, *, kind: str = "item", item: str | None = None) -> str:
        return f"item:{item}" if kind == "item" else kind

    @property
    def items(self) -> list[dict[str, Any]]:
        return [s["item"] for s in self.comms.values() if s.get("kind") == "item"]

    async def custom(self, kind: str, event: dict[str, Any]) -> None:
        token = uuid.uuid4().hex
        await self.call(kind, msg={**event, "token": token})
        if self.comms[kind].get("ack") != token:
            raise NotSaved(f"{kind}: no acknowledgement")

    async def identify(self, code: str, pin: str = "") -> dict[str, Any]:
        await self.custom("identity", {"event": "identify", "code": code, "pin": pin})
        return self.comms["identity"]

    async def answer(self, item_id: str, value: Any) -> float:
        """Tap an answer; return the seconds until the server acknowledged it."""
        key, token = f"item:{item_id}", uuid.uuid4().hex
        started = time.perf_counter()
        await self.call(key, state={"token": token, "value": value})
        if self.comms[key].get("ack") != token:
            raise NotSaved(f"{item_id}: no acknowledgement")
        self.acked[item_id] = value
        return time.perf_counter() - started

    async def submit(self) -> dict[str, Any]:
        await self.custom("submit", {"event": "submit"})
        state = self.comms["submit"]
        if not state.get("done") and (state.get("result") or {}).get("confirm"):
            await self.custom("submit", {"event": "submit"})
        return self.comms["submit"]
