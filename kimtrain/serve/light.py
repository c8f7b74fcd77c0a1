"""The light test page: the same cards and checks as the Voilà page, without a kernel.

A 40-item test served through Voilà costs each phone about 1.4 MB of JavaScript and
the laptop one kernel per participant (about 40 MiB, two CPU-seconds to start and run
the notebook) before the first card shows. Thirty phones arriving at once waited half
a minute. The light page (``/ujian/<name>``) is a small HTML page of its own:

* the released notebook is read once: its Markdown cells are rendered as HTML, and
  its code cells must be exactly the built calls (``ujian.mulai()``,
  ``ujian.soal(ID)``, ``ujian.periksa()``, ``ujian.kirim()``, hidden-test comments);
  a notebook with anything else is served through Voilà as before (:func:`light_cells`);
* the cards are drawn by the same ``kimtrain.js`` as in Voilà and JupyterLab, with a
  small model (``static/light.js``) that speaks JSON to ``/ujian/<name>/api``
  instead of widget messages to a kernel;
* the answers are handled in the server process by the same
  :class:`kimtrain.widgets.Assessment` a kernel runs — code + PIN check against the
  roster (per phone address), answer checks, the answer store, "Kirim" and the
  nbgrader hand-in — so sheets and hand-ins are the same files as before. Each card
  says "Tersimpan" only after the server's reply acknowledges the change (after the
  sheet is on disk). A page the server does not know (the server was restarted)
  gets 410, and the page asks the participant to reload, as after a lost kernel.

Only standard-library and light kimtrain imports at module level: the server
imports this at start.
"""

from __future__ import annotations

import html
import json
import logging
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tornado.web

from kimtrain.i18n import get_language, t
from kimtrain.serve.identity_pages import write_notice
from kimtrain.widgets.views import asset_url

__all__ = ["LightApiHandler", "LightPageHandler", "LightPages", "PageState", "WidgetState",
           "light_cells", "light_url"]

log = logging.getLogger("kimtrain.serve")

MAX_BODY = 256 * 1024          # a written answer is far shorter
MAX_PAGES = 4000               # pages known at once (oldest forgotten first)
MAX_SESSIONS = 2000            # pages with an answer session (about 60 kB each)
IDLE_SECONDS = 12 * 3600       # a workshop day
_FIXED = frozenset({"kind", "item", "labels", "pin_required"})  # never change on a page
_CALL = re.compile(r"^ujian\.(mulai|periksa|kirim)\(\)$")
_SOAL = re.compile(r"""^ujian\.soal\((['"])([A-Za-z0-9_.-]{1,64})\1\)$""")
_START = re.compile(r"""^from kimtrain\.widgets import Assessment\s+"""
                    r"""ujian = Assessment\((['"])([A-Za-z0-9_-]{1,64})\1\)\s+ujian\.mulai\(\)$""")


def light_url(name: str) -> str:
    """The light page of assessment ``name``."""
    return f"/ujian/{name}"


# -- the notebook, read once -------------------------------------------------------------
Block = tuple[str, str]  # ("markdown", html) | ("identity"|"check"|"submit", "") | ("item", id)


