"""The three participant widgets: an item, the identity card and the answer check.

Each is an anywidget whose front end is ``static/kimtrain.js`` and
``static/kimtrain.css``, shipped with the package: nothing loads from the network.
The widgets only show and report; what happens to an answer is decided by the
handler they are given (the assessment session saves it, practice mode checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

__all__ = ["CheckWidget", "IdentityWidget", "ItemWidget", "SubmitWidget"]

STATIC = Path(__file__).parent / "static"


class _Widget(anywidget.AnyWidget):
    _esm = STATIC / "kimtrain.js"
    _css = STATIC / "kimtrain.css"

    kind = traitlets.Unicode("item").tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)

    def show_status(self, status: str, message: str) -> None:
        self.status, self.message = status, message


class ItemWidget(_Widget):
    """One question. ``value`` holds the answer in the shape of kimtrain.answers.values."""

    item = traitlets.Dict().tag(sync=True)
    value = traitlets.Any(None, allow_none=True).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    feedback = traitlets.Dict().tag(sync=True)

    def __init__(self, on_answer: Callable[[ItemWidget, Any], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_answer = on_answer
        self._quiet = False
        self.observe(self._changed, names="value")

    def set_quietly(self, value: Any) -> None:
        """Show ``value`` without reporting it as a new answer (restoring a saved one)."""
        self._quiet = True
        try:
            self.value = value
        finally:
            self._quiet = False

    def _changed(self, change: dict[str, Any]) -> None:
        if not self._quiet and self._on_answer is not None:
            self._on_answer(self, change["new"])


class IdentityWidget(_Widget):
    """Asks for the participant code; the session answers ``identify``/``change`` events."""

    kind = traitlets.Unicode("identity").tag(sync=True)
    participant = traitlets.Unicode("").tag(sync=True)
    code = traitlets.Unicode("").tag(sync=True)
    locked = traitlets.Bool(False).tag(sync=True)

    def __init__(self, on_event: Callable[[IdentityWidget, dict[str, Any]], None],
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(lambda _w, content, _buffers: on_event(self, content))


class CheckWidget(_Widget):
    """The "Periksa jawaban" card: lists what is still unanswered."""

    kind = traitlets.Unicode("check").tag(sync=True)
    result = traitlets.Dict().tag(sync=True)

    def __init__(self, on_check: Callable[[CheckWidget], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(lambda _w, content, _buffers: on_check(self)
                    if content.get("event") == "check" else None)


class SubmitWidget(_Widget):
    """The "Kirim" card: the participant's last step; asks once more if items are empty."""

    kind = traitlets.Unicode("submit").tag(sync=True)
    result = traitlets.Dict().tag(sync=True)
    done = traitlets.Bool(False).tag(sync=True)

    def __init__(self, on_submit: Callable[[SubmitWidget], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(lambda _w, content, _buffers: on_submit(self)
                    if content.get("event") == "submit" else None)
