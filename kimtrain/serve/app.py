"""The workshop server: Voilà, narrowed to what participants need, plus kimtrain's pages.

One process, one port. Participants get the start page (``/``), each test as a
light page without a kernel (``/ujian/<name>``, :mod:`kimtrain.serve.light`; off with
``--voila``) and the served notebooks as apps (``/voila/render/...``): no code shown,
and the kernel accepts
only widget messages (Voilà's ``allowed_message_types``), so nobody can run code on
the trainer's laptop. Voilà's file tree and contents API are not mounted, and only
the assessments and modules of this workshop render. The trainer's page
(``/pelatih``) answers only on this machine or with the key printed at start.
Every kernel is told its session context (served, the course, the server's hooks:
:func:`kimtrain.serve.kernel.server_context`) in its own environment.

Kernels are limited in total and per client, and culled when their page never
connects (:mod:`kimtrain.serve.limits`); which client opened which kernel is noted
for the PIN check's per-client limit (:mod:`kimtrain.serve.identity`). Errors are
short pages in the participant's language, never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import secrets
from pathlib import Path
from typing import Any

import tornado.escape
import tornado.web
from jupyter_server.base.handlers import FileFindHandler
from tornado.ioloop import PeriodicCallback
from traitlets import Any as AnyTrait
from traitlets import Bool, Unicode
from traitlets.config import Config
from voila.app import Voila
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from kimtrain.context import environment_language
from kimtrain.i18n import get_language, t
from kimtrain.serve.assets import (
    WidgetAssetHandler,
    cache_static,
    http_settings,
    websocket_settings,
)
from kimtrain.serve.attendance_web import (
    AttendanceHandler,
    TrainerAttendanceHandler,
    attendance_section,
    evaluation_links,
)
from kimtrain.serve.identity import note_client, reset_pin
from kimtrain.serve.identity_pages import (
    notice_page,
    pin_reset_result,
    pin_reset_section,
    write_notice,
)
from kimtrain.serve.kernel import server_context
from kimtrain.serve.light import LightApiHandler, LightPageHandler, LightPages, light_url
from kimtrain.serve.limits import KernelLimits
from kimtrain.serve.pages import landing_page, projector_page, trainer_page
from kimtrain.serve.pools import ContextKernelManager
from kimtrain.serve.status import workshop_status
from kimtrain.serve.submission import sweep
from kimtrain.serve.survey_web import SurveyHandler

__all__ = ["WorkshopServer", "server_config"]

HUB_HOST = "kimtrain.hub.kernel:attach"  # a hub service's kernels (kimtrain serve --hub)

TEMPLATE_DIR = Path(__file__).parent / "template"
WIDGET_EXTENSIONS = ["@voila-dashboards/widgets-manager8", "anywidget"]
SWEEP_SECONDS = 15
CULL_SECONDS = 5
_LOOPBACK = {"127.0.0.1", "::1"}
_KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')

log = logging.getLogger("kimtrain.serve")


def server_config(host: str, port: int, *, transport: str = "tcp", cull_minutes: int = 30,
                  warm: int = 0, warm_paths: list[str] | None = None) -> Config:
    """Voilà's settings for a workshop: fixed port, phone template, widgets only.

    ``warm`` kernels per notebook in ``warm_paths`` (relative to the served root) are
    started and run ahead, so the next participants get their page at once.
    """
    c = Config()
    c.Voila.ip = host
    c.Voila.port = port
    c.Voila.port_retries = 0
    c.Voila.open_browser = False
    c.VoilaConfiguration.template = "lab"
    c.VoilaConfiguration.allow_template_override = "NO"
    c.VoilaConfiguration.allow_theme_override = "NO"
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.extension_allowlist = WIDGET_EXTENSIONS
    c.VoilaConfiguration.file_allowlist = [r".*\.(png|jpg|jpeg|gif|svg|webp)"]
    c.VoilaConfiguration.resources = {"kimtrain": {
        "back": t("serve.page.back"), "incomplete": t("serve.page.incomplete"),
        "reload": t("serve.page.reload")}}
    c.HTMLExporter.language_code = get_language()
    # Kernels of closed or abandoned pages are stopped; answers are already on disk.
    c.MappingKernelManager.cull_idle_timeout = cull_minutes * 60
    c.MappingKernelManager.cull_interval = 60
    c.MappingKernelManager.cull_connected = False
    c.KernelManager.transport = transport
    c.VoilaConfiguration.multi_kernel_manager_class = ContextKernelManager
    # Thirty phones share one hotspot: compress the widget messages (see serve.assets).
    c.Voila.tornado_settings = websocket_settings()
    if warm > 0 and warm_paths:
        c.VoilaConfiguration.preheat_kernel = True
        c.VoilaConfiguration.default_pool_size = 0
        # Pools keyed by the URL path on every system (Windows spells paths with "\\").
        from kimtrain.serve.pools import PoolKeyKernelManager, pools_config

        c.VoilaConfiguration.multi_kernel_manager_class = PoolKeyKernelManager
        c.VoilaKernelManager.kernel_pools_config = pools_config(warm_paths, warm)
        c.VoilaKernelManager.fill_delay = 0
    return c


class _Base(tornado.web.RequestHandler):
    hub_user: str | None = None

    def initialize(self, server: WorkshopServer) -> None:
        self.server = server

    def _hub(self) -> Any:
        """The server's kimtrain.hub.service.HubGate, or None (not on a hub)."""
        hub = getattr(self.server, "hub", None)
        return hub if getattr(hub, "is_hub_gate", False) is True else None

    async def prepare(self) -> None:
        # On a hub (kimtrain.hub.service) every kimtrain page needs the hub login.
        if self._hub() is not None:
            self.hub_user = await self._hub().user(self)
            if self.hub_user is None:
                self.redirect(self.server.base_url + "login?next="
                              + tornado.escape.url_escape(self.request.uri or ""))

    def write(self, chunk: str | bytes | dict[str, Any]) -> None:
        # behind a hub's proxy, every address of kimtrain's pages is under the prefix
        prefix = getattr(self.server, "base_url", "/")
        if isinstance(chunk, str) and isinstance(prefix, str) and prefix != "/":
            for attr in ('href="/', 'action="/'):
                chunk = chunk.replace(attr, attr[:-1] + prefix)
        super().write(chunk)

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        write_notice(self, status_code)


