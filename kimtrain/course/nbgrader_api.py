"""A thin facade over nbgrader's Python API for one course.

One object loads nbgrader once (its import costs seconds) and runs the real
lifecycle steps in-process: generate, release, fetch and submit (the participant's
side of the exchange), collect, autograde. A failed step raises
:class:`~kimtrain.errors.NbgraderError` carrying nbgrader's own log.
"""

from __future__ import annotations

import contextlib
import copy
import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kimtrain.context import GRADING
from kimtrain.course.layout import CONFIG_FILE, Course
from kimtrain.errors import NbgraderError

__all__ = ["Nbgrader", "add_students"]


@contextlib.contextmanager
def _clean_env() -> Iterator[None]:
    """nbgrader sets NBGRADER_EXECUTION without restoring it when a step fails, and
    changes the working directory; SQLAlchemy 2 warns about nbgrader's sessions."""
    before = os.environ.get(GRADING)
    cwd = os.getcwd()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*not in session.*")
            yield
    finally:
        os.chdir(cwd)
        if before is None:
            os.environ.pop(GRADING, None)
        else:
            os.environ[GRADING] = before


def _scripts_on_path() -> None:
    """nbgrader runs the ``alembic`` command to create and upgrade the gradebook; make
    sure the one installed beside this Python is found even in a venv that was not
    activated (``.venv/bin/kimtrain demo``), in a conda environment or an installer's
    layout on Windows, where ``alembic.exe`` sits in ``Scripts\\`` and not beside
    ``python.exe`` (:func:`kimtrain.oscompat.scripts_dirs`)."""
    from kimtrain.oscompat import scripts_dirs

    paths = os.environ.get("PATH", "").split(os.pathsep)
    missing = [d for d in scripts_dirs() if d not in paths]
    if missing:
        os.environ["PATH"] = os.pathsep.join([*missing, *paths])


def add_students(course: Course, students: list[tuple[str, str]]) -> None:
    """Create or update nbgrader students ``(id, name)`` without loading nbgrader's apps."""
    _scripts_on_path()
    from nbgrader.api import Gradebook

    with _clean_env(), Gradebook(course.db_url, course.course_id) as gb:
        for student, name in students:
            gb.update_or_create_student(student, first_name=name)


class Nbgrader:
    """nbgrader's steps for one course, run in this process."""

    def __init__(self, course: Course, config: Callable[[Any], Any] | None = None) -> None:
        """``config``, when given, turns the course's nbgrader configuration into the one
        used here (``kimtrain grade`` passes :func:`kimtrain.grading.pipeline.configure`)."""
        _scripts_on_path()
        from nbgrader.apps import NbGraderAPI
        from traitlets.config.loader import PyFileConfigLoader

        from kimtrain.course.database import require_driver

        self.course = course
        self.config = PyFileConfigLoader(CONFIG_FILE, path=str(course.root)).load_config()
        require_driver(str(self.config.CourseDirectory.db_url))
        if config is not None:
            self.config = config(self.config)
        from nbgrader.auth.jupyterhub import JupyterhubApiError, JupyterhubEnvironmentError

        with _clean_env():
            try:
                self.api = NbGraderAPI(config=self.config)
            except (JupyterhubEnvironmentError, JupyterhubApiError) as exc:
                # a course made with --hub asks the hub who is in it (kimtrain.hub)
                raise NbgraderError("hub.nbgrader.no_hub", reason=str(exc)) from exc

    def _check(self, step: str, result: dict[str, Any] | None) -> str:
        if result is None:  # nbgrader skips exchange steps on Windows
            raise NbgraderError("nbgrader.unsupported", step=step)
        if not result.get("success"):
            log = (result.get("log") or "") + "\n" + (result.get("error") or "")
            errors = [line for line in log.splitlines()
                      if line.startswith(("[ERROR]", "[CRITICAL]"))
                      and "see the the above traceback" not in line
                      and "Traceback" not in line]
            reason = errors[0] if errors else log.strip()[-300:]
            raise NbgraderError("nbgrader.failed", log=log, step=step, reason=reason)
        return result.get("log") or ""

    # -- trainer's side -----------------------------------------------------------
    def generate(self, assessment: str) -> str:
        with _clean_env():
            return self._check("generate_assignment",
                               self.api.generate_assignment(assessment, force=True, create=True))

    def release(self, assessment: str) -> str:
        with _clean_env():
            self.api.coursedir.assignment_id = assessment
            return self._check("release_assignment", self.api.release_assignment(assessment))

    def collect(self, assessment: str) -> str:
        with _clean_env():
            return self._check("collect", self.api.collect(assessment, update=True))

    def autograde(self, assessment: str, participant: str, *, force: bool = True) -> str:
        with _clean_env():
            return self._check("autograde", self.api.autograde(assessment, participant,
                                                               force=force, create=True))

    # -- a participant's side of the exchange ---------------------------------------
    def _exchange_app(self, app_class: Any, assessment: str, participant: str,
                      folder: Path) -> Any:
        from nbgrader.auth import Authenticator
        from nbgrader.coursedir import CourseDirectory

        config = copy.deepcopy(self.config)
        config.CourseDirectory.student_id = participant
        config.CourseDirectory.assignment_id = assessment
        config.Exchange.assignment_dir = str(folder)
        coursedir = CourseDirectory(config=config)
        return app_class(coursedir=coursedir, authenticator=Authenticator(config=config),
                         config=config)

    def fetch(self, assessment: str, participant: str, folder: str | Path) -> Path:
        """Copy the released assessment into a participant's ``folder``; return its path."""
        from nbgrader.exchange.default import ExchangeFetchAssignment
        from nbgrader.utils import capture_log

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        app = self._exchange_app(ExchangeFetchAssignment, assessment, participant, folder)
        with _clean_env():
            self._check("fetch_assignment", capture_log(app))
        return folder / self.course.course_id / assessment

    def submit(self, assessment: str, participant: str, folder: str | Path) -> str:
        """Submit what the participant has in ``folder`` (the parent of the course folder)."""
        from nbgrader.exchange.default import ExchangeSubmit
        from nbgrader.utils import capture_log

        app = self._exchange_app(ExchangeSubmit, assessment, participant, Path(folder))
        with _clean_env():
            return self._check("submit", capture_log(app))
