"""A participant without a browser: opens a served assessment the way Voilà's page does.

It loads the page over HTTP (which starts the participant's kernel and runs the
notebook on the server), connects to the kernel's websocket, asks for the widgets'
state like the widget manager does (``comm_info_request`` + ``request_state``) and
then taps answers as widget messages, each with a token as the page sends it. Each
call returns when the kernel has finished handling the message (its ``idle`` status
for that request); an answer counts as saved only when the kernel sent its token
back (``ack``), which it does after the answer sheet was written to disk. A kernel
that restarted has no widgets and acknowledges nothing: :class:`NotSaved`. Used by
``benchmarks/serve_load.py`` and the server tests (a test helper: not part of the
package); it speaks Jupyter's plain JSON websocket
protocol.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

__all__ = ["NotSaved", "ServedPage"]


class NotSaved(RuntimeError):
    """The kernel did not acknowledge a change: it is not on disk (the page would say
    "muat ulang")."""

_CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})'
                     r"\s*</script>", re.S)


class ServedPage:
    """One participant's open page of a served notebook."""

    def __init__(self, base_url: str, path: str, *, timeout: float = 120) -> None:
        self.base_url = base_url.rstrip("/")
        self.path = path
        self.timeout = timeout
        self.session = uuid.uuid4().hex
        self.kernel_id = ""
        self.html = ""
        self.comms: dict[str, dict[str, Any]] = {}  # comm id -> widget state
        self._ws: Any = None
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.received: list[dict[str, Any]] = []
        self.timings: dict[str, float] = {}
        self.compressed = False
        self.acked: dict[str, Any] = {}  # item -> the last value the kernel acknowledged

    # -- opening --------------------------------------------------------------------
    async def open(self) -> None:
        from tornado.httpclient import AsyncHTTPClient
        from tornado.websocket import websocket_connect

        client = AsyncHTTPClient()
        started = time.perf_counter()
        response = await client.fetch(f"{self.base_url}/voila/render/{self.path}",
                                      request_timeout=self.timeout)
        self.html = response.body.decode("utf-8")
        self.timings["page"] = time.perf_counter() - started
        found = _CONFIG.search(self.html)
        if not found:
            raise RuntimeError(f"no kernel in the page of {self.path}")
        self.kernel_id = json.loads(found.group(1))["kernelId"]
        ws_url = self.base_url.replace("http", "ws", 1)
        self._ws = await websocket_connect(
            f"{ws_url}/api/kernels/{self.kernel_id}/channels?session_id={self.session}",
            connect_timeout=self.timeout, compression_options={})  # as browsers offer
        extensions = self._ws.headers.get("Sec-WebSocket-Extensions", "")
        self.compressed = "permessage-deflate" in extensions
        self._reader = asyncio.ensure_future(self._read())
        reply = await self.request("comm_info_request", {"target_name": "jupyter.widget"},
                                   reply="comm_info_reply")
        # All at once, as the widget manager of a browser page does.
        await asyncio.gather(*(
            self.request("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})
            for comm_id in reply["content"]["comms"]))
        self.timings["widgets"] = time.perf_counter() - started - self.timings["page"]
        missing = [c for c in reply["content"]["comms"] if c not in self.comms]
        if missing:
            raise RuntimeError(f"no state for {len(missing)} widgets")

    async def close(self) -> None:
        if self._ws is not None:
            self._ws.close()
        if self._reader is not None:
            self._reader.cancel()

    # -- messages -------------------------------------------------------------------
    def _message(self, msg_type: str, content: dict[str, Any]) -> dict[str, Any]:
        return {
            "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "peserta",
                       "session": self.session, "version": "5.3",
                       "date": datetime.now(UTC).isoformat()},
            "parent_header": {}, "metadata": {}, "content": content, "buffers": [],
            "channel": "shell",
        }

    async def _read(self) -> None:
        while True:
            raw = await self._ws.read_message()
            if raw is None:
                for future in self._waiting.values():
                    if not future.done():
                        future.set_exception(ConnectionError("websocket closed"))
                return
            if isinstance(raw, bytes):
                continue
            msg = json.loads(raw)
            self.received.append(msg)
            kind = msg.get("msg_type") or msg["header"]["msg_type"]
            if kind == "comm_msg":
                data = msg["content"].get("data", {})
                if data.get("method") in ("update", "echo_update"):
                    self.comms.setdefault(msg["content"]["comm_id"], {}).update(
                        data.get("state", {}))
            parent = (msg.get("parent_header") or {}).get("msg_id")
            future = self._waiting.get(parent) if parent else None
            if future is None or future.done():
                continue
            wanted = getattr(future, "wanted", "idle")
            if kind == wanted or (wanted == "idle" and kind == "status"
                                  and msg["content"].get("execution_state") == "idle"):
                future.set_result(msg)

    async def request(self, msg_type: str, content: dict[str, Any], *,
                      reply: str = "idle") -> dict[str, Any]:
        """Send one shell message; wait for ``reply`` (default: the kernel idle again)."""
        msg = self._message(msg_type, content)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        future.wanted = reply  # type: ignore[attr-defined]
        self._waiting[msg["header"]["msg_id"]] = future
        try:
            await self._ws.write_message(json.dumps(msg))
            return await asyncio.wait_for(future, self.timeout)
        finally:
            self._waiting.pop(msg["header"]["msg_id"], None)

    # -- what a participant does --------------------------------------------------------
    def comm_of(self, *, kind: str = "item", item: str | None = None) -> str:
        for comm_id, state in self.comms.items():
            if state.get("kind") == kind and (item is None
                                              or state.get("item", {}).get("id") == item):
                return comm_id
        raise KeyError(item or kind)

    @property
    def items(self) -> list[dict[str, Any]]:
        found = [s["item"] for s in self.comms.values() if s.get("kind") == "item"]
        return sorted(found, key=lambda item: self._number(item["id"]))

    def _number(self, item_id: str) -> int:
        labels = self.comms[self.comm_of(item=item_id)].get("labels", {})
        digits = re.findall(r"\d+", labels.get("number", "0"))
        return int(digits[0]) if digits else 0

    async def custom(self, kind: str, event: dict[str, Any]) -> None:
        comm_id = self.comm_of(kind=kind)
        token = uuid.uuid4().hex
        await self.request("comm_msg", {"comm_id": comm_id, "data": {
            "method": "custom", "content": {**event, "token": token}}})
        if self.comms[comm_id].get("ack") != token:
            raise NotSaved(f"{kind}: no acknowledgement")

    async def identify(self, code: str, pin: str = "") -> dict[str, Any]:
        """Type a code (and PIN) and tap "Mulai"; return the identity card's state."""
        await self.custom("identity", {"event": "identify", "code": code, "pin": pin})
        return self.comms[self.comm_of(kind="identity")]

    async def answer(self, item_id: str, value: Any) -> float:
        """Tap an answer; return the seconds until the kernel had saved it.

        Raises :class:`NotSaved` when the kernel did not acknowledge it.
        """
        comm_id = self.comm_of(item=item_id)
        token = uuid.uuid4().hex
        started = time.perf_counter()
        await self.request("comm_msg", {"comm_id": comm_id, "data": {
            "method": "update", "state": {"token": token, "value": value},
            "buffer_paths": []}})
        if self.comms[comm_id].get("ack") != token:
            raise NotSaved(f"{item_id}: no acknowledgement")
        self.acked[item_id] = value
        return time.perf_counter() - started

    async def submit(self) -> dict[str, Any]:
        """Tap "Kirim" (and "Tetap kirim" if asked); return the card's state."""
        await self.custom("submit", {"event": "submit"})
        state = self.comms[self.comm_of(kind="submit")]
        if not state.get("done") and (state.get("result") or {}).get("confirm"):
            await self.custom("submit", {"event": "submit"})
        return self.comms[self.comm_of(kind="submit")]
