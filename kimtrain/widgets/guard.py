"""What a served participant kernel accepts from the page, and what it tells it.

``kimtrain serve`` runs one kernel per open page. The page speaks only widget
messages (Voilà's ``allowed_message_types``), but a widget message can still ask the
kernel to *create* widgets: ``comm_open`` with any ipywidgets model (3,000 text
models of 100 KB grew a kernel from 57 to 603 MiB). :func:`install` narrows that:

* ``comm_open`` from the page is accepted only for the widget manager's control
  channel (``jupyter.widget.control``, a few per page). Every kimtrain widget is made
  by the kernel; a page never needs to create one, so a ``jupyter.widget`` open from
  the page is refused (closed at once, nothing made);
* the kernel's own error reports (an exception in a widget handler, a refused
  message) go to the server's terminal, never to the page: a participant never sees
  a traceback or a path of the trainer's laptop.

:func:`report_failure` is how widget handlers report what failed. Standard library
only: this runs in every participant's kernel.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
from typing import Any

__all__ = ["ALLOWED_TARGETS", "install", "report_failure", "say_to_server"]

# comm targets a page may open, with how many opens one kernel accepts
ALLOWED_TARGETS = {"jupyter.widget.control": 20}

_installed = False


def _terminal_fd() -> int | None:
    """The server's terminal. In a kernel, file descriptor 2 is a pipe that ipykernel
    forwards to the page; the terminal is the copy it kept of the original."""
    copy = getattr(sys.stderr, "_original_stdstream_copy", None)
    if isinstance(copy, int):
        return copy
    stream = sys.__stderr__
    try:
        return stream.fileno() if stream is not None else None
    except (OSError, ValueError):
        return None


def _say(text: str) -> None:
    fd = _terminal_fd()
    if fd is None:
        return
    with contextlib.suppress(OSError):
        os.write(fd, f"kimtrain kernel: {text.rstrip()}\n".encode("utf-8", "replace"))


def say_to_server(text: str) -> None:
    """One line for the server's terminal (never the page)."""
    _say(text)


def report_failure(exc: BaseException) -> None:
    """Write ``exc`` with its traceback to the server's terminal (never to the page)."""
    _say("".join(traceback.format_exception(exc)))


class _ToTerminal(logging.Filter):
    """A kernel log record goes to the server's terminal in full; the page's copy keeps
    one short line, without traceback or path."""

    def filter(self, record: logging.LogRecord) -> bool:
        with contextlib.suppress(Exception):  # logging must never break the kernel
            _say(logging.Formatter("%(levelname)s %(message)s").format(record))
        record.msg, record.args = "kimtrain: see the server's terminal", ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def _server_logger(log: Any) -> None:
    """Send a logger's records to the server's terminal instead of the page."""
    if isinstance(log, logging.Logger) and not any(
            isinstance(f, _ToTerminal) for f in log.filters):
        log.addFilter(_ToTerminal())


def install() -> bool:
    """Narrow this kernel as described above; return whether it is in place.

    Does nothing outside a kernel (a script, a test calling the session directly).
    """
    global _installed
    if _installed:
        return True
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - widgets always run under IPython
        return False
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    handlers = getattr(kernel, "shell_handlers", None)
    if kernel is None or not isinstance(handlers, dict) or "comm_open" not in handlers:
        return False
    original = handlers["comm_open"]
    opened: dict[str, int] = {}

    def comm_open(stream: Any, ident: Any, msg: dict[str, Any]) -> Any:
        content = msg.get("content") if isinstance(msg, dict) else None
        content = content if isinstance(content, dict) else {}
        target = str(content.get("target_name", ""))
        limit = ALLOWED_TARGETS.get(target, 0)
        if opened.get(target, 0) < limit:
            opened[target] = opened.get(target, 0) + 1
            return original(stream, ident, msg)
        comm_id = str(content.get("comm_id", ""))[:64]
        _say(f"refused comm_open {target[:40]!r} from the page")
        try:
            kernel.session.send(kernel.iopub_socket, "comm_close",
                                {"comm_id": comm_id, "data": {}}, parent=msg,
                                ident=kernel._topic("comm_close"))
        except Exception as exc:  # the refusal stands even if the page is not told
            report_failure(exc)
        return None

    handlers["comm_open"] = comm_open
    manager = getattr(kernel, "comm_manager", None)
    for owner in (kernel, manager):
        _server_logger(getattr(owner, "log", None))
    _installed = True
    return True
