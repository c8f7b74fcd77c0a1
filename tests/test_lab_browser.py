"""JupyterLab in Chromium: open a practice notebook, run all, answer its widget, see the feedback.

The notebook (tests/data/latihan.ipynb) is a practice exercise built on kimtrain's
ItemWidget with instant feedback, as a trainer runs it on the projector. Screenshot:
test-artifacts/lab-laptop-practice.png.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from .browser import LAPTOP, Network, chromium, screenshot
from .serving import PRACTICE, LabProcess

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


class Lab(LabProcess):
    """JupyterLab with settings that keep it quiet and offline for the tests."""

    def __init__(self, root: Path, base: Path) -> None:
        settings = base / "settings"
        for name, value in SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value), encoding="utf-8")
        super().__init__(root, base, f"--LabApp.user_settings_dir={settings}",
                         f"--LabApp.workspaces_dir={base / 'workspaces'}")


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
