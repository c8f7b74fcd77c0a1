"""JupyterLab in Chromium: open a practice notebook, run all, answer its widget, see the feedback.

The notebook (tests/data/latihan.ipynb) is a practice exercise built on kimtrain's
ItemWidget with instant feedback, as a trainer runs it on the projector. Screenshot:
test-artifacts/lab-laptop-practice.png.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .browser import LAPTOP, Network, chromium, screenshot
from .serving import PRACTICE, free_port, isolated_env, stop_tree

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


class Lab:
    def __init__(self, root: Path, base: Path) -> None:
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}/"
        settings = base / "settings"
        for name, value in SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value), encoding="utf-8")
        self.log = base / "lab.log"
        self._out = open(self.log, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
             "--ip=127.0.0.1", f"--port={self.port}", f"--ServerApp.root_dir={root}",
             f"--IdentityProvider.token={self.token}", "--ServerApp.port_retries=0",
             f"--LabApp.user_settings_dir={settings}",
             f"--LabApp.workspaces_dir={base / 'workspaces'}",
             "--KernelManager.transport=ipc", "--LabApp.news_url=None"],
            stdout=self._out, stderr=subprocess.STDOUT, env=isolated_env(base),
            start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.log.read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(f"{self.url}api/status?token={self.token}",
                                            timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("JupyterLab did not start")

    def stop(self) -> None:
        stop_tree(self.proc)
        self._out.close()


@pytest.fixture
def lab(tmp_path):
    import tempfile

    root = tmp_path / "notebooks"
    root.mkdir()
    shutil.copy(PRACTICE, root / PRACTICE.name)
    base = Path(tempfile.mkdtemp(prefix="ktl-", dir="/tmp"))
    server = Lab(root, base)
    yield server
    server.stop()
    shutil.rmtree(base, ignore_errors=True)


def test_lab_runs_a_practice_notebook_and_its_widget_gives_feedback(lab):
    log = Network()
    with chromium() as browser:
        context = log.watch(browser.new_context(**LAPTOP))
        context.set_default_timeout(90_000)
        page = context.new_page()
        page.goto(f"{lab.url}lab/workspaces/uji/tree/{PRACTICE.name}?reset&token={lab.token}")
        # Run only once the notebook's kernel is really idle (else Lab asks for a kernel).
        page.get_by_text(re.compile(r"\|\s*Idle")).first.wait_for()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        card = page.locator('.jp-Notebook .kt-card[data-item="LATIHAN-BANSOS"]')
        card.wait_for()
        card.locator('[data-verdict="true"]').click()  # "Fakta": wrong
        card.locator('.kt-feedback[data-verdict="wrong"]').wait_for()
        assert "Belum tepat" in card.locator(".kt-feedback").inner_text()
        card.locator('[data-verdict="false"]').click()  # "Hoaks": right
        card.locator('.kt-feedback[data-verdict="correct"]').wait_for()
        assert "cekbansos.kemensos.go.id" in card.locator(".kt-feedback").inner_text()
        errors = page.locator('.jp-OutputArea-output[data-mime-type='
                              '"application/vnd.jupyter.stderr"]')
        assert errors.count() == 0
        screenshot(page, "lab-laptop-practice")
        context.close()
    log.assert_local()
