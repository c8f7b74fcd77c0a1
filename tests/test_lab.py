"""``kimtrain lab``: a working copy of the curriculum and JupyterLab in Indonesian."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import kimtrain.lab
from kimtrain.errors import KimtrainError
from kimtrain.lab import SETTINGS, curriculum_dir, lab_command, prepare_workspace

MODULES = sorted(p.name for p in curriculum_dir().glob("[0-9][0-9]-*.ipynb"))


def locale_of(workspace) -> str:
    return json.loads((workspace.settings_dir / SETTINGS).read_text(encoding="utf-8"))["locale"]


def test_the_copy_adds_missing_modules_and_never_overwrites(tmp_path):
    first = prepare_workspace(tmp_path / "kelas")
    assert sorted(p for p in first.copied if p[:2].isdigit() and "/" not in p) == MODULES
    edited = first.path / MODULES[0]
    edited.write_text("catatan fasilitator", encoding="utf-8")
    (first.path / MODULES[1]).unlink()

    again = prepare_workspace(tmp_path / "kelas")
    assert again.copied == [MODULES[1]]
    assert MODULES[0] in again.kept
    assert edited.read_text(encoding="utf-8") == "catatan fasilitator"


def test_the_interface_is_indonesian_only_where_the_language_pack_is(tmp_path, monkeypatch):
    monkeypatch.setattr(kimtrain.lab, "language_pack_installed", lambda locale="id_ID": True)
    assert locale_of(prepare_workspace(tmp_path / "a")) == "id_ID"
    assert locale_of(prepare_workspace(tmp_path / "a", lang="en")) == "en"
    monkeypatch.setattr(kimtrain.lab, "language_pack_installed", lambda locale="id_ID": False)
    assert locale_of(prepare_workspace(tmp_path / "b")) == "en"


def test_the_lab_keeps_its_settings_in_the_working_folder(tmp_path):
    workspace = prepare_workspace(tmp_path / "kelas")
    command = lab_command(workspace, port=9999, open_browser=False)
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={workspace.path}" in command
    assert f"--LabApp.user_settings_dir={workspace.settings_dir}" in command
    assert "--ServerApp.port=9999" in command and "--ServerApp.open_browser=False" in command


def test_a_file_in_the_way_is_a_clear_error_and_is_left_alone(tmp_path):
    blocker = tmp_path / "kelas"
    blocker.write_text("bukan folder", encoding="utf-8")
    with pytest.raises(KimtrainError) as err:
        prepare_workspace(blocker)
    assert "bukan folder" in str(err.value)
    assert blocker.read_text(encoding="utf-8") == "bukan folder"


def test_cli_dry_run(tmp_path):
    run = subprocess.run([sys.executable, "-m", "kimtrain", "lab", "--dir", str(tmp_path / "k"),
                          "--dry-run", "--no-browser"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    source = curriculum_dir()
    shipped = [p for p in source.rglob("*") if p.is_file()
               and not any(part.startswith((".", "__")) for part in p.relative_to(source).parts)]
    # the modules, the coordinator's notebook, and the trainer's SUMBER.md and content policy
    assert {"SUMBER.md", "KEBIJAKAN-KONTEN.md"} <= {p.name for p in shipped}
    assert f"{len(shipped)} berkas disalin" in run.stdout
    assert (tmp_path / "k" / "SUMBER.md").is_file()
    assert "Antarmuka JupyterLab: Bahasa Indonesia" in run.stdout
    assert "-m jupyterlab" in run.stdout and "open_browser=False" in run.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


@pytest.mark.slow
def test_jupyterlab_opens_on_the_curriculum_in_indonesian(tmp_path: Path):
    port, token = _free_port(), "kimtrain-uji"
    config = tmp_path / "cfg"  # this test's own Jupyter config: CI runs as root
    config.mkdir()
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"allow_root": True}}), encoding="utf-8")
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_CONFIG_DIR": str(config),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    env.pop("KIMTRAIN_LANG", None)
    proc = subprocess.Popen([sys.executable, "-m", "kimtrain", "lab", "--dir",
                             str(tmp_path / "kelas"), "--port", str(port), "--no-browser"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        listing = None
        for _ in range(120):
            try:
                listing = _get(f"{base}/api/contents?token={token}")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not start"
        names = sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")
        assert names == MODULES
        settings = _get(f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin"
                        f"?token={token}")
        assert settings["settings"]["locale"] == "id_ID"
        packs = _get(f"{base}/lab/api/translations?token={token}")
        assert "id_ID" in packs["data"]
        indonesian = _get(f"{base}/lab/api/translations/id_ID?token={token}")
        assert indonesian["data"].get("jupyterlab")  # the pack's strings are served
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # kimtrain and the JupyterLab it started
        proc.wait(timeout=30)
        proc.stdout.close()
