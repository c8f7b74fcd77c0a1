"""Helpers for the server tests: a workshop course and a real `kimtrain serve` process.

The server runs as a subprocess exactly as a trainer starts it, bound to 127.0.0.1
on a free port, with kernels on unix sockets (no TCP port races between parallel
kernels) and every Jupyter folder in a private temporary directory.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from kimtrain.context import VARIABLES

from .conftest import TEST_BLUEPRINT

DATA = Path(__file__).resolve().parent / "data"
PRACTICE = DATA / "latihan.ipynb"


def pin_of(course, code: str) -> str:
    """The PIN on ``code``'s card (what a participant types)."""
    from kimtrain.serve.identity import load_pins

    return load_pins(course.root)[code.upper()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workshop_course(root: Path, participants: int = 6):
    """A course with the test form built and released, a roster and one practice module."""
    from kimtrain.assessment.blueprint import load_blueprint
    from kimtrain.assessment.build import build_assessment
    from kimtrain.course import create_course
    from kimtrain.course.nbgrader_api import Nbgrader
    from kimtrain.course.roster import save_roster
    from kimtrain.demo import demo_roster

    course = create_course(root, course_id="uji")
    build_assessment(load_blueprint(TEST_BLUEPRINT), course.root)
    Nbgrader(course).generate("pretest")
    save_roster(course, demo_roster(participants))
    (course.root / "modul").mkdir()
    shutil.copy(PRACTICE, course.root / "modul" / PRACTICE.name)
    return course


def isolated_env(base: Path) -> dict[str, str]:
    """Jupyter and IPython folders of their own, and a short TMPDIR for unix sockets."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        folder = base / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env["TMPDIR"] = str(base)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    for var in VARIABLES:  # kimtrain.context: every variable a session is told by
        env.pop(var, None)
    return env


class ServerProcess:
    """`kimtrain serve` in a subprocess; ``url`` ends with a slash."""

    def __init__(self, course_root: Path, *args: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.base = Path(tempfile.mkdtemp(prefix="kts-", dir="/tmp"))
        self.log_path = self.base / "serve.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kimtrain", "serve", "--course", str(course_root),
             "--host", "127.0.0.1", "--port", str(self.port), "--transport", "ipc", "--no-qr",
             *args],
            stdout=self._log, stderr=subprocess.STDOUT, env=isolated_env(self.base),
            start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kimtrain serve exited:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"kimtrain serve not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=60) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, ""

    def stop(self) -> None:
        """SIGTERM (the server shuts its kernels down), then kill whatever it left."""
        stop_tree(self.proc)
        self._log.close()
        shutil.rmtree(self.base, ignore_errors=True)


def stop_tree(proc: subprocess.Popen) -> None:
    """Stop a server started by a test: SIGTERM first (it shuts its kernels down), then
    kill it and every process it left behind."""
    import psutil

    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    for child in children:
        try:
            if child.is_running():
                child.kill()
        except psutil.NoSuchProcess:
            pass


class LabProcess:
    """JupyterLab (and the extensions installed with it, such as nbgrader's formgrader)
    in a subprocess on a free port with a token; ``url`` ends with a slash."""

    def __init__(self, root: Path, base: Path, *args: str, cwd: Path | None = None) -> None:
        import secrets

        self.port, self.token = free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = base / "lab.log"
        self._out = open(self.log, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
             "--ip=127.0.0.1", f"--port={self.port}", f"--ServerApp.root_dir={root}",
             f"--IdentityProvider.token={self.token}", "--ServerApp.port_retries=0",
             "--KernelManager.transport=ipc", "--LabApp.news_url=None", *args],
            cwd=cwd, stdout=self._out, stderr=subprocess.STDOUT, env=isolated_env(base),
            start_new_session=True)
        try:
            self._wait()
        except BaseException:
            self.stop()
            raise

    def _wait(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.log.read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(f"{self.url}api/status?token={self.token}",
                                            timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("JupyterLab did not start")

    def stop(self) -> None:
        stop_tree(self.proc)
        self._out.close()
