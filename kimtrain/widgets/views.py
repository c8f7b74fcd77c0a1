"""The three participant widgets: an item, the identity card and the answer check.

Each is an anywidget whose front end is ``static/kimtrain.js`` and
``static/kimtrain.css``, shipped with the package: nothing loads from outside the
laptop. In JupyterLab every widget carries that code inline. On the workshop server
(``KIMTRAIN_SERVER=1``) a 40-item page would carry forty copies (~20 KB each) over the
room's Wi-Fi, so each widget carries only a small loader instead, and the phone fetches
the code once from the server's ``/kimtrain/static/`` (versioned by content, cached).
The widgets only show and report; what happens to an answer is decided by the
handler they are given (the assessment session saves it, practice mode checks it).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

__all__ = ["CheckWidget", "IdentityWidget", "ItemWidget", "SubmitWidget", "asset_url"]

STATIC = Path(__file__).parent / "static"
ASSETS = ("kimtrain.js", "kimtrain.css")
# The module and styles, fetched once per phone from the workshop server. The widget's
# own code runs from a blob: URL, so the address is made absolute from the page's.
_LOADER = """\
const root = location.pathname.split("/voila/")[0].replace(/\\/?$/, "/");
const href = (path) => new URL(root + path, location.href).href;
if (!document.querySelector("link[data-kimtrain]")) {
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href(%(css)s);
  link.dataset.kimtrain = "";
  document.head.append(link);
}
const loaded = import(href(%(js)s));
export default {
  async render(context) {
    const module = await loaded;
    return module.default.render(context);
  },
};
"""


def asset_url(name: str) -> str:
    """The server path of a front-end file, with its content hash as version."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"kimtrain/static/{name}?v={digest}"


def _front_end() -> tuple[str | Path, str | Path]:
    if os.environ.get("KIMTRAIN_SERVER") != "1":
        return STATIC / "kimtrain.js", STATIC / "kimtrain.css"
    return _LOADER % {"js": json.dumps(asset_url("kimtrain.js")),
                      "css": json.dumps(asset_url("kimtrain.css"))}, ""


class _Widget(anywidget.AnyWidget):
    _esm, _css = _front_end()

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