def _markdown(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return str(markdown2html_mistune(text))


def light_cells(notebook: Path, name: str) -> list[Block] | None:
    """The page's blocks in notebook order, or ``None`` when a code cell is anything
    but the calls :func:`kimtrain.assessment.build` writes (then Voilà serves it)."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    blocks: list[Block] = []
    for cell in cells:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "markdown":
            blocks.append(("markdown", _markdown(source)))
            continue
        if cell.get("cell_type") != "code":
            continue
        code = source.strip()
        lines = [line for line in code.splitlines() if line.strip()]
        if all(line.lstrip().startswith("#") for line in lines):
            continue  # a grade cell without its hidden test: shows nothing
        if (start := _START.match(code)) and start.group(2) == name:
            blocks.append(("identity", ""))
        elif call := _CALL.match(code):
            kind = {"mulai": "identity", "periksa": "check", "kirim": "submit"}[call.group(1)]
            blocks.append((kind, ""))
        elif soal := _SOAL.match(code):
            blocks.append(("item", soal.group(2)))
        else:
            return None
    if not any(kind == "identity" for kind, _ in blocks):
        return None
    return blocks


# -- the widgets' state in the server process -------------------------------------------
class WidgetState:
    """What a widget's model holds, on the server side: the traits the page shows.

    Has the methods :class:`kimtrain.widgets.Assessment` calls on its widgets;
    every change is noted in ``changed`` and sent in the reply to the page.
    """

    def __init__(self, key: str, state: dict[str, Any]) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "state", dict(state))
        object.__setattr__(self, "changed", {})

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["state"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self.state[name] = value
        self.changed[name] = value

    def show_status(self, status: str, message: str) -> None:
        self.status, self.message = status, message

    def set_quietly(self, value: Any) -> None:
        self.value = value

    def take_changes(self) -> dict[str, Any]:
        changes = dict(self.changed)
        self.changed.clear()
        return changes


def _widget_states(session: Any) -> dict[str, dict[str, Any]]:
    """The first state of every widget of ``session``'s page (nobody identified yet):
    what ``mulai``/``soal``/``periksa``/``kirim`` give their widgets."""
    from kimtrain.assessment.manifest import localize

    common = {"status": "", "message": "", "token": "", "ack": ""}
    labels = session._labels()
    states: dict[str, dict[str, Any]] = {
        "identity": {**common, "kind": "identity", "labels": labels, "participant": "",
                     "code": "", "locked": False, "pin_required": session.pin_required,
                     "link": {}},
        "check": {**common, "kind": "check", "labels": labels, "result": {}},
        "submit": {**common, "kind": "submit", "labels": labels, "result": {}, "done": False},
    }
    waiting = t("widget.identify_first", lang=session.lang)
    for item_id in session.order:
        item = localize(session.items[item_id], session.lang)
        states[f"item:{item_id}"] = {
            **common, "kind": "item", "item": item, "labels": session._labels(item),
            "value": None, "disabled": True, "feedback": {}, "message": waiting}
    return states


@dataclass
class PageState:
    """One open light page: its answer session and its widgets."""

    session: Any
    widgets: dict[str, WidgetState]
    used: float = field(default_factory=time.monotonic)

    def _handled(self, widget: WidgetState, handler: Callable[[], None], token: Any) -> None:
        """As a kernel's widget does: run the handler, then acknowledge the token with
        the status it set (a failure: a short message, the traceback to the log)."""
        from kimtrain.widgets.guard import report_failure

        try:
            handler()
        except Exception as exc:  # shown as a message, reported on the server only
            report_failure(exc)
            log.warning("light page handler failed: %r", exc)
            widget.show_status("error", widget.labels.get("not_saved", "!"))
        widget.ack = str(token or "")[:64]

    def handle(self, key: str, state: dict[str, Any] | None,
               msg: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        """Apply one change or event from the page; return every widget's changes."""
        self.used = time.monotonic()
        widget = self.widgets.get(key)
        if widget is None:
            return {}
        token = str((state or msg or {}).get("token") or "")[:64]
        if token and widget.state.get("ack") == token:
            # the same call again (the reply to the first was lost on the way): acted on
            # once; the page gets what every card shows now
            return {k: {n: v for n, v in w.state.items() if n not in _FIXED}
                    for k, w in self.widgets.items()}
        session = self.session
        if widget.kind == "item" and state is not None:
            token = str(state.get("token", ""))[:64]
            if "value" in state and state["value"] != widget.value:
                value = state["value"]
                widget.state["value"] = value  # the page has it: not sent back
                self._handled(widget, lambda: session._on_answer(widget, value), token)
            widget.ack = token  # a tap that changed nothing is acknowledged too
        elif msg is not None:
            token = msg.get("token", "")
            event = str(msg.get("event", ""))
            if widget.kind == "identity" and event in ("identify", "change"):
                content = dict(msg)
                self._handled(widget, lambda: session._on_identity(widget, content), token)
            elif widget.kind == "check" and event == "check":
                self._handled(widget, lambda: session._on_check(widget), token)
            elif widget.kind == "submit" and event == "submit":
                self._handled(widget, lambda: session._on_submit_tap(widget), token)
        return {k: c for k, w in self.widgets.items() if (c := w.take_changes())}


# -- the pages of one server -------------------------------------------------------------
@dataclass
class _Served:
    name: str
    folder: Path
    blocks: list[Block]
    stamp: tuple[float, float]


class LightPages:
    """The light pages of a workshop: which assessments have one, the page HTML, and
    the open pages' sessions (kept in memory, oldest forgotten first)."""

    def __init__(self, folders: dict[str, Path], course_root: Path) -> None:
        self.folders = folders
        self.course_root = course_root
        # What a served kernel is told (kimtrain.serve.kernel.server_context): the
        # sessions run here get the same identity check, presence and hand-in hooks.
        from kimtrain.context import environment_language
        from kimtrain.serve.kernel import server_context

        self.context = server_context(course_root, lang=environment_language() or get_language())
        self._served: dict[str, _Served] = {}
        self._html: dict[str, tuple[tuple[float, float], str]] = {}
        self.pages: OrderedDict[str, float] = OrderedDict()
        self.sessions: OrderedDict[str, PageState] = OrderedDict()

    # which assessments ------------------------------------------------------------
    def served(self, name: str) -> _Served | None:
        folder = self.folders.get(name)
        if folder is None:
            return None
        notebook, manifest = folder / f"{name}.ipynb", folder / "kimtrain_soal.json"
        try:
            stamp = (notebook.stat().st_mtime, manifest.stat().st_mtime)
        except OSError:
            return None
        known = self._served.get(name)
        if known is None or known.stamp != stamp:
            blocks = light_cells(notebook, name)
            if blocks is None:
                self._served.pop(name, None)
                return None
            known = self._served[name] = _Served(name, folder, blocks, stamp)
        return known

    def available(self, name: str) -> bool:
        return self.served(name) is not None

    # sessions -----------------------------------------------------------------------
    def _new_session(self, served: _Served, client: str) -> Any:
        from kimtrain.widgets.session import Assessment

        session: Any = Assessment(served.name, served.folder, context=self.context)
        session.serve_client = client  # the PIN check's per-phone limit (serve.kernel)
        session.serve_link = self.link_of  # a form to open first (serve.orders)
        return session

    def link_of(self, name: str) -> str | None:
        """The page of test ``name`` on this server: its light page, else Voilà's; None
        when it is not served here."""
        if name not in self.folders:
            return None
        return light_url(name) if self.available(name) else f"/voila/render/{name}/{name}.ipynb"

    def _prune(self) -> None:
        now = time.monotonic()
        while self.pages and (len(self.pages) > MAX_PAGES
                              or now - next(iter(self.pages.values())) > IDLE_SECONDS):
            self.pages.popitem(last=False)
        while self.sessions and (len(self.sessions) > MAX_SESSIONS or now - next(
                iter(self.sessions.values())).used > IDLE_SECONDS):
            gone, _ = self.sessions.popitem(last=False)
            self.pages.pop(gone, None)

    def open_page(self, name: str) -> str | None:
        """A new page of ``name``: its HTML with a fresh page id (None: no light page)."""
        served = self.served(name)
        if served is None:
            return None
        page_id = secrets.token_urlsafe(18)
        self.pages[page_id] = time.monotonic()
        self._prune()
        cached = self._html.get(name)
        if cached is None or cached[0] != served.stamp:
            cached = self._html[name] = (served.stamp, self._render(served))
        return cached[1].replace("__KT_PAGE__", page_id)

    def handle(self, name: str, body: dict[str, Any], client: str
               ) -> tuple[int, dict[str, Any]]:
        """One call of a page: ``(HTTP status, reply)``; 410 for a page not known here."""
        page_id = str(body.get("page", ""))[:64]
        served = self.served(name)
        if served is None or page_id not in self.pages:
            return 410, {}
        self.pages.move_to_end(page_id)
        self.pages[page_id] = time.monotonic()
        page = self.sessions.get(page_id)
        if page is None:
            session = self._new_session(served, client)
            page = PageState(session, {k: WidgetState(k, s)
                                       for k, s in _widget_states(session).items()})
            for key, widget in page.widgets.items():
                if widget.kind == "item":
                    session.widgets[key.removeprefix("item:")] = widget
            session.identity = page.widgets["identity"]
            session.check_widget = page.widgets["check"]
            session.submit_widget = page.widgets["submit"]
            self.sessions[page_id] = page
        else:
            self.sessions.move_to_end(page_id)
        page.session.serve_client = client
        state, msg = body.get("state"), body.get("msg")
        changes = page.handle(str(body.get("widget", ""))[:80],
                              state if isinstance(state, dict) else None,
                              msg if isinstance(msg, dict) else None)
        self._prune()
        return 200, {"changes": changes}

    # the page -----------------------------------------------------------------------
    def _render(self, served: _Served) -> str:
        from kimtrain.widgets.session import Assessment

        session = Assessment(served.name, served.folder, context=self.context)
        states = _widget_states(session)
        lang = session.lang
        base = session._labels()
        widgets = []
        body = []
        for kind, value in served.blocks:
            if kind == "markdown":
                body.append(f'<div class="kt-md">{value}</div>')
                continue
            key = f"item:{value}" if kind == "item" else kind
            if key not in states:
                continue
            state = dict(states[key])
            state["labels"] = {k: v for k, v in state["labels"].items() if base.get(k) != v}
            widgets.append({"key": key, "state": state})
            body.append(f'<div class="kt-widget" data-widget="{html.escape(key)}"></div>')
        config = {"page": "__KT_PAGE__", "api": f"{light_url(served.name)}/api",
                  "module": "/" + asset_url("kimtrain.js"), "labels": base,
                  "widgets": widgets}
        # JSON inside <script>: "<" escaped, so no text can close the element
        data = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
        title = html.escape(session.manifest.get("title", served.name))
        css, light = "/" + asset_url("kimtrain.css"), "/" + asset_url("light.js")
        return (
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"><title>{title}</title>'
            f'<link rel="stylesheet" href="{css}">'
            f'<link rel="modulepreload" href="{config["module"]}">'
            f"<style>{_CSS}</style></head><body>"
            '<main id="rendered_cells">'
            f'<nav class="kt-nav"><a href="/">{html.escape(t("serve.page.back", lang=lang))}'
            "</a></nav>"
            '<div id="kt-incomplete" class="kt-incomplete" role="alert" hidden>'
            f"<p>{html.escape(t('serve.page.incomplete', lang=lang))}</p>"
            '<button type="button" onclick="location.reload()">'
            f"{html.escape(t('serve.page.reload', lang=lang))}</button></div>"
            f"{''.join(body)}</main>"
            f'<script type="application/json" id="kt-config">{data}</script>'
            f'<script type="module" src="{light}"></script>'
            "</body></html>")


# -- the two addresses -------------------------------------------------------------------
class _LightBase(tornado.web.RequestHandler):
    def initialize(self, pages: LightPages) -> None:
        self.pages = pages

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        write_notice(self, status_code)


class LightPageHandler(_LightBase):
    """``GET /ujian/<name>``: the light page, or Voilà's page where there is none."""

    def get(self, name: str) -> None:
        page = self.pages.open_page(name)
        if page is None:
            if name not in self.pages.folders:
                raise tornado.web.HTTPError(404)
            self.redirect(f"/voila/render/{name}/{name}.ipynb")
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.write(page)


class LightApiHandler(_LightBase):
    """``POST /ujian/<name>/api``: one change or event of a light page, as JSON.

    Only JSON is accepted (another site's form cannot post it, and a script of
    another site would need a preflight this server never answers), up to
    :data:`MAX_BODY`; the page id in the body is the page's own, unguessable.
    """

    def check_xsrf_cookie(self) -> None:
        """The JSON check below stands in for tornado's XSRF cookie."""

    def prepare(self) -> None:
        kind = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise tornado.web.HTTPError(403)

    def post(self, name: str) -> None:
        if len(self.request.body) > MAX_BODY:
            raise tornado.web.HTTPError(413)
        try:
            body = json.loads(self.request.body)
        except ValueError:
            raise tornado.web.HTTPError(400) from None
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400)
        status, reply = self.pages.handle(name, body, self.request.remote_ip or "?")
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(reply, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish("{}")


# The Voilà page's layout (serve/template/index.html.j2 and JupyterLab's rendered
# Markdown), for the light page: the same look at phone size.
_CSS = """
body{margin:0;background:#fff;color:rgba(0,0,0,.87);font-size:13px;
font-family:system-ui,-apple-system,blinkmacsystemfont,"Segoe UI",helvetica,arial,sans-serif,
"Apple Color Emoji","Segoe UI Emoji","Segoe UI Symbol"}
#rendered_cells{max-width:760px;margin:0 auto;padding:10px 10px 64px}
.kt-md{padding:4px 0 4px 5px;font-size:14px;line-height:1.6;overflow-wrap:break-word}
.kt-md h1{font-size:29.03px;font-weight:500;line-height:1;margin:17.42px 0 23.22px}
.kt-md h2{font-size:22.4px;font-weight:500;line-height:1;margin:16px 0 12px}
.kt-md p{margin:0 0 14px}.kt-md ol,.kt-md ul{margin:14px 0;padding-left:28px}
.kt-md .anchor-link{display:none}
.kt-nav{padding:10px 0 4px}
.kt-nav a{display:inline-block;min-height:44px;line-height:44px;font-size:17px;
color:#0b6e4f;font-family:system-ui,"Liberation Sans",Arial,sans-serif}
.kt-incomplete{position:sticky;top:0;z-index:10;margin:8px 0;padding:12px;
background:#fff4e5;border:2px solid #b45309;border-radius:8px;
font:17px/1.4 system-ui,"Liberation Sans",Arial,sans-serif}
.kt-incomplete[hidden]{display:none}
.kt-incomplete button{min-height:44px;padding:0 18px;font-size:17px;background:#0b6e4f;
color:#fff;border:0;border-radius:6px}
"""
