"""``kimtrain lab``: JupyterLab on a working copy of the curriculum, in Indonesian.

The trainer runs the modules from a working folder (``./kurikulum-kim`` by default)
rather than from the installed package or the repository, so running a module never
changes the notebooks kimtrain ships. The copy never overwrites: a module already in
the folder (perhaps with the trainer's own notes) is kept as it is, and only missing
modules are added.

JupyterLab's own menus come out in Indonesian when the language pack
``jupyterlab-language-pack-id-ID`` is installed: kimtrain keeps the lab's settings in
the working folder (``.kimtrain-lab/``) and chooses the ``id_ID`` locale there, so the
trainer's other JupyterLab settings are untouched. The pack translates about a quarter
of JupyterLab's strings; everything kimtrain itself shows is Indonesian regardless.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kimtrain.errors import KimtrainError

__all__ = ["LOCALE", "LabWorkspace", "curriculum_dir", "lab_command", "language_pack_installed",
           "prepare_workspace"]

LOCALE = "id_ID"
SETTINGS = Path("@jupyterlab") / "translation-extension" / "plugin.jupyterlab-settings"


def curriculum_dir() -> Path:
    """The curriculum shipped with kimtrain (packaged in the wheel, or the checkout's)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_curriculum", here.parent / "curriculum"):
        if any(candidate.glob("[0-9][0-9]-*.ipynb")):
            return candidate
    raise KimtrainError("lab.no_curriculum", path=str(here.parent / "curriculum"))


def language_pack_installed(locale: str = LOCALE) -> bool:
    """Whether JupyterLab has a language pack for ``locale`` (its entry point is registered)."""
    from importlib.metadata import entry_points

    return any(e.name == locale for e in entry_points(group="jupyterlab.languagepack"))


@dataclass(frozen=True)
class LabWorkspace:
    """The working folder: what was copied into it, what was already there and kept."""

    path: Path
    copied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    locale: str = "en"

    @property
    def settings_dir(self) -> Path:
        return self.path / ".kimtrain-lab" / "user-settings"

    @property
    def workspaces_dir(self) -> Path:
        return self.path / ".kimtrain-lab" / "workspaces"

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "path": str(self.path)}


def _curriculum_files(source: Path) -> list[Path]:
    return sorted(p for p in source.rglob("*") if p.is_file()
                  and not any(part.startswith((".", "__")) for part in p.relative_to(source).parts))


def prepare_workspace(path: str | Path, *, lang: str = "id",
                      source: Path | None = None) -> LabWorkspace:
    """Copy the curriculum's missing files into ``path`` and choose the lab's language.

    Files already in ``path`` are never overwritten. The interface is Indonesian when
    ``lang`` is ``id`` and the Indonesian language pack is installed, else English.
    """
    root = Path(path).expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise KimtrainError("lab.not_a_folder", path=str(root))
    source = source or curriculum_dir()
    copied, kept = [], []
    for file in _curriculum_files(source):
        relative = file.relative_to(source)
        target = root / relative
        if target.exists():
            kept.append(relative.as_posix())
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target)
        copied.append(relative.as_posix())
    locale = LOCALE if lang == "id" and language_pack_installed() else "en"
    workspace = LabWorkspace(root, copied, kept, locale)
    settings = workspace.settings_dir / SETTINGS
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"locale": locale}, indent=2) + "\n", encoding="utf-8")
    workspace.workspaces_dir.mkdir(parents=True, exist_ok=True)
    return workspace


def lab_command(workspace: LabWorkspace, *, port: int = 8888,
                open_browser: bool = True) -> list[str]:
    """The JupyterLab command line for ``workspace`` (run with the same Python)."""
    return [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={workspace.path}",
        f"--LabApp.user_settings_dir={workspace.settings_dir}",
        f"--LabApp.workspaces_dir={workspace.workspaces_dir}",
        f"--ServerApp.port={port}",
        f"--ServerApp.open_browser={open_browser}",
    ]
