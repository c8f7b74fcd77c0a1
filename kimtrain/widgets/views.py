"""The three participant widgets: an item, the identity card and the answer check.

Each is an anywidget whose front end is ``static/kimtrain.js`` and
``static/kimtrain.css`` with each item type's renderer and styles
(``kimtrain/items/<type>.js|css``) put in, shipped with the package: nothing loads
from outside the laptop. In JupyterLab every widget carries that code inline. On the workshop server
(``KIMTRAIN_SERVER=1``) a 40-item page would carry forty copies (~20 KB each) over the
room's Wi-Fi, so each widget carries only a small loader instead, and the phone fetches
the code once from the server's ``/kimtrain/static/`` (versioned by content, cached).
The widgets only show and report; what happens to an answer is decided by the
handler they are given (the assessment session saves it, practice mode checks it).

Every change or event the page sends carries a ``token``; when the handler has
finished (an answer: after it is on disk) the kernel sends the token back as ``ack``,
together with the new status. The page shows "Tersimpan" only then, and tells the
participant to reload when no acknowledgement comes (a restarted kernel has no
widgets: the page's messages go nowhere). A handler that fails shows a short
message, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from kimtrain import items
from kimtrain.context import current
from kimtrain.widgets.guard import install, report_failure

__all__ = ["CheckWidget", "IdentityWidget", "ItemWidget", "SubmitWidget", "asset_url"]

STATIC = Path(__file__).parent / "static"
ASSETS = ("kimtrain.js", "kimtrain.css", "light.js")
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


_RENDERERS = "/* kimtrain:item-renderers */"


@cache
def module_source(name: str) -> str:
    """The text of front-end file ``name`` (one of ``ASSETS``): ``kimtrain.js`` with every
    item type's renderer (``kimtrain/items/<type>.js``) put in its place, ``kimtrain.css``
    followed by the types' own styles."""
    if name not in ASSETS:
        raise KeyError(name)
    core = (STATIC / name).read_text(encoding="utf-8")
    if name.endswith(".js"):
        return core.replace(_RENDERERS, items.front_end(".js"))
    return core + items.front_end(".css")


def asset_url(name: str) -> str:
    """The server path of a front-end file, with its content hash as version."""
    digest = hashlib.sha256(module_source(name).encode("utf-8")).hexdigest()[:12]
    return f"kimtrain/static/{name}?v={digest}"


def _front_end() -> tuple[str, str]:
    if not current().served:
        return module_source("kimtrain.js"), module_source("kimtrain.css")
    return _LOADER % {"js": json.dumps(asset_url("kimtrain.js")),
                      "css": json.dumps(asset_url("kimtrain.css"))}, ""


class _Widget(anywidget.AnyWidget):
    _esm, _css = _front_end()

    kind = traitlets.Unicode("item").tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    token = traitlets.Unicode("").tag(sync=True)  # set by the page with each change
    ack = traitlets.Unicode("").tag(sync=True)    # the token handled, set by the kernel

    def show_status(self, status: str, message: str) -> None:
        self.status, self.message = status, message

    def _handled(self, handler: Callable[[], None], token: str) -> None:
        """Run ``handler``; then acknowledge ``token``, in the same message as the
        status the handler set (or a short failure message: never a traceback)."""
        with self.hold_sync():
            try:
                handler()
            except Exception as exc:  # shown as a message, reported on the server only
                report_failure(exc)
                self.show_status("error", self.labels.get("not_saved", "!"))
            self.ack = str(token or "")[:64]


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

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """The page's change; a tap that leaves the value as it was (already saved) is
        acknowledged too, so the page never waits for an answer it has."""
        super().set_state(sync_data)
        token = sync_data.get("token")
        if isinstance(token, str) and token and self.ack != token[:64]:
            self.ack = token[:64]

    def _changed(self, change: dict[str, Any]) -> None:
        if not self._quiet and self._on_answer is not None:
            handler = self._on_answer
            self._handled(lambda: handler(self, change["new"]), self.token)


class IdentityWidget(_Widget):
    """Asks for the participant code; the session answers ``identify``/``change`` events."""

    kind = traitlets.Unicode("identity").tag(sync=True)
    participant = traitlets.Unicode("").tag(sync=True)
    code = traitlets.Unicode("").tag(sync=True)
    locked = traitlets.Bool(False).tag(sync=True)
    pin_required = traitlets.Bool(False).tag(sync=True)
    # where to go instead of this page ({"href", "text"}), shown as a link under the card
    link = traitlets.Dict().tag(sync=True)

    def __init__(self, on_event: Callable[[IdentityWidget, dict[str, Any]], None],
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(lambda _w, content, _buffers: self._handled(
            lambda: on_event(self, content), _token(content)))


class CheckWidget(_Widget):
    """The "Periksa jawaban" card: lists what is still unanswered."""

    kind = traitlets.Unicode("check").tag(sync=True)
    result = traitlets.Dict().tag(sync=True)

    def __init__(self, on_check: Callable[[CheckWidget], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(lambda _w, content, _buffers: self._handled(
            lambda: on_check(self), _token(content)) if _event(content) == "check" else None)


class SubmitWidget(_Widget):
    """The "Kirim" card: the participant's last step; asks once more if items are empty."""

    kind = traitlets.Unicode("submit").tag(sync=True)
    result = traitlets.Dict().tag(sync=True)
    done = traitlets.Bool(False).tag(sync=True)

    def __init__(self, on_submit: Callable[[SubmitWidget], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(lambda _w, content, _buffers: self._handled(
            lambda: on_submit(self), _token(content)) if _event(content) == "submit" else None)


def _event(content: Any) -> str:
    return str(content.get("event", "")) if isinstance(content, dict) else ""


def _token(content: Any) -> str:
    return str(content.get("token", "")) if isinstance(content, dict) else ""


# A kernel of `kimtrain serve` (assessments and practice modules alike) accepts from the
# page only what these widgets need; see kimtrain.widgets.guard.
if current().served and not current().in_grading:
    install()
