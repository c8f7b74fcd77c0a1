"""Work for a laptop's second core: ``Background(function, *args)`` runs the call in a
forked child process while this one goes on, and :meth:`Background.result` returns its
value.

It is only ever a way to wait less. Where a process cannot be forked (Windows, one
core, inside a daemon process) the call runs here, at :meth:`~Background.result`; and
if the child fails in any way (an error, killed for memory, a value that cannot be sent
back), the call runs again here, so what a user sees, an error included, is exactly
what the same call would give without a child.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

__all__ = ["Background", "can_fork"]

R = TypeVar("R")


def can_fork() -> bool:
    """A second process can share the work: ``fork`` exists and so does a second core."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _in_child(conn: Connection, function: Callable[..., object],
              args: tuple[object, ...]) -> None:
    try:
        conn.send((True, function(*args)))
    except BaseException:  # the parent runs the call itself and meets the error there
        conn.send((False, None))


class Background(Generic[R]):
    """``function(*args)`` in a forked child (it inherits everything; only the result is
    copied back), when ``wanted`` and :func:`can_fork`; else at :meth:`result`."""

    def __init__(self, function: Callable[..., R], *args: object, wanted: bool = True) -> None:
        self._function, self._args = function, args
        self._process: BaseProcess | None = None
        self.forked = False  # the call was started in a child
        self.redone = False  # the child failed and the call was run again here
        if not (wanted and can_fork()):
            return
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe(duplex=False)
        try:
            process = context.Process(target=_in_child, args=(child, function, args),
                                      daemon=True)
            process.start()
        except (AssertionError, OSError):  # a daemon may not fork; out of processes
            self._conn.close()
            return
        finally:
            child.close()
        self._process = process
        self.forked = True

    def result(self) -> R:
        """The call's value: the child's, or (no child, or it failed) computed here."""
        if self._process is None:
            return self._function(*self._args)
        try:
            done, value = self._conn.recv()
        except Exception:  # EOFError: it died; or its value did not come back whole
            done, value = False, None
        finally:
            self._conn.close()
            self._process.join()
            self._process = None
        if done:
            return value
        self.redone = True
        return self._function(*self._args)

    def stop(self) -> None:
        """Stop the child (the work around it failed); :meth:`result` would run the call
        here."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._conn.close()
            self._process = None