class NotFoundHandler(tornado.web.RequestHandler):
    """Any address nothing answers: "not found" in the participant's language."""

    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        write_notice(self, status_code)


class LandingHandler(_Base):
    def get(self) -> None:
        own = f"{self.request.protocol}://{self.request.host}{self.server.base_url}"
        from kimtrain.serve.results_handlers import landing_extra

        self.server.serve_new_releases()
        links = self.server.light_links()
        lang = get_language()
        extra = "" if self.server.hub else (evaluation_links(lang)
                                            + landing_extra(self.server.workshop.course))
        self.write(landing_page(self.server.workshop, own, lang, links=links, extra=extra))


class TrainerHandler(_Base):
    def _allowed(self) -> bool:
        if self._hub() is not None:  # behind the proxy every request is 127.0.0.1
            return bool(self.hub_user) and self._hub().is_trainer(self.hub_user)
        key = self.get_query_argument("kunci", "")
        return (self.request.remote_ip in _LOOPBACK
                or (bool(key) and secrets.compare_digest(key, self.server.trainer_key)))

    def _pin_section(self) -> str:
        # The form carries the trainer's key: another site cannot post it for the trainer.
        token = f'<input type="hidden" name="token" value="{self.server.trainer_key}">'
        key = self.get_query_argument("kunci", "")
        return pin_reset_section(get_language(), xsrf_field=token, key=key)

    def get(self, fmt: str | None = None) -> None:
        if not self._allowed():
            raise tornado.web.HTTPError(403)
        statuses = workshop_status(self.server.workshop)
        if fmt == ".json":
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.write(json.dumps({"workshop": self.server.workshop.to_dict(),
                                   "assessments": [s.to_dict() for s in statuses]}))
            return
        from kimtrain.serve.results_handlers import trainer_extra

        lang = get_language()
        hadir = "" if self.server.hub else attendance_section(
            self.server.workshop, lang, token=self.server.trainer_key,
            key=self.get_query_argument("kunci", ""))
        from kimtrain.serve.orders import orders_section

        extra = orders_section(self.server.workshop, lang) + trainer_extra(
            self.server.workshop.course, lang)
        self.write(trainer_page(self.server.workshop, statuses, self.server.urls, lang,
                                extra=hadir + self._pin_section() + extra))


class PinResetHandler(TrainerHandler):
    """``POST /pelatih/pin``: a new PIN for one participant (the trainer only)."""

    def post(self) -> None:
        token = self.get_body_argument("token", "")
        if not (self._allowed() and secrets.compare_digest(token, self.server.trainer_key)):
            raise tornado.web.HTTPError(403)
        from kimtrain.course.roster import load_roster

        lang = get_language()
        code = self.get_body_argument("kode", "").strip().upper()[:32]
        people = {p.id.upper(): p for p in load_roster(self.server.workshop.course)}
        person = people.get(code)
        if person is None:
            message = t("serve.pins.unknown", lang=lang, code=code)
        else:
            pin = reset_pin(self.server.workshop.course.root, code)
            log.info("PIN of %s reset from the trainer's page", code)
            message = t("serve.pins.done", lang=lang, code=code, nama=person.nama, pin=pin)
        self.write(pin_reset_result(message, lang, key=self.get_query_argument("kunci", "")))


