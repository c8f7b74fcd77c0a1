"""What a workshop server serves: released assessments and practice modules.

``kimtrain serve`` never serves a course's ``source/`` (it holds the keys) nor its
``release/`` folder itself (re-releasing would carry answer sheets along). It copies
what participants may open into a folder of its own::

    <course>/serve/
      notebooks/              Voilà's root: all that participants can open
        pretest/              release/pretest/ copied: notebook + public manifest,
                              and the participants' answer sheets (one file each)
        modul/                practice modules (copied from <course>/modul/ or --modul)
      presence/               who has identified, per assessment (for the trainer)
      disajikan.json          the tests this server serves (for its kernels' links)

Re-running ``kimtrain serve`` refreshes the notebooks and keeps every answer sheet.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kimtrain.answers.store import SHEET_GLOB
from kimtrain.course.layout import Course
from kimtrain.errors import CourseError

__all__ = ["ServedAssessment", "ServedModule", "Workshop", "prepare_workshop", "serve_root"]

SERVE_DIR = "serve"
NOTEBOOKS = "notebooks"
MODULES = "modul"
HIDDEN_TESTS = "BEGIN HIDDEN TESTS"
_SKIP = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", ".*", SHEET_GLOB)


def serve_root(course_root: str | Path) -> Path:
    return Path(course_root) / SERVE_DIR


def notebooks_root(course_root: str | Path) -> Path:
    return serve_root(course_root) / NOTEBOOKS


@dataclass(frozen=True)
class ServedAssessment:
    name: str
    title: str
    items: int
    folder: Path

    @property
    def url(self) -> str:
        return f"/voila/render/{self.name}/{self.name}.ipynb"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "items": self.items,
                "folder": str(self.folder), "url": self.url}


@dataclass(frozen=True)
class ServedModule:
    title: str
    path: str  # relative to the notebooks root, with forward slashes

    @property
    def url(self) -> str:
        return f"/voila/render/{self.path}"

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "path": self.path, "url": self.url}


@dataclass(frozen=True)
class Workshop:
    course: Course
    root: Path
    assessments: list[ServedAssessment] = field(default_factory=list)
    modules: list[ServedModule] = field(default_factory=list)

    def assessment(self, name: str) -> ServedAssessment | None:
        return next((a for a in self.assessments if a.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {"course": self.course.course_id, "root": str(self.root),
                "assessments": [a.to_dict() for a in self.assessments],
                "modules": [m.to_dict() for m in self.modules]}


def _released(course: Course) -> list[str]:
    return sorted(p.parent.name for p in course.root.glob("release/*/*.ipynb")
                  if p.stem == p.parent.name)


def _needs_release(course: Course, name: str) -> bool:
    source = course.source_dir(name) / f"{name}.ipynb"
    release = course.release_dir(name) / f"{name}.ipynb"
    if not release.exists():
        return source.exists()
    return source.exists() and source.stat().st_mtime > release.stat().st_mtime


def _copy_assessment(course: Course, name: str, target: Path, lang: str) -> ServedAssessment:
    release = course.release_dir(name)
    notebook = release / f"{name}.ipynb"
    if not notebook.exists():
        raise CourseError("serve.not_released", name=name, path=str(release))
    if HIDDEN_TESTS in notebook.read_text(encoding="utf-8"):
        raise CourseError("serve.hidden_tests", name=name, path=str(notebook))
    from kimtrain.assessment.manifest import load_manifest

    manifest = load_manifest(release, name)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(release, target, ignore=_SKIP, dirs_exist_ok=True)
    title = manifest.get("title", name)
    if lang == "en":
        title = (manifest.get("en") or {}).get("title", title)
    return ServedAssessment(name, title, len(manifest["items"]), target)


def notebook_title(path: Path) -> str:
    """The first Markdown heading of a notebook, else its file name."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        cells = []
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        for line in text.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return path.stem.replace("_", " ").replace("-", " ")


def _copy_modules(sources: Iterable[Path], target: Path) -> list[ServedModule]:
    shutil.rmtree(target, ignore_errors=True)  # practice modules keep no answers
    for source in sources:
        if not source.is_dir():
            raise CourseError("serve.no_modules", path=str(source))
        shutil.copytree(source, target / source.name if source.name != MODULES else target,
                        ignore=_SKIP, dirs_exist_ok=True)
    if not target.exists():
        return []
    root = target.parent
    return [ServedModule(notebook_title(p), p.relative_to(root).as_posix())
            for p in sorted(target.rglob("*.ipynb"))]


def prepare_workshop(course: Course, names: Iterable[str] | None = None, *,
                     modules: Iterable[str | Path] = (), lang: str = "id",
                     release: Callable[[str], Any] | None = None) -> Workshop:
    """Copy what participants may open into ``<course>/serve/notebooks``.

    ``names`` picks assessments (default: every released one); ``release`` is called
    for a named assessment whose nbgrader release is missing or older than its source
    (``kimtrain serve`` passes nbgrader's generate_assignment). ``modules`` adds
    folders of practice notebooks; ``<course>/modul/`` is served when it exists.
    """
    root = notebooks_root(course.root)
    chosen = list(names) if names else None
    if chosen and release is not None:
        for name in chosen:
            if _needs_release(course, name):
                release(name)
    wanted = chosen if chosen else _released(course)
    root.mkdir(parents=True, exist_ok=True)
    assessments = [_copy_assessment(course, name, root / name, lang) for name in wanted]
    sources = [Path(m).resolve() for m in modules]
    if not sources and (course.root / MODULES).is_dir():
        sources = [course.root / MODULES]
    served_modules = _copy_modules(sources, root / MODULES)
    if not assessments and not served_modules:
        raise CourseError("serve.nothing", path=str(course.root))
    # which tests this server serves, for its kernels (kimtrain.serve.orders.served_link)
    from kimtrain.answers.store import atomic_write
    from kimtrain.serve.orders import SERVED_LIST

    atomic_write(course.root / SERVED_LIST,
                 json.dumps({"assessments": [a.name for a in assessments]}).encode("utf-8"))
    return Workshop(course, root, assessments, served_modules)
