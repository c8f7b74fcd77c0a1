"""A real JupyterHub: participants as OS users, nbgrader's exchange, kimtrain as a hub service.

The hub is JupyterHub itself (pip ``jupyterhub``) behind its standard proxy,
``configurable-http-proxy`` from npm (``.ci/run`` installs it), with the course's own
``hub/jupyterhub_config.py`` from ``kimtrain init --hub`` loaded unchanged. Spawned
servers run as real OS users made here with ``useradd``: ``kim-001`` as JupyterHub's
LocalProcessSpawner does it, and ``kim-002`` as The Littlest JupyterHub does it (OS
user ``jupyter-kim-002``); the roster spells that code ``Kim-002`` and a participant
logs in as ``KIM-003``. The trainer's commands run as root, the course's owner.

Two participants work in their own hub servers, driven through their kernels (the
REST API and a kernel websocket, through the hub's proxy; a browser would add nothing
there but time): ``nbgrader fetch_assignment``, then the assessment notebook's own
cells, answers set on the widgets and "Kirim" sent as the page's message. The third
uses the participant pages, ``kimtrain serve --hub`` started by the hub as a managed
service, in headless Chromium, logged in through the hub. Then collect, grade,
feedback through nbgrader's release and fetch, and the report: one participant each.

Needs root, ``useradd`` and ``configurable-http-proxy``: skipped without them on a
developer's machine, failed in CI.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from .browser import ARTIFACTS, LAPTOP, Network, chromium, screenshot
from .serving import free_port, stop_tree

pytestmark = pytest.mark.slow

COURSE_ID = "kimhub"
SERVICE = f"kimtrain-{COURSE_ID}"
PASSWORD = "sandi-uji-hub"
ITEMS = ["AMAN-APK-01", "HF-BANSOS-01", "MEDIA-SIFT-01", "AMAN-OTP-01"]
OS_USERS = {"kim-001": "kim-001", "kim-002": "jupyter-kim-002"}  # hub name -> OS user
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def _missing(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


def _kimtrain(*args: str, env: dict[str, str] | None = None,
              check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "kimtrain", *args], capture_output=True,
                          text=True, env={**os.environ, "KIMTRAIN_LANG": "id", **(env or {})},
                          timeout=600, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"kimtrain {' '.join(args)}: rc {done.returncode}\n"
                             f"{done.stdout}\n{done.stderr}")
    return done


_HUB_CONFIG = '''\
import pwd
from jupyterhub.spawner import LocalProcessSpawner

c = get_config()  # noqa: F821


class TLJHStyleSpawner(LocalProcessSpawner):
    """As The Littlest JupyterHub: the hub user NAME runs as the OS user jupyter-NAME
    (tljh/user.py); users listed in PLAIN run under their own name."""

    PLAIN = {plain!r}

    def system_name(self):
        name = self.user.name
        return name if name in self.PLAIN else "jupyter-" + name

    def make_preexec_fn(self, name):
        return super().make_preexec_fn(self.system_name())

    def user_env(self, env):
        entry = pwd.getpwnam(self.system_name())
        env.update(USER=entry.pw_name, HOME=entry.pw_dir, SHELL=entry.pw_shell)
        return env


c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{base}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{base}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{base}/jupyterhub.pid"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
c.ConfigurableHTTPProxy.pid_file = "{base}/proxy.pid"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = TLJHStyleSpawner
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {{"JUPYTER_CONFIG_PATH": "{base}/etc-jupyter",
                          "KIMTRAIN_LANG": "id", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}}

# the test's own admin token (creates user tokens, starts servers)
c.JupyterHub.services = [{{"name": "uji-admin", "api_token": {admin_token!r}}}]
c.JupyterHub.load_roles = [{{"name": "admin", "services": ["uji-admin"]}}]

# the course's configuration, exactly as `kimtrain init --hub` wrote it
exec(open({course_config!r}, encoding="utf-8").read())
'''


class Hub:
    """JupyterHub in a subprocess, with its proxy; the admin token of the test."""

    def __init__(self, base: Path, course_root: Path, service_port: int) -> None:
        self.base = base
        self.port, self.hub_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api = f"http://127.0.0.1:{self.hub_port}/hub/api"
        self.service_port = service_port
        self.admin_token = secrets.token_hex(16)
        config = base / "jupyterhub_config.py"
        config.write_text(_HUB_CONFIG.format(
            plain=["kim-001"], port=self.port, hub_port=self.hub_port, base=base,
            chp=shutil.which("configurable-http-proxy"), proxy_api=free_port(),
            password=PASSWORD, singleuser=str(BIN / "jupyterhub-singleuser"),
            admin_token=self.admin_token,
            course_config=str(course_root / "hub" / "jupyterhub_config.py")), "utf-8")
        self.log_path = base / "jupyterhub.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        for var in ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_USER", "KIMTRAIN_SERVER"):
            env.pop(var, None)
        self.proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)],
                                     cwd=base, stdout=self._log, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)
        try:
            self._wait(lambda: self.call("GET", "/") is not None, "the hub")
            self._wait(self._service_up, "the kimtrain service")
        except BaseException:
            self.stop()
            raise

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")[-6000:]

    def _wait(self, ready: Any, what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited:\n{self.log()}")
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{what} not ready after {timeout}s:\n{self.log()}")

    def _service_up(self) -> bool:
        status, _ = raw_get(f"http://127.0.0.1:{self.service_port}/services/{SERVICE}/")
        return status in (200, 302)

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        request = urllib.request.Request(
            self.api + path, method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {token or self.admin_token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
        return json.loads(text) if text else {}

    def user_token(self, name: str) -> str:
        return self.call("POST", f"/users/{name}/tokens", {"note": "test"})["token"]

    def start_server(self, name: str) -> None:
        self.call("POST", f"/users/{name}/server")
        self._wait(lambda: (self.call("GET", f"/users/{name}").get("servers", {})
                            .get("", {}).get("ready")), f"the server of {name}")

    def stop(self) -> None:
        stop_tree(self.proc)
        self._log.close()
        # a hub that died early leaves its proxy behind (no longer its child)
        import psutil

        with contextlib.suppress(OSError, ValueError, psutil.Error):
            proxy = psutil.Process(int((self.base / "proxy.pid").read_text().strip()))
            if "configurable-http-proxy" in " ".join(proxy.cmdline()):  # not a reused pid
                proxy.send_signal(signal.SIGTERM)


def raw_get(url: str, cookie: str = "") -> tuple[int, str]:
    """One GET, redirects not followed: (status, Location or body)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                     headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        return response.status, response.getheader("Location") or body
    finally:
        conn.close()