class ScreenHandler(TrainerHandler):
    """``/pelatih/layar``: the projector view — QR code and counts, no names."""

    def get(self, fmt: str | None = None) -> None:
        if not self._allowed():
            raise tornado.web.HTTPError(403)
        self.write(projector_page(self.server.workshop, workshop_status(self.server.workshop),
                                  self.server.urls, get_language()))


class RenderHandler(TornadoVoilaHandler):
    """Voilà's notebook page, for this workshop's notebooks only, within the kernel limits."""

    @tornado.web.authenticated
    async def get(self, path: str | None = None) -> None:
        if path not in self.settings["kimtrain_paths"]:
            raise tornado.web.HTTPError(404)
        limits: KernelLimits = self.settings["kimtrain_limits"]
        client = self.request.remote_ip or "?"
        if self.settings.get("kimtrain_hub") is not None:  # a hub user, not the proxy's address
            from kimtrain.hub.service import HUB_CLIENT_PREFIX

            client = HUB_CLIENT_PREFIX + str(self.current_user.username)
        refused = await limits.admit(self.kernel_manager, client)
        if refused:
            log.warning("page of %s refused for %s: %s", path, client, refused)
            self.set_status(503)
            self.set_header("Retry-After", "30")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(notice_page(refused, get_language(), retry=self.request.uri))
            return
        kernel_id = ""
        try:
            async for html in self.get_generator(path=path):
                if not kernel_id and (found := _KERNEL_ID.search(html)):
                    kernel_id = found.group(1)
                    limits.opened(kernel_id, client)
                    self.settings["kimtrain_note_client"](kernel_id, client)
                self.write(html)
                self.flush()
        finally:
            if kernel_id:
                limits.loaded(kernel_id)
            else:
                limits.done(client)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        write_notice(self, status_code)


class TemplateFiles(cache_static(TemplateStaticFileHandler)):  # type: ignore[misc]
    """Voilà's template assets, kept by phones (serve.assets); a malformed path is "not
    found", not a server error."""

    def parse_url_path(self, path: str) -> str:
        if path.count("/") < 2:
            raise tornado.web.HTTPError(404)
        found: str = super().parse_url_path(path)
        return found

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        write_notice(self, status_code)


# Voilà's own static files (its bundles, template styles, JupyterLab extensions),
# served as phones can keep them.
_STATIC_HANDLERS = {MultiStaticFileHandler: cache_static(MultiStaticFileHandler),
                    FileFindHandler: cache_static(FileFindHandler),
                    TemplateStaticFileHandler: TemplateFiles}


