"""How many kernels the workshop server runs, and for whom.

Every page load of a served notebook starts a kernel (~58 MiB). Without limits, a
script that only GETs pages fills the trainer's laptop (56 loads in 94 s reached
4.5 GB, each kernel living 30 minutes). :class:`KernelLimits` keeps it bounded:

* at most ``total`` kernels on the server and ``per_client`` for one client
  (address); a page over a limit gets a short page in Indonesian asking to wait a
  moment (HTTP 503), never a stack trace;
* before refusing, pages that were open and are no longer (closed, reloaded: their
  answers are already on disk) give way: the same client's at once, anyone's
  after minutes of idleness when the server is full. A page still loading (a
  phone fetching the scripts over slow Wi-Fi) is never taken away;
* a kernel whose page never connects within ``connect_timeout`` seconds of being
  sent (the notebook has run by then) is shut down: a GET without a browser behind it.

Kernels waiting in Voilà's warm pool belong to nobody yet: they count towards the
total but are not culled here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["KernelLimits", "Opened"]

log = logging.getLogger("kimtrain.serve")

DEFAULT_TOTAL = 40
DEFAULT_PER_CLIENT = 4
DEFAULT_CONNECT_TIMEOUT = 60.0
IDLE_RECLAIM = 120.0  # a disconnected page idle this long may give way when the server is full


@dataclass
class Opened:
    client: str
    started: float = field(default_factory=time.monotonic)
    connected: bool = False
    loaded: float | None = None  # when the page was sent in full (the notebook had run)


class KernelLimits:
    """The kernels pages opened, by client; see the module's text."""

    def __init__(self, *, total: int = DEFAULT_TOTAL, per_client: int = DEFAULT_PER_CLIENT,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
                 on_gone: Callable[[str], None] | None = None) -> None:
        self.total = total
        self.per_client = per_client
        self.connect_timeout = connect_timeout
        self.kernels: dict[str, Opened] = {}
        self.pending: dict[str, int] = {}  # page loads under way, by client
        self.on_gone = on_gone

    # -- bookkeeping --------------------------------------------------------------------
    @staticmethod
    def _connections(km: Any, kernel_id: str) -> int:
        return int(getattr(km, "_kernel_connections", {}).get(kernel_id, 0))

    def _refresh(self, km: Any) -> None:
        alive = set(km.list_kernel_ids())
        for kernel_id in list(self.kernels):
            if kernel_id not in alive:
                self._forget(kernel_id)
            elif self._connections(km, kernel_id) > 0:
                self.kernels[kernel_id].connected = True

    def _forget(self, kernel_id: str) -> None:
        if self.kernels.pop(kernel_id, None) is not None and self.on_gone is not None:
            try:
                self.on_gone(kernel_id)
            except Exception as exc:  # bookkeeping must never stop the server
                log.warning("forgetting kernel %s: %s", kernel_id, exc)

    def of_client(self, client: str) -> list[str]:
        return [k for k, o in self.kernels.items() if o.client == client]

    def count(self, km: Any) -> int:
        return len(km.list_kernel_ids()) + sum(self.pending.values())

    async def _shutdown(self, km: Any, kernel_id: str, why: str) -> None:
        log.info("stopping kernel %s (%s)", kernel_id, why)
        try:
            await km.shutdown_kernel(kernel_id)
        except Exception as exc:  # already gone
            log.warning("stopping kernel %s: %s", kernel_id, exc)
        self._forget(kernel_id)

    def _idle_for(self, km: Any, kernel_id: str) -> float:
        try:
            last = km.get_kernel(kernel_id).last_activity
            idle: float = (datetime.now(UTC) - last).total_seconds()
            return idle
        except Exception:
            return 0.0

    # -- a page load --------------------------------------------------------------------
    async def admit(self, km: Any, client: str) -> str | None:
        """Make room for one more page of ``client``; return why not (a message key).

        On success the load is counted as pending until :meth:`opened` or
        :meth:`done` is called.
        """
        self._refresh(km)

        def closed(kernel_id: str) -> bool:  # its page was open, and is no longer
            return (self.kernels[kernel_id].connected
                    and self._connections(km, kernel_id) == 0)

        mine = self.of_client(client)
        if len(mine) + self.pending.get(client, 0) >= self.per_client:
            spare = sorted((k for k in mine if closed(k)), key=lambda k: self.kernels[k].started)
            excess = len(mine) + self.pending.get(client, 0) - self.per_client + 1
            for kernel_id in spare[:excess]:
                await self._shutdown(km, kernel_id, f"{client} opened another page")
            if len(self.of_client(client)) + self.pending.get(client, 0) >= self.per_client:
                return "serve.busy.client"
        if self.count(km) >= self.total:
            idle = sorted((k for k in self.kernels if closed(k)
                           and self._idle_for(km, k) > IDLE_RECLAIM),
                          key=lambda k: -self._idle_for(km, k))
            for kernel_id in idle[:1]:
                await self._shutdown(km, kernel_id, "the server is full")
            if self.count(km) >= self.total:
                return "serve.busy.total"
        self.pending[client] = self.pending.get(client, 0) + 1
        return None

    def opened(self, kernel_id: str, client: str) -> None:
        """The page of ``client`` got ``kernel_id``."""
        self.kernels[kernel_id] = Opened(client)
        self.done(client)

    def loaded(self, kernel_id: str) -> None:
        """The page of ``kernel_id`` was sent in full: its browser may connect from now."""
        if kernel_id in self.kernels:
            self.kernels[kernel_id].loaded = time.monotonic()

    def done(self, client: str) -> None:
        """The page load of ``client`` is over (its kernel noted, or it failed)."""
        left = self.pending.get(client, 0) - 1
        if left > 0:
            self.pending[client] = left
        else:
            self.pending.pop(client, None)

    # -- every few seconds --------------------------------------------------------------
    async def cull(self, km: Any) -> list[str]:
        """Shut down kernels whose page never connected in time; return their ids."""
        self._refresh(km)
        now = time.monotonic()
        late = [k for k, o in self.kernels.items() if not o.connected and o.loaded is not None
                and self._connections(km, k) == 0 and now - o.loaded > self.connect_timeout]
        for kernel_id in late:
            await self._shutdown(km, kernel_id, "its page never connected")
        return late