class Kernel:
    """A kernel in a participant's own hub server, reached through the hub's proxy."""

    def __init__(self, hub: Hub, user: str) -> None:
        self.hub, self.user = hub, user
        self.token = hub.user_token(user)
        self.base = f"{hub.url}/user/{user}/api"
        request = urllib.request.Request(f"{self.base}/kernels", method="POST", data=b"{}",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            self.id = json.loads(response.read())["id"]
        self.session = uuid.uuid4().hex

    def run(self, code: str, timeout: float = 180) -> str:
        """Execute ``code``; its printed output (an error fails the test)."""
        return asyncio.run(self._run(code, timeout))

    async def _run(self, code: str, timeout: float) -> str:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = self.base.replace("http://", "ws://") + f"/kernels/{self.id}/channels"
        ws = await websocket_connect(HTTPRequest(
            url, headers={"Authorization": f"token {self.token}"}, request_timeout=60))
        msg_id = uuid.uuid4().hex
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "username": self.user, "session": self.session,
                       "msg_type": "execute_request", "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False,
                        "stop_on_error": True}}))
        out: list[str] = []
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                raw = await asyncio.wait_for(ws.read_message(), deadline - time.monotonic())
                if raw is None:
                    raise AssertionError("kernel websocket closed")
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream":
                    out.append(content["text"])
                elif kind == "error":
                    raise AssertionError("\n".join(content["traceback"]) + "".join(out))
                elif kind == "status" and content["execution_state"] == "idle":
                    return "".join(out)
        finally:
            ws.close()
        raise AssertionError(f"no answer from {self.user}'s kernel: {''.join(out)}")


def _plan(items: dict[str, Any], right: bool) -> dict[str, Any]:
    plan: dict[str, Any] = {}
    for item_id in ITEMS:
        item = items[item_id]
        if item.type == "truefalse":
            plan[item_id] = item.key if right else not item.key
        else:
            plan[item_id] = item.key if right else next(o for o in item.options
                                                        if o != item.key)
    return plan