class WorkshopServer(Voila):
    """Voilà serving one workshop (see :func:`kimtrain.serve.workshop.prepare_workshop`)."""

    workshop = AnyTrait(help="The kimtrain.serve.Workshop being served.")
    urls = AnyTrait([], help="The addresses shown to participants.")
    trainer_key = Unicode(help="The key that opens the trainer's page from another device.")
    limits = AnyTrait(help="The kimtrain.serve.limits.KernelLimits of this server.")
    light = Bool(True, help="Serve tests as light pages (kimtrain.serve.light): no kernel "
                 "per participant. Off: every test page is Voilà's.")
    light_pages = AnyTrait(help="The kimtrain.serve.light.LightPages of this server.")
    served_paths = AnyTrait(set(), help="Notebook paths that may render (kimtrain_paths).")
    hub = AnyTrait(None, allow_none=True,
                   help="A kimtrain.hub.service.HubGate when served as a JupyterHub service.")

    def light_links(self) -> dict[str, str]:
        """The start page's link of each test that has a light page."""
        if not self.light or self.light_pages is None:
            return {}
        return {a.name: light_url(a.name) for a in self.workshop.assessments
                if self.light_pages.available(a.name)}

    def initialize(self, argv: list[str] | None = None) -> None:
        # Told to every kernel it starts (never one fixed participant); this process's
        # own environment stays as it is.
        context = server_context(self.workshop.course.root,
                                 lang=environment_language() or get_language())
        if self.hub is not None:  # identity from the hub login (kimtrain.hub.kernel)
            context = dataclasses.replace(context, host=HUB_HOST)
        self.config.ContextKernelManager.kernel_context = context
        super().initialize([str(self.workshop.root)])

    def setup_template_dirs(self) -> None:
        super().setup_template_dirs()
        self.template_paths.insert(0, str(TEMPLATE_DIR))

    def init_settings(self) -> dict[str, Any]:
        # Tornado reads compress_response when the application is built, before Voilà
        # applies its tornado_settings, so it goes here.
        settings = {**super().init_settings(), **http_settings()}
        paths = {a.url.removeprefix("/voila/render/") for a in self.workshop.assessments}
        paths |= {m.path for m in self.workshop.modules}
        settings["kimtrain_paths"] = self.served_paths = paths
        if self.limits is None:
            self.limits = KernelLimits()
        root = self.workshop.course.root
        self.limits.on_gone = lambda kernel_id: note_client(root, kernel_id, None)
        settings["kimtrain_limits"] = self.limits
        settings["kimtrain_hub"] = self.hub
        settings["default_handler_class"] = NotFoundHandler
        settings["kimtrain_note_client"] = lambda kernel_id, client: note_client(
            root, kernel_id, client)
        return settings

    def init_handlers(self) -> list[Any]:
        hidden = (TornadoVoilaTreeHandler, VoilaContentsHandler)
        handlers = []
        for spec in super().init_handlers():
            if spec[1] in hidden:
                continue
            if spec[1] is TornadoVoilaHandler:
                spec = (spec[0], RenderHandler, *spec[2:])
            elif spec[1] in _STATIC_HANDLERS:
                spec = (spec[0], _STATIC_HANDLERS[spec[1]], *spec[2:])
            handlers.append(spec)
        ours = {"server": self}
        self.light_pages = LightPages({a.name: a.folder for a in self.workshop.assessments},
                                      self.workshop.course.root)
        light = {"pages": self.light_pages}
        light_routes = [(r"/ujian/([A-Za-z0-9_-]{1,64})", LightPageHandler, light),
                        (r"/ujian/([A-Za-z0-9_-]{1,64})/api", LightApiHandler, light)]
        from kimtrain.serve.followup_pages import FollowUpHandler
        from kimtrain.serve.results_handlers import results_handlers

        # Code + PIN pages: not on a hub, where the login is the identity, feedback comes
        # through nbgrader's fetch_feedback and follow-up hand-ins through the hub folder.
        by_pin = [] if self.hub else [
            *results_handlers(self),  # /hasil: one's own feedback (issue 15)
            (r"/tindak-lanjut", FollowUpHandler, ours),  # follow-up hand-ins
            (r"/hadir", AttendanceHandler, ours),  # attendance (issue 15)
            (r"/survei", SurveyHandler, ours),  # the anonymous reaction survey
            (r"/pelatih/hadir", TrainerAttendanceHandler, ours),
            *(light_routes if self.light else []),
        ]
        base = self.base_url.rstrip("/")  # "" unless served under a hub's prefix
        ours_routes = [(r"/", LandingHandler, ours), *by_pin,
                       (r"/pelatih/pin", PinResetHandler, ours),
                       (r"/pelatih(\.json)?", TrainerHandler, ours),
                       (r"/pelatih/layar", ScreenHandler, ours),
                       (r"/kimtrain/static/(.*)", WidgetAssetHandler)]
        return [(base + route[0], *route[1:]) for route in ours_routes] + handlers

    def serve_new_releases(self) -> None:
        """On a hub: serve the tests released since the start (kimtrain.hub), from the
        sweep and from every landing page, so a participant who opens it the moment the
        trainer releases sees the test."""
        if self.hub is None:
            return
        from kimtrain.hub.serving import add_released

        try:
            for name in add_released(self.workshop, self.served_paths, get_language()):
                log.info("now serving %s", name)
        except Exception as exc:  # the server must keep serving whatever happens here
            log.warning("new releases not served: %s", exc)

    def sweep(self) -> None:
        """Place any submitted sheet whose nbgrader hand-in is missing (a safety net)."""
        self.serve_new_releases()
        for served in self.workshop.assessments:
            try:
                placed = sweep(self.workshop.course.root, served.folder, served.name)
            except Exception as exc:  # the server must keep serving whatever happens here
                log.warning("hand-in sweep of %s failed: %s", served.name, exc)
                continue
            for participant in placed:
                log.info("handed in %s/%s", participant, served.name)

    async def cull(self) -> None:
        """Stop kernels whose page never connected (see kimtrain.serve.limits)."""
        try:
            await self.limits.cull(self.kernel_manager)
        except Exception as exc:  # the server must keep serving whatever happens here
            log.warning("kernel cull failed: %s", exc)

    def listen(self) -> None:
        self.sweep()
        PeriodicCallback(self.sweep, SWEEP_SECONDS * 1000).start()
        PeriodicCallback(self.cull, CULL_SECONDS * 1000).start()
        super().listen()

    def stop(self) -> None:
        super().stop()
        self.sweep()