_FETCH = '''
import os, subprocess, sys
os.chdir(os.path.expanduser("~"))
done = subprocess.run([sys.executable, "-m", "nbgrader", "fetch_assignment", "pretest",
                       "--course={course}"], capture_output=True, text=True)
print("rc", done.returncode, done.stderr[-600:] if done.returncode else "")
print(sorted(os.listdir(os.path.expanduser("~/{course}/pretest"))))
'''

# the assessment notebook's own cells, then taps (a widget's value set, as the page's
# comm message does) and "Kirim" (the page's custom message)
_ANSWER = '''
import json, os, nbformat
os.chdir(os.path.expanduser("~/{course}/pretest"))
nb = nbformat.read("pretest.ipynb", as_version=4)
for cell in nb.cells:
    if cell.cell_type == "code":
        exec(cell.source, globals())
session = next(v for v in list(globals().values()) if type(v).__name__ == "Assessment")
print("participant", session.participant)
for item_id, value in json.loads({plan!r}).items():
    session.widgets[item_id].value = value
session.submit_widget._handle_custom_msg({{"event": "submit", "token": "t1"}}, [])
print("result", json.dumps(session.submit_widget.result))
print("status", session.submit_widget.status, session.submit_widget.message)
'''

_FETCH_FEEDBACK = '''
import glob, os, subprocess, sys
os.chdir(os.path.expanduser("~"))
done = subprocess.run([sys.executable, "-m", "nbgrader", "fetch_feedback", "pretest",
                       "--course={course}"], capture_output=True, text=True)
print("rc", done.returncode, done.stderr[-600:] if done.returncode else "")
for path in glob.glob(os.path.expanduser("~/{course}/pretest/feedback/*/*.html")):
    print("page", os.path.basename(path), "KIM-" in open(path, encoding="utf-8").read())
'''


def _open_way_to(paths: list[Path]) -> list[tuple[Path, int]]:
    """Let other users pass through (``o+x``, never read) every folder above ``paths``
    that stops them, such as ``/root`` when Python lives in ``/root/.pyenv``; returns
    the modes to put back."""
    changed: list[tuple[Path, int]] = []
    for path in paths:
        for folder in reversed(Path(os.path.realpath(path)).parents):
            mode = folder.stat().st_mode
            if not mode & 0o001 and folder not in [c[0] for c in changed]:
                changed.append((folder, mode & 0o7777))
                folder.chmod((mode & 0o7777) | 0o001)
    return changed


def _useradd(name: str) -> None:
    if subprocess.run(["id", "-u", name], capture_output=True, check=False).returncode != 0:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)


@pytest.fixture(scope="module")
def hub_course(starter_items_module):
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        _missing("the hub test makes OS users: it needs root (CI runs as root)")
    if shutil.which("useradd") is None:
        _missing("useradd is missing")
    if shutil.which("configurable-http-proxy") is None:
        _missing("configurable-http-proxy is missing (.ci/run: npm install -g "
                 "configurable-http-proxy)")
    pytest.importorskip("jupyterhub")
    base = Path(tempfile.mkdtemp(prefix="kth-", dir="/tmp"))
    base.chmod(0o755)  # participants' servers read the exchange below it
    course_root = base / "kursus"
    service_port = free_port()
    hub_api_port_hint = "http://127.0.0.1:1/hub/api"  # replaced once the hub's port is known
    hub = None
    # participants' servers run this environment's Python as other OS users
    opened = _open_way_to([Path(sys.executable), Path(sys.base_prefix) / "lib", ROOT])
    try:
        for os_user in OS_USERS.values():
            _useradd(os_user)
        _kimtrain("init", str(course_root), "--hub", "--course-id", COURSE_ID,
                  "--exchange", str(base / "exchange"), "--hub-api", hub_api_port_hint,
                  "--instructor", "Pelatih", "--service-port", str(service_port))
        blueprint = base / "pretest.yaml"
        blueprint.write_text(
            "name: pretest\ntitle: Tes Awal (uji hub)\n"
            "instructions: Ketuk jawaban pada setiap soal, lalu Kirim.\n"
            f"banks: [{ROOT / 'assessments' / 'bank' / 'starter.yaml'}]\n"
            f"items: [{', '.join(ITEMS)}]\nshuffle: false\nseed: 1\n", "utf-8")
        shutil.copy(blueprint, course_root / "blueprints" / "pretest.yaml")
        _kimtrain("build", "pretest", "--course", str(course_root))
        (base / "etc-jupyter").mkdir()
        shutil.copy(course_root / "hub" / "nbgrader_config.py",
                    base / "etc-jupyter" / "nbgrader_config.py")
        (base / "etc-jupyter").chmod(0o755)
        roster = base / "peserta.csv"
        with open(roster, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["kode", "nama", "kim", "desa", "kecamatan"])
            writer.writerow(["KIM-001", "Siti (contoh)", "KIM Baamang", "Baamang Hulu",
                             "Baamang"])
            writer.writerow(["Kim-002", "Budi (contoh)", "KIM Baamang", "Baamang Hulu",
                             "Baamang"])
            writer.writerow(["kim-003", "Rina (contoh)", "KIM Baamang", "Baamang Hulu",
                             "Baamang"])
        # before the hub runs: the roster is imported, the hub's absence said plainly
        imported = _kimtrain("roster", "import", str(roster), "--course", str(course_root),
                             "--no-region-check", env={"KIMTRAIN_HUB_TOKEN": "x"},
                             check=False)
        assert imported.returncode == 3, imported.stdout + imported.stderr
        assert "JupyterHub tidak dapat dihubungi" in imported.stdout
        assert "kimtrain roster enrol" in imported.stdout
        assert "Traceback" not in imported.stdout + imported.stderr
        hub = Hub(base, course_root, service_port)
        settings = json.loads((course_root / ".kimtrain" / "hub.json").read_text("utf-8"))
        settings["api_url"] = hub.api
        (course_root / ".kimtrain" / "hub.json").write_text(json.dumps(settings), "utf-8")
        yield hub, course_root, starter_items_module
    finally:
        if hub is not None:
            hub.stop()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)  # the hub's log, for a failure
            shutil.copy(hub.log_path, ARTIFACTS / "hub.log")
        for os_user in OS_USERS.values():
            subprocess.run(["userdel", "--remove", os_user], capture_output=True, check=False)
        for folder, mode in opened:
            folder.chmod(mode)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def starter_items_module():
    from kimtrain.bank import load_banks

    return {item.id: item for item in load_banks([ROOT / "assessments" / "bank" /
                                                  "starter.yaml"])}


def test_a_cohort_on_a_real_jupyterhub(hub_course):
    hub, course_root, items = hub_course

    # the trainer's commands run as in a terminal of their own hub server: the hub's
    # environment with a token of theirs (nbgrader asks the hub who is in the course)
    trainer = {"JUPYTERHUB_USER": "pelatih", "JUPYTERHUB_API_URL": hub.api,
               "JUPYTERHUB_API_TOKEN": hub.user_token("pelatih")}
    _kimtrain("release", "pretest", "--course", str(course_root), env=trainer)

    # 1. enrolment through the hub's REST API with the trainer's own token (the roles
    #    of the course's hub configuration): the roster's codes as hub users, in the group
    enrolled = _kimtrain("roster", "enrol", "--course", str(course_root), env=trainer)
    assert "3 peserta terdaftar di grup hub nbgrader-kimhub" in enrolled.stdout
    group = hub.call("GET", f"/groups/nbgrader-{COURSE_ID}")
    assert sorted(group["users"]) == ["kim-001", "kim-002", "kim-003"]
    assert hub.call("GET", "/users/pelatih")["groups"] == [f"formgrade-{COURSE_ID}"]

    # 2. two participants in their own servers (OS users kim-001 and jupyter-kim-002)
    plans = {"kim-001": _plan(items, right=True), "kim-002": _plan(items, right=False)}

    def participant(user: str) -> Kernel:
        hub.start_server(user)
        kernel = Kernel(hub, user)
        fetched = kernel.run(_FETCH.format(course=COURSE_ID))
        assert "rc 0" in fetched and "pretest.ipynb" in fetched, fetched
        answered = kernel.run(_ANSWER.format(course=COURSE_ID, plan=json.dumps(plans[user])))
        assert f"participant {user.upper()}" in answered, answered
        assert "Juga dikirim lewat exchange nbgrader (kursus kimhub)" in answered, answered
        return kernel

    with ThreadPoolExecutor(2) as pool:  # two people at once, as in a class
        kernels = dict(zip(plans, pool.map(participant, plans), strict=True))
    inbound = sorted(p.name.split("+")[0] for p in
                     (hub.base / "exchange" / COURSE_ID / "inbound").iterdir())
    assert inbound == ["jupyter-kim-002", "kim-001"]  # nbgrader names hand-ins by OS user

    # 3. the third through the participant pages: the hub-managed service, hub login
    with chromium() as browser:
        net = Network()
        context = net.watch(browser.new_context(**LAPTOP))
        page = context.new_page()
        page.goto(f"{hub.url}/services/{SERVICE}/")
        page.locator("#username_input").fill("KIM-003")  # the hub lower-cases it
        page.locator("#password_input").fill(PASSWORD)
        page.locator("#login_submit").click()
        page.wait_for_url(f"**/services/{SERVICE}/")
        screenshot(page, "hub-service-landing")
        page.locator('a[data-assessment="pretest"]').click()
        status = page.locator(".kt-identity .kt-status")
        page.wait_for_function("() => document.querySelector('.kt-identity .kt-status')"
                               "?.dataset.status === 'saved'", timeout=120_000)
        assert "KIM-003" in status.inner_text()  # no code, no PIN: the hub login
        assert page.locator(".kt-identity input.kt-pin").count() == 0 or \
            not page.locator(".kt-identity input.kt-pin").is_visible()
        for item_id, value in _plan(items, right=True).items():
            box = page.locator(f'.kt-card[data-item="{item_id}"]')
            box.scroll_into_view_if_needed()
            if items[item_id].type == "truefalse":
                box.locator(f'[data-verdict="{str(value).lower()}"]').click()
            else:
                box.locator(f'[data-option="{value}"]').click()
            box.locator('.kt-status[data-status="saved"]').wait_for()
        page.locator(".kt-submit .kt-send").click()
        page.locator(".kt-submit .kt-check-result p").first.wait_for()
        screenshot(page, "hub-service-participant")
        # the trainer's page: not for a participant
        response = page.goto(f"{hub.url}/services/{SERVICE}/pelatih")
        assert response is not None and response.status == 403
        trainer_context = net.watch(browser.new_context(**LAPTOP))
        trainer_page = trainer_context.new_page()
        trainer_page.goto(f"{hub.url}/services/{SERVICE}/pelatih")
        trainer_page.locator("#username_input").fill("pelatih")
        trainer_page.locator("#password_input").fill(PASSWORD)
        trainer_page.locator("#login_submit").click()
        trainer_page.locator('tr[data-participant="KIM-003"]').wait_for()
        screenshot(trainer_page, "hub-service-trainer")
        context.close()
        trainer_context.close()
    assert (course_root / "submitted" / "KIM-003" / "pretest" / "timestamp.txt").is_file()
    # behind the proxy every request is 127.0.0.1: that alone opens nothing any more
    status, where = raw_get(f"http://127.0.0.1:{hub.service_port}/services/{SERVICE}/pelatih")
    assert status == 302 and "login" in where

    # 4. the trainer: collect (hub spellings become codes), grade, feedback, report
    _kimtrain("collect", "pretest", "--course", str(course_root), env=trainer)
    submitted = sorted(p.parent.name for p in course_root.glob("submitted/*/pretest"))
    assert submitted == ["KIM-001", "KIM-002", "KIM-003"]
    _kimtrain("grade", "pretest", "--course", str(course_root), env=trainer)
    from kimtrain.course.gradebook import participant_scores
    from kimtrain.course.layout import open_course

    course = open_course(course_root)
    scores = {row.participant: row.percent for row in participant_scores(course, "pretest")}
    assert scores == {"KIM-001": 100.0, "KIM-002": 0.0, "KIM-003": 100.0}
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        assert sorted(s.id for s in gb.students) == ["KIM-001", "KIM-002", "KIM-003"]

    released = _kimtrain("feedback", "pretest", "--exchange", "--course", str(course_root),
                         env=trainer)
    assert "Umpan balik 2 peserta dikirim lewat exchange nbgrader" in released.stdout
    for kernel in kernels.values():
        got = kernel.run(_FETCH_FEEDBACK.format(course=COURSE_ID))
        assert "rc 0" in got and "page pretest.html True" in got, got

    out = hub.base / "laporan"
    _kimtrain("report", "--pre", "pretest", "--out", str(out), "--course", str(course_root))
    from kimtrain.reports.data import load_form

    assert load_form(course, "pretest").participants == ["KIM-001", "KIM-002", "KIM-003"]
    assert (out / "ringkasan.html").is_file()
